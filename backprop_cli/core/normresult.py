"""The result of one pass through a batch with batch-norm layers (core.coupled): a result over
maps (core.mapresult) whose samples are coupled, so its paths come from core.unrolled and its
node quantities include each batch-norm layer's `mu{l}{j}`, `var{l}{j}` and `xhat{l}{j}[s]`."""
from __future__ import annotations

from . import mapnames
from .mapresult import MapResult


class NormResult(MapResult):
    """One pass through dense and batch-norm layers over a batch."""

    def cancelled(self, name: str) -> bool:  # noqa: ARG002 - MapResult's signature
        return False  # the arithmetic's own value: no paths are snapped to 0 (core.mapcancel is per sample)

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

    def trace(self, name: str, max_paths: int = 8, notation: str = "default", sample: int | None = None):  # noqa: ARG002
        from .unrolled import trace

        found = mapnames.find(self.network, name.partition("[")[0])
        return trace(self, name if found is None or found[0] != "p" else name, max_paths,
                     node=found is not None and found[0] != "p")

    def paths(self, name: str, max_paths: int | None = None, notation: str = "default") -> list:  # noqa: ARG002
        from .computation import all_paths
        from .unrolled import trace

        if max_paths is None:
            max_paths = all_paths(name, trace(self, name, 1).path_count)
        return trace(self, name, max_paths).paths
