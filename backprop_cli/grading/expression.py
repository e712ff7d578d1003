"""Answers about an expression (`expression:` and `at:` in the answers file): quantities `h2` (a
value) and `dy/dh1` (the output's derivative), graded with diagnoses of the chain rule's own slips."""
from __future__ import annotations

import re

from ..core.graph import ExpressionResult
from ..core.names import Name
from ..core.numbers import number
from ..errors import quote
from .matching import matching
from .quantities import Quantity, QuantityError

_DERIVATIVE = re.compile(r"(?:d(?P<of>\w+)/d|∂(?P<of2>\w+)/∂)(?P<name>\w+)")
MAX_LISTED_PATHS = 64  # a derivative with more paths is not checked path by path


def parse_expression_quantity(text: str, result: ExpressionResult) -> Quantity:
    """`h2` or `dy/dh1` (`∂y/∂h1`) for an expression; QuantityError when it names nothing there."""
    raw = str(text).strip()
    out = result.output_name
    m = _DERIVATIVE.fullmatch(raw)
    if m:
        of, name, kind = m.group("of") or m.group("of2"), m.group("name"), "gradient"
        if of != out:
            raise QuantityError(f"'{quote(raw)}': the expression's output is {out}, not {quote(of)}",
                                f"write d{out}/d<name>, e.g. d{out}/d{result.input_rows()[0][0]}")
    else:
        name, kind = raw, "value"
    try:
        result.index(name)
    except KeyError as exc:
        raise QuantityError(str(exc.args[0]), f"write a name (a value) or d{out}/d<name> (a derivative)") from None
    return Quantity(raw, kind, Name(name, ()), None)


def expression_value(result: ExpressionResult, q: Quantity) -> float:
    """The true value of a quantity about an expression."""
    name = q.name.kind  # an expression's quantity keeps its node's name there
    return result.derivative(name) if q.kind == "gradient" else result.value(name)


class ExpressionDiagnoser:
    """Names the chain rule's slips: a path left out, one path taken for the sum, the sign."""

    notation = None

    def __init__(self, result: ExpressionResult):
        self.result = result
        self.shared: dict = {}  # what every file's judge on this expression asks alike (grading.judging)

    def candidates(self, q: Quantity, expected: float):
        """(value a slip gives, the sentence that names it)."""
        r, name = self.result, q.name.kind
        yield -expected, "the sign is flipped", "sign_flipped"
        if q.kind != "gradient":
            return
        count = r.path_count(r.index(name))
        if 1 < count <= MAX_LISTED_PATHS:
            trace = r.trace(name, count)
            for k, path in enumerate(trace.paths, start=1):
                route = " → ".join(path.nodes)
                yield path.product, (f"this is path {k} alone ({route}); {name} has {count} paths from "
                                     f"{r.output_name}, and the derivative is the sum of all of them"), "one_path_only"
                yield expected - path.product, (f"this leaves out path {k} ({route}, product "
                                                f"{number(path.product, 4)}); the derivative sums all {count}"), \
                    "path_left_out"
                minus = [f.symbol for f in path.factors if f.formula in ("−1", "-1")]  # a subtraction's, a negation's
                if minus:  # that minus sign lost (∂(q − x)/∂x taken as +1): the path's sign flipped
                    yield expected - 2 * path.product, (f"this takes path {k} ({route}, product "
                                                        f"{number(path.product, 4)}) with its sign flipped: "
                                                        f"{minus[0]} is −1"), "sign_flipped"
        for other, _value, gradient in r.input_rows():
            if other != name:
                yield gradient, f"this is ∂{r.output_name}/∂{other}, not ∂{r.output_name}/∂{name}", "other_variable"
        yield (r.value(name), f"this is the value of {name}, not the derivative ∂{r.output_name}/∂{name}",
               "value_for_derivative")

    def diagnose(self, answer, expected: float, tolerance, reached=None) -> str | None:
        """The sentence for the slip the given answer matches, if one does."""
        return self.diagnosis(answer, expected, tolerance, reached)[0]

    def diagnosis(self, answer, expected: float, tolerance, reached=None, also=(),
                  only_also: bool = False) -> tuple[str | None, list[dict]]:
        """The sentence and the {"code", "text"} of each slip the given answer matches."""
        candidates = [] if only_also else list(self.candidates(answer.quantity, expected))
        return matching(candidates + list(also), answer, expected, tolerance, reached)
