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
from .test_intervals_mutants import RELU_OUT, SIGMOID_BCE, SOFTMAX_BATCH, SOFTMAX_SQUARED, TINY

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
            g = [significant(2 * (p - target), k) for p, target in zip(yhat, y)]
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


SOFTMAX_BATCH_SQUARED = SOFTMAX_BATCH.replace("loss: cross_entropy", "loss: squared_error")


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

RELU_OUT_TANH = RELU_OUT  # a 2-2-2 network: a tanh hidden layer, a relu output


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
    reached = [[], [], []]
    for point in itertools.product(*grid):
        yhat, g = point[:3], point[3:]
        total = sum(gi * a for gi, a in zip(g, yhat))
        for m, (low, high) in enumerate(intervals):
            assert low <= yhat[m] * (g[m] - total) <= high, (point, m)
            reached[m].append(yhat[m] * (g[m] - total))
    # and no further past them than every product of two spreads together, (Σ rg)(Σ ra) +
    # Σ|g|·(Σ ra)² = 0.9·0.15 + 2.8·0.0225 ≈ 0.2
    for m, (low, high) in enumerate(intervals):
        assert min(reached[m]) - low < 0.2 and high - max(reached[m]) < 0.2, m


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


@pytest.mark.parametrize(("spec", "mistake", "node", "span", "slope"), [
    (TINY, "", "a11", (0.1, 0.2), lambda a: a * (1 - a)),  # σ′ from a
    (TINY, "", "a11", (0.7, 0.85), lambda a: a * (1 - a)),
    (RELU_OUT_TANH, "", "a11", (0.3, 0.5), lambda a: 1 - a * a),  # tanh′ from a
    (TINY, "derivative_on_z", "z11", (0.1, 0.2), lambda z: z * (1 - z)),  # σ′ taken on z
    (RELU_OUT_TANH, "derivative_on_z", "z11", (0.3, 0.5), lambda z: 1 - z * z),
])
def test_an_elementwise_delta_spans_the_gradient_times_the_slope_over_a_stated_range(spec, mistake, node, span,
                                                                                     slope):
    # ∂L/∂a11 stated −1 exactly and a11 (or z11, for σ′ taken on z) stated as a range: δ11 = −1·f′
    # for every point of it lies in the interval, which reaches past them by no more than twice the
    # offset of f′ at the range's middle from the middle of f′'s range (h², h the half width, for
    # these parabolas), plus the slope's rounding: never by the slope's whole width
    result, names = made(spec)
    stated = stated_as(names, {node: span, "dL/da11": -1.0})
    low, high = Reach(result, names, P, stated, None, mistake).interval(parse_quantity("dL/dz11", names))
    least, most = extremes(lambda v: -1.0 * slope(v), *span)
    assert low <= least and most <= high
    h = (span[1] - span[0]) / 2
    assert least - low <= 2 * h * h + 1e-3 and high - most <= 2 * h * h + 1e-3


def test_an_activation_never_applied_leaves_the_output_layer_its_own():
    # the mistake is a hidden layer's a = z carried forward; the output keeps its activation, and its
    # slope: with no hidden layer, the mistaken pass is the correct one, σ′ and all
    result, names = made(SIGMOID_BCE.replace("binary_cross_entropy", "squared_error"))
    right, never = Reach(result, names, P), Reach(result, names, P, mistake="activation_not_applied")
    for text in ("yhat1", "dL/dz11", "dL/dz12", "dL/dw112"):
        q = parse_quantity(text, names)
        assert never.interval(q) == right.interval(q), text
    low, high = never.interval(parse_quantity("dL/dz11", names))
    assert low <= result.deltas[1][0, 0] <= high  # 2(ŷ1 − 1)·ŷ1(1 − ŷ1), σ′ not left out


