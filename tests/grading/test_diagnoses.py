"""grading.diagnoses: a wrong answer computed in the test by making a catalogued mistake by hand on
the tiny 2-2-1 network (tests/grading/_tiny.py) is named as that mistake; a right answer, or one no
mistake gives, is not diagnosed; "follows from" points along real dependencies only."""
import pytest

from backprop_cli.grading.diagnoses import Diagnoser
from backprop_cli.grading.quantities import evaluate, parse_quantity

from . import _tiny as t

SIGN = "The sign is flipped: ∂L/∂ŷ uses (ŷ − y), not (y − ŷ)."
FLAT = "The activation's derivative ∂a/∂z is left out of the chain."


def diagnosis(tmp_path, quantity: str, value: float, decimals: int = 6):
    result, notation, read, tolerance = t.read(tmp_path, {quantity: t.f(value, decimals)})
    (answer,) = read
    return Diagnoser(result, notation).diagnose(answer, evaluate(result, answer.quantity, notation), tolerance)


# each mistake made by hand: the chain L → ŷ1 → z21 → a11 → z11 → w111 with one factor wrong
MISTAKES = [
    # σ'(z11) left out of ∂L/∂w111 = 2(ŷ − y) · w211 · σ'(z11) · x1
    ("dL/dw111", t.D_YHAT * t.W211 * t.X1, FLAT),
    ("dL/dw111", -t.D_YHAT * t.W211 * t.A11 * (1 - t.A11) * t.X1, SIGN),  # (y − ŷ) for (ŷ − y)
    ("dL/dw111", (t.YHAT - t.Y) * t.W211 * t.A11 * (1 - t.A11) * t.X1,  # the 2 of 2(ŷ − y) lost
     "This is half the true value: the factor 2 of ∂L/∂ŷ = 2(ŷ − y) was lost."),
    # the update's sign: w + η·g
    ("w211_new", t.W211 + t.ETA * t.D_YHAT * t.A11, "This adds η·∂L/∂w; the update subtracts it: w ← w − η·∂L/∂w."),
    ("w211_new", t.W211 - t.D_YHAT * t.A11, "η is left out: w ← w − η·∂L/∂w with η = 0.5."),  # η missing
    ("w211_new", t.W211, "This is the value before the update: w ← w − η·∂L/∂w was not applied."),
    ("a11", t.W111 * t.X1 + t.W112 * t.X2 + t.B11, "This is z11, the pre-activation; a11 is the activation."),
    # ∂z21/∂w211 taken as z11 instead of a11
    ("dL/dw211", t.D_YHAT * t.Z11,
     "This multiplies by the pre-activation z11 where the activation a11 belongs (∂z/∂w is the input to the weight)."),
]


@pytest.mark.parametrize("quantity, value, sentence", MISTAKES)
def test_a_mistake_made_by_hand_is_named(tmp_path, quantity, value, sentence):
    assert diagnosis(tmp_path, quantity, value) == sentence


@pytest.mark.parametrize("quantity, value, sentence", MISTAKES)
def test_at_four_decimals_too(tmp_path, quantity, value, sentence):
    assert diagnosis(tmp_path, quantity, value, 4) == sentence


def test_two_mistakes_that_give_one_value_are_both_named_as_possibilities(tmp_path):
    # ∂L/∂z11 without σ'(z11) is ∂L/∂a11: either mistake gives it
    said = diagnosis(tmp_path, "dL/dz11", t.D_YHAT * t.W211)
    assert said.startswith("More than one known mistake gives this value: ")
    assert "this is ∂L/∂a11, not ∂L/∂z11 (z and a swapped)" in said and FLAT[1:] in said


def test_a_mistake_that_changes_nothing_here_is_not_named(tmp_path):
    assert diagnosis(tmp_path, "dL/dw211", -t.D_YHAT * t.A11) == SIGN


@pytest.mark.parametrize("quantity, value", [
    ("dL/dw111", t.G["w111"]),  # right
    ("dL/dw111", t.G["w111"] * 1.37 + 0.011),  # no mistake gives this
    ("w211_new", t.NEW["w211"] + 0.3),
    ("a11", 0.7123),
])
def test_no_diagnosis_for_a_right_answer_or_an_unknown_mistake(tmp_path, quantity, value):
    assert diagnosis(tmp_path, quantity, value) is None


