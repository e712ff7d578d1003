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


def bias_corrected(settings: dict, m, v, t: int):
    """Adam's m̂ = m/(1 − β1^t) and v̂ = v/(1 − β2^t) after its t-th update."""
    return m / (1 - settings["beta1"] ** t), v / (1 - settings["beta2"] ** t)


def optimizer_step(optimizer: Optimizer, values: np.ndarray, gradients: np.ndarray, state: State,
                   learning_rate: float, frozen: np.ndarray | None = None) -> tuple[np.ndarray, State]:
    """The parameter vector and the optimiser's state after one update; `frozen` (indices) keep
    their value and their state, as parameters outside torch.optim's list do."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return moved(optimizer, values, gradients, state, learning_rate, frozen)


def moved(optimizer: Optimizer, values: np.ndarray, gradients: np.ndarray, state: State, learning_rate: float,
          frozen: np.ndarray | None = None) -> tuple[np.ndarray, State]:
    """optimizer_step's arithmetic, for a caller that has set numpy's errstate already (a
    training loop, once for all its epochs)."""
    s, g, name = optimizer.settings, gradients, optimizer.name
    new: dict[str, np.ndarray] = {}
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
        m_hat, v_hat = bias_corrected(s, new["m"], new["v"], t)
        after = values - learning_rate * m_hat / (np.sqrt(v_hat) + s["eps"])
    if frozen is not None and len(frozen):
        if values.ndim == 2:  # a stack of rows, one a learning rate (core.training): the same columns
            frozen = (slice(None), frozen)
        after[frozen] = values[frozen]
        for key, array in new.items():
            array[frozen] = state.arrays[key][frozen]
    return after, State(state.step + 1, new)


def rules(optimizer: Optimizer, name: str, loss: str = "L") -> list[str]:
    """The optimiser's update of one parameter as courses write it, one line a step: its state
    (`m_w212`, `v_w212`, `velocity_w212`, the quantities' names) first, the parameter last."""
    if optimizer.name == "sgd":
        return [rule(name, loss)]
    return [text for text, _ in _lines(optimizer, name, loss, None)]


def worked_lines(optimizer: Optimizer, name: str, value: float, learning_rate: float, gradient: float,
                 after: float, show, strong=lambda text: text, loss: str = "L", before: dict | None = None,
                 state: dict | None = None, step: int = 1) -> list[str]:
    """The update written out with its numbers, one line a step (plain gradient descent: one
    line, `worked`'s); `before` and `state` the parameter's state before and after (`step`: t)."""
    if optimizer.name == "sgd":
        return [worked(name, value, learning_rate, gradient, after, show, strong, loss)]
    numbers = (value, learning_rate, gradient, after, show, before or {}, state or {}, step)
    lines = _lines(optimizer, name, loss, numbers)
    return [f"{text} = {worked_numbers} = {strong(result) if i == len(lines) - 1 else result}"
            for i, (text, (worked_numbers, result)) in enumerate(lines)]


def traced_lines(p, show, strong=lambda text: text, loss: str = "L", name: str | None = None) -> list[str]:
    """The worked lines of a traced parameter `p` (core.paths.ParameterTrace), named `name`
    (default: its own)."""
    t, before, after = p.state or (1, None, None)
    return worked_lines(p.optimizer or SGD, name or p.name, p.value, p.learning_rate, p.gradient, p.updated, show,
                        strong, loss, before, after, t)


def _lines(optimizer: Optimizer, p: str, loss: str, numbers) -> list[tuple[str, tuple[str, str] | None]]:
    """(rule, (its numbers, its result) or None) per line of an optimiser's update."""
    g, s, name = f"∂{loss}/∂{p}", optimizer.settings, optimizer.name
    velocity, m, v = f"velocity_{p}", f"m_{p}", f"v_{p}"
    if numbers is None:
        out = {}
    else:
        value, rate, gradient, after, show, before, state, t = numbers
        n, G = show, f"({show(gradient)})"
        out = {"w": show(after)}
    if name in ("momentum", "nesterov"):
        if out:
            out["s"] = (f"{n(s['beta'])} × ({n(before['velocity'])}) + {G}", n(state["velocity"]))
            step = (f"{G} + {n(s['beta'])} × ({n(state['velocity'])})" if name == "nesterov"
                    else n(state["velocity"]))
            out["p"] = (f"{n(value)} − {n(rate)} × ({step})", out["w"])
        direction = f"({g} + β·{velocity})" if name == "nesterov" else velocity
        return [(f"{velocity} ← β·{velocity} + {g}", out.get("s")), (f"{p} ← {p} − η·{direction}", out.get("p"))]
    if name in ("adagrad", "rmsprop"):
        if out:
            decay = f"{n(s['alpha'])} × {n(before['v'])} + {n(1 - s['alpha'])} × {G}²" if name == "rmsprop" \
                else f"{n(before['v'])} + {G}²"
            out["s"] = (decay, n(state["v"]))
            out["p"] = (f"{n(value)} − {n(rate)} × {G}/(√{n(state['v'])} + {n(s['eps'])})", out["w"])
        kept = f"α·{v} + (1 − α)·({g})²" if name == "rmsprop" else f"{v} + ({g})²"
        return [(f"{v} ← {kept}", out.get("s")), (f"{p} ← {p} − η·{g}/(√{v} + ε)", out.get("p"))]
    if out:  # adam
        b1, b2 = s["beta1"], s["beta2"]
        m_hat, v_hat = bias_corrected(s, state["m"], state["v"], t)
        out["m"] = (f"{n(b1)} × ({n(before['m'])}) + {n(1 - b1)} × {G}", n(state["m"]))
        out["v"] = (f"{n(b2)} × {n(before['v'])} + {n(1 - b2)} × {G}²", n(state["v"]))
        out["mh"] = (f"({n(state['m'])})/(1 − {n(b1)}^{t})", n(m_hat))
        out["vh"] = (f"{n(state['v'])}/(1 − {n(b2)}^{t})", n(v_hat))
        out["p"] = (f"{n(value)} − {n(rate)} × ({n(m_hat)})/(√{n(v_hat)} + {n(s['eps'])})", out["w"])
    return [(f"{m} ← β1·{m} + (1 − β1)·{g}", out.get("m")), (f"{v} ← β2·{v} + (1 − β2)·({g})²", out.get("v")),
            (f"m̂ = {m}/(1 − β1^t)", out.get("mh")), (f"v̂ = {v}/(1 − β2^t)", out.get("vh")),
            (f"{p} ← {p} − η·m̂/(√v̂ + ε)", out.get("p"))]


def rule(name: str, loss: str = "L") -> str:
    """The update rule for one parameter: w212 ← w212 − η·∂L/∂w212."""
    return RULE.format(p=name, loss=loss)


def worked(name: str, value: float, learning_rate: float, gradient: float, after: float, show,
           strong=lambda text: text, loss: str = "L") -> str:
    """The update written out with its numbers, each shown by `show` (and the result by `strong`):
    w212 ← w212 − η·∂L/∂w212 = 0.8 − 1 × (-0.130377) = 0.930377."""
    return WORKED.format(rule=rule(name, loss), value=show(value), rate=show(learning_rate),
                         gradient=show(gradient), after=strong(show(after)))
