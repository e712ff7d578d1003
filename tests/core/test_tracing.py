"""core.tracing: the Trace object of a network, against the result's own arrays and hand-made names."""
import numpy as np
import pytest

from backprop_cli.core.engine import run
from backprop_cli.core.functions import LOSSES, activation
from backprop_cli.core.names import notation
from backprop_cli.core.network import Layer, Network
from backprop_cli.core.tracing import Trace, build_trace


def result(samples=2, loss="squared_error", names=None):
    net = Network([Layer(np.array([[0.4, -0.6], [0.9, 0.2]]), np.array([0.1, -0.2]), activation("tanh")),
                   Layer(np.array([[0.7, -0.5]]), np.array([0.1]), activation("leaky_relu", 0.2))],
                  LOSSES[loss], names=names or {})
    x = np.array([[0.3, -0.8], [1.0, 0.5]][:samples])
    y = np.array([[0.2], [0.6]][:samples])
    return run(net, x, y, 0.25)


def test_trace_of_a_batch():
    r = result()
    t = build_trace(r, notation("default"), None, 8, title="demo", description="two samples")
    assert (t.title, t.description, t.sizes, t.activations) == ("demo", "two samples", [2, 2, 1],
                                                                ["tanh", "leaky_relu(alpha=0.2)"])
    assert t.loss_name == "squared_error" and t.loss_formula == "Σj (ŷj − yj)²" and t.loss == r.loss
    assert t.per_sample_loss == pytest.approx(r.per_sample_loss.tolist())
    assert t.learning_rate == 0.25 and t.reduction == "mean" and t.samples == [1, 2] and t.batch
    assert t.inputs == [("x1", [0.3, 1.0]), ("x2", [-0.8, 0.5])]
    assert [(n.layer, n.pre_name, n.post_name) for n in t.neurons] == [(1, "z11", "a11"), (1, "z12", "a12"),
                                                                       (2, "z21", "yhat1")]
    out = t.neurons[2]
    assert out.target == [0.2, 0.6] and t.neurons[0].target is None
    assert out.z == pytest.approx(r.z[2][:, 0].tolist()) and out.a == pytest.approx(r.a[2][:, 0].tolist())
    assert t.neurons[1].grad_a == pytest.approx(r.grad_a[1][:, 1].tolist())
    assert t.neurons[1].delta == pytest.approx(r.deltas[1][:, 1].tolist())
    assert [p.name for p in t.parameters] == ["w111", "w112", "w121", "w122", "b11", "b12", "w211", "w212", "b21"]
    assert t.parameters[0].gradient == r.gradient("w111")
    assert t.notation == "default" and t.batch_size == 2 and t.loss_symbol == "L" and t.target_letter == "y"
    assert Trace.kind == "network"
    assert [p.layer for p in t.ordered()] == [2, 2, 2, 1, 1, 1, 1, 1, 1]
    assert [p.layer for p in t.ordered("forward")] == [1] * 6 + [2] * 3
    assert [p.name for p in t.ordered()][:3] == ["w211", "w212", "b21"]


def test_trace_of_one_sample_and_of_nodes():
    r = result()
    t = build_trace(r, notation("padhai"), ["w212"], 8, sample=2, nodes=["h11", "x2[1]"])
    assert t.samples == [2] and not t.batch and t.batch_size == 2
    assert t.loss == pytest.approx(r.per_sample_loss[1]) and t.per_sample_loss == pytest.approx([r.per_sample_loss[1]])
    assert t.inputs == [("x1", [1.0]), ("x2", [0.5])]
    assert [(n.pre_name, n.post_name) for n in t.neurons] == [("a11", "h11"), ("a12", "h12"), ("a21", "yhat1")]
    assert t.neurons[2].target == [0.6]
    w212, h11, x2 = t.parameters
    assert w212.name == "w212" and w212.gradient == pytest.approx(r.per_sample_gradient("w212")[1])
    assert h11.name == "h11[2]" and h11.node and h11.gradient == pytest.approx(0.5 * r.grad_a[1][1, 0])
    assert x2.name == "x2[1]" and x2.value == -0.8
    assert t.notation == "padhai"
    none = build_trace(r, notation("default"), [], 8)
    assert none.parameters == []


def test_loss_symbol_and_target_letter():
    r = result(samples=1, loss="none", names={"L": "f"})
    t = build_trace(r, notation("default", r.network.names), [], 8)
    assert t.loss_symbol == "f" and t.target_letter == "g" and not t.batch


def test_defaults_and_shared_biases():
    net = Network([Layer(np.array([[0.4, -0.6], [0.9, 0.2]]), np.array([0.1, 0.1]), activation("tanh"), "shared"),
                   Layer(np.array([[0.7, -0.5]]), np.array([0.0]), activation("linear"), "none")], LOSSES["mse"])
    r = run(net, np.array([[0.3, -0.8]]), np.array([[0.2]]))
    t = build_trace(r, notation("default"), None, 8)
    assert t.title == "" and t.description == ""
    assert [p.name for p in t.parameters] == ["w111", "w112", "w121", "w122", "b1", "w211", "w212"]
