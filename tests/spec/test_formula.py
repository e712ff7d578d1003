"""spec.formula: the formula parser, against an evaluator of the same trees written in the test, and
every refusal at its line and column."""
import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from backprop_cli.core.graph import ExpressionResult
from backprop_cli.spec.formula import MAX_NESTING, MAX_TEXT, FormulaError, parse_expression


def value(text: str, **at) -> float:
    return ExpressionResult(parse_expression(text), {k: float(v) for k, v in at.items()}).output


def refusal(text: str) -> tuple:
    with pytest.raises(FormulaError) as info:
        parse_expression(text)
    exc = info.value
    assert str(exc) == exc.message
    return exc.line, exc.column, exc.message


@pytest.mark.parametrize("text, expected", [
    ("2^3^2", 2 ** 9), ("2**3**2", 2 ** 9), ("-2^2", -4.0), ("(-2)^2", 4.0), ("2*-3", -6.0),
    ("1 - 2 - 3", -4.0), ("8 / 4 / 2", 1.0), ("1 + 2 * 3", 7.0), ("+5", 5.0), ("--5", 5.0),
    ("e^1", math.e), ("ln(e)", 1.0), ("pi", math.pi), (".5 + 2.", 2.5), ("1e-3 * 1E3", 1.0),
    ("max(1, 2) + min(1, 2)", 3.0), ("abs(-3)", 3.0), ("sqrt(16)", 4.0), ("sigmoid(0)", 0.5), ("relu(-1)", 0.0),
    ("tanh(0) + sin(0) + cos(0) + tan(0)", 1.0), ("exp(0) + log(1)", 1.0), ("2 # a comment", 2.0),
])
def test_constant_formulas(text, expected):
    assert math.isclose(value(text), expected, rel_tol=1e-15)


def test_names_and_steps():
    graph = parse_expression("q = x + y\nf = q * z")
    assert [(n.name, n.op) for n in graph.nodes] == [("x", None), ("y", None), ("q", "add"), ("z", None), ("f", "mul")]
    result = ExpressionResult(graph, {"x": -2.0, "y": 5.0, "z": -4.0})
    assert (result.output, result.derivative("x"), result.derivative("y"), result.derivative("z")) == (-12, -4, -4, 3)


def test_unnamed_parts_are_numbered_and_output_named():
    assert [n.name for n in parse_expression("x*x + 1").nodes] == ["x", "h1", "1", "y"]
    assert parse_expression("x + y").nodes[-1].name == "f"  # y is taken: the output is f
    assert parse_expression("y + f").nodes[-1].name == "out"
    assert [n.name for n in parse_expression("x").nodes] == ["x", "y"]  # a lone variable gets a step
    assert [n.name for n in parse_expression("h1 = x\nb = h1 + x*x").nodes] == ["x", "h1", "h2", "b"]


def test_line_breaks_and_blank_lines():
    assert [n.name for n in parse_expression("a = x\r\n\r\n# note\rb = a*2\n").nodes if n.op] == ["a", "b"]


def test_greek_names():
    assert value("θ1 * 2", θ1=3) == 6.0


@pytest.mark.parametrize("text, where", [
    ("max(x)", (1, 1, "max takes 2 arguments, not 1")),
    ("exp(x, y)", (1, 1, "exp takes 1 argument, not 2")),
    ("foo(x)", (1, 1, "unknown function 'foo'")),
    ("x y", (1, 3, "unexpected 'y' after the formula")),
    ("y = y + 1", (1, 1, "the step 'y' uses its own name")),
    ("x.y", (1, 2, "unexpected '.' in the formula")),
    ("x[1]", (1, 2, "unexpected '[' in the formula")),
    ("'a'", (1, 1, "unexpected ''' in the formula")),
    ("x; y", (1, 2, "unexpected ';' in the formula")),
    ("x: 1", (1, 2, "unexpected ':' in the formula")),
    ("lambda", (1, 1, "'lambda' is a Python keyword, not part of a formula")),
    ("import = x", (1, 1, "'import' is a Python keyword, not part of a formula")),
    ("exp", (1, 1, "'exp' is a function")),
    ("exp = x", (1, 1, "'exp' is a function or constant, not a step name")),
    ("pi = 3", (1, 1, "'pi' is a function or constant, not a step name")),
    ("(x", (1, 3, "expected a ')' to close the '(' at column 1, found the end of the line")),
    ("exp(x", (1, 6, "expected a ')' to close exp(, found the end of the line")),
    ("x +", (1, 4, "the formula ends too early")),
    ("x + )", (1, 5, "expected a number, a name or '('")),
    ("1e999", (1, 1, "'1e999' is beyond float64")),
    ("", (1, 1, "the expression is empty")),
    ("# only\n  \n", (1, 1, "the expression is empty")),
    ("x\x07", (1, 2, "unexpected character U+0007 in the formula")),
    ("a = x\na = 2", (2, 1, "'a' is already a step")),
    ("b = a\na = x", (2, 1, "'a' is used before this step defines it")),
    ("a = x\n2 + x", (2, 1, "expected a step: name = formula")),
    ("π", (1, 1, "unexpected 'π' in the formula")),
    ("١٢", (1, 1, "unexpected '١' in the formula")),
    ("x=1=2", (1, 4, "unexpected '=' after the formula")),
    ("a = x\n  b = (a", (2, 9, "expected a ')' to close the '(' at column 7, found the end of the line")),
])
def test_refusals(text, where):
    assert refusal(text) == where


