"""Grading as functions: `check` of answers files, a class against an assignment, answer keys,
and every student's handout (what `backprop check`, `key` and `assign` do)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core.computation import EXPRESSION
from ..core.names import notation as make_notation
from ..errors import GradingBug, UsageError
from ..grading.assignment import FEEDBACK


@dataclass
class CheckRun:
    """Answers files graded one by one: a report per file, and the files that could not be read."""

    files: list  # grading.grades.FileReport
    invalid: list[tuple[str, list[str]]] = field(default_factory=list)  # (path, its located problems)
    bugs: int = 0  # of the invalid files, those whose grading hit a bug (exit status 3)

    @property
    def failed(self) -> bool:
        """Whether an answer is not right."""
        return any(f.failed for f in self.files)

    @property
    def inputs(self) -> list[str]:
        """Every file the run read: the answers files and the specs and matrices they name."""
        return [*(f.path for f in self.files), *(name for f in self.files for name in f.inputs),
                *(path for path, _ in self.invalid)]

    def __repr__(self) -> str:
        return (f"<CheckRun {len(self.files)} file{'s' if len(self.files) != 1 else ''}: "
                f"{sum(f.passed for f in self.files)} right, {sum(f.failed for f in self.files)} not right, "
                f"{len(self.invalid)} invalid>")

    def _repr_html_(self) -> str:
        return _html(self)


@dataclass
class ClassRun:
    """A class graded against an assignment: each submission, the invalid files, the statistics."""

    assignment: object  # grading.assignment.Assignment
    graded: list  # grading.submissions.Submission
    invalid: list[tuple[str, list[str]]]
    errors: list = field(default_factory=list, repr=False)  # (path, SpecError), for the gradebook
    stats: list[dict] = field(default_factory=list)
    student: str | None = None  # --student, when one file was graded for a named student
    strangers: list = field(default_factory=list)  # grading.submissions.Stranger: not on the roster
    feedback: str = "full"  # grading.assignment.FEEDBACK: what the reports a student may see say

    @property
    def invalid_students(self) -> list[tuple[str, object]]:
        """(student, error) of each file that could not be graded, for the gradebook."""
        from ..grading.submissions import student_of

        prefix = self.assignment.repository_prefix
        return [(student_of(path, self.student, prefix), error) for path, error in self.errors]

    @property
    def bugs(self) -> int:
        """How many submissions' grading hit a bug (reported as invalid; exit status 3)."""
        return sum(isinstance(exc, GradingBug) for _, exc in self.errors)

    @property
    def failed(self) -> bool:
        """Whether an answer of some submission is not right, or a file's student is not on the roster."""
        return bool(self.strangers) or any(r.verdict != "right" for s in self.graded for r in s.results)

    def __repr__(self) -> str:
        submissions = f"{len(self.graded)} submission{'s' if len(self.graded) != 1 else ''}"
        strangers = f", {len(self.strangers)} not on the roster" if self.strangers else ""
        return f"<ClassRun {submissions}, {len(self.invalid)} invalid{strangers}>"

    def _repr_html_(self) -> str:
        return _html(self)


def _html(run) -> str:
    """A run's text report as HTML, for a notebook (rich's own export, styles inline)."""
    import io

    from ..report.formats import render
    from ..report.text import make_console

    console = make_console(file=io.StringIO(), width=100, record=True)
    console.print(render(run, "text").renderable)
    return console.export_html(inline_styles=True, code_format="<pre style=\"font-family: monospace\">{code}</pre>")


def check(paths) -> CheckRun:
    """Grade answers files (each names its spec, or holds it inline); an invalid file is listed
    with its problems and the others are graded."""
    from ..grading.grades import Grader

    files, errors = Grader().grade_files(list(paths))
    return CheckRun(files, [(path, [str(p) for p in exc.problems]) for path, exc in errors],
                    sum(isinstance(exc, GradingBug) for _, exc in errors))


def load_assignment(path: str):
    """Read and validate an assignment file (the instructor's); SpecError with located problems."""
    from ..grading.assignment import load_assignment as read

    return read(path)


