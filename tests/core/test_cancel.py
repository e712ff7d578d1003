"""core.cancel: sums that are zero up to rounding become exactly 0; which zeros are cancellations."""
import functools
import operator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_cli.core.cancel import (
    RELATIVE,
    node_cancelled,
    nonzero_paths,
    parameter_cancelled,
    snap_product,
    snap_softmax,
    snapped_sum,
)
from backprop_cli.core.engine import run
from backprop_cli.core.functions import ACTIVATIONS, LOSSES, activation
from backprop_cli.core.network import Layer, Network


def test_relative_threshold():
    assert RELATIVE == 1e-12


def test_snap_product_zeroes_rounding_noise_only():
    left = np.array([[1.0, 1.0], [2.0, 0.5]])
    right = np.array([[0.1 + 0.2, 1.0], [-0.3, 1e-9]])
    values = left @ right
    assert values[0, 0] != 0.0  # 5.55e-17: rounding noise
    out = snap_product(values, left, right)
    assert out is values
    assert values[0, 0] == 0.0
    assert values[0, 1] == 1.0 + 1e-9 and values[1, 0] == pytest.approx(2 * 0.3 - 0.15)
    # non-negative right (its column sum is the bound) and signed left
    left = np.array([[1.0, -1.0]])
    right = np.array([[0.3], [0.1 + 0.2]])
    values = left @ right
    assert values[0, 0] != 0.0
    assert snap_product(values, left, right)[0, 0] == 0.0


def test_snap_product_keeps_a_small_sum_above_the_threshold():
    # the cheap bound (max|left| × Σ|right| = 3) makes it a candidate; its largest term (1) keeps it
    left = np.array([[1.0, -1.0, 2e-12]])
    right = np.array([[1.0], [1.0], [1.0]])
    values = left @ right
    assert snap_product(values, left, right)[0, 0] == pytest.approx(2e-12)
    left = np.array([[1.0, 1.0, 1.0]])
    right = np.array([[1.0], [-1.0], [2e-12]])
    values = left @ right
    assert snap_product(values, left, right)[0, 0] == pytest.approx(2e-12)
    # just below the threshold of its largest term: 0
    right = np.array([[1.0], [-1.0], [0.9e-12]])
    values = left @ right
    assert snap_product(values, left, right)[0, 0] == 0.0


def test_snap_product_of_empty_and_exact_zeros():
    values = np.zeros((2, 2))
    assert snap_product(values, np.zeros((2, 3)), np.ones((3, 2))).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    values = np.zeros((1, 1))
    assert snap_product(values, np.zeros((1, 0)), np.zeros((0, 1))).tolist() == [[0.0]]


def test_snap_softmax_zeroes_a_uniform_upstream_gradient():
    a = ACTIVATIONS["softmax"].forward(np.array([[1.0, 2.0, 3.0]]))
    g = np.array([[1.0, 1.0, 1.0]])
    delta = ACTIVATIONS["softmax"].backward(None, a, g)
    assert np.any(delta != 0)  # rounding noise, about 1e-17
    assert snap_softmax(delta, g, a) is delta
    assert delta.tolist() == [[0.0, 0.0, 0.0]]
    # a real δ is kept
    g = np.array([[1.0, 1.0, 1.0 + 1e-9]])
    delta = ACTIVATIONS["softmax"].backward(None, a, g)
    before = delta.copy()
    snap_softmax(delta, g, a)
    assert delta.tolist() == before.tolist() and np.all(delta != 0)
    # δ_m = a_m(g_m − Σ g a); a near-cancellation within a few ulps of 1e-12 × the largest term
    a = np.array([[0.5, 0.5]])
    g = np.array([[1.0, 1.0 + 4e-12]])
    delta = ACTIVATIONS["softmax"].backward(None, a, g)
    snap_softmax(delta, g, a)
    assert delta[0, 0] == pytest.approx(-0.5 * 0.5 * 4e-12, rel=1e-3)


