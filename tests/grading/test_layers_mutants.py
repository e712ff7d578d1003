"""grading.layers pinned where its mutants lived, on networks small enough to work by hand: each
backward mistake made on a file's stated values (MistakenReach) gives the value a student making
it computes from those values; the hidden steps and an update's η·g rounded as section 5's rule
says; the mistakes on stated values looked for only where the file states what a gradient is
built from, each named with the middle of its interval; max pooling's window as a dependency;
the kernel flipped forward; a recurrent slip's part of a gradient at each step. Every expectation
is worked out by hand below (or is the engine's own value on a network flipped by hand)."""
import functools
import math

import pytest

from backprop_cli import load_spec
from backprop_cli.core import mapslips
from backprop_cli.core.names import Name
from backprop_cli.grading.layers import (
    STATED,
    LayersDiagnoser,
    LayersReach,
    LayersShape,
    MistakenReach,
    graded_result,
    parse_layer_quantity,
)
from backprop_cli.grading.rule import precision_of

from .test_layers import graded, truth
from .test_layers_pinned import judge_on

FINE = precision_of("0.123456789012")  # 12 decimals: the stated values' own intervals are points

# conv1d (kernel [0.4, −0.3], bias 0.1) over x = [−0.5, 1, −1, 1, −1]: z = [−0.4, 0.8, −0.6, 0.8];
# tanh; max pooling of size 2: windows (a1_1_1, a1_1_2) and (a1_1_3, a1_1_4), each routed to its second
# value (tanh(0.8) > tanh(−0.4), tanh(−0.6)); a dense linear output, squared error
TANH_MAX = """
input: [-0.5, 1.0, -1.0, 1.0, -1.0]
target: [0.3]
loss: squared_error
learning_rate: {rate}
layers:
  - type: conv1d
    weights: [[[0.4, -0.3]]]
    biases: [0.1]
    activation: tanh
  - type: maxpool1d
    size: 2
  - activation: linear
    weights: [[0.7, -0.6]]
    biases: [0.05]
"""
X = [-0.5, 1.0, -1.0, 1.0, -1.0]

# the same with sigmoid and average pooling, its numbers with more digits than any rounding keeps
SIGMOID_AVG = """
input: [0.123, -0.456, 0.789, 0.321, -0.654]
target: [0.3]
loss: squared_error
layers:
  - type: conv1d
    weights: [[[0.37, -0.29]]]
    biases: [0.01]
    activation: sigmoid
  - type: avgpool1d
    size: 2
  - activation: linear
    weights: [[0.7, -0.6]]
    biases: [0.05]
"""

# conv1d with a kernel of 3, stride 2 and padding 1 over x = [0.5, −1, 2, 1, −0.5]: 3 positions, the
# padded input x_pad = [0, 0.5, −1, 2, 1, −0.5, 0]
STRIDED = """
input: [0.5, -1.0, 2.0, 1.0, -0.5]
target: [0.3]
loss: squared_error
layers:
  - type: conv1d
    weights: [[[0.4, -0.3, 0.2]]]
    biases: [0.1]
    stride: 2
    padding: 1
    activation: tanh
  - activation: linear
    weights: [[0.7, -0.6, 0.5]]
    biases: [0.05]
"""


@functools.cache
def _graded(text: str):
    return graded_result(load_spec(text=text))


def _tanh_max(rate=0.5):
    return _graded(TANH_MAX.format(rate=rate))


def _stated(values: dict) -> dict:
    """A file's stated values as a pass reads them: 'dL/dz1_1_2' a gradient, 'z1_1_2' a value."""
    return {("gradient", Name(k[4:], ()), None) if k.startswith("dL/d") else ("value", Name(k, ()), None): v
            for k, v in values.items()}


def _mistaken(r, code: str, values: dict, text: str) -> tuple[float, float]:
    """The interval of `text` a student making mistake `code` reaches on the stated `values`."""
    return MistakenReach(r, FINE, _stated(values), code).interval(parse_layer_quantity(text, r))


def _point(pair, expected: float) -> None:
    low, high = pair
    assert low == pytest.approx(expected, abs=1e-9) and high == pytest.approx(expected, abs=1e-9), pair
    assert high - low < 1e-9, pair


