"""grading.quantities: answer keys parsed, checked against the network, and evaluated (oracle: tests/oracle.py)."""
import math

import pytest
from conftest import SPECS, oracle_problem
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import batch_loss
from oracle import forward as oracle_forward

from backprop_cli.core.names import Name, notation
from backprop_cli.grading.quantities import (
    Quantity,
    QuantityError,
    chain_position,
    check_quantity,
    evaluate,
    node_at,
    parse_quantity,
    shown,
)
from backprop_cli.spec.reader import load_spec

DEFAULT = notation("default")
PADHAI = notation("padhai")


@pytest.mark.parametrize("text, kind, name, sample, parameter", [
    ("loss", "value", "L", None, False), ("L", "value", "L", None, False), (" a12 ", "value", "a12", None, False),
    ("dL/dz21", "gradient", "z21", None, False), ("∂L/∂w212", "gradient", "w212", None, True),
    ("w212_new", "updated", "w212", None, True), ("z21[2]", "value", "z21", 2, False),
    ("dL/dx1[3]", "gradient", "x1", 3, False), ("b2_new", "updated", "b2", None, True),
    ("w2_1_2", "value", "w212", None, True), ("yhat1", "value", "yhat1", None, False),
])
def test_parse(text, kind, name, sample, parameter):
    q = parse_quantity(text)
    assert (q.text, q.kind, str(q.name), q.sample, q.is_parameter) == (text.strip(), kind, name, sample, parameter)


@pytest.mark.parametrize("text, message", [
    ("dE/dw1", "unknown quantity 'dE/dw1'"), ("a12_new", "'a12_new': only weights and biases have a value after "
                                                         "the update"),
    ("1x", "unknown quantity '1x'"), ("", "unknown quantity ''"), ("w1\n2", "unknown quantity 'w1\\x0a2'"),
    ("x" * 10_000, "unknown quantity '" + "x" * 59 + "…'"),
])
def test_parse_refuses(text, message):
    with pytest.raises(QuantityError) as info:
        parse_quantity(text)
    assert str(info.value) == message
    if "unknown" in message:
        assert info.value.hint.startswith("write loss, a node (x1, z21, a12, yhat1)")


def test_parse_in_a_course_notation():
    spec = load_spec(SPECS / "mazur-2-2-2.yaml")
    course = notation("default", spec.network.names)
    assert parse_quantity("E_total", course).name == Name("L", ())
    assert str(parse_quantity("dE_total/dw5", course).name) == "w211"
    assert str(parse_quantity("out_h1", course).name) == "a11"
    assert str(parse_quantity("dL/dw5", course).name) == "w211"  # L is always the loss too
    with pytest.raises(QuantityError):
        parse_quantity("dE/dw5", course)
    assert str(parse_quantity("h12", PADHAI).name) == "h12"


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(["w", "b", "z", "a", "x"]), st.integers(1, 9), st.integers(1, 9), st.integers(1, 9),
       st.sampled_from(["", "dL/d", "∂L/∂"]))
@pytest.mark.slow
def test_parse_property(kind, i, j, k, prefix):
    indices = {"w": (i, j, k), "b": (i, j), "z": (i, j), "a": (i, j), "x": (i,)}[kind]
    text = prefix + kind + "".join(map(str, indices))
    q = parse_quantity(text)
    assert q.name == Name(kind, indices) and q.kind == ("gradient" if prefix else "value")


def test_node_at_and_shown():
    result = load_spec(SPECS / "padhai-4-4-2.yaml").compute()
    assert node_at(result, Name("x", (2,)), DEFAULT) == ("a", 0, 1)
    assert node_at(result, Name("z", (1, 3)), DEFAULT) == ("z", 1, 2)
    assert node_at(result, Name("yhat", (2,)), DEFAULT) == ("a", 2, 1)
    assert node_at(result, Name("h", (1, 1)), PADHAI) == ("a", 1, 0)
    with pytest.raises(QuantityError, match="^the network has no z15$") as info:
        node_at(result, Name("z", (1, 5)), DEFAULT)
    assert info.value.hint == "layer 0 (input): 4 neurons, layer 1: 4 neurons, layer 2: 2 neurons"
    with pytest.raises(QuantityError, match="^'h11' is not a node name in the default notation$"):
        node_at(result, Name("h", (1, 1)), DEFAULT)
    with pytest.raises(QuantityError, match="no z01"):
        node_at(result, Name("z", (0, 1)), DEFAULT)
    mazur = load_spec(SPECS / "mazur-2-2-2.yaml").compute()
    course = notation("default", mazur.network.names)
    assert shown(Name("z", (1, 1)), course) == "net_h1" and shown(Name("w", (2, 1, 1)), course) == "w5"


