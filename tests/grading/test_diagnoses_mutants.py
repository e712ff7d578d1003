"""grading.diagnoses, the cases the mutation run found untested: a whole-pass mistake in a batch is
made sample by sample (a mean loss's gradient is the mean of each sample's)."""
import pytest

from backprop_cli.core.names import notation as make_notation
from backprop_cli.grading.diagnoses import NOTES, Diagnoser
from backprop_cli.grading.quantities import evaluate, parse_quantity
from backprop_cli.spec.reader import load_spec

LAYERS = """\
loss: cross_entropy
learning_rate: 0.5
layers:
  - activation: tanh
    weights: [[0.3, -0.2], [-0.4, 0.6]]
    biases: [0.1, 0.0]
  - activation: softmax
    weights: [[0.5, -0.3], [0.2, 0.7], [-0.6, 0.1]]
    biases: [0.0, 0.1, -0.1]
"""
SAMPLES = [("[0.5, -1.0]", "[1, 0, 0]"), ("[2.0, 0.3]", "[0, 0, 1]")]


def mistaken(text: str, quantity: str, sentence: str) -> float:
    result = load_spec(text=text).compute()
    names = make_notation("default", result.network.names)
    q = parse_quantity(quantity, names)
    values = [v for v, s, *_ in Diagnoser(result, names).candidates(q, evaluate(result, q, names)) if s == sentence]
    assert len(values) == 1
    return values[0]


@pytest.mark.parametrize("quantity", ["dL/dw211", "dL/db23", "dL/dw112"])
def test_the_notes_factor_in_a_batch_is_each_samples_mistake_averaged(quantity):
    batch = ("inputs:\n" + "".join(f"  - {x}\n" for x, _ in SAMPLES) + "targets:\n"
             + "".join(f"  - {y}\n" for _, y in SAMPLES) + LAYERS)
    alone = [mistaken(f"input: {x}\ntarget: {y}\n" + LAYERS, quantity, NOTES) for x, y in SAMPLES]
    assert mistaken(batch, quantity, NOTES) == pytest.approx(sum(alone) / len(alone), rel=1e-12)


def test_tanh_derivative_taken_on_z():
    # x = 1, w = 0.5: z = 0.5, a = tanh(0.5); ŷ = a, L = ŷ²: ∂L/∂a = 2a, and ∂L/∂z = 2a(1 − a²);
    # the slip takes 1 − z² = 0.75 for 1 − a²
    import math

    text = ("input: [1.0]\ntarget: [0.0]\nloss: squared_error\nlearning_rate: 0.5\nlayers:\n"
            "  - activation: tanh\n    weights: [[0.5]]\n    biases: [0.0]\n"
            "  - activation: linear\n    weights: [[1.0]]\n    biases: [0.0]\n")
    from backprop_cli.grading.diagnoses import ON_Z

    assert mistaken(text, "dL/dz11", ON_Z) == pytest.approx(2 * math.tanh(0.5) * 0.75, rel=1e-12)


def test_a_weights_indices_read_the_other_way():
    from ._tiny import SPEC, G

    result = load_spec(text=SPEC).compute()
    names = make_notation("default", result.network.names)
    q = parse_quantity("dL/dw112", names)
    found = [(v, s, c) for v, s, c in Diagnoser(result, names).candidates(q, G["w112"]) if c == "matrix_transposed"]
    assert found == [(pytest.approx(G["w121"]), "this is ∂L/∂w121: the indices are read the other way "
                      "(w{layer}{to}{from}: w112 goes into neuron 1 from neuron 2)", "matrix_transposed")]


def test_the_update_with_half_the_gradient():
    from ._tiny import ETA, SPEC, W211, G

    result = load_spec(text=SPEC).compute()
    names = make_notation("default", result.network.names)
    q = parse_quantity("w211_new", names)
    found = [(v, s) for v, s, c in Diagnoser(result, names).candidates(q, W211 - ETA * G["w211"])
             if c == "factor_2_lost"]
    assert found == [(pytest.approx(W211 - ETA * G["w211"] / 2), "the update used half the gradient (a lost factor 2 "
                      "in ∂L/∂ŷ)")]


def test_half_squared_error_with_a_factor_2_added():
    from ._tiny import D_YHAT, SPEC

    result = load_spec(text=SPEC.replace("loss: squared_error", "loss: half_squared_error")).compute()
    names = make_notation("default", result.network.names)
    q = parse_quantity("dL/dyhat1", names)
    expected = D_YHAT / 2  # half squared error: ∂L/∂ŷ = ŷ − y
    found = [(v, s) for v, s, c in Diagnoser(result, names).candidates(q, expected) if c == "factor_2_added"]
    assert found == [(pytest.approx(2 * expected), "this is twice the true value: half squared error's ∂L/∂ŷ is "
                      "(ŷ − y), with no factor 2")]


def test_a_single_sample_has_no_batch_mistake():
    from ._tiny import D_YHAT, SPEC

    result = load_spec(text=SPEC).compute()
    names = make_notation("default", result.network.names)
    codes = [c for _, _, c in Diagnoser(result, names).candidates(parse_quantity("dL/dyhat1", names), D_YHAT)]
    assert "sign_flipped" in codes and "batch_not_averaged" not in codes


