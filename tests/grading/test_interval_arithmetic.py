"""grading.interval_arithmetic: each operation's pair holds what every choice of values inside the
intervals it is given makes (checked by sampling and by trying every end), and is never wider than
the ends allow where the operation is monotone."""
import itertools
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_cli.core.functions import LOSSES, activation
from backprop_cli.grading.interval_arithmetic import (
    activation_range,
    each_written,
    hull,
    loss_gradient_range,
    loss_range,
    matmul,
    matmul_pairs,
    mul,
    parabola,
    slope_range,
)
from backprop_cli.grading.rule import Precision

ends = st.floats(-6, 6, allow_nan=False)
widths = st.floats(0, 2, allow_nan=False)


def _inside(low, high, rng, count=25):
    """`count` points of [low, high] (elementwise), its ends among them."""
    points = [low, high] + [low + (high - low) * rng.random() for _ in range(count - 2)]
    return points


def test_an_interval_matrix_product_reaches_what_every_choice_of_ends_reaches():
    # each term a_sj·w_jk is independent of the others: the range of the sum is found by trying every
    # end of every interval, sample by sample and column by column
    rng = random.Random(5)
    samples, inner, columns = 2, 3, 2
    a_low = np.array([[rng.uniform(-1, 1) for _ in range(inner)] for _ in range(samples)])
    w_low = np.array([[rng.uniform(-1, 1) for _ in range(columns)] for _ in range(inner)])
    a, w = (a_low, a_low + 0.3), (w_low, w_low + 0.2)
    low, high = matmul_pairs(a, w)
    assert low.shape == high.shape == (samples, columns)
    for s, k in itertools.product(range(samples), range(columns)):
        sums = [sum(a[i][s, j] * w[m][j, k] for j, (i, m) in enumerate(ends))
                for ends in itertools.product(itertools.product((0, 1), repeat=2), repeat=inner)]
        assert low[s, k] == pytest.approx(min(sums), abs=1e-15) and high[s, k] == pytest.approx(max(sums), abs=1e-15)



@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(a=ends, b=ends, da=widths, db=widths, seed=st.integers(0, 99))
def test_a_product_holds_every_product_of_its_factors(a, b, da, db, seed):
    rng = random.Random(seed)
    low, high = mul((np.array([a]), np.array([a + da])), (np.array([b]), np.array([b + db])))
    for x in _inside(a, a + da, rng):
        for y in _inside(b, b + db, rng, 5):
            assert low[0] - 1e-12 <= x * y <= high[0] + 1e-12


def test_a_product_with_an_exact_matrix_is_the_interval_one():
    rng = random.Random(3)
    a_low = np.array([[rng.uniform(-1, 1) for _ in range(3)]])
    w = np.array([[rng.uniform(-1, 1) for _ in range(2)] for _ in range(3)])
    exact = matmul((a_low, a_low + 0.1), w)
    as_pairs = matmul_pairs((a_low, a_low + 0.1), (w, w))
    assert np.allclose(exact[0], as_pairs[0], atol=1e-15) and np.allclose(exact[1], as_pairs[1], atol=1e-15)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "linear"])
@settings(max_examples=40, deadline=None)
@given(z=ends, dz=widths, seed=st.integers(0, 99))
def test_an_activation_and_its_slope_hold_every_value_inside(name, z, dz, seed):
    act = activation(name)
    rng = random.Random(seed)
    z_pair = (np.array([[z]]), np.array([[z + dz]]))
    a_pair = activation_range(act, z_pair)
    slope = slope_range(act, z_pair, a_pair)
    for point in _inside(z, z + dz, rng):
        value = act.forward(np.array([[point]]))
        assert a_pair[0][0, 0] - 1e-12 <= value[0, 0] <= a_pair[1][0, 0] + 1e-12
        if name in ("relu", "leaky_relu") and point == 0:
            continue  # the kink: either side's slope
        own = act.derivative(np.array([[point]]), value)[0, 0]
        assert slope[0][0, 0] - 1e-12 <= own <= slope[1][0, 0] + 1e-12


def test_a_parabola_peaks_inside_and_falls_at_the_ends():
    low, high = parabola(np.array([0.2, 0.6, -1.0]), np.array([0.7, 0.9, -0.5]), 0.5, lambda p: p * (1 - p))
    assert high.tolist() == pytest.approx([0.25, 0.24, -0.75]) and low.tolist() == pytest.approx([0.16, 0.09, -2.0])


