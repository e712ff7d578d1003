"""spec.expression: expression specs from YAML and from --expr/--at, their points, and located problems."""
import math
from pathlib import Path

import pytest
from conftest import EXPRESSION_EXAMPLES, SPECS

from backprop_cli.errors import SpecError, UsageError
from backprop_cli.spec.expression import (
    OPTION,
    ExpressionReader,
    ExpressionSpec,
    expression_from_text,
    parse_point,
    with_point,
)
from backprop_cli.spec.reader import load_spec, parse_spec
from backprop_cli.spec.yamlsafe import parse


def spec(text: str) -> ExpressionSpec:
    return parse_spec(text, "e.yaml", Path("."))


def refusal(text: str) -> str:
    with pytest.raises(SpecError) as info:
        parse_spec(text, "e.yaml", Path("."))
    return str(info.value)


def test_cs231n_circuit_published_numbers():
    result = load_spec(SPECS / "cs231n-circuit.yaml").compute()
    assert result.output == -12.0
    assert (result.derivative("x"), result.derivative("y"), result.derivative("z")) == (-4.0, -4.0, 3.0)
    assert result.value("q") == 3.0


@pytest.mark.parametrize("name", EXPRESSION_EXAMPLES)
def test_examples_load_as_expressions(name):
    loaded = load_spec(SPECS / f"{name}.yaml")
    assert isinstance(loaded, ExpressionSpec) and loaded.file.endswith(f"{name}.yaml")
    assert math.isfinite(loaded.compute().output)
    assert loaded.summary()["expression"][-1] == loaded.graph.nodes[loaded.graph.output].name


def test_sigmoid_neuron_against_plain_arithmetic():
    s = spec("expression: sigmoid(w0*x0 + w1*x1 + w2)\nat: {w0: 2, x0: -1, w1: -3, x1: -2, w2: -3}\n")
    z = 2 * -1 + -3 * -2 + -3
    sig = 1 / (1 + math.exp(-z))
    result = s.compute()
    assert math.isclose(result.output, sig, rel_tol=1e-15)
    assert math.isclose(result.derivative("w0"), -1 * sig * (1 - sig), rel_tol=1e-12)
    assert math.isclose(result.derivative("x0"), 2 * sig * (1 - sig), rel_tol=1e-12)


def test_defaults_and_summary():
    s = spec("expression: x*y\nat: {x: 1, y: 2}\n")
    assert s.name == "expression" and s.at == {"x": 1.0, "y": 2.0} and s.text == "x*y"
    assert s.summary() == {"expression": ["f"]}
    named = spec("name: mine\ndescription: d\nexpression: |\n  q = x + y\n  f = q * 2\nat: {x: 1, y: 2}\n")
    assert (named.name, named.description, named.summary()) == ("mine", "d", {"expression": ["q", "f"]})


def test_compute_refuses_a_learning_rate():
    with pytest.raises(UsageError, match="a learning rate means something for a network, not for an expression"):
        spec("expression: x\nat: {x: 1}\n").compute(0.1)


def test_undefined_step_is_located_in_the_file():
    s = spec("expression: |\n  a = x\n  b = log(a)\nat: {x: -1}\n")
    with pytest.raises(SpecError) as info:
        s.compute()
    assert str(info.value) == ("e.yaml:3:7: b = log(a) at a = -1: log needs a positive number\n"
                               "  hint: choose a point where every step is defined (--at NAME=VALUE)")


@pytest.mark.parametrize("text, message", [
    ("expression: |\n  q = x + y\n  f = q * z\nat: {x: 1, y: 2}\n",
     "e.yaml:4:5: 'z' has no value\n  hint: give one: at: {z: 0.5} (or --at z=0.5)"),
    ("expression: |\n  q = x + y\n  f = q * (z\nat: {x: 1, y: 2, z: 3}\n", "e.yaml:3:13: expected a ')' to close"),
    ("expression: 'x * (y'\nat: {x: 1, y: 2}\n", "e.yaml:1:20: expected a ')' to close"),
    ("expression: x * (y\nat: {x: 1, y: 2}\n", "e.yaml:1:19: expected a ')' to close"),
    ("expression: x*y\nat: {x: 1, y: 2, pi: 3, w: 1}\n",
     "e.yaml:2:18: 'pi' is the constant 3.14159\n  hint: give values only to the formula's names\n"
     "e.yaml:2:25: the expression has no name 'w'\n  hint: known: x, y"),
    ("expression: |\n  q = x + y\n  f = q*2\nat: {x: 1, y: 2, q: 3}\n",
     "e.yaml:4:18: 'q' is a step of the expression, computed from the others"),
    ("expression: x*y\nat: [1]\n", "e.yaml:2:5: 'at' must be a mapping of names to numbers, not a list\n"
                                   "  hint: write `at: {x: 0.5, y: -1}`"),
    ("expression: 3\nat: {}\n", "e.yaml:1:13: 'expression' must be a formula, not the number 3"),
    ("expression: ' '\nat: {}\n", "e.yaml:1:13: 'expression' must be a formula, not the text ' '"),
    ("expression: x*y\nat: {x: a}\nfoo: 1\n", "e.yaml:2:9: expected a number, got 'a'\n  hint: write a number such "
                                              "as 0.5, -1 or 1e-3\ne.yaml:3:1: unknown key 'foo'"),
    ("expression: x\n", "e.yaml:1:1: 'x' has no value"),
    ("expression: x\nat: {x: 1e999}\n", "e.yaml:2:9: '1e999' is not a finite float64 number"),
])
def test_refusals_are_located(text, message):
    assert refusal(text).startswith(message)