def test_no_mistake_is_named_where_the_correct_method_gives_the_value_too(tmp_path):
    # Before (a strict xfail until the one rule): ∂L/∂w112 = -0.116407 written -0.1 was diagnosed 'This
    # is half the true value', as the lost factor 2 (-0.058204) rounds to -0.1 too. The digits cannot
    # tell the two apart: the verdict is imprecise (never wrong), naming what it cannot be told from
    import json

    from conftest import invoke

    assert round(t.G["w112"], 1) == -0.1 and round(t.G["w112"] / 2, 1) == -0.1
    out = json.loads(invoke("check", t.answers_file(tmp_path, {"dL/dw112": "-0.1"}), "--format", "json").stdout)
    (result,) = out["files"][0]["results"]
    assert result["verdict"] == "imprecise", result
    assert "factor_2_lost" in [d["code"] for d in result["diagnoses"]] and "write 4 decimals" in result["diagnosis"]


def test_candidates_hold_the_values_of_the_mistakes(tmp_path):
    result, notation, _, _ = t.read(tmp_path, {"loss": "0.5"})
    q = parse_quantity("dL/dw111", notation)
    values = {sentence: value for value, sentence, *_ in Diagnoser(result, notation).candidates(q, t.G["w111"])}
    assert values[FLAT[0].lower() + FLAT[1:-1]] == pytest.approx(t.D_YHAT * t.W211 * t.X1, rel=1e-12)
    assert values[SIGN[0].lower() + SIGN[1:-1]] == pytest.approx(-t.G["w111"], rel=1e-12)


def _causes(tmp_path, wrong: list[str], right: list[str] = ()):
    from backprop_cli.grading.dependencies import NetworkShape, first_causes

    result, notation, _, _ = t.read(tmp_path, {"loss": "0.5"})
    return first_causes(NetworkShape(result, notation), [parse_quantity(q, notation) for q in wrong],
                        [parse_quantity(q, notation) for q in right])


def test_first_causes_only_along_real_dependencies(tmp_path):
    # z12 is not computed from a11; ŷ1 is (z21 = w211·a11 + ...); ∂L/∂w211 from a11 (its input)
    assert _causes(tmp_path, ["a11", "z12", "yhat1", "dL/dw211"]) == [None, None, 0, 0]
    # ∂L/∂w111 comes from ∂L/∂z11, not ∂L/∂z12
    assert _causes(tmp_path, ["dL/dz12", "dL/dw111"]) == [None, None]
    assert _causes(tmp_path, ["dL/dz11", "dL/dw111"]) == [None, 0]


def test_a_right_answer_between_cuts_the_chain(tmp_path):
    # ∂L/∂w111 hangs on ŷ1 only through ∂L/∂z11 (and the forward pass before z11): stated right, the chain stops
    assert _causes(tmp_path, ["yhat1", "dL/dw111"], right=["dL/dz11"]) == [None, None]
    assert _causes(tmp_path, ["yhat1", "dL/dw111"]) == [None, 0]


def test_the_outputs_pre_activation_written_for_yhat_is_named(tmp_path):
    from backprop_cli.grading.grades import Grader

    from . import _tiny as t

    z21 = t.W211 * t.A11 + t.W212 * t.A12 + t.B21  # the output is linear: ŷ = z; use a sigmoid output
    spec = t.SPEC.replace("  - activation: linear", "  - activation: sigmoid")
    (tmp_path / "net.yaml").write_text(spec, encoding="utf-8")
    (tmp_path / "answers.yaml").write_text(f"spec: net.yaml\nanswers:\n  yhat1: {z21:.5f}\n", encoding="utf-8")
    (o,) = Grader().grade_file(str(tmp_path / "answers.yaml")).outcomes
    assert o.verdict == "wrong" and [d["code"] for d in o.diagnoses] == ["activation_not_applied"]
    assert "z21, the pre-activation" in o.diagnosis


def test_two_mistakes_at_once_with_the_stale_weights_are_named(tmp_path):
    # σ′ taken on z (z(1 − z)) and the backward sum through w211 already updated with ∂L/∂w211
    stale_w211 = t.W211 - t.ETA * t.D_YHAT * t.A11
    value = t.D_YHAT * stale_w211 * t.Z11 * (1 - t.Z11) * t.X1
    said = diagnosis(tmp_path, "dL/dw111", value)
    assert said.startswith("Two mistakes at once: σ′ or tanh′ is evaluated on z")
    assert "weights already updated" in said
    # either alone gives another value: the single sentences are not said
    alone = diagnosis(tmp_path, "dL/dw111", t.D_YHAT * stale_w211 * t.A11 * (1 - t.A11) * t.X1)
    assert alone.startswith("This backpropagates through weights already updated")


