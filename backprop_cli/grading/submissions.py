"""A class graded against an assignment: each submission on the assignment's network for its
student, question by question, with points, a score and the class's statistics."""
from __future__ import annotations

import difflib
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..core.names import notation as make_notation
from ..errors import BackpropError, GradingBug, Problem, SpecError, printable, quote
from ..spec.hints import unknown_keys
from ..spec.yamlsafe import parse
from .answers import ANSWER_KEYS, ANSWERS_AT, AnswersReader, read_answers_text
from .assignment import CARRIED_FORWARD, Assignment
from .forked import on_every_core
from .grades import PARALLEL_FROM, could_not_grade, mark
from .layers import LAYERS, parse_layer_quantity
from .quantities import QuantityError, parse_quantity
from .roster import STUDENT_ID


@dataclass
class Submission:
    """One student's answers file, graded (grading.grades.Graded per question)."""

    path: str
    student: str
    results: list = field(default_factory=list)
    not_graded: list[str] = field(default_factory=list)  # answers to quantities the assignment does not ask
    notes: list[str] = field(default_factory=list)  # e.g. a `student:` line naming someone else

    @property
    def score(self) -> float:
        return sum(r.points for r in self.results)

    @property
    def max_score(self) -> float:
        return sum(r.question.points for r in self.results)


def student_of(path: str, given: str | None, prefix: str = "") -> str:
    """Who answers: --student, else the folder holding the answers file as named (a link to another
    student's file is still graded as the folder it sits in), less the repository prefix."""
    if given:
        return given
    folder = Path(os.path.abspath(path)).parent.name
    prefixed = prefix and folder.lower().startswith(prefix.lower()) and len(folder) > len(prefix)
    return folder[len(prefix):] if prefixed else folder


@dataclass
class Stranger:
    """An answers file whose student is not on the roster: never graded on a network made for a
    name nobody was given."""

    path: str
    student: str
    nearest: list[str]

    def said(self, nearest: bool = True) -> str:
        """What the reports say of it; the nearest roster ids only where `nearest` (they are other
        students' ids: not for what a student may see below full feedback)."""
        near = f" (nearest on the roster: {', '.join(self.nearest)})" if self.nearest and nearest else ""
        return f"{printable(self.student)} is not on the roster{near}"


def _parsed(key, notation, result=None) -> tuple | None:
    """(kind, name, sample) of the quantity `key` names, None when it names none."""
    try:
        q = parse_layer_quantity(key, result) if result is not None and result.kind == LAYERS else \
            parse_quantity(str(key), notation)
    except QuantityError:
        return None
    return q.kind, q.name, q.sample


def grade_submission(assignment: Assignment, path: str, student: str | None, reader: AnswersReader) -> Submission:
    """Grade one answers file on its student's network; SpecError when it cannot be read."""
    doc = parse(read_answers_text(path), path, repeats=ANSWERS_AT)
    data = doc.data
    if not isinstance(data, dict):
        raise SpecError([doc.problem((), "an answers file is a mapping with `answers:`", "see the handout")])
    problems: list[Problem] = []
    misspelt = {key for _, key in unknown_keys(doc, data, (), ANSWER_KEYS, problems)}
    who = student_of(path, student, assignment.repository_prefix)
    if assignment.roster is not None:  # the roster's own spelling: Alice's folder is graded as alice
        who = assignment.roster.canonical(who) or who
    if not STUDENT_ID.fullmatch(who):
        problems.append(Problem(path, 1, 1, f"'{quote(who)}' is not a student id", "give --student ID, or keep "
                                "each answers file in a folder named after its student"))
        raise SpecError(problems)
    _, result, diagnoser = assignment.graded_on(who)
    notation = make_notation(assignment.notation, result.network.names)
    answers_value = data.get("answers")
    filled = {k: v for k, v in answers_value.items() if v is not None} if isinstance(answers_value, dict) else None
    # a quantity not asked is listed, never worked out: w111_after100000 would train each network
    asked = {(q.kind, q.name, q.sample) for q in assignment.asked(notation)}
    unasked = [key for key in filled or () if _parsed(key, notation, result) not in asked | {None}]
    filled = {k: v for k, v in filled.items() if k not in unasked} if filled else filled
    refused: list = []  # one answer, one verdict: an unreadable value or unknown quantity spoils nothing else
    answers = reader.read_answers(doc, {**data, "answers": filled} if filled else data, result, notation, problems,
                                  misspelt, refused) if filled else []
    if problems:
        raise SpecError(problems)
    submission = Submission(path, who)
    written = data.get("student")
    if written is not None and str(written) != who:
        submission.notes.append(f"its `student:` line says '{quote(str(written))}', but it is graded as {who}")
    by_key = {(a.quantity.kind, a.quantity.name, a.quantity.sample): a for a in answers}
    # an unreadable value answers its question however the quantity is spelt (`"w5_new "`, dL/dw1 for dE/dw1)
    unreadable = {_parsed(r.key, notation, result) or r.key: r for r in refused if r.verdict == "unreadable"}
    # only answers to questions asked are steps to build on: invented intermediate values buy nothing
    asked_at = [(q.kind, q.name, q.sample) for q in assignment.asked(notation)]
    items = [(question, q, by_key.pop(at, None) or unreadable.pop(at, None))
             for question, q, at in zip(assignment.questions, assignment.asked(notation), asked_at)]
    submission.results = mark(result, notation, items, assignment.tolerance, diagnoser,
                              credit=CARRIED_FORWARD[assignment.carried_forward])
    again = [r for r in refused if r.again]
    submission.notes += [f"line {r.line}: {r.hint}" for r in again]  # a question answered twice: said why
    submission.not_graded = [a.quantity.text for a in by_key.values()] + \
        [r.key for r in refused if r.verdict == "not_graded" and r not in again] + \
        [r.key for r in unreadable.values()] + [str(k) for k in unasked]
    # a mistyped question (dL/dw2l2) left its question unanswered: say which it was likely meant for
    unanswered = [r.question.quantity for r in submission.results if r.verdict == "not_answered"]
    for name in submission.not_graded:
        near = difflib.get_close_matches(name, unanswered, n=1, cutoff=0.7)
        if near:
            submission.notes.append(f"{quote(name)} is not asked: did you mean {near[0]}?")
    return submission