def test_a_step_alone_sharing_another_step_alones_forward_pass_asks_its_own_base():
    # two passes of the step alone on the same stated values, each with a base of its own: the
    # mistaken one shares the correct one's forward pass (no forward mistake), and its backward
    # steps still take the base's rounded true gradients, which its base (asked nothing yet) makes
    result, names = made(TINY)
    stated = stated_as(names, {"a11": 0.9, "dL/da12": -0.4})
    right = Reach(result, names, P, stated, Reach(result, names, P))
    mistake = "activation_derivative_missing"
    shared = Reach(result, names, P, stated, Reach(result, names, P), mistake, forward=right)
    alone = Reach(result, names, P, stated, Reach(result, names, P), mistake)
    for text in ("dL/dw211", "dL/dz11", "dL/dz12", "dL/dw122", "dL/da11"):
        q = parse_quantity(text, names)
        assert shared.interval(q) == alone.interval(q), text
    low, high = shared.interval(parse_quantity("dL/dz11", names))  # the base's ∂L/∂a11 times 1, not σ′
    assert low <= t.D_A11 <= high and not low <= t.D_Z11 <= high


def test_a_softmax_delta_holds_every_rounding_of_its_jacobian_entries_at_every_stated_gradient():
    # as above, ∂L/∂ŷ now stated as ranges: δm = Σi gi·Jim is linear in g, so its extremes are at
    # the corners of g's box; there each entry's rounding moves δm by the most |gi| of its range
    result, names = made(SOFTMAX_SQUARED)
    yhat, g_box = (0.123, 0.456, 0.421), ((-1.9, -1.6), (0.7, 1.1), (0.6, 1.0))
    stated = stated_as(names, {**{f"yhat{i + 1}": yhat[i] for i in range(3)},
                               **{f"dL/dyhat{i + 1}": g_box[i] for i in range(3)}})
    reach = Reach(result, names, P, stated)
    for m in range(3):
        written = [roundings(yhat[i] * ((i == m) - yhat[m])) for i in range(3)]
        low, high = reach.interval(parse_quantity(f"dL/dz1{m + 1}", names))
        for g in itertools.product(*g_box):
            for choice in itertools.product(*written):
                assert low <= sum(gi * entry for gi, entry in zip(g, choice)) <= high, (m, g, choice)


# -- products written down before adding; a batch's mean; z taken for a --------------------------

OFF_GRID = """\
input: [1.23, -0.567]
target: [0.3, 0.6]
loss: squared_error
learning_rate: 0.5
layers:
  - activation: tanh
    weights: [[0.321, 0.789], [-0.654, 0.432]]
    biases: [0.1, -0.2]
  - activation: linear
    weights: [[0.7, -0.5], [0.2, 0.3]]
    biases: [0.2, 0.1]
"""


def test_each_product_of_a_sum_may_be_written_down_rounded_forward_and_back():
    # z11 = 0.321·1.23 + 0.789·(−0.567) + 0.1 = 0.39483 − 0.447363 + 0.1, and, with δ21 and δ22
    # stated (0.7158 and −1.4911, more digits than 3), ∂L/∂a11 = 0.7·0.7158 + 0.2·(−1.4911) =
    # 0.50106 − 0.29822: a student may write each product down rounded (3 significant digits or
    # finer) before adding; every such sum is reached (the sum is the answer itself)
    result, names = made(OFF_GRID)
    reach = Reach(result, names, P, stated_as(names, {"dL/dz21": 0.7158, "dL/dz22": -1.4911}))
    low, high = reach.interval(parse_quantity("z11", names))
    for first, second in itertools.product(roundings(0.321 * 1.23), roundings(0.789 * -0.567)):
        assert low <= first + second + 0.1 <= high, (first, second)
    low, high = reach.interval(parse_quantity("dL/da11", names))
    sums = [first + second for first, second in itertools.product(roundings(0.7 * 0.7158), roundings(0.2 * -1.4911))]
    assert low <= min(sums) < max(sums) <= high
    assert min(sums) == pytest.approx(0.501 - 0.29822) and max(sums) == pytest.approx(0.5011 - 0.298)


