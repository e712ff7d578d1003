"""grading.intervals, more cases the mutation run found untested, each held to an oracle computed
here: a student who rounds every intermediate as they go (by_hand, or the step written out below),
every choice of rounding a step to the answer's digit or a finer one, and hand-worked values.

The precision used throughout is that of an answer written `0.12`: every intermediate rounded to 3
significant digits (rule.KEPT_DIGITS) or finer, so `significant(v, k)` for k ≥ 3 is a rounding the
student may make of v.
"""
import itertools
import math

import pytest

from backprop_cli.core.names import notation as make_notation
from backprop_cli.grading.intervals import Reach
from backprop_cli.grading.quantities import parse_quantity
from backprop_cli.grading.rule import precision_of
from backprop_cli.spec.reader import load_spec

from . import _tiny as t
from .test_intervals import by_hand, significant
from .test_intervals_mutants import SIGMOID_BCE, SOFTMAX_SQUARED, TINY

P = precision_of("0.12")  # 3 significant digits, or finer
DIGITS = (3, 4, 5, 6)  # the digits a student may round an intermediate to


def roundings(value: float) -> list[float]:
    """Every way the student may write `value` down: to 3 significant digits or finer."""
    return [significant(value, k) for k in DIGITS]


def made(text: str):
    result = load_spec(text=text).compute()
    return result, make_notation("default", result.network.names)


def key(q) -> tuple:
    return q.kind, q.name, q.sample


def stated_as(names, values: dict) -> dict:
    """An answers file's stated values, as Reach takes them: quantity text -> number or (low, high)."""
    return {key(parse_quantity(text, names)): value for text, value in values.items()}


def softmax(z):
    top = max(z)
    exps = [math.exp(v - top) for v in z]
    return [e / sum(exps) for e in exps]


# -- a pass given another's forward pass pins its own stated values -----------------------------

def test_a_pass_given_a_forward_pass_on_other_stated_values_pins_its_own():
    # a pass making its own forward pass (a forward mistake the other does not make) on stated
    # values other than the given pass's puts its own in place: here a11 stated 0.9, where the
    # given pass states nothing (what it looked up for its values is not this pass's)
    result, names = made(TINY)
    own = stated_as(names, {"a11": 0.9})
    other = Reach(result, names, P, {})
    given = Reach(result, names, P, own, None, "activation_not_applied", forward=other)
    alone = Reach(result, names, P, own, None, "activation_not_applied")
    for text in ("dL/dw211", "dL/dz11", "yhat1"):
        q = parse_quantity(text, names)
        assert given.interval(q) == alone.interval(q), text
    low, high = given.interval(parse_quantity("yhat1", names))  # ŷ = 0.7·0.9 − 0.5·z12 + 0.2 (a12 = z12)
    assert low <= 0.7 * 0.9 - 0.5 * 0.5 + 0.2 <= high
    # and the stated 0.9 is what dL/dw211 = δ21 · a11 multiplies: the step alone on the true δ21
    q = parse_quantity("dL/dw211", names)
    base = Reach(result, names, P)
    low, high = Reach(result, names, P, own, base).interval(q)
    delta_21 = t.D_YHAT  # δ21 = ∂L/∂ŷ (a linear output)
    assert low <= delta_21 * 0.9 <= high and not low <= delta_21 * t.A11 <= high


# -- the backward pass made as far as a question asks -------------------------------------------

def test_a_hidden_nodes_gradient_asked_first_is_made_and_holds_every_student():
    # a fresh pass asked ∂L/∂a11 before anything else makes the step down from layer 2 for it; a
    # student's ∂L/∂a11 = w211 · ∂L/∂ŷ (one product: the answer itself) with ∂L/∂ŷ = 2(ŷ − y) from
    # their rounded ŷ lies in it, and it is what the whole pass gives
    result, names = made(TINY)
    layers = [{"activation": "sigmoid", "weights": [[0.4, -0.2], [0.3, 0.6]], "biases": [0.1, -0.1]},
              {"activation": "linear", "weights": [[0.7, -0.5]], "biases": [0.2]}]
    for text, weight in (("dL/da11", t.W211), ("dL/da12", t.W212)):
        q = parse_quantity(text, names)
        low, high = Reach(result, names, P).interval(q)
        whole = Reach(result, names, P)
        whole._gradients()
        assert (low, high) == whole.interval(q)
        assert low <= t.D_YHAT * weight <= high
        reached = []
        for k in DIGITS:
            for products in (False, True):
                done = by_hand(layers, [1.0, 0.5], [1.0], 0.5, lambda v, k=k: significant(v, k), products)
                reached += [weight * g for g in roundings(2 * (done["yhat1"] - 1.0))]
        assert low <= min(reached) and max(reached) <= high, text
        # δ21 = ∂L/∂ŷ (a linear output) is one number, rounded once: the interval reaches little past
        # what the students do (a second rounding of it would add up to 0.004 more)
        assert min(reached) - low < 0.0015 and high - max(reached) < 0.0015, text


