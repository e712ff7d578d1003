"""backprop: gradients, chain-rule paths and answer checking for small neural networks.

    from backprop_cli import load_spec, compute
    result = compute(load_spec("net.yaml"))
    result.gradient("w212")
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .errors import NumericalError, SpecError, UsageError

__version__ = "0.1.0"
__all__ = ["load_spec", "compute", "explore_html", "SpecError", "UsageError", "NumericalError", "__version__"]

if TYPE_CHECKING:  # pragma: no cover
    from .core.graph import ExpressionResult
    from .core.result import Result
    from .spec.expression import ExpressionSpec
    from .spec.reader import Spec


def load_spec(path=None, *, text: str | None = None, name: str | None = None) -> Spec | ExpressionSpec:
    """Load and validate a spec (a path, `-` for standard input, or text=...): a network, or an
    expression (`expression:` and `at:`); raises SpecError."""
    from .spec.reader import load_spec as _load

    return _load(path, text=text, name=name)


def compute(spec: Spec | ExpressionSpec, learning_rate: float | None = None) -> Result | ExpressionResult:
    """Forward and backward pass of a spec: loss, every gradient and node value, by name. For an
    expression: every step's value and derivative, and paths by name (`result.trace("x", 8)`)."""
    from .core.engine import run

    if hasattr(spec, "graph"):  # an expression
        result = spec.compute()
        result.view = lambda: explore_html(spec, result=result, fragment=True)
        return result
    rate = spec.learning_rate if learning_rate is None else learning_rate
    if not (isinstance(rate, (int, float)) and math.isfinite(rate) and rate > 0):
        raise UsageError(f"the learning rate must be a finite number above 0, not {rate!r}")
    result = run(spec.network, spec.inputs, spec.targets, rate)
    result.view = lambda: explore_html(spec, result=result, fragment=True)  # how Jupyter shows it
    return result


def explore_html(spec: Spec | ExpressionSpec, *, result=None, max_paths: int = 8, precision: int = 6,
                 notation: str = "default", fragment: bool = False) -> str:
    """The page `backprop explore` writes, as text (`fragment`: the view alone, for a notebook)."""
    from .report.explore_pages import expression_page, network_page

    if hasattr(spec, "graph"):
        result = result if result is not None else spec.compute()
        return expression_page(result, max_paths, precision, spec.name or "expression", fragment)
    from .core.names import notation as make_notation

    result = result if result is not None else compute(spec)
    return network_page(result, make_notation(notation, result.network.names), None, max_paths, precision,
                        spec.name, spec.description, fragment)
