"""grading.judging, the cases the mutation run found untested: the codes of an imprecise answer,
credit carried from an imprecise earlier answer, an earlier wrong answer whose own inputs are wrong
(no slip can be shown, so no credit), and a file's tolerance applied to the step on its values."""
import pytest

from backprop_cli.grading.diagnoses import Diagnoser
from backprop_cli.grading.judging import confusion, judge_all
from backprop_cli.grading.quantities import evaluate

from . import _tiny as t


def judge(tmp_path, answers: dict, header: str = "spec: net.yaml\n") -> dict:
    from backprop_cli.core.names import notation as make_notation
    from backprop_cli.grading.answers import AnswersReader

    _, result, read, tolerance, name = AnswersReader().read(t.answers_file(tmp_path, answers, header))
    notation = make_notation(name, result.network.names)
    truths = {id(a): evaluate(result, a.quantity, notation) for a in read}
    judged = judge_all(result, notation, read, truths, tolerance, Diagnoser(result, notation))
    return {a.quantity.text: judged[id(a)] for a in read}


def test_confusion_gives_each_code_and_text():
    assert confusion([(0.0, "the trivial value 0", "trivial_value"), (0.5, "a slip")]) == [
        {"code": "trivial_value", "text": "the trivial value 0"}, {"code": "", "text": "a slip"}]


def test_a_step_done_right_on_an_imprecise_answer_is_right(tmp_path):
    # ∂L/∂z11 = −0.232814 (by hand in _tiny); "-0.233" cannot be told from σ′ taken on z (−0.232562)
    assert round(t.D_Z11, 3) == -0.233
    # ∂L/∂w112 = ∂L/∂z11 · x2 = −0.233 · 0.5 = −0.1165 on the file's value; −0.116407 is the truth.
    # An imprecise value is reached by the correct method, so the step on it is right (it was
    # carried_forward, "on your own earlier answers ..., which are not right", once)
    assert abs(t.G["w112"] - (-0.11650)) > 5e-5
    judged = judge(tmp_path, {"dL/dz11": "-0.233", "dL/dw112": "-0.11650"})
    assert judged["dL/dz11"].verdict == "imprecise"
    assert judged["dL/dz11"].codes[0]["code"] == "derivative_on_z"
    assert judged["dL/dw112"].verdict == "right"
    # a value no rounding of −0.233 gives is still wrong
    assert judge(tmp_path, {"dL/dz11": "-0.233", "dL/dw112": "-0.11700"})["dL/dw112"].verdict == "wrong"


def test_no_credit_on_an_answer_whose_own_inputs_are_wrong(tmp_path):
    # z11 = 0.9 (truth 0.4) and a11 = 0.3 (σ(0.9) = 0.711, σ(0.4) = 0.599): a11 follows from nothing
    # stated right, so no slip in its step can be shown, and ŷ built on it earns nothing
    yhat = t.W211 * 0.3 + t.W212 * t.A12 + t.B21  # 0.098770
    judged = judge(tmp_path, {"z11": "0.9", "a11": "0.3", "yhat1": f"{yhat:.4f}"})
    assert judged["z11"].verdict == "wrong" and judged["a11"].verdict == "wrong"
    assert judged["yhat1"].verdict == "wrong"
    assert "a value no known mistake or slip in its own step explains" in judged["yhat1"].note


