"""Gradient descent: one step, or epochs until satisfied (the PadhAI notes' "till satisfied").

No printing here: the caller gets a callback per epoch and a `Run` per learning rate.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..errors import NumericalError
from .engine import run
from .network import Layer, Network
from .result import Result


def stepped(result: Result) -> list[Layer]:
    """Every layer after one update of every weight and bias (finite: run() refused it otherwise)."""
    return [layer if weights is None else layer.replace(weights=weights, biases=biases)  # pooling: no parameters
            for layer, (weights, biases) in zip(result.network.layers, result.stepped_arrays())]


@dataclass
class Run:
    """One training run at one learning rate."""

    learning_rate: float
    losses: list[float] = field(default_factory=list)  # losses[k] = the loss after k updates
    stopped: str = "epochs"  # "epochs", "until-loss" or "interrupted"
    result: Result | None = None  # the last state: its network holds the trained parameters

    @property
    def epochs(self) -> int:
        """How many updates were applied."""
        return max(len(self.losses) - 1, 0)


def train(network: Network, inputs: np.ndarray, targets: np.ndarray, learning_rate: float, epochs: int,
          until_loss: float | None = None, on_epoch: Callable[[Result, int], None] | None = None) -> Run:
    """Full-batch gradient descent for `epochs` updates, stopping early once the loss < until_loss.

    `on_epoch(result, epoch)` sees the state at the start of each epoch (1-based), before its
    update: what a hand-made spreadsheet row holds. Ctrl-C ends the run after the last whole epoch.
    """
    if network.maps:  # a network over feature maps has its own pass (core.mapnet)
        from .mapnet import run as run_maps

        return _train(network, inputs, targets, learning_rate, epochs, until_loss, on_epoch, run_maps)
    return _train(network, inputs, targets, learning_rate, epochs, until_loss, on_epoch, run)


def _train(network, inputs, targets, learning_rate, epochs, until_loss, on_epoch, run) -> Run:
    current = Run(learning_rate)
    result = run(network, inputs, targets, learning_rate)
    current.losses.append(result.loss)
    current.result = result
    try:
        for epoch in range(1, epochs + 1):
            if until_loss is not None and result.loss < until_loss:
                current.stopped = "until-loss"
                break
            if on_epoch is not None:
                on_epoch(result, epoch)
            updated = network.replace(layers=stepped(result))  # frozen, names and bias styles kept
            try:
                after = run(updated, inputs, targets, learning_rate)  # as `step` would: N epochs = N steps
            except NumericalError as exc:
                raise NumericalError(f"training diverged at epoch {epoch} (learning rate {learning_rate:g}): {exc}; "
                                     "try a smaller learning rate") from None
            result = after  # only a whole epoch replaces the state
            current.result = result
            current.losses.append(result.loss)
        else:
            if until_loss is not None and result.loss < until_loss:
                current.stopped = "until-loss"
    except KeyboardInterrupt:
        current.stopped = "interrupted"
    return current
