"""The layer kinds whose values are coupled across rows (contract section 9): an Elman recurrent
cell, whose rows are time steps, and batch normalisation in training mode, whose rows are the
samples of a batch. Each keeps in one place its forward pass, its backward pass (vectorised,
float64) and its local derivatives as a course prints them (core.unrolled draws its paths).
"""
from __future__ import annotations

import numpy as np

from .functions import activation as make_activation
from .record import Record

DEFAULT_EPS = 1e-5  # PyTorch's BatchNorm1d


class Recurrent(Record):
    """PyTorch's nn.RNN (one layer, one direction): h_t = act(W_x x_t + W_h h_{t−1} + b), tanh or relu.

    The weights are kept as one matrix [W_x | W_h] (units × (inputs + units)): a recurrent cell is a
    dense layer reading x_t and h_{t−1} side by side, so that updates, training logs and gradient
    checks treat its weights as any other layer's. PyTorch's two biases b_ih + b_hh are one here
    (only their sum is identifiable)."""

    FIELDS = ("weights", "biases", "activation", "inputs", "initial_state", "bias_style")
    kind = "recurrent"
    has_z = True
    dims = 0
    coupled = True  # its rows (time steps) depend on each other

    def __init__(self, weights, biases, activation, inputs, initial_state=None, bias_style="each"):
        self.weights, self.biases, self.activation = weights, biases, activation
        self.inputs, self.bias_style = int(inputs), bias_style
        units = weights.shape[0]
        self.initial_state = np.zeros(units) if initial_state is None else np.asarray(initial_state, dtype=np.float64)

    def __repr__(self) -> str:
        return f"Recurrent({self.units} units, {self.inputs} inputs, {self.activation.name})"

    @property
    def units(self) -> int:
        return int(self.weights.shape[0])

    @property
    def outputs(self) -> int:
        return self.units

    @property
    def input_weights(self) -> np.ndarray:
        """W_x: row j into unit j from each input."""
        return self.weights[:, :self.inputs]

    @property
    def recurrent_weights(self) -> np.ndarray:
        """W_h: row j into unit j from each unit's previous state."""
        return self.weights[:, self.inputs:]

    written_after = "recurrent_weights"  # where `step` adds a `biases:` the spec left out

    def written(self) -> list[tuple[str, np.ndarray]]:
        """The spec's keys and their values, as `step` writes them back."""
        keys = [("input_weights", self.input_weights), ("recurrent_weights", self.recurrent_weights)]
        return keys + ([("biases", self.biases)] if self.bias_style != "none" else [])

    def states(self, h: np.ndarray) -> np.ndarray:
        """h_{t−1} for every step t: the initial state, then every state but the last."""
        return np.vstack([self.initial_state[None], h[:-1]])

    def run(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """z and h of every step, (steps, units), from the inputs (steps, inputs)."""
        steps = x.shape[0]
        z, h = np.zeros((steps, self.units)), np.zeros((steps, self.units))
        drive = x @ self.input_weights.T + self.biases  # the inputs' part, every step at once
        previous = self.initial_state
        for t in range(steps):  # each step needs the one before: the one loop that cannot go
            z[t] = drive[t] + self.recurrent_weights @ previous
            h[t] = self.activation.forward(z[t])
            previous = h[t]
        return z, h

    def backward(self, grad_h: np.ndarray, z: np.ndarray, h: np.ndarray, x: np.ndarray,
                 truncated: bool = False) -> tuple:
        """Backpropagation through time from ∂L/∂h that reaches each step from the layers above:
        (∂L/∂x per step, ∂L/∂[W_x | W_h], ∂L/∂b, δ = ∂L/∂z per step, ∂L/∂h per step in total).
        With `truncated`, the recurrent path is dropped (a catalogued mistake: each step's δ from
        its own step's loss alone)."""
        steps = x.shape[0]
        delta, total = np.zeros_like(z), np.zeros_like(h)
        carried = np.zeros(self.units)  # ∂L/∂h_t through h_{t+1}
        for t in range(steps - 1, -1, -1):
            total[t] = grad_h[t] + carried
            delta[t] = self.activation.backward(z[t], h[t], total[t])
            carried = 0.0 * carried if truncated else delta[t] @ self.recurrent_weights
        below = delta @ self.input_weights
        weight_grad = delta.T @ np.hstack([x, self.states(h)])
        return below, weight_grad, delta.sum(axis=0), delta, total


class BatchNorm(Record):
    """PyTorch's BatchNorm1d in training mode over the rows (samples) of a batch:
    x̂ = (x − μ)/√(σ² + eps) with the batch mean and the biased batch variance, z = γ·x̂ + β, then
    the layer's activation. γ and β are kept as `weights` and `biases` (one each per feature), so
    that updates and training treat them as any layer's parameters."""

    FIELDS = ("weights", "biases", "activation", "eps", "unbiased")
    kind = "batchnorm"
    has_z = True
    dims = 0
    coupled = True  # its rows (samples) depend on each other through μ and σ²
    bias_style = "each"

    def __init__(self, weights, biases, activation=None, eps=DEFAULT_EPS, unbiased=False):
        self.weights, self.biases = weights, biases
        self.activation = make_activation("linear") if activation is None else activation
        self.eps, self.unbiased = float(eps), unbiased  # unbiased: a catalogued mistake, never a spec's

    def __repr__(self) -> str:
        return f"BatchNorm({len(self.weights)} features, eps {self.eps:g})"

    @property
    def outputs(self) -> int:
        return int(len(self.weights))

    written_after = "type"  # where `step` adds a gamma or beta the spec left at its default

    def written(self) -> list[tuple[str, np.ndarray]]:
        """The spec's keys and their values, as `step` writes them back."""
        return [("gamma", self.weights), ("beta", self.biases)]

    @property
    def size(self) -> int:  # core.mapnet.work: one multiply-add a value (γ·x̂), as a window of one
        return 1

    def statistics(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(μ, σ², x̂) of a batch (samples, features): the biased variance, as training mode uses."""
        mu = x.mean(axis=0)
        centred = x - mu
        n = x.shape[0]
        var = (centred * centred).sum(axis=0) / (n - 1 if self.unbiased and n > 1 else n)
        return mu, var, centred / np.sqrt(var + self.eps)

    def forward(self, x: np.ndarray) -> np.ndarray:
        """z = γ·x̂ + β for the batch."""
        return self.statistics(x)[2] * self.weights + self.biases

    def backward(self, delta: np.ndarray, x: np.ndarray, below: bool = True, constants: bool = False) -> tuple:
        """(∂L/∂x per sample, ∂L/∂γ, ∂L/∂β) from δ = ∂L/∂z: every path through x̂, μ and σ². With
        `constants`, μ and σ² are treated as constants (a catalogued mistake: only the direct path)."""
        mu, var, xhat = self.statistics(x)
        n = x.shape[0]
        grad_xhat = delta * self.weights
        inv = 1.0 / np.sqrt(var + self.eps)
        gamma_grad, beta_grad = (delta * xhat).sum(axis=0), delta.sum(axis=0)
        if not below:
            return None, gamma_grad, beta_grad
        if constants:
            return grad_xhat * inv, gamma_grad, beta_grad
        # the direct path, the path through μ, and the path through σ² (its own path through μ is 0)
        divisor = n - 1 if self.unbiased and n > 1 else n
        grad_var = (grad_xhat * (x - mu)).sum(axis=0) * -0.5 * inv ** 3
        grad_mu = -(grad_xhat * inv).sum(axis=0)
        grad = grad_xhat * inv + grad_var * 2.0 * (x - mu) / divisor + grad_mu / n
        return grad, gamma_grad, beta_grad

    def edges(self):  # pragma: no cover - the samples are coupled: core.unrolled traces it
        raise NotImplementedError("batch norm couples the samples: traced by core.unrolled")
