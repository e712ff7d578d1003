"""`backprop check` and `backprop key`: grading answers files, and printing answer keys."""
from __future__ import annotations

import os

import click

from .options import (
    check_save,
    emit,
    format_option,
    is_expression,
    load,
    no_color_option,
    output_file,
    precision_option,
    save_option,
    show,
    spec_options,
)


@click.command()
@click.argument("answers", nargs=-1, required=True)  # each checked by the reader, so a report always names it
@output_file("--junit", help_text="Also write JUnit XML: one testcase per answer, a failure for each wrong one.")
@format_option()
@precision_option()
@click.option("--quiet", "-q", is_flag=True, help="Only one line per file and the total.")
@no_color_option
@save_option
@click.option("--assignment", metavar="FILE", help="Grade against this assignment (the instructor's file): its "
              "network for each student, its questions and points, whatever a submission's spec: says.")
@click.option("--student", metavar="ID", help="With --assignment and one answers file: who answers (default: the "
              "name of the folder holding the answers file).")
@output_file("--gradebook", metavar="FILE.csv", help_text="With --assignment: write one row per student (student, "
             "score, max_score, the points of each question) for a learning-management system.")
@click.option("--summary", is_flag=True, help="With --assignment: print per question the share right and the most "
              "frequent diagnoses after the files.")
@output_file("--gradescope", metavar="FILE", help_text="With --assignment and one answers file: write Gradescope's "
             "results.json (written, valid, even when the submission cannot be read).")
def check(answers, junit, fmt, precision, quiet, no_color, save, assignment, student, gradebook, summary, gradescope):
    """Grade answer files against the true values (for homework and CI).

    An answers file names a spec and gives numbers:

    \b
      spec: net.yaml            # relative to this file (or `network:` inline)
      tolerance: {abs: 0.005}   # or {rel: 0.01}; default: the precision written
      answers:
        loss: 0.1055
        a12: 0.80               # node values; `notation: padhai` for a/h names
        dL/dw212: -0.130        # dL/d<parameter or node>
        w212_new: 0.930         # after one update

    With --assignment FILE, each file is graded on the assignment's network for
    its student (their own, with `personal:`), question by question with points;
    an empty or missing question scores 0, answers to questions not asked are
    listed as not graded.

    Exit status: 0 all right, 1 some answer wrong, 2 a file is invalid (the
    others are still graded). On GitHub Actions each wrong answer is also
    annotated at its line, on standard error.

    \b
    Examples:
      backprop check answers.yaml
      backprop check submissions/*/answers.yaml --junit report.xml --quiet
      backprop check --assignment hw3.yaml submissions/*/answers.yaml --gradebook grades.csv --summary
    """
    from ..grading.grades import Grader

    check_save(save, fmt)
    if assignment is not None:
        return _check_assignment(assignment, answers, student, fmt, precision, quiet, no_color, save, gradebook,
                                 summary, gradescope, junit)
    if student or gradebook or summary or gradescope:
        raise click.UsageError("--student, --gradebook, --summary and --gradescope go with --assignment FILE")
    reports, errors = Grader().grade_files(answers)
    invalid = [(path, [str(p) for p in exc.problems]) for path, exc in errors]
    for _, problems in invalid:
        for problem in problems:
            click.echo(problem, err=True)
    if fmt == "json":
        from ..report.json import check_object, dumps

        emit(dumps(check_object(reports, invalid)), save)
    else:
        from ..report.text import check_text

        show(check_text(reports, len(invalid), precision, quiet), no_color, save, "backprop check", lines=quiet)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        from ..report.ci import annotations

        for line in annotations(reports, precision):
            click.echo(line, err=True)  # raw, never wrapped: the runner reads each line whole
    if junit:
        from ..files import write_atomic
        from ..report.ci import junit_xml

        write_atomic(junit, junit_xml(reports, invalid))
    if invalid:
        return 2
    return 1 if any(r.failed for r in reports) else 0


@click.command()
@spec_options(notation=True, expr=True)
@click.option("--quantity", "quantities", multiple=True, metavar="Q",
              help="A quantity to put in the key (loss, a12, dL/dw212, w212_new, ...); repeat. "
                   "Default: the loss, every gradient and every updated parameter.")
@click.option("--decimals", type=click.IntRange(0, 15), default=4, show_default=True, metavar="N",
              help="Round each value to this many decimals (and so set the default tolerance).")
@click.option("--inline", is_flag=True, help="Put the spec itself under `network:` instead of `spec: PATH` "
              "(always so unless SPEC names a file).")
@click.option("--assignment", metavar="FILE", help="The key of an assignment's questions, on the network of "
              "--student ID (their own with `personal:`).")