# ---- each mistake's local factor, on values the file states ----

def test_max_pooling_spread_and_averaged_give_each_window_value_the_pooled_gradient_or_its_mean():
    r = _tanh_max()
    given = {"dL/da2_1_1": 0.75, "dL/da2_1_2": -0.5}
    # routed (the correct method): the window's second value gets it all, the first nothing
    _point(_mistaken(r, "avg_pool_factor_missing", given, "dL/da1_1_1"), 0.0)
    _point(_mistaken(r, "avg_pool_factor_missing", given, "dL/da1_1_2"), 0.75)
    for member in ("dL/da1_1_1", "dL/da1_1_2"):
        _point(_mistaken(r, "max_pool_gradient_spread", given, member), 0.75)
        _point(_mistaken(r, "max_pool_gradient_averaged", given, member), 0.375)
    _point(_mistaken(r, "max_pool_gradient_spread", given, "dL/da1_1_3"), -0.5)
    _point(_mistaken(r, "max_pool_gradient_averaged", given, "dL/da1_1_4"), -0.25)


def test_average_poolings_factor_left_out_passes_the_pooled_gradient_whole():
    r = _graded(SIGMOID_AVG)
    given = {"dL/da2_1_1": 0.75}
    for member in ("dL/da1_1_1", "dL/da1_1_2"):
        _point(_mistaken(r, "avg_pool_factor_missing", given, member), 0.75)
        _point(_mistaken(r, "max_pool_gradient_spread", given, member), 0.375)  # no max pooling: the ½ kept


def test_the_activations_derivative_left_out_or_taken_on_z():
    r = _tanh_max()
    given = {"dL/da1_1_2": 0.6, "z1_1_2": 0.8, "a1_1_2": 0.5}
    _point(_mistaken(r, "activation_derivative_missing", given, "dL/dz1_1_2"), 0.6)  # × 1
    _point(_mistaken(r, "derivative_on_z", given, "dL/dz1_1_2"), 0.6 * (1 - 0.8 ** 2))  # 1 − z², not 1 − a²
    for code in ("max_pool_gradient_spread", "factor_2_lost"):  # tanh′ = 1 − a² on the stated a
        _point(_mistaken(r, code, given, "dL/dz1_1_2"), 0.6 * (1 - 0.5 ** 2))
    s = _graded(SIGMOID_AVG)
    given = {"dL/da1_1_1": 0.6, "z1_1_1": 0.3, "a1_1_1": 0.5}
    _point(_mistaken(s, "activation_derivative_missing", given, "dL/dz1_1_1"), 0.6)
    _point(_mistaken(s, "derivative_on_z", given, "dL/dz1_1_1"), 0.6 * 0.3 * (1 - 0.3))  # z(1 − z), not a(1 − a)
    _point(_mistaken(s, "avg_pool_factor_missing", given, "dL/dz1_1_1"), 0.6 * 0.5 * (1 - 0.5))


def test_the_factor_2_of_squared_error_lost():
    r = _tanh_max()
    given = {"yhat1": 0.9}  # ∂L/∂ŷ = 2(ŷ − y) = 1.2; with the 2 lost 0.6
    _point(_mistaken(r, "factor_2_lost", given, "dL/dyhat1"), 0.6)
    _point(_mistaken(r, "derivative_on_z", given, "dL/dyhat1"), 1.2)


DELTAS = {"dL/dz1_1_1": 0.1, "dL/dz1_1_2": 0.2, "dL/dz1_1_3": -0.3, "dL/dz1_1_4": 0.4}
# by hand, Σ δ_p·x_(p+k) over the 4 positions: ∂L/∂w1_1_1_1 (k = 0), ∂L/∂w1_1_1_2 (k = 1), ∂L/∂b1_1
SUMS = {"dL/dw1_1_1_1": sum(d * x for d, x in zip(DELTAS.values(), X)),  # −0.05 + 0.2 + 0.3 + 0.4 = 0.85
        "dL/dw1_1_1_2": sum(d * x for d, x in zip(DELTAS.values(), X[1:])),  # 0.1 − 0.2 − 0.3 − 0.4 = −0.8
        "dL/db1_1": sum(DELTAS.values())}