def test_a_pass_taking_z_for_a_multiplies_the_layer_belows_z():
    # pre_activation_for_activation: dL/dw2jk = δ2j · z1k (not a1k); the first layer's dL/dw1jk
    # multiplies the input x_k (there is no z below it): on the tiny network, by hand
    result, names = made(TINY)
    reach = Reach(result, names, P, mistake="pre_activation_for_activation")
    for text, value, truth in (("dL/dw211", t.D_YHAT * t.Z11, t.G["w211"]), ("dL/dw212", t.D_YHAT * t.Z12, t.G["w212"]),
                               ("dL/dw111", t.D_Z11 * t.X1, None), ("dL/dw122", t.D_Z12 * t.X2, None)):
        low, high = reach.interval(parse_quantity(text, names))
        assert low <= value <= high, text
        if truth is not None:
            assert not low <= truth <= high, text


def batch_alone():
    """The batch of 2, and each of its samples as a network of its own (Reach, notation)."""
    batch, names = made(SOFTMAX_BATCH_SQUARED)
    lines = SOFTMAX_BATCH_SQUARED.splitlines()
    alone = []
    for sample in (1, 2):
        single, single_names = made("\n".join([f"input: {lines[sample][4:]}", f"target: {lines[3 + sample][4:]}",
                                               *lines[6:]]) + "\n")
        alone.append((Reach(single, single_names, P), single_names))
    return batch, names, alone


def test_a_samples_own_parameter_gradient_is_that_sample_alone():
    # dL/db12[s] and dL/dw121[s]: sample s's own gradient, before any averaging: what the network
    # run on that sample alone gives, its own neuron's δ (not the layer's sum)
    batch, names, alone = batch_alone()
    reach = Reach(batch, names, P)
    for s, (one, one_names) in enumerate(alone, start=1):
        for text in ("dL/db11", "dL/db12", "dL/dw121", "dL/dw132"):
            own = reach.interval(parse_quantity(f"{text}[{s}]", names))
            assert own == pytest.approx(one.interval(parse_quantity(text, one_names)), rel=1e-9, abs=1e-15), (s, text)


def test_a_batch_not_averaged_sums_the_samples_gradients():
    # batch_not_averaged: the batch's gradient is the sum of its samples' (twice the mean, here)
    batch, names, alone = batch_alone()
    reach = Reach(batch, names, P, mistake="batch_not_averaged")
    for text in ("dL/dw111", "dL/db13"):
        low, high = reach.interval(parse_quantity(text, names))
        each = [one.interval(parse_quantity(text, one_names)) for one, one_names in alone]
        assert low == pytest.approx(each[0][0] + each[1][0], rel=1e-9)
        assert high == pytest.approx(each[0][1] + each[1][1], rel=1e-9)
        assert low <= 2 * batch.gradient(text[4:]) <= high, text


def written_down(low: float, high: float, n: int = 2) -> tuple[float, float]:
    """A sample's δ·a in [low, high] as a student may write it down before a batch's mean: rounded
    as the answer is (P), the product or its share δ·a/n, or not at all."""
    (product_low, product_high), (share_low, share_high) = P.rounded(low, high), P.rounded(low / n, high / n)
    return min(float(product_low), n * float(share_low), low), max(float(product_high), n * float(share_high), high)


def test_a_batchs_parameter_gradient_is_the_mean_of_each_samples_alone():
    # dL/dw and dL/db of a batch of 2: the mean of what each sample alone gives (the pass on that
    # sample's network), the interval's ends too; each sample's δ·a of a weight's as it may be
    # written down before adding, a bias's δ as the step down already rounded it
    batch, names, alone = batch_alone()
    reach = Reach(batch, names, P)
    widened = []
    for text in ("dL/dw111", "dL/dw132", "dL/db12", "dL/db13"):
        low, high = reach.interval(parse_quantity(text, names))
        each = [one.interval(parse_quantity(text, one_names)) for one, one_names in alone]
        if "dw" in text:
            rounded = [written_down(*pair) for pair in each]
            widened.append(rounded != each)
            each = rounded
        assert low == pytest.approx((each[0][0] + each[1][0]) / 2, rel=1e-9)
        assert high == pytest.approx((each[0][1] + each[1][1]) / 2, rel=1e-9)
        assert low <= batch.gradient(text[4:]) <= high, text
    assert widened == [False, True]  # dL/dw132's products are off the answer's grid: written down, they widen


