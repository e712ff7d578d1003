"""Training: one step, or epochs until satisfied (the PadhAI notes' "till satisfied"), by the
network's optimiser.

Each epoch is a handful of array operations: the parameters live in one flat vector
(core.packing) whose views are the layers' arrays, so an update never loops over parameters.
No printing here: the caller gets a callback per epoch and a `Run` per learning rate.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..errors import NumericalError, UsageError
from .engine import add_l2, backward, forward, output_delta, run, snap_output_delta
from .network import Layer, Network
from .packing import Packing
from .result import Result
from .update import State, moved

MAX_SIDE_BY_SIDE = 4_000_000  # values every rate's copy holds (parameters, nodes of the batch): 32 MB an array


def stepped(result: Result) -> list[Layer]:
    """Every layer after one update of every weight and bias (finite: run() refused it otherwise)."""
    return [layer if weights is None else layer.replace(weights=weights.copy(), biases=np.array(biases))  # pooling
            for layer, (weights, biases) in zip(result.network.layers, result.stepped_arrays())]


@dataclass
class Epoch:
    """The state at the start of an epoch: the loss, and every parameter and gradient as one
    vector in canonical order (core.packing): views, valid until the callback returns."""

    loss: float
    values: np.ndarray
    gradients: np.ndarray


@dataclass
class Run:
    """One training run at one learning rate."""

    learning_rate: float
    losses: list[float] = field(default_factory=list)  # losses[k] = the loss after k updates
    stopped: str = "epochs"  # "epochs", "until-loss" or "interrupted"
    result: Result | None = None  # the last state: its network holds the trained parameters and optimiser state

    @property
    def epochs(self) -> int:
        """How many updates were applied."""
        return max(len(self.losses) - 1, 0)


def _pass(network: Network, inputs: np.ndarray, targets: np.ndarray, packing: Packing, gradients: np.ndarray,
          scale: float) -> np.ndarray:
    """One forward and backward pass of a stack of networks (one row of parameters a learning
    rate), the engine's arithmetic as `step` does it (zeros up to rounding made 0: an adaptive
    optimiser would turn a cancelled gradient's rounding into a step), without a Result, overflow
    left to the caller's check: each row's loss, and its gradients written into that row of
    `gradients`."""
    z, a = forward(network, inputs)
    grad_yhat = network.loss.gradient(a[-1], targets)
    per_sample, delta_out = output_delta(network, z[-1], a[-1], targets, grad_yhat)
    snap_output_delta(network, delta_out, grad_yhat, a[-1], targets)
    _, _, weight_grads, bias_grads = backward(network.layers, z, a, grad_yhat, delta_out, scale)
    add_l2(network, weight_grads)
    packing.gradients(weight_grads, bias_grads, gradients)
    losses = per_sample.sum(axis=-1) * scale
    if network.l2:  # Network.l2_term's sum, row by row
        losses = losses + 0.5 * network.l2 * sum(np.sum(layer.weights * layer.weights, axis=(-2, -1))
                                                 for layer in network.layers)
    return losses


def _diverged(network: Network, packing: Packing, values: np.ndarray, inputs, targets, rate: float,
              epoch: int) -> NumericalError:
    """Why an epoch's values are not finite, said as a checked pass says it."""
    detail = "a value or gradient is not finite (it overflowed)"
    try:
        run(network.replace(layers=packing.layers(network, values)), inputs, targets, rate)
    except NumericalError as exc:
        detail = str(exc)
    return NumericalError(f"training diverged at epoch {epoch} (learning rate {rate:g}): {detail}; "
                          "try a smaller learning rate")


def train(network: Network, inputs: np.ndarray, targets: np.ndarray, learning_rate: float, epochs: int,
          until_loss: float | None = None, on_epoch: Callable[[Epoch, int], None] | None = None,
          every: int = 1, counted_from: int = 0) -> Run:
    """Full-batch updates by the network's optimiser for `epochs` epochs, stopping early once the
    loss < until_loss. `on_epoch(state, epoch)` sees the state at the start of epoch 1 and of every
    `every`-th epoch (1-based), before its update: what a hand-made spreadsheet row holds. Ctrl-C
    ends the run after the last whole epoch. N epochs give what N `step`s give, to every digit.
    `counted_from`: updates made before this run (a trajectory going on), for a divergence's message."""
    callback = None if on_epoch is None else (lambda _rate, state, epoch: on_epoch(state, epoch))
    return train_rates(network, inputs, targets, [learning_rate], epochs, until_loss, callback, every,
                       counted_from)[0]


