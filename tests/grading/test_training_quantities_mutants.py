"""grading.training_quantities, the cases the mutation run found untested: the limits of a value
after K (MAX_AFTER, MAX_WORK, the counts read), where a value after K stops being worked by hand
(MAX_WORKED) and what it is beyond, the loss after K (worked by hand or from the weights written
down, its L2 term's bounds, biases, a batch), the order of the quantities along the chain, a
partial's sample, and the hint naming the optimisers that keep a state. Every expected value is
worked out here by hand, from the update rules in plain Python, or from the engine's training,
never read off the module under test."""
import math
from types import SimpleNamespace

import pytest

from backprop_cli import load_spec
from backprop_cli.core.names import notation as make_notation
from backprop_cli.core.names import parameter_name
from backprop_cli.core.training import train
from backprop_cli.errors import NumericalError
from backprop_cli.grading.intervals import Reach
from backprop_cli.grading.quantities import QuantityError, chain_position, check_quantity, parse_quantity
from backprop_cli.grading.rule import precision_of
from backprop_cli.grading.training_quantities import _longest, loss_after_reach

from .test_training_quantities import problem, value


def computed(text: str):
    result = load_spec(text=text).compute()
    return result, make_notation("default", result.network.names)


def refusal(result, names, text: str) -> QuantityError | None:
    """check's QuantityError for `text` on `result`, None when it is accepted."""
    try:
        check_quantity(result, parse_quantity(text, names), names)
    except QuantityError as exc:
        return exc
    return None


# --- how many updates a value after K may ask for ------------------------------------------------

# one linear unit whose first update overflows (η = 1e300): any K it is asked after is refused, as
# out of reach (training stops at its first update) or as more updates than a check works out
DIVERGING = """\
input: {x}
target: [0.8]
loss: squared_error
learning_rate: 1.0e300
layers:
  - {{activation: linear, weights: [{w}], biases: [0.1]}}
"""


def test_a_value_after_at_most_100000_updates_is_asked_and_one_more_is_refused():
    result, names = computed(DIVERGING.format(x=[0.5, -0.3], w=[0.5, -0.7]))  # 3 parameters: the cap is MAX_AFTER
    with pytest.raises(NumericalError) as trained:  # the training's own word on why it stops
        train(result.network, result.a[0], result.targets, result.learning_rate, 2)
    why = str(trained.value)
    assert len(why) > 200  # the hint carries its first 200 characters
    for text in ("w111_after100000", "loss_after100000", "b11_after2"):
        exc = refusal(result, names, text)
        assert exc is not None and str(exc).endswith(f"training does not reach {text.rpartition('after')[2]} updates")
        assert exc.hint == why[:200]
    for text in ("w111_after100001", "loss_after100001"):
        exc = refusal(result, names, text)
        assert exc is not None and "more than a check works out" in str(exc)
        assert exc.hint == "at most 100,000"


def test_a_network_of_1001_parameters_is_worked_19980_updates_at_most():
    # updates × parameters at most 20,000,000: 20,000,000 // 1,001 = 19,980 updates (19,980.02)
    result, names = computed(DIVERGING.format(x=[0.001] * 1000, w=[0.001] * 1000))
    assert result.packing().size == 1001
    assert "does not reach 19980 updates" in str(refusal(result, names, "w111_after19980"))
    exc = refusal(result, names, "w111_after19981")
    assert "more than a check works out" in str(exc) and exc.hint == "at most 19,980"


@pytest.mark.parametrize("size, longest", [(1, 100_000), (200, 100_000), (201, 99_502), (952_381, 20)])
def test_the_most_updates_is_20_million_updates_times_parameters_and_100000_at_most(size, longest):
    # 20,000,000 // 201 = 99,502 (99,502.49); 20,000,000 // 952,381 = 20 (21 × 952,381 = 20,000,001): a
    # network that large takes seconds to pack, so its count alone stands in for it
    network = SimpleNamespace(packing=lambda: SimpleNamespace(size=size))
    assert _longest(network) == longest


