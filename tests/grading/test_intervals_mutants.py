"""grading.intervals, the cases the mutation run found untested: the loss of a `loss: none` circuit
(f = Σ g·ŷ) with an upstream gradient other than 1, and softmax + cross-entropy's δ as the hull
of the chain's interval and the fused ŷ·Σy − y."""
import numpy as np
import pytest
from conftest import SPECS

from backprop_cli.core.names import notation as make_notation
from backprop_cli.grading.intervals import Reach
from backprop_cli.grading.quantities import parse_quantity
from backprop_cli.grading.rule import precision_of
from backprop_cli.spec.reader import load_spec

from . import _tiny as t

CIRCUIT = """\
input: [1.0, 0.5]
output_gradient: [2.0, 0.5]
loss: none
learning_rate: 0.5
layers:
  - activation: sigmoid
    weights: [[0.4, -0.2], [0.3, 0.6]]
    biases: [0.1, -0.1]
"""


def test_the_circuit_output_interval_is_g_times_the_rounded_outputs():
    result = load_spec(text=CIRCUIT).compute()
    names = make_notation("default", result.network.names)
    reach = Reach(result, names, precision_of("0.12"))
    low, high = reach.interval(parse_quantity("loss", names))
    yhat_low, yhat_high = reach.a[1]  # ŷ as the student rounds it: σ(0.4) = 0.5987, σ(0.5) = 0.6225, ± 0.0005
    assert np.all(yhat_low > 0) and np.all(yhat_high > yhat_low)
    g = np.array([2.0, 0.5])  # every g > 0: f = Σ g·ŷ is lowest at the lowest ŷ
    assert low == pytest.approx(float((g * yhat_low).sum()), rel=1e-12)
    assert high == pytest.approx(float((g * yhat_high).sum()), rel=1e-12)
    truth = 2.0 * result.a[1][0, 0] + 0.5 * result.a[1][0, 1]
    assert low < truth < high and result.loss == pytest.approx(truth)


@pytest.mark.parametrize("target", ["[0, 1, 0]", "[0.5, 1.0, 0]"])  # Σy = 1, and Σy = 1.5
def test_softmax_cross_entropy_delta_is_the_hull_of_both_ways(target):
    text = (SPECS / "softmax-classifier.yaml").read_text(encoding="utf-8")
    text = text.replace("target: [0, 1, 0]", f"target: {target}")
    result = load_spec(text=text).compute()
    names = make_notation("default", result.network.names)
    for written in ("0.1", "0.12", "0.123"):
        reach = Reach(result, names, precision_of(written))
        reach._gradients()  # the backward pass, made when first asked
        depth = len(result.sizes) - 1
        chain = reach._delta(result.network.layers[-1].activation, depth, reach.used["gradient", "a", depth])
        y = result.targets
        total = y.sum(axis=-1, keepdims=True)
        fused = (reach.a[depth][0] * total - y, reach.a[depth][1] * total - y)
        low, high = reach.delta_own[depth]
        assert np.array_equal(low, np.minimum(chain[0], fused[0]))
        assert np.array_equal(high, np.maximum(chain[1], fused[1]))


TINY = t.SPEC  # the 2-2-1 network worked through by hand in _tiny


def test_a_sigmoid_delta_holds_every_corner_when_the_gradient_is_stated():
    # ∂L/∂a11 stated as −1.0 (an exact number): δ11 = −1.0 · a(1 − a) for every a the rounding of a11
    # allows; a11 = σ(0.4) = 0.5987 > 0.5, where a(1 − a) falls, so its ends give its least and most
    result = load_spec(text=TINY).compute()
    names = make_notation("default", result.network.names)
    q = parse_quantity("dL/da11", names)
    for written in ("0.1", "0.12", "0.123"):
        reach = Reach(result, names, precision_of(written), stated={(q.kind, q.name, None): -1.0})
        reach._gradients()  # the backward pass, made when first asked
        a_low, a_high = reach.a[1][0][0, 0], reach.a[1][1][0, 0]
        assert 0.5 < a_low < a_high
        low, high = reach.delta_own[1][0][0, 0], reach.delta_own[1][1][0, 0]
        for a in (a_low, (a_low + a_high) / 2, a_high):
            assert low <= -1.0 * a * (1 - a) <= high, (written, a)
        if written == "0.123":  # the stated −1.0 is used, not the true ∂L/∂a11 = 2(ŷ − y)·0.7 = −0.969
            true_delta = result.deltas[1][0, 0]
            assert abs(true_delta - (-0.969 * 0.5987 * 0.4013)) < 1e-3 and not low <= true_delta <= high


RELU_OUT = """\
input: [1.0, 0.5]
target: [0.2, 0.1]
loss: squared_error
learning_rate: 0.5
layers:
  - activation: tanh
    weights: [[0.4, -0.2], [0.3, 0.6]]
    biases: [0.1, -0.1]
  - activation: relu
    weights: [[0.7, -0.5], [0.2, 0.3]]
    biases: [0.2, 0.1]
"""