def train_rates(network: Network, inputs: np.ndarray, targets: np.ndarray, learning_rates: list[float], epochs: int,
                until_loss: float | None = None, on_epoch: Callable[[float, Epoch, int], None] | None = None,
                every: int = 1, counted_from: int = 0) -> list[Run]:
    """`train` at several learning rates side by side in one pass: the parameters of each rate are
    one row of a matrix, so an epoch is the same handful of array operations for all of them, and
    each row's numbers are training's at that rate alone, to every digit. A rate whose loss falls
    below `until_loss` stops there while the others go on; `on_epoch(rate, state, epoch)`."""
    if network.maps:  # a network over feature maps: its own pass, plain gradient descent (spec.maps)
        runs = []
        for rate in learning_rates:
            runs.append(_train_maps(network, inputs, targets, rate, epochs, until_loss,
                                    None if on_epoch is None else (lambda s, e, r=rate: on_epoch(r, s, e)), every))
            if runs[-1].stopped == "interrupted":
                break
        return runs
    count, stack = len(learning_rates), len(learning_rates) > 1
    if stack:  # every array of the pass holds a row per rate: bounded before any is made
        held = sum(layer.weights.size + layer.biases.size for layer in network.layers)
        held += inputs.shape[0] * sum(network.sizes)
        if count * held > MAX_SIDE_BY_SIDE:
            raise UsageError(f"{count:,} learning rates side by side hold {count * held:,} values an array "
                             f"({held:,} parameters and values of the batch each; at most {MAX_SIDE_BY_SIDE:,}): "
                             f"compare at most {max(MAX_SIDE_BY_SIDE // held, 1):,} rates at once")
    runs = [Run(rate) for rate in learning_rates]
    for current in runs:  # the start, checked, as `step` sees it
        current.result = run(network, inputs, targets, current.learning_rate)
        current.losses.append(current.result.loss)
    result = runs[0].result
    packing = result.packing()

    def rows(array: np.ndarray) -> np.ndarray:  # one rate: the vector itself; several: a row each
        return np.tile(array, (count, 1)) if stack else array

    def row(array: np.ndarray, r: int) -> np.ndarray:
        return array[r] if stack else array

    values = rows(packing.values(network.layers))  # the layers below are views of it
    batch = np.broadcast_to(inputs, (count, *inputs.shape)) if stack else inputs  # every array a row a rate
    arrays = packing.stacked_arrays(values) if stack else packing.arrays(values)
    live = network.replace(layers=[layer.replace(weights=w, biases=b) for layer, (w, b) in zip(network.layers, arrays)])
    gradients = rows(packing.gradients(result.weight_grads, result.bias_grads))
    start = network.state or State.start(network.optimizer, packing.size)
    state = State(start.step, {key: rows(array) for key, array in start.arrays.items()})
    rates = np.array(learning_rates, dtype=float)[:, None] if stack else learning_rates[0]
    kept, loss, optimizer, frozen = values.copy(), [result.loss] * count, network.optimizer, packing.frozen
    kept_state = [None] * count  # a rate's state where it stopped early (the others': `state`)
    going = list(range(count))  # the rates still training
    scale = 1.0 / inputs.shape[0] if network.reduction == "mean" else 1.0
    errors = np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")

    def stop_below_until_loss() -> None:
        for r in [r for r in going if loss[r] < until_loss]:
            runs[r].stopped = "until-loss"
            going.remove(r)
            kept_state[r] = State(state.step, {key: row(array, r).copy() for key, array in state.arrays.items()})

    try:
        with errors:  # once for the run: overflow shows as a loss or value that is not finite
            for epoch in range(1, epochs + 1):
                if until_loss is not None:
                    stop_below_until_loss()
                    if not going:
                        break
                if on_epoch is not None and (epoch % every == 0 or epoch == 1):  # views, read before the update
                    for r in going:
                        on_epoch(learning_rates[r], Epoch(loss[r], row(values, r), row(gradients, r)), epoch)
                after, after_state = moved(optimizer, values, gradients, state, rates, frozen)
                values[...] = after
                after_loss = _pass(live, batch, targets, packing, gradients, scale)
                # a value that is not finite reaches a loss or the values' sum (inf − inf is nan); a sum of
                # finite values can overflow too (a dozen near 1e308), so a sum beyond float64 is looked into
                if not math.isfinite(float(after_loss.sum()) + float(after.sum())):  # else every one is finite
                    finite = np.atleast_1d(np.isfinite(after_loss) & (np.isfinite(after.sum(axis=-1))
                                                                      | np.isfinite(after).all(axis=-1)))
                    bad = [r for r in going if not finite[r]]
                    if bad:
                        raise _diverged(network, packing, row(after, bad[0]), inputs, targets, learning_rates[bad[0]],
                                        counted_from + epoch)
                if len(going) == count:  # only a whole epoch replaces the state
                    kept = after
                else:
                    kept[going] = after[going]
                state, loss = after_state, after_loss.tolist() if stack else [float(after_loss)]
                for r in going:
                    runs[r].losses.append(loss[r])
            else:
                if until_loss is not None:
                    stop_below_until_loss()
    except KeyboardInterrupt:
        for r in going:
            runs[r].stopped = "interrupted"
    for r, current in enumerate(runs):
        if current.epochs:  # the last whole epoch's state, checked and kept as `step` would keep it
            ended = kept_state[r] or State(state.step, {k: row(array, r).copy() for k, array in state.arrays.items()})
            trained = network.replace(layers=packing.layers(network, row(kept, r)), state=ended)
            current.result = run(trained, inputs, targets, current.learning_rate)
            current.losses[-1] = current.result.loss
    return runs


