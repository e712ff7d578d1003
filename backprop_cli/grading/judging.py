"""Judging a network's answers by the one rule (grading.rule): right, imprecise, carried forward
or wrong, earlier steps first so that their verdicts decide what a later step may build on.

Right: exact, or reached by the correct method rounding as the answer is (grading.intervals), on
the true values or on the file's own stated values where those are reached (right or imprecise).
Imprecise: reached, but a catalogued mistake or a trivial value rounds to it too. Carried forward:
reached on the file's stated values where some of them are wrong, unless those make the step trivial.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

from ..core.computation import NETWORK
from .dependencies import computed_from, shape_of, stated_ancestors
from .intervals import Reach
from .possible import explained_within, forward_mistakes, mistake_pairs, possible_mistakes, told_apart
from .rule import KEPT_DIGITS, NO_FLOOR, TRIVIAL, Precision, Ruling, imprecise_note, precision_of, rule, same_value
from .sharing import pass_size, store_for
from .stacked import mistaken_passes
from .stated import coarse_value, coarser, digits_of, slip_sentence, slip_sized, trivial_among, trivial_values, written


@dataclass
class Judgement:
    """How one answer is judged."""

    verdict: str  # right, imprecise, wrong or carried_forward
    low: float  # the interval that would have been accepted
    high: float
    used: list = field(default_factory=list)  # the earlier answers a carried-forward step used
    note: str = ""  # why it is imprecise, or why carried-forward credit was refused
    codes: list = field(default_factory=list)  # {"code", "text"} of what an imprecise answer cannot be told from
    loose: bool = False  # reached only when every step is rounded as coarsely as it is written (see _coarse)


def confusion(confusable: list) -> list[dict]:
    """{"code", "text"} of each mistake or trivial value an imprecise answer cannot be told from."""
    return [{"code": rest[0] if rest else "", "text": sentence} for _, sentence, *rest in confusable]


# verdicts the correct method reaches: as a stated input, as good as right (a slip after it is the step's own)
REACHED = ("right", "imprecise")


def _near_zero(ruling, precision: Precision) -> bool:
    """Whether the correct method comes within a unit of the answer's last digit of 0."""
    return min(abs(ruling.low), abs(ruling.high)) <= 2 * precision.half_unit or ruling.low <= 0 <= ruling.high


