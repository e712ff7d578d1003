"""core.mapslips: each catalogued mistake of convolution and pooling, made on the network written
out as scalar steps, against what a student making it computes, worked out apart from it: the
kernel flipped by hand in the spec (the engine's pass), the plain-Python oracle's values and
gradients (tests/oracle_maps.py) combined by hand for one position, a spread or averaged max
pooling, and average pooling's factor."""
import copy
import json

import oracle_maps
import oracle_strided
import pytest
import yaml
from conftest import SPECS

from backprop_cli.core import mapslips
from backprop_cli.core.graph import ExpressionResult
from backprop_cli.core.scalargraph import write_out
from backprop_cli.spec.reader import read_document
from backprop_cli.spec.yamlsafe import parse

CNN = yaml.safe_load((SPECS / "cnn-4x4.yaml").read_text())
CNN["layers"][0]["activation"] = "tanh"  # every value of the map matters (relu would zero some)


def built(spec: dict):
    result = read_document(parse(json.dumps(spec), "net.yaml"), SPECS, confined=False).compute()
    graph, at, record = write_out(result)
    return result, ExpressionResult(graph, at), record


def made(spec: dict, code: str):
    """(graph, {name: value}, {name: derivative}) with mistake `code`."""
    result, graph, record = built(spec)
    flipped = ExpressionResult(*write_out(result, flip=True)[:2]) if code == "kernel_flipped" else None
    values, derivatives = mapslips.mistaken(graph, record, code, flipped)
    names = [n.name for n in graph.graph.nodes]
    return graph, dict(zip(names, values)), dict(zip(names, derivatives))


def oracle(spec: dict):
    g = oracle_maps.build({**spec, "dims": 2}, spec["input"], spec["target"])
    return g.value, g.gradients("L")


def test_kernel_flipped_is_the_engine_on_a_spec_whose_kernels_are_flipped_by_hand():
    by_hand = copy.deepcopy(CNN)
    by_hand["layers"][0]["weights"] = [[[row[::-1] for row in kernel[::-1]] for kernel in out]
                                       for out in CNN["layers"][0]["weights"]]
    engine = read_document(parse(json.dumps(by_hand), "net.yaml"), SPECS, confined=False).compute()
    _, values, derivatives = made(CNN, "kernel_flipped")
    assert values["L"] == pytest.approx(engine.loss, rel=1e-12)
    assert values["a2_2_1_1"] == pytest.approx(float(engine.forward["a2_2_1_1"]), rel=1e-12)
    # the weight written at (1, 1) stands where the hand-flipped spec puts its (2, 2)
    assert derivatives["w1_1_1_1_1"] == pytest.approx(engine.gradient("w1_1_1_2_2"), rel=1e-12)


def test_kernel_flipped_backward_reads_each_weights_gradient_at_the_flipped_position():
    _, truth = oracle(CNN)
    _, values, derivatives = made(CNN, "kernel_flipped_backward")
    assert derivatives["w1_2_1_1_2"] == pytest.approx(truth["w1_2_1_2_1"], rel=1e-12)
    assert derivatives["w1_1_1_1_1"] == pytest.approx(truth["w1_1_1_2_2"], rel=1e-12)
    assert derivatives["b1_1"] == pytest.approx(truth["b1_1"], rel=1e-12)  # a bias has no position
    assert values["L"] == pytest.approx(oracle(CNN)[0]["L"], rel=1e-12)


def test_one_position_is_that_positions_delta_times_the_input_it_reads():
    spec = copy.deepcopy(CNN)
    spec["layers"][1]["type"] = "avgpool2d"  # every position of the map adds to the gradient
    value, truth = oracle(spec)
    _, _, derivatives = made(spec, "shared_weight_one_position")
    # w1_1_1_1_2 at the first position (row 1, col 1) reads x_1_2; its δ is ∂L/∂z1_1_1_1
    assert derivatives["w1_1_1_1_2"] == pytest.approx(truth["z1_1_1_1"] * value["x_1_2"], rel=1e-12)
    assert derivatives["w1_1_1_1_2"] != pytest.approx(truth["w1_1_1_1_2"], rel=1e-3)
    # under max pooling the first position may add nothing: the first that does is taken
    value, truth = oracle(CNN)
    _, _, derivatives = made(CNN, "shared_weight_one_position")
    first = next(truth[f"z1_2_{r}_{k}"] * value[f"x_{r}_{k + 1}"] for r in (1, 2, 3) for k in (1, 2, 3)
                 if truth[f"z1_2_{r}_{k}"] * value[f"x_{r}_{k + 1}"] != 0)
    assert derivatives["w1_2_1_1_2"] == pytest.approx(first, rel=1e-12)


