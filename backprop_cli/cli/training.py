"""`backprop step` and `backprop train`: apply the update, keep the spec's own text, train until satisfied."""
from __future__ import annotations

import contextlib
from pathlib import Path

import click

from ..errors import printable
from .options import DEFAULT_SPEC, NON_NEGATIVE, TEXT_JSON, console, load, output_file, present, spec_options


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
    if force and (output is None or output == "-"):
        raise click.UsageError("--force replaces an existing -o OUT file; it means nothing without one")
    if in_place:
        if example is not None or spec_arg == "-":
            raise click.UsageError("--in-place needs a spec file (not --example or standard input)")
        return Path(spec_arg or DEFAULT_SPEC).resolve()  # through a link: write the file it names
    if output is None or output == "-":
        return output
    target = Path(output)
    source = None if example is not None or spec_arg == "-" else Path(spec_arg or DEFAULT_SPEC)
    if source is not None and target.exists() and source.exists() and target.resolve() == source.resolve():
        raise click.UsageError(f"-o {output} is the input spec itself; use --in-place to overwrite it")
    from ..files import check_writable

    problem = check_writable(target)  # first: --force would not help a folder, a device or a pipe
    if problem:
        raise click.UsageError(f"-o {output}: {problem}")
    if target.exists() and not force:
        raise click.UsageError(f"{output} exists; add --force to replace it")
    return target


def _locked_if(in_place: bool, target):
    """A lock on the spec's folder while it is read and written back in place, else nothing."""
    import contextlib

    from ..files import folder_lock

    return folder_lock(target) if in_place else contextlib.nullcontext()


@contextlib.contextmanager
def _reporting_after(written: list[str]):
    """Ctrl-C while the report is printed, after every file was written: say that they are whole,
    not a bare "Interrupted."; and exit 0, since the status says whether the files were written
    (130: nothing was)."""
    try:
        yield
    except KeyboardInterrupt:
        if not written:
            raise
        click.echo(f"interrupted while printing the report; written whole: "
                   f"{', '.join(printable(str(f)) for f in written)}", err=True)
        raise click.exceptions.Exit(0) from None


def _write(updated, target) -> str:
    """Write an updated spec (and its new matrix files) atomically; return what was written."""
    from ..api.training import write_updated

    if target == "-":
        click.echo(updated.text, nl=False)
        return "standard output"
    return write_updated(updated, target)


@click.command()
@spec_options(lr=True, formats=TEXT_JSON, precision=6)
@_output_options
def step(spec, example, learning_rate, fmt, precision, output, in_place, force):
    """Write the spec after one update of every weight and bias.

    Gradient descent, or the spec's `optimizer:` (its state is written back as
    `optimizer_state:`, so that the next step goes on from it). Only the numbers
    change: comments, key order and layout stay as you wrote them, and every
    value is written so that it reads back exactly.

    \b
    Examples:
      backprop step net.yaml -o net-after.yaml
      backprop step net.yaml --in-place
      backprop step net.yaml -o - --lr 0.5
    """
    from ..api.training import step as updated_spec

    if output is None and not in_place:
        raise click.UsageError("say where the updated spec goes: -o OUT, -o - or --in-place")
    target = _target(spec, example, output, in_place, force)
    if target == "-" and fmt == "json":
        raise click.UsageError("-o - writes the spec to standard output; --format json cannot share it")
    from ..files import deferred_interrupt

    with _locked_if(in_place, target):
        updated = updated_spec(load(spec, example), target, learning_rate=learning_rate)
        with deferred_interrupt():  # the spec and its matrix files: all written, or none
            written = _write(updated, target)
    with _reporting_after([written] if target != "-" else []):
        _report_step(updated.result, written, target, fmt, precision)


def _report_step(result, written: str, target: str, fmt: str, precision: int) -> None:
    from ..core.reports import Gradients

    if fmt == "json":
        return present(Gradients(result, None, result.parameters()), "json")
    from ..core.numbers import number

    frozen = len(result.network.frozen)
    moved = f"{len(result.parameters()) - frozen} parameters updated" + (f" ({frozen} frozen)" if frozen else "")
    optimizer = result.network.optimizer.name
    by = "" if optimizer == "sgd" else f" by {optimizer} (update {result.stepped_state().step})"
    click.echo(f"wrote {written}: {moved}{by} with η = {number(result.learning_rate, precision)} (loss before the step "
               f"{number(result.loss, precision)})", err=target == "-")


