"""core.result: lookups by name, the update, parameter rows, forward values, input gradients, errors."""
import math

import numpy as np
import pytest
from oracle import batch_loss as oracle_loss
from oracle import finite_difference

from backprop_cli.core import computation
from backprop_cli.core.engine import run
from backprop_cli.core.functions import LOSSES, activation
from backprop_cli.core.network import Layer, Network
from backprop_cli.errors import NumericalError, UsageError

LAYERS = [{"activation": "tanh", "weights": [[0.4, -0.6], [0.9, 0.2], [-0.3, 0.8]], "biases": [0.1, -0.2, 0.05]},
          {"activation": "sigmoid", "weights": [[0.7, -0.5, 0.3], [-0.2, 0.6, 0.9]], "biases": [0.1, -0.3]}]
X = [[0.3, -0.8], [1.0, 0.5]]
Y = [[0.2, 0.9], [0.6, 0.1]]


def make(layers=LAYERS, loss="squared_error", reduction="mean", styles=None, **extra):
    styles = styles or ["each"] * len(layers)
    return Network([Layer(np.array(l["weights"], float), np.array(l["biases"], float),
                          activation(l["activation"]), s) for l, s in zip(layers, styles)],
                   LOSSES[loss], reduction, **extra)


def result(samples=2, rate=0.1, **kw):
    return run(make(**kw), np.array(X[:samples]), np.array(Y[:samples]), rate)


def test_values_gradients_and_updates_by_name():
    r = result()
    fd = finite_difference(LAYERS, X, Y, "squared_error")
    assert r.value("w212") == -0.5 and r.value("b13") == 0.05 and r.value("w2_1_2") == -0.5
    for (kind, l, j, k), expected in fd.items():
        name = f"{kind}{l}{j}{k}" if kind == "w" else f"b{l}{j}"
        assert r.gradient(name) == pytest.approx(expected, rel=1e-6, abs=1e-9)
        assert r.updated(name) == pytest.approx(r.value(name) - 0.1 * expected, rel=1e-9)
        assert not r.is_frozen(name)
    assert r.loss == pytest.approx(oracle_loss(LAYERS, X, Y, "squared_error"), rel=1e-13)
    assert r.samples == 2 and r.sizes == [2, 3, 2]


def test_per_sample_gradients_sum_to_the_batch_gradient():
    r = result()
    for name, (kind, l, j, k) in (("w121", ("w", 1, 2, 1)), ("b22", ("b", 2, 2, None))):
        per = r.per_sample_gradient(name)
        for s in range(2):
            one = finite_difference(LAYERS, [X[s]], [Y[s]], "squared_error")[(kind, l, j, k)]
            assert per[s] == pytest.approx(one, rel=1e-6)
        assert per.sum() / 2 == pytest.approx(r.gradient(name), rel=1e-12)


def test_parameter_index_and_its_errors():
    r = result()
    assert r.parameter_index("w212") == ("w", 2, 1, 2)
    assert r.parameter_index("b13") == ("b", 1, 3, None)
    with pytest.raises(UsageError, match=r"'z11' is not a parameter name; write w\{layer\}\{to\}\{from\} or "
                                         r"b\{layer\}\{neuron\}, e.g. w212 or w2_1_2 \(layer 1: w111..w132, "
                                         r"b11..b13; layer 2: w211..w223, b21..b22\)"):
        r.parameter_index("z11")
    for bad in ("w011", "b01", "w21"):
        with pytest.raises(UsageError, match="is not a parameter name"):
            r.parameter_index(bad)
    for bad in ("w311", "w141", "w123", "b14", "b23", "b1", "b31"):
        with pytest.raises(UsageError, match=f"the network has no parameter {bad} "):
            r.parameter_index(bad)
    shared = result(styles=["shared", "none"])
    assert shared.parameter_index("b1") == ("b", 1, None, None)
    for bad in ("b11", "b21", "b2"):
        with pytest.raises(UsageError, match="has no parameter"):
            shared.parameter_index(bad)