def _conv_gradient(value: dict, delta_a: dict, weight: tuple, local=lambda z, a: 1 - a * a) -> float:
    """∂L/∂w1_c_1_i_j from ∂L/∂a1 at every position (tanh: δ = ∂L/∂a·(1 − a²)), by hand."""
    c, i, j = weight
    total = 0.0
    for r in range(1, 4):
        for k in range(1, 4):
            z, a = value[f"z1_{c}_{r}_{k}"], value[f"a1_{c}_{r}_{k}"]
            total += delta_a.get((c, r, k), 0.0) * local(z, a) * value[f"x_{r + i - 1}_{k + j - 1}"]
    return total


@pytest.mark.parametrize("code, local", [("activation_derivative_missing", lambda z, a: 1.0),
                                         ("derivative_on_z", lambda z, a: 1 - z * z)])
def test_the_activations_derivative_left_out_or_taken_on_z(code, local):
    spec = copy.deepcopy(CNN)
    spec["layers"][1]["type"] = "avgpool2d"  # every position of the map reaches the loss
    value, truth = oracle(spec)
    _, _, derivatives = made(spec, code)
    above = {(c, r, k): truth[f"a1_{c}_{r}_{k}"] for c in (1, 2) for r in (1, 2, 3) for k in (1, 2, 3)}
    for weight in [(1, 1, 1), (2, 2, 1)]:
        name = f"w1_{weight[0]}_1_{weight[1]}_{weight[2]}"
        assert derivatives[name] == pytest.approx(_conv_gradient(value, above, weight, local), rel=1e-10)
        assert derivatives[name] != pytest.approx(truth[name], rel=1e-3)


def test_the_factor_2_lost_halves_every_gradient_of_a_squared_error():
    spec = {"input": [[1, -2, 0.5, 3], [0, 1, -1, 2]], "target": [0.3, -0.2], "loss": "squared_error",
            "layers": [{"type": "conv1d", "weights": [[[0.5, -1], [0.2, 0.3]]], "biases": [0.1], "activation": "tanh"},
                       {"activation": "linear", "weights": [[0.4, -0.7, 0.1], [1.1, 0.2, -0.3]], "biases": [0, 0.5]}]}
    truth = oracle_maps.build({**spec, "dims": 1}, spec["input"], spec["target"]).gradients("L")
    _, _, derivatives = made(spec, "factor_2_lost")
    for name in ("w1_1_2_1", "b1_1", "w212", "b22"):
        assert derivatives[name] == pytest.approx(truth[name] / 2, rel=1e-12)


@pytest.mark.parametrize("code, factor", [("max_pool_gradient_spread", 1.0), ("max_pool_gradient_averaged", 0.25)])
def test_max_pooling_spread_or_averaged_gives_every_window_value_the_pooled_gradient(code, factor):
    value, truth = oracle(CNN)
    _, _, derivatives = made(CNN, code)
    # one 2×2 window (rows and columns 1-2) a channel: each of its values gets ∂L/∂a2 (times the factor)
    spread = {(c, r, k): truth[f"a2_{c}_1_1"] * factor for c in (1, 2) for r in (1, 2) for k in (1, 2)}
    for weight in [(1, 1, 1), (2, 1, 2), (2, 2, 2)]:
        name = f"w1_{weight[0]}_1_{weight[1]}_{weight[2]}"
        assert derivatives[name] == pytest.approx(_conv_gradient(value, spread, weight), rel=1e-10)
    assert derivatives["w311"] == pytest.approx(truth["w311"], rel=1e-12)  # above the pooling: unchanged


