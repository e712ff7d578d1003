"""Networks as textbooks write them (layout, shared/none/frozen biases, loss: none, names:) and a
trace that reads like the derivation: every key against an oracle, the published numbers as tests."""
import json
from decimal import Decimal, getcontext

import numpy as np
import pytest
from conftest import SPECS, invoke, oracle_problem
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import batch_loss, enumerate_paths, finite_difference, forward

from backprop_cli import compute, load_spec
from backprop_cli.errors import SpecError

MAZUR = SPECS / "mazur-2-2-2.yaml"
CS231N = SPECS / "cs231n-neuron.yaml"


def grad_json(*args) -> dict:
    return json.loads(invoke("grad", *args, "--format", "json", expect=0).stdout)


# -- the published numbers ---------------------------------------------------------------------
# Matt Mazur, "A Step by Step Backpropagation Example": every number the post prints to 9 digits
MAZUR_VALUES = {"net_h1": 0.3775, "out_h1": 0.593269992, "out_h2": 0.596884378, "net_o1": 1.105905967,
                "out_o1": 0.75136507, "out_o2": 0.772928465, "E_total": 0.298371109}
MAZUR_GRADIENTS = {"w5": 0.082167041, "w1": 0.000438568}
MAZUR_UPDATED = {"w5": 0.35891648, "w6": 0.408666186, "w7": 0.511301270, "w8": 0.561370121,
                 "w1": 0.149780716, "w2": 0.19956143, "w3": 0.24975114, "w4": 0.29950229}


def test_mazur_as_published():
    result = compute(load_spec(MAZUR))
    forward_values = {result.network.names.get(k, k): v for k, v in result.forward.items()}
    for name, published in MAZUR_VALUES.items():
        assert forward_values[name] == pytest.approx(published, abs=5e-10), name
    for name, published in MAZUR_GRADIENTS.items():
        assert result.gradient(name) == pytest.approx(published, abs=5e-10), name
    for name, published in MAZUR_UPDATED.items():
        assert result.updated(name) == pytest.approx(published, abs=5e-9), name
    assert result.updated("b1") == 0.35 and result.updated("b2") == 0.60  # frozen: the post never updates them


def test_mazur_error_after_the_first_round(tmp_path):
    # The post: "After this first round of backpropagation, the total error is now down to
    # 0.291027924". Its own updated weights, as it prints them, give 0.2910277737 (the oracle
    # below): the post's figure is a slip, and the tool gives the true value.
    invoke("step", MAZUR, "-o", tmp_path / "after.yaml", expect=0)
    layers, inputs, targets, loss, _, _ = oracle_problem(MAZUR)
    layers[0]["weights"] = [[MAZUR_UPDATED["w1"], MAZUR_UPDATED["w2"]], [MAZUR_UPDATED["w3"], MAZUR_UPDATED["w4"]]]
    layers[1]["weights"] = [[MAZUR_UPDATED["w5"], MAZUR_UPDATED["w6"]], [MAZUR_UPDATED["w7"], MAZUR_UPDATED["w8"]]]
    from_printed = batch_loss(layers, inputs, targets, loss)
    after = compute(load_spec(tmp_path / "after.yaml")).loss
    assert after == pytest.approx(from_printed, abs=5e-10)  # the printed weights are rounded to 9 digits
    assert round(after, 9) != 0.291027924


def test_cs231n_neuron_as_published():
    # "Backpropagation, Intuitions": f = 0.73, gradient on w [-0.20, -0.39, 0.20], on x [0.39, -0.59]
    data = json.loads(invoke("grad", "--example", "cs231n-neuron", "--inputs", "--format", "json", expect=0).stdout)
    assert round(data["loss"], 2) == 0.73
    assert [(p["name"], round(p["gradient"], 2)) for p in data["parameters"]] == [
        ("w0", -0.20), ("w1", -0.39), ("w2", 0.20)]
    assert [(x["name"], round(x["gradient"], 2)) for x in data["inputs"]] == [("x0", 0.39), ("x1", -0.59)]