def test_shared_and_absent_biases():
    r = result(styles=["shared", "none"])
    layers = [dict(LAYERS[0], biases=[0.1] * 3, bias_style="shared"), dict(LAYERS[1], biases=[0.0, 0.0],
                                                                          bias_style="none")]
    r = run(make(layers, styles=["shared", "none"]), np.array(X), np.array(Y), 0.1)
    fd = finite_difference(layers, X, Y, "squared_error")
    assert r.gradient("b1") == pytest.approx(fd[("b", 1, None, None)], rel=1e-6)
    assert r.value("b1") == 0.1
    assert r.per_sample_gradient("b1").sum() / 2 == pytest.approx(r.gradient("b1"), rel=1e-12)
    rows = r.parameters()
    names = [row[0] for row in rows]
    assert names == ["w111", "w112", "w121", "w122", "w131", "w132", "b1", "w211", "w212", "w213",
                     "w221", "w222", "w223"]
    b1 = rows[6]
    assert b1[1] == 0.1 and b1[2] == pytest.approx(fd[("b", 1, None, None)], rel=1e-6)
    assert b1[3] == pytest.approx(0.1 - 0.1 * b1[2])
    stepped = r.stepped_arrays()
    assert stepped[0][1] == pytest.approx(np.full(3, b1[3])) and stepped[1][1].tolist() == [0.0, 0.0]


def test_parameter_rows_in_canonical_order_with_the_spec_s_names():
    r = result(names={"w111": "w1", "L": "E_total"})
    rows = r.parameters()
    assert [row[0] for row in rows][:2] == ["w1", "w112"] and len(rows) == 17
    assert rows[0] == ("w1", 0.4, pytest.approx(r.gradient("w111")), pytest.approx(0.4 - 0.1 * r.gradient("w111")))
    assert rows[-1][0] == "b22" and rows[-1][1] == -0.3
    few = r.parameters(["b22", "w1", "w212", "w212"])
    assert [row[0] for row in few] == ["w1", "w212", "b22"]
    assert few[1] == ("w212", -0.5, r.gradient("w212"), r.updated("w212"))
    assert r.shown_name("w111") == "w1" and r.shown_name("w1") == "w1" and r.shown_name("w112") == "w112"
    assert r.loss_symbol == "E_total" and r.output_symbol == "E_total"
    assert result().loss_symbol == "L"


def test_frozen_parameters_are_left_alone():
    r = result(frozen=frozenset({"w111", "b22"}))
    assert r.is_frozen("w111") and r.is_frozen("b22") and not r.is_frozen("w112")
    assert r.updated("w111") == 0.4 and r.updated("b22") == -0.3
    rows = {row[0]: row for row in r.parameters()}
    assert rows["w111"][3] == 0.4 and rows["b22"][3] == -0.3
    assert rows["w112"][3] == pytest.approx(-0.6 - 0.1 * r.gradient("w112"))
    trace = r.trace("w111")
    assert trace.frozen and trace.updated == 0.4


def test_forward_values_by_name():
    one = result(samples=1)
    fw = one.forward
    assert fw["x1"] == 0.3 and fw["x2"] == -0.8
    z11 = 0.4 * 0.3 + -0.6 * -0.8 + 0.1
    assert fw["z11"] == pytest.approx(z11) and fw["a11"] == pytest.approx(math.tanh(z11))
    assert fw["yhat2"] == pytest.approx(one.a[2][0, 1]) and fw["z22"] == pytest.approx(one.z[2][0, 1])
    assert "a21" not in fw and fw["L"] == one.loss
    assert one.forward is fw
    batch = result().forward
    assert batch["x1"].tolist() == [0.3, 1.0]
    assert batch["yhat1"].shape == (2,)