def test_average_poolings_factor_left_out_multiplies_every_gradient_below_it_by_the_window():
    spec = copy.deepcopy(CNN)
    spec["layers"][1]["type"] = "avgpool2d"
    _, truth = oracle(spec)
    _, _, derivatives = made(spec, "avg_pool_factor_missing")
    for name in ("w1_1_1_1_1", "w1_2_1_2_1", "b1_2", "x_2_3"):
        assert derivatives[name] == pytest.approx(4 * truth[name], rel=1e-10)
    assert derivatives["w322"] == pytest.approx(truth["w322"], rel=1e-12)


def test_only_the_mistakes_a_networks_layers_admit_apply():
    result, _, _ = built(CNN)
    assert [s.code for s in mapslips.applicable(result.network)] == [
        "kernel_flipped", "kernel_flipped_backward", "shared_weight_one_position", "max_pool_gradient_spread",
        "max_pool_gradient_averaged", "activation_derivative_missing", "derivative_on_z"]  # no squared error
    with pytest.raises(KeyError):
        made(CNN, "no_such_mistake")


# Stride and padding misplaced (CMU 11-785 HW2P1, CS231n A2): two input channels, a 5×5 image, a 3×3
# kernel at stride 2 with padding 1 (and its 1-D twin), every mistaken value worked out by hand in
# numpy from the oracle's δ = ∂L/∂z and the image (tests/oracle_strided.py), apart from core.mapslips.
STRIDED = {"input": [[[1, 2, 0, 1, -1], [0, 1, 3, 1, 2], [2, 1, 1, 0, -2], [1, 0, 2, 2, 1], [0.5, 1, -1, 2, 0]],
                     [[0, -1, 1, 2, 1], [1, 1, 0, -2, 0.5], [0.3, 2, 1, 1, 0], [-1, 0, 1, 0, 2], [1, 1, 1, -0.5, 0]]],
           "target": [1, 0], "loss": "cross_entropy",
           "layers": [{"type": "conv2d", "stride": 2, "padding": 1, "activation": "tanh", "biases": [0.1, -0.2],
                       "weights": [[[[0.5, 0.2, -0.4], [0, -0.3, 0.6], [0.3, 0.2, 0.1]],
                                    [[0.1, -0.2, 0.3], [0.4, 0.1, -0.1], [0.2, 0, -0.5]]],
                                   [[[-0.1, 0.3, 0.2], [0.2, 0.5, -0.2], [0, 0.1, 0.4]],
                                    [[0.3, 0.3, -0.3], [0.1, -0.4, 0.2], [0.5, 0.1, 0]]]]},
                      {"activation": "softmax", "weights": [[0.1, -0.2, 0.3, 0.4, -0.5, 0.1, 0.2, 0.3, -0.1] * 2,
                                                            [-0.3, 0.2, 0.1, -0.1, 0.4, 0.2, -0.2, 0.1, 0.3] * 2],
                       "biases": [0, 0]}]}
STRIDED_1D = {"input": [[1, -2, 0.5, 3, 1, -1, 2]], "target": [0.3], "loss": "squared_error",
              "layers": [{"type": "conv1d", "stride": 2, "padding": 2, "activation": "tanh", "biases": [0.1],
                          "weights": [[[0.5, -1, 0.3]]]},
                         {"activation": "linear", "weights": [[0.4, -0.7, 0.1, 0.6, -0.2]], "biases": [0]}]}


@pytest.mark.parametrize("spec", [STRIDED, STRIDED_1D], ids=["2d", "1d"])
@pytest.mark.parametrize("code", ["stride_ignored_backward", "padding_ignored_backward"])
def test_a_weights_gradient_with_the_stride_or_padding_misplaced_is_summed_over_the_inputs_it_misreads(spec, code):
    truth = oracle_maps.build({**spec, "dims": 1 if spec is STRIDED_1D else 2}, spec["input"],
                              spec["target"]).gradients("L")
    _, values, derivatives = made(spec, code)
    by_hand = oracle_strided.mistaken_gradients(spec, code)
    for name, value in by_hand.items():
        assert derivatives[name] == pytest.approx(value, rel=1e-10, abs=1e-14), name
    assert sum(by_hand[n] != pytest.approx(truth[n], rel=1e-6) for n in by_hand) >= len(by_hand) - 1
    assert derivatives["b1_1"] == pytest.approx(truth["b1_1"], rel=1e-12)  # a bias reads no input
    assert values["L"] == pytest.approx(oracle_maps.build({**spec, "dims": 2 if spec is STRIDED else 1},
                                                          spec["input"], spec["target"]).value["L"], rel=1e-12)