def test_a_stated_hidden_gradient_on_the_step_alone_asks_the_base_for_it():
    # the step alone (a base pass): ∂L/∂a11 stated; its base pass, asked nothing yet, makes the
    # ∂L/∂a12 it puts elsewhere; δ12 = ∂L/∂a12 · σ′(z12) is the base's, not a None
    result, names = made(TINY)
    stated = stated_as(names, {"dL/da11": -0.9})
    step = Reach(result, names, P, stated, Reach(result, names, P))
    low, high = step.interval(parse_quantity("dL/dz12", names))
    assert low <= t.D_Z12 <= high and high - low < 0.01
    low, high = step.interval(parse_quantity("dL/dz11", names))  # −0.9 · σ′(0.4) = −0.2162
    assert low <= -0.9 * t.A11 * (1 - t.A11) <= high and not low <= t.D_Z11 <= high


# -- softmax + cross-entropy, and sigmoid + binary cross-entropy: δ = ŷ − y, the fused route -------

SOFTMAX_CE = SOFTMAX_SQUARED.replace("squared_error", "cross_entropy").replace("[1.0, 0.0, 0.0]", "[0.0, 1.0, 0.0]")
WEIGHTS, BIASES, X = [[0.3, -0.2], [-0.4, 0.6], [0.2, 0.1]], [0.1, 0.0, -0.1], [0.5, -1.0]


def students_outputs(weights, biases, x, activation):
    """Each output vector ŷ a student may write: z from the products w·x (each written down, or
    not) rounded to 3 significant digits or finer, then each ŷ rounded to any of those digits."""
    found = set()
    for k in DIGITS:
        for products in (False, True):
            def term(v, k=k, products=products):
                return significant(v, k) if products else v

            z = [significant(sum(term(w * v) for w, v in zip(row, x)) + b, k) for row, b in zip(weights, biases)]
            exact = activation(z)
            found.update(itertools.product(*(roundings(v) for v in exact)))
    return sorted(found)


def test_softmax_cross_entropy_delta_reaches_yhat_minus_y_whatever_gradient_the_file_states():
    # the file states ∂L/∂ŷ2 = −3 (the truth is −1/ŷ2 = −6.5); a student who then writes δ = ŷ − y
    # from their rounded ŷ (the fused route, as the engine) is right all the same, and so is one who
    # takes −3 through softmax's Jacobian: δm = Σi gi·ŷi(δim − ŷm), each entry rounded
    result, names = made(SOFTMAX_CE)
    stated = stated_as(names, {"dL/dyhat1": 0.0, "dL/dyhat2": -3.0, "dL/dyhat3": 0.0})
    reach = Reach(result, names, P, stated)
    intervals = [reach.interval(parse_quantity(f"dL/dz1{m}", names)) for m in (1, 2, 3)]
    g, y = (0.0, -3.0, 0.0), (0.0, 1.0, 0.0)
    for yhat in students_outputs(WEIGHTS, BIASES, X, softmax):
        for m, (low, high) in enumerate(intervals):
            assert low <= yhat[m] - y[m] <= high, ("fused", yhat, m)
            for k in DIGITS:
                chain = sum(g[i] * significant(yhat[i] * ((i == m) - yhat[m]), k) for i in range(3))
                assert low <= chain <= high, ("chain", yhat, m, k)


def test_a_sign_flipped_softmax_cross_entropy_delta_is_not_the_fused_one():
    # ŷ − y has no sign to flip: the mistaken pass's δ is −(ŷ − y), told apart from the truth, and
    # the fused ŷ − y (the correct method's) is no part of it
    result, names = made(SOFTMAX_CE)
    true_delta = result.a[1][0] - result.targets[0]  # ŷ − y: (0.537, −0.846, 0.310)
    for m in (1, 2, 3):
        q = parse_quantity(f"dL/dz1{m}", names)
        low, high = Reach(result, names, P, mistake="sign_flipped").interval(q)
        assert low <= -true_delta[m - 1] <= high and not low <= true_delta[m - 1] <= high, m
        right = Reach(result, names, P).interval(q)
        assert right[0] <= true_delta[m - 1] <= right[1]