def test_snapped_sum():
    assert snapped_sum(np.array([0.1 + 0.2, -0.3])) == 0.0
    assert snapped_sum(np.array([1e-9, 0.0])) == 1e-9
    assert snapped_sum(np.array([1.0, -1.0 + 2e-12])) == pytest.approx(2e-12)
    assert snapped_sum(np.array([])) == 0.0
    assert snapped_sum(np.array([2.0, 3.0])) == 5.0


def cancelling_hidden_node():
    """x → a11 (linear) → two linear outputs with weights 0.3 and −(0.1 + 0.2); loss 'none' with g = [1, 1]:
    ∂L/∂a11 = 0.3 − 0.30000000000000004, zero up to rounding."""
    layers = [Layer(np.array([[0.5]]), np.array([0.1]), activation("linear")),
              Layer(np.array([[0.3], [-(0.1 + 0.2)]]), np.array([0.0, 0.0]), activation("linear"))]
    return run(Network(layers, LOSSES["none"]), np.array([[2.0]]), np.array([[1.0, 1.0]]))


def test_a_hidden_sum_that_cancels_is_zero_and_cancelled():
    result = cancelling_hidden_node()
    assert result.grad_a[1][0, 0] == 0.0 and result.deltas[1][0, 0] == 0.0
    assert result.weight_grads[1][0, 0] == 0.0 and result.bias_grads[1][0] == 0.0
    assert parameter_cancelled(result, "w", 1, 1, 1) and parameter_cancelled(result, "b", 1, 1, None)
    assert not parameter_cancelled(result, "w", 2, 1, 1)  # 1 × a11 = 1.1
    assert node_cancelled(result, "a", 1, 0, 1) and node_cancelled(result, "z", 1, 0, 1)
    assert not node_cancelled(result, "z", 2, 0, 1)
    assert node_cancelled(result, "a", 0, 0, 1)  # x1: ∂L/∂x1 = 0.5 × 0
    into_a, into_z = nonzero_paths(result)
    assert into_a[2].tolist() == [[True, True]] and into_a[1].tolist() == [[True]] and into_z[1].tolist() == [[True]]


def test_zeros_without_cancellation_are_not_cancelled():
    # relu at z < 0: every path's product is 0
    layers = [Layer(np.array([[1.0], [-1.0]]), np.array([0.0, 0.0]), activation("relu")),
              Layer(np.array([[0.5, 0.7]]), np.array([0.0]), activation("linear"))]
    result = run(Network(layers, LOSSES["half_squared_error"]), np.array([[2.0]]), np.array([[0.0]]))
    assert result.weight_grads[1][1, 0] == 0.0
    assert not parameter_cancelled(result, "w", 1, 2, 1)
    assert parameter_cancelled(result, "w", 1, 1, 1) is False  # not 0 at all
    assert not node_cancelled(result, "z", 1, 0, 2)
    assert not node_cancelled(result, "a", 1, 0, 2)  # 0.7 × 1 = 0.7, not 0
    into_a, into_z = nonzero_paths(result)
    assert into_z[1].tolist() == [[True, False]]
    # a weight whose source activation is 0: its gradient is 0 with no path through it
    layers = [Layer(np.array([[1.0, 1.0]]), np.array([0.0]), activation("linear"))]
    result = run(Network(layers, LOSSES["half_squared_error"]), np.array([[0.0, 1.0]]), np.array([[0.0]]))
    assert result.weight_grads[1][0, 0] == 0.0 and not parameter_cancelled(result, "w", 1, 1, 1)
    # a zero weight cuts the path to the input
    layers = [Layer(np.array([[0.0]]), np.array([1.0]), activation("linear"))]
    result = run(Network(layers, LOSSES["half_squared_error"]), np.array([[1.0]]), np.array([[0.0]]))
    assert not node_cancelled(result, "a", 0, 0, 1)
    assert nonzero_paths(result)[0][0].tolist() == [[False]]


def test_shared_bias_whose_neurons_cancel():
    # two output neurons with the same z; targets make δ = +0.1 and −0.1 up to rounding
    layers = [Layer(np.array([[0.2], [0.2]]), np.array([0.1, 0.1]), activation("linear"), "shared")]
    result = run(Network(layers, LOSSES["half_squared_error"]), np.array([[1.0]]),
                 np.array([[0.30000000000000004 - 0.1, 0.3 + 0.1]]))
    assert result.bias_grads[1].sum() != 0.0
    assert parameter_cancelled(result, "b", 1, None, None)
    assert result.gradient("b1") == 0.0