def test_a_map_computed_without_its_padding_has_the_unpadded_maps_values_where_it_has_them():
    _, values, derivatives = made(STRIDED, "padding_ignored")
    by_hand = oracle_strided.unpadded_map(STRIDED)
    assert len(by_hand) == 2 * 2 * 2 * 2  # (5 − 3)//2 + 1 = 2 rows and columns without the padding
    for name, value in by_hand.items():
        assert values[name] == pytest.approx(value, rel=1e-12), name
    assert oracle_strided.unpadded_map(STRIDED_1D).keys() == {"z1_1_1", "a1_1_1", "z1_1_2", "a1_1_2", "z1_1_3",
                                                              "a1_1_3"}
    _, values_1d, _ = made(STRIDED_1D, "padding_ignored")
    assert all(values_1d[n] == pytest.approx(v, rel=1e-12) for n, v in oracle_strided.unpadded_map(STRIDED_1D).items())
    truth, _ = oracle(STRIDED)
    assert values["z1_1_3_3"] == pytest.approx(truth["z1_1_3_3"], rel=1e-12)  # the unpadded map has no row 3
    assert values["yhat1"] == pytest.approx(truth["yhat1"], rel=1e-12)  # only the map itself is said
    assert derivatives["w1_2_1_3_1"] == pytest.approx(oracle(STRIDED)[1]["w1_2_1_3_1"], rel=1e-12)  # as they are


def test_stride_and_padding_mistakes_apply_only_where_they_change_something():
    codes = lambda spec: {s.code for s in mapslips.applicable(built(spec)[0].network)}  # noqa: E731
    assert codes(STRIDED) >= {"stride_ignored_backward", "padding_ignored_backward", "padding_ignored"}
    assert codes(STRIDED_1D) >= {"stride_ignored_backward", "padding_ignored_backward", "padding_ignored"}
    assert not codes(CNN) & {"stride_ignored_backward", "padding_ignored_backward", "padding_ignored"}
    one = copy.deepcopy(STRIDED_1D)  # stride 4 over 7 + 2·2: two positions; stride 9: one, never strided
    one["layers"][0].update(stride=9, padding=2)
    one["layers"][1]["weights"] = [[0.4]]
    assert not codes(one) & {"stride_ignored_backward"} and "padding_ignored" in codes(one)
    wide = copy.deepcopy(STRIDED_1D)  # a kernel wider than the unpadded input: no unpadded map at all
    wide["input"], wide["layers"][1]["weights"] = [[1, 2]], [[0.4, 0.1]]
    assert "padding_ignored" not in codes(wide) and "padding_ignored_backward" in codes(wide)


@pytest.mark.parametrize("code", ["stride_ignored_backward", "padding_ignored_backward"])
def test_over_a_batch_the_mistaken_gradient_is_the_mean_of_each_samples_by_hand(code):
    first = {**STRIDED_1D, "input": [1, -2, 0.5, 3, 1, -1, 2], "target": [0.3]}
    second = {**STRIDED_1D, "input": [0.2, 1, -1, 0.5, 2, 0, 1], "target": [-0.4]}
    batch = {key: value for key, value in STRIDED_1D.items() if key not in ("input", "target")}
    batch.update(inputs=[first["input"], second["input"]], targets=[[0.3], [-0.4]], reduction="mean")
    _, values, derivatives = made(batch, code)
    one, two = oracle_strided.mistaken_gradients(first, code), oracle_strided.mistaken_gradients(second, code)
    for name in one:
        assert derivatives[name] == pytest.approx((one[name] + two[name]) / 2, rel=1e-10), name
    unpadded = oracle_strided.unpadded_map(second)
    _, values, _ = made(batch, "padding_ignored")
    assert values["z1_1_3[2]"] == pytest.approx(unpadded["z1_1_3"], rel=1e-12)
