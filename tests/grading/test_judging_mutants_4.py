"""grading.judging, cases a fourth mutation run found untested: a step on stated values that overflows
at one end only, a written 0 or 1 judged on the answer's own rounding, the half unit (edges included)
around the interval a copy is looked for in, a loss named on the file's own values, an imprecise
trivial value as a cause, pairs of mistakes where one of them changes nothing, and an imprecise step
carried forward only on values that are all wrong."""
from backprop_cli.grading.grades import Grader

from . import _tiny as t
from .test_judging import _grade_on
from .test_judging_mutants import judge


def one_neuron(x: float, w: float, b: float, y: float) -> str:
    """A single linear neuron under squared error: ŷ = w·x + b, L = (ŷ − y)², ∂L/∂w = 2(ŷ − y)·x."""
    return (f"input: [{x}]\ntarget: [{y}]\nloss: squared_error\nlearning_rate: 0.5\n"
            f"layers:\n  - {{activation: linear, weights: [[{w}]], biases: [{b}]}}\n")


def on(tmp_path, spec: str, answers: dict) -> dict:
    """quantity text -> Judgement, for an answers file on `spec` (beside the tiny net.yaml)."""
    (tmp_path / "own.yaml").write_text(spec, encoding="utf-8")
    return judge(tmp_path, answers, "spec: own.yaml\n")


def test_a_step_whose_stated_inputs_overflow_at_one_end_stands_for_no_value(tmp_path):
    # ŷ = w = 1.3407e154 (x = 1), L = ŷ² = 1.7975e308, just under float64's largest 1.7977e308. ŷ written
    # 1.34e154 is right at 3 significant digits, but stands for 1.335e154 .. 1.345e154, whose squares run
    # from 1.782e308 past the largest float (1.345² = 1.809): the loss on it overflows at its high end and
    # reaches nothing, so a loss of 5.00 is a slip in its own step, not right on the student's values
    assert 1.335 ** 2 * 1e308 < 1.7976931348623157e308 < 1.345 ** 2 * 1e308
    judged = on(tmp_path, one_neuron(1.0, 1.3407e154, 0.0, 0.0), {"yhat1": "1.34e154", "loss": "5.00"})
    assert judged["yhat1"].verdict == "right"
    assert judged["loss"].verdict == "wrong"
    assert [c["code"] for c in judged["loss"].codes] == ["arithmetic"]


def test_a_written_0_far_from_0_is_wrong_and_a_written_1_is_judged_on_its_rounding(tmp_path):
    # ŷ = 0.5·10 = 5, y = 4.998: ∂L/∂ŷ = 2(5 − 4.998) = 0.004, ∂L/∂w = 0.004·10 = 0.04. Rounded to the
    # answer's 2 decimals, ∂L/∂ŷ is 0.00 and the product 0; but a written 0 has no significant digits to
    # round by, and 0.04 is four of its units from it: wrong
    judged = on(tmp_path, one_neuron(10, 0.5, 0, 4.998), {"dL/dw111": "0.00"})
    assert judged["dL/dw111"].verdict == "wrong"
    # y = 4.948: ∂L/∂ŷ = 0.104, ∂L/∂w = 1.04; rounded to 2 decimals, 0.10·10 = 1.00: reached that way, but
    # the trivial 1 rounds to 1.00 too: imprecise (not wrong)
    judged = on(tmp_path, one_neuron(10, 0.5, 0, 4.948), {"dL/dw111": "1.00"})
    assert judged["dL/dw111"].verdict == "imprecise"
    assert [c["code"] for c in judged["dL/dw111"].codes] == ["trivial_value"]
    assert judged["dL/dw111"].loose


# ŷ = 1·1000 − 995 = 5, y = 4.9935: ∂L/∂ŷ = 0.013 = ∂L/∂b, ∂L/∂w = 0.013·1000 = 13.0. Written 10.00 (2
# decimals): ∂L/∂ŷ rounded to 2 decimals is 0.01, and 0.01·1000 = 10.00: the correct method, every step
# rounded as the answer is, reaches 10.00 .. 13.00, and with the answer's half unit 9.995 .. 13.005
ROUNDED = one_neuron(1000, 1.0, -995, 4.9935)