@pytest.mark.parametrize("quantity", ["dL/dz11", "dL/dx1", "dL/dw111", "dL/db11", "dL/db22"])
def test_a_relu_output_networks_gradients_hold_the_truth_strictly_inside(quantity):
    from backprop_cli.grading.quantities import evaluate

    result = load_spec(text=RELU_OUT).compute()
    names = make_notation("default", result.network.names)
    q = parse_quantity(quantity, names)
    low, high = Reach(result, names, precision_of("0.1")).interval(q)
    assert low < evaluate(result, q, names) < high  # every step before it rounded: an interval, not a point


SOFTMAX_BATCH = """inputs:
  - [0.5, -1.0]
  - [2.0, 0.3]
targets:
  - [1, 0, 0]
  - [0, 0, 1]
loss: cross_entropy
learning_rate: 0.5
layers:
  - activation: softmax
    weights: [[0.3, -0.2], [-0.4, 0.6], [0.2, 0.1]]
    biases: [0.1, 0.0, -0.1]
"""


@pytest.mark.parametrize("sample", [1, 2])
def test_a_batchs_value_intervals_are_each_samples_own(sample):
    # the forward pass of one sample never sees the others: its intervals are those of the network
    # run on that sample alone
    batch = load_spec(text=SOFTMAX_BATCH).compute()
    lines = SOFTMAX_BATCH.splitlines()
    single_text = "\n".join([f"input: {lines[sample][4:]}", f"target: {lines[3 + sample][4:]}", *lines[6:]]) + "\n"
    single = load_spec(text=single_text).compute()
    p = precision_of("0.12")
    for name in ("yhat1", "yhat2", "yhat3", "z12"):
        in_batch = Reach(batch, make_notation("default", {}), p).interval(parse_quantity(f"{name}[{sample}]"))
        alone = Reach(single, make_notation("default", {}), p).interval(parse_quantity(name))
        assert in_batch == pytest.approx(alone, rel=1e-12, abs=1e-15), name


def test_a_relu_stated_at_its_kink_passes_no_gradient():
    # z11 stated as exactly 0: relu′(0) = 0 (the engine's convention), so ∂L/∂z11 is exactly 0
    text = RELU_OUT.replace("activation: tanh", "activation: relu")
    result = load_spec(text=text).compute()
    names = make_notation("default", result.network.names)
    q = parse_quantity("z11", names)
    reach = Reach(result, names, precision_of("0.123"), stated={(q.kind, q.name, None): 0.0})
    reach._gradients()  # the backward pass, made when first asked
    assert reach.delta_own[1][0][0, 0] == 0.0 and reach.delta_own[1][1][0, 0] == 0.0


def test_a_weights_own_value_is_a_point():
    result = load_spec(text=TINY).compute()
    names = make_notation("default", result.network.names)
    reach = Reach(result, names, precision_of("0.1"))
    assert reach.interval(parse_quantity("w111", names)) == (0.4, 0.4)
    assert reach.interval(parse_quantity("b21", names)) == (0.2, 0.2)


SOFTMAX_SQUARED = """\
input: [0.5, -1.0]
target: [1.0, 0.0, 0.0]
loss: squared_error
learning_rate: 0.5
layers:
  - activation: softmax
    weights: [[0.3, -0.2], [-0.4, 0.6], [0.2, 0.1]]
    biases: [0.1, 0.0, -0.1]
"""


@pytest.mark.parametrize("written", ["0.1", "0.12"])
def test_a_softmax_delta_holds_every_rounding_of_its_inputs(written):
    # δm = ŷm (gm − Σi gi ŷi): evaluated at points of the box of rounded ŷ and ∂L/∂ŷ, it lies in
    # the interval (sampled: every corner, and random points)
    import itertools
    import random

    result = load_spec(text=SOFTMAX_SQUARED).compute()
    names = make_notation("default", result.network.names)
    reach = Reach(result, names, precision_of(written))
    reach._gradients()  # the backward pass, made when first asked
    a_box = [(reach.a[1][0][0, i], reach.a[1][1][0, i]) for i in range(3)]
    g_used = reach.used["gradient", "a", 1]
    g_box = [(g_used[0][0, i], g_used[1][0, i]) for i in range(3)]
    low, high = reach.delta_own[1][0][0], reach.delta_own[1][1][0]
    rng = random.Random(5)
    points = [tuple(zip(*c)) for c in itertools.product(*(itertools.product(a, g) for a, g in zip(a_box, g_box)))]
    points += [([rng.uniform(*b) for b in a_box], [rng.uniform(*b) for b in g_box]) for _ in range(300)]
    for a, g in points:
        total = sum(gi * ai for gi, ai in zip(g, a))
        for m in range(3):
            assert low[m] - 1e-15 <= a[m] * (g[m] - total) <= high[m] + 1e-15


