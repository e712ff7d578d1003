"""The `backprop` group: loads a command's module only when it runs, and is the one place where
errors and results become exit codes: 0 success, 1 a check that found something wrong, 2 bad
usage or input, 3 a bug, 130 interrupted."""
from __future__ import annotations

import importlib
import sys

import click

from ..errors import BackpropError, SpecError, printable
from ..version import __version__

PROBLEMS_SHOWN = 50  # of one run's problems, the first; the rest are counted
# command -> module under cli/ that defines it (start-up is a feature: nothing else is imported)
COMMANDS = {"grad": "network", "trace": "network", "gradcheck": "network", "draw": "network",
            "examples": "network", "check": "grading", "key": "grading", "step": "training",
            "train": "training", "explore": "explore", "assign": "assign",
            "gradescope": "gradescope"}


class BackpropGroup(click.Group):
    """Imports commands lazily, prints our errors on standard error and sets the exit status."""

    def list_commands(self, _ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, _ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module = importlib.import_module(f"{__package__}.{COMMANDS[name]}")
        return getattr(module, name)

    def invoke(self, ctx: click.Context):
        try:
            status = super().invoke(ctx)  # a command returns its exit status, or None for 0
        except SpecError as exc:
            for problem in exc.problems[:PROBLEMS_SHOWN]:
                click.echo(str(problem), err=True)
            if len(exc.problems) > PROBLEMS_SHOWN:  # 3,000 misspelt keys are told in a screenful
                more = len(exc.problems) - PROBLEMS_SHOWN
                click.echo(f"… and {more:,} more problem{'s' if more != 1 else ''} (fix these, then run again)",
                           err=True)
            status = 2
        except BackpropError as exc:
            click.echo(printable(f"Error: {exc}"), err=True)
            status = 2
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            status = 130
        except BrokenPipeError:
            sys.stderr.close()  # the reader went away (`| head`): nothing left to say
            status = 0
        except Exception as exc:  # a bug: one line, the traceback only with --debug
            if ctx.obj and ctx.obj.get("debug"):
                raise
            missing = exc.name.split(".")[0] if isinstance(exc, ModuleNotFoundError) and exc.name else None
            if missing and missing != "backprop_cli":  # this Python lacks a dependency: not a bug of ours
                click.echo(printable(f"Error: backprop needs the Python package '{missing}', which this Python "
                                     f"({sys.executable}) does not have: install backprop into it with pip, or run "
                                     "the Python it is installed in"), err=True)
                ctx.exit(2)
            command = " ".join(["backprop"] + sys.argv[1:])
            click.echo(printable(f"Internal error ({type(exc).__name__}: {exc}). This is a bug in backprop "
                                 f"{__version__}; please report it with the command `{command}` and your spec "
                                 "(run again with --debug for the traceback)."), err=True)
            status = 3
        ctx.exit(status or 0)


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
    if debug:  # the tracebacks of bugs contained while grading (a file's own, the others graded on)
        import logging

        log, handler = logging.getLogger("backprop_cli"), logging.StreamHandler(sys.stderr)
        log.addHandler(handler)
        log.setLevel(logging.DEBUG)
        ctx.call_on_close(lambda: log.removeHandler(handler))