def grade_class(assignment: Assignment, paths, student: str | None) -> tuple[list[Submission], list, list]:
    """Every submission graded, or listed as invalid with its error, or as a stranger (a student
    not on the roster): one bad file never stops the others. A large class is graded on every
    core; the result is the same, in the same order."""
    graded, invalid, strangers, seen, to_grade = [], [], [], {}, []
    roster, prefix = assignment.roster, assignment.repository_prefix
    plan = []
    for path in paths:
        who = student_of(path, student, prefix)
        if roster is not None:
            if who not in roster:
                strangers.append(Stranger(path, who, roster.nearest(who)))
                continue
            who = roster.canonical(who)
        plan.append((path, who, seen.get(who)))
        if who not in seen:
            seen[who] = path
            to_grade.append(path)
    if assignment.personal is not None and student is None and not _in_parallel(to_grade):
        # a class graded here, one file after another: draw its problems on every core first (graded on
        # every core, each worker draws its own students' problems, and grades on the very passes the
        # drawing checked them with)
        from .personal import prepare

        prepare(assignment, sorted({who for _, who, _ in plan if STUDENT_ID.fullmatch(who)}))
    outcomes = dict(zip(to_grade, _grade_all(assignment, to_grade, student)))
    for path, who, first in plan:
        if first is not None:  # two files for one student: the first is graded, the second reported
            invalid.append((path, SpecError([Problem(path, 1, 1, f"{who} is graded already (from {first})",
                                                     "hand in one answers file a student")])))
        elif isinstance(outcomes[path], Submission):
            graded.append(outcomes[path])
        else:
            failure = GradingBug if isinstance(outcomes[path], Crashed) else SpecError
            invalid.append((path, failure(list(outcomes[path]))))
    return graded, invalid, strangers


class Crashed(list):
    """The Problems of a submission whose grading hit a bug (a list, so a worker can send it back)."""


def _grade_one(assignment: Assignment, path: str, student: str | None, reader: AnswersReader):
    """A Submission, the list of Problems that make the file invalid, or Crashed: whatever goes
    wrong with one submission, a bug included, stays that submission's."""
    try:
        return grade_submission(assignment, path, student, reader)
    except SpecError as exc:
        return exc.problems
    except (BackpropError, QuantityError) as exc:
        return [Problem(path, 1, 1, str(exc), "")]
    except Exception as exc:  # a limit reached (UNEXPECTED) or a bug: reported, never fatal
        failed = could_not_grade(path, exc)
        return Crashed(failed.problems) if isinstance(failed, GradingBug) else failed.problems


def _in_parallel(paths: list[str]) -> bool:
    """Whether these files are graded on every core (forked workers)."""
    return len(paths) >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2 and "-" not in paths  # (stdin: ours alone)


def _grade_all(assignment: Assignment, paths: list[str], student: str | None) -> list:
    """_grade_one of every path, in order: on every core for a large class (each worker reads
    and grades shares of the files), else one after another."""
    reader = AnswersReader()  # (each worker its own copy, by the fork)
    outcomes = on_every_core(lambda path: _grade_one(assignment, path, student, reader), paths) \
        if _in_parallel(paths) else None
    return outcomes if outcomes is not None else [_grade_one(assignment, path, student, reader) for path in paths]


SUMMED = ("right", "carried_forward", "imprecise", "wrong", "not_answered", "unreadable")  # verdicts counted


def class_summary(assignment: Assignment, graded: list[Submission]) -> list[dict]:
    """Per question: how many answers got each verdict (SUMMED), the share right, and the most
    frequent diagnosis codes of the answers not right, with counts and the sentence most of them
    share ("" where they differ: one student's line numbers or values are not the class's)."""
    rows = []
    for i, question in enumerate(assignment.questions):
        results = [s.results[i] for s in graded]
        verdicts = Counter(r.verdict for r in results)
        codes, texts = Counter(), {}
        for r in results:
            if r.verdict != "right":
                for d in {d["code"]: d for d in r.diagnoses}.values():  # each code once an answer
                    codes[d["code"]] += 1
                    texts.setdefault(d["code"], Counter())[d["text"]] += 1
        shared = {code: next(iter(texts[code].most_common(1)))[0] for code in codes}
        rows.append({"quantity": question.quantity, "points": question.points, "submissions": len(results),
                     **{verdict: verdicts[verdict] for verdict in SUMMED},
                     "share_right": verdicts["right"] / len(results) if results else 0.0,
                     "diagnoses": [{"code": code, "count": count,
                                    "text": printable(shared[code]) if 2 * texts[code][shared[code]] >= count else ""}
                                   for code, count in codes.most_common(3)]})
    return rows
