"""grading.grades: one answers file graded whole (verdicts, diagnoses, carried forward, "follows
from"), and a Grader that keeps grading when a file is invalid; on the tiny 2-2-1 network worked by
hand (tests/grading/_tiny.py)."""
import pytest

from backprop_cli.errors import SpecError
from backprop_cli.grading.grades import Grader

from . import _tiny as t


def graded(tmp_path, answers: dict):
    report = Grader().grade_file(t.answers_file(tmp_path, answers))
    return report, {o.answer.quantity.text: o for o in report.outcomes}


def test_right_answers_pass_with_the_hand_values_as_expected(tmp_path):
    report, by = graded(tmp_path, {"loss": t.f(t.LOSS, 4), "a11": t.f(t.A11, 4), "dL/dw111": t.f(t.G["w111"], 5),
                                   "w122_new": t.f(t.NEW["w122"], 4)})
    assert (report.passed, report.failed) == (4, 0)
    assert by["loss"].expected == pytest.approx(t.LOSS, rel=1e-12)
    assert by["dL/dw111"].expected == pytest.approx(t.G["w111"], rel=1e-12)
    assert by["w122_new"].expected == pytest.approx(t.NEW["w122"], rel=1e-12)
    assert all(o.verdict == "right" and o.diagnosis is None for o in by.values())
    low, high = by["a11"].accepted
    assert low <= t.A11 <= high


def test_a_catalogued_mistake_is_diagnosed(tmp_path):
    report, by = graded(tmp_path, {"dL/dw111": t.f(t.D_YHAT * t.W211 * t.X1, 5)})  # σ'(z11) left out
    assert (report.passed, report.failed) == (0, 1)
    o = by["dL/dw111"]
    assert not o.ok and o.verdict == "wrong"
    assert o.diagnosis == "The activation's derivative ∂a/∂z is left out of the chain."


def test_carried_forward_says_which_answers_it_used(tmp_path):
    _, by = graded(tmp_path, {"a11": "0.4000", "dL/dw211": t.f(t.D_YHAT * 0.4, 4)})
    o = by["dL/dw211"]
    assert not o.ok and o.verdict == "carried_forward"
    assert o.diagnosis == ("Carried forward: this step is right on your own earlier answers a11 = 0.4000 (line 3), "
                           "which are wrong.")


def test_an_undiagnosed_wrong_answer_follows_from_an_earlier_wrong_one_it_depends_on(tmp_path):
    _, by = graded(tmp_path, {"a11": "0.6712", "z12": "0.5512", "yhat1": "0.4567"})
    # first in the pass, and computed from the given x, w and b alone: its own arithmetic is wrong
    assert by["z12"].diagnosis.startswith("An arithmetic slip: the numbers you were given do not give 0.5512")
    assert by["a11"].diagnosis is None  # a11 is not computed from z12
    # ŷ1 is computed from both (through a12 and z21): the first wrong in the pass is named
    assert by["yhat1"].diagnosis == "Follows from the earlier wrong step z12 (line 4): fix that first."
    _, by = graded(tmp_path, {"a11": "0.6712", "yhat1": "0.4567"})
    assert by["yhat1"].diagnosis == "Follows from the earlier wrong step a11 (line 3): fix that first."


def test_a_right_answer_in_between_cuts_the_chain(tmp_path):
    _, by = graded(tmp_path, {"yhat1": "0.4567", "dL/dz11": t.f(t.D_Z11, 5), "dL/dw111": "-0.3456"})
    assert by["dL/dz11"].ok
    # built on the right ∂L/∂z11 (and x1 = 1), not on ŷ1: a slip in its own step, not "follows from"
    assert by["dL/dw111"].diagnosis.startswith("An arithmetic slip: your own earlier answers (dL/dz11 = ")
    assert "Follows from" not in by["dL/dw111"].diagnosis


def test_a_class_is_graded_and_an_invalid_file_listed_not_fatal(tmp_path):
    good = t.answers_file(tmp_path, {"loss": t.f(t.LOSS, 4)})
    (tmp_path / "bad.yaml").write_text("spec: net.yaml\nanswers: [a99]\n", encoding="utf-8")
    (tmp_path / "second.yaml").write_text(f"spec: net.yaml\nanswers:\n  loss: {t.LOSS * 2:.4f}\n", encoding="utf-8")
    reports, invalid = Grader().grade_files([good, str(tmp_path / "bad.yaml"), str(tmp_path / "second.yaml")])
    assert [r.path for r in reports] == [good, str(tmp_path / "second.yaml")]
    assert [(r.passed, r.failed) for r in reports] == [(1, 0), (0, 1)]
    assert [path for path, _ in invalid] == [str(tmp_path / "bad.yaml")]
    assert "`answers:` must map quantities to numbers" in str(invalid[0][1])


