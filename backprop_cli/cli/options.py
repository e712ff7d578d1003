"""What commands share: the options that mean the same everywhere, reading the spec, the console,
and printing or saving a report."""
from __future__ import annotations

import math
import os
from pathlib import Path

import click

from ..core.computation import EXPRESSION
from ..core.names import NOTATIONS
from ..errors import printable

DEFAULT_SPEC = "net.yaml"  # what SPEC means when it is not given
TEXT_JSON = ("text", "json")
SAVE_SUFFIXES = (".html", ".svg", ".txt")


def format_option(formats: tuple[str, ...] = TEXT_JSON):
    """--format: text (the default) or the machine-readable forms the command offers."""
    return click.option("--format", "fmt", type=click.Choice(formats), default=formats[0], show_default=True,
                        help="Output format; JSON always has full precision.")


def precision_option(default: int = 6, where: str = "text output"):
    """--precision N: significant digits of the numbers shown."""
    return click.option("--precision", type=click.IntRange(1, 17), default=default, show_default=True,
                        metavar="N", help=f"Significant digits of numbers in {where}.")


no_color_option = click.option("--no-color", is_flag=True, help="No colours (also when NO_COLOR is set, or the "
                               "output is not a terminal).")
notation_option = click.option("--notation", type=click.Choice(NOTATIONS), default="default", show_default=True,
                               help="Node names: default z (pre-activation) / a (activation), or padhai a / h "
                                    "as in the PadhAI course's notes.")
class Finite(click.FloatRange):
    """A float option that must be a finite number (JSON never holds NaN or Infinity), in a range."""

    name = "finite number"

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


POSITIVE = Finite(min=0, min_open=True)
NON_NEGATIVE = Finite(min=0)
lr_option = click.option("--lr", "learning_rate", type=POSITIVE, metavar="FLOAT",
                         help="Learning rate η, overriding the spec's learning_rate.")


expr_options = (
    click.option("--at", "at", multiple=True, metavar="NAME=VALUE",
                 help="A value for a name of the expression (repeat, or x=1,y=2); with an expression spec, "
                      "overrides its `at:`."),
    click.option("--expr", metavar="TEXT", help="An expression instead of SPEC: one formula such as "
                 "'exp(exp(x^2))', or named steps, one per line (a newline between them, e.g. "
                 "$'h1 = x^2\\ny = exp(h1)' in bash); the last step is the output."),
)


def spec_options(*, lr: bool = False, formats: tuple[str, ...] = (), precision: int | None = None,
                 color: bool = False, notation: bool = False, precision_where: str = "text output",
                 expr: bool = False):
    """SPEC and --example, and those of the common options that the command uses: a command
    never accepts an option that changes nothing. `expr`: also --expr TEXT and --at NAME=VALUE."""

    def decorate(f):
        if expr:
            for option in expr_options:
                f = option(f)
        for wanted, option in ((notation, notation_option), (color, no_color_option),
                               (precision is not None, precision_option(precision or 6, precision_where)),
                               (bool(formats), format_option(formats or TEXT_JSON)), (lr, lr_option)):
            if wanted:
                f = option(f)
        f = click.option("--example", metavar="NAME", help="Use a bundled example spec instead of a file "
                         "(`backprop examples` lists them).")(f)
        return click.argument("spec", required=False, default=None, metavar="[SPEC]")(f)

    return decorate


def _writable(ctx, param, value):
    """A click callback: refuse an output file that cannot be written, before any work is done."""
    if value is not None and value != "-":
        from ..files import check_writable  # only when there is a file to write: start-up is a feature

        problem = check_writable(value)
        if problem:
            raise click.BadParameter(problem, ctx=ctx, param=param)
    return value


def output_file(*names: str, help_text: str, metavar: str = "FILE", required: bool = False):
    """An option naming a file the command writes; checked for writability up front."""
    return click.option(*names, type=click.Path(dir_okay=False), metavar=metavar, required=required,
                        callback=_writable, help=help_text)


