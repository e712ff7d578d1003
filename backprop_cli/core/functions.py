"""Activations and losses: value, derivative and printed formula, each kept in one place.

Formulas are templates: `{z}`/`{a}` are the neuron's pre-activation/activation names, `{yhat}`/`{y}`
an output and its target; softmax's cross term uses `{ai}` and `{am}`. Reporters fill them in;
they never spell maths themselves.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .record import Record


class Activation(Record):
    """An activation function a = f(z) and its local derivative (immutable; `replace` copies it with
    fields changed)."""

    FIELDS = ("name", "formula", "derivative_formula", "forward", "derivative", "cross_formula", "alpha")

    name: str
    formula: str  # a = ...
    derivative_formula: str  # ∂a/∂z, written with {z} and {a}
    forward: Callable[[np.ndarray], np.ndarray]
    # da/dz elementwise from z and a; None for softmax, which couples the whole layer
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray] | None
    cross_formula: str = ""  # softmax only: ∂ai/∂zm for i ≠ m
    alpha: float | None = None

    def __init__(self, name, formula, derivative_formula, forward, derivative, cross_formula="", alpha=None):
        for key, value in zip(self.FIELDS, (name, formula, derivative_formula, forward, derivative,
                                            cross_formula, alpha)):
            object.__setattr__(self, key, value)

    def __setattr__(self, key, value):
        import dataclasses

        raise dataclasses.FrozenInstanceError(f"cannot assign to field {key!r}")

    __delattr__ = __setattr__

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"

    @property
    def elementwise(self) -> bool:
        """Whether a_j depends on z_j alone (every activation but softmax)."""
        return self.derivative is not None

    def backward(self, z: np.ndarray, a: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
        """∂L/∂z from ∂L/∂a, for a batch (samples × neurons)."""
        if self.elementwise:
            return grad_a * self.derivative(z, a)
        # softmax: ∂ai/∂zm = ai(δim − am), so ∂L/∂zm = am (gm − Σi gi ai)
        return a * (grad_a - (grad_a * a).sum(axis=-1, keepdims=True))

    def jacobian(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """∂ai/∂zm of one sample: the vector of ∂ai/∂zi when elementwise (a wide layer's n × n
        diagonal matrix would be mostly zeros), the matrix [i, m] for softmax."""
        if self.elementwise:
            return self.derivative(z, a)
        jacobian = -np.outer(a, a)
        # ∂ai/∂zi = ai(1 − ai) = ai·Σ_{j≠i} aj: summed without subtracting, so that it keeps its
        # digits where ai is within rounding of 1 (1 − ai would cancel)
        before = np.concatenate(([0.0], np.cumsum(a)[:-1]))
        after = np.concatenate((np.cumsum(a[::-1])[::-1][1:], [0.0]))
        np.fill_diagonal(jacobian, a * (before + after))
        return jacobian

    @property
    def label(self) -> str:
        """The name as the spec writes it, with alpha for leaky_relu."""
        return self.name if self.alpha is None else f"{self.name}(alpha={self.alpha:g})"


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # e^(−|z|) never overflows; both branches are exact for their sign of z
    # (one division of the branch's numerator: the same numbers as two, in fewer passes)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def _softmax(z: np.ndarray) -> np.ndarray:
    shifted = np.exp(z - z.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def log_softmax(z: np.ndarray) -> np.ndarray:
    """log softmax(z), exact even where softmax underflows to 0."""
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softplus(z: np.ndarray) -> np.ndarray:
    """log(1 + e^z) without overflow."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def _relu_derivative(z: np.ndarray, _a: np.ndarray) -> np.ndarray:
    return np.greater(z, 0.0, out=np.empty_like(z), casting="unsafe")  # 0 at z = 0, as PyTorch


def make_leaky_relu(alpha: float) -> Activation:
    """leaky_relu with slope `alpha` for z < 0."""
    return Activation(
        "leaky_relu", f"max(z, {alpha:g}·z)", f"(1 if {{z}} > 0 else {alpha:g})",
        lambda z: np.where(z > 0, z, alpha * z),
        lambda z, _a: np.where(z > 0, 1.0, alpha),
        alpha=alpha,
    )