def test_softmax_rises_with_its_own_input_and_falls_with_the_others():
    act = activation("softmax")
    low_z, high_z = np.array([[0.1, -0.3, 0.5]]), np.array([[0.2, -0.1, 0.6]])
    low, high = activation_range(act, (low_z, high_z))
    rng = random.Random(1)
    for _ in range(200):
        z = low_z + (high_z - low_z) * np.array([[rng.random() for _ in range(3)]])
        a = act.forward(z)
        assert np.all(low - 1e-12 <= a) and np.all(a <= high + 1e-12)
    for corner in itertools.product(*zip(low_z[0], high_z[0])):
        a = act.forward(np.array([corner]))
        assert np.all(low - 1e-12 <= a) and np.all(a <= high + 1e-12)


@pytest.mark.parametrize("name, target", [("squared_error", [0.3, 0.9]), ("cross_entropy", [0.0, 1.0]),
                                          ("binary_cross_entropy", [1.0, 0.0]), ("half_squared_error", [0.5, 0.2])])
def test_a_loss_and_its_gradient_hold_every_prediction_inside(name, target):
    fn = LOSSES[name]
    y = np.array([target])
    low_p, high_p = np.array([[0.2, 0.55]]), np.array([[0.35, 0.7]])
    value = loss_range(fn, (low_p, high_p), y, Precision(6, 6))
    gradient = loss_gradient_range(fn, (low_p, high_p), y)
    rng = random.Random(2)
    for _ in range(300):
        p = low_p + (high_p - low_p) * np.array([[rng.random(), rng.random()]])
        assert value[0][0] - 1e-6 <= float(fn.value(p[..., None], y[..., None]).sum()) <= value[1][0] + 1e-6
        g = fn.gradient(p, y)
        assert np.all(gradient[0] - 1e-12 <= g) and np.all(g <= gradient[1] + 1e-12)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "linear"])
def test_an_elementwise_activation_is_its_value_at_either_end(name):
    act = activation(name)
    z = (np.array([[-0.7, 0.2]]), np.array([[0.3, 1.9]]))
    low, high = activation_range(act, z)
    assert low.tolist() == act.forward(z[0]).tolist() and high.tolist() == act.forward(z[1]).tolist()


def test_softmax_is_as_wide_as_its_extreme_corners_and_no_wider():
    # ai is least with zi at its low end and every other zm at its high end, greatest the other way round
    act = activation("softmax")
    low_z, high_z = np.array([[0.1, -0.3, 0.5]]), np.array([[0.2, -0.1, 0.9]])
    low, high = activation_range(act, (low_z, high_z))
    for i in range(3):
        least = act.forward(np.where(np.arange(3) == i, low_z, high_z))[0, i]
        most = act.forward(np.where(np.arange(3) == i, high_z, low_z))[0, i]
        assert low[0, i] == pytest.approx(least, rel=1e-12) and high[0, i] == pytest.approx(most, rel=1e-12)


@pytest.mark.parametrize("name, low_z, high_z, top, bottom", [
    ("sigmoid", -0.5, 0.5, 0.25, None), ("tanh", -0.2, 0.4, 1.0, None),
    ("relu", -0.5, 0.5, 1.0, 0.0), ("leaky_relu", -0.5, 0.5, 1.0, 0.01), ("linear", -1.0, 1.0, 1.0, 1.0)])
def test_a_slope_over_an_interval_holding_its_peak_or_kink_reaches_it(name, low_z, high_z, top, bottom):
    act = activation(name)
    z = (np.array([[low_z]]), np.array([[high_z]]))
    low, high = slope_range(act, z, activation_range(act, z))
    assert high[0, 0] == pytest.approx(top, rel=1e-12)
    if bottom is not None:
        assert low[0, 0] == pytest.approx(bottom, rel=1e-12)


def test_a_parabola_whose_peak_is_an_end_of_the_interval_peaks_there():
    low, high = parabola(np.array([0.5, 0.2]), np.array([0.8, 0.5]), 0.5, lambda p: p * (1 - p))
    assert high.tolist() == [0.25, 0.25] and low.tolist() == pytest.approx([0.16, 0.16])


def test_a_hull_holds_both_intervals():
    low, high = hull((np.array([0.1, -2.0]), np.array([0.4, -1.0])), (np.array([0.2, -3.0]), np.array([0.9, -2.5])))
    assert low.tolist() == [0.1, -3.0] and high.tolist() == [0.9, -1.0]


def test_a_loss_of_several_outputs_rounds_each_term_as_the_answer_is():
    # two outputs: each (ŷj − yj)² is a step written down, rounded at the answer's precision, then added
    fn = LOSSES["squared_error"]
    y = np.array([[0.0, 1.0]])
    p = (np.array([[0.123456, 0.5]]), np.array([[0.123456, 0.5]]))
    low, high = loss_range(fn, p, y, Precision(3, 3))
    assert low[0] < 0.015241383936 + 0.25 < high[0] and high[0] - low[0] <= 0.001 + 1e-12
    one = loss_range(fn, (p[0][:, :1], p[1][:, :1]), y[:, :1], Precision(3, 3))
    assert one[0][0] == one[1][0] == pytest.approx(0.015241383936)  # one term: its own rounding is the answer's


