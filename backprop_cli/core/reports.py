"""The plain objects the API hands to the reporters, one per kind of report: what was computed
and what was asked for, and nothing about how it will look (report.formats presents them).
Read-only, as a report's facts are, and compared by their fields; plain classes rather than named
tuples, whose generated code every start-up would compile."""
from __future__ import annotations


class _Report:
    __slots__ = ()

    def _set(self, **fields) -> None:
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise AttributeError(f"a {type(self).__name__} report is read-only")

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    __hash__ = None  # its lists make it unhashable, as a tuple of lists is

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"


class Gradients(_Report):
    """`grad`: a computation's gradients; for a network, the parameter rows asked for and, when
    asked, the inputs' rows (name, value, ∂L/∂x)."""

    __slots__ = ("computation", "names", "rows", "inputs")

    def __init__(self, computation, names: list | None = None, rows: list | None = None, inputs: list | None = None):
        # computation: core.computation.Computation; names: canonical names of the parameters asked
        # for (None: all); rows: (name, value, gradient, updated)
        self._set(computation=computation, names=names, rows=[] if rows is None else rows, inputs=inputs)

    @property
    def kind(self) -> str:
        return self.computation.kind


class ExpressionTrace(_Report):
    """`trace` of an expression: the result and the traces of the names asked for."""

    __slots__ = ("computation", "traces")

    def __init__(self, computation, traces: list):
        self._set(computation=computation, traces=traces)

    @property
    def kind(self) -> str:
        return "expression"


class GradientCheck(_Report):
    """`gradcheck`: each parameter's backprop and finite-difference gradients."""

    __slots__ = ("checks", "eps", "tol", "title")

    def __init__(self, checks: list, eps: float, tol: float, title: str = ""):
        self._set(checks=checks, eps=eps, tol=tol, title=title)

    @property
    def failed(self) -> bool:
        """Whether a parameter is over the tolerance (a kink is not a failure)."""
        return any(c.status == "fail" for c in self.checks)


class Training(_Report):
    """`train`: one run per learning rate, and what it was asked to reach."""

    __slots__ = ("runs", "until_loss", "title")

    def __init__(self, runs: list, until_loss: float | None = None, title: str = ""):
        self._set(runs=runs, until_loss=until_loss, title=title)

    @property
    def interrupted(self) -> bool:
        return bool(self.runs) and self.runs[-1].stopped == "interrupted"


class ExampleList(_Report):
    """`examples`: each bundled example's name, description and shape."""

    __slots__ = ("rows",)

    def __init__(self, rows: list):
        self._set(rows=rows)