def test_many_files_are_graded_on_every_core_as_one_after_another(tmp_path, monkeypatch):
    import os

    from backprop_cli.errors import GradingBug
    from backprop_cli.grading import grades as G

    good = t.answers_file(tmp_path, {"loss": t.f(t.LOSS, 4), "a11": "0.9"})
    (tmp_path / "bad.yaml").write_text("spec: net.yaml\nanswers: [a99]\n", encoding="utf-8")
    (tmp_path / "bug.yaml").write_text(f"spec: net.yaml\nanswers:\n  loss: {t.LOSS:.3f}\n", encoding="utf-8")
    paths = [good, str(tmp_path / "bad.yaml"), good, str(tmp_path / "bug.yaml")] * 5
    grade_file = Grader.grade_file

    def marked(self, path):  # which process graded it; and a bug in grading one file
        if path.endswith("bug.yaml"):
            raise KeyError("a bug")
        report = grade_file(self, path)
        report.refused.append(os.getpid())
        return report

    monkeypatch.setattr(Grader, "grade_file", marked)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)

    def summary(reports, invalid):
        return ([(r.path, [(o.verdict, o.diagnosis) for o in r.outcomes]) for r in reports],
                [(path, type(exc), [str(p) for p in exc.problems]) for path, exc in invalid])

    monkeypatch.setattr(G, "PARALLEL_FROM", 10**9)
    alone = Grader().grade_files(paths)
    monkeypatch.setattr(G, "PARALLEL_FROM", 2)
    shared = Grader().grade_files(paths)
    assert summary(*shared) == summary(*alone)
    assert {os.getpid()} == {r.refused[-1] for r in alone[0]} != {r.refused[-1] for r in shared[0]}
    assert [type(exc) for _, exc in shared[1]] == [SpecError, GradingBug] * 5  # each kind of invalid file kept


def test_answers_on_standard_input_are_read_by_the_main_process_among_many_files(tmp_path, monkeypatch):
    # a forked worker's standard input is /dev/null: a class with `-` in it is graded here, not shared
    import json
    import os

    from conftest import invoke

    from backprop_cli.grading import grades as G

    monkeypatch.setattr(G, "PARALLEL_FROM", 2)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    good = t.answers_file(tmp_path, {"loss": t.f(t.LOSS, 4)})
    monkeypatch.chdir(tmp_path)  # standard input's spec: named from the working folder
    result = invoke("check", "--format", "json", "-", good, good, input=(tmp_path / "answers.yaml").read_text())
    data = json.loads(result.stdout)
    assert data["invalid"] == [] and [f["path"] for f in data["files"]] == ["-", good, good]
    assert [r["verdict"] for f in data["files"] for r in f["results"]] == ["right"] * 3 and result.exit_code == 0


def test_a_mistaken_pass_that_overflows_where_the_right_one_does_not_is_no_internal_error(tmp_path):
    # w111 = 1e200: σ′ taken on z, z(1 − z), overflows in the mistaken passes alone (RuntimeWarnings are
    # errors in this suite): the answer is judged, wrong, and no warning escapes
    (tmp_path / "net.yaml").write_text("input: [1]\ntarget: [1]\nloss: squared_error\nlearning_rate: 1\nlayers:\n"
                                       "  - {activation: sigmoid, weights: [[1e200]], biases: 0}\n"
                                       "  - {activation: sigmoid, weights: [[0.5]], biases: 0}\n", encoding="utf-8")
    (tmp_path / "answers.yaml").write_text("spec: net.yaml\nanswers:\n  dL/dw111: 0.3\n", encoding="utf-8")
    reports, invalid = Grader().grade_files([str(tmp_path / "answers.yaml")])
    assert invalid == [] and reports[0].outcomes[0].verdict == "wrong"