def test_a_relu_slope_over_positive_z_is_one_throughout():
    for name in ("relu", "leaky_relu"):
        act = activation(name)
        z = (np.array([[0.2]]), np.array([[0.6]]))
        low, high = slope_range(act, z, activation_range(act, z))
        assert low[0, 0] == high[0, 0] == 1.0


def test_a_rounded_prediction_at_a_pole_keeps_the_gradient_finite():
    # ŷ rounded up to 1.000: binary cross-entropy's (1 − y)/(1 − ŷ) is taken just inside, never at the pole
    fn = LOSSES["binary_cross_entropy"]
    low, high = loss_gradient_range(fn, (np.array([[0.999]]), np.array([[1.0]])), np.array([[0.0]]))
    assert np.isfinite(low).all() and np.isfinite(high).all() and high[0, 0] > 1e11
    low, high = loss_gradient_range(fn, (np.array([[0.0]]), np.array([[0.001]])), np.array([[1.0]]))
    assert np.isfinite(low).all() and np.isfinite(high).all() and low[0, 0] < -1e11


def test_a_prediction_rounded_to_the_pole_itself_keeps_the_gradient_finite():
    fn = LOSSES["binary_cross_entropy"]
    low, high = loss_gradient_range(fn, (np.array([[1.0]]), np.array([[1.0]])), np.array([[0.0]]))
    assert np.isfinite(low).all() and np.isfinite(high).all()


def test_loss_none_is_the_weighted_sum_of_the_outputs_over_their_intervals():
    # `loss: none` (an expression's f = Σ gj·ŷj): each product's interval, summed
    fn = LOSSES["none"]
    g = np.array([[2.0, -1.0]])
    low, high = loss_range(fn, (np.array([[0.1, 0.3]]), np.array([[0.2, 0.5]])), g, Precision(6, 6))
    assert low[0] == pytest.approx(2 * 0.1 - 0.5) and high[0] == pytest.approx(2 * 0.2 - 0.3)


def test_a_softmax_entry_holds_every_value_its_outputs_give_and_no_more():
    # ∂ai/∂zm = ai(δim − am) over outputs each within its interval: every value inside, the ends reached
    import random

    from backprop_cli.grading.interval_arithmetic import softmax_entry

    rng = random.Random(3)
    for _ in range(200):
        centres = [rng.uniform(0.01, 0.99) for _ in range(3)]
        half = rng.uniform(0, 0.05)
        a = (np.array([c - half for c in centres]), np.array([c + half for c in centres]))
        i, m = rng.randrange(3), rng.randrange(3)
        low, high = softmax_entry(a, i, m)
        grid = [(a[0][i] + t * 2 * half, a[0][m] + u * 2 * half) for t in (0, 0.25, 0.5, 0.75, 1)
                for u in (0, 0.25, 0.5, 0.75, 1)]
        values = [ai * (1 - ai) if i == m else -ai * am for ai, am in ((p if i != m else (p[0], p[0])) for p in grid)]
        assert all(low - 1e-15 <= v <= high + 1e-15 for v in values)
        peak = i == m and a[0][m] <= 0.5 <= a[1][m]  # ai(1 − ai) tops out at ai = 1/2: 1/4
        assert min(values) == pytest.approx(low, abs=1e-12)  # the ends are reached
        assert (0.25 if peak else max(values)) == pytest.approx(high, abs=1e-12)


def test_softmax_over_an_interval_wider_than_exp_can_span_stays_finite():
    # z2 ∈ [0, 720]: softmax is taken after subtracting the largest z that can occur (720), as the
    # engine does; subtracting a smaller one overflows e^z (found by the mutation run)
    act = activation("softmax")
    low, high = activation_range(act, (np.array([[0.0, 0.0]]), np.array([[0.0, 720.0]])))
    assert np.all(np.isfinite(low)) and np.all(np.isfinite(high))
    np.testing.assert_allclose(low, [[0.0, 0.5]], atol=1e-300)  # a1 at least e^0/(e^0 + e^720), a2 at least 1/2
    np.testing.assert_allclose(high, [[0.5, 1.0]])  # a1 at most 1/2 (z2 = 0), a2 up to 1


