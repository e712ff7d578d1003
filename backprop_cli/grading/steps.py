"""Each quantity's own step, done on the values an answers file states (CONTRACT section 5): z from
the a before it; a from its z; ∂L/∂z from ∂L/∂a and z; ∂L/∂a from the ∂L/∂z after it; ∂L/∂w from
∂L/∂z and the a it multiplies; w_new from ∂L/∂w. What the file does not state comes from the true
pass. One sample only: in a batch the steps mix samples, and no step is redone."""
from __future__ import annotations

import numpy as np

from ..core.names import Notation
from ..core.result import Result
from .quantities import Quantity, QuantityError, node_at

Key = tuple  # (kind, Name, sample) of a quantity


def key_of(q: Quantity) -> Key:
    return q.kind, q.name, q.sample


class Steps:
    """Redoes one step of the pass with a file's stated values in place of the true ones."""

    def __init__(self, result: Result, notation: Notation, stated: dict):
        self.r, self.n, self.stated = result, notation, stated  # stated: Key -> Answer
        self.used: list = []

    def _node_key(self, kind: str, what: str, layer: int, neuron: int):
        """The key of a node quantity (0-based neuron) in this notation, for looking it up."""
        from ..core.names import Name

        depth = len(self.r.network.layers)
        if layer == 0:
            name = Name("x", (neuron + 1,))
        elif layer == depth and what == "a":
            name = Name("yhat", (neuron + 1,))
        else:
            name = Name(self.n.pre if what == "z" else self.n.post, (layer, neuron + 1))
        return kind, name, None

    def _value(self, kind: str, what: str, layer: int, neuron: int, true: float) -> float:
        answer = self.stated.get(self._node_key(kind, what, layer, neuron))
        if answer is None:
            return true
        self.used.append(answer)
        return answer.given

    def _layer(self, kind: str, what: str, layer: int, true: np.ndarray) -> np.ndarray:
        """A layer's values of one kind: the stated ones where the file gives them, else `true`'s."""
        return np.array([self._value(kind, what, layer, j, true[0, j]) for j in range(self.r.sizes[layer])])

    def a(self, layer: int) -> np.ndarray:
        return self._layer("value", "a", layer, self.r.a[layer])

    def z(self, layer: int) -> np.ndarray:
        return self._layer("value", "z", layer, self.r.z[layer])

    def grad_a(self, layer: int) -> np.ndarray:
        return self._layer("gradient", "a", layer, self.r.grad_a[layer])

    def grad_z(self, layer: int) -> np.ndarray:
        return self._layer("gradient", "z", layer, self.r.deltas[layer])

    def redo(self, q: Quantity) -> float | None:
        """The quantity's step on the stated values; None when it has no step here."""
        r = self.r
        if r.samples != 1 or q.sample not in (None, 1):
            return None
        net, depth = r.network, len(r.network.layers)
        if q.kind == "updated":
            g = self.stated.get(("gradient", q.name, None))
            if g is None:
                return None
            self.used.append(g)
            return r.value(str(q.name)) - r.learning_rate * g.given
        if q.is_parameter:  # ∂L/∂w = ∂L/∂z · a, ∂L/∂b = ∂L/∂z (a layer's sum for a shared bias)
            kind, layer, j, k = r.parameter_index(str(q.name))
            grad_z = self.grad_z(layer)
            if kind == "w":
                return float(grad_z[j - 1] * self.a(layer - 1)[k - 1])
            return float(grad_z.sum() if j is None else grad_z[j - 1])
        if q.name.kind == "L":
            if q.kind != "value":
                return None
            yhat = self.a(depth)
            return float(net.loss.value(yhat[None, :], r.targets)[0])
        try:
            what, layer, neuron = node_at(r, q.name, self.n)
        except QuantityError:
            return None
        if q.kind == "value":
            if what == "z":
                w, b = net.layers[layer - 1].weights, net.layers[layer - 1].biases
                return float(w[neuron] @ self.a(layer - 1) + b[neuron])
            if layer == 0:
                return None  # an input is given, not computed
            z = self.z(layer)
            return float(net.layers[layer - 1].activation.forward(z[None, :])[0, neuron])
        # gradients
        if what == "z":
            activation = net.layers[layer - 1].activation
            grad_a = self.grad_a(layer)
            acts = self.a(layer) if not activation.elementwise else None
            if activation.elementwise:
                z = self.z(layer)
                a = activation.forward(z[None, :])[0]
                return float(activation.derivative(z, a)[neuron] * grad_a[neuron])
            return float((grad_a * activation.jacobian(np.log(np.maximum(acts, 1e-300)), acts)[:, neuron]).sum())
        if layer == depth:  # ∂L/∂ŷ from the stated outputs
            yhat = self.a(depth)
            return float(net.loss.gradient(yhat[None, :], r.targets)[0, neuron])
        return float(net.layers[layer].weights[:, neuron] @ self.grad_z(layer + 1))


def own_step(result: Result, notation: Notation, q: Quantity, stated: dict) -> tuple[float, list] | None:
    """(the value q's step gives on the stated values, the stated answers it used), or None when
    the step uses no stated value (then it gives the true value) or has none."""
    steps = Steps(result, notation, {k: v for k, v in stated.items() if k != key_of(q)})
    try:
        value = steps.redo(q)
    except (ValueError, ArithmeticError, IndexError):
        return None
    if value is None or not steps.used or not np.isfinite(value):
        return None
    return value, list({id(a): a for a in steps.used}.values())