def test_a_class_s_copies_of_one_spec_are_graded_on_one_result_as_each_alone(tmp_path):
    # each student's folder holds a copy of net.yaml (a repository each): one result, one diagnoser, and
    # the passes on true values made once, for all of them; every verdict what grading the file alone gives
    answers = [{"loss": t.f(t.LOSS, 4), "a11": "0.9", "dL/dw211": t.f(t.G["w211"] / 2, 4)},
               {"loss": t.f(t.LOSS, 3), "dL/dw211": t.f(t.G["w211"], 4), "w211_new": t.f(t.NEW["w211"], 4)},
               {"a11": t.f(t.A11, 4), "dL/dw211": t.f(t.G["w211"] * 2, 4), "dL/dz11": t.f(t.D_Z11 / 2, 4)},
               {"a11": "0.4000", "dL/dw211": t.f(t.D_YHAT * 0.4, 4)}]
    for i in range(8):
        (tmp_path / f"s{i}").mkdir()
    paths = [t.answers_file(tmp_path / f"s{i}", given) for i, given in enumerate(answers * 2)]
    grader = Grader()
    together, _ = grader.grade_files(paths)
    assert len(grader.reader.results) == 1 and len(grader._diagnosers) == 1
    alone = [Grader().grade_file(path) for path in paths]
    assert [[(o.verdict, o.diagnosis, o.accepted) for o in r.outcomes] for r in together] == \
        [[(o.verdict, o.diagnosis, o.accepted) for o in r.outcomes] for r in alone]
    assert {o.verdict for r in together for o in r.outcomes} >= {"right", "wrong", "carried_forward"}


def test_copies_of_a_spec_whose_numbers_are_in_matrix_files_are_never_shared(tmp_path):
    results = []
    for student, weight in (("s1", "0.5"), ("s2", "0.25")):  # one net.yaml text, two different weights.csv
        folder = tmp_path / student
        folder.mkdir()
        (folder / "net.yaml").write_text("input: [1.0]\ntarget: [0.0]\nloss: squared_error\nlayers:\n"
                                         "  - activation: linear\n    weights: {file: weights.csv}\n"
                                         "    biases: [0.0]\n", encoding="utf-8")
        (folder / "weights.csv").write_text(weight + "\n", encoding="utf-8")
        (folder / "answers.yaml").write_text("spec: net.yaml\nanswers:\n  loss: 0.25\n", encoding="utf-8")
        results.append(str(folder / "answers.yaml"))
    reports, invalid = Grader().grade_files(results)
    assert invalid == [] and [r.outcomes[0].verdict for r in reports] == ["right", "wrong"]  # 0.5² and 0.25²


# -- precision: asked of every answer -------------------------------------------------------------
def test_fewer_digits_than_the_precision_asked_is_imprecise_unless_exact(tmp_path):
    header = "spec: net.yaml\nprecision: {decimals: 4}\n"
    path = t.answers_file(tmp_path, {"a11": t.f(t.A11, 3), "dL/dw111": t.f(t.G["w111"], 4), "w111": "0.4"}, header)
    by = {o.answer.quantity.text: o for o in Grader().grade_file(path).outcomes}
    assert by["a11"].verdict == "imprecise"  # right at 3 decimals, but 4 are asked
    assert [d["code"] for d in by["a11"].diagnoses] == ["fewer_digits_than_asked"]
    assert "asks for 4 decimals" in by["a11"].diagnosis and "written with 3" in by["a11"].diagnosis
    assert by["dL/dw111"].verdict == "right" and by["w111"].verdict == "right"  # 0.4 is exact


def test_significant_digits_asked(tmp_path):
    header = "spec: net.yaml\nprecision: {significant: 3}\n"
    path = t.answers_file(tmp_path, {"a11": f"{t.A11:.2g}", "a12": f"{t.A12:.3g}"}, header)
    by = {o.answer.quantity.text: o for o in Grader().grade_file(path).outcomes}
    assert (by["a11"].verdict, by["a12"].verdict) == ("imprecise", "right")


@pytest.mark.parametrize("precision", ["{decimals: -1}", "{digits: 3}", "4", "{decimals: 2, significant: 3}",
                                       "{significant: 0}", "{decimals: true}"])
def test_a_precision_that_is_not_one_is_located(tmp_path, precision):
    from backprop_cli.errors import SpecError

    path = t.answers_file(tmp_path, {"a11": "0.6"}, f"spec: net.yaml\nprecision: {precision}\n")
    with pytest.raises(SpecError) as caught:
        Grader().grade_file(path)
    (problem,) = caught.value.problems
    assert problem.line == 2 and "precision" in str(problem)


# -- expressions: the same pipeline, intervals and carried-forward credit -------------------------
EXPRESSION = "expression: |\n  h1 = x*y\n  h2 = exp(h1)\n  f = h2 + x\nat: {x: 0.5, y: 2}\n"


