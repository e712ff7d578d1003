"""Expression specs: `expression:` (one formula, or named steps) and `at:` (a value for every name no
step defines), from a YAML document or from `--expr TEXT --at NAME=VALUE`. Problems are located
in the file (the formula's line and column mapped to the file's) or in the option."""
from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..core.computation import EXPRESSION
from ..core.graph import ExpressionResult, Graph, UndefinedStep
from ..core.operations import CONSTANTS
from ..errors import Problem, SpecError, UsageError, quote
from .formula import FormulaError, parse_expression
from .hints import describe, nearest
from .values import ValueReader
from .yamlsafe import Document

EXPRESSION_KEYS = ("name", "description", "expression", "at")
OPTION = "--expr"  # what a problem in --expr's text names as its file


@dataclass
class ExpressionSpec:
    """A validated expression: its graph and the point it is evaluated at."""

    graph: Graph
    at: dict[str, float]
    text: str = ""  # the expression as written
    name: str = ""
    description: str = ""
    file: str = OPTION
    document: Document | None = field(default=None, repr=False)
    # a formula's (line, column) -> the file's, for messages
    place: Callable[[int, int], tuple[int, int]] = field(default=lambda line, column: (line, column), repr=False)

    kind = EXPRESSION  # what it computes (core.computation)

    def summary(self) -> dict:
        """What `backprop examples` lists of it: its steps."""
        return {"expression": [n.name for n in self.graph.nodes if n.op]}

    def compute(self, learning_rate: float | None = None) -> ExpressionResult:
        """Values, derivatives and paths at the point; SpecError at the step that is undefined there.
        (An expression has no update: a learning rate is refused.)"""
        if learning_rate is not None:
            raise UsageError("a learning rate means something for a network, not for an expression")
        try:
            return ExpressionResult(self.graph, self.at, self.name, self.description)
        except UndefinedStep as exc:
            line, column = self.place(exc.line, exc.column)
            raise SpecError([Problem(self.file, line, column, str(exc), "choose a point where every step is "
                                     "defined (--at NAME=VALUE)")]) from None


def _check_point(graph: Graph, at: dict[str, float], problem) -> None:
    """Every variable has a value; every value names a variable. `problem(name, message, hint)`."""
    variables = [graph.nodes[i].name for i in graph.variables()]
    for name in variables:
        if name not in at:
            problem(None, f"'{name}' has no value", f"give one: at: {{{name}: 0.5}} (or --at {name}=0.5)")
    steps = {n.name for n in graph.nodes if n.op is not None}
    for name in at:
        if name in variables:
            continue
        if name in CONSTANTS:
            problem(name, f"'{name}' is the constant {CONSTANTS[name]:.6g}", "give values only to the formula's names")
        elif name in steps:
            problem(name, f"'{name}' is a step of the expression, computed from the others",
                    "give values only to names that no step defines")
        else:
            problem(name, f"the expression has no name '{quote(name)}'", nearest(name, variables))


def expression_from_text(text: str, at: dict[str, float], name: str = "") -> ExpressionSpec:
    """An expression from `--expr TEXT` and `--at` values; SpecError naming the option."""
    try:
        graph = parse_expression(text)
    except FormulaError as exc:
        raise SpecError([Problem(OPTION, exc.line, exc.column, exc.message, exc.hint)]) from None
    problems: list[Problem] = []
    _check_point(graph, at, lambda _name, message, hint: problems.append(Problem("--at", 1, 1, message, hint)))
    if problems:
        raise SpecError(problems)
    steps = [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()]
    title = "; ".join(steps)
    return ExpressionSpec(graph, dict(at), text, name or (title if len(title) <= 70 else title[:69] + "…"))


def with_point(spec: ExpressionSpec, at: dict[str, float]) -> ExpressionSpec:
    """`spec` with some of its names given other values (--at); SpecError for a name it lacks."""
    problems: list[Problem] = []
    point = {**spec.at, **at}
    _check_point(spec.graph, point, lambda _name, message, hint: problems.append(Problem("--at", 1, 1, message, hint)))
    if problems:
        raise SpecError(problems)
    return dataclasses.replace(spec, at=point)


