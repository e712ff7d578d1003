"""`backprop check` and `backprop key`: grading answers files, and printing answer keys."""
from __future__ import annotations

import os

import click

from ..api.grading import FEEDBACK
from ..core.computation import EXPRESSION
from ..errors import printable
from ..files import input_written_over
from ..report.formats import GRADEBOOK_FORMATS, gradebook_problem
from .options import (
    OptionsOnce,
    check_save,
    emit,
    format_option,
    load,
    no_color_option,
    output_file,
    precision_option,
    present,
    roster_options,
    save_option,
    spec_options,
)


@click.command(cls=OptionsOnce)
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
              "name of the folder holding the answers file, less the assignment's repository_prefix:).")
@roster_options
@click.option("--feedback", type=click.Choice(FEEDBACK), help="With --assignment: what the reports a student may "
              "see say (text, JUnit, annotations, job summary, Gradescope): full (expected values too), diagnosis "
              "(verdicts and diagnoses, no expected value), verdict (right or not), score (the total only). "
              "Default: the assignment's feedback:, else full. --gradebook and --format json always hold all.")
@output_file("--gradebook", metavar="FILE.csv", help_text="With --assignment: write one row per roster student "
             "(submitted or not) with the score and each question's points, for a learning-management system.")
@click.option("--gradebook-format", type=click.Choice(GRADEBOOK_FORMATS), default="generic", show_default=True,
              help="generic (student, score, max_score, status, each question), canvas (a Canvas gradebook "
              "export's columns from the roster, then the score under the assignment's title) or moodle (the "
              "roster id, then the score under the title).")
@click.option("--summary", is_flag=True, help="With --assignment: print per question the share right and the most "
              "frequent diagnoses after the files.")
@output_file("--gradescope", metavar="FILE", help_text="With --assignment and one answers file: write Gradescope's "
             "results.json (written, valid, even when the submission cannot be read).")
def check(answers, junit, fmt, precision, quiet, no_color, save, assignment, student, roster, roster_id, feedback,
          gradebook, gradebook_format, summary, gradescope):
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
    listed as not graded. The roster (--roster, else the assignment's roster:)
    decides who is graded: a file whose student is not on it is reported, never
    graded; a personal assignment needs one.

    Exit status: 0 all right, 1 some answer wrong or a student not on the roster,
    2 a file is invalid, 3 a file's grading hit a bug (the others are still
    graded, and every report is written). On GitHub Actions each wrong answer is also
    annotated at its line, on standard error. Put -- before a glob of students'
    folders: a folder named like an option (--junit=x) is then only a folder.

    \b
    Examples:
      backprop check answers.yaml
      backprop check --junit report.xml --quiet -- submissions/*/answers.yaml
      backprop check --assignment hw3.yaml --gradebook grades.csv --summary -- submissions/*/answers.yaml
      backprop check --assignment hw3.yaml --roster canvas.csv --roster-id "SIS Login ID" \\
          --feedback diagnosis --gradebook canvas-import.csv --gradebook-format canvas -- repos/*/answers.yaml
    """
    from ..api.grading import check as check_files
    from ..api.grading import check_class, with_roster

    check_save(save, fmt)
    if assignment is None and (student or gradebook or summary or gradescope or roster or roster_id or feedback):
        raise click.UsageError("--student, --roster, --roster-id, --feedback, --gradebook, --summary and "
                               "--gradescope go with --assignment FILE")
    if gradescope and len(answers) > 1:
        raise click.UsageError("--gradescope writes the results.json of one submission: give one answers file")
    inputs = list(answers)
    if assignment is not None:
        loaded = with_roster(assignment, roster, roster_id)
        inputs += loaded.input_files()
        problem = gradebook_problem(loaded, gradebook_format) if gradebook else None
        if problem:
            raise click.UsageError(problem)
    outputs = (junit, gradebook, gradescope, save)
    _refuse_inputs(outputs, inputs)
    run = check_class(loaded, answers, student, feedback=feedback) if assignment is not None else check_files(answers)
    if assignment is None:  # the specs and matrices the files named are inputs too: known once they are read
        _refuse_inputs(outputs, run.inputs)
    for _, problems in run.invalid:
        for problem in problems:
            click.echo(problem, err=True)
    if gradescope:  # before anything else can fail: Gradescope needs its file whatever happens
        _write(gradescope, "gradescope", run, precision)
    present(run, fmt, save=save, no_color=no_color, title="backprop check", precision=precision, quiet=quiet,
            summary=summary)
    if gradebook:
        _write(gradebook, f"gradebook-{gradebook_format}", run, precision)
    if junit:
        _write(junit, "junit", run, precision)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        _github(run, precision)
    if run.bugs:  # every report is written all the same: the bug stayed with its submission
        return 3
    if run.invalid:
        return 2
    return 1 if run.failed else 0


def _refuse_inputs(outputs, inputs) -> None:
    """UsageError, before any report is written, for a report path that is one of the run's inputs."""
    clash = input_written_over(outputs, inputs)
    if clash:
        raise click.UsageError(f"{printable(clash)} is one of this run's inputs: write the report elsewhere")


def _write(path: str, what: str, run, precision: int) -> None:
    """A report file of a check run (report.ci and report.class_ci write each kind)."""
    from ..files import write_atomic
    from ..report.formats import report_file

    write_atomic(path, report_file(what, run, precision))


def _github(run, precision: int) -> None:
    """On GitHub Actions: an annotation per wrong answer, and a class's job summary."""
    from ..report.formats import github_lines, step_summary

    for line in github_lines(run, precision):
        click.echo(line, err=True)  # raw, never wrapped: the runner reads each line whole
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    summary = step_summary(run)
    if target and summary:
        try:
            with open(target, "a", encoding="utf-8") as handle:  # the runner's file: appended to, as it asks
                handle.write(summary)
        except OSError as exc:
            click.echo(f"warning: cannot write the job summary to GITHUB_STEP_SUMMARY: {exc.strerror}", err=True)


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
@click.option("--student", metavar="ID", help="With --assignment: whose key (on the roster, when there is one).")
@roster_options
@click.option("-o", "--output", metavar="DIR", help="With --assignment and a roster: write every student's key, "
              "DIR/ID/answers.yaml (`check --assignment` on DIR/*/answers.yaml then grades the keys).")