@pytest.mark.parametrize("text, where", [
    ("x \u00a0+ 1", (1, 3, "unexpected character U+00A0 in the formula")),
    ("x\u2028+ 1", (1, 2, "unexpected character U+2028 in the formula")),
    ("x + \x0b1", (1, 5, "unexpected character U+000B in the formula")),
])
def test_unusual_whitespace_is_named(text, where):
    assert refusal(text) == where


def test_hints():
    with pytest.raises(FormulaError) as info:
        parse_expression("x; y")
    assert info.value.hint == "put each step on a line of its own (a newline, not ;)"
    with pytest.raises(FormulaError) as info:
        parse_expression("x y")
    assert info.value.hint == "put an operator between the two: x*y, not x y"


@pytest.mark.slow
def test_limits():
    assert refusal("(" * (MAX_NESTING + 1) + "x" + ")" * (MAX_NESTING + 1))[2] == \
        f"the formula nests more than {MAX_NESTING} levels deep"
    assert refusal("-" * (MAX_NESTING + 1) + "x")[2] == f"the formula nests more than {MAX_NESTING} levels deep"
    assert value("(" * (MAX_NESTING - 1) + "2" + ")" * (MAX_NESTING - 1)) == 2.0
    assert refusal("x" * (MAX_TEXT + 1)) == (1, 1, f"the expression is {MAX_TEXT + 1:,} characters long")
    long_sum = parse_expression("+".join(["x"] * 20_000))  # a loop, not recursion
    assert ExpressionResult(long_sum, {"x": 1.0}).output == 20_000
    assert value("9" * 300) == float("9" * 300)


# -- a property: random formulas evaluated by the parser and by Python's own arithmetic ------------
def formulas():
    leaf = st.sampled_from(["x", "y", "2", "0.5", "3"])

    def extend(inner):
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            inner.map(lambda t: f"-({t})"),
            inner.map(lambda t: f"exp({t} * 0.1)"),
            inner.map(lambda t: f"tanh({t})"),
            st.tuples(inner, inner).map(lambda t: f"max({t[0]}, {t[1]})"),
        )

    return st.recursive(leaf, extend, max_leaves=8)


def python_value(text: str, x: float, y: float) -> float:
    return eval(text, {"exp": math.exp, "tanh": math.tanh, "max": max, "x": x, "y": y})  # the test's oracle


@pytest.mark.slow
@settings(max_examples=50, deadline=None)
@given(formulas(), st.floats(-2, 2), st.floats(-2, 2))
@example("-(max(x, -(x)))", 5e-39, 0.5)  # a kink that central differences step over evenly
def test_random_formulas_evaluate_like_python(text, x, y):
    at = {}
    graph = parse_expression(text)
    names = {n.name for n in graph.nodes if n.op is None and n.constant is None}
    if "x" in names:
        at["x"] = x
    if "y" in names:
        at["y"] = y
    got = ExpressionResult(graph, at).output
    expected = python_value(text, x, y)
    assert math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-12)
    # and the derivative by central differences
    if "x" in at:
        def numeric(h):
            return (python_value(text, x + h, y) - python_value(text, x - h, y)) / (2 * h)

        exact = ExpressionResult(graph, at).derivative("x")
        # max is smooth away from ties (x and y, or x and 2x at 0): where two step sizes disagree, or the
        # slopes on either side do (max(x, -x) at x = 5e-39, whose central differences are 0 at every step),
        # a kink is within reach and central differences say nothing
        here = python_value(text, x, y)
        left, right = (here - python_value(text, x - 1e-6, y)) / 1e-6, (python_value(text, x + 1e-6, y) - here) / 1e-6
        smooth = math.isclose(numeric(1e-6), numeric(1e-7), rel_tol=1e-3, abs_tol=1e-5) and \
            math.isclose(left, right, rel_tol=1e-3, abs_tol=1e-4)
        if smooth and all(abs(a - b) > 1e-4 for a in (x, x + 1e-6, x - 1e-6) for b in (y,)):
            assert math.isclose(exact, numeric(1e-6), rel_tol=1e-4, abs_tol=1e-5)