def test_a_step_reached_only_at_the_answers_digits_is_right_where_nothing_else_is_near(tmp_path):
    judged = on(tmp_path, ROUNDED, {"dL/dw111": "10.00"})
    assert judged["dL/dw111"].verdict == "right"


def test_a_copy_within_half_a_unit_below_that_interval_makes_it_imprecise(tmp_path):
    # ∂L/∂z written 9.992 (∂L/∂w = ∂L/∂z·x reads it): not within half a unit of 10.00, but within half a
    # unit below 9.995, where a value that rounds into the interval may lie: ∂L/∂w cannot be told from a
    # copy of it
    judged = on(tmp_path, ROUNDED, {"dL/dz11": "9.992", "dL/dw111": "10.00"})
    assert judged["dL/dw111"].verdict == "imprecise"
    assert [c["code"] for c in judged["dL/dw111"].codes] == ["copy_of_other_answer"]


def test_a_copy_within_half_a_unit_above_that_interval_makes_it_imprecise(tmp_path):
    # 13.008: above 13.005, within half a unit of it (and 3 from 10.00)
    judged = on(tmp_path, ROUNDED, {"dL/dz11": "13.008", "dL/dw111": "10.00"})
    assert judged["dL/dw111"].verdict == "imprecise"
    assert [c["code"] for c in judged["dL/dw111"].codes] == ["copy_of_other_answer"]
    # 13.012 is beyond that half unit: nothing else is near, and it is right
    assert on(tmp_path, ROUNDED, {"dL/dz11": "13.012", "dL/dw111": "10.00"})["dL/dw111"].verdict == "right"


def test_a_loss_a_forward_mistake_gives_on_the_files_own_values_is_named(tmp_path):
    # z11 written 0.9 (true 0.4). The hidden activation never applied, on it: a11 = 0.9, a12 = z12 = 0.5,
    # ŷ = 0.7·0.9 − 0.5·0.5 + 0.2 = 0.58, L = (0.58 − 1)² = 0.1764. On the true values the same mistake
    # gives ŷ = 0.23 and L = 0.5929: it is named only on the file's own values
    assert abs((0.7 * 0.4 - 0.5 * 0.5 + 0.2 - 1) ** 2 - 0.5929) < 1e-12
    by = _grade_on(tmp_path, t.SPEC, {"z11": "0.9", "loss": "0.1764"})
    assert by["loss"].verdict == "wrong"
    assert [d["code"] for d in by["loss"].diagnoses] == ["activation_not_applied"]


def test_an_imprecise_trivial_value_is_no_cause_for_a_slip_after_it(tmp_path):
    # a11 = 0.5987 written 1 (no decimals): reached, but it is the trivial value 1: imprecise, and no
    # cause. ∂L/∂z21 with its sign flipped is a named mistake; ∂L/∂a11 = ∂L/∂z21·w211 on it with a slip
    # (× 1.2): a slip after wrong values is named only where every earlier value is right or has a cause
    flipped = -t.D_YHAT
    slipped = flipped * t.W211 * 1.2
    answers = {"dL/dz21": f"{flipped:.6f}", "dL/da11": f"{slipped:.6f}"}
    judged = judge(tmp_path, answers)
    assert [c["code"] for c in judged["dL/da11"].codes] == ["arithmetic"]  # with every earlier value caused
    judged = judge(tmp_path, {"a11": "1", **answers})
    assert judged["a11"].verdict == "imprecise"
    assert [c["code"] for c in judged["a11"].codes] == ["trivial_value"]
    assert judged["dL/da11"].verdict == "wrong" and judged["dL/da11"].codes == []