def test_input_rows_and_gradient():
    one = result(samples=1)
    eps = 1e-6
    rows = one.input_rows()
    assert [r[0] for r in rows] == ["x1", "x2"]
    for k in range(2):
        up, down = [list(X[0])], [list(X[0])]
        up[0][k] += eps
        down[0][k] -= eps
        fd = (oracle_loss(LAYERS, up, Y[:1], "squared_error")
              - oracle_loss(LAYERS, down, Y[:1], "squared_error")) / 2 / eps
        assert rows[k][1] == X[0][k] and rows[k][2] == pytest.approx(fd, rel=1e-6)
    batch = result()
    rows = batch.input_rows()
    assert [r[0] for r in rows] == ["x1[1]", "x2[1]", "x1[2]", "x2[2]"]
    assert rows[2][2] == pytest.approx(0.5 * batch.input_gradient()[1, 0])
    assert batch.input_gradient() is batch.input_gradient()
    named = result(samples=1, names={"x1": "i1"})
    assert named.input_rows()[0][0] == "i1"


def test_paths_and_trace_by_name():
    r = result()
    paths = r.paths("w111")
    assert len(paths) == 2 * 2
    assert sum(p.product for p in paths) == pytest.approx(r.gradient("w111"), rel=1e-12)
    assert len(r.paths("w111", max_paths=1)) == 1
    padhai = r.paths("w211", notation="padhai")
    assert padhai[0].nodes[3] in ("a21[1]", "a21[2]")
    assert r.trace("w212").gradient == r.gradient("w212")
    assert r.trace("z12", sample=2).name == "z12[2]"
    assert r.trace("x1[2]").name == "x1[2]"
    assert r.traced_names()[0] == "w111" and len(r.traced_names()) == 17


@pytest.mark.slow
def test_too_many_paths_asks_for_max_paths():
    sizes = [1, 50, 50, 50, 50, 1]
    rng = np.random.default_rng(0)
    layers = [{"activation": "tanh", "weights": rng.uniform(-1, 1, (sizes[i + 1], sizes[i])).tolist(),
               "biases": [0.0] * sizes[i + 1]} for i in range(5)]
    r = run(make(layers, styles=["each"] * 5), np.array([[0.1]]), np.array([[1.0]]))
    with pytest.raises(ValueError, match="^w111 has 125000 paths; ask for the largest few with max_paths=$"):
        r.paths("w111")
    assert len(r.paths("w111", max_paths=3)) == 3
    assert len(r.paths("w311")) == 50  # under the limit: all of them
    assert len(r.paths("w211")) == 2500
    two = run(make(layers, styles=["each"] * 5), np.array([[0.1], [0.2]]), np.array([[1.0], [0.0]]))
    assert len(two.paths("w311")) == 100  # per sample


def test_cancelled_by_name():
    layers = [{"activation": "linear", "weights": [[1.0], [1.0]], "biases": [0.0, 0.0]},
              {"activation": "linear", "weights": [[0.3, -(0.1 + 0.2)]], "biases": [0.0]}]
    r = run(make(layers, "none", styles=["each", "each"]), np.array([[2.0]]), np.array([[1.0]]))
    assert r.input_gradient()[0, 0] == 0.0
    assert not r.cancelled("w111") and r.gradient("w111") == 0.6
    assert r.input_rows()[0][2] == 0.0