def test_the_kernel_flipped_in_the_backward_pass_swaps_the_weights_gradients_and_leaves_the_bias():
    r = _tanh_max()
    assert SUMS["dL/dw1_1_1_1"] == pytest.approx(0.85) and SUMS["dL/dw1_1_1_2"] == pytest.approx(-0.8)
    _point(_mistaken(r, "kernel_flipped_backward", DELTAS, "dL/dw1_1_1_1"), SUMS["dL/dw1_1_1_2"])
    _point(_mistaken(r, "kernel_flipped_backward", DELTAS, "dL/dw1_1_1_2"), SUMS["dL/dw1_1_1_1"])
    _point(_mistaken(r, "kernel_flipped_backward", DELTAS, "dL/db1_1"), SUMS["dL/db1_1"])


@pytest.mark.parametrize("code", ["max_pool_gradient_averaged", "activation_derivative_missing", "factor_2_lost"])
def test_a_mistake_elsewhere_sums_a_kernel_weights_gradient_over_every_position(code):
    r = _tanh_max()
    for text, expected in SUMS.items():
        _point(_mistaken(r, code, DELTAS, text), expected)


def test_a_shared_weights_gradient_at_the_first_position_that_adds_anything():
    r = _tanh_max()
    # δ at positions 1 and 3 exactly 0: the first that adds anything is position 2
    deltas = {"dL/dz1_1_1": 0.0, "dL/dz1_1_2": 0.2, "dL/dz1_1_3": 0.0, "dL/dz1_1_4": 0.4}
    _point(_mistaken(r, "shared_weight_one_position", deltas, "dL/dw1_1_1_1"), 0.2 * X[1])
    _point(_mistaken(r, "shared_weight_one_position", deltas, "dL/dw1_1_1_2"), 0.2 * X[2])
    _point(_mistaken(r, "shared_weight_one_position", deltas, "dL/db1_1"), 0.6)  # a bias: no kernel position
    _point(_mistaken(r, "shared_weight_one_position", DELTAS, "dL/dw1_1_1_1"), 0.1 * X[0])
    # no position adds anything: 0
    zero = dict.fromkeys(DELTAS, 0.0)
    _point(_mistaken(r, "shared_weight_one_position", zero, "dL/dw1_1_1_1"), 0.0)
    _point(_mistaken(r, "shared_weight_one_position", zero, "dL/dw1_1_1_2"), 0.0)


STRIDED_DELTAS = {"dL/dz1_1_1": 0.1, "dL/dz1_1_2": -0.2, "dL/dz1_1_3": 0.3}
PADDED = [0.0, 0.5, -1.0, 2.0, 1.0, -0.5, 0.0]  # x_pad


@pytest.mark.parametrize("code, read", [
    (None, lambda r, k: PADDED[2 * r + k]),  # the correct method: x_pad[r·2 + k]
    ("stride_ignored_backward", lambda r, k: PADDED[r + k]),  # x_pad[r + k]
    ("padding_ignored_backward", lambda r, k: (PADDED[1:-1] + [0.0, 0.0])[2 * r + k]),  # x[r·2 + k], 0 past it
], ids=["correct", "stride_ignored", "padding_ignored"])
def test_the_stride_or_the_padding_misplaced_in_a_kernel_weights_gradient(code, read):
    r = _graded(STRIDED)
    deltas = list(STRIDED_DELTAS.values())
    expected = [sum(deltas[p] * read(p, k) for p in range(3)) for k in range(3)]
    by_hand = {None: [0.5, -0.5, -0.3], "stride_ignored_backward": [-0.4, 0.85, -0.2],
               "padding_ignored_backward": [-0.5, -0.3, 0.3]}[code]
    assert expected == pytest.approx(by_hand, abs=1e-12)
    for mistake in [code] if code else ["activation_derivative_missing", "derivative_on_z"]:  # δ stated: no change
        for k in range(3):
            _point(_mistaken(r, mistake, STRIDED_DELTAS, f"dL/dw1_1_1_{k + 1}"), expected[k])
        _point(_mistaken(r, mistake, STRIDED_DELTAS, "dL/db1_1"), 0.2)  # a bias: Σ δ all the same