def test_an_l2_term_adds_lambda_w_to_a_weights_gradient_and_nothing_to_a_bias():
    # l2: 0.1 adds λ·w to ∂L/∂w (0.1·0.7 = 0.07 to dL/dw211) and nothing to ∂L/∂b (biases carry
    # no L2 term): the tiny network's gradients by hand
    result, names = made(TINY.replace("learning_rate: 0.5", "learning_rate: 0.5\nl2: 0.1"))
    reach = Reach(result, names, P)
    for text, value, off in (("dL/dw211", t.G["w211"] + 0.1 * t.W211, t.G["w211"]),
                             ("dL/dw112", t.G["w112"] + 0.1 * t.W112, t.G["w112"]),
                             ("dL/db21", t.G["b21"], t.G["b21"] + 0.1 * t.B21),
                             ("dL/db12", t.G["b12"], t.G["b12"] + 0.1 * t.B12)):
        low, high = reach.interval(parse_quantity(text, names))
        assert low <= value <= high and not low <= off <= high, text


def test_a_softmax_delta_on_exact_outputs_spans_exactly_its_stated_gradients_range():
    # ŷ = (0.11, 0.09, 0.8) stated exactly (every Jacobian entry has 3 significant digits: no
    # rounding moves it), ∂L/∂ŷ stated as ranges: δm = Σi gi·Jim is linear in g, its least and
    # most at corners of g's box, and the interval is exactly that
    result, names = made(SOFTMAX_SQUARED)
    yhat, g_box = (0.11, 0.09, 0.8), ((-1.9, -1.6), (0.1, 0.3), (1.4, 1.8))
    stated = stated_as(names, {**{f"yhat{i + 1}": yhat[i] for i in range(3)},
                               **{f"dL/dyhat{i + 1}": g_box[i] for i in range(3)}})
    reach = Reach(result, names, P, stated)
    for m in range(3):
        jacobian = [yhat[i] * ((i == m) - yhat[m]) for i in range(3)]
        corners = [sum(gi * entry for gi, entry in zip(g, jacobian)) for g in itertools.product(*g_box)]
        low, high = reach.interval(parse_quantity(f"dL/dz1{m + 1}", names))
        assert (low, high) == pytest.approx((min(corners), max(corners)), abs=1e-12), m


def test_an_elementwise_delta_holds_every_corner_of_a_stated_gradient_and_output():
    # ∂L/∂a11 stated as the range (−1.5, −0.5) and a11 as (0.1, 0.2): δ11 = g·a(1 − a) is most
    # negative at g = −1.5, a = 0.2 (−0.24) and least at g = −0.5, a = 0.1 (−0.045)
    result, names = made(TINY)
    stated = stated_as(names, {"a11": (0.1, 0.2), "dL/da11": (-1.5, -0.5)})
    low, high = Reach(result, names, P, stated).interval(parse_quantity("dL/dz11", names))
    for g in (-1.5, -1.0, -0.5):
        for a in (0.1, 0.15, 0.2):
            assert low <= g * a * (1 - a) <= high, (g, a)
    assert low <= -0.24 and high >= -0.045