class Judge:
    """Judges the answers of one file on one network or expression, sharing the passes they need."""

    def __init__(self, result, notation, answers, truths: dict, tolerance, diagnoser):
        self.r, self.n, self.answers, self.truths = result, notation, answers, truths
        self.tolerance, self.diagnoser = tolerance, diagnoser
        self.shape = shape_of(result, notation)
        self.stated = {(a.quantity.kind, a.quantity.name, a.quantity.sample): a for a in answers}
        self._reaches, self._own = {}, {}  # this file's passes; what it keeps past the diagnoser's shared store
        self._upstream: dict | None = None  # id(answer) -> its stated ancestors
        self._reads: dict | None = None  # id(answer) -> the ids of the answers it is computed from
        self._candidates = {}  # id(answer) -> its candidates: made once
        self._positions = {id(a): self.shape.position(a.quantity) for a in answers}  # asked for each candidate list
        self._stated_values: dict | None = None
        self._causes: dict[int, bool] = {}  # _explained of answers judged already (asked along every chain)

    def reach(self, precision: Precision, stated: str = "") -> Reach:
        """The pass at `precision`: on true values (""), with the file's stated values carried through
        every later step ("carried", or "recomputed": shape.ways) or used in the next step alone ("step")."""
        precision = precision.rounding  # (a pass depends on how its steps are rounded alone)
        key = (precision, stated)
        store = self._reaches if stated else store_for(self.diagnoser.shared, "passes", key, self._own, self.r)
        if key not in store:
            # each stated value stands for what rounds to it: the student may carry more digits
            if stated and self._stated_values is None:
                self._stated_values = {k: digits_of(a) for k, a in self.stated.items()}
            values = self._stated_values if stated else None
            base = self.reach(precision) if stated == "step" else None
            other = {"recomputed": True} if stated == "recomputed" else {}
            store[key] = self.shape.reach(precision, values, base, **other)
        return store[key]

    def candidates(self, answer) -> list[tuple[float, str]]:
        if id(answer) not in self._candidates:  # the rule asks, then its wider interval, then a carried step
            q = answer.quantity
            store = store_for(self.diagnoser.shared, "candidates", q, self._own)  # (one list for every file)
            if q not in store:
                store[q] = list(self.diagnoser.candidates(q, self.truths[id(answer)]))
            self._candidates[id(answer)] = [*store[q], *trivial_values(answer, self._read_by(answer), self.truths)]
        return self._candidates[id(answer)]

    def _read_by(self, answer) -> list:
        """The file's answers this one's step reads, directly or through others: the copies a reached
        answer is told from (ŷ = a + 0.03 written as a's 0.6 may skip its step)."""
        if self._reads is None:
            self._reads = computed_from(self.r, self.shape, {id(a): a.quantity for a in self.answers})
        return [a for a in self.answers if id(a) in self._reads[id(answer)]]

    def _lazy_candidates(self, answer):
        """The candidates, worked out only when the rule asks (a reached answer that is not exact)."""
        yield from self.candidates(answer)

    def judge_all(self) -> dict:
        """A Judgement for every answer (id(answer) -> Judgement)."""
        order = sorted(self.answers, key=lambda a: self._positions[id(a)])
        judged: dict[int, Judgement] = {}
        for answer in order:
            judged[id(answer)] = self._judge(answer, judged)
        return judged

    def _judge(self, answer, judged: dict) -> Judgement:
        q, given, truth = answer.quantity, answer.given, self.truths[id(answer)]
        precision = precision_of(written(answer))
        ruling = rule(given, written(answer), truth, self.reach(precision).interval(q),
                      tolerance=self.tolerance, candidates=self._lazy_candidates(answer))
        if ruling.reached:
            if ruling.confusable:
                # the digits cannot tell it from a mistake; but a step done right on the file's own wrong
                # values (each with a cause) is carried forward all the same
                carried = self._wrong_or_carried(answer, judged, precision, ruling)
                if carried.verdict == "carried_forward" and all(judged[id(a)].verdict in ("wrong", "carried_forward")
                                                                 for a in carried.used):
                    return carried
                return Judgement("imprecise", ruling.low, ruling.high,
                                 note=imprecise_note(truth, ruling.confusable, written(answer)),
                                 codes=confusion(ruling.confusable))
            return Judgement("right", ruling.low, ruling.high)
        judgement = self._wrong_or_carried(answer, judged, precision, ruling)
        if judgement.verdict == "wrong" and any(same_value(answer.given, c[0]) for c in self.candidates(answer)
                                                if c[2] not in ("trivial_value", "copy_of_other_answer")):
            return judgement  # a catalogued mistake's very value (0 with the cross paths left out): it is named
        if judgement.verdict == "wrong" and precision.significant < KEPT_DIGITS:
            return self._coarse(answer, precision, judgement)
        if judgement.verdict == "wrong" and not judgement.codes and (answer.given or _near_zero(ruling, precision)):
            # (a written 0 has no significant digits to speak of: `0.0` says nothing of 0.686's steps,
            # `0.000` for 0.00077 may be the student's rounding)
            return self._rounded_at_the_answers_digits(answer, precision, judgement)
        return judgement

    def _rounded_at_the_answers_digits(self, answer, precision: Precision, wrong: Judgement) -> Judgement:
        """An answer of KEPT_DIGITS or more significant digits the correct method reaches when each
        step before it is rounded to the answer's decimals, however few digits that leaves an
        intermediate (σ′ = 0.0625 as 0.063 beside 3 decimals): judged on that wider interval,
        imprecise where a known mistake or trivial value lies in it too (it cannot tell them apart,
        whatever digits they round to); else `wrong`."""
        truth, half = self.truths[id(answer)], precision.half_unit
        loose = rule(answer.given, written(answer), truth,
                     self.reach(dataclasses.replace(precision, kept=NO_FLOOR)).interval(answer.quantity),
                     tolerance=self.tolerance, candidates=self._lazy_candidates(answer))
        if not loose.reached:
            return wrong
        confusable = loose.confusable or [c for c in self.candidates(answer) if math.isfinite(c[0])
                                          and loose.low - half <= c[0] <= loose.high + half
                                          and not same_value(c[0], truth)]
        if confusable:
            note = imprecise_note(truth, confusable, written(answer))
            return Judgement("imprecise", loose.low, loose.high, note=note, codes=confusion(confusable), loose=True)
        return Judgement("right", loose.low, loose.high)

    def _coarse(self, answer, precision: Precision, wrong: Judgement) -> Judgement:
        """An answer of fewer than KEPT_DIGITS significant digits that the correct method reaches
        only when every step before it is rounded that coarsely: imprecise (so coarse a rounding
        cannot tell a right answer from a mistake), never a mistake named; else `wrong`."""
        q, truth = answer.quantity, self.truths[id(answer)]
        loose = rule(answer.given, written(answer), truth,
                     self.reach(dataclasses.replace(precision, kept=NO_FLOOR)).interval(q), tolerance=self.tolerance)
        if not loose.reached:
            return wrong
        digits = f"{precision.significant} significant digit{'s' if precision.significant != 1 else ''}"
        note = (f"the correct method reaches this only when every step before it is rounded to {digits}, and so "
                f"coarse a rounding cannot tell a right answer from a slip: keep {KEPT_DIGITS} significant digits "
                "in each step")
        _, named = self.diagnoser.diagnosis(answer, truth, self.tolerance, (loose.low, loose.high))
        codes = [{"code": "rounded_too_coarsely", "text": note}] + named
        return Judgement("imprecise", loose.low, loose.high, note=note, codes=codes, loose=True)

    def _wrong_or_carried(self, answer, judged: dict, precision: Precision, ruling) -> Judgement:
        """An answer the correct method does not reach on the true values: carried forward when its
        step is right on the file's stated values (and those are wrong for a reason), else wrong,
        with an arithmetic slip named where the step's own stated inputs are right."""
        wrong = Judgement("wrong", ruling.low, ruling.high)
        upstream = self.stated_upstream(answer)
        if not upstream and not self._from_givens(answer):
            return wrong  # its step's inputs are neither stated nor given: nothing to say of its arithmetic
        inputs_right = all(judged.get(id(a)) and judged[id(a)].verdict in REACHED for a in upstream)
        # a slip in this very step: not even the loosest rounding of what feeds it gives the answer; on
        # wrong earlier values, only where each has a cause and the answer is slip-sized (never after
        # a made-up number: that step follows from it)
        if inputs_right or self._earlier_have_causes(answer, judged):
            loosest = dataclasses.replace(precision, kept=NO_FLOOR)
            # through steps the file does not state, its values reach the answer only carried through
            if not any(self._on_stated(answer, loosest, way).reached for way in self.shape.ways) and \
                    (inputs_right or self._slip_on_stated(answer)):
                wrong_inputs = sorted((a for a in upstream if judged.get(id(a)) and judged[id(a)].verdict
                                       not in REACHED), key=lambda a: self._positions[id(a)])
                wrong.note = slip_sentence(answer, upstream, wrong_inputs[:1],
                                           near=not inputs_right or self._slip_on_stated(answer))
                wrong.codes = [{"code": "arithmetic", "text": wrong.note}]
                return wrong
        for way in self.shape.ways:  # the step alone on the file's values, or those carried through
            on_stated = self._on_stated(answer, precision, way)
            if on_stated.reached:
                break
        else:
            return wrong
        # an imprecise value is reached by the correct method: a step done right on it is right, unless
        # it is reached only by rounding every step as coarsely as it is written, too rough for this step,
        # or a trivial value written coarser than it (tanh = −1 for −0.99995 beneath a step of 4 decimals)
        earlier_wrong = [a for a in upstream if judged.get(id(a)) and judged[id(a)].verdict != "right"
                         and (judged[id(a)].verdict != "imprecise" or judged[id(a)].loose
                              or coarse_value(a, self.truths[id(a)], answer) or coarser(a, answer)
                              and trivial_among(a, self.truths[id(a)], TRIVIAL))]
        if not earlier_wrong:  # built on stated values that are reached: their rounding carried
            if any(coarse_value(a, self.truths[id(a)], answer) for a in upstream):
                return wrong  # a right but rough value (`1e1` for 14.9) is no ground for a precise step
            return Judgement("right", on_stated.low, on_stated.high)
        for a in earlier_wrong:  # credit only on values a real mistake explains, never on made-up ones
            imprecise = judged[id(a)].verdict == "imprecise"  # copies of it are not suspect, a trivial value is
            constants = imprecise or judged[id(a)].verdict == "carried_forward"  # (its own step gives it: ∂y/∂h1 = y)
            # a wrong value may copy one before it or beside it (a12 = a11); a right one never copies a later one
            suspects = TRIVIAL if constants else trivial_values(
                a, [b for b in self.answers if self._positions[id(b)] <= self._positions[id(a)]], self.truths)
            trivial = trivial_among(a, self.truths[id(a)], suspects)
            if trivial and self._named(a, judged):
                continue  # a trivial-looking value that a catalogued mistake gives (a = z, never activated)
            if trivial and imprecise and not coarser(a, answer):
                continue  # the truth rounded as the student rounds everything (tanh = −0.99995 as −1.000)
            # below ROUGH_DIGITS digits, the last coarser than this answer's: right, or a mistake's value, only
            # at those digits is no ground (one digit fits many); a slip, or a mistake's very value, is one
            rough = coarse_value(a, self.truths[id(a)], answer) and (imprecise or self._named(a, judged) and not any(
                same_value(a.given, v) for v, *_ in self.candidates(a)))
            if not trivial and not rough and self._explained(a, judged):
                continue
            why = f"a value that makes this step trivial ({trivial[0]})" if trivial else \
                "a value too rough to build this step on (keep 3 significant digits in each step)" if rough else \
                "a value a known mistake gives, made on earlier values that no known mistake or slip explains" \
                if self._named_on_stated(a, judged, coarse=False) else \
                "a value a known mistake gives only when every step is rounded as coarsely as it is written " \
                "(keep 3 significant digits in each step)" if self._named_on_stated(a, judged, coarse=True) else \
                "a value no known mistake or slip in its own step explains"
            wrong.note = (f"it follows from {a.quantity.text} = {written(a)} (line {a.line}), {why}, so it earns no "
                          "carried-forward credit")
            return wrong
        return Judgement("carried_forward", on_stated.low, on_stated.high, earlier_wrong)

    def _slip_on_stated(self, answer) -> bool:
        """Whether the answer is a slip in its own step: that step on the file's stated values does
        not give it, but keeps its sign and lands near it."""
        step = self._on_stated(answer, precision_of(written(answer)), "step")
        return not step.reached and slip_sized(answer.given, (step.low + step.high) / 2)

    def _explained(self, answer, judged: dict) -> bool:
        """Whether a wrong answer's error has a cause: a catalogued mistake gives its value, it is
        itself carried forward, or it is a slip in its own step, whose inputs the file states right or
        with causes (the step alone, redone on them, does not give it). A number made up to buy the
        steps after it, or copied from another network, has none."""
        if id(answer) not in self._causes:  # a chain asks of its ancestors again and again: once each
            self._causes[id(answer)] = self._has_cause(answer, judged)
        return self._causes[id(answer)]

    def _has_cause(self, answer, judged: dict) -> bool:
        verdict = judged[id(answer)].verdict
        if verdict == "carried_forward":
            return True
        if verdict == "imprecise":  # reached by the correct method: only trivial values are suspect
            return not any(same_value(answer.given, value) for value, *_ in TRIVIAL)
        if self._named(answer, judged):
            return True
        upstream = self.stated_upstream(answer)
        if not upstream and not self._from_givens(answer):
            return False  # a slip shows only against inputs stated right, or given (x, w, b)
        # on wrong earlier values, a slip is a cause where each of those has one: never after a made-up number
        if any(judged[id(a)].verdict not in REACHED for a in upstream if id(a) in judged) and \
                not self._earlier_have_causes(answer, judged):
            return False
        return self._slip_on_stated(answer)

    def stated_mistakes(self, answer, coarse: bool = True) -> list:
        """The catalogued mistakes made on the file's stated values, as (value, sentence, code) or
        (middle, sentence, code, (low, high)): an update's own, on the gradient the file states (its sign
        flipped on the student's own wrong gradient is still update_sign); for a gradient or a forward value
        (z, a, ŷ, the loss: its forward mistakes only), each of intervals.MISTAKES made in every step of a
        pass carrying the file's stated values (rounded as the answer is), so a mistake in a step whose
        inputs the file states is named whatever those are. `coarse`: where nothing else gives the answer, a
        mistake made with every step rounded as coarsely as the answer too; named as what the student may
        have done, a ground for credit only at 2 significant digits (_named: one digit fits too much)."""
        q = answer.quantity
        if self.r.kind != NETWORK:  # an expression's (none), or section 9's layers' (grading.layers)
            return self.shape.stated_mistakes(self, answer)
        from .diagnoses import STEP_SENTENCES, update_mistakes

        if q.kind in ("updated", "delta") and q.is_parameter:  # Δw: as the change each makes
            stated = self.stated.get(("gradient", q.name, None))
            if stated is None or same_value(stated.given, self.truths.get(id(stated), self.r.gradient(str(q.name)))):
                return []
            return list(update_mistakes(self.r, q, stated.given))
        if q.kind == "gradient" and q.name.kind == "L" or q.kind == "value" and q.is_parameter or \
                q.kind not in ("gradient", "value"):
            return []
        # with no earlier value stated, the pass is the true one: its mistakes are named all the same (the same
        # answer is told the same whatever else the file states), but credit asks only of the file's own values
        if not coarse and not self.stated_upstream(answer):
            return []
        precision = precision_of(written(answer))
        # a value (z, a, ŷ, the loss) is changed by the forward pass's mistakes only
        possible = possible_mistakes(self.r, q) if q.kind == "gradient" else forward_mistakes(self.r)
        singles = [(m, STEP_SENTENCES[m]) for m in possible]
        pairs = [(pair, "two mistakes at once: " + "; and ".join(STEP_SENTENCES[m] for m in pair.split("+")))
                 for pair in mistake_pairs(possible)]
        # one mistake; then two at once; then one made with every step rounded as coarsely as the answer (an
        # updated weight written 0.34 for 0.3277 and used so), told apart from the correct method made so too
        stages = [(precision, singles), (precision, pairs)]
        if coarse:
            stages.append((dataclasses.replace(precision, kept=NO_FLOOR), singles))
        found = []
        for at, group in stages:
            if explained_within(found, answer.given, precision.half_unit):
                break
            found += self._made_on_stated(q, at, group)
        return found

    def _made_on_stated(self, q, precision: Precision, mistakes: list) -> list:
        """Each of `mistakes` (code, sentence) made in every step of the pass carrying the file's
        stated values, at `precision`, whose interval is told apart from the correct method's."""
        rounding = precision.rounding  # (as reach: one pass for every precision that rounds alike)
        carried = self.reach(rounding, "carried")
        right = carried.interval(q)  # the correct method on the same values
        new = [m for m, _ in mistakes if (rounding, f"mistake:{m}") not in self._reaches]
        if new:  # stacked as one pass where that gains (grading.stacked), sharing the correct one's forward pass
            made = mistaken_passes(lambda m: Reach(self.r, self.n, rounding, carried.stated, None, m, forward=carried),
                                   new, pass_size(self.r))
            self._reaches.update({(rounding, f"mistake:{m}"): reach for m, reach in made.items()})
        found = []
        for mistake, sentence in mistakes:
            low, high = self._reaches[rounding, f"mistake:{mistake}"].interval(q)
            if "+" in mistake and any(self._reaches[rounding, f"mistake:{m}"].interval(q) == (low, high)
                                      for m in mistake.split("+") if (rounding, f"mistake:{m}") in self._reaches):
                continue  # one of the two changes nothing here (stale weights under a last layer's gradient)
            if math.isfinite(low) and math.isfinite(high) and told_apart((low, high), right, precision.half_unit):
                found.append(((low + high) / 2, sentence, mistake, (low, high)))
        return found

    def _named(self, answer, judged: dict) -> bool:
        """Whether a catalogued mistake gives a wrong answer's value (a ground for carried-forward credit):
        on the true values, or made on the file's own stated values rounded no coarser than the rule allows
        (at 2 significant digits, every step rounded so: the habit that writes it, as a right answer so written
        is reached), where those have a cause too (a mistake on a made-up a11 would pass the number on)."""
        if self.diagnoser.diagnose(answer, self.truths[id(answer)], self.tolerance, self._reached(answer, judged)):
            return True
        coarse = precision_of(written(answer)).significant == KEPT_DIGITS - 1  # (one digit fits a dozen mistakes)
        return self._named_on_stated(answer, judged, coarse) and self._earlier_have_causes(answer, judged)

    def _earlier_have_causes(self, answer, judged: dict) -> bool:
        """Whether every stated value before this answer is right or has a cause: a mistake reads more
        than its step's inputs (z for a, the weights its gradient updates), so all of them."""
        mine = self._positions[id(answer)]
        # earliest first: each one's own question is answered (and remembered) before a later one asks it
        before = sorted((a for a in self.answers if self._positions[id(a)] < mine and id(a) in judged),
                        key=lambda a: self._positions[id(a)])
        return all(judged[id(a)].verdict == "right" or self._explained(a, judged) for a in before)

    def _named_on_stated(self, answer, judged: dict, coarse: bool) -> bool:
        """Whether a catalogued mistake made on the file's stated values gives the answer; `coarse`:
        also one made with every step rounded as coarsely as the answer is written (named, but no
        ground for credit: see stated_mistakes)."""
        also = self.stated_mistakes(answer, coarse)
        return bool(also) and self.diagnoser.diagnosis(answer, self.truths[id(answer)], self.tolerance,
                                                       self._reached(answer, judged), also,
                                                       only_also=True)[0] is not None

    @staticmethod
    def _reached(answer, judged: dict) -> tuple[float, float]:
        return judged[id(answer)].low, judged[id(answer)].high  # what the correct method reaches for it

    def _on_stated(self, answer, precision: Precision, way: str):
        """The rule for an answer against what its step reaches on the file's stated values (see
        reach: `way` is one of shape.ways), the interval's middle standing for the truth."""
        low, high = self.reach(precision, way).interval(answer.quantity)
        if not (math.isfinite(low) and math.isfinite(high)):  # overflowed: it stands for no value
            return Ruling(False, low, high, [])
        return rule(answer.given, written(answer), (low + high) / 2, (low, high), tolerance=self.tolerance)

    def _from_givens(self, answer) -> bool:
        """Whether the answer's step reads only numbers the student was given (z1 from x, w and b;
        an expression's line p1 = z*y + 3 from its variables): its own arithmetic is all it can get wrong."""
        node = self.shape.node(answer.quantity)
        return node is not None and all(not self.shape.inputs(self.r, n) for n in self.shape.step_reads(self.r, node))

    def stated_upstream(self, answer) -> list:
        """The file's other answers this one's quantity is computed from, directly or through
        quantities the file does not state (searched for every answer at once, when first asked)."""
        if self._upstream is None:
            self._upstream = stated_ancestors(self.r, self.shape, self.answers)
        return self._upstream[id(answer)]


def judge_all(result, notation, answers, truths: dict, tolerance, diagnoser) -> dict:
    """A Judgement for every answer of one file (id(answer) -> Judgement)."""
    return Judge(result, notation, answers, truths, tolerance, diagnoser).judge_all()
