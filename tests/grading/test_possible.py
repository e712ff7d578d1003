"""grading.possible: which whole-pass mistakes the judge tries on a gradient (only those that can
change it on the network at hand), how they pair, and when the digits written tell a mistake's
value from the right one."""
import json

from backprop_cli.grading.possible import PROCESS, explained_within, mistake_pairs, possible_mistakes, told_apart
from backprop_cli.grading.quantities import parse_quantity
from backprop_cli.spec.reader import load_spec

SIGMOID_2_2 = {"activation": "sigmoid", "weights": [[0.4, -0.2], [0.3, 0.6]], "biases": [0.1, -0.1]}


def result_of(layers, *, loss="squared_error", inputs=None, reduction=None):
    spec = {"loss": loss, "learning_rate": 0.5, "layers": layers}
    if inputs is None:
        spec.update(input=[1.0, 0.5], target=[1.0] * len(layers[-1]["biases"]))
    else:
        spec.update(inputs=inputs, targets=[[1.0] * len(layers[-1]["biases"])] * len(inputs))
    if reduction:
        spec["reduction"] = reduction
    return load_spec(text=json.dumps(spec)).compute()  # JSON is YAML, and writes no aliases


def possible(result, quantity):
    return possible_mistakes(result, parse_quantity(quantity))


def test_a_2_2_1_network_tries_what_can_change_its_gradients():
    r = result_of([SIGMOID_2_2, {"activation": "linear", "weights": [[0.7, -0.5]], "biases": [0.2]}])
    # one output unit: a hidden unit feeds one unit only, and a 1×2 matrix has no transpose to misread
    # the last layer's own gradients read no backward sum: weights already updated cannot change them
    assert possible(r, "dL/dw211") == ["sign_flipped", "factor_2_lost", "activation_derivative_missing",
                                       "derivative_on_z", "pre_activation_for_activation", "activation_not_applied"]
    # layer 1's weights multiply x: z for a cannot be misread there
    assert possible(r, "dL/dw111") == ["sign_flipped", "factor_2_lost", "activation_derivative_missing",
                                       "derivative_on_z", "updated_weights_used", "activation_not_applied"]
    assert possible(r, "dL/db21") == [m for m in possible(r, "dL/dw111") if m != "updated_weights_used"]
    assert possible(r, "dL/dz11") == possible(r, "dL/dw111")  # a node: no parameter's mistakes


def test_a_backward_sum_mistake_leaves_the_last_layers_gradients_as_the_correct_pass_has_them():
    # why possible_mistakes leaves them out there: made, they give the very interval of the right pass
    from backprop_cli.core.names import notation
    from backprop_cli.grading.intervals import Reach
    from backprop_cli.grading.rule import precision_of

    mazur = {"activation": "sigmoid", "weights": [[0.4, 0.45], [0.5, 0.55]], "biases": [0.6, 0.6]}
    r = result_of([SIGMOID_2_2, mazur])
    names, precision = notation("default", r.network.names), precision_of("0.1234")
    right = Reach(r, names, precision)
    for mistake in ("one_path_only", "matrix_transposed", "updated_weights_used"):
        made = Reach(r, names, precision, mistake=mistake)
        for q in ("dL/dw211", "dL/dw222", "dL/db21", "dL/db22"):
            assert made.interval(parse_quantity(q)) == right.interval(parse_quantity(q)), (mistake, q)
        assert made.interval(parse_quantity("dL/dw111")) != right.interval(parse_quantity("dL/dw111")), mistake
        assert mistake not in possible(r, "dL/dw211") and mistake in possible(r, "dL/dw111")


def test_one_layer_has_no_backward_sum_to_get_wrong():
    r = result_of([{"activation": "relu", "weights": [[0.4, -0.2]], "biases": [0.1]}])
    assert possible(r, "dL/dw111") == ["sign_flipped", "factor_2_lost", "activation_derivative_missing"]
    # nor a node's gradient: there is no layer above the one to sum back over
    assert possible(r, "dL/dz11") == possible(r, "dL/dw111")


def test_a_square_later_layer_can_be_read_the_other_way_and_summed_over_one_path():
    mazur = {"activation": "sigmoid", "weights": [[0.4, 0.45], [0.5, 0.55]], "biases": [0.6, 0.6]}
    r = result_of([SIGMOID_2_2, mazur])
    assert {"one_path_only", "matrix_transposed"} <= set(possible(r, "dL/dw111"))
    symmetric = dict(mazur, weights=[[0.4, 0.5], [0.5, 0.55]])
    found = possible(result_of([SIGMOID_2_2, symmetric]), "dL/dw111")
    assert "one_path_only" in found and "matrix_transposed" not in found


def test_a_mistake_any_later_layer_admits_is_tried():
    # layer 2 (2×2, not symmetric) admits both; layer 3 (1×2) admits neither: any layer is enough
    last = {"activation": "linear", "weights": [[0.7, -0.5]], "biases": [0.2]}
    found = possible(result_of([SIGMOID_2_2, dict(SIGMOID_2_2, activation="tanh"), last]), "dL/dw111")
    assert {"one_path_only", "matrix_transposed"} <= set(found)
    # ... and the first layer's own matrix is never one of them (it is read for z1 from x)
    found = possible(result_of([SIGMOID_2_2, {"activation": "linear", "weights": [[0.7, -0.5]], "biases": [0.2]}]),
                     "dL/dw111")
    assert "one_path_only" not in found and "matrix_transposed" not in found