# -- every key against the oracle ---------------------------------------------------------------
def _spec_text(layers, styles, layout, loss, gradient_out=None):
    lines = ["input: [0.3, -0.7, 0.5]", f"loss: {loss}", f"layout: {layout}", "layers:"]
    if loss == "none":
        lines.insert(1, f"output_gradient: {gradient_out}")
    else:
        lines.insert(1, "target: [0.2, 0.9]")
    for layer, style in zip(layers, styles):
        weights = np.array(layer["weights"])
        written = weights.T if layout == "from_to" else weights
        bias = {"each": str(layer["biases"]), "shared": f"{{shared: {layer['biases'][0]}}}", "none": "none"}[style]
        lines += [f"  - activation: {layer['activation']}", f"    weights: {written.tolist()}", f"    biases: {bias}"]
    return "\n".join(lines) + "\n"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), styles=st.lists(st.sampled_from(["each", "shared", "none"]), min_size=2,
                                                       max_size=2),
       layout=st.sampled_from(["to_from", "from_to"]), loss=st.sampled_from(["squared_error", "none"]))
@pytest.mark.slow
def test_textbook_keys_against_finite_differences(tmp_path_factory, seed, styles, layout, loss):
    rng = np.random.default_rng(seed)
    layers = []
    for rows, cols, act in ((3, 3, "tanh"), (2, 3, "sigmoid")):
        bias = [round(float(rng.uniform(-1, 1)), 3)] * rows if rng.integers(2) else \
            [round(float(v), 3) for v in rng.uniform(-1, 1, rows)]
        layers.append({"activation": act, "weights": np.round(rng.uniform(-1, 1, (rows, cols)), 3).tolist(),
                       "biases": bias})
    gradient_out = np.round(rng.uniform(-2, 2, 2), 2).tolist()
    path = tmp_path_factory.mktemp("net") / "net.yaml"
    path.write_text(_spec_text(layers, styles, layout, loss, gradient_out), encoding="utf-8")
    oracle_layers, inputs, targets, oracle_loss, reduction, _ = oracle_problem(path)
    result = compute(load_spec(path))
    assert result.loss == pytest.approx(batch_loss(oracle_layers, inputs, targets, oracle_loss), rel=1e-12)
    expected = finite_difference(oracle_layers, inputs, targets, oracle_loss, reduction)
    rows = result.parameters()
    assert len(rows) == len(expected)  # b{l} for a shared bias, nothing for none
    for (kind, l, j, k), gradient in expected.items():
        name = "".join(str(part) for part in (kind, l, j, k) if part is not None)
        assert result.gradient(name) == pytest.approx(gradient, rel=1e-6, abs=1e-8), name