def _rates(value: str | None) -> list[float] | None:
    if value is None:
        return None
    try:
        rates = [float(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter("write one rate or several separated by commas: 0.1,0.5,1",
                                 param_hint="--lr") from None
    if not rates or any(not (0 < r < float("inf")) for r in rates):
        raise click.BadParameter("learning rates are positive numbers: 0.1,0.5,1", param_hint="--lr")
    return rates


@click.command()
@spec_options(formats=TEXT_JSON, precision=6, color=True)
@click.option("--epochs", type=click.IntRange(1, 10_000_000), required=True, metavar="N", help="At most N updates.")
@click.option("--until-loss", type=NON_NEGATIVE, metavar="EPS",
              help="Stop as soon as the loss is below EPS.")
@click.option("--lr", "rates", metavar="A,B,...", help="Learning rate (> 0; default: the spec's), or several "
              "to compare side by side (one copy of the network trained per rate).")
@_output_options
@output_file("--plot", help_text="Draw the loss curve(s) to a .png or .svg file (needs matplotlib: "
             "pip install '.[plot]').")
@output_file("--log", "log_file", metavar="FILE.csv",
             help_text="One row per epoch: the loss, every parameter and every gradient.")
def train(spec, example, fmt, precision, no_color, epochs, until_loss, rates, output, in_place, force, plot,
          log_file):
    """Repeat the update until satisfied: N epochs, or the loss below EPS.

    Full-batch gradient descent, or the spec's `optimizer:` (going on from its
    `optimizer_state:`, and writing the state reached with -o). On a terminal a progress bar shows the loss;
    at the end a summary gives the first and last loss, where it stopped and
    why, and the loss curve. Ctrl-C stops after the last whole epoch and then
    writes no file (-o, --log, --plot): never half a file, nor a half-trained
    network; once the files are being written, it waits until all are.

    \b
    Examples:
      backprop train net.yaml --epochs 1000 --until-loss 1e-3 -o trained.yaml --plot loss.png
      backprop train net.yaml --epochs 200 --lr 0.1,0.5,1,2 --plot rates.png --log epochs.csv
    """
    from ..report.csvlog import MAX_LOG_VALUES, TrainingLog, log_values

    rate_list = _rates(rates)
    if rate_list is not None and len(rate_list) > 1 and (output or in_place):
        raise click.UsageError("with several learning rates there are several trained networks; "
                               "give one rate to write -o/--in-place")
    target = _target(spec, example, output, in_place, force)  # None: the network is not written
    if target == "-" and fmt == "json":
        raise click.UsageError("-o - writes the spec to standard output; --format json cannot share it")
    if plot is not None:
        from ..report.figures import check_figure_target

        check_figure_target(plot, "--plot")
    with _locked_if(in_place, target):  # read, train and write back as one step for other runs
        loaded = load(spec, example)
        network = loaded.network
        names = [network.names.get(n, n) for n in network.parameter_names()]
        logged = log_values(epochs, len(names), len(rate_list or [1])) if log_file else 0
        if logged > MAX_LOG_VALUES:
            raise click.UsageError(f"--log: {epochs:,} epochs of {len(names):,} parameters would write {logged:,} "
                                   f"numbers, more than {MAX_LOG_VALUES:,} (about 1 GB of text); log fewer epochs")
        log = TrainingLog(names, network.names.get("L", "L")) if log_file else None
        with contextlib.closing(log) if log is not None else contextlib.nullcontext():  # its spooled rows
            training, written, late = _train_and_write(
                loaded, log, epochs, until_loss, rate_list, no_color, target, output, log_file, plot)
    if late.came:
        click.echo("Ctrl-C came while the files were being written: they are all written whole", err=True)
    files = [f for f in (written if target != "-" else None, log_file, plot) if f]  # --in-place's spec too
    with _reporting_after([] if training.interrupted else files):
        _report_training(training, written, target, fmt, precision, no_color)
    return 130 if training.interrupted else 0


def _report_training(training, written, target, fmt: str, precision: int, no_color: bool) -> None:
    if fmt == "json" or target != "-":
        present(training, fmt, no_color=no_color, precision=precision)
    else:  # the spec went to standard output: the report goes to standard error
        from ..report.formats import render

        console(no_color, stderr=True).print(render(training, fmt, precision=precision).renderable)
    if written and fmt != "json":
        console(no_color, stderr=target == "-").print(f"wrote {written}", markup=False, highlight=False)


def _train_and_write(loaded, log, epochs, until_loss, rate_list, no_color, target, output, log_file, plot):
    """Train with a progress display (and the log's rows), then write every requested file whole,
    or none if the run was cut short: (training, the spec written or None, whether Ctrl-C came while writing)."""
    from ..api.training import train as run_training
    from ..api.training import trained_spec
    from ..report.progress import Progress

    with Progress(epochs, no_color) as progress:
        def on_epoch(rate, epoch, state):
            progress.update(rate, epoch, state.loss)
            if log is not None:
                log.record(rate, epoch, state)

        every = 1 if log is not None else progress.sampling  # the log needs every epoch
        training = run_training(loaded, epochs, until_loss=until_loss, learning_rates=rate_list,
                                on_epoch=on_epoch, every=every)
    from ..files import deferred_interrupt, write_atomic

    requested = [f for f in (output if target not in (None, "-") else None, log_file, plot) if f]
    with deferred_interrupt() as late:  # from here on every file is written, or none: Ctrl-C waits
        written = None
        if training.interrupted:  # a run cut short writes no file: none would be what was asked
            if requested:
                click.echo(f"interrupted after epoch {training.runs[-1].epochs}: nothing written (run again to "
                           f"write {', '.join(printable(str(f)) for f in requested)})", err=True)
        else:
            if target is not None:
                written = _write(trained_spec(loaded, training, target), target)
            if log is not None:
                write_atomic(log_file, log.chunks())
            if plot is not None:
                from ..report.figures import plot_losses

                plot_losses(training.runs, plot, loaded.name)
    return training, written, late