def test_a_batchs_loss_interval_is_the_mean_of_each_samples():
    batch = load_spec(text=SOFTMAX_BATCH).compute()
    lines = SOFTMAX_BATCH.splitlines()
    p = precision_of("0.12")
    alone = []
    for sample in (1, 2):
        text = "\n".join([f"input: {lines[sample][4:]}", f"target: {lines[3 + sample][4:]}", *lines[6:]]) + "\n"
        alone.append(Reach(load_spec(text=text).compute(), make_notation("default", {}), p).interval(
            parse_quantity("loss")))
    low, high = Reach(batch, make_notation("default", {}), p).interval(parse_quantity("loss"))
    # each sample's loss is a step a student writes down: rounded as the answer is, then averaged
    rounded = [tuple(float(v) for v in p.rounded(*pair)) for pair in alone]
    assert low == pytest.approx((rounded[0][0] + rounded[1][0]) / 2, rel=1e-12)
    assert high == pytest.approx((rounded[0][1] + rounded[1][1]) / 2, rel=1e-12)


SIGMOID_BCE = """\
input: [0.5, -1.0]
target: [1.0, 0.0]
loss: binary_cross_entropy
learning_rate: 0.5
layers:
  - activation: sigmoid
    weights: [[0.3, -0.2], [-0.4, 0.6]]
    biases: [0.1, 0.0]
"""


@pytest.mark.parametrize("written", ["0.1", "0.12", "0.123"])
def test_sigmoid_binary_cross_entropy_delta_is_the_hull_of_both_ways(written):
    result = load_spec(text=SIGMOID_BCE).compute()
    names = make_notation("default", result.network.names)
    reach = Reach(result, names, precision_of(written))
    reach._gradients()  # the backward pass, made when first asked
    from backprop_cli.grading.interval_arithmetic import one_value_twice

    last = result.network.layers[-1]
    y = result.targets
    chain = one_value_twice(reach._delta(last.activation, 1, reach.used["gradient", "a", 1]), last.activation,
                            result.network.loss, reach.a_own[1], y, reach.p)  # ∂L/∂ŷ and σ′ through one ŷ
    fused = (reach.a[1][0] - y, reach.a[1][1] - y)  # ŷ − y, as the engine
    assert np.array_equal(reach.delta_own[1][0], np.minimum(chain[0], fused[0]))
    assert np.array_equal(reach.delta_own[1][1], np.maximum(chain[1], fused[1]))


def test_the_loss_interval_reaches_zero_when_the_target_is_within_reach():
    # ŷ = 0.307852 (tiny, by hand); target 0.308 lies within the rounding of ŷ: the least loss is 0
    result = load_spec(text=TINY.replace("target: [1.0]", "target: [0.308]")).compute()
    names = make_notation("default", result.network.names)
    low, high = Reach(result, names, precision_of("0.1")).interval(parse_quantity("loss", names))
    assert low == 0.0 and high > result.loss > 0


def test_the_gradient_of_the_loss_by_itself_is_one():
    result = load_spec(text=TINY).compute()
    names = make_notation("default", result.network.names)
    assert Reach(result, names, precision_of("0.1")).interval(parse_quantity("dL/dL", names)) == (1.0, 1.0)


def test_an_update_on_a_stated_gradient_uses_it_as_written():
    result = load_spec(text=TINY).compute()
    names = make_notation("default", result.network.names)
    g = parse_quantity("dL/dw211", names)
    reach = Reach(result, names, precision_of("0.1"), stated={(g.kind, g.name, None): -0.8})
    low, high = reach.interval(parse_quantity("w211_new", names))
    assert low == high == pytest.approx(0.7 - 0.5 * -0.8)  # w − η·g with g as the file states it


@pytest.mark.parametrize("sample", [1, 2])
def test_a_batchs_softmax_deltas_are_each_samples_own_halved(sample):
    # squared error, so the softmax's own δ (not the fused ŷ − y) is used; a mean over 2 samples
    # gives each sample half of its gradient
    text = SOFTMAX_BATCH.replace("cross_entropy", "squared_error")
    batch = load_spec(text=text).compute()
    lines = text.splitlines()
    single = load_spec(text="\n".join([f"input: {lines[sample][4:]}", f"target: {lines[3 + sample][4:]}",
                                       *lines[6:]]) + "\n").compute()
    p = precision_of("0.12")
    for name in ("dL/dz11", "dL/dz12", "dL/dz13"):
        in_batch = Reach(batch, make_notation("default", {}), p).interval(parse_quantity(f"{name}[{sample}]"))
        alone = Reach(single, make_notation("default", {}), p).interval(parse_quantity(name))
        assert in_batch == pytest.approx((alone[0] / 2, alone[1] / 2), rel=1e-9, abs=1e-15), name