def test_a_count_of_nine_digits_is_read_and_a_longer_one_is_refused_as_too_many():
    result, names = computed(DIVERGING.format(x=[0.5, -0.3], w=[0.5, -0.7]))
    assert parse_quantity("w111_after123456789", names).kind == "after:123456789"
    assert parse_quantity("w111_after000000004", names).kind == "after:4"
    for text in ("w111_after123456789", "w111_after1234567890", "loss_after" + "9" * 5000):
        exc = refusal(result, names, text)
        assert exc is not None and "more than a check works out" in str(exc), text


# --- a weight after K: worked by hand over its last updates, up to MAX_WORKED --------------------

# one linear unit under `loss: none` (L = ŷ): ∂L/∂w111 = x1 = 1.0049 at every update, so
# w111 after n updates is 30.55 − n·0.03·1.0049 (0.403 after 1,000); x2 = 0: w112 never moves
CIRCUIT = """\
input: [1.0049, 0.0]
output_gradient: [1.0]
loss: none
learning_rate: 0.03
layers:
  - {activation: linear, weights: [[30.55, 0.123456]], biases: [0.0]}
"""
ETA, G, W0 = 0.03, 1.0049, 30.55


def after(n: int) -> float:
    """w111 after n updates, by the update rule w ← w − η·g."""
    w = W0
    for _ in range(n):
        w -= ETA * G
    return w


def by_hand(k: int) -> float:
    """w111 after k updates as a student works the last 11 by hand from the true value before them,
    writing each value down to 3 decimals (as an answer written `0.12` rounds a value in [0.1, 1)), its
    gradient to 2 (1.0049 → 1.00) and the step η·g to 4: 0.0300 where the true step is 0.030147."""
    w = after(k - 11)
    for _ in range(11):
        w = round(w, 3) - round(ETA * round(G, 2), 4)
    return w


def last_step_rounded(k: int, written: str = "0.12") -> tuple[float, float]:
    """The value after k − 1 updates and the k-th step, each written down rounded as the answer is."""
    precision = precision_of(written)
    before, now = after(k - 1), after(k)
    step = precision.rounded_pair(before - now, before - now)
    written = precision.rounded_pair(before, before)
    return written[0] - step[1], written[1] - step[0]


@pytest.fixture(scope="module")
def circuit():
    """The circuit computed once for the tests of 1,000 updates and more: what it trains is kept."""
    return computed(CIRCUIT)


def interval(result, names, text: str, written: str):
    q = parse_quantity(text, names)
    check_quantity(result, q, names)
    return Reach(result, names, precision_of(written)).interval(q)


@pytest.mark.slow  # a thousand updates worked out
@pytest.mark.parametrize("k", [1000, 1001])
def test_a_value_after_up_to_1001_updates_reaches_the_student_who_works_the_last_ones_by_hand(k, circuit):
    result, names = circuit
    low, high = interval(result, names, f"w111_after{k}", "0.12")
    assert low <= after(k) <= high
    student = by_hand(k)
    # 11 gradients written 1.00 lose up to 11 × 0.000147 = 0.0016: more than one rounding of the value
    # before the last update and of the last step allow (what is worked beyond 1,001 updates)
    assert not last_step_rounded(k)[0] <= student <= last_step_rounded(k)[1]
    assert low - 1e-9 <= student <= high + 1e-9, (low, student, high)


def test_a_value_after_1002_updates_is_the_true_last_step_rounded(circuit):
    result, names = circuit
    low, high = interval(result, names, "w111_after1002", "0.12")
    assert (low, high) == pytest.approx(last_step_rounded(1002), rel=1e-12, abs=1e-12)
    assert not low <= by_hand(1002) <= high  # no longer worked by hand