def test_check_finite_says_where():
    layers = [{"activation": "linear", "weights": [[1e200]], "biases": [0.0]}]
    with pytest.raises(NumericalError, match=r"the loss of sample 2 is inf"):
        run(make(layers, styles=["each"]), np.array([[1e-300], [1e200]]), np.array([[0.0], [0.0]]))
    layers = [{"activation": "linear", "weights": [[1.0]], "biases": [0.0]}]
    with pytest.raises(NumericalError, match=r"the update of w111 overflows: 1 − 1e\+300 × \(2e\+20\) is beyond "
                                             r"float64; use a smaller learning rate"):
        run(make(layers, styles=["each"]), np.array([[1e10]]), np.array([[0.0]]), 1e300)
    layers = [{"activation": "linear", "weights": [[0.0]], "biases": [1.0]}]
    with pytest.raises(NumericalError, match=r"the update of b1 overflows"):
        run(make(layers, styles=["shared"]), np.array([[0.0]]), np.array([[-1.0]]), 1e308)
    with pytest.raises(NumericalError, match=r"the update of b11 overflows: 1 − 1e\+308 × \(4\)"):
        run(make(layers, styles=["each"]), np.array([[0.0]]), np.array([[-1.0]]), 1e308)
    layers = [{"activation": "linear", "weights": [[1e300]], "biases": [0.0]},
              {"activation": "linear", "weights": [[1e300]], "biases": [0.0]}]
    with pytest.raises(NumericalError, match=r"a gradient of layer 1 is not finite"):
        run(make(layers, "none", styles=["each", "each"]), np.array([[0.0]]), np.array([[1e10]]))


def test_input_gradient_overflow():
    layers = [{"activation": "linear", "weights": [[1e300]], "biases": [0.0]}]
    r = run(make(layers, "none", styles=["each"]), np.array([[0.0]]), np.array([[1e10]]))
    with pytest.raises(NumericalError, match="a gradient of the inputs is not finite"):
        r.input_gradient()


def test_repr_and_html(monkeypatch):
    r = result()
    assert repr(r) == f"<Result network 2-3-2, 2 samples: L = {r.loss:.6g}, 17 parameters>"
    one = result(samples=1)
    one.title = "demo"
    assert repr(one) == f"<Result demo network 2-3-2: L = {one.loss:.6g}, 17 parameters>"
    monkeypatch.setitem(computation.VIEWERS, "network", lambda c: "<p>net</p>")
    assert one._repr_html_() == "<p>net</p>"
    assert r.kind == "network"


def shared_first(styles=("none", "shared")):
    layers = [dict(LAYERS[0], biases=[0.0] * 3 if styles[0] == "none" else [0.1] * 3),
              dict(LAYERS[1], biases=[0.0] * 2 if styles[1] == "none" else [0.25, 0.25])]
    return layers, run(make(layers, styles=list(styles)), np.array(X), np.array(Y), 0.1)


def test_rows_names_and_messages_of_shared_and_absent_biases():
    layers, r = shared_first(("none", "shared"))
    rows = r.parameters()
    assert [row[0] for row in rows] == ["w111", "w112", "w121", "w122", "w131", "w132", "w211", "w212", "w213",
                                        "w221", "w222", "w223", "b2"]
    assert rows[6][:2] == ("w211", 0.7) and rows[12][:2] == ("b2", 0.25)
    assert rows[12][2] == pytest.approx(r.gradient("b2"))
    assert rows[12][3] == pytest.approx(0.25 - 0.1 * r.gradient("b2"))
    assert r.traced_names() == [row[0] for row in rows]
    with pytest.raises(UsageError, match=r"\(layer 1: w111..w132 \(no biases\); layer 2: w211..w223, b2 \(shared\)\)$"):
        r.parameter_index("b11")
    with pytest.raises(UsageError, match=r"e.g. w212 or w2_1_2 \(layer 1: w111..w132 \(no biases\); layer 2: "):
        r.parameter_index("q")
    per = r.per_sample_gradient("b2")
    assert per.shape == (2,) and per.tolist() == pytest.approx(r.deltas[2].sum(axis=1).tolist())
    assert len(r.paths("b2")) == 2 * 2  # two neurons, one path each, two samples
    assert len(r.paths("w111")) == 2 * 2


