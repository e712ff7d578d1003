"""What the numbers an answers file states stand for, as evidence for the steps built on them:
the values their digits cover, a right value too rough to build on, what an arithmetic slip can
write (anything further off is made up), the trivial values an answer must be told from, and
where each goes in an interval pass (grading.intervals)."""
from __future__ import annotations

import math

from ..errors import quote
from .interval_arithmetic import as_pair
from .quantities import QuantityError, local_slope, node_at
from .rule import TRIVIAL, is_exact, precision_of, same_value


def written(answer) -> str:
    """The answer's number as the file writes it (for its precision)."""
    return answer.written or repr(answer.given)


ROUGH_DIGITS = 2  # a right value written with fewer significant digits is too rough to build a precise step on


def coarse_value(stated, truth: float, answer) -> bool:
    """Whether a stated value is too rough to build `answer` on: fewer than ROUGH_DIGITS significant
    digits, not exact, and its last digit coarser than the answer's (`1e1` for 14.9 is right at one
    digit, but a step built on 10 says nothing of 14.9's `10.00`; `-0.05` beside `-3.10`, both to
    2 decimals, is one habit of rounding, and the step on it is the student's own)."""
    return (precision_of(written(stated)).significant < ROUGH_DIGITS and not is_exact(stated.given, truth)
            and coarser(stated, answer))


def coarser(stated, answer) -> bool:
    """Whether a stated value's last digit is coarser than the answer's (fewer decimals)."""
    return precision_of(written(stated)).decimals < precision_of(written(answer)).decimals


SLIP_SIZE = 0.5  # an arithmetic slip keeps the number's sign and is within half of it of its step's value


def slip_sized(given: float, value: float) -> bool:
    """Whether `given` is what a slip in a step that gives `value` can write: the same sign and
    within SLIP_SIZE of it, or its digits with the decimal point moved. A number further off is no
    slip but a number made up (a δ invented where ŷ and y are stated right), and buys no
    carried-forward credit for the steps after it."""
    ratio = given / value if value != 0 and math.isfinite(given) and math.isfinite(value) else math.nan
    if not 0 < ratio < math.inf:  # 0, the sign changed, or beyond float64 (an overflowed step): no slip
        return False
    shift = math.log10(ratio)
    return abs(given - value) <= SLIP_SIZE * abs(value) or \
        (round(shift) != 0 and abs(shift - round(shift)) <= math.log10(1 + SLIP_SIZE / 10))


def slip_sentence(answer, upstream: list, earlier_wrong: list, near: bool = True) -> str:
    """What a student is told of a slip in this step, on its stated inputs (the value they give is
    not said: it is the expected one, which feedback may withhold), and of the first wrong one;
    `near`: whether the answer is slip-sized (slip_sized), else it is no slip but a number far off."""
    used = ", ".join(f"{a.quantity.text} = {quote(written(a))}" for a in upstream)
    inputs = f"your own earlier answers ({used})" if upstream else "the numbers you were given"
    said = f"An arithmetic slip: {inputs} do not give {quote(written(answer))} in this step; redo its arithmetic." \
        if near else (f"Not what this step gives: {inputs} give a number far from {quote(written(answer))} (further "
                      "off than a slip goes); redo this step.")
    for first in earlier_wrong:  # it has a diagnosis of its own, on its line
        said += f" It builds on the earlier wrong step {first.quantity.text} (line {first.line}): fix that too."
    return said


def digits_of(answer) -> tuple[float, float]:
    """What a stated answer's digits stand for: every value that rounds to it, as an intermediate
    rounded at its precision does (grading.rule.Precision.half_of: a written 0 is 0, a written 3
    no rougher than 3 significant digits)."""
    half = float(precision_of(written(answer)).half_of(abs(answer.given)))
    return answer.given - half, answer.given + half


def trivial_values(answer, answers, truths: dict) -> list[tuple[float, str]]:
    """0, ±1 and copies of the values of `answers` (the file's other values it could be copied
    from), each with what it is."""
    found = list(TRIVIAL)
    for other in answers:
        if other is not answer and not same_value(truths[id(other)], truths[id(answer)]):
            found.append((other.given, f"a copy of {other.quantity.text}, the file's value on line {other.line}",
                          "copy_of_other_answer"))
    return found


def trivial_among(answer, truth: float, suspects) -> list[str]:
    """The texts of the trivial values among `suspects` (value, text, code) that a stated answer is,
    where its truth is not."""
    return [text for value, text, _ in suspects if same_value(answer.given, value) and not same_value(truth, value)]


def stated_pins(result, notation, stated: dict) -> dict:
    """(kind, z or a, layer) -> (sample, neuron, (low, high)) of each stated node value or gradient,
    ("slope", "a", layer) of each stated ∂a/∂z (δ multiplies by it), ("loss",) of each sample's loss
    loss[s] and ("sample", layer) of each sample's own dL/dw[s] or dL/db[s] ((kind, j, k) for the
    neuron: a batch's mean sums them), the later for one node winning."""
    pins: dict = {}
    for (kind, name, sample), given in stated.items():
        if sample is not None and (kind, name.kind) == ("value", "L"):
            pins.setdefault(("loss",), []).append((sample - 1, None, as_pair(given)))
            continue
        if sample is not None and kind == "gradient" and name.kind in ("w", "b"):
            _, layer, j, k = result.parameter_index(str(name))
            if j is not None:  # (a shared bias is its layer's sum: left as computed)
                unit = (name.kind, j - 1, None if k is None else k - 1)
                pins.setdefault(("sample", layer), []).append((sample - 1, unit, as_pair(given)))
            continue
        slope = local_slope(result, notation, kind, name)
        if not slope and (kind not in ("value", "gradient") or name.kind in ("L", "w", "b")):
            continue
        try:
            key, (what, layer, neuron) = ("slope", ("a", *slope)) if slope else (kind, node_at(result, name, notation))
        except QuantityError:
            continue
        pins.setdefault((key, what, layer), []).append(((sample or 1) - 1, neuron, as_pair(given)))
    return pins


def stated_samples(pins: dict, layer: int, weights, biases):
    """A layer's per-sample gradient intervals (low, high) as a batch's sum reads them: the file's own
    dL/dw[s] and dL/db[s] where it states them (stated_pins), copies; as they are where it states none."""
    found = pins.get(("sample", layer), ())
    if not found:
        return weights, biases
    copies = {"w": [end.copy() for end in weights], "b": [end.copy() for end in biases]}
    for s, (kind, j, k), (low, high) in found:
        at = (..., s, j) if k is None else (..., s, j, k)  # (every row of a stacked pass: grading.stacked)
        copies[kind][0][at], copies[kind][1][at] = low, high
    return tuple(copies["w"]), tuple(copies["b"])
