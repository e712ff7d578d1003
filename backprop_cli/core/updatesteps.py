"""A value after K updates worked out update by update (trace --node w212_after3): the loss
before each update and its worked lines, as `step` makes them one checked pass at a time."""
from __future__ import annotations

from dataclasses import dataclass, field

from .names import Notation
from .paths import ParameterTrace

MAX_TRACED_UPDATES = 100  # updates trace works out one by one, each with its worked lines


@dataclass
class UpdateSteps:
    """A value after K updates (trace --node w212_after3, loss_after3), update by update: per
    update its loss before and, for a parameter, its worked update lines (each a ParameterTrace
    without paths: value, gradient, value after, optimiser state)."""

    name: str  # the parameter as trace names it, or the loss's symbol
    updates: int
    value: float  # after the K updates
    losses: list[float]  # the loss before update k (k = 1..K), then after the last
    steps: list[ParameterTrace] = field(default_factory=list)  # empty for the loss


def trace_updates(result, name: str | None, updates: int, notation: Notation) -> UpdateSteps:
    """`updates` updates from `result`'s state, one checked pass each, as `step` makes them (a
    NumericalError where training diverges); `name` a parameter, or None for the loss."""
    from ..errors import NumericalError
    from .engine import run
    from .training import stepped

    if not 1 <= updates <= MAX_TRACED_UPDATES:
        raise ValueError(f"trace works out at most {MAX_TRACED_UPDATES} updates one by one, not {updates:,}")
    current, losses, steps = result, [], []
    shown = notation.parameter(*result.parameter_index(name)) if name is not None else notation.loss
    for k in range(1, updates + 1):
        losses.append(current.loss)
        if name is not None:
            optimizer = current.network.optimizer
            state = current.parameter_state(name) if optimizer.state_names else ()
            steps.append(ParameterTrace(shown, current.value(name), current.gradient(name), current.updated(name),
                                        current.learning_rate, 0, [], 0.0, frozen=current.is_frozen(name),
                                        optimizer=optimizer, state=state))
        network = current.network.replace(layers=stepped(current), state=current.stepped_state())
        try:
            current = run(network, current.a[0], current.targets, current.learning_rate)
        except NumericalError as exc:
            raise NumericalError(f"training diverged at update {k} (learning rate {current.learning_rate:g}), "
                                 f"before {updates} updates: {exc}; try a smaller learning rate") from None
    losses.append(current.loss)
    return UpdateSteps(shown, updates, current.value(name) if name is not None else current.loss, losses, steps)