def test_relu_has_no_derivative_to_take_on_z_and_a_softmax_has_cross_paths():
    r = result_of([dict(SIGMOID_2_2, activation="relu"),
                   {"activation": "softmax", "weights": [[0.7, -0.5], [0.1, 0.2]], "biases": [0.2, 0.0]}],
                  loss="cross_entropy")
    found = possible(r, "dL/dw111")
    assert "derivative_on_z" not in found and "factor_2_lost" not in found
    assert "activation_derivative_missing" in found and "softmax_cross_paths_missing" in found


def test_a_batch_may_be_summed_only_where_it_is_averaged():
    layers = [SIGMOID_2_2, {"activation": "linear", "weights": [[0.7, -0.5]], "biases": [0.2]}]
    two = [[1.0, 0.5], [0.2, -0.3]]
    assert "batch_not_averaged" in possible(result_of(layers, inputs=two), "dL/dw211")
    assert "batch_not_averaged" not in possible(result_of(layers, inputs=two, reduction="sum"), "dL/dw211")
    assert "batch_not_averaged" not in possible(result_of(layers, inputs=two), "dL/dz21")  # a node's, per sample


def test_pairs_join_every_two_mistakes_once_slips_of_process_first():
    assert mistake_pairs(["sign_flipped", "factor_2_lost", "derivative_on_z"]) == [
        "factor_2_lost+sign_flipped", "derivative_on_z+sign_flipped", "derivative_on_z+factor_2_lost"]
    possible = ["sign_flipped", "factor_2_lost", "activation_derivative_missing", "derivative_on_z",
                "updated_weights_used", "one_path_only", "batch_not_averaged"]
    pairs = mistake_pairs(possible)
    # 7 mistakes make 21 pairs; two get one factor wrong twice over (the slope; the weights read back)
    assert len(pairs) == len(set(pairs)) == 7 * 6 // 2 - 2
    assert not any(a == b or f"{b}+{a}" in pairs for a, b in (p.split("+") for p in pairs))
    assert "activation_derivative_missing+derivative_on_z" not in pairs
    assert "one_path_only+updated_weights_used" not in pairs
    process = [i for i, p in enumerate(pairs) if set(p.split("+")) & set(PROCESS)]
    assert process == list(range(len(process)))  # the slips of process are tried first
    # two mistakes of method, no slip of process: σ′ on z and z for a in one ∂L/∂w (the simulated class's)
    assert mistake_pairs(["derivative_on_z", "pre_activation_for_activation"]) == [
        "derivative_on_z+pre_activation_for_activation"]
    assert mistake_pairs(["derivative_on_z", "activation_derivative_missing"]) == []


def test_the_digits_tell_intervals_apart_only_past_a_unit():
    half = 0.005  # an answer of 2 decimals
    assert told_apart((0.100, 0.101), (0.112, 0.113), half)  # 0.011 apart: more than a unit
    assert not told_apart((0.100, 0.101), (0.110, 0.111), half)  # 0.009 apart: within a unit
    assert told_apart((0.112, 0.113), (0.100, 0.101), half)  # on either side
    assert not told_apart((0.110, 0.111), (0.100, 0.101), half)
    assert not told_apart((0.1, 0.2), (0.15, 0.16), half)  # overlapping


def test_a_single_mistake_explains_an_answer_within_half_a_unit_of_its_interval():
    found = [(0.1205, "a sentence", "sign_flipped", (0.1203, 0.1207))]
    assert explained_within(found, 0.12, 0.005)  # 0.12 is 0.0003 below the interval, within half of 0.01
    assert explained_within(found, 0.125, 0.005) and explained_within(found, 0.1153, 0.005)
    assert not explained_within(found, 0.126, 0.005) and not explained_within(found, 0.115, 0.005)
    assert not explained_within([], 0.12, 0.005)


def test_a_tie_is_never_told_apart_and_always_explains():
    # exactly one unit apart (binary-exact numbers): a tie rounds either way, so the digits cannot tell
    assert not told_apart((1.0, 1.0), (1.5, 1.5), 0.25)
    assert not told_apart((1.5, 1.5), (1.0, 1.0), 0.25)
    found = [(1.0, "a sentence", "sign_flipped", (1.0, 1.0))]
    assert explained_within(found, 0.75, 0.25) and explained_within(found, 1.25, 0.25)


def test_sigma_prime_on_z_is_tried_beside_a_hidden_activation_never_applied_even_where_no_sigmoid_is_read():
    # a leaky relu layer over a tanh layer: its own gradients read no σ′, but with the activation never
    # applied, σ′ on z keeps the leaky relu's slope where a = z alone takes it as 1 (an equivalence
    # check against the code before a speed change found the pair's interval, and its credit, lost)
    from backprop_cli.core.names import notation
    from backprop_cli.grading.intervals import Reach
    from backprop_cli.grading.rule import precision_of

    r = result_of([{"activation": "tanh", "weights": [[1.0, 0.5]], "biases": [0.0]},
                   {"activation": {"name": "leaky_relu", "alpha": 0.1}, "weights": [[-1.0]], "biases": [0.0]},
                   {"activation": "linear", "weights": [[1.0]], "biases": [0.0]}])
    names, precision, q = notation("default", r.network.names), precision_of("-0.6"), parse_quantity("dL/db21")
    alone = Reach(r, names, precision, mistake="activation_not_applied").interval(q)
    assert Reach(r, names, precision, mistake="derivative_on_z+activation_not_applied").interval(q) != alone
    assert "derivative_on_z" in possible(r, "dL/db21")