def expression_outcomes(tmp_path, answers: dict) -> dict:
    path = tmp_path / "e.yaml"
    path.write_text(EXPRESSION + "answers:\n" + "".join(f"  {k}: {v}\n" for k, v in answers.items()), encoding="utf-8")
    return {o.answer.quantity.text: o for o in Grader().grade_file(str(path)).outcomes}


def test_an_expression_step_done_right_on_a_wrong_earlier_value_is_carried_forward(tmp_path):
    # h1 = 0.5·2 = 1, written -1 (its sign flipped, a named mistake); then h2 = e^-1 = 0.3679 done
    # right on it: carried forward, and f = h2 + x = 0.8679 too
    import math

    by = expression_outcomes(tmp_path, {"h1": "-1", "h2": f"{math.exp(-1):.4f}", "f": f"{math.exp(-1) + 0.5:.4f}"})
    # (one digit: the step's own arithmetic is said too, a number far from what it gives, no slip)
    assert by["h1"].verdict == "wrong" and [d["code"] for d in by["h1"].diagnoses] == ["sign_flipped", "arithmetic"]
    assert by["h2"].verdict == "carried_forward" and "h1 = -1" in by["h2"].diagnosis
    assert by["f"].verdict == "carried_forward"


def test_one_paths_sign_flipped_is_named_and_the_step_after_it_carried_forward(tmp_path):
    # h = x·y, p = y − h, s = exp(h), f = p·s at x = 0.25, y = 2: ∂f/∂h sums path f → s → h (p·s) and
    # path f → p → h (s·(−1)); ∂p/∂h taken as +1 flips the second: the truth less twice its product.
    # Then ∂f/∂x = ∂f/∂h · y done right on that value is carried forward
    import math

    h = 0.25 * 2
    p, s = 2 - h, math.exp(h)
    flipped = p * s + s  # p·s − (−s): the minus sign lost
    assert abs(flipped - (p * s - s - 2 * (-s))) < 1e-12
    path = tmp_path / "e.yaml"
    path.write_text("expression: |\n  h = x * y\n  p = y - h\n  s = exp(h)\n  f = p * s\nat: {x: 0.25, y: 2}\n"
                    f"answers:\n  df/dh: {flipped:.4f}\n  df/dx: {flipped * 2:.4f}\n  df/dy: {p * s - s:.4f}\n",
                    encoding="utf-8")
    by = {o.answer.quantity.text: o for o in Grader().grade_file(str(path)).outcomes}
    assert by["df/dh"].verdict == "wrong" and [d["code"] for d in by["df/dh"].diagnoses] == ["sign_flipped"]
    assert "path 2 (f → p → h" in by["df/dh"].diagnosis and "∂p/∂h is −1" in by["df/dh"].diagnosis
    assert by["df/dx"].verdict == "carried_forward" and "df/dh = " in by["df/dx"].diagnosis
    assert by["df/dy"].verdict == "wrong"  # ∂f/∂h alone for ∂f/∂y: no path's sign explains it


def test_a_made_up_expression_value_buys_nothing(tmp_path):
    # h1 = 0.5·2 = 1 written 3.5 is no known mistake, nor a slip (over half of 1 away): what is
    # built on it earns no carried-forward credit; 1.4 would be a slip in h1's step from the given x
    import math

    by = expression_outcomes(tmp_path, {"h1": "3.5", "h2": f"{math.exp(3.5):.4f}"})
    assert by["h2"].verdict == "wrong" and "no carried-forward credit" in by["h2"].diagnosis
    # (in JSON too: the code of what it follows from, as "Follows from the earlier wrong step" has)
    assert by["h2"].diagnoses == [{"code": "follows_from", "text": by["h2"].diagnosis}]
    by = expression_outcomes(tmp_path, {"h1": "1.4", "h2": f"{math.exp(1.4):.4f}"})
    assert by["h2"].verdict == "carried_forward"


def test_an_expression_rounded_as_one_goes_is_right(tmp_path):
    # h1 = 1, h2 = e = 2.718 (3 decimals), ∂f/∂h1 = h2 = 2.718 → ∂f/∂x = ∂f/∂h1·y + 1 = 6.436,
    # where the exact one is 2e + 1 = 6.43656...: 6.436 is reached only by rounding as one goes
    by = expression_outcomes(tmp_path, {"h2": "2.718", "df/dh1": "2.718", "df/dx": "6.436"})
    assert [by[k].verdict for k in ("h2", "df/dh1", "df/dx")] == ["right"] * 3
    by = expression_outcomes(tmp_path, {"df/dx": "6.439"})
    assert by["df/dx"].verdict == "wrong"