class OptionsOnce(click.Command):
    """A command whose options may each be given once: a student's folder named `--assignment=x`,
    in a glob without `--`, must not replace the instructor's own option."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        once = {name: param for param in self.params if isinstance(param, click.Option) and not param.multiple
                and not param.count for name in param.opts + param.secondary_opts}
        seen: dict[str, str] = {}
        for arg in args:
            if arg == "--":
                break
            name = arg.split("=", 1)[0]
            if name in once:
                param = once[name].name
                if param in seen:
                    raise click.UsageError(f"{printable(name)} is given twice (as {printable(seen[param])} too); a "
                                           "student's folder named like an option? Put -- before the answers files",
                                           ctx=ctx)
                seen[param] = name
        return super().parse_args(ctx, args)


def roster_options(command):
    """--roster FILE.csv and --roster-id COLUMN: who may submit, in place of the assignment's roster:."""
    command = click.option("--roster-id", metavar="COLUMN", help="The roster's column of student ids (default: "
                           "the assignment's roster_id:, else `id`, else the first column).")(command)
    return click.option("--roster", metavar="FILE.csv", help="Who may submit: a CSV with a column of student ids (a "
                        "Canvas gradebook export works); in place of the assignment's roster:.")(command)


def weight_option(help_text: str, multiple: bool = True):
    """-w/--weight NAME: a parameter by name (w212, w2_1_2, b21)."""
    return click.option("--weight", "-w", "weights" if multiple else "weight", multiple=multiple, metavar="NAME",
                        help=help_text)


def load(spec: str | None, example: str | None, expr: str | None = None, at: tuple[str, ...] = (), *,
         expressions: bool = False):
    """The spec from a file, `-` (standard input), a bundled example (default ./net.yaml), or the
    expression of --expr; --at gives an expression's names their values. Unless `expressions`,
    the command needs a network, and an expression is a usage error."""
    if expr is not None or at:
        return _load_expression(spec, example, expr, at)
    loaded = _load(spec, example)
    if loaded.kind == EXPRESSION and not expressions:
        command = click.get_current_context().info_name
        raise click.UsageError(f"{spec or example} holds an expression, and `{command}` needs a network "
                               "(grad, trace, key, draw and explore take expressions)")
    _refuse_writing_inputs(loaded)
    return loaded


def _refuse_writing_inputs(loaded) -> None:
    """UsageError, before anything is written, for an output (-o, --save, --log, --plot) that is the
    spec itself (`draw net.svg -o net.svg`) or one of the matrix files it reads (its input image, a
    layer's weights). step's and train's -o over their spec is theirs to allow (--in-place)."""
    files, base = getattr(loaded, "matrix_files", None) or {}, getattr(loaded, "base_dir", None)
    read = {(Path(base) / name).resolve(): "a matrix file the spec reads" for name, _shape in files.values()} \
        if base is not None else {}
    source = getattr(loaded, "file", "")
    if source and os.path.isfile(source):
        read[Path(source).resolve()] = "the spec itself"
    context = click.get_current_context(silent=True)
    if context is None:  # called from Python, not a command: nothing to write
        return
    params = context.params
    for key, flag in (("output", "-o"), ("save", "--save"), ("log_file", "--log"), ("plot", "--plot")):
        value = params.get(key)
        what = read.get(Path(value).resolve()) if isinstance(value, str) and value != "-" else None
        if what == "the spec itself" and key == "output" and context.info_name in ("step", "train"):
            continue  # theirs to refuse, or to allow with --in-place
        if what:
            raise click.UsageError(f"{flag} {printable(value)} is {what}; write elsewhere")


def refuse_for_expression(*, hint_for_weight: str = " (trace a name of the expression with --node NAME)",
                          **given) -> None:
    """A network's option given for an expression: say so rather than ignore it."""
    for option, value in given.items():
        if value and value != "default":  # --notation's default changes nothing
            flag = {"learning_rate": "--lr", "weight": "--weight", "with_inputs": "--inputs"}.get(
                option, "--" + option.replace("_", "-"))
            hint = hint_for_weight if option == "weight" else \
                " (an expression always lists its inputs)" if option == "with_inputs" else ""
            raise click.UsageError(f"{flag} means something for a network, not for an expression{hint}")