# ---- the pass itself: hidden steps, a step's local derivative, an update ----

def test_a_step_from_the_givens_is_exact_nothing_hidden_in_it_rounded():
    # z1_1_1 = 0.37·0.123 − 0.29·(−0.456) + 0.01: its products and partial sums are nobody's answer,
    # so nobody rounds them, at any precision; a, a named step, is the rounded z's image
    r = _graded(SIGMOID_AVG)
    reach = LayersReach(r, precision_of("0.1"))
    z = r.values[r.index("z1_1_1")]
    assert z == pytest.approx(0.37 * 0.123 - 0.29 * -0.456 + 0.01, rel=1e-12)
    assert reach.interval(parse_layer_quantity("z1_1_1", r)) == (z, z)
    low, high = reach.interval(parse_layer_quantity("a1_1_1", r))
    assert low < 1 / (1 + math.exp(-z)) < high


def test_a_local_derivative_reads_the_activation_as_the_file_states_it():
    # tanh′ = 1 − a² on the stated a = 0.5 (the true a is tanh(0.8) = 0.664): 0.6·0.75, the step done on it
    r = _tanh_max()
    stated = _stated({"a1_1_2": 0.5, "dL/da1_1_2": 0.6})
    _point(LayersShape(r).reach(FINE, stated).interval(parse_layer_quantity("dL/dz1_1_2", r)), 0.6 * 0.75)


def _update(rate, gradient: float, precision) -> tuple[float, float]:
    r = _tanh_max(rate)
    reach = LayersReach(r, precision, _stated({"dL/dw311": gradient}))
    return reach.interval(parse_layer_quantity("w311_new", r))


def test_an_update_at_a_rate_of_1_is_w_minus_the_stated_gradient_exactly():
    g = 0.123456789  # more digits than the answer's 2 decimals: at η = 1 there is no η·g to round
    assert _update(1, g, precision_of("0.12")) == (0.7 - g, 0.7 - g)


@pytest.mark.parametrize("rate", [0.5, 2])
def test_an_update_rounds_eta_times_g_as_a_step_of_its_own(rate):
    g = 0.123456789
    low, high = _update(rate, g, precision_of("0.12"))
    assert low < 0.7 - rate * g < high  # η·g written down rounded: an interval about it, no wider than
    assert high - low <= 0.01  # the answer's own unit


# ---- which mistakes are looked for on stated values, and how they are named ----


def test_a_window_values_gradient_is_built_from_the_pooled_one_even_where_it_is_not_the_maximum():
    r = _tanh_max()
    shape = LayersShape(r)
    pooled = ("gradient", r.index("a2_1_1"))
    for member in ("a1_1_1", "a1_1_2"):  # a1_1_1 gets 0 because a1_1_2 is the maximum: both read ∂L/∂a2_1_1
        assert pooled in shape.inputs(r, ("gradient", r.index(member))), member
    assert pooled not in shape.inputs(r, ("gradient", r.index("a1_1_3")))  # another window's


def test_mistakes_on_stated_values_are_named_only_where_they_change_the_step(tmp_path):
    # ∂L/∂a1_1_2 (its window's maximum) on the stated ∂L/∂a2_1_1 = −0.6: routed −0.6, spread −0.6 too,
    # averaged over the window of 2 −0.3; nothing else made below the stated value changes it
    judge, read = judge_on(tmp_path, TANH_MAX.format(rate=0.5),
                         {"dL/da2_1_1": "-0.6000", "dL/da1_1_2": "-0.3000", "dL/da1_1_1": "-0.6000"})
    found = judge.stated_mistakes(read["dL/da1_1_2"])
    assert [m[2] for m in found] == ["max_pool_gradient_averaged"]
    middle, _, _, (low, high) = found[0]
    assert low < middle < high and middle == pytest.approx(-0.3, abs=1e-9) and high - low < 1e-3
    # a1_1_1 (not the maximum) is given it whole by the spread, half by the averaged
    found = {m[2]: m[0] for m in judge.stated_mistakes(read["dL/da1_1_1"])}
    assert found == pytest.approx({"max_pool_gradient_spread": -0.6, "max_pool_gradient_averaged": -0.3}, abs=1e-9)


