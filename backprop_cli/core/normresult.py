"""The result of one pass through a batch with batch-norm layers (core.coupled): a result over
maps (core.mapresult) whose samples are coupled, so its paths come from core.unrolled and its
node quantities include each batch-norm layer's `mu{l}{j}`, `var{l}{j}` and `xhat{l}{j}[s]`."""
from __future__ import annotations

import numpy as np

from ..errors import NumericalError
from . import mapnames
from .mapresult import MapResult


class NormResult(MapResult):
    """One pass through dense and batch-norm layers over a batch."""

    def check_finite(self) -> None:
        """MapResult's checks, after each batch-norm layer's μ and σ²: a σ² beyond float64 makes
        every x̂ 0 and every loss finite, so only the statistics themselves show it."""
        for l, layer in enumerate(self.network.layers, start=1):
            if layer.kind == "batchnorm":
                mu, var, _ = layer.statistics(self.a[l - 1])
                if not (np.all(np.isfinite(mu)) and np.all(np.isfinite(var))):
                    raise NumericalError(f"the mean or variance of batch-norm layer {l} overflows float64 "
                                         "(its inputs are too far apart); use smaller inputs or weights")
                if np.any(var + layer.eps == 0):
                    j = int(np.argmax(var + layer.eps == 0)) + 1
                    raise NumericalError(f"feature {j} of batch-norm layer {l} is the same in every sample (σ² = 0) "
                                         "and eps is 0, so x̂ = 0/0; give eps above 0 (PyTorch's default 1e-5)")
        super().check_finite()

    def cancelled(self, name: str) -> bool:
        """Whether parameter `name`'s gradient is 0 because its paths cancel (some path's product is
        not 0): made 0 by snap (below), or 0 in the arithmetic already."""
        if self.gradient(name) != 0:
            return False
        if "path_sums" not in self._cache:
            self._cache["path_sums"] = path_sums(self)
        _, layer, kind, index = self.parameter_row(name)
        sums = self._cache["path_sums"][0 if kind == "w" else 1][layer].reshape(-1)
        return bool(sums[index or 0] > 0)

    @property
    def forward(self) -> dict:
        """MapResult's values by name, and each batch-norm layer's μ, σ² and x̂ (over the samples)."""
        if "norm_forward" not in self._cache:
            values = dict(super().forward)
            for l, layer in enumerate(self.network.layers, start=1):
                if layer.kind != "batchnorm":
                    continue
                mu, var, xhat = layer.statistics(self.a[l - 1])
                for j in range(layer.outputs):
                    values[mapnames.node_name(self.network, "mu", l, j)] = float(mu[j])
                    values[mapnames.node_name(self.network, "var", l, j)] = float(var[j])
                    values[mapnames.node_name(self.network, "xhat", l, j)] = xhat[:, j].copy()
            self._cache["norm_forward"] = values
        return self._cache["norm_forward"]

    def unrolled(self):
        """The pass as core.unrolled's graph of named scalar nodes (what draw and explore show)."""
        from .unrolled import graph_of

        return graph_of(self)

    def trace(self, name: str, max_paths: int = 8, notation: str = "default", sample: int | None = None):  # noqa: ARG002
        from .unrolledtrace import trace

        found = mapnames.find(self.network, name.partition("[")[0])
        return trace(self, name if found is None or found[0] != "p" else name, max_paths,
                     node=found is not None and found[0] != "p")

    def paths(self, name: str, max_paths: int | None = None, notation: str = "default") -> list:  # noqa: ARG002
        from .computation import all_paths
        from .unrolledtrace import trace

        if max_paths is None:
            max_paths = all_paths(name, trace(self, name, 1).path_count)
        return trace(self, name, max_paths).paths


def path_sums(result) -> tuple[list, list]:
    """Σ over paths of |product| of every weight's and bias's gradient (per layer, reduced over the
    batch): one sweep of the backward pass over absolute values, through batch norm's three paths
    (direct, through μ, through σ²) as well; > 0 exactly when some path's product is not 0."""
    net, a, z = result.network, result.a, result.z
    depth = len(net.layers)
    weights: list = [None] * (depth + 1)
    biases: list = [None] * (depth + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        upstream = np.abs(result.grad_a[depth])
        for l in range(depth, 0, -1):
            layer = net.layers[l - 1]
            if layer.activation.elementwise:
                delta = upstream * np.abs(layer.activation.derivative(z[l], a[l]))
            else:  # softmax: Σi |∂L/∂ai|·|∂ai/∂zm|
                delta = np.stack([upstream[s] @ np.abs(layer.activation.jacobian(z[l][s], a[l][s]))
                                  for s in range(result.samples)])
            x = np.abs(a[l - 1])
            if layer.kind == "batchnorm":
                mu, var, xhat = layer.statistics(a[l - 1])
                centred, inv, n = np.abs(a[l - 1] - mu), 1.0 / np.sqrt(var + layer.eps), a[l - 1].shape[0]
                weights[l], biases[l] = (delta * np.abs(xhat)).sum(axis=0), delta.sum(axis=0)
                grad_xhat = delta * np.abs(layer.weights)
                through_var = (grad_xhat * 0.5 * centred).sum(axis=0) * inv ** 3
                through_mu = (grad_xhat * inv).sum(axis=0)
                upstream = grad_xhat * inv + through_var * 2.0 * centred / n + through_mu / n
            else:
                weights[l], biases[l] = delta.T @ x, delta.sum(axis=0)
                upstream = delta @ np.abs(layer.weights)
            weights[l], biases[l] = weights[l] * result.scale, biases[l] * result.scale
    return weights, biases


def snap(result) -> None:
    """Every parameter gradient that is zero up to rounding (|g| ≤ 1e-12 × its largest path's
    |product|, core.cancel's rule) made exactly 0, in place, before any update is worked out: a
    bias just before batch norm, whose paths through μ cancel its direct ones. The largest product
    comes from core.unrolled's best-path search, asked only when some gradient is a candidate."""
    from ..errors import UsageError
    from .cancel import RELATIVE
    from .unrolled import graph_of

    weights, biases = path_sums(result)
    best = None
    for name, l, kind, index in mapnames.parameters(result.network):
        values, bound = (result.weight_grads[l], weights[l]) if kind == "w" else (result.bias_grads[l], biases[l])
        flat, bound = values.reshape(-1), bound.reshape(-1)
        i = index or 0
        if not (0 < abs(flat[i]) <= RELATIVE * bound[i] and np.isfinite(bound[i])):
            continue
        try:
            if best is None:
                graph = graph_of(result)
                best = graph.best(1)
        except UsageError:  # too large to search: as the arithmetic gives them
            return
        target = graph.ids.get(_shown(result.network, name))
        largest = abs(best[target][0][0]) if target is not None and best[target] else 0.0
        if abs(flat[i]) <= RELATIVE * largest:
            flat[slice(None) if index is None else i] = 0.0
    result._cache.pop("stepped", None)
    result._cache.pop("graph", None)  # its factors stay; the snapped gradients are read from the result


def _shown(network, canonical: str) -> str:
    return network.names.get(canonical, canonical)