def _written(value: float, k: int, up: bool) -> float:
    """`value` rounded at decimal k, a tie up or down (as a student may write it)."""
    import math

    return math.floor(value * 10.0 ** k + 0.5) / 10.0 ** k if up else math.ceil(value * 10.0 ** k - 0.5) / 10.0 ** k


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(["sigmoid", "tanh"]), start=st.floats(0.001, 0.999), width=st.sampled_from([0.0, 1e-5, 3e-4,
       0.02]), at=st.floats(0, 1), y=st.one_of(st.just(0.0), st.floats(1e-9, 1)),  # (a subnormal y overflows
       answer=st.sampled_from(["0.0757", "0.08", "1.234", "0.000123"]),         # _written's 10^k; no student's does)
       finer=st.lists(st.integers(0, 3), min_size=4, max_size=4), ties=st.lists(st.booleans(), min_size=4, max_size=4))
def test_every_run_through_one_y_hat_lies_inside_the_narrowed_delta(name, start, width, at, y, answer, finer, ties):
    # one value v of ŷ (somewhere in its own interval), written twice, each writing at the answer's digit
    # or finer (w1 in ∂L/∂ŷ = 2(w1 − y), w2 in ∂ŷ/∂z), each factor rounded so too, and their product
    from backprop_cli.grading.interval_arithmetic import one_value_twice
    from backprop_cli.grading.rule import precision_of

    if name == "tanh":
        start = 2 * start - 1
    high = min(start + width, 0.9999) if name == "sigmoid" else min(start + width, 0.9999)
    precision, loss, act = precision_of(answer), LOSSES["squared_error"], activation(name)
    v = start + (high - start) * at
    w1, w2 = (_written(v, int(precision.digit(abs(v))) + k, up) for k, up in zip(finer[:2], ties[:2]))
    g = loss.gradient(np.array(w1), np.array(y))
    s = w2 * (1 - w2) if name == "sigmoid" else 1 - w2 * w2
    g, s = (_written(float(f), int(precision.digit(abs(float(f)))) + k, up) if f else 0.0
            for f, k, up in zip((g, s), finer[2:], ties[2:]))
    low_d, high_d = one_value_twice((np.array(-np.inf), np.array(np.inf)), act, loss,
                                    (np.array(start), np.array(high)), np.array(y), precision)
    slack = 4e-9 * max(abs(g * s), 1e-12)
    assert float(low_d) - slack <= g * s <= float(high_d) + slack, (v, w1, w2, g, s, float(low_d), float(high_d))


def test_the_narrowed_delta_is_no_wider_than_it_was_and_narrower_where_y_hat_moves_both_factors():
    from backprop_cli.grading.interval_arithmetic import one_value_twice
    from backprop_cli.grading.rule import precision_of

    wide = (np.array(-1.0), np.array(1.0))
    act, loss, precision = activation("sigmoid"), LOSSES["squared_error"], precision_of("0.0757")
    own, y = (np.array(0.95890872), np.array(0.95930095)), np.array(0.0)
    low, high = one_value_twice(wide, act, loss, own, y, precision)
    # the Mahfuz neuron's δ (true 0.0752367): the pass's centred form reaches 0.075742, as if 2ŷ rounded up
    # from ŷ's highest writing met σ′ of its lowest and both spreads at once; a run through one ŷ reaches
    # 0.0756687 (ŷ = 0.95891 written 0.959 in 2ŷ = 1.918, rounded 1.92, and 0.9589 in σ′ = 0.9589 ×
    # 0.0411 = 0.0394108, kept), and the bound no more than its last rounding's slack above it
    assert 1.92 * 0.9589 * (1 - 0.9589) <= float(high) < 0.07568
    assert one_value_twice(wide, activation("relu"), loss, own, y, precision) is wide  # one factor only
    narrow = (np.array(0.0752), np.array(0.0753))
    assert tuple(map(float, one_value_twice(narrow, act, loss, own, y, precision))) == (0.0752, 0.0753)


@settings(max_examples=200, deadline=None)
@given(st.floats(0.001, 50), st.floats(0, 0.01), st.integers(2, 4), st.booleans())
def test_each_written_holds_every_samples_product_or_share_written_down(x, width, n, negative):
    # a batch's per-sample δ·a in [low, high], written down at 3 significant digits (Python's own
    # rounding), or its share δ·a/n so written and times n, or not rounded: all inside
    low, high = (-x * (1 + width), -x) if negative else (x, x * (1 + width))
    pair = (np.array([low]), np.array([high]))
    out_low, out_high = each_written(pair, 1 / n, Precision(0, 3, 3, True))
    rng = random.Random(x)
    for value in [low, high] + [rng.uniform(low, high) for _ in range(20)]:
        for written in (value, float(f"{value:.3g}"), n * float(f"{value / n:.3g}")):
            slack = 1e-12 * abs(value)
            assert out_low[0] - slack <= written <= out_high[0] + slack, (value, written, n)
    assert each_written(pair, 1 / n, Precision(0, 3, 3, True), rounded=False) is pair