def test_cancellation_through_a_hidden_softmax():
    # the softmax layer's δ is Σ_i g_i ∂a_i/∂z_m: uniform g makes it 0
    layers = [Layer(np.eye(3), np.array([1.0, 2.0, 3.0]), activation("softmax")),
              Layer(np.ones((1, 3)), np.array([0.0]), activation("linear"))]
    result = run(Network(layers, LOSSES["none"]), np.zeros((1, 3)), np.array([[1.0]]))
    assert result.deltas[1].tolist() == [[0.0, 0.0, 0.0]]
    for j in (1, 2, 3):
        assert parameter_cancelled(result, "b", 1, j, None)
    assert not parameter_cancelled(result, "w", 1, 1, 1)  # its source x1 = 0: no path is not 0
    into_a, into_z = nonzero_paths(result)
    assert into_z[1].tolist() == [[True, True, True]]


def test_cancellation_in_an_output_softmax():
    # f = Σ_j 1·softmax(z)_j = 1 whatever z: every gradient is exactly 0 because its paths cancel
    layers = [Layer(np.eye(3), np.array([1.0, 2.0, 3.0]), activation("softmax"))]
    result = run(Network(layers, LOSSES["none"]), np.zeros((1, 3)), np.array([[1.0, 1.0, 1.0]]))
    assert result.bias_grads[1].tolist() == [0.0, 0.0, 0.0]


def test_snap_product_bounds_a_row_by_its_most_negative_entry():
    left = np.array([[-1.0, -1.0]])
    right = np.array([[0.1 + 0.2], [-0.3]])
    values = left @ right
    assert values[0, 0] != 0.0
    assert snap_product(values, left, right)[0, 0] == 0.0


def test_snap_product_judges_each_entry_by_its_own_largest_term():
    # (0, 0) is rounding noise of terms 0.3; (1, 1) is 2e-20 made of terms 1e-20: real, and kept
    left = np.array([[1.0, 1.0], [1.0, 1e-20]])
    right = np.array([[0.1 + 0.2, 1e-20], [-0.3, 1.0]])
    values = left @ right
    snap_product(values, left, right)
    assert values[0, 0] == 0.0 and values[1, 1] == 2e-20
    # 1e-12 against a largest term of 0.5: above 1e-12 × 0.5, kept
    left = np.array([[1.0, 1.0, 1.0]])
    right = np.array([[0.5], [-0.5], [1e-12]])
    values = left @ right  # 1e-12, to the rounding of the order a BLAS adds the terms in
    kept = snap_product(values, left, right)[0, 0]
    assert kept != 0.0 and kept == pytest.approx(1e-12, rel=1e-3)


def test_snap_softmax_with_a_large_upstream_gradient_and_near_the_threshold():
    a = ACTIVATIONS["softmax"].forward(np.array([[1.0, 2.0, 3.0]]))
    g = np.array([[1e6, 1e6, 1e6]])  # δ is rounding noise of about 1e-11 here
    delta = ACTIVATIONS["softmax"].backward(None, a, g)
    assert np.any(delta != 0)
    assert snap_softmax(delta, g, a).tolist() == [[0.0, 0.0, 0.0]]
    # δ = ∓5e-13 with terms of 0.25: between 1e-12 × its largest term and the cheap bound: kept
    a = np.array([[0.5, 0.5]])
    g = np.array([[1.0, 1.0 + 2e-12]])
    delta = ACTIVATIONS["softmax"].backward(None, a, g)
    before = delta.copy()
    snap_softmax(delta, g, a)
    assert delta.tolist() == before.tolist()
    assert delta[0, 0] == pytest.approx(-5e-13, rel=1e-3) and delta[0, 1] == pytest.approx(5e-13, rel=1e-3)