def test_no_mistake_is_looked_for_on_stated_values_a_gradient_is_not_built_from(tmp_path):
    # ∂L/∂a1_1_1 alone: on the true values spreading the pooled gradient would give it ∂L/∂a2_1_1 ≠ 0,
    # but the file states nothing it is built from (stated_mistakes is about the file's own values)
    judge, read = judge_on(tmp_path, TANH_MAX.format(rate=0.5), {"dL/da1_1_1": "-0.6000", "dL/dw311": "0.1000"})
    r = judge.r
    q = parse_layer_quantity("dL/da1_1_1", r)
    assert r.truth(q) == 0.0 and r.truth(parse_layer_quantity("dL/da2_1_1", r)) != 0.0
    assert judge.stated_mistakes(read["dL/da1_1_1"]) == []


# ---- the diagnoser: the kernel flipped forward, a recurrent slip's step ----

def test_the_kernel_flipped_forward_is_the_network_with_its_kernel_reversed():
    r = _tanh_max()
    by_hand = _graded(TANH_MAX.format(rate=0.5).replace("[[[0.4, -0.3]]]", "[[[-0.3, 0.4]]]"))
    diagnoser = LayersDiagnoser(r)

    def flipped(text):
        q = parse_layer_quantity(text, r)
        return {c: v for v, _, c in diagnoser.candidates(q, r.truth(q))}.get("kernel_flipped")

    assert flipped("yhat1") == pytest.approx(truth(by_hand, "yhat1"), rel=1e-12)
    assert flipped("yhat1") != pytest.approx(truth(r, "yhat1"), rel=1e-3)
    # w1_1_1_1 multiplies, flipped, what w1_1_1_2 of the reversed kernel multiplies
    assert flipped("dL/dw1_1_1_1") == pytest.approx(truth(by_hand, "dL/dw1_1_1_2"), rel=1e-12)


def test_a_recurrent_slips_part_of_a_gradient_at_each_step():
    # bptt_truncated: step t's part of ∂L/∂wh111 through its own loss alone, by hand from the values:
    # 2(ŷ@t − y@t)·w211·(1 − h11@t²)·h11@(t−1); at t = 1 h@0 = 0, at t = 3 no later step: as the truth
    r = graded("rnn-2-unit-3-steps")
    diagnoser = LayersDiagnoser(r)
    targets = [0.5, 0.1, -0.2]

    def candidates(text):
        q = parse_layer_quantity(text, r)
        return {c: v for v, _, c in diagnoser.candidates(q, r.truth(q))}

    t = 2
    by_hand = 2 * (truth(r, f"yhat1@{t}") - targets[t - 1]) * 0.7 * (1 - truth(r, f"h11@{t}") ** 2) \
        * truth(r, f"h11@{t - 1}")
    assert by_hand != pytest.approx(truth(r, "dL/dwh111@2"), rel=1e-3)
    assert candidates("dL/dwh111@2")["bptt_truncated"] == pytest.approx(by_hand, rel=1e-12)
    for t in (1, 3):
        assert "bptt_truncated" not in candidates(f"dL/dwh111@{t}")
    # wh111@2, the weight as step 2 uses it, is 0.5 whatever the backward pass does
    assert truth(r, "wh111@2") == 0.5 and set(candidates("wh111@2")) == {"sign_flipped"}


def test_the_small_networks_admit_the_mistakes_tested_here():
    assert {s.code for s in mapslips.applicable(_tanh_max().network)} & set(STATED) == {
        "kernel_flipped_backward", "shared_weight_one_position", "max_pool_gradient_spread",
        "max_pool_gradient_averaged", "activation_derivative_missing", "derivative_on_z", "factor_2_lost"}
    assert {"stride_ignored_backward", "padding_ignored_backward"} <= \
        {s.code for s in mapslips.applicable(_graded(STRIDED).network)}
    assert "avg_pool_factor_missing" in {s.code for s in mapslips.applicable(_graded(SIGMOID_AVG).network)}