def test_the_activation_never_applied_in_a_gradient():
    # tiny 2-2-1 with a = z in the hidden layer: a11 = 0.4, a12 = 0.5, ŷ = 0.7·0.4 − 0.5·0.5 + 0.2 = 0.23,
    # ∂L/∂ŷ = 2(0.23 − 1) = −1.54, ∂L/∂z11 = −1.54 · 0.7 (∂a/∂z = 1), ∂L/∂w111 = that · x1 (= 1)
    from backprop_cli.grading.diagnoses import NEVER

    from ._tiny import SPEC, G

    result = load_spec(text=SPEC).compute()
    names = make_notation("default", result.network.names)
    q = parse_quantity("dL/dw111", names)
    candidates = list(Diagnoser(result, names).candidates(q, G["w111"]))
    assert [(v, c) for v, s, c in candidates if s == NEVER] == [(pytest.approx(-1.54 * 0.7), "activation_not_applied")]
    # with the factor 2 of 2(ŷ − y) lost as well: half of it
    pair = f"two mistakes at once: {NEVER}; and the factor 2 of ∂L/∂ŷ = 2(ŷ − y) was lost"
    assert [(v, c) for v, s, c in candidates if s == pair] == [
        (pytest.approx(-1.54 * 0.7 / 2), "activation_not_applied+factor_2_lost")]


def test_backpropagating_through_weights_already_updated():
    # ∂L/∂z11 through w211 after its update: 2(ŷ − y) · w211_new · a11(1 − a11)
    from ._tiny import A11, D_YHAT, D_Z11, NEW, SPEC

    result = load_spec(text=SPEC).compute()
    names = make_notation("default", result.network.names)
    q = parse_quantity("dL/dz11", names)
    found = [(v, s) for v, s, c in Diagnoser(result, names).candidates(q, D_Z11) if c == "updated_weights_used"]
    assert found == [(pytest.approx(D_YHAT * NEW["w211"] * A11 * (1 - A11)),
                      "this backpropagates through weights already updated; use the weights of the forward pass "
                      "until every gradient is computed")]


def test_an_activation_gradient_through_weights_already_updated():
    # ∂L/∂a11 through w211 after its update: 2(ŷ − y) · w211_new
    from ._tiny import D_A11, D_YHAT, NEW, SPEC

    result = load_spec(text=SPEC).compute()
    names = make_notation("default", result.network.names)
    q = parse_quantity("dL/da11", names)
    found = [v for v, _, c in Diagnoser(result, names).candidates(q, D_A11) if c == "updated_weights_used"]
    assert found == [pytest.approx(D_YHAT * NEW["w211"])]


# Mazur's 2-2-2 network, sigmoid in both layers (so no layer is without a σ′ to take on z), worked by hand
MAZUR = """\
input: [0.05, 0.10]
target: [0.01, 0.99]
loss: half_squared_error
learning_rate: 0.5
layers:
  - activation: sigmoid
    weights: [[0.15, 0.20], [0.25, 0.30]]
    biases: [0.35, 0.35]
  - activation: sigmoid
    weights: [[0.40, 0.45], [0.50, 0.55]]
    biases: [0.60, 0.60]
"""


def _mazur_by_hand(slope_on_z=False, backward_weights=None):
    """∂E/∂w111 = Σo δo·w_o1 · σ′(h1) · i1, σ′ taken on z where `slope_on_z`, the backward sum read
    through `backward_weights` (rows o, columns h) where given."""
    import math

    def sigmoid(z):
        return 1 / (1 + math.exp(-z))

    x, target = [0.05, 0.10], [0.01, 0.99]
    w1, w2 = [[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]
    z1 = [sum(w * v for w, v in zip(row, x)) + 0.35 for row in w1]
    a1 = [sigmoid(z) for z in z1]
    z2 = [sum(w * v for w, v in zip(row, a1)) + 0.60 for row in w2]
    a2 = [sigmoid(z) for z in z2]

    def slope(z, a):
        return z * (1 - z) if slope_on_z else a * (1 - a)

    delta2 = [(a - t) * slope(z, a) for a, t, z in zip(a2, target, z2)]
    back = backward_weights or w2
    grad_a11 = sum(delta2[o] * back[o][0] for o in range(2))
    return grad_a11 * slope(z1[0], a1[0]) * x[0]


def _candidates(text: str, quantity: str) -> dict:
    result = load_spec(text=text).compute()
    names = make_notation("default", result.network.names)
    q = parse_quantity(quantity, names)
    return {code: value for value, _, code, *_ in Diagnoser(result, names).candidates(q, evaluate(result, q, names))}


def test_sigma_prime_on_z_is_a_candidate_where_every_layer_is_sigmoid():
    found = _candidates(MAZUR, "dL/dw111")
    assert found["derivative_on_z"] == pytest.approx(_mazur_by_hand(slope_on_z=True), rel=1e-12)


def test_a_two_layer_networks_backward_sum_read_one_path_only_or_transposed_is_a_candidate():
    found = _candidates(MAZUR, "dL/dw111")
    first_only = [[0.40, 0.45], [0.0, 0.0]]  # h1's ∂L/∂a sums over o1 alone
    last_only = [[0.0, 0.0], [0.50, 0.55]]  # ... or over o2 alone (the path through w222, after o1's)
    transposed = [[0.40, 0.50], [0.45, 0.55]]  # w_oh read as w_ho
    result = load_spec(text=MAZUR).compute()
    names = make_notation("default", result.network.names)
    q = parse_quantity("dL/dw111", names)
    paths = [v for v, _, code, *_ in Diagnoser(result, names).candidates(q, evaluate(result, q, names))
             if code == "one_path_only"]
    assert paths[:2] == pytest.approx([_mazur_by_hand(backward_weights=first_only),
                                       _mazur_by_hand(backward_weights=last_only)], rel=1e-12)
    assert found["matrix_transposed"] == pytest.approx(_mazur_by_hand(backward_weights=transposed), rel=1e-12)