def test_nonzero_paths_of_softmax_layers():
    # a saturated softmax (a = [1, 0]) has a Jacobian of zeros: no path through it is not 0
    layers = [Layer(np.array([[1.0], [0.0]]), np.array([0.0, 0.0]), activation("softmax")),
              Layer(np.array([[1.0, 2.0]]), np.array([0.0]), activation("linear"))]
    result = run(Network(layers, LOSSES["half_squared_error"]), np.array([[1000.0]]), np.array([[0.0]]))
    assert result.gradient("b11") == 0.0 and not result.cancelled("b11") and not result.cancelled("w111")
    into_a, into_z = nonzero_paths(result)
    assert into_z[1].tolist() == [[False, False]] and len(into_a) == len(into_z) == 3
    # an output softmax with one upstream gradient of 0: every z is still reached through ŷ1
    layers = [Layer(np.eye(2), np.array([0.2, -0.4]), activation("softmax"))]
    result = run(Network(layers, LOSSES["none"]), np.zeros((1, 2)), np.array([[1.0, 0.0]]))
    into_a, into_z = nonzero_paths(result)
    assert into_a[1].tolist() == [[True, False]] and into_z[1].tolist() == [[True, True]]


def two_sample_net():
    """2 inputs → 2 linear outputs, loss 'none' (δ = g): g = [1, 1] then [−1, 1]; x = [1, 0.1 + 0.2] then [2, 0.3]."""
    layers = [Layer(np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, 0.0]), activation("linear"))]
    return run(Network(layers, LOSSES["none"], "sum"), np.array([[1.0, 0.1 + 0.2], [2.0, 0.3]]),
               np.array([[1.0, 1.0], [-1.0, 1.0]]))


def test_which_parameter_is_cancelled_by_index():
    result = two_sample_net()
    # w111 = 1 − 2 = −1; w112 = (0.1 + 0.2) − 0.3: cancelled; b11 = 1 − 1: cancelled; b12 = 2
    assert result.gradient("w111") == -1.0 and not parameter_cancelled(result, "w", 1, 1, 1)
    assert result.gradient("w112") == 0.0 and parameter_cancelled(result, "w", 1, 1, 2)
    assert parameter_cancelled(result, "b", 1, 1, None) and not parameter_cancelled(result, "b", 1, 2, None)
    assert not parameter_cancelled(result, "w", 1, 2, 1)


def test_which_node_is_cancelled_by_index():
    layers = [Layer(np.array([[0.5], [0.5]]), np.array([0.1, 0.1]), activation("linear")),
              Layer(np.array([[0.3, 1.0], [-(0.1 + 0.2), 1.0]]), np.array([0.0, 0.0]), activation("linear"))]
    result = run(Network(layers, LOSSES["none"]), np.array([[2.0]]), np.array([[1.0, 1.0]]))
    assert result.grad_a[1][0].tolist() == [0.0, 2.0]
    assert node_cancelled(result, "a", 1, 0, 1) and not node_cancelled(result, "a", 1, 0, 2)
    assert node_cancelled(result, "z", 1, 0, 1) and not node_cancelled(result, "z", 1, 0, 2)
    # a hidden softmax whose δ cancels though its ∂L/∂a is not 0
    layers = [Layer(np.eye(3), np.array([1.0, 2.0, 3.0]), activation("softmax")),
              Layer(np.ones((1, 3)), np.array([0.0]), activation("linear"))]
    result = run(Network(layers, LOSSES["none"]), np.zeros((1, 3)), np.array([[1.0]]))
    assert node_cancelled(result, "z", 1, 0, 2) and not node_cancelled(result, "a", 1, 0, 2)


def test_a_sum_of_eight_or_more_terms_is_numpys_pairwise_one():
    eight = np.array([1.0, 1e-16, 1e-16, 1e-16, 1e-16, 1e-16, 1e-16, 1e-16])
    one_by_one = functools.reduce(operator.add, eight.tolist())
    assert snapped_sum(eight) == float(eight.sum()) != one_by_one  # pairwise keeps 6e-16 of them
    tiny = np.full(8, 1e-13)  # judged against its own terms, not against 1
    assert snapped_sum(tiny) == float(tiny.sum()) > 7e-13


def test_snapped_sum_of_small_values_is_judged_against_them():
    assert snapped_sum(np.array([1e-13, 0.0])) == 1e-13