def test_a_whole_pass_mistake_with_the_batch_summed_is_named_as_a_pair(tmp_path):
    # a 1-1-1 network (sigmoid hidden, linear output, squared error) on a batch of two, averaged:
    # ∂L/∂w111 with σ′ left out AND the samples summed = Σ_s 2(ŷ_s − y_s)·w211·x_s, by hand
    import math

    from backprop_cli.core.names import notation
    from backprop_cli.grading.answers import AnswersReader

    xs, ys, w1, b1, w2, b2 = (0.5, -1.0), (1.0, 0.0), 0.8, 0.1, -0.6, 0.2
    yhat = [w2 / (1 + math.exp(-(w1 * x + b1))) + b2 for x in xs]
    summed_flat = sum(2 * (p - y) * w2 * x for p, y, x in zip(yhat, ys, xs))
    (tmp_path / "net.yaml").write_text(
        f"inputs: [[{xs[0]}], [{xs[1]}]]\ntargets: [[{ys[0]}], [{ys[1]}]]\nloss: squared_error\nlearning_rate: 0.1\n"
        f"layers:\n  - {{activation: sigmoid, weights: [[{w1}]], biases: [{b1}]}}\n"
        f"  - {{activation: linear, weights: [[{w2}]], biases: [{b2}]}}\n", encoding="utf-8")
    (tmp_path / "answers.yaml").write_text(f"spec: net.yaml\nanswers:\n  dL/dw111: {summed_flat:.6f}\n",
                                           encoding="utf-8")
    _, result, (answer,), tolerance, name = AnswersReader().read(str(tmp_path / "answers.yaml"))
    n = notation(name, result.network.names)
    said = Diagnoser(result, n).diagnose(answer, evaluate(result, answer.quantity, n), tolerance)
    assert said == ("Two mistakes at once: the activation's derivative ∂a/∂z is left out of the chain; and the batch "
                    "is summed where the loss is its mean (divide by n = 2).")


BACKWARD_ONLY_NETWORKS = {  # a softmax output over sigmoid units; a batch of tanh units under squared error
    "softmax": ("input: [2, 5, 3]\ntarget: [1, 0]\nloss: cross_entropy\nlearning_rate: 1\nlayers:\n"
                "  - activation: sigmoid\n    weights: [[0.1, 0.3, -0.4], [-0.3, 0.2, 0.5]]\n    biases: [0.1, 0]\n"
                "  - activation: softmax\n    weights: [[0.5, 0.8], [0.5, -0.2]]\n    biases: 0\n"),
    "tanh batch": ("inputs: [[1, 2], [0, -1]]\ntargets: [[0.5], [1]]\nloss: squared_error\nlearning_rate: 0.5\n"
                   "layers:\n  - activation: tanh\n    weights: [[0.4, -0.6], [0.9, 0.2]]\n    biases: [0, 0.1]\n"
                   "  - activation: sigmoid\n    weights: [[0.7, -0.3]]\n    biases: [0.2]\n"),
}


@pytest.mark.parametrize("name", sorted(BACKWARD_ONLY_NETWORKS))
def test_a_mistake_in_the_derivatives_alone_reuses_the_forward_pass_bit_for_bit(name):
    """A derivative left out, taken on z, or a softmax's cross paths dropped change no forward value:
    the backward pass from the result's own z and a gives the very floats of a whole pass."""
    import numpy as np

    from backprop_cli.grading import diagnoses as D
    from backprop_cli.spec.reader import load_spec

    result = load_spec(text=BACKWARD_ONLY_NETWORKS[name]).compute()
    changes = [D._without_activation_derivative, D._no_cross_paths, lambda net: D._derivative_on_z(net) or net]
    if name == "softmax":
        changes.append(D._notes_softmax_factor)
    changed = 0
    for change in changes:
        whole, reused = D._variant(result, change), D._variant(result, change, backward_only=True)
        assert reused.z is result.z and reused.a is result.a  # no forward pass of its own
        for field in ("z", "a", "deltas", "grad_a", "weight_grads", "bias_grads"):
            for mine, theirs in zip(getattr(reused, field), getattr(whole, field)):
                assert (mine is None and theirs is None) or np.array_equal(mine, theirs), (field, change)
        assert np.array_equal(reused.per_sample_loss, whole.per_sample_loss)
        changed += any(not np.array_equal(mine, right) for mine, right in zip(reused.deltas[1:], result.deltas[1:]))
    assert changed >= 2  # mistakes that change the backward pass: the comparison says something