def test_no_pair_of_mistakes_is_named_where_one_of_them_changes_nothing(tmp_path):
    # sigmoid output; δ21 = ∂L/∂z21 stated 0.1 (true −0.2069), ∂L/∂w211 = δ21·a11 written 0.042 under a
    # tolerance of 0.002. z11 = 0.4 for a11 (or a = z never applied) on it: 0.1·0.4 = 0.04, within the
    # tolerance; at 3 decimals no single mistake gives 0.042, so pairs are tried, but with δ21 stated the
    # sign of ∂L/∂ŷ, its factor 2 or σ′ change nothing in this step: no pair is named
    path = t.answers_file(tmp_path, {"dL/dz21": "0.10000", "dL/dw211": "0.042"},
                          header="spec: net.yaml\ntolerance: {abs: 0.002}\n")
    (tmp_path / "net.yaml").write_text(t.SPEC.replace("activation: linear", "activation: sigmoid"), encoding="utf-8")
    by = {o.answer.quantity.text: o for o in Grader().grade_file(path).outcomes}
    assert by["dL/dw211"].verdict == "wrong"
    assert sorted(d["code"] for d in by["dL/dw211"].diagnoses) == ["activation_not_applied",
                                                                   "pre_activation_for_activation"]


def test_a_copy_exactly_half_a_unit_beyond_that_interval_makes_it_imprecise(tmp_path):
    # binary-exact numbers: ŷ = 1·100 − 95 = 5, y = 4.375: ∂L/∂ŷ = 2·0.625 = 1.25, ∂L/∂w = 125. Written
    # 100 (no decimals): ∂L/∂ŷ to whole numbers or any finer digit is 1, or 1.2 to 1.3 (1.25 is no
    # tenth): the step gives 100 .. 130, with the answer's half unit 99.5 .. 130.5; copies of ∂L/∂z
    # (which it reads) at 99 and 131, exactly half a unit beyond it, cannot be told from it
    spec = one_neuron(100, 1.0, -95, 4.375)
    for copy in ("99", "131"):
        judged = on(tmp_path, spec, {"dL/dz11": copy, "dL/dw111": "100"})
        assert judged["dL/dw111"].verdict == "imprecise", copy
        assert (judged["dL/dw111"].low, judged["dL/dw111"].high) == (99.5, 130.5)
    assert on(tmp_path, spec, {"dL/dz11": "98.9", "dL/dw111": "100"})["dL/dw111"].verdict == "right"


def test_an_imprecise_step_is_not_carried_forward_on_an_imprecise_value(tmp_path):
    # ∂L/∂w111 = ∂L/∂a11·σ′(z11)·x1 = −0.9690·0.2403 = −0.2328, written −0.2: reached, but σ′ taken on z,
    # 0.4·0.6 = 0.24, gives −0.2326, −0.2 too: imprecise. It builds on z11 = 0.5 (wrong, a slip) and on
    # ∂L/∂a11 = 0 for −0.969 (imprecise: within a unit of 0 at no decimals, every step rounded to whole
    # numbers reaches it, and so does the trivial 0): not every value it builds on is wrong, so it is
    # not carried forward on them
    assert round(t.G["w111"], 1) == round(t.D_A11 * 0.4 * 0.6 * t.X1, 1) == -0.2
    judged = judge(tmp_path, {"z11": "0.5", "dL/da11": "0", "dL/dw111": "-0.2"})
    assert judged["z11"].verdict == "wrong" and judged["dL/da11"].verdict == "imprecise"
    assert judged["dL/dw111"].verdict == "imprecise"
    assert judged["dL/dw111"].codes[0]["code"] == "derivative_on_z"


def test_a_wrong_answer_is_told_the_same_whether_or_not_a_right_earlier_value_is_stated(tmp_path):
    # ∂L/∂z11 = 0.1 for −0.2328 (tiny's true value): the sign flipped with the factor 2 lost gives
    # +0.1164, which 0.1 is at its one digit; stated alone, or beside a right ŷ1, it is the same
    # answer to the same step, and it is told the same (it was told nothing alone)
    def said(answers):
        return {o.answer.quantity.text: o.diagnosis for o in Grader().grade_file(t.answers_file(tmp_path, answers))
                .outcomes}["dL/dz11"]

    alone = said({"dL/dz11": "0.1"})
    beside = said({"yhat1": t.f(t.YHAT, 6), "dL/dz11": "0.1"})
    assert alone is not None and "the sign is flipped" in alone
    assert beside.startswith(alone)