@click.option("--student", metavar="ID", help="With --assignment: whose key.")
def key(spec, example, expr, at, notation, quantities, decimals, inline, assignment, student):
    """Print an answers file holding the true values: an answer key.

    `backprop check` on the printed key passes; give students the same file with
    the numbers removed.

    \b
    Examples:
      backprop key net.yaml --quantity dL/dw212 --quantity w212_new > key.yaml
      backprop key --example padhai-4-4-2 --decimals 3
      backprop key --expr "(x + y)*z" --at x=-2,y=5,z=-4 --quantity df/dx
      backprop key --assignment hw3.yaml --student alice
    """
    from .. import compute
    from ..core.names import notation as make_notation
    from ..grading.key import answer_key, default_quantities, key_values
    from ..grading.quantities import QuantityError

    if assignment is not None:
        return _assignment_key(assignment, student, spec, example, expr, quantities, decimals)
    if student:
        raise click.UsageError("--student goes with --assignment FILE")
    loaded = load(spec, example, expr, at, expressions=True)
    if is_expression(loaded):  # the expression and its point go into the key itself
        from ..grading.key import expression_key

        try:
            return emit(expression_key(loaded, loaded.compute(), quantities, decimals), None)
        except QuantityError as exc:
            raise click.BadParameter(f"{exc} ({exc.hint})" if exc.hint else str(exc), param_hint="--quantity") from None
    result = compute(loaded)
    chosen = make_notation(notation, result.network.names)
    try:
        rows = key_values(result, quantities or default_quantities(result), chosen)
    except QuantityError as exc:
        raise click.BadParameter(f"{exc} ({exc.hint})" if exc.hint else str(exc), param_hint="--quantity") from None
    by_path = not (inline or example is not None or spec in (None, "-"))
    emit(answer_key(rows, decimals, chosen, spec_path=spec if by_path else None,
                    spec_text=loaded.document.text), None)


def _check_assignment(path, answers, student, fmt, precision, quiet, no_color, save, gradebook, summary, gradescope,
                      junit) -> int:
    from ..files import write_atomic
    from ..grading.assignment import load_assignment
    from ..grading.submissions import class_summary, grade_class, student_of
    from ..report import class_ci

    if student is not None and not student.strip():
        raise click.BadParameter("is empty", param_hint="--student")
    if student and len(answers) > 1:
        raise click.UsageError("--student names the student of one answers file; with several, each file's "
                               "folder names its student")
    if gradescope and len(answers) > 1:
        raise click.UsageError("--gradescope writes the results.json of one submission: give one answers file")
    assignment = load_assignment(path)
    graded, errors = grade_class(assignment, answers, student)
    invalid = [(answer_path, [str(p) for p in exc.problems]) for answer_path, exc in errors]
    for _, problems in invalid:
        for problem in problems:
            click.echo(problem, err=True)
    stats = class_summary(assignment, graded)
    if gradescope:  # before anything else can fail: Gradescope needs its file whatever happens
        write_atomic(gradescope, class_ci.gradescope_json(assignment, graded[0] if graded else None,
                                                          invalid[0][1] if invalid else None, precision))
    if fmt == "json":
        from ..report.grades import submissions_object
        from ..report.json import dumps

        emit(dumps(submissions_object(graded, invalid, stats)), save)
    else:
        from rich.console import Group

        from ..report.grades import submissions_text, summary_text

        report = submissions_text(graded, len(invalid), precision, quiet)
        show(Group(report, summary_text(stats)) if summary else report, no_color, save, "backprop check", lines=quiet)
    if gradebook:
        from ..report.grades import gradebook_csv

        write_atomic(gradebook, gradebook_csv(assignment, graded, [(student_of(p, student), e) for p, e in errors]))
    if junit:
        write_atomic(junit, class_ci.junit_questions(graded, invalid))
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for line in class_ci.annotations(graded, precision):
            click.echo(line, err=True)  # raw, never wrapped: the runner reads each line whole
        target = os.environ.get("GITHUB_STEP_SUMMARY")
        if target:
            try:
                with open(target, "a", encoding="utf-8") as handle:  # the runner's file: appended to, as it asks
                    handle.write(class_ci.step_summary(assignment, graded, len(invalid), stats))
            except OSError as exc:
                click.echo(f"warning: cannot write the job summary to GITHUB_STEP_SUMMARY: {exc.strerror}", err=True)
    if invalid:
        return 2
    return 1 if any(r.verdict != "right" for s in graded for r in s.results) else 0


def _assignment_key(path, student, spec, example, expr, quantities, decimals) -> None:
    from ..core.names import notation as make_notation
    from ..grading.assignment import STUDENT_ID, load_assignment
    from ..grading.key import answer_key, key_values

    if spec is not None or example is not None or expr is not None:
        raise click.UsageError("--assignment brings its own network: give no SPEC, --example or --expr")
    if student is not None and not STUDENT_ID.fullmatch(student):
        raise click.BadParameter("not a student id (letters, digits and . _ @ -)", param_hint="--student")
    loaded = load_assignment(path)
    network, result = loaded.network_for(student)
    chosen = make_notation(loaded.notation, result.network.names)
    rows = key_values(result, quantities or [q.quantity for q in loaded.questions], chosen)
    if loaded.personal is not None:
        from ..grading.personal import personal_handout

        spec_text = personal_handout(loaded, student)[0]
    else:
        spec_text = network.document.text
    text = answer_key(rows, decimals, chosen, spec_path="net.yaml" if loaded.personal else None,
                      spec_text=spec_text)
    emit(text.replace("answers:\n", f"student: {student}\nanswers:\n", 1) if student else text, None)
