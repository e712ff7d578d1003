"""grading.expression: answers about an expression, f = x·y + sin(x) at x = 2, y = 3, graded against
derivatives done by hand (∂f/∂x = y + cos x, ∂f/∂y = x), with the chain rule's slips named."""
import math

import pytest

from backprop_cli.grading.expression import ExpressionDiagnoser, expression_value, parse_expression_quantity
from backprop_cli.grading.grades import Grader
from backprop_cli.grading.quantities import QuantityError

EXPRESSION = "expression: |\n  h1 = x*y\n  h2 = sin(x)\n  f = h1 + h2\nat: {x: 2, y: 3}\n"
X, Y = 2.0, 3.0
TRUE = {"h1": X * Y, "h2": math.sin(X), "f": X * Y + math.sin(X), "df/dx": Y + math.cos(X), "df/dy": X,
        "df/dh1": 1.0, "df/dh2": 1.0}


def grade(tmp_path, answers: dict) -> dict:
    path = tmp_path / "e.yaml"
    path.write_text(EXPRESSION + "answers:\n" + "".join(f"  {k}: {v}\n" for k, v in answers.items()), encoding="utf-8")
    return {o.answer.quantity.text: o for o in Grader().grade_file(str(path)).outcomes}


def test_hand_computed_values_and_derivatives_are_right(tmp_path):
    graded = grade(tmp_path, {q: f"{v:.6f}" for q, v in TRUE.items()})
    for q, outcome in graded.items():
        assert outcome.ok and outcome.verdict == "right", q
        assert outcome.expected == pytest.approx(TRUE[q], rel=1e-15, abs=1e-15)


def test_an_exact_answer_is_right_however_few_digits(tmp_path):
    graded = grade(tmp_path, {"h1": "6", "df/dy": "2", "df/dh1": "1"})
    assert all(o.ok for o in graded.values())


def test_off_by_more_than_half_a_unit_is_wrong(tmp_path):
    graded = grade(tmp_path, {"df/dx": "2.585", "h2": "0.91"})
    assert not graded["df/dx"].ok and graded["h2"].ok  # 3 + cos 2 = 2.583853...; sin 2 = 0.909297...


def test_one_path_alone_or_left_out_is_named(tmp_path):
    # x reaches f by two paths: f → h1 → x (product y = 3) and f → h2 → x (product cos 2)
    only_first = grade(tmp_path, {"df/dx": "3.0000"})["df/dx"].diagnosis
    assert only_first.startswith("More than one known mistake gives this value: ")
    assert "this is path 1 alone (f → h1 → x); x has 2 paths from f" in only_first
    assert "this leaves out path 2 (f → h2 → x, product -0.4161)" in only_first
    assert f"{math.cos(X):.4f}" == "-0.4161"


def test_the_sign_and_a_swapped_input_are_named(tmp_path):
    graded = grade(tmp_path, {"df/dy": "-2.00", "h2": f"{-math.sin(X):.4f}", "df/dh1": f"{X:.3f}"})
    assert graded["df/dy"].diagnosis == "The sign is flipped."
    assert graded["h2"].diagnosis == "The sign is flipped."
    assert graded["df/dh1"].diagnosis == "This is ∂f/∂y, not ∂f/∂h1."  # ∂f/∂y = x = 2 given for ∂f/∂h1


def test_a_value_given_for_its_derivative_is_named(tmp_path):
    # ∂f/∂h2 = 1 answered with h2 = sin 2
    said = grade(tmp_path, {"df/dh2": f"{math.sin(X):.4f}"})["df/dh2"].diagnosis
    assert said == "This is the value of h2, not the derivative ∂f/∂h2."


def test_a_wrong_value_is_followed_from_only_along_the_graph(tmp_path):
    # h1 wrong (7 for 6) makes f wrong; h2 is not computed from h1
    graded = grade(tmp_path, {"h1": "7.000", "h2": "0.800", "f": "7.9093"})
    # both slips (causes), and f is not their sum 7.8 but near it: a slip of its own, on wrong values
    assert graded["f"].diagnosis == ("An arithmetic slip: your own earlier answers (h1 = 7.000, h2 = 0.800) do "
                                     "not give 7.9093 in this step; redo its arithmetic. It builds on the earlier "
                                     "wrong step h1 (line 7): fix that too.")
    assert graded["f"].diagnoses[0]["code"] == "arithmetic"
    # on a made-up h1 (20 for 6: no slip), f follows from it, whatever its own arithmetic
    graded = grade(tmp_path, {"h1": "20.000", "h2": "0.800", "f": "20.9093"})
    assert graded["f"].diagnosis == "Follows from the earlier wrong step h1 (line 7): fix that first."
    # h2 = sin x reads only the given x: its own arithmetic is what is wrong, not h1
    assert graded["h2"].diagnosis == ("An arithmetic slip: the numbers you were given do not give 0.800 in this "
                                      "step; redo its arithmetic.")
    # h1 written "7" stands for anything from 6.5 to 7.5, and h2 unstated is sin 2: f = 7 + sin 2 is
    # built on h1 = 7, a slip in a step from the given x and y (within half of 6), so carried forward
    graded = grade(tmp_path, {"h1": "7", "f": "7.9093"})
    assert graded["f"].verdict == "carried_forward"
    # h1 = 20 for 6 is no slip but a number made up: f = 20 + sin 2 earns nothing
    graded = grade(tmp_path, {"h1": "20", "f": "20.9093"})
    assert graded["f"].verdict == "wrong" and "h1 = 20 (line 7)" in graded["f"].diagnosis