def test_a_slip_made_after_a_known_mistake_buys_the_steps_after_it_credit(tmp_path):
    # ∂L/∂z21 with its sign flipped (a known mistake: a cause); ∂L/∂a11 = ∂L/∂z21 · w211 on it with a
    # slip (× 1.2); ∂L/∂z11 = ∂L/∂a11 · σ′(z11) done right on the slipped value: carried forward
    flipped = -t.D_YHAT
    slipped = flipped * t.W211 * 1.2
    judged = judge(tmp_path, {"dL/dz21": f"{flipped:.6f}", "dL/da11": f"{slipped:.6f}",
                              "dL/dz11": f"{slipped * t.A11 * (1 - t.A11):.6f}"})
    assert judged["dL/dz21"].verdict == "wrong" and judged["dL/da11"].verdict == "wrong"
    assert judged["dL/dz11"].verdict == "carried_forward", judged["dL/dz11"]
    # the slip itself is named, and the wrong step it builds on (line 3 of the answers file)
    assert [c["code"] for c in judged["dL/da11"].codes] == ["arithmetic"]
    assert judged["dL/da11"].note == (f"An arithmetic slip: your own earlier answers (dL/dz21 = {flipped:.6f}) do "
                                      f"not give {slipped:.6f} in this step; redo its arithmetic. It builds on the "
                                      "earlier wrong step dL/dz21 (line 3): fix that too.")
    # after a made-up ∂L/∂z21 (no known mistake gives 5), the same slip earns the step after it nothing
    slipped = 5.0 * t.W211 * 1.2
    judged = judge(tmp_path, {"dL/dz21": "5.000000", "dL/da11": f"{slipped:.6f}",
                              "dL/dz11": f"{slipped * t.A11 * (1 - t.A11):.6f}"})
    assert judged["dL/dz11"].verdict == "wrong", judged["dL/dz11"]
    assert judged["dL/da11"].codes == []  # nor is a slip named on it: it follows from the made-up 5


def test_a_files_tolerance_judges_the_step_on_its_values(tmp_path):
    # a11 given as z11 = 0.4 (the activation not applied: a catalogued mistake); on it
    # ŷ = 0.7·0.4 − 0.5·a12 + 0.2 = 0.168770; 0.175 is 0.0062 from it, within abs 0.01
    yhat = t.W211 * 0.4 + t.W212 * t.A12 + t.B21
    assert abs(yhat - 0.16877) < 1e-5
    judged = judge(tmp_path, {"a11": "0.4", "yhat1": "0.175"}, header="spec: net.yaml\ntolerance: {abs: 0.01}\n")
    assert judged["a11"].verdict == "wrong"
    assert judged["yhat1"].verdict == "carried_forward"
    assert judged["yhat1"].low <= 0.175 <= judged["yhat1"].high
    # without the tolerance, 0.175 is not 0.168770 at 3 decimals
    assert judge(tmp_path, {"a11": "0.4", "yhat1": "0.175"})["yhat1"].verdict == "wrong"


def test_an_answer_that_repeats_a_value_its_step_reads_is_coded_a_copy(tmp_path):
    # one sigmoid unit into a linear output of weight 1 and bias 0.03: a = σ(0.4) = 0.5987 and
    # ŷ = a + 0.03 = 0.6287 both read 0.6 at one decimal, and ŷ's step reads a: it may be a copy
    (tmp_path / "one.yaml").write_text(
        "input: [1.0]\ntarget: [1.0]\nloss: squared_error\nlearning_rate: 0.5\nlayers:\n"
        "  - {activation: sigmoid, weights: [[0.4]], biases: [0.0]}\n"
        "  - {activation: linear, weights: [[1.0]], biases: [0.03]}\n", encoding="utf-8")
    judged = judge(tmp_path, {"a11": "0.6", "yhat1": "0.6"}, header="spec: one.yaml\n")
    assert judged["a11"].verdict == "right"  # (a value is no copy of a later one that repeats it)
    assert judged["yhat1"].verdict == "imprecise"
    assert {"code": "copy_of_other_answer", "text": "a copy of a11, the file's value on line 3"} in \
        judged["yhat1"].codes


def test_an_answer_is_no_copy_of_one_its_step_does_not_read(tmp_path):
    # a11 = 0.5987 and a12 = 0.6225 both read 0.6 at one decimal; but a12 is worked out from z12 alone:
    # a right a12 that rounds like a11 is right (as w234_new = 0.481 beside w222_new = 0.481 is)
    assert round(t.A11, 1) == round(t.A12, 1) == 0.6
    judged = judge(tmp_path, {"a11": "0.6", "a12": "0.6"})
    assert judged["a11"].verdict == judged["a12"].verdict == "right"