@pytest.mark.parametrize(("mistake", "weights"), [
    ("matrix_transposed", (0.7, -0.5)),  # w2k1 read as w21k: the first row for the first column
    ("one_path_only", (0.7, 0.0)),  # the first unit's path alone
])
def test_a_mistake_reading_the_weights_another_way_sums_through_them(mistake, weights):
    # δ21 = 0.7158 and δ22 = −1.4911 stated: ∂L/∂a11 = Σj δ2j·(the weight the mistake reads); the
    # truth reads w211 = 0.7 and w221 = 0.2 (0.20284), the mistakes what the cases say
    result, names = made(OFF_GRID)
    stated = stated_as(names, {"dL/dz21": 0.7158, "dL/dz22": -1.4911})
    low, high = Reach(result, names, P, stated, None, mistake).interval(parse_quantity("dL/da11", names))
    value = 0.7158 * weights[0] + -1.4911 * weights[1]
    assert low <= value <= high and not low <= 0.7158 * 0.7 + -1.4911 * 0.2 <= high


def test_a_pass_with_weights_already_updated_sums_through_the_updated_weights():
    # updated_weights_used: ∂L/∂a11 = Σj δ2j·(w2j1 − η·δ2j·a11), the weights updated by this pass's
    # own gradient (δ stated: 0.7158 and −1.4911; a11 = tanh(z11) as the student rounds it). The
    # pass takes that gradient at its interval's middle, with the answer's own rounding only (by
    # design: its spread is δ's), so a student's value is within 0.002 of it, if not in it
    result, names = made(OFF_GRID)
    stated = stated_as(names, {"dL/dz21": 0.7158, "dL/dz22": -1.4911})
    low, high = Reach(result, names, P, stated, None, "updated_weights_used").interval(
        parse_quantity("dL/da11", names))
    a11 = math.tanh(0.321 * 1.23 + 0.789 * -0.567 + 0.1)
    for a in roundings(a11):
        value = sum(delta * (w - 0.5 * delta * a) for delta, w in ((0.7158, 0.7), (-1.4911, 0.2)))
        assert low - 0.002 <= value <= high + 0.002, a
    assert not low <= 0.7158 * 0.7 + -1.4911 * 0.2 <= high
    assert high - low < 0.005  # δ exact: a11's rounding and the updated weights' own only


@pytest.mark.parametrize(("mistake", "gradient"), [("factor_2_lost", lambda yhat: yhat - 1.0),
                                                   ("sign_flipped", lambda yhat: -2 * (yhat - 1.0))])
def test_a_mistaken_loss_gradient_holds_every_student_making_it(mistake, gradient):
    # factor_2_lost: ∂L/∂ŷ = ŷ − y; sign_flipped: −2(ŷ − y); the tiny network's δ21 (a linear output:
    # ∂L/∂ŷ itself) as a student making the mistake writes it from their rounded ŷ, every rounding
    result, names = made(TINY)
    low, high = Reach(result, names, P, mistake=mistake).interval(parse_quantity("dL/dz21", names))
    layers = [{"activation": "sigmoid", "weights": [[0.4, -0.2], [0.3, 0.6]], "biases": [0.1, -0.1]},
              {"activation": "linear", "weights": [[0.7, -0.5]], "biases": [0.2]}]
    reached = []
    for k in DIGITS:
        for products in (False, True):
            done = by_hand(layers, [1.0, 0.5], [1.0], 0.5, lambda v, k=k: significant(v, k), products)
            reached += roundings(gradient(done["yhat1"]))
    assert low <= min(reached) < max(reached) <= high
    assert not low <= t.D_YHAT <= high


SOFTMAX_BATCH_CE = SOFTMAX_BATCH


@pytest.mark.parametrize("sample", [1, 2])
def test_a_batchs_softmax_cross_entropy_delta_holds_each_samples_yhat_minus_y(sample):
    # the fused ŷ − y, sample by sample (each its own targets' sum), halved by the mean of 2
    batch, names = made(SOFTMAX_BATCH_CE)
    reach = Reach(batch, names, P)
    for m in (1, 2, 3):
        low, high = reach.interval(parse_quantity(f"dL/dz1{m}[{sample}]", names))
        fused = (batch.a[1][sample - 1, m - 1] - batch.targets[sample - 1, m - 1]) / 2
        assert low <= fused <= high, m


