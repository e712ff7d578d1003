"""Training as functions: one update written back into the spec's own text (`backprop step`),
and epochs until satisfied at one or several learning rates (`backprop train`)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.computation import EXPRESSION
from ..core.reports import Training
from ..errors import UsageError


@dataclass
class Updated:
    """A spec after updates: its result before the last update, the new text, and the new matrix
    files (path -> array) that a spec with `{file: ...}` matrices needs beside the text."""

    result: object  # core.result.Result
    text: str
    files: dict = field(default_factory=dict)


def _network(spec, command: str) -> None:
    if spec.kind == EXPRESSION:
        raise UsageError(f"this spec holds an expression, and `{command}` needs a network")


def step(spec, output: str | Path | None = None, *, learning_rate: float | None = None) -> Updated:
    """The spec after one gradient-descent update of every weight and bias, as text: only the
    numbers change (comments, key order and layout stay). `output` is where it will be written,
    so that matrices from files get new files beside it."""
    from ..core.training import stepped
    from ..spec.rewrite import rewrite_spec

    _network(spec, "step")
    result = spec.compute(learning_rate)
    text, files = rewrite_spec(spec, stepped(result), None if output in (None, "-") else Path(output),
                               state=result.stepped_state())
    return Updated(result, text, files)


def train(spec, epochs: int, *, until_loss: float | None = None, learning_rates=None,
          on_epoch: Callable | None = None, every: int = 1) -> Training:
    """Full-batch gradient descent for at most `epochs` updates (stopping once the loss is below
    `until_loss`), one run per learning rate (default: the spec's). `on_epoch(rate, epoch, state)`
    sees the state before the update of epoch 1 and of every `every`-th
    epoch (core.training.Epoch). Ctrl-C ends it after the last whole epoch."""
    from ..core.training import train_rates

    _network(spec, "train")
    rates = list(learning_rates or [spec.learning_rate])
    for rate in rates:
        if not 0 < rate < float("inf"):
            raise UsageError(f"learning rates are positive numbers, not {rate!r}")
    callback = None if on_epoch is None else (lambda rate, state, epoch: on_epoch(rate, epoch, state))
    runs = train_rates(spec.network, spec.inputs, spec.targets, rates, epochs, until_loss, callback, every)
    return Training(runs, until_loss, spec.name)


def trained_spec(spec, training: Training, output: str | Path | None = None) -> Updated:
    """The spec holding the first run's trained parameters, as text (and new matrix files)."""
    from ..spec.rewrite import rewrite_spec

    last = training.runs[0].result
    text, files = rewrite_spec(spec, last.network.layers, None if output in (None, "-") else Path(output),
                               state=last.network.state)
    return Updated(last, text, files)


def write_updated(updated: Updated, target: str | Path) -> str:
    """Write an updated spec (and its new matrix files) atomically; return what was written."""
    from ..files import write_atomic
    from ..spec.matrices import write_matrix

    for path, array in updated.files.items():
        write_matrix(path, array)
    write_atomic(target, updated.text)
    return str(target) + "".join(f", {p}" for p in updated.files)