def test_a_stated_value_too_rough_to_build_on(tmp_path):
    # y = e^2.7 = 14.88 written `1e1` is right at one digit; ∂y/∂x = y built on 10 says nothing of 14.88
    path = tmp_path / "e.yaml"
    path.write_text("expression: |\n  y = exp(x)\nat: {x: 2.7}\nanswers:\n  y: 1e1\n  dy/dx: 10.00\n", encoding="utf-8")
    by = {o.answer.quantity.text: o for o in Grader().grade_file(str(path)).outcomes}
    assert by["y"].verdict == "right" and by["dy/dx"].verdict == "wrong"


def test_an_overflowing_step_on_stated_values_credits_nothing(tmp_path):
    path = tmp_path / "e.yaml"
    path.write_text("expression: |\n  h1 = x^2\n  y = h1^h1\nat: {x: 10}\nanswers:\n  h1: 100\n  y: 1e200\n"
                    "  dy/dh1: 1e308\n  dy/dx: 5\n", encoding="utf-8")
    by = {o.answer.quantity.text: o for o in Grader().grade_file(str(path)).outcomes}
    assert by["dy/dx"].verdict == "wrong"


def test_an_answer_no_float_can_round_to_is_one_verdict_in_a_class(tmp_path):
    # `0e400` is 0 written to the 10^400s: graded (not a crash that stops the class)
    path = t.answers_file(tmp_path, {"loss": "0e400", "a11": t.f(t.A11, 4)})
    report = Grader().grade_file(path)
    assert [o.verdict for o in report.outcomes][1] == "right" and report.outcomes[0].verdict in ("wrong", "imprecise")


def test_a_step_carried_on_an_imprecise_answer_does_not_call_it_wrong(tmp_path):
    # ∂L/∂a11 written -0.98 (2 significant digits, reached only by rounding every step that
    # coarsely: imprecise); ∂L/∂z11 done right on it is carried forward on a value that is "not right"
    import math

    a11 = float(f"{1 / (1 + math.exp(-0.4)):.2g}")
    d_a11 = -0.98
    d_z11 = float(f"{d_a11 * float(f'{a11 * (1 - a11):.2g}'):.2g}")
    by = {o.answer.quantity.text: o for o in Grader().grade_file(
        t.answers_file(tmp_path, {"a11": f"{a11:.2g}", "dL/da11": "-0.98", "dL/dz11": f"{d_z11:.2g}"})).outcomes}
    assert by["dL/da11"].verdict == "imprecise"
    assert by["dL/dz11"].verdict == "carried_forward" and by["dL/dz11"].diagnosis.endswith("which are not right.")


def graded_text(tmp_path, text: str) -> dict:
    """quantity text -> outcome, for an answers file written as `text`."""
    path = tmp_path / "e.yaml"
    path.write_text(text, encoding="utf-8")
    return {o.answer.quantity.text: o for o in Grader().grade_file(str(path)).outcomes}


def test_a_step_on_a_one_digit_value_written_to_the_answers_decimals_is_the_students_own(tmp_path):
    # h = x² = 0.0541 written `0.05` (2 decimals, one digit) and y = 2h − 3 = −2.8918 written `-2.90`:
    # the step on the file's own h gives −2.90; the 2 decimals are one habit, not a rough guess
    body = "expression: |\n  h = x*x\n  y = 2*h - 3\nat: {x: 0.2326}\nanswers:\n"
    by = graded_text(tmp_path, body + "  h: 0.05\n  y: -2.90\n")
    assert by["h"].verdict == "right" and by["y"].verdict == "right"
    # (unstated, h rounded to the answer's 2 decimals is 0.05 too: the same step, right); −2.92 is no step's
    for given, verdict in (("-2.90", "right"), ("-2.92", "wrong")):
        assert graded_text(tmp_path, body + f"  y: {given}\n")["y"].verdict == verdict


def test_an_intermediate_rounded_to_the_answers_decimals_below_three_digits_is_still_the_correct_method(tmp_path):
    # h = 0.25² = 0.0625, f = −1.866·h = −0.116625: a student who rounds every step to 3 decimals,
    # as the answer is written, takes h as 0.063 (two digits) and writes f = −0.118; the contract's
    # rounding ("to the answer's decimals or its significant digits, whichever is coarser") reaches it
    body = "expression: |\n  h = x*x\n  f = -1.866*h\nat: {x: 0.25}\nanswers:\n"
    for given, verdict in (("-0.118", "right"), ("-0.117", "right"), ("-0.119", "wrong"), ("-0.1176", "wrong")):
        assert graded_text(tmp_path, body + f"  f: {given}\n")["f"].verdict == verdict, given


