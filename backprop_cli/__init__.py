"""backprop: gradients, chain-rule paths and answer checking for small neural networks.

    from backprop_cli import load_spec, compute
    result = compute(load_spec("net.yaml"))
    result.gradient("w212")
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import SpecError

__version__ = "0.1.0"
__all__ = ["load_spec", "compute", "SpecError", "__version__"]

if TYPE_CHECKING:  # pragma: no cover
    from .core.result import Result
    from .spec.reader import Spec


def load_spec(path=None, *, text: str | None = None, name: str | None = None) -> Spec:
    """Load and validate a spec (a path, `-` for standard input, or text=...); raises SpecError."""
    from .spec.reader import load_spec as _load

    return _load(path, text=text, name=name)


def compute(spec: Spec, learning_rate: float | None = None) -> Result:
    """Forward and backward pass of a spec: loss, every gradient and node value, by name."""
    from .core.engine import run

    rate = spec.learning_rate if learning_rate is None else learning_rate
    return run(spec.network, spec.inputs, spec.targets, rate)