def test_unclosed_parenthesis_names_the_file_column():
    assert refusal("expression: x * (y\nat: {x: 1, y: 2}\n").startswith(
        "e.yaml:1:19: expected a ')' to close the '(' at column 17")


def test_reader_with_extra_point_and_known_keys():
    doc = parse("expression: x*y\nat: {x: 1}\nanswers: 1\n", "a.yaml")
    s = ExpressionReader(doc, Path("."), False).read({"y": 4.0}, known=("expression", "at", "answers"))
    assert s.at == {"x": 1.0, "y": 4.0} and s.compute().output == 4.0


def test_expression_from_text():
    s = expression_from_text("h = x\nf = h*2 # doubled", {"x": 1.5})
    assert s.file == OPTION == "--expr" and s.name == "h = x; f = h*2" and s.compute().output == 3.0
    assert expression_from_text("x", {"x": 1}, name="given").name == "given"
    long = expression_from_text("+".join(["x"] * 40), {"x": 1.0})
    assert len(long.name) == 70 and long.name.endswith("…")


@pytest.mark.parametrize("text, at, message", [
    ("x*y", {"x": 1}, "--at:1:1: 'y' has no value\n  hint: give one: at: {y: 0.5} (or --at y=0.5)"),
    ("x*y", {"x": 1, "y": 2, "z": 3}, "--at:1:1: the expression has no name 'z'\n  hint: known: x, y"),
    ("x*(y", {}, "--expr:1:5: expected a ')' to close the '(' at column 3, found the end of the line"),
])
def test_expression_from_text_refusals(text, at, message):
    with pytest.raises(SpecError) as info:
        expression_from_text(text, at)
    assert str(info.value).startswith(message)


def test_with_point_replaces_values_without_changing_the_original():
    s = expression_from_text("x*y", {"x": 1.0, "y": 2.0})
    moved = with_point(s, {"y": 5.0})
    assert moved.at == {"x": 1.0, "y": 5.0} and s.at == {"x": 1.0, "y": 2.0}
    assert moved.compute().output == 5.0
    with pytest.raises(SpecError, match=r"^--at:1:1: the expression has no name 'q'"):
        with_point(s, {"q": 5.0})


@pytest.mark.parametrize("pairs, point", [
    (("x=0.5",), {"x": 0.5}), (("x=0.5,y=-1",), {"x": 0.5, "y": -1.0}), (("x=1", "y=2e3"), {"x": 1.0, "y": 2000.0}),
    (("x= 1 ",), {"x": 1.0}), ((" , ",), {}), ((), {}), (("x=.5",), {"x": 0.5}), (("x=+3.",), {"x": 3.0}),
])
def test_parse_point(pairs, point):
    assert parse_point(pairs) == point


@pytest.mark.parametrize("pairs, message", [
    (("x",), "'x' is not NAME=VALUE (e.g. --at x=0.5)"),
    (("=1",), "'=1' is not NAME=VALUE (e.g. --at x=0.5)"),
    (("x=1", "x=2"), "x is given twice"),
    (("x=abc",), "'abc' in x=abc is not a number"),
    (("x=inf",), "'inf' in x=inf is not a number"),
    (("x=nan",), "'nan' in x=nan is not a number"),
    (("x=1_0",), "'1_0' in x=1_0 is not a number"),
    (("x=1e999",), "'1e999' in x=1e999 is not a finite number"),
    (("x=\x1b[2J",), "'\\x1b[2J' in x=\\x1b[2J is not a number"),
])
def test_parse_point_refusals(pairs, message):
    with pytest.raises(ValueError) as info:
        parse_point(pairs)
    assert str(info.value) == message


def test_parse_point_huge_number():
    digits = "9" * 10_000
    with pytest.raises(ValueError, match="is not a finite number"):
        parse_point((f"x={digits}.0e999",))
    assert parse_point((f"x={'1' + '0' * 300}",)) == {"x": 1e300}
