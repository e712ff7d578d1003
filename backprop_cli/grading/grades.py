"""The one grading pipeline, for plain checks, assignments and expressions alike (mark): each
answer judged by the rule (grading.judging, grading.rule), diagnosed when wrong, points and
carried-forward credit; and a Grader that checks many answers files in one process, each spec
loaded and diagnosed once. A plain check is an assignment whose questions are the file's answers,
one point each, with no roster."""
from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from ..core.computation import EXPRESSION
from ..core.names import notation as make_notation
from ..core.result import Result
from ..errors import BackpropError, GradingBug, Problem, SpecError, UsageError, quote
from ..version import __version__
from .answers import Answer, AnswersReader, Tolerance, remember
from .assignment import Question
from .dependencies import first_causes
from .diagnoses import Diagnoser
from .expression import ExpressionDiagnoser, expression_value
from .forked import on_every_core
from .judging import Judge, Judgement
from .layers import LAYERS, LayersDiagnoser
from .quantities import QuantityError, evaluate, node_at
from .rule import KEPT_DIGITS, is_exact, precision_of
from .stated import digits_of, written


def carried_sentence(judgement, judged: dict) -> str:
    """What a carried-forward answer is told: the step is right on its own earlier values (wrong
    ones, or ones too imprecise to be right)."""
    used = ", ".join(f"{a.quantity.text} = {quote(a.written or repr(a.given))} (line {a.line})" for a in judgement.used)
    wrong = all(judged[id(a)].verdict in ("wrong", "carried_forward") for a in judgement.used if id(a) in judged)
    return f"Carried forward: this step is right on your own earlier answers {used}, which are " + \
        ("wrong." if wrong else "not right.")


@dataclass
class Graded:
    """One question of one answers file, graded (a plain check's questions are its answers, one
    point each)."""

    question: Question
    expected: float
    verdict: str  # right, imprecise, wrong, carried_forward, not_answered or unreadable
    points: float
    answer: Answer | None = None
    diagnosis: str | None = None
    accepted: tuple[float, float] | None = None  # the interval that would have been right
    diagnoses: list = field(default_factory=list)  # {"code", "text"} of each mistake named
    refused: object = None  # answers.Refused of an unreadable value: where it was written

    @property
    def ok(self) -> bool:
        """Whether the answer is right."""
        return self.verdict == "right"

    @property
    def line(self) -> int | None:
        """The line of the answer in its file (None: not answered)."""
        return self.answer.line if self.answer else self.refused.line if self.refused else None


@dataclass
class FileReport:
    """The grading of one answers file."""

    path: str
    outcomes: list[Graded] = field(default_factory=list)
    refused: list = field(default_factory=list)  # answers.Refused: unreadable values, unknown quantities
    inputs: list[str] = field(default_factory=list)  # the spec and matrix files it named (never written over)

    @property
    def passed(self) -> int:
        """How many answers are right."""
        return sum(o.ok for o in self.outcomes)

    @property
    def judged(self) -> int:
        """How many answers get a verdict: every one but a quantity not graded (unreadable and
        empty ones among them, which are not right)."""
        return len(self.outcomes) + sum(r.verdict != "not_graded" for r in self.refused)

    @property
    def failed(self) -> int:
        """How many answers are not right (an unreadable value among them; an unknown quantity is
        not graded at all)."""
        return sum(not o.ok for o in self.outcomes) + sum(r.verdict != "not_graded" for r in self.refused)


def truth_of(result, q, notation) -> float:
    """The true value of an answer's quantity, on a network or an expression."""
    if result.kind == LAYERS:
        return result.truth(q)
    return expression_value(result, q) if result.kind == EXPRESSION else evaluate(result, q, notation)


# the catalogued mistakes made through a whole pass: made in a layer's step, each changes that
# layer's other answers after it too; the two made on ∂L/∂ŷ, every gradient after it. (A mistake of
# one step alone, z for a in ∂L/∂w, or a quantity's own swap, this is z21, changes nothing before.)
ON_DL_DYHAT = frozenset({"factor_2_lost", "sign_flipped"})
WHOLE_PASS = ON_DL_DYHAT | {"activation_derivative_missing", "derivative_on_z", "activation_not_applied",
                            "one_path_only", "matrix_transposed", "updated_weights_used", "softmax_cross_paths_missing"}


def _layer(judge: Judge, q) -> int | None:
    """The layer a network's quantity belongs to (a parameter's, a node's), or None."""
    try:
        return judge.r.parameter_index(str(q.name))[1] if q.is_parameter else node_at(judge.r, q.name, judge.n)[1]
    except (QuantityError, UsageError):
        return None