def test_no_slip_is_claimed_where_the_loosest_rounding_of_the_step_reaches_the_answer(tmp_path):
    # z11, z12 stated right; ∂L/∂w211 = 2(ŷ − 1)·a11 = −0.8288 is written "-0.7": wrong on the true
    # values; but with a11 and ŷ rounded to the one significant digit the answer keeps (a11 = 0.55,
    # ŷ = 0.35 are within 0.05 of 0.5987, 0.3079), 2(0.35 − 1)·0.55 = −0.715 rounds to −0.7: the step
    # may be right, so it is not called an arithmetic slip: reached only by rounding that coarsely, it
    # is imprecise
    judged = judge(tmp_path, {"z11": "0.4", "z12": "0.5", "dL/dw211": "-0.7"})
    assert judged["dL/dw211"].verdict == "imprecise"
    assert [c["code"] for c in judged["dL/dw211"].codes][:1] == ["rounded_too_coarsely"]
    assert "arithmetic" not in [c["code"] for c in judged["dL/dw211"].codes]
    assert "rounded to 1 significant digit, and" in judged["dL/dw211"].note  # one digit, not "digits"


def test_a_right_value_is_no_copy_of_a_later_wrong_one_that_repeats_it(tmp_path):
    # a11 right to 4 decimals; ∂L/∂w211 (a later step) wrongly written as the same 0.5987: a11 cannot
    # have been copied from a value computed after it, so it is right; the later one is the suspect
    judged = judge(tmp_path, {"a11": t.f(t.A11, 4), "dL/dw211": t.f(t.A11, 4)})
    assert judged["a11"].verdict == "right"
    assert judged["dL/dw211"].verdict == "wrong"



@pytest.mark.parametrize("written, verdict", [("-0.575", "right"), ("-0.570", "right"), ("-0.580", "right"),
                                              ("-0.560", "wrong"), ("-0.590", "wrong")])
def test_the_product_eta_times_g_is_a_step_rounded_as_the_answer_is(tmp_path, written, verdict):
    # ŷ = w = 0.7, y = −0.575: g = 2(ŷ − y) = 2.55 exactly, η·g = 1.275, w_new = −0.575; a student who
    # writes η·g to the answer's digits (1.27 or 1.28) gets −0.570 or −0.580: the correct method
    import backprop_cli as bp

    (tmp_path / "net.yaml").write_text("input: [1.0]\ntarget: [-0.575]\nloss: squared_error\nlearning_rate: 0.5\n"
                                       "layers:\n  - {activation: linear, weights: [[0.7]], biases: [0.0]}\n",
                                       encoding="utf-8")
    (tmp_path / "answers.yaml").write_text(f"spec: net.yaml\nanswers:\n  dL/dw111: 2.55\n  w111_new: {written}\n",
                                           encoding="utf-8")
    (report,) = bp.check([str(tmp_path / "answers.yaml")]).files
    assert [str(o.verdict).split(".")[-1].lower() for o in report.outcomes] == ["right", verdict]