def test_softmax_under_squared_error_has_no_fused_route():
    # squared error: δm = ŷm(gm − Σi gi·ŷi), g = 2(ŷ − y); ŷ − y (0.46 away for m = 1) is no way to it
    result, names = made(SOFTMAX_SQUARED)
    y = (1.0, 0.0, 0.0)
    chains = [[], [], []]
    for yhat in students_outputs(WEIGHTS, BIASES, X, softmax):
        for k in DIGITS:
            g = [significant(2 * (p - t), k) for p, t in zip(yhat, y)]
            for m in range(3):
                chains[m].append(sum(g[i] * significant(yhat[i] * ((i == m) - yhat[m]), k) for i in range(3)))
    reach = Reach(result, names, P)
    for m in range(3):
        low, high = reach.interval(parse_quantity(f"dL/dz1{m + 1}", names))
        assert low <= min(chains[m]) and max(chains[m]) <= high
        assert min(chains[m]) - 0.002 < low and high < max(chains[m]) + 0.002, m  # the chain's own reach


def sigmoid(z):
    return [1 / (1 + math.exp(-v)) for v in z]


def test_sigmoid_binary_cross_entropy_delta_reaches_yhat_minus_y_and_no_further():
    # ∂L/∂ŷ1 stated −1 and σ′ stated 0.25: the chain gives δ11 = −0.25 exactly; the fused ŷ1 − y1
    # from the student's rounded ŷ1 (≈ 0.6106 − 1) is reached too, and nothing past either
    result, names = made(SIGMOID_BCE)
    stated = stated_as(names, {"dL/dyhat1": -1.0, "dyhat1/dz11": 0.25})
    low, high = Reach(result, names, P, stated).interval(parse_quantity("dL/dz11", names))
    fused = [yhat[0] - 1.0 for yhat in students_outputs([[0.3, -0.2], [-0.4, 0.6]], [0.1, 0.0], X, sigmoid)]
    assert low <= min(fused) and max(fused) <= high
    assert low > min(fused) - 1e-4  # the roundings of ŷ1 reach its end: 0.6106 (0.6105... never)
    assert high == pytest.approx(-0.25, abs=1e-12)  # the chain's one value, above every fused one


# -- the full softmax δ: how far ŷ's spread moves it (the centred form's first-order terms) -------

BOX = ((0.5, 0.6), (0.1, 0.2), (0.25, 0.35))  # ŷ stated as ranges: what digits a student wrote stand for
G = (-1.0, 0.4, 0.6)  # ∂L/∂ŷ stated exactly


def test_a_softmax_delta_holds_every_yhat_in_a_stated_box_and_little_more():
    # δm = ŷm(gm − Σi gi·ŷi) for every ŷ of the box (a grid of it, corners included) lies in the
    # interval, which reaches past their range by no more than the second-order terms: each ŷ
    # moves 0.05, so products of two moves, Σ|g|·0.05·0.05 = 0.005 each way (0.01 allowed)
    result, names = made(SOFTMAX_SQUARED)
    stated = stated_as(names, {**{f"yhat{i + 1}": BOX[i] for i in range(3)},
                               **{f"dL/dyhat{i + 1}": G[i] for i in range(3)}})
    reach = Reach(result, names, P, stated)
    grid = [[low + (high - low) * step / 10 for step in range(11)] for low, high in BOX]
    reached = [[], [], []]
    for yhat in itertools.product(*grid):
        total = sum(g * a for g, a in zip(G, yhat))
        for m in range(3):
            reached[m].append(yhat[m] * (G[m] - total))
    for m in range(3):
        low, high = reach.interval(parse_quantity(f"dL/dz1{m + 1}", names))
        assert low <= min(reached[m]) and max(reached[m]) <= high, m
        assert min(reached[m]) - low <= 0.01 and high - max(reached[m]) <= 0.01, m


SOFTMAX_BATCH_SQUARED = """\
inputs:
  - [0.5, -1.0]
  - [2.0, 0.3]
targets:
  - [1, 0, 0]
  - [0, 0, 1]
loss: squared_error
learning_rate: 0.5
layers:
  - activation: softmax
    weights: [[0.3, -0.2], [-0.4, 0.6], [0.2, 0.1]]
    biases: [0.1, 0.0, -0.1]
"""