def test_node_traces_of_a_hidden_softmax_say_which_is_cancelled():
    from backprop_cli.core.names import notation
    from backprop_cli.core.paths import trace_node, trace_parameter

    layers = [Layer(np.eye(3), np.array([1.0, 2.0, 3.0]), activation("softmax")),
              Layer(np.ones((1, 3)), np.array([0.0]), activation("linear"))]
    result = run(Network(layers, LOSSES["none"]), np.zeros((1, 3)), np.array([[1.0]]))
    assert trace_node(result, "z12", notation=notation("default"), max_paths=4).cancelled is True
    assert trace_node(result, "a12", notation=notation("default"), max_paths=4).cancelled is False
    result = two_sample_net()  # w111's gradient is −1 while b11's cancels
    assert trace_parameter(result, "w111", notation("default"), 4).cancelled is False
    assert trace_parameter(result, "b11", notation("default"), 4).cancelled is True


def test_exactly_at_the_threshold_is_zero():
    # |sum| ≤ 1e-12 × the largest term, equality included: (1 − 1) + 1e-12 with a largest term of 1
    values = np.array([1.0, -1.0, 1e-12])
    assert float(values.sum()) == 1e-12
    assert snapped_sum(values) == 0.0
    left, right = np.array([[1.0, 1.0, 1.0]]), np.array([[1.0], [-1.0], [1e-12]])
    assert snap_product(np.array([[1e-12]]), left, right)[0, 0] == 0.0


def test_cancellation_in_a_fused_softmax_cross_entropy():
    # targets equal to the output itself (soft targets): δ = ŷ·Σy − y is exactly 0, not rounding noise
    z = np.array([0.3, -1.2, 2.0])
    yhat = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    layers = [Layer(np.eye(3), z.copy(), activation("softmax"))]
    result = run(Network(layers, LOSSES["cross_entropy"]), np.zeros((1, 3)), yhat[None, :])
    assert result.deltas[1].tolist() == [[0.0, 0.0, 0.0]]


_ENTRIES = st.one_of(st.floats(-3, 3, allow_nan=False), st.sampled_from([0.0, -0.0, 0.1, 0.2, -0.3, 1e-300, 1e300]),
                     st.sampled_from([float("inf"), float("-inf"), float("nan")]))


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_handful_of_terms_is_snapped_one_float_at_a_time_exactly_as_arrays_are(data):
    from backprop_cli.core.cancel import _snap_few, _snap_many

    rows, inner, cols = (data.draw(st.integers(1, 4)) for _ in range(3))
    left = np.array(data.draw(st.lists(_ENTRIES, min_size=rows * inner, max_size=rows * inner))).reshape(rows, inner)
    right = np.array(data.draw(st.lists(_ENTRIES, min_size=inner * cols, max_size=inner * cols))).reshape(inner, cols)
    if data.draw(st.booleans()):  # a column that cancels: 0.1 + 0.2 − 0.3 times one number
        right[:, 0] = data.draw(st.floats(-2, 2)) * np.resize([0.1, 0.2, -0.3], inner)
    with np.errstate(all="ignore"):  # as the engine calls it: overflow shows as inf
        values = left @ right
        few, many = _snap_few(values.copy(), left, right), _snap_many(values.copy(), left, right)
    assert few.tobytes() == many.tobytes()


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(_ENTRIES, max_size=12), st.booleans())
def test_a_short_sum_is_snapped_one_float_at_a_time_exactly_as_an_array_is(entries, cancelling):
    # from 8 terms numpy adds pairwise, which rounds otherwise: those stay with numpy
    if cancelling:  # 0.1 + 0.2 − 0.3 among the terms
        entries = [0.1, 0.2, -0.3, *entries][:12]
    values = np.array(entries, dtype=float)
    with np.errstate(all="ignore"):
        total, largest = float(values.sum()), float(np.abs(values).max(initial=0.0))
        expected = 0.0 if abs(total) <= RELATIVE * largest else total
        got = snapped_sum(values)
    if expected != expected:  # inf − inf: a nan either way (its sign bit is no value)
        assert got != got
    else:
        assert np.array([got]).tobytes() == np.array([expected]).tobytes()