def test_a_value_the_students_rounding_makes_trivial_is_built_on(tmp_path):
    # a12 = tanh(−5.68) = −0.99998, written −1.000 at the file's 3 decimals: imprecise (the trivial −1),
    # but the truth rounded as every answer is; ∂L/∂w222 = δ22·a12 done on it (and on a δ22 whose sign
    # is flipped, a named mistake) is carried forward, not refused as built on a value that makes the
    # step trivial
    import backprop_cli as bp

    (tmp_path / "net.yaml").write_text(
        "input: [-1, 3, 0.5, 3]\ntarget: [0, 1]\nloss: cross_entropy\nlearning_rate: 0.5\nlayers:\n"
        "  - activation: tanh\n"
        "    weights: [[-0.8, 0.9, 0.5, -0.2], [0.7, -0.59, -0.82, -0.8], [-0.49, -0.9, 0.2, -0.5]]\n"
        "    biases: [-0.1, -0.4, 0.06]\n  - activation: softmax\n    weights: [[-0.8, 0.25, -0.9], [0.84, 0.3, 0.5]]\n"
        "    biases: [-0.4, 0.5]\n", encoding="utf-8")
    answers = ("loss: 0.290\n  z12: -5.680\n  a12: {a12}\n  yhat1: 0.252\n  yhat2: 0.748\n  dL/dz22: 0.253\n"
               "  dL/dw222: -0.253\n")

    def verdicts(a12):
        (tmp_path / "answers.yaml").write_text("spec: net.yaml\nanswers:\n  " + answers.format(a12=a12),
                                               encoding="utf-8")
        (report,) = bp.check([str(tmp_path / "answers.yaml")]).files
        return {o.answer.quantity.text: str(o.verdict).split(".")[-1].lower() for o in report.outcomes}

    by = verdicts("-1.000")
    assert by["a12"] == "imprecise" and by["dL/dw222"] == "carried_forward"
    # `-1` with no decimals under an answer of 3 is the trivial value written to buy the step: refused
    assert verdicts("-1")["dL/dw222"] == "wrong"


def a_judge(tmp_path, answers: dict):
    from backprop_cli.grading.judging import Judge

    result, notation, read, tolerance = t.read(tmp_path, answers)
    truths = {id(a): evaluate(result, a.quantity, notation) for a in read}
    return Judge(result, notation, read, truths, tolerance, Diagnoser(result, notation)), \
        {a.quantity.text: a for a in read}


def test_a_mistake_made_on_stated_values_is_found_with_its_interval_and_middle(tmp_path):
    # ŷ stated right; ∂L/∂w211 with the sign flipped on it: −2(ŷ − 1)·a11
    flipped = -t.D_YHAT * t.A11
    judge, answers = a_judge(tmp_path, {"yhat1": t.f(t.YHAT, 4), "dL/dw211": t.f(flipped, 4)})
    found = judge.stated_mistakes(answers["dL/dw211"])
    assert [m[2] for m in found if m[2] == "sign_flipped"] == ["sign_flipped"]
    for middle, _sentence, _code, (low, high) in found:
        assert low <= high and middle == (low + high) / 2
    low, high = next(m[3] for m in found if m[2] == "sign_flipped")
    assert low - 5e-5 <= flipped <= high + 5e-5
    assert not any("+" in m[2] for m in found)  # one mistake explains it: no pair is tried


def test_an_update_on_a_right_stated_gradient_has_no_mistake_of_its_own_to_find(tmp_path):
    # the update's own mistakes are looked for on a stated gradient only where it is not the true one
    # (the true gradient's own mistakes are the diagnoser's, on the true values)
    wrong_gradient = 2 * t.G["w211"]
    new = t.VALUE["w211"] + t.ETA * wrong_gradient  # the sign of the update flipped, on the wrong gradient
    judge, answers = a_judge(tmp_path, {"dL/dw211": repr(t.G["w211"]), "w211_new": t.f(new, 4)})
    assert judge.stated_mistakes(answers["w211_new"]) == []
    judge, answers = a_judge(tmp_path, {"dL/dw211": t.f(wrong_gradient, 4), "w211_new": t.f(new, 4)})
    assert "update_sign" in [m[2] for m in judge.stated_mistakes(answers["w211_new"])]


def test_a_written_0_is_near_the_correct_method_within_a_unit_of_its_last_digit():
    from backprop_cli.grading.judging import _near_zero
    from backprop_cli.grading.rule import Precision, Ruling

    def near(low, high, decimals):
        return _near_zero(Ruling(True, low, high, []), Precision(decimals, 17))

    assert near(0.0009, 0.00095, 3) and not near(0.0015, 0.0016, 3)  # a unit of 0.001
    assert near(-0.00095, -0.0009, 3) and not near(-0.0016, -0.0015, 3)
    assert near(1.0, 1.5, 0) and not near(1.25, 1.5, 0)  # exactly a unit (binary-exact numbers): near
    assert near(-0.01, 0.01, 3)  # an interval holding 0 is near it however wide


