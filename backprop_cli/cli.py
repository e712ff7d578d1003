"""The command line: parse options, call the library, hand the result to a reporter.

Errors travel as exceptions and become exit codes in one place (`BackpropGroup.main`):
0 success, 1 a check that found something wrong, 2 bad usage or input, 3 a bug.
"""
from __future__ import annotations

import functools
import os
import sys

import click

from . import __version__
from .errors import BackpropError, SpecError, printable

FORMATS = ("text", "json")
DEFAULT_SPEC = "net.yaml"  # what SPEC means when it is not given


class CheckFailed(Exception):
    """A check ran and found something wrong: exit status 1 (the report is already printed)."""


class BackpropGroup(click.Group):
    """Turns our exceptions into messages on standard error and exit codes, and imports a
    command's module only when that command is used (start-up is a feature)."""

    lazy = {"check": "cli_grading", "key": "cli_grading", "step": "cli_training", "train": "cli_training",
            "draw": "cli_training"}

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx, name):
        if name in self.lazy and name not in self.commands:
            import importlib

            importlib.import_module(f"{__package__}.{self.lazy[name]}")  # its decorators register it
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SpecError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            ctx.exit(2)
        except BackpropError as exc:
            click.echo(printable(f"Error: {exc}"), err=True)
            ctx.exit(2)
        except CheckFailed:
            ctx.exit(1)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            sys.stderr.close()  # the reader went away (`| head`): nothing left to say
            ctx.exit(0)
        except Exception as exc:  # a bug: one line, the traceback only with --debug
            if ctx.obj and ctx.obj.get("debug"):
                raise
            command = " ".join(["backprop"] + sys.argv[1:])
            click.echo(f"Internal error ({type(exc).__name__}: {exc}). This is a bug in backprop "
                       f"{__version__}; please report it with the command `{command}` and your spec "
                       "(run again with --debug for the traceback).", err=True)
            ctx.exit(3)


@click.group(cls=BackpropGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="backprop")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Gradients of small neural networks, traced path by path through the chain rule.

    A network is a YAML spec (see `backprop examples`). Start with

        backprop grad --example padhai-4-4-2

    and compare its numbers with your own derivation.
    """
    ctx.ensure_object(dict)["debug"] = debug


def spec_options(formats: tuple[str, ...] = FORMATS, learning_rate: bool = True):
    """The options every command that reads a spec shares (CONTRACT section 3)."""

    def decorate(f):
        if learning_rate:
            f = click.option("--lr", "learning_rate", type=click.FloatRange(min=0, min_open=True), metavar="FLOAT",
                             help="Learning rate η, overriding the spec's learning_rate.")(f)

        @click.argument("spec", required=False, default=None, metavar="[SPEC]")
        @click.option("--example", metavar="NAME", help="Use a bundled example spec instead of a file "
                      "(`backprop examples` lists them).")
        @click.option("--format", "fmt", type=click.Choice(formats), default="text", show_default=True,
                      help="Output format; JSON always has full precision.")
        @click.option("--precision", type=click.IntRange(1, 17), default=6, show_default=True,
                      help="Significant digits of numbers in text output.")
        @click.option("--no-color", is_flag=True, help="No colours (also when NO_COLOR is set, or "
                      "output is not a terminal).")
        @click.option("--notation", type=click.Choice(("default", "padhai")), default="default",
                      show_default=True, help="Node names: default z (pre-activation) / a (activation), "
                      "or padhai a / h as in seed 002.")
        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            return f(*args, **kwargs)

        return wrapper

    return decorate


def load(spec: str | None, example: str | None):
    """The spec from a file, `-` (standard input) or a bundled example (default ./net.yaml)."""
    from .spec import load_spec

    if spec is not None and example is not None:
        raise click.UsageError("give a SPEC file or --example NAME, not both")
    if example is not None:
        from .examples import example_path

        return load_spec(example_path(example), name=f"{example}.yaml")
    if spec is None:
        if not os.path.exists(DEFAULT_SPEC):
            raise click.UsageError("no SPEC given and there is no ./net.yaml; give a spec file, "
                                   "or try --example padhai-4-4-2")
        spec = DEFAULT_SPEC
    return load_spec(spec)


def check_names(result, names: tuple[str, ...]) -> list[str]:
    """Parameter names as the user gave them, validated against the network (UsageError)."""
    from .names import format_name, parse_name

    canonical = []
    for name in names:
        result.value(name)  # raises UsageError for a name the network does not have
        parsed = parse_name(name)
        canonical.append(format_name(parsed.kind, *parsed.indices))
    return canonical


def console(no_color: bool, save: str | None = None):
    """The rich console for text reports (rich is imported only on this path); it records what it
    prints when the report is also to be saved."""
    from .reporters.text import make_console

    return make_console(no_color, record=save is not None)


SAVE_SUFFIXES = (".html", ".svg", ".txt")


def _check_save(ctx, param, value):
    if value is not None and os.path.splitext(value)[1].lower() not in SAVE_SUFFIXES:
        raise click.BadParameter("the file must end in .html, .svg or .txt", ctx=ctx, param=param)
    return value


save_option = click.option(
    "--save", type=click.Path(dir_okay=False), metavar="FILE", callback=_check_save,
    help="Also save the report as shown, to FILE.html, .svg or .txt (for a write-up or a CI artifact).")


def emit(text: str, save: str | None) -> None:
    """Print a report that is already text (JSON, Markdown, LaTeX), and save it when asked."""
    click.echo(text, nl=not text.endswith("\n"))
    if save is not None:
        from .rewrite import write_atomic

        write_atomic(save, text if text.endswith("\n") else text + "\n")


def save_recording(out, save: str | None, title: str) -> None:
    """Write what a recording console printed, by rich's own export, in the format `save` names."""
    if save is None:
        return
    from .rewrite import write_atomic

    suffix = os.path.splitext(save)[1].lower()
    if suffix == ".html":
        text = out.export_html(clear=False)
    elif suffix == ".svg":
        text = out.export_svg(title=title or "backprop", clear=False)
    else:
        text = out.export_text(clear=False)
    write_atomic(save, text)


