"""`backprop check` and `backprop key`: grading answer files, and writing answer keys."""
from __future__ import annotations

import os
import sys

import click

from . import __version__
from .cli import FORMATS, CheckFailed, console, emit, load, main, save_option, save_recording
from .errors import SpecError, printable


def github_annotation(path: str, line: int, message: str) -> str:
    """A GitHub Actions `::error` workflow command, escaped as GitHub requires."""
    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    prop = data(path).replace(":", "%3A").replace(",", "%2C")
    return f"::error file={prop},line={line}::{data(message)}"


@main.command()
@click.argument("answers", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=False))
@click.option("--junit", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help="Also write JUnit XML: one testcase per answer, a failure for each wrong one.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--precision", type=click.IntRange(1, 17), default=6, show_default=True,
              help="Significant digits of numbers in text output.")
@click.option("--quiet", "-q", is_flag=True, help="Only one line per file and the total.")
@click.option("--no-color", is_flag=True, help="No colours (also when NO_COLOR is set).")
@save_option
def check(answers, junit, fmt, precision, quiet, no_color, save):
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

    Exit status: 0 all right, 1 some answer wrong, 2 a file is invalid (the
    others are still graded). On GitHub Actions each wrong answer is also
    annotated at its line.

    \b
    Examples:
      backprop check answers.yaml
      backprop check submissions/*/answers.yaml --junit report.xml --quiet
    """
    from .grading import AnswersReader, FileReport, grade

    reader = AnswersReader({})
    reports, invalid = [], []
    for path in answers:
        try:
            spec, result, given, tolerance, notation_name = reader.read(path)
        except SpecError as exc:
            invalid.append((path, [str(p) for p in exc.problems]))
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            continue
        reports.append(FileReport(path, grade(result, given, tolerance, notation_name)))
    if fmt == "json":
        from .reporters.json import check_object, dumps

        emit(dumps(check_object(reports, invalid)), save)
    else:
        from rich.text import Text

        from .reporters.text import check_report, check_summary

        out = console(no_color, save)
        for report in reports:
            if quiet:
                out.print(Text(f"{printable(report.path)}: {report.passed}/{len(report.outcomes)} right"), soft_wrap=True)
            else:
                out.print(check_report(report, precision))
        out.print(check_summary(reports, len(invalid)))
        save_recording(out, save, "backprop check")
    if os.environ.get("GITHUB_ACTIONS") == "true":
        from .reporters import number

        for report in reports:
            for o in report.outcomes:
                if not o.ok:
                    message = (f"{o.answer.quantity.text}: given {number(o.answer.given, precision)}, expected "
                               f"{number(o.expected, precision)}" + (f". {o.diagnosis}" if o.diagnosis else ""))
                    click.echo(github_annotation(report.path, o.answer.line, message))
    if junit:
        from .reporters.junit import junit_xml
        from .rewrite import write_atomic

        write_atomic(junit, junit_xml(reports, invalid))
    if invalid:
        sys.exit(2)
    if any(r.failed for r in reports):
        raise CheckFailed()


@main.command()
@click.argument("spec", required=False, default=None, metavar="[SPEC]")
@click.option("--example", metavar="NAME", help="Use a bundled example spec instead of a file.")
@click.option("--quantity", "-q", "quantities", multiple=True, metavar="Q",
              help="A quantity to put in the key (loss, a12, dL/dw212, w212_new, ...); repeat. "
                   "Default: the loss, every gradient and every updated parameter.")
@click.option("--decimals", type=click.IntRange(0, 15), default=4, show_default=True,
              help="Round each value to this many decimals (and so set the default tolerance).")
@click.option("--notation", type=click.Choice(("default", "padhai")), default="default", show_default=True,
              help="How node names in --quantity are read.")
@click.option("--inline", is_flag=True, help="Put the spec itself under `network:` instead of `spec: PATH`.")
def key(spec, example, quantities, decimals, notation, inline):
    """Print an answers file holding the true values: an answer key.

    `backprop check` on the printed key passes; give students the same file with
    the numbers removed.

    \b
    Examples:
      backprop key net.yaml -q dL/dw212 -q w212_new > key.yaml
      backprop key --example padhai-4-4-2 --decimals 3
    """
    from . import compute
    from .names import notation as make_notation
    from .names import parameter_names
    from .quantities import QuantityError, check_quantity, evaluate, parse_quantity

    loaded = load(spec, example)
    result = compute(loaded)
    n = make_notation(notation)
    if not quantities:
        names = parameter_names(result.sizes)
        quantities = ("loss", *(f"dL/d{x}" for x in names), *(f"{x}_new" for x in names))
    rows = []
    for text in quantities:
        try:
            q = parse_quantity(text)
            check_quantity(result, q, n)
        except QuantityError as exc:
            raise click.BadParameter(f"{exc} ({exc.hint})" if exc.hint else str(exc), param_hint="--quantity") from None
        rows.append((q.text, evaluate(result, q, n)))
    lines = [f"# answer key by backprop {__version__}: values rounded to {decimals} decimals"]
    if inline or example is not None or spec in (None, "-"):
        lines.append("network:")
        lines += ["  " + line if line.strip() else "" for line in loaded.document.text.splitlines()]
    else:
        import json as _json

        lines.append(f"spec: {_json.dumps(spec, ensure_ascii=False)}")
    if notation != "default":
        lines.append(f"notation: {notation}")
    lines.append("answers:")
    for text, value in rows:
        rounded = f"{value:.{decimals}f}"
        if float(rounded) == 0:
            rounded = rounded.lstrip("-")
        lines.append(f"  {text}: {rounded}")
    click.echo("\n".join(lines))