def check_class(assignment, paths, student: str | None = None, *, roster: str | None = None,
                roster_id: str | None = None, feedback: str | None = None) -> ClassRun:
    """Grade a class against an assignment (a path or a loaded one): each answers file on the
    network of its student (`student`, else the folder holding the file less `repository_prefix:`),
    with points. The roster (`roster`, else the assignment's `roster:`) decides who is graded: a
    student not on it is reported, never graded; a personal assignment needs one. `feedback`
    (else the assignment's `feedback:`) sets what the reports a student may see say."""
    from ..grading.submissions import class_summary, grade_class

    if student is not None and not student.strip():
        raise UsageError("--student is empty")
    paths = list(paths)
    if student and len(paths) > 1:
        raise UsageError("--student names the student of one answers file; with several, each file's folder names "
                         "its student")
    loaded = with_roster(assignment, roster, roster_id)
    level = _feedback(feedback, loaded)  # a bad level is refused before the class is graded
    graded, errors, strangers = grade_class(loaded, paths, student)
    invalid = [(path, [str(p) for p in exc.problems]) for path, exc in errors]
    return ClassRun(loaded, graded, invalid, errors, class_summary(loaded, graded), student, strangers, level)


def _feedback(level: str | None, assignment) -> str:
    """`level`, else the assignment's `feedback:`; UsageError for a level that is none of FEEDBACK."""
    if level is not None and level not in FEEDBACK:
        raise UsageError(f"--feedback: '{level}' is not one of {', '.join(FEEDBACK)}")
    return level or assignment.feedback


def with_roster(assignment, roster: str | None = None, roster_id: str | None = None):
    """The assignment (a path or a loaded one) with its roster: `roster` (a CSV path) in place of
    its `roster:`, read by the column `roster_id`. UsageError for a personal assignment with no
    roster at all: its networks exist only for known ids."""
    import dataclasses

    from ..grading.roster import load_roster

    loaded = load_assignment(assignment) if isinstance(assignment, (str, Path)) else assignment
    if roster is not None or (roster_id is not None and loaded.roster is not None):
        column = roster_id or loaded.roster_id  # --roster-id, else the assignment's roster_id:
        loaded = dataclasses.replace(loaded, roster=load_roster(roster or loaded.roster.path, column))
    elif roster_id is not None:
        raise UsageError("--roster-id names a column of the roster: give --roster FILE (or `roster:` in the "
                         "assignment)")
    if loaded.personal is not None and loaded.roster is None:
        raise UsageError("this assignment gives every student their own network, and so needs a roster of who "
                         "they are: give --roster FILE.csv, or write `roster: roster.csv` in the assignment")
    return loaded


def key(spec, quantities=(), *, decimals: int = 4, notation: str = "default", spec_path: str | None = None) -> str:
    """An answers file holding the true values (an answer key), as YAML text: the quantities asked
    for (default: the loss, every gradient and every update). `spec_path` names the spec by path;
    without it the spec goes inline under `network:`. An expression's key holds the expression."""
    from ..grading.key import answer_key, default_quantities, expression_key, key_values, told_from
    from ..grading.layers import graded_result
    from ..grading.quantities import QuantityError

    result = graded_result(spec)
    if isinstance(result, str):  # section 9's layers that cannot be graded answer by answer
        raise UsageError(f"this spec: {result}")
    try:
        if result.kind == EXPRESSION:
            return expression_key(spec, result, quantities, decimals)
        chosen = make_notation(notation, result.network.names)
        rows = key_values(result, quantities or default_quantities(result), chosen)
    except QuantityError as exc:
        raise UsageError(f"--quantity: {exc}" + (f" ({exc.hint})" if exc.hint else "")) from None
    return answer_key(rows, decimals, chosen, spec_path=spec_path, spec_text=spec.document.text,
                      **told_from(result, chosen, rows))