@main.command()
@spec_options()
@click.option("--weight", "-w", "weights", multiple=True, metavar="NAME",
              help="Only this parameter (w212, w2_1_2, b21); repeat for several.")
@save_option
def grad(spec, example, learning_rate, fmt, precision, no_color, notation, weights, save):
    """Value, gradient and updated value of each parameter.

    \b
    Examples:
      backprop grad --example padhai-4-4-2
      backprop grad net.yaml --weight w212 --weight b21
      backprop grad net.yaml --format json | jq '.parameters[0]'
    """
    from . import compute

    loaded = load(spec, example)
    result = compute(loaded, learning_rate)
    names = check_names(result, weights)
    if fmt == "json":
        from .reporters.json import dumps, grad_object

        emit(dumps(grad_object(result, names)), save)
        return
    from .reporters.text import grad_report

    out = console(no_color, save)
    out.print(grad_report(result, result.parameters(names), name=loaded.name, precision=precision))
    save_recording(out, save, loaded.name)


@main.command()
@spec_options(FORMATS + ("markdown", "latex"))
@click.option("--weight", "-w", "weights", multiple=True, metavar="NAME",
              help="Trace only this parameter (w212, w2_1_2, b21); repeat for several. Default: all.")
@click.option("--max-paths", type=click.IntRange(0), default=8, show_default=True, metavar="N",
              help="Show the N paths of largest |product| per parameter; the rest are counted and summed.")
@click.option("--sample", type=click.IntRange(1), metavar="I", help="Trace sample I (1-based) of a batch alone.")
@save_option
def trace(spec, example, learning_rate, fmt, precision, no_color, notation, weights, max_paths, sample, save):
    """Every chain-rule path from the loss to each parameter.

    For each parameter: every path L → ŷ → z → a → … → w with each factor's symbol,
    formula and value, the path's product, the sum over paths (= the gradient) and the
    update w ← w − η·∂L/∂w. Before that: the forward pass, the loss and the per-neuron
    δ = ∂L/∂z that every path reuses.

    \b
    Examples:
      backprop trace --example padhai-4-4-2 --weight w212
      backprop trace net.yaml --notation padhai --format latex > derivation.tex
      backprop trace big.yaml --weight w111 --max-paths 10
    """
    from . import compute
    from .names import notation as make_notation
    from .tracing import build_trace

    loaded = load(spec, example)
    result = compute(loaded, learning_rate)
    names = check_names(result, weights)
    if sample is not None and sample > result.samples:
        raise click.BadParameter(f"the spec has {result.samples} sample(s)", param_hint="--sample")
    traced = build_trace(result, make_notation(notation), names, max_paths, sample, loaded.name, loaded.description)
    if fmt == "json":
        from .reporters.json import dumps, trace_object

        emit(dumps(trace_object(traced)), save)
    elif fmt == "markdown":
        from .reporters.markdown import trace_markdown

        emit(trace_markdown(traced, precision), save)
    elif fmt == "latex":
        from .reporters.latex import trace_latex

        emit(trace_latex(traced, precision), save)
    else:
        from .reporters.text import trace_report

        out = console(no_color, save)
        out.print(trace_report(traced, precision))
        save_recording(out, save, loaded.name)


@main.command()
@spec_options()
@click.option("--eps", type=click.FloatRange(min=0, min_open=True), default=1e-6, show_default=True,
              help="Step of the central difference (L(p + eps) − L(p − eps)) / 2eps.")
@click.option("--tol", type=click.FloatRange(min=0), default=1e-6, show_default=True,
              help="Largest relative error |a − b| / max(|a|, |b|, floor) that counts as agreement.")
def gradcheck(spec, example, learning_rate, fmt, precision, no_color, notation, eps, tol):
    """Compare every backprop gradient with a central finite difference.

    Exit status 1 when any parameter is over the tolerance. A parameter whose
    finite difference crosses a relu kink (z = 0) is reported as a kink, not a
    failure: there the derivative is one-sided and the difference means nothing.

    \b
    Examples:
      backprop gradcheck --example padhai-4-4-2
      backprop gradcheck net.yaml --eps 1e-5 --tol 1e-5 --format json
    """
    from . import compute
    from .gradcheck import gradcheck as run_gradcheck

    loaded = load(spec, example)
    checks = run_gradcheck(compute(loaded, learning_rate), eps, tol)
    if fmt == "json":
        from .reporters.json import dumps, gradcheck_object

        click.echo(dumps(gradcheck_object(checks, eps, tol)))
    else:
        from .reporters.text import gradcheck_report

        console(no_color).print(gradcheck_report(checks, name=loaded.name, eps=eps, tol=tol, precision=precision))
    if any(c.status == "fail" for c in checks):
        raise CheckFailed()


@main.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
def examples(fmt):
    """List the bundled example specs (use one with --example NAME)."""
    from .examples import example_names, example_path
    from .spec import load_spec

    rows = []
    for name in example_names():
        loaded = load_spec(example_path(name))
        rows.append({"name": name, "description": loaded.description or loaded.name,
                     "sizes": loaded.sizes})
    if fmt == "json":
        from .reporters.json import dumps

        click.echo(dumps(rows))
        return
    width = max(len(row["name"]) for row in rows)
    for row in rows:
        sizes = "-".join(str(s) for s in row["sizes"])
        click.echo(f"{row['name']:<{width}}  {sizes:<10}  {row['description']}")

