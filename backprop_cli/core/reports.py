"""The plain objects the API hands to the reporters, one per kind of report: what was computed
and what was asked for, and nothing about how it will look (report.formats presents them)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .computation import Computation


@dataclass
class Gradients:
    """`grad`: a computation's gradients; for a network, the parameter rows asked for and, when
    asked, the inputs' rows (name, value, ∂L/∂x)."""

    computation: Computation
    names: list[str] | None = None  # canonical names of the parameters asked for (None: all)
    rows: list[tuple[str, float, float, float]] = field(default_factory=list)  # (name, value, gradient, updated)
    inputs: list[tuple[str, float, float]] | None = None

    @property
    def kind(self) -> str:
        return self.computation.kind


@dataclass
class ExpressionTrace:
    """`trace` of an expression: the result and the traces of the names asked for."""

    computation: Computation
    traces: list

    kind = "expression"


@dataclass
class GradientCheck:
    """`gradcheck`: each parameter's backprop and finite-difference gradients."""

    checks: list
    eps: float
    tol: float
    title: str = ""

    @property
    def failed(self) -> bool:
        """Whether a parameter is over the tolerance (a kink is not a failure)."""
        return any(c.status == "fail" for c in self.checks)


@dataclass
class Training:
    """`train`: one run per learning rate, and what it was asked to reach."""

    runs: list
    until_loss: float | None = None
    title: str = ""

    @property
    def interrupted(self) -> bool:
        return bool(self.runs) and self.runs[-1].stopped == "interrupted"


@dataclass
class ExampleList:
    """`examples`: each bundled example's name, description and shape."""

    rows: list[dict]