def assignment_key(assignment, student: str | None = None, quantities=(), *, decimals: int = 4,
                   roster: str | None = None, roster_id: str | None = None) -> str:
    """One student's answer key for an assignment's questions (their own network with `personal:`);
    with a roster (`roster`, else the assignment's), only for a student on it."""
    from ..grading.roster import STUDENT_ID

    if student is not None and not STUDENT_ID.fullmatch(student):
        raise UsageError("--student: not a student id (letters, digits and . _ @ + -)")
    loaded = with_roster(assignment, roster, roster_id)
    if student is None and loaded.personal is not None:
        raise UsageError("every student of this assignment has their own network, and so their own key: give "
                         "--student ID, or -o DIR for every student on the roster")
    if student is not None and loaded.roster is not None:
        if student not in loaded.roster:
            near = loaded.roster.nearest(student)
            raise UsageError(f"--student: {student} is not on the roster"
                             + (f" (nearest: {', '.join(near)})" if near else ""))
        student = loaded.roster.canonical(student)  # the roster's spelling: its numbers are drawn for it
    return _student_key(loaded, student, quantities, decimals)[0]


def _student_key(loaded, student: str | None, quantities, decimals: int) -> tuple[str, str]:
    """(the key, the network it names as the handout holds it) of one student, checked already."""
    from ..grading.key import answer_key, key_values, told_from

    _, result = loaded.network_for(student)
    chosen = make_notation(loaded.notation, result.network.names)
    rows = key_values(result, quantities or [q.quantity for q in loaded.questions], chosen)
    if loaded.personal is not None:
        from ..grading.personal import personal_handout

        spec_text = personal_handout(loaded, student)[0]
    else:
        from ..grading.handouts import network_text

        spec_text = network_text(loaded)  # as the handouts hold it (an inline network: that mapping alone)
    key = answer_key(rows, decimals, chosen, spec_path="net.yaml" if loaded.personal else None,
                     spec_text=spec_text, student=student, precision=loaded.tolerance.precision,
                     **told_from(result, chosen, rows))
    return key, spec_text


def assignment_keys(assignment, output, quantities=(), *, decimals: int = 4, roster: str | None = None,
                    roster_id: str | None = None) -> list[str]:
    """Every roster student's answer key, written as OUTPUT/ID/answers.yaml (so that `check
    --assignment` on OUTPUT/*/answers.yaml grades the keys themselves), with a personal network
    beside it as OUTPUT/ID/net.yaml (so that a plain `check` passes each key too); return the ids
    written. Every key is made before any is written."""
    loaded = with_roster(assignment, roster, roster_id)
    if loaded.roster is None:
        raise UsageError("writing every student's key needs a roster: give --roster FILE.csv, or write "
                         "`roster: roster.csv` in the assignment")
    from ..grading.handouts import ANSWERS, NET, check_output, write_all
    from ..grading.personal import prepare

    base = Path(output)
    names = [ANSWERS, NET] if loaded.personal is not None else [ANSWERS]  # a personal key names its net.yaml
    check_output(base, [base / student / name for student in loaded.roster.ids for name in names],
                 loaded.input_files())
    prepare(loaded, loaded.roster.ids)  # a large class's problems drawn on every core first, as assign does
    files = {}
    for student in loaded.roster.ids:
        key, spec_text = _student_key(loaded, student, quantities, decimals)
        files[base / student / ANSWERS] = key
        if loaded.personal is not None:
            files[base / student / NET] = spec_text
    write_all(base, files)
    return list(loaded.roster.ids)


def assign(assignment, roster: str | None, output: str, *, roster_id: str | None = None) -> list[str]:
    """Write every roster student's handout (the roster: `roster`, else the assignment's),
    OUTPUT/ID/net.yaml (with every file it names beside it) and OUTPUT/ID/answers.yaml; return the
    ids written. Nothing is written unless every handout can be: a bad OUTPUT is a UsageError
    before the first file."""
    from ..grading.handouts import write_handouts

    loaded = with_roster(assignment, roster, roster_id)
    if loaded.roster is None:
        raise UsageError("assign writes a handout for each student on the roster: give --roster FILE.csv, or "
                         "write `roster: roster.csv` in the assignment")
    students = loaded.roster.ids
    write_handouts(loaded, students, output, inputs=[loaded.roster.path])
    return students