def test_a_weight_that_never_moves_is_its_own_value_written_down_once():
    # w112's gradient is 0 at every update: after 2 it is the spec's 0.123456 (as given, not rounded)
    # written down once, after the first update, as the answer is: 0.123, or finer 0.1235 (then anything 0.000005
    # about it)
    result, names = computed(CIRCUIT)
    precision = precision_of("0.12")
    assert interval(result, names, "w112_after2", "0.12") == precision.rounded_pair(0.123456, 0.123456)
    assert precision.rounded_pair(0.123456, 0.123456) == pytest.approx((0.123, 0.1235), abs=1e-12)


@pytest.mark.parametrize("k", [12, 15])
def test_a_value_after_more_than_11_updates_starts_from_the_true_value_before_the_last_11(k):
    result, names = computed(CIRCUIT)
    low, high = interval(result, names, f"w111_after{k}", "0.123456")
    assert low <= after(k) <= high and high - low < ETA * G / 10  # narrower than one update


# --- the loss after K ------------------------------------------------------------------------------


def linear_unit(inputs: int) -> str:
    """One linear unit of `inputs` inputs and a bias: inputs + 1 parameters."""
    return (f"input: {[0.5] * inputs}\ntarget: [0.25]\nloss: squared_error\nlearning_rate: 0.1\n"
            f"layers:\n  - {{activation: linear, weights: [{[0.01] * inputs}], biases: [0.0]}}\n")


def spy(values: dict):
    """A `reach` that gives each parameter's interval from `values` (by name) and notes what it is
    asked: (name, kind)."""
    asked = []

    def reach(q):
        asked.append((str(q.name), q.kind))
        return values[str(q.name)]

    return reach, asked


def loss_after(result, names, k: int, written: str, values: dict):
    reach, asked = spy(values)
    q = parse_quantity(f"loss_after{k}", names)
    return loss_after_reach(result, q, precision_of(written), reach), asked


@pytest.mark.parametrize("parameters, k, worked", [
    (30, 10, True),  # 30 × 10 = 300 parameter updates: a hand-sized network
    (30, 11, True),  # only the last 10 updates are worked by hand: 30 × 10 again
    (43, 7, False),  # 301
    (43, 2, True),  # 86
    (200, 1, True),  # 200
    (300, 0, True),  # the spec's own values: one "update" per parameter, 300
    (301, 0, False),
])
def test_the_loss_after_k_is_worked_by_hand_up_to_300_parameter_updates(parameters, k, worked):
    result, names = computed(linear_unit(parameters - 1))
    assert result.packing().size == parameters
    kind = {0: "value", 1: "updated"}.get(k, f"after:{k}")
    exact = dict.fromkeys([parameter_name("w", 1, 1, i) for i in range(1, parameters)] + ["b11"], (0.01, 0.01))
    (low, high), asked = loss_after(result, names, k, "0.123456", exact)
    if worked:  # each parameter as its own value after k is judged
        assert sorted(asked) == sorted((name, kind) for name in exact)
    else:  # each parameter is its true value after k, written down rounded: the truth is reached
        assert asked == []
        run = train(result.network, result.a[0], result.targets, result.learning_rate, k) if k else None
        truth = run.losses[-1] if k else result.loss
        assert low <= truth * (1 + 1e-12) and truth * (1 - 1e-12) <= high, (low, truth, high)


# a 2-2-1 linear network; its L2 term (λ/2)·Σw² counts its 6 weights, never its 3 biases
TWO_LAYERS = """\
input: [0.5, -0.3]
target: [0.8]
loss: squared_error
learning_rate: 0.1
l2: {l2}
layers:
  - {{activation: linear, weights: [[0.5, -0.7], [0.9, 0.3]], biases: [0.1, -0.2]}}
  - {{activation: linear, weights: [[0.8, -0.6]], biases: [0.05]}}
"""
WEIGHTS = {  # each weight's interval after 2 updates, and its least and greatest w² by hand
    "w111": ((0.3, 0.5), 0.09, 0.25),  # positive: 0.3², 0.5²
    "w112": ((-0.2, 0.1), 0.0, 0.04),  # through 0: 0, (−0.2)²
    "w121": ((-0.6, -0.4), 0.16, 0.36),  # negative: (−0.4)², (−0.6)²
    "w122": ((0.0, 0.2), 0.0, 0.04),  # from 0
    "w211": ((1.5, 2.0), 2.25, 4.0),  # beyond 1
    "w212": ((-0.1, 0.0), 0.0, 0.01),  # up to 0
}
BIASES = {"b11": (0.2, 0.4), "b12": (-0.5, -0.1), "b21": (-2.0, 3.0)}