def test_paths_with_the_spec_s_names_and_trace_defaults():
    r = result(names={"w211": "w5", "L": "E"})
    paths = r.paths("w111")
    assert {f.formula for p in paths for f in p.factors if f.formula.startswith("w")} == {"w5", "w221"}
    assert paths[0].nodes[0] == "E"
    layers = [{"activation": "tanh", "weights": [[0.1 * (i + 1)] for i in range(10)], "biases": [0.0] * 10},
              {"activation": "linear", "weights": [[1.0] * 10], "biases": [0.0]}]
    big = run(make(layers, styles=["each", "each"]), np.array([[1.0]]), np.array([[0.0]]))
    assert len(big.trace("w111").paths) == 1 and len(big.trace("x1").paths) == 8
    two = result()
    assert two.trace("w111", sample=2).gradient == pytest.approx(two.per_sample_gradient("w111")[1])


def test_check_finite_names_the_first_layer_whose_bias_gradient_overflows():
    # δ = 1e308 per sample: the bias gradient (their sum) overflows, the weight gradient (× 1e-10) does not
    layers = [{"activation": "linear", "weights": [[1.0]], "biases": [0.0]}]
    with pytest.raises(NumericalError, match=r"^a gradient of layer 1 is not finite \(it overflowed\)$"):
        run(make(layers, "none", "sum", styles=["each"]), np.array([[1e-10], [1e-10]]), np.array([[1e308], [1e308]]))


def test_check_finite_shows_the_output():
    layers = [{"activation": "linear", "weights": [[1.0], [1e200]], "biases": [0.123456789, 0.0]},
              {"activation": "linear", "weights": [[1.0, 0.0], [0.0, 1e200]], "biases": [0.0, 0.0]}]
    with pytest.raises(NumericalError, match=r"^the loss of sample 1 is inf: an output overflowed or reached a value "
                                             r"where squared_error is undefined \(ŷ = \[1.123457 +inf\]\)$"):
        run(make(layers, styles=["each", "each"]), np.array([[1.0]]), np.array([[0.0, 0.0]]))


def test_input_gradient_is_silent_and_its_message_exact():
    layers = [{"activation": "linear", "weights": [[1e300]], "biases": [0.0]}]
    r = run(make(layers, "none", styles=["each"]), np.array([[0.0]]), np.array([[1e10]]))
    message = r"^a gradient of the inputs is not finite \(it overflowed\)$"
    with np.errstate(all="raise"), pytest.raises(NumericalError, match=message):
        r.input_gradient()


def test_rows_of_a_shared_first_layer_stay_aligned():
    layers, r = shared_first(("shared", "none"))
    rows = r.parameters()
    assert [row[0] for row in rows][6:8] == ["b1", "w211"]
    assert rows[6][1] == 0.1 and rows[7][1] == 0.7 and rows[-1][:2] == ("w223", 0.9)


def test_trace_uses_the_spec_s_names():
    r = result(names={"w211": "w5"})
    formulas = {f.formula for p in r.trace("w111").paths for f in p.factors}
    assert "w5" in formulas and "w211" not in formulas


def test_a_shared_bias_per_sample_gradient_zero_up_to_rounding_is_0():
    # each sample's sum over a softmax layer's deltas is 0 mathematically: numpy 1.24 summed it to 0,
    # numpy 2 to -4.2e-17, and the explorer's page to either; the rule of section 3 makes it 0
    from backprop_cli import load_spec

    spec = load_spec(text="inputs: [[0.97], [0.69]]\ntargets: [[0.15, 0.71, 0.57], [0.34, 0.12, 0.79]]\n"
                          "loss: squared_error\nlayers:\n  - activation: {name: leaky_relu, alpha: 0.1}\n"
                          "    weights: [[-1.3], [-1.46]]\n    biases: [0.67, -0.48]\n  - activation: softmax\n"
                          "    weights: [[-0.92, 0.65], [0.12, 0.15], [-0.31, 1.08]]\n    biases: {shared: 0.25}\n")
    result = spec.compute()
    assert result.per_sample_gradient("b2").tolist() == [0.0, 0.0]
    assert abs(result.deltas[2][0].sum()) < 1e-15 and result.gradient("b2") == 0.0