def _load_expression(spec, example, expr, at):
    from ..api.computing import load_expression

    if expr is not None and (spec is not None or example is not None):
        raise click.UsageError("give one of SPEC, --example NAME or --expr TEXT")
    return load_expression(expr, at, None if expr is not None else _load(spec, example))


def _load(spec: str | None, example: str | None):
    from ..api.computing import load_example, load_spec

    if spec is not None and example is not None:
        raise click.UsageError("give a SPEC file or --example NAME, not both")
    if example is not None:
        return load_example(example)
    if spec is None:
        if not os.path.exists(DEFAULT_SPEC):
            raise click.UsageError(f"no SPEC given and there is no ./{DEFAULT_SPEC}; give a spec file, "
                                   "or try --example padhai-4-4-2")
        spec = DEFAULT_SPEC
    return load_spec(spec)


def console(no_color: bool, *, stderr: bool = False):
    """The rich console for text reports (rich is imported only on this path)."""
    import sys

    from ..report.text import make_console

    return make_console(no_color, file=sys.stderr if stderr else None)


SAVED_WIDTH = 100  # columns of a report saved with --save, whatever the terminal


save_option = click.option(
    "--save", type=click.Path(dir_okay=False), metavar="FILE", callback=_writable,
    help="Also save the report: a text report as shown, to FILE.html, .svg or .txt; any other format "
         "(JSON, and Markdown or LaTeX where the command has them) as printed, to any FILE (for a write-up or a "
         "CI artifact).")


def check_save(save: str | None, fmt: str) -> None:
    """Refuse, before any work, a --save file a text report cannot be exported to."""
    if save is not None and fmt == "text" and os.path.splitext(save)[1].lower() not in SAVE_SUFFIXES:
        raise click.BadParameter("a text report is saved as .html, .svg or .txt (other formats: any name)",
                                 param_hint="--save")


def emit(text: str, save: str | None) -> None:
    """Print a report that is already text (JSON, Markdown, LaTeX), and save it when asked."""
    text = text if text.endswith("\n") else text + "\n"
    click.echo(text, nl=False)
    if save is not None:
        from ..files import write_atomic

        write_atomic(save, text)


def show(renderable, no_color: bool, save: str | None, title: str, *, lines: bool = False) -> None:
    """Print a rich report; with --save, also write it by rich's own export in the format `save` names.
    `lines`: the report is whole lines that must never be wrapped or cut (for CI logs and grep)."""
    from ..report.text import plain_text

    out = console(no_color)
    plain = plain_text(out, renderable)
    if plain is not None:
        click.echo(plain, nl=False)
    else:
        out.print(renderable, soft_wrap=lines)
    if save is None:
        return
    import io

    from ..files import write_atomic
    from ..report.text import make_console

    # recorded apart, at a fixed width: a picture of the report as a terminal shows it
    out = make_console(no_color, file=io.StringIO(), width=SAVED_WIDTH, record=True)
    out.print(renderable, soft_wrap=lines)
    suffix = os.path.splitext(save)[1].lower()
    if suffix == ".html":
        text = out.export_html()
    elif suffix == ".svg":
        text = out.export_svg(title=title or "backprop")
    else:
        text = out.export_text()
    write_atomic(save, text)


def present(report, fmt: str, *, save: str | None = None, no_color: bool = False, title: str = "", **options) -> None:
    """Print a report (core.reports, core.tracing.Trace, a check run) in format `fmt` through the
    one registry of renderers (report.formats), and save it when asked."""
    from ..report.formats import render

    rendered = render(report, fmt, **options)
    if rendered.text is not None:
        emit(rendered.text, save)
    else:
        show(rendered.renderable, no_color, save, title, lines=rendered.lines)