def test_a_zero_the_steps_rounded_at_the_answers_decimals_reach_is_imprecise_not_a_mistake(tmp_path):
    # h = 0.02² = 0.0004, f = 2h = 0.0008: rounding h to 3 decimals as the answer is gives 0.000 and f =
    # 0.000; so written, f cannot be told from the trivial 0 (imprecise), and no mistake is named on it.
    # 0.0 for a value far from 0 is no such rounding: still wrong
    body = "expression: |\n  h = x*x\n  f = 2*h\nat: {x: 0.02}\nanswers:\n"
    for given, verdict in (("0.000", "imprecise"), ("0.001", "right"), ("0.003", "wrong")):
        assert graded_text(tmp_path, body + f"  f: {given}\n")["f"].verdict == verdict, given
    by = graded_text(tmp_path, "expression: |\n  h = x*x\n  f = 2*h\nat: {x: 0.6}\nanswers:\n  f: 0.0\n")
    assert by["f"].verdict == "wrong"  # 0.72 written 0.0: the steps rounded to a tenth reach 0.7, not 0


def test_a_step_that_reads_an_unstated_value_is_no_arithmetic_slip_of_the_givens(tmp_path):
    # f = h1 + x reads x (given) and h1 (a step the file does not state): a wrong f says nothing of
    # its own arithmetic; h1 = x·y reads only givens, so a wrong h1 is a slip in its own step
    body = "expression: |\n  h1 = x*y\n  f = h1 + x\nat: {x: 2, y: 3}\nanswers:\n"
    outcome = graded_text(tmp_path, body + "  f: 9.0\n")["f"]
    assert outcome.verdict == "wrong" and "arithmetic" not in [d["code"] for d in outcome.diagnoses]
    assert [d["code"] for d in graded_text(tmp_path, body + "  h1: 7.0\n")["h1"].diagnoses] == ["arithmetic"]


def test_one_rough_value_among_right_ones_is_enough_to_refuse_the_step(tmp_path):
    # y = 2·a·b with a = 14.9 stated `1e1` (right at one digit, its last digit the tens) and b stated
    # right to the answer's decimals: the step on them (20.00) says nothing of y's 29.80
    by = graded_text(tmp_path, "expression: |\n  a = x*x\n  b = x/x\n  y = a*b*2\nat: {x: 3.86}\nanswers:\n  a: 1e1\n"
                          "  b: 1.00\n  y: 20.00\n")
    assert by["y"].verdict == "wrong"


@pytest.mark.parametrize("digits, both", [(2, True), (3, False), (4, False)])
def test_a_slip_that_gives_a_known_mistakes_value_is_named_both_ways_with_few_digits(tmp_path, digits, both):
    # z11 stated right, a11 written as z11 = 0.4 (true σ(0.4) = 0.5987): a = z gives it, and so could a
    # slip in this one step (its only input, z11, is stated right; 0.4 is within a slip of 0.5987).
    # With 2 significant digits such a coincidence is likely and both are said, the catalogued
    # mistake first; with 3 or more, the mistake alone
    by = {o.answer.quantity.text: o for o in Grader().grade_file(t.answers_file(
        tmp_path, {"z11": "0.4000", "a11": f"{t.Z11:.{digits}f}"})).outcomes}  # 0.40, 0.400, 0.4000
    graded = by["a11"]
    codes = [d["code"] for d in graded.diagnoses]
    assert graded.verdict == "wrong" and codes[0] == "activation_not_applied" and ("arithmetic" in codes) == both, codes
    assert ("Or an arithmetic slip" in graded.diagnosis) == both
    # ŷ stated right, ∂L/∂ŷ written ŷ − y: the lost factor 2 gives it; with 2 digits the step's own
    # arithmetic is said too, as what it is: half of what the step gives is further off than a slip goes
    by = {o.answer.quantity.text: o for o in Grader().grade_file(t.answers_file(
        tmp_path, {"yhat1": f"{t.YHAT:.5f}", "dL/dyhat1": f"{t.YHAT - t.Y:.{digits}g}"})).outcomes}
    graded = by["dL/dyhat1"]
    assert [d["code"] for d in graded.diagnoses] == ["factor_2_lost"] + ["arithmetic"] * both, graded.diagnosis
    assert ("Or not what this step gives: your own earlier answers (yhat1 = " in graded.diagnosis) == both
    assert "slip" not in graded.diagnosis.replace("than a slip goes", "")
    # a slip no mistake explains is named as a slip alone
    alone = {o.answer.quantity.text: o for o in Grader().grade_file(t.answers_file(
        tmp_path, {"yhat1": f"{t.YHAT:.4f}", "dL/dyhat1": f"{2 * (t.YHAT - t.Y) * 1.2:.4f}"})).outcomes}
    assert [d["code"] for d in alone["dL/dyhat1"].diagnoses] == ["arithmetic"]