def _train_maps(network, inputs, targets, learning_rate: float, epochs: int, until_loss: float | None,
                on_epoch: Callable[[Epoch, int], None] | None, every: int) -> Run:
    """`train` over feature maps (core.mapnet): a checked pass per epoch of the plain descent
    `step` makes, so N epochs are N steps; no optimiser, state or L2 (the spec reader refuses them)."""
    from .mapnet import run as run_maps

    if getattr(network, "sequence", False):  # over time steps: its own pass (core.sequence)
        from .sequence import run as run_maps
    current = Run(learning_rate)
    result = run_maps(network, inputs, targets, learning_rate)
    current.losses.append(result.loss)
    current.result = result
    try:
        for epoch in range(1, epochs + 1):
            if until_loss is not None and result.loss < until_loss:
                current.stopped = "until-loss"
                break
            if on_epoch is not None and (epoch % every == 0 or epoch == 1):
                on_epoch(Epoch(result.loss, *result.flat()), epoch)
            updated = network.replace(layers=stepped(result))  # frozen, names and bias styles kept
            try:
                after = run_maps(updated, inputs, targets, learning_rate)
            except NumericalError as exc:
                raise NumericalError(f"training diverged at epoch {epoch} (learning rate {learning_rate:g}): {exc}; "
                                     "try a smaller learning rate") from None
            result = current.result = after  # only a whole epoch replaces the state
            current.losses.append(result.loss)
        else:
            if until_loss is not None and result.loss < until_loss:
                current.stopped = "until-loss"
    except KeyboardInterrupt:
        current.stopped = "interrupted"
    return current


class _Trajectory:
    """What `trajectory` has worked out from one Result: the loss and the parameter vector after
    0, 1, ..., n updates, the checked state after the last (to go on from), and the
    NumericalError that stopped training early, if one did."""

    def __init__(self, result: Result):
        self.losses = [result.loss]
        self.values = [result.packing().values(result.network.layers)]
        self.end = result
        self.failure: NumericalError | None = None


def trajectory(result: Result, updates: int, longest: int | None = None) -> tuple[float, np.ndarray]:
    """The loss and the parameter vector (core.packing's order) after `updates` updates from
    `result`'s state, as `train` makes them. Worked out once and gone on with from where it stopped
    when more is asked (twice as far, but never beyond `longest`), so that asking many K costs one
    training to the largest; a divergence is remembered, so asking past it again costs nothing."""
    known = result._cache.get("trajectory")
    if known is None:
        known = result._cache["trajectory"] = _Trajectory(result)
    if updates >= len(known.losses):
        if known.failure is not None:
            raise NumericalError(str(known.failure))
        done = len(known.losses) - 1
        length = max(updates, 2 * done if longest is None else min(2 * done, longest))
        try:
            _go_on(known, length - done)
        except NumericalError:
            if updates >= len(known.losses):  # it diverged before `updates` (not only beyond, going twice as far)
                raise
    return known.losses[updates], known.values[updates]


def _go_on(known: _Trajectory, epochs: int) -> None:
    """`known` made `epochs` updates longer (or as long as training goes before it diverges)."""
    end, seen = known.end, []

    def on_epoch(state: Epoch, epoch: int) -> None:
        if epoch > 1:  # epoch 1's state is the one known already
            seen.append((state.loss, state.values.copy()))

    try:
        run_ = train(end.network, end.a[0], end.targets, end.learning_rate, epochs, on_epoch=on_epoch,
                     counted_from=len(known.losses) - 1)
    except NumericalError as exc:
        known.losses.extend(loss for loss, _ in seen)
        known.values.extend(values for _, values in seen)
        known.failure = exc
        raise
    if run_.stopped != "epochs":
        raise KeyboardInterrupt
    known.losses.extend([loss for loss, _ in seen] + [run_.losses[-1]])
    known.values.extend([values for _, values in seen] + [run_.result.packing().values(run_.result.network.layers)])
    known.end = run_.result