def ruled_out(judge: Judge, judged: dict, answer, named: list[dict]) -> bool:
    """Whether every mistake named on `answer` (each of two at once counts) is one made through a
    whole pass that would have changed an earlier answer of the file which its step is computed
    from, which is right, and which the mistake reaches: one of the same layer, or for a mistake
    made on ∂L/∂ŷ any gradient. ∂L/∂b11 = ∂L/∂a11 (the activation's derivative left out) beside
    a right ∂L/∂z11 is a slip in this step as likely as that mistake; the derivative left out of
    ∂L/∂z11 beside a right output δ is not (a student may forget one layer's). Each mistake is
    recognised by its own sentence, so a quantity's own swap sharing its code is never ruled out.
    (A network's catalogue only: an expression's sign flipped is one line's own.)"""
    if type(judge.diagnoser) is not Diagnoser:
        return False
    layer = _layer(judge, answer.quantity)
    inputs = [a for a in judge.stated_upstream(answer) if judged[id(a)].verdict == "right"]

    def changes_one(code: str, said: str) -> bool:
        for a in inputs:
            if not (a.quantity.kind == "gradient" if code in ON_DL_DYHAT else _layer(judge, a.quantity) == layer):
                continue
            low, high = digits_of(a)
            values = [c[0] for c in judge.candidates(a) if len(c) > 2 and c[2] == code and c[1] in said]
            if values and not any(low <= value <= high for value in values):
                return True
        return False

    return bool(named) and all(any(part in WHOLE_PASS and changes_one(part, entry["text"])
                                   for part in entry["code"].split("+")) for entry in named)


def mark(result, notation, items, tolerance, diagnoser, *, credit: float = 0.0) -> list[Graded]:
    """The one grading pipeline (plain checks, assignments and expressions): each item is
    (Question, its Quantity, the Answer given, a Refused one, or None), judged by the rule of
    grading.rule with carried-forward credit (`credit` of the points) and the diagnoses; a wrong
    answer not diagnosed is said to follow from the earliest wrong answer it depends on; one written
    with fewer digits than the tolerance's `precision:` asks is imprecise."""
    answers = [a for _, _, a in items if isinstance(a, Answer)]
    truths = {id(a): truth_of(result, a.quantity, notation) for a in answers}
    judge = Judge(result, notation, answers, truths, tolerance, diagnoser)
    judged = judge.judge_all()
    graded = []
    for question, q, answer in items:
        expected = truths[id(answer)] if isinstance(answer, Answer) else truth_of(result, q, notation)
        if not isinstance(answer, Answer):  # unreadable (with its hint), or not answered
            verdict = "not_answered" if answer is None else "unreadable"
            graded.append(Graded(question, expected, verdict, 0.0, diagnosis=answer.hint if answer else None,
                                 refused=answer))
            continue
        j = judged[id(answer)]
        if tolerance.precision is not None and j.verdict in ("right", "carried_forward"):
            j = fewer_digits_than_asked(j, answer, expected, tolerance.precision)
        points = {"right": question.points, "carried_forward": question.points * credit}.get(j.verdict, 0.0)
        diagnosis = carried_sentence(j, judged) if j.verdict == "carried_forward" else (j.note or None)
        codes = list(j.codes)
        if j.verdict == "wrong":  # a known mistake first; else why it is wrong though close
            named, named_codes = diagnoser.diagnosis(answer, expected, tolerance, (j.low, j.high))
            if not named:  # a mistake made on the file's own stated values
                named, named_codes = diagnoser.diagnosis(answer, expected, tolerance, (j.low, j.high),
                                                         judge.stated_mistakes(answer), only_also=True)
            # a slip in this step that lands on a known mistake's value: said too where few digits make
            # that likely, or where the file's own right answers rule out every mistake named
            slip = codes and codes[0]["code"] == "arithmetic"
            near = slip and codes[0]["text"].startswith("An arithmetic slip")  # (not "further off than a slip goes")
            if named and slip and (precision_of(written(answer)).significant < KEPT_DIGITS or
                                   near and ruled_out(judge, judged, answer, named_codes)):
                named, named_codes = f"{named} Or {diagnosis[0].lower()}{diagnosis[1:]}", named_codes + codes
            diagnosis, codes = (named, named_codes) if named else (diagnosis, codes)
            if diagnosis and not codes:  # "it follows from a11 = 0.5 (line 3), ... no carried-forward credit"
                codes = [{"code": "follows_from", "text": diagnosis}]
        graded.append(Graded(question, expected, j.verdict, points, answer, diagnosis, accepted_interval(j), codes))
    _follows_from(graded, judge.shape)
    return graded


def _follows_from(graded: list[Graded], shape) -> None:
    """A wrong answer with no diagnosis of its own follows from the earliest wrong answer it
    depends on (imprecise ones are reached by the correct method: nothing follows from them)."""
    wrong = sorted((g for g in graded if g.verdict == "wrong"), key=lambda g: shape.position(g.answer.quantity))
    right = [g.answer.quantity for g in graded if g.verdict in ("right", "imprecise")]
    for g, first in zip(wrong, first_causes(shape, [g.answer.quantity for g in wrong], right)):
        if g.diagnosis is None and first is not None:
            earlier = wrong[first].answer
            g.diagnosis = (f"Follows from the earlier wrong step {earlier.quantity.text} (line {earlier.line}): "
                           "fix that first.")
            g.diagnoses = [{"code": "follows_from", "text": g.diagnosis}]