def test_a_value_after_updates_follows_from_the_first_wrong_answer_the_updates_read(tmp_path):
    # made-up numbers, so no diagnosis of their own: w111 after 1, 2, 3 updates and the loss after 2
    _, by = graded(tmp_path, {"w111_after3": "0.9000", "w111_after2": "0.8000", "loss_after2": "0.9000",
                              "w111_new": "0.7000"})
    said = {q: g.diagnosis for q, g in by.items()}
    assert said["w111_new"] is None  # the first update reads only the first pass: none of these
    # two updates read the first (line 6); the loss after two reads the weights after two
    assert said["w111_after2"] == "Follows from the earlier wrong step w111_new (line 6): fix that first."
    assert said["loss_after2"] == "Follows from the earlier wrong step w111_new (line 6): fix that first."
    assert said["w111_after3"] == "Follows from the earlier wrong step w111_new (line 6): fix that first."
    # without the first update stated: the weights after 2 (line 4) are what the loss after 2 and the
    # weights after 3 read; nothing the file states is read by the weights after 2
    _, by = graded(tmp_path, {"w111_after3": "0.9000", "w111_after2": "0.8000", "loss_after2": "0.9000"})
    said = {q: g.diagnosis for q, g in by.items()}
    assert said["w111_after2"] is None
    assert said["loss_after2"] == said["w111_after3"] == \
        "Follows from the earlier wrong step w111_after2 (line 4): fix that first."


TANH_NET = """\
input: [0.8, 0.4]
target: [-0.8]
loss: squared_error
learning_rate: 0.5
layers:
  - activation: tanh
    weights: [[0.9, -0.2], [-0.58, 0.3]]
    biases: [-0.38, 0.17]
  - activation: {output}
    weights: [[-0.5, 0.54]]
    biases: [-0.3]
"""


def test_a_mistake_the_files_own_right_answers_rule_out_is_named_beside_the_steps_own_arithmetic(tmp_path):
    # By hand: z11 = 0.26, a11 = tanh 0.26, z12 = −0.174, ŷ = −0.5·a11 + 0.54·a12 − 0.3, ∂L/∂ŷ = 2(ŷ + 0.8),
    # ∂L/∂a11 = −0.5·∂L/∂ŷ = −0.27983, ∂L/∂z11 = ∂L/∂a11·(1 − a11²) = −0.26173. ∂L/∂b11 is ∂L/∂z11
    # itself. Written as ∂L/∂a11 (tanh′ left out, 7% off: slip-sized) beside a right ∂L/∂z11, the
    # derivative left out in layer 1 would have changed ∂L/∂z11 too: the file's own numbers say this
    # step went wrong by itself, so its arithmetic is said beside the mistake, at 4 digits
    import math
    a11, a12 = math.tanh(0.26), math.tanh(-0.58 * 0.8 + 0.3 * 0.4 + 0.17)
    d_yhat = 2 * (-0.5 * a11 + 0.54 * a12 - 0.3 + 0.8)
    d_a11 = -0.5 * d_yhat
    d_z11 = d_a11 * (1 - a11 ** 2)
    assert (round(d_a11, 5), round(d_z11, 5)) == (-0.27983, -0.26173)
    (tmp_path / "net.yaml").write_text(TANH_NET.format(output="linear"), encoding="utf-8")

    def said(answers: dict):
        text = "spec: net.yaml\nanswers:\n" + "".join(f"  {k}: {v}\n" for k, v in answers.items())
        last = graded_text(tmp_path, text)[list(answers)[-1].replace("yhat", "ŷ")]
        return last.verdict, [d["code"] for d in last.diagnoses], last.diagnosis

    verdict, codes, diagnosis = said({"dL/dz11": f"{d_z11:.4f}", "dL/db11": f"{d_a11:.4f}"})
    assert verdict == "wrong" and codes == ["activation_derivative_missing", "arithmetic"], diagnosis
    assert "Or an arithmetic slip: your own earlier answers (dL/dz11 = -0.2617)" in diagnosis
    # no earlier answer stated: nothing rules the mistake out
    assert said({"dL/db11": f"{d_a11:.4f}"})[1] == ["activation_derivative_missing"]
    # left out in ∂L/∂z11's own step beside a right ∂L/∂ŷ: the mistake's own step, said alone
    assert "arithmetic" not in said({"dL/dyhat1": f"{d_yhat:.4f}", "dL/dz11": f"{d_a11:.4f}"})[1]


