"""Grades: each answer right or wrong against the true value, with a diagnosis for the wrong ones;
and a Grader that grades a whole class in one process, each spec loaded and diagnosed once."""
from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field

from ..core.computation import EXPRESSION
from ..core.names import notation as make_notation
from ..core.result import Result
from ..errors import BackpropError, Problem, SpecError
from .answers import Answer, AnswersReader, Tolerance, remember
from .diagnoses import Diagnoser
from .expression import ExpressionDiagnoser, expression_position, expression_value
from .judging import judge_all
from .quantities import chain_position, evaluate


def carried_sentence(judgement) -> str:
    """What a carried-forward answer is told: the step is right on its own earlier values."""
    used = ", ".join(f"{a.quantity.text} = {a.written or a.given} (line {a.line})" for a in judgement.used)
    return f"Carried forward: this step is right on your own earlier answers {used}, which are wrong."


@dataclass
class Outcome:
    """One graded answer."""

    answer: Answer
    expected: float
    ok: bool
    diagnosis: str | None = None
    verdict: str = ""  # right, imprecise, wrong or carried_forward
    accepted: tuple[float, float] | None = None  # the interval that would have been right
    diagnoses: list = field(default_factory=list)  # {"code", "text"} of each mistake named


@dataclass
class FileReport:
    """The grading of one answers file."""

    path: str
    outcomes: list[Outcome] = field(default_factory=list)
    refused: list = field(default_factory=list)  # answers.Refused: unreadable values, unknown quantities

    @property
    def passed(self) -> int:
        """How many answers are right."""
        return sum(o.ok for o in self.outcomes)

    @property
    def failed(self) -> int:
        """How many answers are not right (an unreadable value among them; an unknown quantity is
        not graded at all)."""
        return sum(not o.ok for o in self.outcomes) + sum(r.verdict == "unreadable" for r in self.refused)


def grade(result, answers: list[Answer], tolerance: Tolerance, diagnoser) -> list[Outcome]:
    """Grade every answer; diagnose the wrong ones, else point at the first wrong step before them
    that they depend on. `result` is a network's Result or an expression's."""
    n = diagnoser.notation
    expression = result.kind == EXPRESSION
    truths = {id(a): expression_value(result, a.quantity) if expression else evaluate(result, a.quantity, n)
              for a in answers}
    judged = _judge_expression(answers, truths, tolerance, diagnoser) if expression else \
        judge_all(result, n, answers, truths, tolerance, diagnoser)
    outcomes = []
    for answer in answers:
        expected, j = truths[id(answer)], judged[id(answer)]
        ok = j.verdict == "right"
        diagnosis = carried_sentence(j) if j.verdict == "carried_forward" else (j.note or None)
        codes = list(j.codes)
        if j.verdict == "wrong":  # a known mistake first; else why it is wrong though close
            named, named_codes = diagnoser.diagnosis(answer, expected, tolerance)
            diagnosis, codes = (named, named_codes) if named else (diagnosis, codes)
        outcomes.append(Outcome(answer, expected, ok, diagnosis, j.verdict, accepted_interval(j), codes))

    def position(o: Outcome) -> tuple:
        if expression:
            return expression_position(result, o.answer.quantity)
        return chain_position(o.answer.quantity, n, len(result.sizes) - 1)

    # imprecise answers are reached by the correct method: nothing follows from them
    wrong = sorted((o for o in outcomes if o.verdict not in ("right", "imprecise")), key=position)
    right = [o.answer.quantity for o in outcomes if o.verdict in ("right", "imprecise")]
    firsts = diagnoser.first_causes([o.answer.quantity for o in wrong], right)
    for o, first in zip(wrong, firsts):
        if o.diagnosis is None and first is not None:
            earlier = wrong[first]
            o.diagnosis = (f"Follows from the earlier wrong step {earlier.answer.quantity.text} (line "
                           f"{earlier.answer.line}): fix that first.")
            o.diagnoses = [{"code": "follows_from", "text": o.diagnosis}]
    return outcomes


def accepted_interval(judgement) -> tuple[float, float] | None:
    """The interval that would have been right, when it is finite (JSON never holds infinity)."""
    low, high = judgement.low, judgement.high
    return (low, high) if math.isfinite(low) and math.isfinite(high) else None


def _judge_expression(answers, truths: dict, tolerance, diagnoser) -> dict:
    """The rule for an expression's answers: on the true value (its steps' rounding is not
    modelled), told apart from its catalogued mistakes and trivial values."""
    from .judging import Judgement, confusion, trivial_values, written
    from .rule import imprecise_note, rule

    judged = {}
    for answer in answers:
        truth = truths[id(answer)]
        candidates = list(diagnoser.candidates(answer.quantity, truth)) + trivial_values(answer, answers, truths)
        ruling = rule(answer.given, written(answer), truth, (truth, truth), tolerance=tolerance, candidates=candidates)
        verdict = ("imprecise" if ruling.confusable else "right") if ruling.reached else "wrong"
        note = imprecise_note(truth, ruling.confusable, written(answer)) if verdict == "imprecise" else ""
        judged[id(answer)] = Judgement(verdict, ruling.low, ruling.high, note=note,
                                       codes=confusion(ruling.confusable) if verdict == "imprecise" else [])
    return judged


class Grader:
    """Grades answers files one after another, sharing specs and their diagnoses between them."""

    def __init__(self):
        self.reader = AnswersReader()
        # (id of a Result, notation) -> its Diagnoser, which holds the Result (so the id stays its
        # own); as few kept as the reader keeps specs
        self._diagnosers: OrderedDict[tuple[int, str], Diagnoser] = OrderedDict()

    def _diagnoser(self, result: Result, notation_name: str) -> Diagnoser:
        if result.kind == EXPRESSION:  # an expression's answers
            return remember(self._diagnosers, (id(result), ""), lambda: ExpressionDiagnoser(result))
        return remember(self._diagnosers, (id(result), notation_name),
                        lambda: Diagnoser(result, make_notation(notation_name, result.network.names)))

    def grade_file(self, path: str) -> FileReport:
        """The grading of one answers file; SpecError (with every located problem) when it is invalid."""
        _, result, answers, refused, tolerance, notation_name = self.reader.read_all(path)
        return FileReport(path, grade(result, answers, tolerance, self._diagnoser(result, notation_name)), refused)

    def grade_files(self, paths) -> tuple[list[FileReport], list[tuple[str, SpecError]]]:
        """Every file graded, or listed as invalid with its error: whatever goes wrong in one
        submission, the others are graded."""
        reports, invalid = [], []
        for path in paths:
            try:
                reports.append(self.grade_file(path))
            except SpecError as exc:
                invalid.append((path, exc))
            except BackpropError as exc:  # e.g. its network overflows
                invalid.append((path, SpecError([Problem(path, 1, 1, str(exc), "")])))
            except (RecursionError, MemoryError, OverflowError, ValueError, ArithmeticError) as exc:
                invalid.append((path, SpecError([Problem(path, 1, 1, f"this file could not be graded "
                                                         f"({type(exc).__name__}); please report it", "")])))
        return reports, invalid