def test_a_batchs_softmax_delta_on_stated_boxes_is_each_samples_own():
    # the same box stated for sample 1 of a batch of 2: its δ (each sample's own, halved by the
    # mean) is the single sample's, halved; sample 2 states nothing of it
    batch, names = made(SOFTMAX_BATCH_SQUARED)
    single, single_names = made(SOFTMAX_SQUARED)
    values = {**{f"yhat{i + 1}": BOX[i] for i in range(3)}, **{f"dL/dyhat{i + 1}": G[i] / 2 for i in range(3)}}
    in_batch = Reach(batch, names, P, stated_as(names, {f"{k}[1]": v for k, v in values.items()}))
    alone = Reach(single, single_names, P, stated_as(single_names, {**values, **{
        f"dL/dyhat{i + 1}": G[i] for i in range(3)}}))
    for m in (1, 2, 3):
        low, high = in_batch.interval(parse_quantity(f"dL/dz1{m}[1]", names))
        one = alone.interval(parse_quantity(f"dL/dz1{m}", single_names))
        assert (low, high) == pytest.approx((one[0] / 2, one[1] / 2), rel=1e-9, abs=1e-12), m


# -- softmax's Jacobian entries written down rounded ---------------------------------------------

def test_a_softmax_delta_on_outputs_whose_jacobian_needs_no_rounding_is_one_value():
    # ŷ = (0.11, 0.09, 0.8) and g = 2(ŷ − y) = (−1.78, 0.18, 1.6), stated exactly: every Jacobian
    # entry (0.0979, −0.0099, −0.088, 0.0819, −0.072, 0.16) has 3 significant digits, so rounding it
    # changes nothing, and δm = Σi gi·∂ŷi/∂zm is one number: δ1 = −0.316844 by hand
    result, names = made(SOFTMAX_SQUARED)
    yhat, g = (0.11, 0.09, 0.8), (-1.78, 0.18, 1.6)
    stated = stated_as(names, {**{f"yhat{i + 1}": yhat[i] for i in range(3)},
                               **{f"dL/dyhat{i + 1}": g[i] for i in range(3)}})
    reach = Reach(result, names, P, stated)
    for m in range(3):
        jacobian = [yhat[i] * ((i == m) - yhat[m]) for i in range(3)]
        assert all(significant(entry, 3) == pytest.approx(entry, abs=1e-15) for entry in jacobian)
        value = sum(gi * entry for gi, entry in zip(g, jacobian))
        low, high = reach.interval(parse_quantity(f"dL/dz1{m + 1}", names))
        assert low == pytest.approx(value, abs=1e-12) and high == pytest.approx(value, abs=1e-12), m
    assert reach.interval(parse_quantity("dL/dz11", names))[0] == pytest.approx(-0.316844, abs=1e-12)


def test_a_softmax_delta_holds_every_rounding_of_its_jacobian_entries_and_no_more():
    # ŷ and g stated exactly, ŷ's Jacobian entries with more digits than 3: a student writes each
    # to 3 significant digits or finer; every such δm = Σi gi·Jim is reached, and the interval is
    # no wider than each entry moved by half a unit of its third significant digit
    result, names = made(SOFTMAX_SQUARED)
    yhat, g = (0.123, 0.456, 0.421), (-1.754, 0.912, 0.842)
    stated = stated_as(names, {**{f"yhat{i + 1}": yhat[i] for i in range(3)},
                               **{f"dL/dyhat{i + 1}": g[i] for i in range(3)}})
    reach = Reach(result, names, P, stated)
    for m in range(3):
        jacobian = [yhat[i] * ((i == m) - yhat[m]) for i in range(3)]
        written = [roundings(entry) for entry in jacobian]
        reached = [sum(gi * entry for gi, entry in zip(g, choice)) for choice in itertools.product(*written)]
        low, high = reach.interval(parse_quantity(f"dL/dz1{m + 1}", names))
        assert low <= min(reached) and max(reached) <= high, m
        value = sum(gi * entry for gi, entry in zip(g, jacobian))
        half_units = sum(abs(gi) * 0.5 * 10.0 ** (math.floor(math.log10(abs(entry))) - 2)
                         for gi, entry in zip(g, jacobian))
        assert value - half_units <= low and high <= value + half_units, m


# -- derivative_on_z: σ′ or tanh′ taken on z as if it were a -------------------------------------