def fewer_digits_than_asked(judgement, answer, truth: float, asked: tuple):
    """An answer reached by the correct method but written with fewer digits than the assignment
    asks is imprecise (an exact one excepted)."""
    unit, needed = asked
    precision = precision_of(written(answer))
    has = precision.decimals if unit == "decimals" else precision.significant
    if has >= needed or is_exact(answer.given, truth):
        return judgement
    what = f"{needed} decimal{'s' if needed != 1 else ''}" if unit == "decimals" else \
        f"{needed} significant digit{'s' if needed != 1 else ''}"
    note = f"the assignment asks for {what}; this is written with {has}"
    return Judgement("imprecise", judgement.low, judgement.high, note=note,
                     codes=[{"code": "fewer_digits_than_asked", "text": note}])


def grade(result, answers: list[Answer], tolerance: Tolerance, diagnoser) -> list[Graded]:
    """A plain check: every answer a question of one point, on the network or expression it names."""
    items = [(Question(a.quantity.text, 1.0, a.line), a.quantity, a) for a in answers]
    return mark(result, diagnoser.notation, items, tolerance, diagnoser)


def accepted_interval(judgement) -> tuple[float, float] | None:
    """The interval that would have been right, when it is finite (JSON never holds infinity)."""
    low, high = judgement.low, judgement.high
    return (low, high) if math.isfinite(low) and math.isfinite(high) else None


PARALLEL_FROM = 64  # answers files from which a class is graded on every core (forked workers)
# what grading one hostile submission may still raise (a bug, reported on that file): never stops the others
UNEXPECTED = (RecursionError, MemoryError, OverflowError, ValueError, ArithmeticError)


def could_not_grade(path: str, exc: BaseException) -> SpecError:
    """The report of a submission whose grading raised `exc`: one of UNEXPECTED (a limit reached),
    or any other exception, a bug, contained to that submission (GradingBug: exit 3 at the end)."""
    if isinstance(exc, UNEXPECTED):
        return SpecError([Problem(path, 1, 1, f"this file could not be graded ({type(exc).__name__}); please "
                                  "report it", "")])
    import logging

    # the traceback for whoever asked (`backprop --debug` shows this logger's records; nobody else sees them)
    logging.getLogger("backprop_cli").debug("internal error while grading %s", path, exc_info=exc)
    why = (f"internal error while grading this file ({type(exc).__name__}: {quote(str(exc))}); this is a bug in "
           f"backprop {__version__}: please report it, with this file")
    return GradingBug([Problem(path, 1, 1, why, "the other files are graded as usual")])


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
        if result.kind == LAYERS:  # section 9's layers, written out as scalar steps
            return remember(self._diagnosers, (id(result), ""), lambda: LayersDiagnoser(result))
        return remember(self._diagnosers, (id(result), notation_name),
                        lambda: Diagnoser(result, make_notation(notation_name, result.network.names)))

    def grade_file(self, path: str) -> FileReport:
        """The grading of one answers file; SpecError (with every located problem) when it is invalid."""
        spec, result, answers, refused, tolerance, notation_name = self.reader.read_all(path)
        named = [] if result.kind == EXPRESSION else [spec.file, *(str(Path(spec.file).parent / name)
                                                                   for name, _ in spec.matrix_files.values())]
        return FileReport(path, grade(result, answers, tolerance, self._diagnoser(result, notation_name)), refused,
                          named)

    def grade_files(self, paths) -> tuple[list[FileReport], list[tuple[str, SpecError]]]:
        """Every file graded, or listed as invalid with its error: whatever goes wrong in one
        submission, the others are graded. Many files are graded on every core."""
        paths = list(paths)
        # (standard input, `-`, is the main process's own: a worker's reads nothing)
        outcomes = on_every_core(self._outcome, paths) if len(paths) >= PARALLEL_FROM and "-" not in paths else None
        if outcomes is None:
            outcomes = [self._outcome(path) for path in paths]
        reports, invalid = [], []
        for path, outcome in zip(paths, outcomes):
            if isinstance(outcome, FileReport):
                reports.append(outcome)
            else:
                bug, problems = outcome
                invalid.append((path, (GradingBug if bug else SpecError)(problems)))
        return reports, invalid

    def _outcome(self, path: str):
        """A FileReport, or (whether a bug, the Problems that make the file invalid): plain data that a
        worker can send back (grade_files)."""
        try:
            return self.grade_file(path)
        except SpecError as exc:
            return False, exc.problems
        except BackpropError as exc:  # e.g. its network overflows
            return False, [Problem(path, 1, 1, str(exc), "")]
        except Exception as exc:  # one submission's failure, a bug included, stays its own
            failed = could_not_grade(path, exc)
            return isinstance(failed, GradingBug), failed.problems
