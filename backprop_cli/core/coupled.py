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

    FIELDS = ("weights", "biases", "activation", "inputs", "initial_state", "bias_style", "slip")
    SLIPS = ("bptt_truncated", "recurrent_factor_wrong_step")  # catalogued mistakes (core.slips), never a spec's
    kind = "recurrent"
    has_z = True
    dims = 0
    coupled = True  # its rows (time steps) depend on each other

    def __init__(self, weights, biases, activation, inputs, initial_state=None, bias_style="each", slip=None):
        self.weights, self.biases, self.activation = weights, biases, activation
        self.inputs, self.bias_style, self.slip = int(inputs), bias_style, slip
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

    def backward(self, grad_h: np.ndarray, z: np.ndarray, h: np.ndarray, x: np.ndarray) -> tuple:
        """Backpropagation through time from ∂L/∂h that reaches each step from the layers above:
        (∂L/∂x per step, ∂L/∂[W_x | W_h], ∂L/∂b, δ = ∂L/∂z per step, ∂L/∂h per step in total).
        A layer carrying a `slip` computes that catalogued mistake instead: `bptt_truncated` drops
        the path back in time (each step's δ from what reaches it from above alone);
        `recurrent_factor_wrong_step` takes ∂h@t/∂h@t−1 as W_h·act′ at step t−1, not at step t."""
        steps = x.shape[0]
        delta, total = np.zeros_like(z), np.zeros_like(h)
        carried = np.zeros(self.units)  # ∂L/∂h_t through h_{t+1}
        for t in range(steps - 1, -1, -1):
            total[t] = grad_h[t] + carried
            delta[t] = self.activation.backward(z[t], h[t], total[t])
            if self.slip == "bptt_truncated":
                carried = np.zeros(self.units)
            elif self.slip == "recurrent_factor_wrong_step" and t:
                carried = self.activation.backward(z[t - 1], h[t - 1], total[t]) @ self.recurrent_weights
            else:
                carried = delta[t] @ self.recurrent_weights
        below = delta @ self.input_weights
        weight_grad = delta.T @ np.hstack([x, self.states(h)])
        return below, weight_grad, delta.sum(axis=0), delta, total


class BatchNorm(Record):
    """PyTorch's BatchNorm1d in training mode over the rows (samples) of a batch:
    x̂ = (x − μ)/√(σ² + eps) with the batch mean and the biased batch variance, z = γ·x̂ + β, then
    the layer's activation. γ and β are kept as `weights` and `biases` (one each per feature), so
    that updates and training treat them as any layer's parameters."""

    FIELDS = ("weights", "biases", "activation", "eps", "slip")
    SLIPS = ("batchnorm_mu_var_constant", "unbiased_variance")  # catalogued mistakes (core.slips), never a spec's
    kind = "batchnorm"
    has_z = True
    dims = 0
    coupled = True  # its rows (samples) depend on each other through μ and σ²
    bias_style = "each"

    def __init__(self, weights, biases, activation=None, eps=DEFAULT_EPS, slip=None):
        self.weights, self.biases = weights, biases
        self.activation = make_activation("linear") if activation is None else activation
        self.eps, self.slip = float(eps), slip

    @property
    def divisor_less(self) -> int:
        """1 where the variance divides by n − 1 (the `unbiased_variance` slip), else 0."""
        return int(self.slip == "unbiased_variance")

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
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # σ² beyond float64, or
            var = (centred * centred).sum(axis=0) / (n - self.divisor_less if n > 1 else n)  # σ² + eps = 0:
            return mu, var, centred / np.sqrt(var + self.eps)  # inf or 0/0, which the result refuses by name

    def forward(self, x: np.ndarray) -> np.ndarray:
        """z = γ·x̂ + β for the batch."""
        return self.statistics(x)[2] * self.weights + self.biases

    def backward(self, delta: np.ndarray, x: np.ndarray, below: bool = True) -> tuple:
        """(∂L/∂x per sample, ∂L/∂γ, ∂L/∂β) from δ = ∂L/∂z: every path through x̂, μ and σ². With
        the `batchnorm_mu_var_constant` slip, μ and σ² are constants: only the direct path."""
        mu, var, xhat = self.statistics(x)
        n = x.shape[0]
        grad_xhat = delta * self.weights
        inv = 1.0 / np.sqrt(var + self.eps)
        gamma_grad, beta_grad = (delta * xhat).sum(axis=0), delta.sum(axis=0)
        if not below:
            return None, gamma_grad, beta_grad
        if self.slip == "batchnorm_mu_var_constant":
            return grad_xhat * inv, gamma_grad, beta_grad
        # the direct path, the path through μ, and the path through σ² (its own path through μ is 0)
        divisor = n - self.divisor_less if n > 1 else n
        grad_var = (grad_xhat * (x - mu)).sum(axis=0) * -0.5 * inv ** 3
        grad_mu = -(grad_xhat * inv).sum(axis=0)
        grad = grad_xhat * inv + grad_var * 2.0 * (x - mu) / divisor + grad_mu / n
        return grad, gamma_grad, beta_grad

    def edges(self):  # pragma: no cover - the samples are coupled: core.unrolled traces it
        raise NotImplementedError("batch norm couples the samples: traced by core.unrolled")