def test_the_l2_term_of_the_loss_after_k_is_bounded_by_the_weights_least_and_greatest_squares():
    values = {**{name: pair for name, (pair, _, _) in WEIGHTS.items()}, **BIASES}
    least = sum(low for _, low, _ in WEIGHTS.values())  # 2.5
    most = sum(high for _, _, high in WEIGHTS.values())  # 4.7
    without, _ = loss_after(*computed(TWO_LAYERS.format(l2=0.0)), 2, "0.123456", values)
    with_l2, asked = loss_after(*computed(TWO_LAYERS.format(l2=0.1)), 2, "0.123456", values)
    assert sorted(asked) == sorted((name, "after:2") for name in values)
    assert with_l2[0] - without[0] == pytest.approx(0.05 * least, rel=1e-9)  # 0.125
    assert with_l2[1] - without[1] == pytest.approx(0.05 * most, rel=1e-9)  # 0.235


@pytest.mark.parametrize("biases, name", [("[0.0]", "b11"), ("{shared: 0.0}", "b1")])
def test_the_loss_after_k_adds_the_biases_interval_end_to_end(biases, name):
    # x = 1: ŷ = w + b in [0.5 + 0.1, 0.5 + 0.3]; L = (ŷ − 0)² in [0.36, 0.64] (all on the grid)
    text = "input: [1.0]\ntarget: [0.0]\nloss: squared_error\nlearning_rate: 0.1\n" \
           f"layers:\n  - {{activation: linear, weights: [[0.5]], biases: {biases}}}\n"
    (low, high), asked = loss_after(*computed(text), 3, "0.12", {"w111": (0.5, 0.5), name: (0.1, 0.3)})
    assert sorted(asked) == [(name, "after:3"), ("w111", "after:3")]
    assert (low, high) == pytest.approx((0.36, 0.64), rel=1e-12)


def test_the_loss_after_k_of_one_sample_is_not_rounded_as_the_answer_is():
    # ŷ = 0.5 exactly (on every grid); L = (0.5 − 0.123)² = 0.142129: its rounding is the answer's own
    text = "input: [1.0]\ntarget: [0.123]\nloss: squared_error\nlearning_rate: 0.1\n" \
           "layers:\n  - {activation: linear, weights: [[0.5]], biases: [0.0]}\n"
    (low, high), _ = loss_after(*computed(text), 2, "0.12", {"w111": (0.5, 0.5), "b11": (0.0, 0.0)})
    assert low == pytest.approx(0.142129, rel=1e-12) and high == pytest.approx(0.142129, rel=1e-12)


def test_the_loss_after_k_of_a_batch_is_the_mean_of_its_samples_losses():
    # ŷ = 0.5·x: 0.5 and 1.0 for targets 0; losses 0.25 and 1.0 (on the grid), their mean 0.625
    text = "inputs: [[1.0], [2.0]]\ntargets: [[0.0], [0.0]]\nloss: squared_error\nlearning_rate: 0.1\n" \
           "layers:\n  - {activation: linear, weights: [[0.5]], biases: [0.0]}\n"
    (low, high), _ = loss_after(*computed(text), 2, "0.12", {"w111": (0.5, 0.5), "b11": (0.0, 0.0)})
    assert (low, high) == pytest.approx((0.625, 0.625), rel=1e-12)