RELU_OUT_TANH = """\
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


def extremes(function, low: float, high: float) -> tuple[float, float]:
    values = [function(low + (high - low) * step / 1000) for step in range(1001)]
    return min(values), max(values)


@pytest.mark.parametrize(("spec", "z11", "slope"), [
    (TINY, (0.4, 0.6), lambda z: z * (1 - z)),  # σ′ on z: z(1 − z), its most 0.25 at z = 0.5
    (TINY, (0.7, 0.8), lambda z: z * (1 - z)),  # falling all the way: 0.21 down to 0.16
    (TINY, (0.1, 0.3), lambda z: z * (1 - z)),  # rising all the way: 0.09 up to 0.21
    (RELU_OUT_TANH, (-0.2, 0.3), lambda z: 1 - z * z),  # tanh′ on z: 1 − z², its most 1 at z = 0
    (RELU_OUT_TANH, (0.5, 0.9), lambda z: 1 - z * z),
])
def test_a_derivative_taken_on_z_spans_the_function_over_a_stated_z(spec, z11, slope):
    # z11 stated as a range (what its digits stand for): the mistaken ∂a11/∂z11 is the function of z
    # (not of a) over that range, its least and most found here on a fine grid
    result, names = made(spec)
    stated = stated_as(names, {"z11": z11})
    reach = Reach(result, names, P, stated, None, "derivative_on_z")
    low, high = reach.interval(parse_quantity("da11/dz11", names))
    least, most = extremes(slope, *z11)
    assert low == pytest.approx(least, abs=1e-12) and high == pytest.approx(most, abs=1e-12)


# -- softmax_cross_paths_missing: the Jacobian's diagonal ŷm(1 − ŷm) alone -----------------------

@pytest.mark.parametrize("yhat1", [(0.4, 0.6), (0.1, 0.3), (0.7, 0.8)])
def test_a_diagonal_only_softmax_delta_spans_g_times_the_diagonal_over_a_stated_yhat(yhat1):
    # ∂L/∂ŷ1 stated −2 exactly, ŷ1 stated as a range: the mistaken δ1 = −2·ŷ1(1 − ŷ1) for every ŷ1
    # of it lies in the interval; the centred form reaches past that range by twice its centre's
    # offset from the middle (|g|·2h², h the half width: 0.04 at most here), never by the
    # slope's whole width
    result, names = made(SOFTMAX_SQUARED)
    stated = stated_as(names, {"yhat1": yhat1, "dL/dyhat1": -2.0})
    reach = Reach(result, names, P, stated, None, "softmax_cross_paths_missing")
    low, high = reach.interval(parse_quantity("dL/dz11", names))
    least, most = extremes(lambda p: -2.0 * p * (1 - p), *yhat1)
    assert low <= least and most <= high
    h = (yhat1[1] - yhat1[0]) / 2
    assert least - low <= 2 * 2 * h * h + 1e-3 and high - most <= 2 * 2 * h * h + 1e-3


# -- a one-step ∂z/∂w: the a it multiplies, as the student has it ---------------------------------

@pytest.mark.parametrize(("spec", "f"), [(TINY, lambda z: 1 / (1 + math.exp(-z))), (RELU_OUT_TANH, math.tanh)])
def test_dz_dw_is_the_a_it_multiplies_as_the_student_has_it(spec, f):
    # z11 stated 0.45 and z12 stated as the range (0.49, 0.51): ∂z2j/∂w2jk = a1k, which the student
    # works out from their own z (σ(0.45), not the true σ(0.4)); another unit's weight moves z2j not
    # at all (0), and a first layer's ∂z1j/∂w1jk is the input x_k itself
    result, names = made(spec)
    reach = Reach(result, names, P, stated_as(names, {"z11": 0.45, "z12": (0.49, 0.51)}))
    a11, a12 = (f(0.45), f(0.45)), (f(0.49), f(0.51))
    expected = {"dz21/dw211": a11, "dz21/dw212": a12, "dz11/dw112": (0.5, 0.5), "dz11/dw111": (1.0, 1.0),
                "dz12/dw111": (0.0, 0.0), "dz12/dw122": (0.5, 0.5)}
    if len(result.sizes) > 2 and result.sizes[2] > 1:  # a second output: its own weights, not the first's
        expected.update({"dz22/dw221": a11, "dz22/dw222": a12, "dz22/dw211": (0.0, 0.0), "dz21/dw221": (0.0, 0.0)})
    for text, (low, high) in expected.items():
        assert reach.interval(parse_quantity(text, names)) == pytest.approx((low, high), abs=1e-12), text
    assert reach.interval(parse_quantity("dz21/dw211", names)) == reach.interval(parse_quantity("a11", names))


G_BOX = ((-1.3, -0.7), (0.1, 0.7), (0.3, 0.9))  # ∂L/∂ŷ stated as ranges too


def test_a_softmax_delta_holds_every_point_of_a_stated_box_of_yhat_and_gradient():
    # both ŷ and ∂L/∂ŷ stated as ranges: δm = ŷm(gm − Σi gi·ŷi) at every corner and middle of the
    # six-dimensional box lies in the interval; the products of two
    # spreads (ŷ's and g's) count, not the first-order terms alone
    result, names = made(SOFTMAX_SQUARED)
    stated = stated_as(names, {**{f"yhat{i + 1}": BOX[i] for i in range(3)},
                               **{f"dL/dyhat{i + 1}": G_BOX[i] for i in range(3)}})
    reach = Reach(result, names, P, stated)
    intervals = [reach.interval(parse_quantity(f"dL/dz1{m}", names)) for m in (1, 2, 3)]
    grid = [[low, (low + high) / 2, high] for low, high in BOX + G_BOX]
    for point in itertools.product(*grid):
        yhat, g = point[:3], point[3:]
        total = sum(gi * a for gi, a in zip(g, yhat))
        for m, (low, high) in enumerate(intervals):
            assert low <= yhat[m] * (g[m] - total) <= high, (point, m)


def test_a_pass_without_the_activation_derivative_takes_dl_da_for_dl_dz():
    # activation_derivative_missing: δ11 = ∂L/∂a11 itself (times 1, not σ′(z11)): the tiny network's
    # −0.9693·1 is in its interval, the true −0.9693·σ′(0.4) = −0.2329 is not
    result, names = made(TINY)
    for text, missing, truth in (("dL/dz11", t.D_A11, t.D_Z11), ("dL/dz12", t.D_A12, t.D_Z12)):
        low, high = Reach(result, names, P, mistake="activation_derivative_missing").interval(
            parse_quantity(text, names))
        assert low <= missing <= high and not low <= truth <= high, text


def test_a_hidden_delta_is_rounded_before_the_weight_gradient_multiplies_it():
    # dL/dw1jk = δ1j · x_k: a student writes δ1j down rounded (3 significant digits or finer) and
    # multiplies it by x; every such product is reached, though a rounded δ may lie past δ's own
    # interval
    result, names = made(TINY)
    layers = [{"activation": "sigmoid", "weights": [[0.4, -0.2], [0.3, 0.6]], "biases": [0.1, -0.1]},
              {"activation": "linear", "weights": [[0.7, -0.5]], "biases": [0.2]}]
    reach = Reach(result, names, P)
    for j in (1, 2):
        for k, x in ((1, 1.0), (2, 0.5)):
            low, high = reach.interval(parse_quantity(f"dL/dw1{j}{k}", names))
            for digits in DIGITS:
                for products in (False, True):
                    done = by_hand(layers, [1.0, 0.5], [1.0], 0.5, lambda v, d=digits: significant(v, d), products)
                    assert low <= done[f"dL/dz1{j}"] * x <= high, (j, k, digits, products)


@pytest.mark.parametrize("on_z", [False, True], ids=["alone", "with derivative_on_z"])
def test_a_hidden_activation_never_applied_has_slope_one_unless_taken_on_z(on_z):
    # a = z carried forward: a11 = z11 = 0.4, a12 = z12 = 0.5, ŷ = 0.7·0.4 − 0.5·0.5 + 0.2 = 0.23,
    # ∂L/∂ŷ = 2(0.23 − 1) = −1.54, ∂L/∂a1j = −1.54·w2j; ∂a/∂z of a = z is 1, and σ′ taken on z
    # (derivative_on_z as well) is z(1 − z): 0.24 and 0.25
    result, names = made(TINY)
    mistake = "activation_not_applied" + ("+derivative_on_z" if on_z else "")
    reach = Reach(result, names, P, mistake=mistake)
    for j, z, w in ((1, 0.4, 0.7), (2, 0.5, -0.5)):
        low, high = reach.interval(parse_quantity(f"dL/dz1{j}", names))
        made_slope, other_slope = (z * (1 - z), 1.0) if on_z else (1.0, z * (1 - z))
        assert low <= -1.54 * w * made_slope <= high, j
        assert not low <= -1.54 * w * other_slope <= high, j
