"""The plain objects the API hands to the reporters, one per kind of report: what was computed
and what was asked for, and nothing about how it will look (report.formats presents them).
Named tuples: cheap to define at start-up, and read-only, as a report's facts are."""
from __future__ import annotations

from typing import NamedTuple


class Gradients(NamedTuple):
    """`grad`: a computation's gradients; for a network, the parameter rows asked for and, when
    asked, the inputs' rows (name, value, ∂L/∂x)."""

    computation: object  # core.computation.Computation
    names: list | None = None  # canonical names of the parameters asked for (None: all)
    rows: list = []  # (name, value, gradient, updated)
    inputs: list | None = None

    @property
    def kind(self) -> str:
        return self.computation.kind


class ExpressionTrace(NamedTuple):
    """`trace` of an expression: the result and the traces of the names asked for."""

    computation: object
    traces: list

    @property
    def kind(self) -> str:
        return "expression"


class GradientCheck(NamedTuple):
    """`gradcheck`: each parameter's backprop and finite-difference gradients."""

    checks: list
    eps: float
    tol: float
    title: str = ""

    @property
    def failed(self) -> bool:
        """Whether a parameter is over the tolerance (a kink is not a failure)."""
        return any(c.status == "fail" for c in self.checks)


class Training(NamedTuple):
    """`train`: one run per learning rate, and what it was asked to reach."""

    runs: list
    until_loss: float | None = None
    title: str = ""

    @property
    def interrupted(self) -> bool:
        return bool(self.runs) and self.runs[-1].stopped == "interrupted"


class ExampleList(NamedTuple):
    """`examples`: each bundled example's name, description and shape."""

    rows: list