def test_check_quantity():
    result = load_spec(SPECS / "padhai-4-4-2.yaml").compute()
    check_quantity(result, parse_quantity("dL/dw212"), DEFAULT)
    check_quantity(result, parse_quantity("loss"), DEFAULT)
    with pytest.raises(QuantityError, match="^the network has no parameter w999$"):
        check_quantity(result, parse_quantity("w999"), DEFAULT)
    with pytest.raises(QuantityError, match=r"^'a12\[2\]': there is no sample 2$"):
        check_quantity(result, parse_quantity("a12[2]"), DEFAULT)
    batch = load_spec(SPECS / "batch-average.yaml").compute()
    with pytest.raises(QuantityError, match=r"^'a12': the spec is a batch of 3 samples$") as info:
        check_quantity(batch, parse_quantity("a12"), DEFAULT)
    assert info.value.hint == "name the sample: a12[1] .. a12[3]"
    check_quantity(batch, parse_quantity("a12[3]"), DEFAULT)


def test_evaluate_against_the_oracle():
    layers, inputs, targets, loss, reduction, rate = oracle_problem(SPECS / "mazur-2-2-2.yaml")
    result = load_spec(SPECS / "mazur-2-2-2.yaml").compute()
    zs, acts = oracle_forward(layers, inputs[0])
    value = lambda text: evaluate(result, parse_quantity(text), DEFAULT)  # noqa: E731
    assert math.isclose(value("loss"), batch_loss(layers, inputs, targets, loss, reduction), rel_tol=1e-12)
    assert value("dL/dL") == 1.0
    assert math.isclose(value("z12"), zs[0][1], rel_tol=1e-12)
    assert math.isclose(value("a11"), acts[1][0], rel_tol=1e-12)
    assert math.isclose(value("yhat2"), acts[2][1], rel_tol=1e-12)
    assert value("x2") == inputs[0][1]
    y1, t1 = acts[2][0], targets[0][0]
    assert math.isclose(value("dL/dyhat1"), y1 - t1, rel_tol=1e-12)  # ½(ŷ − y)²
    assert math.isclose(value("dL/dz21"), (y1 - t1) * y1 * (1 - y1), rel_tol=1e-12)
    assert value("w211") == 0.4
    assert math.isclose(value("dL/dw211"), (y1 - t1) * y1 * (1 - y1) * acts[1][0], rel_tol=1e-12)
    assert value("w211_new") == 0.4 - rate * value("dL/dw211")
    h = 1e-6
    nudged = [[inputs[0][0] + h, inputs[0][1]]], [[inputs[0][0] - h, inputs[0][1]]]
    numeric = (batch_loss(layers, nudged[0], targets, loss) - batch_loss(layers, nudged[1], targets, loss)) / (2 * h)
    assert math.isclose(value("dL/dx1"), numeric, rel_tol=1e-5)


def test_evaluate_batch_sample_share():
    layers, inputs, targets, loss, reduction, _ = oracle_problem(SPECS / "batch-average.yaml")
    result = load_spec(SPECS / "batch-average.yaml").compute()
    for s in (1, 3):
        zs, _ = oracle_forward(layers, inputs[s - 1])
        assert math.isclose(evaluate(result, parse_quantity(f"z11[{s}]"), DEFAULT), zs[0][0], rel_tol=1e-12)
    # the gradient of one sample's node is its share of the mean loss: the per-sample gradient / 3
    total = sum(evaluate(result, parse_quantity(f"dL/dyhat1[{s}]"), DEFAULT) for s in (1, 2, 3))
    expected = 0.0
    for x, t in zip(inputs, targets):
        yhat = oracle_forward(layers, x)[1][-1][0]
        expected += (yhat - t[0]) / 3  # half squared error, mean over 3
    assert math.isclose(total, expected, rel_tol=1e-12)


def test_chain_position_orders_the_computation():
    texts = ["x1", "z11", "a11", "z21", "yhat1", "loss", "dL/dyhat1", "dL/dz21", "dL/da11", "dL/dz11", "w211_new"]
    positions = [chain_position(parse_quantity(t), DEFAULT, 2) for t in texts]
    assert positions == sorted(positions)
    assert chain_position(Quantity("w111", "value", Name("w", (1, 1, 1)), None), DEFAULT, 2) == (0, 1, 0)