def test_a_quantitys_own_swap_or_another_layers_mistake_is_never_ruled_out_by_right_answers(tmp_path):
    # the same network with a sigmoid output: ŷ written as z21 beside a right z21 is the swap "this is
    # z21", a = z in ŷ's own step (its code is a = z's, whose whole pass would change z21 too); and
    # ∂L/∂b11 with the hidden tanh′ left out beside a right output δ (a student may forget one layer's
    # derivative and not the other's; 7% off, slip-sized): each is the mistake alone, no slip beside it
    import math
    (tmp_path / "net.yaml").write_text(TANH_NET.format(output="sigmoid"), encoding="utf-8")
    a11, a12 = math.tanh(0.26), math.tanh(-0.174)
    z21 = -0.5 * a11 + 0.54 * a12 - 0.3
    yhat = 1 / (1 + math.exp(-z21))
    delta = 2 * (yhat + 0.8) * yhat * (1 - yhat)
    by = graded_text(tmp_path, f"spec: net.yaml\nanswers:\n  z21: {z21:.4f}\n  yhat1: {z21:.4f}\n"
                               f"  dL/dz21: {delta:.4f}\n  dL/db11: {delta * -0.5:.4f}\n")
    assert [d["code"] for d in by["yhat1"].diagnoses] == ["activation_not_applied"], by["yhat1"].diagnosis
    assert by["dL/dz21"].verdict == "right"
    codes = [d["code"] for d in by["dL/db11"].diagnoses]
    assert codes == ["activation_derivative_missing", "activation_not_applied"], by["dL/db11"].diagnosis


@pytest.mark.parametrize("written, verdict", [("0.650", "right"), ("0.652", "right"), ("0.648", "wrong")])
def test_a_batch_gradient_summed_from_each_samples_rounded_product_is_right(tmp_path, written, verdict):
    # ŷ = x − 1.003 on two samples (ŷ 1.00 and 1.51, on the 3-digit grid), δ = 2(ŷ − y) = 1.17 and
    # −0.414: ∂L/∂w111 = (δ1·x1 + δ2·x2)/2 = (2.34351 − 1.040382)/2 = 0.651564, by hand. A student
    # who writes each sample's product at 3 significant digits first (2.34, −1.04) gets 1.30/2 =
    # 0.650: the correct method, rounding as it goes. 0.648 no rounding of those steps reaches
    x, y = (2.003, 2.513), (0.415, 1.717)
    yhat = [xi - 1.003 for xi in x]
    delta = [2 * (p - t) for p, t in zip(yhat, y)]
    assert [round(d, 9) for d in delta] == [1.17, -0.414]
    products = [d * xi for d, xi in zip(delta, x)]
    assert abs(sum(products) / 2 - 0.651564) < 1e-6 and f"{sum(float(f'{p:.3g}') for p in products) / 2:.3f}" == "0.650"
    (tmp_path / "net.yaml").write_text(
        f"inputs: [[{x[0]}], [{x[1]}]]\ntargets: [[{y[0]}], [{y[1]}]]\nloss: squared_error\nlearning_rate: 0.1\n"
        "layers:\n  - activation: linear\n    weights: [[1]]\n    biases: [-1.003]\n", encoding="utf-8")
    by = graded_text(tmp_path, f"spec: net.yaml\nanswers:\n  dL/dw111: {written}\n")
    assert by["dL/dw111"].verdict == verdict, by["dL/dw111"].diagnosis


def test_an_unreadable_value_is_judged_and_failed_an_unknown_quantity_neither(tmp_path):
    # a11 right, z11 unreadable (judged, not right), w999 and b99 no quantities of the network (not graded)
    report, _ = graded(tmp_path, {"a11": t.f(t.A11, 4), "z11": "'0.4o'", "w999": "0.5", "b99": "0.1"})
    verdicts = sorted(r.verdict for r in report.refused)
    assert verdicts == ["not_graded", "not_graded", "unreadable"], verdicts
    assert (report.passed, report.judged, report.failed) == (1, 2, 1)