@pytest.mark.parametrize("k", [1, 2])
def test_the_true_loss_after_k_is_reached_with_a_shared_bias(k):
    text = TWO_LAYERS.format(l2=0.0).replace("biases: [0.1, -0.2]", "biases: {shared: 0.1}")
    result, names = computed(text)
    truth = train(result.network, result.a[0], result.targets, result.learning_rate, k).losses[-1]
    assert abs(truth - result.loss) > 0.01  # the loss after k is no longer the loss before
    low, high = interval(result, names, f"loss_after{k}", "0.123456")
    assert low <= truth <= high and high - low < 0.001


def test_a_value_after_few_updates_is_the_same_whatever_was_asked_before_it():
    # each update's gradient is the network's after the updates before it (squared error: it changes)
    result, names = computed(TWO_LAYERS.format(l2=0.0))
    truth = train(result.network, result.a[0], result.targets, result.learning_rate, 3).result.value("w111")
    alone = interval(result, names, "w111_after3", "0.123456")
    assert alone[0] <= truth <= alone[1]
    again, _ = computed(TWO_LAYERS.format(l2=0.0))
    interval(again, names, "w111_after13", "0.123456")  # the networks after 2 to 12 updates kept
    assert interval(again, names, "w111_after3", "0.123456") == alone


# --- where each sits along the chain -------------------------------------------------------------


def test_a_partial_by_a_weight_sits_with_its_layers_gradients_and_a_state_before_its_change():
    names = make_notation("default")

    def at(text):
        return chain_position(parse_quantity(text, names), names, 2)

    # ∂ŷ1/∂w211 just after ∂L/∂w211, before anything of layer 1's backward pass
    assert at("dL/dw211") < at("dyhat1/dw211") < at("dL/da11") < at("dL/dw111")
    # an optimiser's state, then Δw, then the new value; the values after more updates after all of them
    assert at("m_w111") < at("Δw111") < at("w111_new") < at("w111_after2")
    assert sorted(["Δw111", "m_w111"], key=at) == ["m_w111", "Δw111"]
    # the loss after K is computed from every value after K: it comes after all of them
    assert at("b11_after3") < at("w211_after3") == at("b21_after3") < at("loss_after3")


# --- a partial derivative of one sample -------------------------------------------------------------


def test_a_partial_derivative_is_of_the_sample_it_names():
    # ∂ŷ1/∂z11 = σ′(z21)·w211·tanh′(z11), each sample's own: worked out here from the spec's numbers
    layers, inputs, _, text = problem("sgd")
    result = load_spec(text=text).compute()
    (w1, b1), (w2, b2) = ((layer["weights"], layer["biases"]) for layer in layers)
    expected = []
    for x in inputs:
        a1 = [math.tanh(sum(w * v for w, v in zip(row, x)) + b) for row, b in zip(w1, b1)]
        yhat1 = 1 / (1 + math.exp(-(sum(w * v for w, v in zip(w2[0], a1)) + b2[0])))
        expected.append(yhat1 * (1 - yhat1) * w2[0][0] * (1 - a1[0] ** 2))
    assert abs(expected[0] - expected[1]) > 1e-4
    for s in (1, 2):
        assert value(result, f"dyhat1/dz11[{s}]") == pytest.approx(expected[s - 1], rel=1e-12)


# --- a state the optimiser does not keep ------------------------------------------------------------


@pytest.mark.parametrize("state, keepers", [("m", {"adam"}), ("v", {"adagrad", "rmsprop", "adam"}),
                                            ("velocity", {"momentum", "nesterov"})])
def test_the_hint_names_the_optimisers_that_keep_the_state(state, keepers):
    result, names = computed(problem("sgd")[3])
    exc = refusal(result, names, f"{state}_w111")
    assert exc is not None and f"sgd keeps no {state}" in str(exc)
    listed, _, rest = exc.hint.removeprefix(f"{state} is the state of ").partition(":")
    assert set(listed.split(", ")) == keepers and rest == " name one in the spec's `optimizer:`"
