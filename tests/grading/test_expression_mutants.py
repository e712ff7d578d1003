"""grading.expression, the cases a mutation run found untested: a derivative is checked path by path
from 2 paths up to MAX_LISTED_PATHS of them (a single path is the derivative itself: no path is left
out or taken alone; more than the limit are not listed), and diagnose() gives the sentence alone."""
import math

from backprop_cli.grading.answers import Answer, Tolerance
from backprop_cli.grading.expression import MAX_LISTED_PATHS, ExpressionDiagnoser, parse_expression_quantity
from backprop_cli.spec.expression import expression_from_text


def sum_of_terms(n: int):
    """f = x·1 + x·2 + ... + x·n: x reaches f by n paths, path k with product k; ∂f/∂x = n(n + 1)/2."""
    return expression_from_text("f = " + " + ".join(f"x*{k}" for k in range(1, n + 1)), {"x": 0.5}).compute()


def codes(result, text: str) -> list[tuple[str, float]]:
    q = parse_expression_quantity(text, result)
    expected = result.derivative(q.name.kind) if q.kind == "gradient" else result.value(q.name.kind)
    return [(code, value) for value, _sentence, code in ExpressionDiagnoser(result).candidates(q, expected)]


def test_up_to_the_limit_every_path_is_taken_alone_and_left_out():
    n = MAX_LISTED_PATHS
    result = sum_of_terms(n)
    assert result.derivative("x") == n * (n + 1) / 2
    found = codes(result, "df/dx")
    alone = sorted(value for code, value in found if code == "one_path_only")
    left_out = sorted(value for code, value in found if code == "path_left_out")
    assert alone == [float(k) for k in range(1, n + 1)]
    assert left_out == [n * (n + 1) / 2 - k for k in range(n, 0, -1)]


def test_beyond_the_limit_no_path_is_listed():
    found = codes(sum_of_terms(MAX_LISTED_PATHS + 1), "df/dx")
    assert not [code for code, _ in found if code in ("one_path_only", "path_left_out")]
    assert ("sign_flipped", -(MAX_LISTED_PATHS + 1) * (MAX_LISTED_PATHS + 2) / 2) in found


def test_a_single_path_is_the_derivative_itself_and_lists_no_path():
    # f = sin(x·y): one path to x, its product the derivative (taken alone it is right; left out, 0)
    result = expression_from_text("h = x*y\nf = sin(h)", {"x": 0.5, "y": 1.5}).compute()
    found = codes(result, "df/dx")
    assert [code for code, _ in found] == ["sign_flipped", "other_variable", "value_for_derivative"]
    assert math.isclose(found[0][1], -1.5 * math.cos(0.75), rel_tol=1e-15)  # −∂f/∂x
    assert math.isclose(found[1][1], 0.5 * math.cos(0.75), rel_tol=1e-15) and found[2][1] == 0.5  # ∂f/∂y; x
    # two paths: each one listed, alone and left out
    two = codes(expression_from_text("f = x*3 + sin(x)", {"x": 2.0}).compute(), "df/dx")
    assert sorted(value for code, value in two if code == "one_path_only") == [math.cos(2.0), 3.0]


def test_diagnose_gives_the_sentence_of_the_slip_alone():
    result = expression_from_text("h = x*y\nf = sin(h)", {"x": 0.5, "y": 1.5}).compute()
    q = parse_expression_quantity("df/dx", result)
    truth = 1.5 * math.cos(0.75)  # 1.0975
    answer = Answer(q, -1.0975, 3, 9, 4)
    assert ExpressionDiagnoser(result).diagnose(answer, truth, Tolerance()) == "The sign is flipped."
    assert ExpressionDiagnoser(result).diagnose(Answer(q, 7.0, 3, 9, 4), truth, Tolerance()) is None
