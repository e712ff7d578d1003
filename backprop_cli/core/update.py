"""The update rule, w ← w − η·∂L/∂w or an optimiser's (PyTorch's definitions): the one place each
is computed and spelt. Updates work on the flat vector of parameters (core.packing's order)."""
from __future__ import annotations

import numpy as np

from .record import Record

RULE = "{p} ← {p} − η·∂{loss}/∂{p}"  # `p` a parameter's name, `loss` the loss's symbol (L)
WORKED = "{rule} = {value} − {rate} × ({gradient}) = {after}"  # the rule with its numbers

# name -> its settings and their defaults: torch.optim's (SGD's momentum 0.9 as courses use it)
OPTIMIZERS = {
    "sgd": {},
    "momentum": {"beta": 0.9},
    "nesterov": {"beta": 0.9},
    "adagrad": {"eps": 1e-10},
    "rmsprop": {"alpha": 0.99, "eps": 1e-8},
    "adam": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
}
# name -> the state it keeps per parameter, as quantities name it (velocity_w212, m_w212, v_w212)
STATE = {"sgd": (), "momentum": ("velocity",), "nesterov": ("velocity",), "adagrad": ("v",), "rmsprop": ("v",),
         "adam": ("m", "v")}


class Optimizer(Record):
    """An optimiser's name and its settings (every one given: the defaults filled in)."""

    FIELDS = ("name", "settings")

    name: str
    settings: dict

    def __init__(self, name: str = "sgd", settings: dict | None = None):
        self.name, self.settings = name, {**OPTIMIZERS[name], **(settings or {})}

    def __repr__(self) -> str:
        return f"Optimizer({self.name}, {self.settings})"

    @property
    def state_names(self) -> tuple[str, ...]:
        """What it keeps per parameter between updates."""
        return STATE[self.name]


SGD = Optimizer()


class State(Record):
    """An optimiser's state: how many updates it has made, and per kept quantity an array over
    the flat parameter vector."""

    FIELDS = ("step", "arrays")

    step: int
    arrays: dict

    def __init__(self, step: int = 0, arrays: dict | None = None):
        self.step, self.arrays = step, arrays or {}

    @classmethod
    def start(cls, optimizer: Optimizer, size: int) -> State:
        """The state before any update: step 0, zeros."""
        return cls(0, {name: np.zeros(size) for name in optimizer.state_names})


def updated(value, gradient, learning_rate: float):
    """A parameter (or an array of them) after one plain gradient-descent step."""
    return value - learning_rate * gradient


def optimizer_step(optimizer: Optimizer, values: np.ndarray, gradients: np.ndarray, state: State,
                   learning_rate: float, frozen: np.ndarray | None = None) -> tuple[np.ndarray, State]:
    """The parameter vector and the optimiser's state after one update; `frozen` (indices) keep
    their value and their state, as parameters outside torch.optim's list do."""
    s, g, name = optimizer.settings, gradients, optimizer.name
    new: dict[str, np.ndarray] = {}
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if name == "sgd":
            after = updated(values, g, learning_rate)
        elif name in ("momentum", "nesterov"):  # PyTorch's SGD(momentum=β, nesterov=...): v ← β·v + g
            new["velocity"] = s["beta"] * state.arrays["velocity"] + g
            direction = g + s["beta"] * new["velocity"] if name == "nesterov" else new["velocity"]
            after = values - learning_rate * direction
        elif name == "adagrad":  # v ← v + g², w ← w − η·g/(√v + ε)
            new["v"] = state.arrays["v"] + g * g
            after = values - learning_rate * g / (np.sqrt(new["v"]) + s["eps"])
        elif name == "rmsprop":  # v ← α·v + (1 − α)·g², w ← w − η·g/(√v + ε)
            new["v"] = s["alpha"] * state.arrays["v"] + (1 - s["alpha"]) * (g * g)
            after = values - learning_rate * g / (np.sqrt(new["v"]) + s["eps"])
        else:  # adam: bias-corrected moments, w ← w − η·m̂/(√v̂ + ε)
            t = state.step + 1
            new["m"] = s["beta1"] * state.arrays["m"] + (1 - s["beta1"]) * g
            new["v"] = s["beta2"] * state.arrays["v"] + (1 - s["beta2"]) * (g * g)
            m_hat, v_hat = new["m"] / (1 - s["beta1"] ** t), new["v"] / (1 - s["beta2"] ** t)
            after = values - learning_rate * m_hat / (np.sqrt(v_hat) + s["eps"])
    if frozen is not None and len(frozen):
        after[frozen] = values[frozen]
        for key, array in new.items():
            array[frozen] = state.arrays[key][frozen]
    return after, State(state.step + 1, new)


def rule(name: str, loss: str = "L") -> str:
    """The update rule for one parameter: w212 ← w212 − η·∂L/∂w212."""
    return RULE.format(p=name, loss=loss)


def worked(name: str, value: float, learning_rate: float, gradient: float, after: float, show,
           strong=lambda text: text, loss: str = "L") -> str:
    """The update written out with its numbers, each shown by `show` (and the result by `strong`):
    w212 ← w212 − η·∂L/∂w212 = 0.8 − 1 × (-0.130377) = 0.930377."""
    return WORKED.format(rule=rule(name, loss), value=show(value), rate=show(learning_rate),
                         gradient=show(gradient), after=strong(show(after)))