def test_quantities_are_parsed_against_the_expression(tmp_path):
    from backprop_cli.grading.answers import AnswersReader

    (tmp_path / "e.yaml").write_text(EXPRESSION + "answers:\n  f: 1\n", encoding="utf-8")
    _, result, _, _, _ = AnswersReader().read(str(tmp_path / "e.yaml"))
    q = parse_expression_quantity("∂f/∂x", result)
    assert (q.kind, q.name.kind) == ("gradient", "x")
    assert expression_value(result, q) == pytest.approx(Y + math.cos(X), rel=1e-15)
    assert expression_value(result, parse_expression_quantity(" h2 ", result)) == pytest.approx(math.sin(X))
    with pytest.raises(QuantityError) as info:
        parse_expression_quantity("dg/dx", result)
    assert str(info.value) == "'dg/dx': the expression's output is f, not g" and info.value.hint == \
        "write df/d<name>, e.g. df/dx"
    with pytest.raises(QuantityError):
        parse_expression_quantity("h3", result)
    diagnoser = ExpressionDiagnoser(result)
    values = sorted(v for v, *_ in diagnoser.candidates(q, Y + math.cos(X)))
    for wanted in (Y, math.cos(X), -(Y + math.cos(X)), X, X):  # the paths, the sign, ∂f/∂y, x itself
        assert any(v == pytest.approx(wanted, rel=1e-12) for v in values), wanted


ROUGH = "expression: |\n  x = sin(t)\n  q = x*y\n  r = exp(q)\n  s = q - x\n  f = r*s\nat: {t: 0.8, y: -1.3}\n"


@pytest.mark.parametrize("written, credited", [("-0.5116", True), ("-0.5", False)])
def test_a_mistakes_value_written_with_one_digit_buys_no_precise_step(tmp_path, written, credited):
    # ∂f/∂x by path 2 alone (f → s → q → x: r·y = e^(sin 0.8 · −1.3) · −1.3 = −0.511607, by hand), then
    # ∂f/∂t = ∂f/∂x · cos 0.8 done right on it. At 4 significant digits the path is a cause: carried
    # forward. Written −0.5 it is that path's value only at one digit, where a dozen catalogued values
    # fall (a round guess would buy the steps after it): no credit, and said why
    x = math.sin(0.8)
    path_2 = math.exp(x * -1.3) * -1.3
    assert abs(path_2 - -0.511607) < 1e-6
    path = tmp_path / "e.yaml"
    path.write_text(ROUGH + f"answers:\n  df/dx: {written}\n  df/dt: {float(written) * math.cos(0.8):.4f}\n")
    graded = {o.answer.quantity.text: o for o in Grader().grade_file(str(path)).outcomes}
    assert graded["df/dx"].verdict == "wrong" and "one_path_only" in [d["code"] for d in graded["df/dx"].diagnoses]
    assert graded["df/dt"].verdict == ("carried_forward" if credited else "wrong"), graded["df/dt"].diagnosis
    if not credited:
        assert "a value too rough to build this step on" in graded["df/dt"].diagnosis


def test_a_carried_forward_value_that_equals_another_answer_is_no_copy(tmp_path):
    # y = 1/e^(x²) at x = 0.5: ∂y/∂h2 = −1/h2² written with its sign flipped; ∂y/∂h1 = ∂y/∂h2 · h2 done
    # right on it is carried forward, and equals y (0.7788) by the algebra, not by copying; so ∂y/∂x =
    # ∂y/∂h1 · 2x = 0.7788 (2x = 1) is carried forward too, not refused as built on a copy of y
    h2 = math.exp(0.25)
    flipped = 1 / h2 ** 2  # by hand, the sign flipped
    on_it = flipped * h2  # worked with more digits than written: 1/h2, y's own value
    path = tmp_path / "e.yaml"
    path.write_text("expression: |\n  h1 = x^2\n  h2 = exp(h1)\n  y = 1/h2\nat: {x: 0.5}\nanswers:\n"
                    f"  h2: {h2:.3f}\n  y: {1 / h2:.4f}\n  dy/dh2: {flipped:.4f}\n  dy/dh1: {on_it:.4f}\n"
                    f"  dy/dx: {on_it * 2 * 0.5:.4f}\n")
    graded = {o.answer.quantity.text: o for o in Grader().grade_file(str(path)).outcomes}
    assert f"{on_it:.4f}" == f"{1 / h2:.4f}"  # the carried-forward value is y's, digit for digit
    assert [d["code"] for d in graded["dy/dh2"].diagnoses] == ["sign_flipped"]
    assert graded["dy/dh1"].verdict == "carried_forward"
    assert graded["dy/dx"].verdict == "carried_forward", graded["dy/dx"].diagnosis