ACTIVATIONS: dict[str, Activation] = {
    "linear": Activation("linear", "z", "1", lambda z: z, lambda z, _a: np.ones_like(z)),
    "sigmoid": Activation("sigmoid", "σ(z) = 1/(1 + e^(−z))", "{a}(1 − {a})", _sigmoid,
                          lambda _z, a: a * (1.0 - a)),
    "tanh": Activation("tanh", "tanh(z)", "1 − {a}²", np.tanh, lambda _z, a: 1.0 - a * a),
    "relu": Activation("relu", "max(0, z)", "(1 if {z} > 0 else 0)", lambda z: np.maximum(z, 0.0),
                       _relu_derivative),
    "leaky_relu": make_leaky_relu(0.01),
    "softmax": Activation("softmax", "e^(zi) / Σm e^(zm)", "{a}(1 − {a})", _softmax, None,
                          cross_formula="−{ai}·{am}"),
}


def activation(name: str, alpha: float | None = None) -> Activation:
    """The activation called `name` (KeyError when unknown)."""
    if name == "leaky_relu" and alpha is not None:
        return make_leaky_relu(alpha)
    return ACTIVATIONS[name]


class Loss(NamedTuple):  # not a dataclass: as cheap to use, far cheaper to define at every start-up
    """A loss L(ŷ, y) of one sample, summed over its outputs, and ∂L/∂ŷj."""

    name: str
    formula: str  # L = ...
    derivative_formula: str  # ∂L/∂ŷj, written with {yhat}, {y} and {n}
    value: Callable[[np.ndarray, np.ndarray], np.ndarray]  # (samples, n) -> (samples,)
    gradient: Callable[[np.ndarray, np.ndarray], np.ndarray]  # (samples, n) -> (samples, n)
    target: str = "y"  # the letter of what ŷ is compared with (g: a circuit's upstream gradient)


def _cross_entropy(yhat: np.ndarray, y: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(y != 0, y * np.log(yhat), 0.0)  # 0·log 0 = 0
    return -terms.sum(axis=-1)


def _binary_cross_entropy(yhat: np.ndarray, y: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        pos = np.where(y != 0, y * np.log(yhat), 0.0)
        neg = np.where(y != 1, (1.0 - y) * np.log1p(-yhat), 0.0)
    return -(pos + neg).sum(axis=-1)


def _divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return num / den


LOSSES: dict[str, Loss] = {
    "squared_error": Loss("squared_error", "Σj (ŷj − yj)²", "2({yhat} − {y})",
                          lambda yh, y: ((yh - y) ** 2).sum(axis=-1), lambda yh, y: 2.0 * (yh - y)),
    "half_squared_error": Loss("half_squared_error", "½ Σj (ŷj − yj)²", "{yhat} − {y}",
                               lambda yh, y: 0.5 * ((yh - y) ** 2).sum(axis=-1), lambda yh, y: yh - y),
    "mse": Loss("mse", "(1/n) Σj (ŷj − yj)²", "(2/{n})({yhat} − {y})",
                lambda yh, y: ((yh - y) ** 2).mean(axis=-1), lambda yh, y: 2.0 * (yh - y) / y.shape[-1]),
    "cross_entropy": Loss("cross_entropy", "−Σj yj log ŷj", "−{y}/{yhat}", _cross_entropy,
                          lambda yh, y: np.where(y != 0, -_divide(y, yh), 0.0)),
    "binary_cross_entropy": Loss(
        "binary_cross_entropy", "−Σj [yj log ŷj + (1 − yj) log(1 − ŷj)]",
        "({yhat} − {y}) / ({yhat}(1 − {yhat}))", _binary_cross_entropy,
        lambda yh, y: _divide(yh - y, yh * (1.0 - yh))),
    # no loss: a circuit's output f = Σj gj·ŷj with its upstream gradient g (CS231n), so ∂f/∂ŷj = gj
    "none": Loss("none", "Σj gj·ŷj", "{y}", lambda yh, g: (yh * g).sum(axis=-1),
                 lambda yh, g: np.broadcast_to(g, yh.shape).copy(), target="g"),
}