class ExpressionReader(ValueReader):
    """Reads a YAML document holding `expression:` and `at:`."""

    def read(self, extra_at: dict[str, float] | None = None, known: tuple[str, ...] = EXPRESSION_KEYS
             ) -> ExpressionSpec:
        """The expression and its point; `known`: the keys the document may hold (an answers
        file's own keys too, which its reader checks)."""
        data = self.doc.data
        if known == EXPRESSION_KEYS:
            self._unknown_keys(data, (), EXPRESSION_KEYS)
        name, description = self._text(data, "name"), self._text(data, "description")
        text = data.get("expression")
        graph = None
        if not isinstance(text, str) or not text.strip():
            self.fail(("expression",), f"'expression' must be a formula, not {describe(text)}",
                      "write `expression: exp(x^2)`, or named steps under `expression: |`, one per line")
        else:
            try:
                graph = parse_expression(text)
            except FormulaError as exc:
                line, column = self._place(exc.line, exc.column)
                message = exc.placed(self._place(exc.line, exc.refers)[1]) if exc.refers else exc.message
                self.problems.append(Problem(self.doc.file, line, column, message, exc.hint))
        at = self._at(data.get("at", {}))
        at.update(extra_at or {})
        if graph is not None and not self.problems:
            def problem(key, message, hint):
                self.fail(("at", key) if key is not None and ("at", key) in self.doc.locations else ("at",)
                          if "at" in data else (), message, hint, at_key=key is not None)
            _check_point(graph, at, problem)
        if self.problems:
            raise SpecError(self.problems)
        return ExpressionSpec(graph, at, text, name or "expression", description, self.doc.file, self.doc, self._place)

    def _at(self, value: Any) -> dict[str, float]:
        if not isinstance(value, dict):
            self.fail(("at",), f"'at' must be a mapping of names to numbers, not {describe(value)}",
                      "write `at: {x: 0.5, y: -1}`")
            return {}
        at = {}
        for key, number in value.items():
            parsed = self._number(("at", key), number)
            if parsed is not None:
                at[str(key)] = parsed
        return at

    def _place(self, line: int, column: int) -> tuple[int, int]:
        """Where the formula's (line, column) is in the file."""
        start_line, start_column = self.doc.locations.get(("expression",), (1, 1))
        lines = self.doc.text.splitlines()
        first = lines[start_line - 1][start_column - 1:] if start_line <= len(lines) else ""
        if first[:1] in ("|", ">"):  # a block scalar: its lines follow, indented alike
            body = [text for text in lines[start_line:] if text.strip()]
            indent = len(body[0]) - len(body[0].lstrip(" ")) if body else 0
            return start_line + line, indent + column
        quoted = 1 if first[:1] in ("'", '"') else 0
        return (start_line, start_column + quoted + column - 1) if line == 1 else (start_line + line - 1, column)


def parse_point(pairs: tuple[str, ...]) -> dict[str, float]:
    """`--at x=0.5 --at y=-1` (or `--at x=0.5,y=-1`) as a mapping; ValueError with the reason."""
    at: dict[str, float] = {}
    for item in (part for pair in pairs for part in pair.split(",") if part.strip()):
        name, equals, text = item.partition("=")
        if not equals or not name.strip():
            raise ValueError(f"'{quote(item)}' is not NAME=VALUE (e.g. --at x=0.5)")
        if name.strip() in at:
            raise ValueError(f"{quote(name.strip())} is given twice")
        try:
            if not re.fullmatch(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*", text):
                raise ValueError(text)
            number = float(text)
        except ValueError:
            raise ValueError(f"'{quote(text)}' in {quote(item)} is not a number") from None
        if not math.isfinite(number):
            raise ValueError(f"'{quote(text)}' in {quote(item)} is not a finite number")
        at[name.strip()] = number
    return at
