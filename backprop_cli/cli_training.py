"""`backprop step` and `backprop train`: apply the update, keep the spec, train until satisfied."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .cli import DEFAULT_SPEC, console, load, main, spec_options


def _output_options(f):
    f = click.option("--force", is_flag=True, help="Replace OUT if it exists.")(f)
    f = click.option("--in-place", is_flag=True, help="Overwrite the spec file itself.")(f)
    f = click.option("-o", "--output", metavar="OUT", help="Write the updated spec here (`-` for standard output); "
                     "matrices from .npy/.csv files go to new files beside it.")(f)
    return f


def _target(spec_arg: str | None, example: str | None, output: str | None, in_place: bool, force: bool):
    """Where the updated spec goes: a Path, '-' or None (nowhere); refuses surprises up front."""
    if in_place and output is not None:
        raise click.UsageError("give -o OUT or --in-place, not both")
    if in_place:
        if example is not None or spec_arg == "-":
            raise click.UsageError("--in-place needs a spec file (not --example or standard input)")
        return Path(spec_arg or DEFAULT_SPEC)
    if output is None or output == "-":
        return output
    target = Path(output)
    source = None if example is not None or spec_arg == "-" else Path(spec_arg or DEFAULT_SPEC)
    if source is not None and target.exists() and source.exists() and target.resolve() == source.resolve():
        raise click.UsageError(f"-o {output} is the input spec itself; use --in-place to overwrite it")
    if target.exists() and not force:
        raise click.UsageError(f"{output} exists; add --force to replace it")
    if target.is_dir():
        raise click.UsageError(f"{output} is a directory")
    if not target.parent.exists():
        raise click.UsageError(f"the folder {target.parent} does not exist")
    return target


def _write(spec, layers_after, target) -> str:
    """Write the rewritten spec (and new matrix files) atomically; return what was written."""
    from .rewrite import rewrite_spec, write_atomic, write_matrix

    text, files = rewrite_spec(spec, layers_after, None if target == "-" else target)
    if target == "-":
        click.echo(text, nl=False)
        return "standard output"
    for path, array in files.items():
        write_matrix(path, array)
    write_atomic(target, text)
    return str(target) + "".join(f", {p}" for p in files)


@main.command()
@spec_options()
@_output_options
def step(spec, example, learning_rate, fmt, precision, no_color, notation, output, in_place, force):
    """Write the spec after one gradient-descent update of every weight and bias.

    Only the numbers change: comments, key order and layout stay as you wrote
    them, and every value is written so that it reads back exactly.

    \b
    Examples:
      backprop step net.yaml -o net-after.yaml
      backprop step net.yaml --in-place
      backprop step net.yaml -o - --lr 0.5
    """
    from . import compute
    from .training import stepped

    if output is None and not in_place:
        raise click.UsageError("say where the updated spec goes: -o OUT, -o - or --in-place")
    target = _target(spec, example, output, in_place, force)
    if target == "-" and fmt == "json":
        raise click.UsageError("-o - writes the spec to standard output; --format json cannot share it")
    loaded = load(spec, example)
    result = compute(loaded, learning_rate)
    written = _write(loaded, stepped(result), target)
    if fmt == "json":
        from .reporters.json import dumps, grad_object

        click.echo(dumps(grad_object(result, None)))
    else:
        click.echo(f"wrote {written}: {len(result.parameters())} parameters updated with η = "
                   f"{result.learning_rate:g} (loss before the step {result.loss:.{precision}g})",
                   err=target == "-")


def _rates(value: str | None) -> list[float] | None:
    if value is None:
        return None
    try:
        rates = [float(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter("write one rate or several separated by commas: 0.1,0.5,1", param_hint="--lr") from None
    if not rates or any(not (r > 0 and r < float("inf")) for r in rates):
        raise click.BadParameter("learning rates are positive numbers: 0.1,0.5,1", param_hint="--lr")
    return rates


@main.command()
@spec_options(learning_rate=False)
@click.option("--epochs", type=click.IntRange(1, 10_000_000), required=True, metavar="N", help="At most N updates.")
@click.option("--until-loss", type=click.FloatRange(min=0), metavar="EPS", help="Stop as soon as the loss is below EPS.")
@click.option("--lr", "rates", metavar="A,B,...", help="Learning rate, or several to compare side by side "
              "(one copy of the network trained per rate).")
@_output_options
@click.option("--plot", type=click.Path(dir_okay=False), metavar="FILE", help="Draw the loss curve(s) to a .png or "
              ".svg file (needs matplotlib: pip install '.[plot]').")
@click.option("--log", "log_file", type=click.Path(dir_okay=False), metavar="FILE.csv",
              help="One row per epoch: the loss, every parameter and every gradient.")
def train(spec, example, fmt, precision, no_color, notation, epochs, until_loss, rates, output,
          in_place, force, plot, log_file):
    """Repeat the update until satisfied: N epochs, or the loss below EPS.

    Full-batch gradient descent. On a terminal a progress bar shows the loss;
    at the end a summary gives the first and last loss, where it stopped and
    why, and the loss curve. Ctrl-C stops after the last whole epoch (and
    writes -o only then, never half a file).

    \b
    Examples:
      backprop train net.yaml --epochs 1000 --until-loss 1e-3 -o trained.yaml --plot loss.png
      backprop train net.yaml --epochs 200 --lr 0.1,0.5,1,2 --plot rates.png --log epochs.csv
    """
    from .training import train as run_training

    rate_list = _rates(rates)
    if rate_list is not None and len(rate_list) > 1 and (output or in_place):
        raise click.UsageError("with several learning rates there are several trained networks; "
                               "give one rate to write -o/--in-place")
    target = _target(spec, example, output, in_place, force) if (output or in_place) else None
    if target == "-" and fmt == "json":
        raise click.UsageError("-o - writes the spec to standard output; --format json cannot share it")
    if plot is not None:
        from .reporters.plot import check_plot_target

        check_plot_target(plot)
    loaded = load(spec, example)
    rate_list = rate_list or [loaded.learning_rate]
    progress = _Progress(epochs, no_color)
    log_rows: list[list] = []
    runs = []
    with progress:
        for rate in rate_list:
            def on_epoch(current, result, epoch, rate=rate):
                progress.update(rate, epoch, result.loss)
                if log_file:
                    rows = result.parameters()
                    log_rows.append([rate, epoch, result.loss] + [v for _, v, _, _ in rows] + [g for _, _, g, _ in rows])

            runs.append(run_training(loaded.network, loaded.inputs, loaded.targets, rate, epochs, until_loss, on_epoch))
            if runs[-1].stopped == "interrupted":
                break
    written = None
    if target is not None and runs[-1].stopped != "interrupted":
        written = _write(loaded, runs[0].result.network.layers, target)
    elif target is not None:
        click.echo(f"interrupted after epoch {runs[-1].epochs}: nothing written (run again to write {output})", err=True)
    if log_file:
        from .rewrite import write_atomic

        names = [name for name, *_ in runs[0].result.parameters()]
        header = ["learning_rate", "epoch", "loss"] + names + [f"dL/d{n}" for n in names]
        write_atomic(log_file, "\n".join(",".join(map(str, row)) for row in [header] + log_rows) + "\n")
    if plot is not None:
        from .reporters.plot import plot_losses

        plot_losses(runs, plot, loaded.name)
    if fmt == "json":
        from .reporters.json import dumps, training_object

        click.echo(dumps(training_object(runs, until_loss)))
    else:
        from .reporters.text import training_report

        out = console(no_color) if target != "-" else _stderr_console(no_color)
        out.print(training_report(runs, loaded.name, until_loss, precision))
        if written:
            out.print(f"wrote {written}", markup=False, highlight=False)
    if runs[-1].stopped == "interrupted":
        sys.exit(130)


def _stderr_console(no_color: bool):
    from .reporters.text import make_console

    return make_console(no_color, file=sys.stderr)


class _Progress:
    """A rich progress bar on a terminal; otherwise a plain line every tenth of the run, on stderr."""

    def __init__(self, epochs: int, no_color: bool):
        self.epochs = epochs
        self.every = max(1, epochs // 10)
        self.bar = None
        if sys.stderr.isatty() and not os.environ.get("CI"):
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("loss {task.fields[loss]}"), console=_stderr_console(no_color),
                                transient=True)
        self.tasks: dict[float, int] = {}

    def __enter__(self):
        if self.bar is not None:
            self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def update(self, rate: float, epoch: int, loss: float) -> None:
        if self.bar is not None:
            if rate not in self.tasks:
                self.tasks[rate] = self.bar.add_task(f"η = {rate:g}", total=self.epochs, loss="")
            self.bar.update(self.tasks[rate], completed=epoch, loss=f"{loss:.6g}")
        elif epoch == 1 or epoch % self.every == 0:
            click.echo(f"η = {rate:g}  epoch {epoch}/{self.epochs}  loss {loss:.6g}", err=True)


@main.command()
@spec_options(("text",))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), metavar="FILE.svg|png",
              help="The picture to write (.svg or .png).")
@click.option("--weight", "-w", metavar="NAME", help="Highlight every path from the loss to this parameter "
              "and write its update.")
@click.option("--gradients", is_flag=True, help="Write each weight's gradient beside its value.")
def draw(spec, example, learning_rate, fmt, precision, no_color, notation, output, weight, gradients):
    """Draw the network: values on neurons and edges, the paths to a weight highlighted.

    Edge width shows |w|, colour its sign (blue +, red −). Layers of more than
    ten neurons are summarised (the first five, a gap, the last four). Needs
    matplotlib: pip install '.[plot]'.

    \b
    Examples:
      backprop draw net.yaml -o net.svg
      backprop draw --example padhai-4-4-2 --weight w131 -o w131.png
    """
    from . import compute
    from .cli import check_names
    from .names import notation as make_notation
    from .reporters.draw import draw_network
    from .reporters.plot import check_plot_target

    check_plot_target(output)
    loaded = load(spec, example)
    result = compute(loaded, learning_rate)
    names = check_names(result, (weight,) if weight else ())
    picture = draw_network(result, make_notation(notation), output, names[0] if names else None, gradients,
                           loaded.name, min(precision, 4))
    note = f" ({picture.highlighted_edges} edges on the paths to {names[0]})" if names else ""
    summarised = f"; layers {', '.join(map(str, picture.summarised_layers))} summarised" if picture.summarised_layers else ""
    click.echo(f"wrote {output}: {picture.neurons} neurons{note}{summarised}")