def test_from_to_is_the_transpose_and_step_writes_it_back_so(tmp_path):
    rows = [[0.15, 0.20], [0.25, 0.30]]
    to_from = MAZUR.read_text(encoding="utf-8")
    from_to = to_from.replace("layers:\n", "layout: from_to\nlayers:\n", 1)  # every layer written from-major
    for old, new in (("[0.15, 0.20]", "[0.15, 0.25]"), ("[0.25, 0.30]", "[0.20, 0.30]"),
                     ("[0.40, 0.45]", "[0.40, 0.50]"), ("[0.50, 0.55]", "[0.45, 0.55]")):
        from_to = from_to.replace("- " + old, "- " + new)
    (tmp_path / "a.yaml").write_text(to_from, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(from_to, encoding="utf-8")
    assert grad_json(tmp_path / "a.yaml") == grad_json(tmp_path / "b.yaml")
    assert load_spec(tmp_path / "b.yaml").layers[0].weights.tolist() == rows
    invoke("step", tmp_path / "b.yaml", "-o", tmp_path / "after.yaml", expect=0)
    after = compute(load_spec(tmp_path / "after.yaml"))
    before = compute(load_spec(tmp_path / "b.yaml"))
    assert after.value("w3") == before.updated("w3")  # w3 = w121, written in row 1, column 2 of from_to
    assert "[0.15, 0.25]" not in (tmp_path / "after.yaml").read_text() and "layout: from_to" in \
        (tmp_path / "after.yaml").read_text()


def test_shared_bias_is_written_back_as_one_number(tmp_path):
    text = MAZUR.read_text(encoding="utf-8").replace("frozen: biases", "frozen: [w1]")
    (tmp_path / "net.yaml").write_text(text, encoding="utf-8")
    before = compute(load_spec(tmp_path / "net.yaml"))
    invoke("step", tmp_path / "net.yaml", "-o", tmp_path / "after.yaml", expect=0)
    written = (tmp_path / "after.yaml").read_text(encoding="utf-8")
    after = compute(load_spec(tmp_path / "after.yaml"))
    assert f"biases: {{shared: {before.updated('b1')!r}}}" in written
    assert after.value("b1") == before.value("b1") - 0.5 * before.gradient("b1")
    assert after.value("w1") == 0.15 and after.value("w2") == before.updated("w2")  # only w1 frozen


def test_frozen_parameters_stay_through_training():
    data = json.loads(invoke("train", "--example", "mazur-2-2-2", "--epochs", "3", "--format", "json",
                             expect=0).stdout)
    final = {p["name"]: p["value"] for p in data["runs"][0]["parameters"]}
    assert final["b1"] == 0.35 and final["b2"] == 0.6 and final["w5"] != 0.4


def test_biases_none_has_no_bias_parameter(tmp_path):
    (tmp_path / "net.yaml").write_text("input: [1, 2]\ntarget: [1]\nloss: mse\nlayers:\n  - activation: linear\n"
                                       "    weights: [[0.5, -0.25]]\n    biases: none\n", encoding="utf-8")
    result = compute(load_spec(tmp_path / "net.yaml"))
    assert [r[0] for r in result.parameters()] == ["w111", "w112"] and result.loss == (0.0 - 1) ** 2
    out = invoke("grad", tmp_path / "net.yaml", "--weight", "b11", expect=2)
    assert "no parameter b11" in out.stderr and "(no biases)" in out.stderr


@pytest.mark.parametrize("text, message", [
    ("loss: none\ntarget: [1]\n", "`loss: none` has no 'target'"),
    ("loss: mse\ntarget: [1]\noutput_gradient: [1]\n", "'output_gradient' belongs to `loss: none`"),
    ("loss: none\noutput_gradient: [1, 2]\n", "'output_gradient' has 2 values, but the output layer has 1 neuron"),
    ("loss: mse\ntarget: [1]\nlayout: sideways\n", "unknown layout 'sideways'"),
    ("loss: mse\ntarget: [1]\nnames: {w5: w311}\n", "'w311' is not a parameter or node of this network"),
    ("loss: mse\ntarget: [1]\nnames: {x1: z11}\n", "'x1' is already the name of another quantity"),
    ("loss: mse\ntarget: [1]\nnames: {a: w111, b: w111}\n", "w111 is already named 'a'"),
    ("loss: mse\ntarget: [1]\nnames: {loss: L}\n", "'loss' cannot be a name"),
    ("loss: mse\ntarget: [1]\nfrozen: [w9]\n", "'w9' is not a parameter of this network"),
    ("loss: mse\ntarget: [1]\nfrozen: 3\n", "'frozen' must be a list of parameter names or `biases`"),
])
def test_textbook_keys_refused_with_a_location(text, message):
    spec = text + "input: [1, 2]\nlayers:\n  - activation: linear\n    weights: [[0.5, -0.25]]\n"
    with pytest.raises(SpecError) as caught:
        load_spec(text=spec)
    assert any(message in p.message and p.line >= 1 and p.hint for p in caught.value.problems), caught.value.problems


def test_course_names_may_swap_canonical_ones_when_both_are_renamed():
    spec = load_spec(CS231N)  # x0 → x1 and x1 → x2: the canonical x1 is itself renamed
    assert spec.network.names["x2"] == "x1"
    result = compute(spec)
    assert result.input_rows()[1][0] == "x1" and result.input_rows()[1][2] == pytest.approx(-0.589836, abs=1e-6)


# -- the course's names in every report and as input --------------------------------------------
def test_course_names_in_every_report(tmp_path):
    text = invoke("trace", "--example", "mazur-2-2-2", "--weight", "w5", expect=0).stdout
    assert "∂E_total/∂out_o1 = out_o1 − target_o1" in text and "w211" not in text and "yhat" not in text
    markdown = invoke("trace", "--example", "mazur-2-2-2", "--weight", "w5", "--format", "markdown", expect=0).stdout
    assert "## ∂E_total/∂w5 (1 path)" in markdown and "net_o1" in markdown
    latex = invoke("trace", "--example", "mazur-2-2-2", "--weight", "w5", "--format", "latex", expect=0).stdout
    assert r"\textit{E\_total}" in latex and r"\textit{out\_o1}" in latex
    data = json.loads(invoke("trace", "--example", "mazur-2-2-2", "--weight", "w5", "--format", "json").stdout)
    assert data["parameters"][0]["name"] == "w5" and data["parameters"][0]["paths"][0]["nodes"] == [
        "E_total", "out_o1", "net_o1", "w5"]
    assert "net_h1" in data["forward"] and "z11" not in data["forward"]
    assert [p["name"] for p in grad_json("--example", "mazur-2-2-2")["parameters"]][:5] == ["w1", "w2", "w3", "w4",
                                                                                           "b1"]


def test_course_names_accepted_wherever_a_name_is(tmp_path):
    assert grad_json("--example", "mazur-2-2-2", "--weight", "w5")["parameters"][0]["gradient"] == \
        pytest.approx(0.082167041, abs=5e-10)
    node = json.loads(invoke("trace", "--example", "mazur-2-2-2", "--node", "out_h1", "--format", "json").stdout)
    assert node["nodes"][0]["name"] == "out_h1" and node["nodes"][0]["gradient"] == pytest.approx(0.036350306,
                                                                                                   abs=5e-10)
    key = invoke("key", "--example", "mazur-2-2-2", "--quantity", "dE_total/dw5", "--quantity", "out_h1",
                 "--quantity", "dE_total/dnet_h1", expect=0).stdout
    assert "dE_total/dw5: 0.0822" in key and "out_h1: 0.5933" in key
    (tmp_path / "answers.yaml").write_text(key, encoding="utf-8")
    assert invoke("check", tmp_path / "answers.yaml").exit_code == 0
    padhai = invoke("key", "--example", "mazur-2-2-2", "--notation", "padhai", "--quantity", "net_h1", expect=0)
    assert "net_h1: 0.3775" in padhai.stdout  # a course's name means the same in either notation


# -- the trace as a derivation ------------------------------------------------------------------
def test_parameters_output_layer_first_unless_forward():
    def order(*extra):
        text = invoke("trace", "--example", "chain-3-layer", *extra, expect=0).stdout
        return [line.split()[0] for line in text.splitlines() if line.startswith("∂L/∂")]

    backward, forward_order = order(), order("--order", "forward")
    assert backward[0].startswith("∂L/∂w3") and forward_order[0].startswith("∂L/∂w1")
    assert sorted(backward) == sorted(forward_order)
    data = json.loads(invoke("trace", "--example", "chain-3-layer", "--format", "json").stdout)
    assert data["parameters"][0]["name"].startswith("w1")  # JSON keeps the canonical order


def test_backward_table_runs_neurons_in_order():
    text = invoke("trace", "--example", "padhai-4-4-2", "--weight", "w212", expect=0).stdout
    table = text[text.index("Backward pass"):text.index("∂L/∂w212")]
    rows = [line.split()[0] for line in table.splitlines() if " / " in line]
    assert rows == ["ŷ1", "ŷ2", "a11", "a12", "a13", "a14"]


def test_zero_paths_grouped_by_their_zero_factor(tmp_path):
    (tmp_path / "net.yaml").write_text("input: [1, 2]\ntarget: [0, 1, 0]\nloss: cross_entropy\nlayers:\n"
                                       "  - activation: softmax\n    weights: [[0.1, 0.2], [0.3, -0.1], [0.5, 0.4]]\n",
                                       encoding="utf-8")
    text = invoke("trace", tmp_path / "net.yaml", "--weight", "w111", expect=0).stdout
    numbered = [line for line in text.splitlines() if line.strip().startswith("path ")]
    assert len(numbered) == 1  # only the path through ŷ2 has a product other than 0
    assert "2 more paths with product 0: each passes through ∂L/∂ŷ1 = −y1/ŷ1 = 0" in text or \
        "1 more path with product 0" in text
    zero_lines = [line for line in text.splitlines() if "with product 0" in line]
    assert sum(int(line.split()[0]) for line in zero_lines) == 2
    data = json.loads(invoke("trace", tmp_path / "net.yaml", "--weight", "w111", "--format", "json").stdout)
    assert len(data["parameters"][0]["paths"]) == 3  # JSON lists them all


def test_cancelled_gradients_are_zero_with_a_note():
    # PadhAI 4-4-2: a11's outgoing weights are equal (0.5, 0.5), and softmax's δ sum to 0
    text = invoke("trace", "--example", "padhai-4-4-2", "--weight", "w111", expect=0).stdout
    assert "= ∂L/∂w111 = 0\n" in text and "the paths cancel" in text and "e-1" not in text
    row = grad_json("--example", "padhai-4-4-2", "--weight", "w111")["parameters"][0]
    assert row["gradient"] == 0.0 and row["updated"] == row["value"]
    # the products of its paths, by brute force, do cancel
    layers, inputs, targets, loss, _, _ = oracle_problem(SPECS / "padhai-4-4-2.yaml")
    products = [p for p, _ in enumerate_paths(layers, inputs[0], targets[0], loss, 1, 1, 1)]
    assert abs(sum(products)) < 1e-15 and max(map(abs, products)) > 1e-3


def test_a_small_gradient_whose_paths_are_small_is_not_zeroed(tmp_path):
    (tmp_path / "net.yaml").write_text("input: [1e-9]\ntarget: [0]\nloss: mse\nlayers:\n  - activation: linear\n"
                                       "    weights: [[1e-9]]\n    biases: 0\n", encoding="utf-8")
    result = compute(load_spec(tmp_path / "net.yaml"))
    assert result.gradient("w111") == pytest.approx(2e-27, rel=1e-12)  # tiny, but not cancellation


def test_softmax_factor_keeps_its_digits_next_to_one():
    # ŷ1 = 1 − 6.9e-13: ŷ1(1 − ŷ1) must equal ŷ1·ŷ2 to ~1e-15, as 50-digit arithmetic says
    from backprop_cli.core.functions import ACTIVATIONS

    z = np.array([14.2, -14.0])
    a = ACTIVATIONS["softmax"].forward(z)
    jac = ACTIVATIONS["softmax"].jacobian(z, a)
    getcontext().prec = 50
    e1, e2 = Decimal(14.2).exp(), Decimal(-14.0).exp()
    y1, y2 = e1 / (e1 + e2), e2 / (e1 + e2)
    assert float(jac[0, 0]) == pytest.approx(float(y1 * (1 - y1)), rel=1e-14)
    assert float(jac[1, 1]) == pytest.approx(float(y2 * (1 - y2)), rel=1e-14)
    assert jac[0, 0] == pytest.approx(-jac[0, 1], rel=1e-15)


# -- gradients of inputs and nodes --------------------------------------------------------------
def test_input_gradients_against_finite_differences():
    layers, inputs, targets, loss, reduction, _ = oracle_problem(SPECS / "batch-average.yaml")
    data = grad_json("--example", "batch-average", "--inputs")
    eps = 1e-6
    for row in data["inputs"]:
        name, sample = row["name"].split("[")
        s, k = int(sample[:-1]) - 1, int(name[1:]) - 1
        up = [list(x) for x in inputs]
        down = [list(x) for x in inputs]
        up[s][k] += eps
        down[s][k] -= eps
        numeric = (batch_loss(layers, up, targets, loss, reduction) - batch_loss(layers, down, targets, loss,
                                                                                 reduction)) / (2 * eps)
        assert row["gradient"] == pytest.approx(numeric, rel=1e-6, abs=1e-9), row["name"]
        assert row["value"] == inputs[s][k]


@pytest.mark.slow
@pytest.mark.parametrize("example", ["padhai-4-4-2", "chain-3-layer", "softmax-classifier"])
def test_node_paths_are_the_brute_force_paths(example):
    layers, inputs, targets, loss, _, _ = oracle_problem(SPECS / f"{example}.yaml")
    x, y = inputs[0], targets[0]
    depth = len(layers)
    for layer in range(1, depth + 1):
        for j in range(1, len(layers[layer - 1]["weights"]) + 1):
            node = f"z{layer}{j}"
            data = json.loads(invoke("trace", "--example", example, "--node", node, "--sample", "1",
                                     "--max-paths", "10000", "--format", "json", expect=0).stdout)
            traced = data["nodes"][0]
            brute = sorted(p for p, _ in enumerate_paths(layers, x, y, loss, layer, j))
            assert traced["path_count"] == len(brute)
            scale = 1 / len(inputs)  # the sample's share of a mean
            got = sorted(p["product"] for p in traced["paths"])
            assert got == pytest.approx([b * scale for b in brute], rel=1e-9, abs=1e-15)
            assert traced["gradient"] == pytest.approx(sum(brute) * scale, rel=1e-9, abs=1e-15)


def test_activation_and_input_nodes_against_finite_differences():
    layers, inputs, targets, loss, _, _ = oracle_problem(SPECS / "padhai-4-4-2.yaml")
    zs, acts = forward(layers, inputs[0])
    eps = 1e-6
    for node, layer, k in (("a12", 1, 2), ("x3", 0, 3)):
        data = json.loads(invoke("trace", "--example", "padhai-4-4-2", "--node", node, "--format", "json").stdout)
        traced = data["nodes"][0]
        rest = layers[layer:]  # the network above the node, fed the node's layer
        up, down = list(acts[layer]), list(acts[layer])
        up[k - 1] += eps
        down[k - 1] -= eps
        numeric = (batch_loss(rest, [up], targets, loss) - batch_loss(rest, [down], targets, loss)) / (2 * eps)
        assert traced["gradient"] == pytest.approx(numeric, rel=1e-6), node
        assert sum(p["product"] for p in traced["paths"]) + traced["omitted_sum"] == pytest.approx(numeric, rel=1e-6)
        assert "updated" not in traced


def test_unknown_node_is_a_usage_error():
    out = invoke("trace", "--example", "padhai-4-4-2", "--node", "z35", expect=2)
    assert "--node" in out.stderr and "no z35" in out.stderr


# -- found by an independent review --------------------------------------------------------------
def test_freezing_one_bias_leaves_the_others_free(tmp_path):
    (tmp_path / "net.yaml").write_text("input: [1, 2]\ntarget: [0.5, 0.1]\nloss: mse\nlearning_rate: 1\nlayers:\n"
                                       "  - activation: sigmoid\n    weights: [[0.1, 0.2], [0.3, 0.4]]\n"
                                       "    biases: [0.3, 0.4]\nfrozen: [b1_2]\n", encoding="utf-8")
    before = compute(load_spec(tmp_path / "net.yaml"))
    invoke("step", tmp_path / "net.yaml", "-o", tmp_path / "after.yaml", expect=0)
    after = compute(load_spec(tmp_path / "after.yaml"))
    assert after.value("b12") == 0.4 and after.value("b11") == before.updated("b11") != 0.3


def test_training_log_header_matches_its_rows(tmp_path):
    invoke("train", "--example", "mazur-2-2-2", "--epochs", "2", "--log", tmp_path / "log.csv", expect=0)
    lines = (tmp_path / "log.csv").read_text().splitlines()
    assert all(len(line.split(",")) == len(lines[0].split(",")) for line in lines)
    assert "w5" in lines[0].split(",") and "dE_total/dw5" in lines[0].split(",")


@pytest.mark.parametrize("names, message", [
    ("{w2_1_1: z11}", "'w2_1_1' is already the name of another quantity"),
    ("{a21: z11}", "'a21' is already the name of another quantity"),  # a21 is the output yhat1
    ("{h11: z21}", "'h11' is already the name of another quantity"),  # padhai's a11
    ("{biases: w111}", "'biases' cannot be a name"),
])
def test_names_that_would_mean_two_things_are_refused(names, message):
    spec = ("input: [1, 2]\ntarget: [1]\nloss: mse\nlayers:\n  - activation: tanh\n    weights: [[0.5, -0.25]]\n"
            "  - activation: linear\n    weights: [[2]]\n" + f"names: {names}\n")
    with pytest.raises(SpecError) as caught:
        load_spec(text=spec)
    assert any(message in p.message for p in caught.value.problems), caught.value.problems


def test_a_circuits_f_cannot_name_something_else():
    with pytest.raises(SpecError) as caught:
        load_spec(text=CS231N.read_text(encoding="utf-8").replace("  w0: w111", "  f: w111"))
    assert any("'f' is the circuit's output" in p.message for p in caught.value.problems)


def test_underscored_names_in_frozen_and_names():
    spec = load_spec(text=MAZUR.read_text(encoding="utf-8").replace("frozen: biases", "frozen: [w2_1_1]")
                     .replace("  w5: w211", "  w5: w2_1_1"))
    result = compute(spec)
    assert result.is_frozen("w5") and result.shown_name("w211") == "w5"


def test_diagnosis_in_the_courses_names(tmp_path):
    (tmp_path / "answers.yaml").write_text(f"spec: {MAZUR.name}\nanswers:\n  out_h1: 0.3775\n", encoding="utf-8")
    (tmp_path / MAZUR.name).write_text(MAZUR.read_text(encoding="utf-8"), encoding="utf-8")
    out = invoke("check", tmp_path / "answers.yaml", expect=1).stdout
    assert "net_h1, the pre-activation; out_h1 is the activation" in out


@pytest.mark.skipif(__import__("shutil").which("pdflatex") is None and not __import__("os").environ.get("CI"),
                    reason="pdflatex is not installed")
@pytest.mark.parametrize("args", [
    ("--example", "mazur-2-2-2"), ("--example", "cs231n-neuron"),
    ("-", "--notation", "padhai"),  # a batch through tanh with Greek course names
    ("--expr", "h1 = max(x, y)^2\nh2 = sqrt(h1) + log(abs(y)) - tan(x)\nf = sigmoid(h2)/e + pi", "--at", "x=0.3,y=-2"),
])
@pytest.mark.slow
def test_latex_of_textbook_keys_and_expressions_compiles(tmp_path, args):
    import subprocess

    batch = ("inputs: [[1, 2], [0.5, -1]]\ntargets: [[1], [0]]\nloss: mse\nlayers:\n  - activation: tanh\n"
             "    weights: [[0.5, -0.25], [0.1, 0.2]]\n  - activation: linear\n    weights: [[2, 1]]\n"
             "names: {Δh1: a11, θ_out: yhat1, E_total: L}\n")
    tex = invoke("trace", *args, "--format", "latex", input=batch, expect=0).stdout
    (tmp_path / "d.tex").write_text(tex, encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "d.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout[-2000:]


def test_check_shows_the_number_as_written(tmp_path):
    (tmp_path / MAZUR.name).write_text(MAZUR.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "answers.yaml").write_text(f"spec: {MAZUR.name}\nanswers:\n  w1_new: 0.150000000\n",
                                           encoding="utf-8")
    out = invoke("check", tmp_path / "answers.yaml").stdout
    assert "0.150000000" in out and "0.149781" in out


def test_output_into_a_pipe_is_never_wrapped():
    text = invoke("trace", "--example", "mazur-2-2-2", "--weight", "w1", env={"COLUMNS": "20"}, expect=0).stdout
    assert "update  w1 ← w1 − η·∂E_total/∂w1 = 0.15 − 0.5 × (0.000438568) = 0.149781" in text