def test_an_l2_term_is_added_to_the_loss():
    # l2: 0.1 adds (λ/2)·Σw² = 0.05·(0.16 + 0.04 + 0.09 + 0.36 + 0.49 + 0.25) = 0.0695 to L, exactly
    result, names = made(TINY.replace("learning_rate: 0.5", "learning_rate: 0.5\nl2: 0.1"))
    low, high = Reach(result, names, P).interval(parse_quantity("loss", names))
    assert low <= t.LOSS + 0.0695 <= high and not low <= t.LOSS <= high


TINY_BATCH = TINY.replace("input: [1.0, 0.5]", "inputs:\n  - [1.0, 0.5]\n  - [-1.0, 2.0]").replace(
    "target: [1.0]", "targets:\n  - [1.0]\n  - [0.0]")


def test_a_batchs_one_step_derivatives_are_each_samples_own():
    # σ′(z11) and ∂z21/∂w211 = a11 of sample s: the network run on that sample alone gives them
    batch, names = made(TINY_BATCH)
    reach = Reach(batch, names, P)
    for s, x, y in ((1, "[1.0, 0.5]", "[1.0]"), (2, "[-1.0, 2.0]", "[0.0]")):
        single, single_names = made(TINY.replace("input: [1.0, 0.5]", f"input: {x}").replace("target: [1.0]",
                                                                                           f"target: {y}"))
        alone = Reach(single, single_names, P)
        for text in ("da11/dz11", "da12/dz12", "dz21/dw211", "dz21/dw212"):
            own = reach.interval(parse_quantity(f"{text}[{s}]", names))
            assert own == pytest.approx(alone.interval(parse_quantity(text, single_names)), abs=1e-15), (s, text)


def test_a_weight_gradient_spans_every_corner_of_its_stated_factors():
    # δ21 stated as the range (−0.8, −0.6) and a11 as (0.55, 0.65): dL/dw211 = δ21·a11 runs from
    # −0.8·0.65 = −0.52 to −0.6·0.55 = −0.33, exactly (nothing is rounded after them: the answer's own)
    result, names = made(TINY)
    stated = stated_as(names, {"dL/dz21": (-0.8, -0.6), "a11": (0.55, 0.65)})
    reach = Reach(result, names, P, stated)
    assert reach.interval(parse_quantity("dL/dw211", names)) == pytest.approx((-0.52, -0.33), abs=1e-12)
    assert reach.interval(parse_quantity("dL/dw211[1]", names)) == pytest.approx((-0.52, -0.33), abs=1e-12)


def test_a_softmax_jacobian_entry_below_a_hidden_layer_spans_the_rounded_outputs():
    # ∂ŷ1/∂z22 = −ŷ1·ŷ2 of the softmax-classifier (a tanh layer below the softmax), from the
    # student's rounded ŷ: every rounding of ŷ1 and ŷ2 gives a product in the interval
    from backprop_cli import load_example

    result = load_example("softmax-classifier").compute()
    names = make_notation("default", result.network.names)
    low, high = Reach(result, names, P).interval(parse_quantity("dyhat1/dz22", names))
    y1, y2 = (float(v) for v in result.a[2][0][:2])
    products = [-a * b for a in roundings(y1) for b in roundings(y2)]
    assert low <= min(products) < max(products) <= high


def test_a_correct_pass_sharing_a_forward_pass_serves_as_a_base():
    # a correct pass given another's forward pass (the same, shared) is a base for the step alone
    # as well as one making its own: the step alone on it gives the same intervals
    result, names = made(TINY)
    stated = stated_as(names, {"a11": 0.9})
    shared = Reach(result, names, P, forward=Reach(result, names, P))
    on_shared = Reach(result, names, P, stated, shared)
    on_own = Reach(result, names, P, stated, Reach(result, names, P))
    for text in ("yhat1", "dL/dw211", "dL/dz11", "dL/dw112"):
        q = parse_quantity(text, names)
        assert on_shared.interval(q) == on_own.interval(q), text