def test_a_wrong_value_copied_from_another_answer_makes_the_step_on_it_trivial(tmp_path):
    # a12 written as a11's value (0.5987 for 0.6225): ŷ on it is refused credit as built on a copy
    yhat = t.W211 * t.A11 + t.W212 * t.A11 + t.B21
    judged = judge(tmp_path, {"a11": t.f(t.A11, 4), "a12": t.f(t.A11, 4), "yhat1": t.f(yhat, 4)})
    assert judged["a12"].verdict == "wrong" and judged["yhat1"].verdict == "wrong"
    assert "makes this step trivial (a copy of a11" in judged["yhat1"].note, judged["yhat1"].note


@pytest.mark.parametrize("stated", ["1e154", "1e200"])
def test_a_step_that_overflows_on_made_up_values_earns_nothing(tmp_path, stated):
    # ∂L/∂w211 = 2(ŷ − 1)·a11 on a11 = ŷ = 1e154 (their digits: 0.5e154 to 1.5e154) overflows at its
    # high end, and on 1e200 at both: 1e308 is neither right nor carried forward
    judged = judge(tmp_path, {"a11": stated, "yhat1": stated, "dL/dw211": "1e308"})
    assert judged["a11"].verdict == "wrong" and judged["dL/dw211"].verdict == "wrong"


def test_no_slip_is_shown_on_a_step_whose_own_inputs_are_wrong(tmp_path):
    # z11 = 0.9 (truth 0.4) explains nothing; a11 = 0.65 is a slip-sized miss of σ(0.9) = 0.711, but a
    # slip shows only against inputs stated right: ŷ built on a11 earns no credit
    assert abs(0.65 - 1 / (1 + 2.718281828459045 ** -0.9)) < 0.5 * 0.711
    yhat = t.W211 * 0.65 + t.W212 * t.A12 + t.B21
    judged = judge(tmp_path, {"z11": "0.9", "a11": "0.65", "yhat1": t.f(yhat, 4)})
    assert judged["a11"].verdict == "wrong" and judged["yhat1"].verdict == "wrong"
    assert "a value no known mistake or slip in its own step explains" in judged["yhat1"].note


def test_a_step_on_a_value_reached_only_by_rounding_every_step_to_its_digits_is_not_right(tmp_path):
    # softmax output under cross-entropy: ∂L/∂z22 = 0.770042, written `0` (0 decimals). Rounding every
    # step to 0 decimals reaches anything (the interval runs to ±1e11), but 0 is the very value the
    # softmax cross paths left out give: wrong, that mistake named (it was `imprecise` on that
    # interval, which says nothing). ∂L/∂w222 = 0 built on it is no right answer (the true one is
    # −0.515613): carried forward, on a value with a cause
    spec = ("input: [-1, -1.6]\ntarget: [1, 0]\nloss: cross_entropy\nlearning_rate: 1\nlayers:\n"
            "  - activation: tanh\n    weights: [[-0.7, -0.4], [0.14, 0.7]]\n    biases: [0, 0.45]\n"
            "  - activation: softmax\n    weights: [[-1, -0.2], [1, 0.3]]\n    biases: [0, -0.2]\n")
    (tmp_path / "net.yaml").write_text(spec, encoding="utf-8")
    (tmp_path / "answers.yaml").write_text("spec: net.yaml\nanswers:\n  dL/dz22: 0\n  dL/dw222: 0\n", encoding="utf-8")
    from backprop_cli.grading.grades import Grader

    outcomes = {o.answer.quantity.text: o for o in Grader().grade_file(str(tmp_path / "answers.yaml")).outcomes}
    assert {q: o.verdict for q, o in outcomes.items()} == {"dL/dz22": "wrong", "dL/dw222": "carried_forward"}
    assert "softmax_cross_paths_missing" in [d["code"] for d in outcomes["dL/dz22"].diagnoses]