def key(spec, example, expr, at, notation, quantities, decimals, inline, assignment, student, roster, roster_id,
        output):
    """Print an answers file holding the true values: an answer key.

    `backprop check` on the printed key passes; give students the same file with
    the numbers removed. SPEC defaults to ./net.yaml. With --assignment: one
    student's key (--student ID), or every roster student's with -o DIR
    (DIR/ID/answers.yaml, and a personal network's net.yaml beside it).

    \b
    Examples:
      backprop key net.yaml --quantity dL/dw212 --quantity w212_new > key.yaml
      backprop key --example padhai-4-4-2 --decimals 3
      backprop key --expr "(x + y)*z" --at x=-2,y=5,z=-4 --quantity df/dx
      backprop key --assignment hw3.yaml --student alice
      backprop key --assignment hw3.yaml --roster roster.csv -o keys/
    """
    from ..api.grading import assignment_key, assignment_keys
    from ..api.grading import key as answer_key

    if assignment is not None:
        if spec is not None or example is not None or expr is not None:
            raise click.UsageError("--assignment brings its own network: give no SPEC, --example or --expr")
        if output is not None:
            if student:
                raise click.UsageError("-o writes every roster student's key; --student prints one")
            written = assignment_keys(assignment, output, quantities, decimals=decimals, roster=roster,
                                      roster_id=roster_id)
            click.echo(f"wrote {len(written)} key{'s' if len(written) != 1 else ''} in {output}")
            return None
        return emit(assignment_key(assignment, student, quantities, decimals=decimals, roster=roster,
                                   roster_id=roster_id), None)
    if student or roster or roster_id or output:
        raise click.UsageError("--student, --roster, --roster-id and -o go with --assignment FILE")
    loaded = load(spec, example, expr, at, expressions=True)
    by_path = not (inline or example is not None or spec in (None, "-") or loaded.kind == EXPRESSION)
    emit(answer_key(loaded, quantities, decimals=decimals, notation=notation, spec_path=spec if by_path else None),
         None)
