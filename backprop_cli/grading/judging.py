"""Whether an answer is right, CONTRACT section 5's default rule, and whether it is carried forward.

Right: within half a unit of its last decimal of the true value, or of the value its own step gives
from the file's earlier answers when those are right (carrying rounded values is never penalised).
A further widening of 0.5% covers rounding in steps the file does not state, but only where no
catalogued mistake's value falls inside it. An updated value is judged on the step it implies,
(w − w_new)/η against ∂L/∂w, so its widening scales with η·∂L/∂w, never with w.
Carried forward: not right, but equal to its own step done on earlier answers of which some are
wrong; refused where those make the step trivial (0, ±1, a copy of another answer).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from .quantities import chain_position
from .steps import key_of, own_step

WIDENING = 0.005  # relative, for rounding in steps the file does not state
SIGNIFICANT = 0.05  # half a unit of the last digit written may be at most 5% of the value: two digits
ZERO_DECIMALS = 0.005  # a true 0 is answered with at least two decimals (0.00)
PRECISE_ENOUGH = 0.00005  # four decimals or more are always precise enough to be judged


@dataclass
class Judgement:
    """How one answer is judged."""

    verdict: str  # right, wrong or carried_forward
    low: float  # the interval that would have been accepted
    high: float
    used: list = field(default_factory=list)  # the earlier answers a carried-forward step used
    note: str = ""  # why it is wrong though close, or why carried-forward credit was refused


def half_unit(decimals: int | None, expected: float) -> float:
    """Half a unit of the last decimal written (a relative 1e-12 when the form has none)."""
    if decimals is None:
        return 1e-12 * max(abs(expected), 1e-300)
    return 0.5 * 10.0 ** -decimals


def judge_all(result, notation, answers, expected: dict, tolerance, diagnoser) -> dict:
    """A Judgement for every answer (id(answer) -> Judgement), earlier steps first so that their
    verdicts decide whether a later step may build on them."""
    depth = len(result.sizes) - 1
    order = sorted(answers, key=lambda a: chain_position(a.quantity, notation, depth))
    stated = {key_of(a.quantity): a for a in answers}
    judged: dict[int, Judgement] = {}
    for answer in order:
        judged[id(answer)] = _judge(result, notation, answer, expected, tolerance, diagnoser, stated, judged)
    return judged


def _judge(result, notation, answer, truths: dict, tolerance, diagnoser, stated: dict, judged: dict) -> Judgement:
    given, q, expected = answer.given, answer.quantity, truths[id(answer)]
    if tolerance.absolute is not None or tolerance.relative is not None:  # the file's own tolerance
        bound = max(tolerance.absolute or 0.0, (tolerance.relative or 0.0) * abs(expected)) * (1 + 1e-12)
        low, high = expected - bound, expected + bound
        if low <= given <= high:
            return Judgement("right", low, high)
        return _carried(result, notation, answer, stated, judged, truths, bound, Judgement("wrong", low, high))
    h = half_unit(answer.decimals, expected) * (1 + 1e-9) + 1e-12 * abs(expected)
    # an update is judged on the step it implies: its precision counts against η·∂L/∂w, not w
    scale = result.learning_rate * abs(result.gradient(str(q.name))) if q.kind == "updated" else abs(expected)
    # too few digits to be judged right: half a unit over 5% of the value (of η·∂L/∂w for an update),
    # unless four decimals or more are written; a true 0 needs two decimals
    unit = half_unit(answer.decimals, expected)
    vague = unit > SIGNIFICANT * scale and unit > PRECISE_ENOUGH and not (expected == 0 and unit <= ZERO_DECIMALS)
    mistaken = [v for v, _ in diagnoser.candidates(q, expected) if math.isfinite(v) and abs(v - expected) > h]
    if abs(given - expected) <= h:
        if vague:
            return Judgement("wrong", expected - h, expected + h, note=(
                "too few digits to judge: write at least two significant digits"
                + (" of the step η·∂L/∂w" if q.kind == "updated" else "")))
        if any(abs(given - v) <= h for v in mistaken):  # as close to a known mistake as to the truth
            return Judgement("wrong", expected - h, expected + h, note="too few digits to tell this from a "
                             "known mistake's value: write more digits")
        return Judgement("right", expected - h, expected + h)
    # rounding carried from the file's own earlier, right, answers
    step = own_step(result, notation, q, stated)
    on_right_answers = step is not None and all(judged.get(id(a)) and judged[id(a)].verdict == "right"
                                                for a in step[1])
    if on_right_answers and not vague and abs(given - step[0]) <= h and not any(abs(given - v) <= h
                                                                             for v in mistaken):
        return Judgement("right", step[0] - h, step[0] + h)
    if vague:  # neither widened nor carried forward: too few digits to tell what was done
        return Judgement("wrong", expected - h, expected + h, note=(
            "too few digits to judge: write at least two significant digits"
            + (" of the step η·∂L/∂w" if q.kind == "updated" else "")))
    # rounding in steps the file does not state: 0.5% more, where no mistake lies inside
    width = h + WIDENING * scale
    if not any(abs(v - expected) <= width for v in mistaken):
        if abs(given - expected) <= width:
            return Judgement("right", expected - width, expected + width)
        low, high = expected - width, expected + width
    else:
        low, high = expected - h, expected + h
    return _carried(result, notation, answer, stated, judged, truths, h, Judgement("wrong", low, high), step)


def _carried(result, notation, answer, stated, judged, truths, bound: float, wrong: Judgement, step=None) -> Judgement:
    """`wrong`, or carried forward when the answer is its own step on earlier answers, some wrong."""
    step = step if step is not None else own_step(result, notation, answer.quantity, stated)
    if step is None:
        return wrong
    value, used = step
    earlier_wrong = [a for a in used if judged.get(id(a)) and judged[id(a)].verdict != "right"]
    if not earlier_wrong or abs(answer.given - value) > max(bound, 1e-12 * abs(value)):
        return wrong
    for a in earlier_wrong:  # 0, ±1 or a copy of another answer where the truth is none of these
        true = truths[id(a)]
        special = [t for t in (0.0, 1.0, -1.0) if abs(a.given - t) <= 1e-12 and abs(true - t) > 1e-9]
        if abs(a.given) <= 0.01 * abs(true) or abs(a.given) >= 100 * (abs(true) + 1):  # as good as 0, or absurd
            special.append(a.given)
        copies = [o for o in stated.values() if o is not a and o is not answer and abs(a.given - o.given) <= 1e-12
                  and abs(true - truths[id(o)]) > 1e-9]
        if special or copies:
            wrong.note = (f"it follows from {a.quantity.text} = {a.written or a.given} (line {a.line}), a value that "
                          "makes this step trivial, so it earns no carried-forward credit")
            return wrong
    return Judgement("carried_forward", wrong.low, wrong.high, earlier_wrong)
