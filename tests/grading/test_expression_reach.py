"""grading.expression_reach: what the correct method reaches on an expression when a student
rounds as they go, against a student simulated by hand (each step computed with math and rounded
to d decimals as written down), and the expression's steps as dependencies."""
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_cli.core.names import Name
from backprop_cli.grading.expression_reach import ExpressionReach, ExpressionShape
from backprop_cli.grading.quantities import Quantity
from backprop_cli.grading.rule import NO_FLOOR, Precision, precision_of
from backprop_cli.spec.expression import expression_from_text

TEXT = "h1 = x*y\nh2 = sin(x)\nh3 = exp(h2)\nf = h1*h3 + h2/y"


def q(kind: str, name: str) -> Quantity:
    return Quantity(name if kind == "value" else f"df/d{name}", kind, Name(name, ()), None)


def student(x: float, y: float, d: int) -> dict:
    """Every value and derivative as a student writes them down, each rounded to d decimals (the
    inputs and the output's own derivative, 1, are exact): computed by hand from the formulas."""
    r = lambda v: round(v, d)  # noqa: E731 - the student's one habit
    h1, h2 = r(x * y), r(math.sin(x))
    h3 = r(math.exp(h2))
    f = h1 * h3 + h2 / y
    d_h1, d_h3 = r(h3), r(h1)  # ∂f/∂h1 = h3, ∂f/∂h3 = h1
    d_h2 = r(d_h3 * h3 + 1 / y)  # through h3 = exp(h2) (∂h3/∂h2 = h3) and through h2/y
    d_x = d_h1 * y + d_h2 * math.cos(x)
    d_y = d_h1 * x - h2 / (y * y)
    return {("value", "h1"): h1, ("value", "h2"): h2, ("value", "h3"): h3, ("value", "f"): f,
            ("gradient", "h1"): d_h1, ("gradient", "h3"): d_h3, ("gradient", "h2"): d_h2,
            ("gradient", "x"): d_x, ("gradient", "y"): d_y}


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(x=st.floats(-2, 2), y=st.floats(0.5, 2), d=st.integers(2, 5))
def test_a_student_rounding_as_they_go_is_always_reached(x, y, d):
    result = expression_from_text(TEXT, {"x": x, "y": y}).compute()
    precision = Precision(d, 17, NO_FLOOR)  # to d decimals whatever the size
    reach = ExpressionReach(result, precision)
    for (kind, name), written in student(x, y, d).items():
        low, high = reach.interval(q(kind, name))
        half = 0.5 * 10.0 ** -d  # the answer's own rounding
        assert low - half - 1e-12 <= round(written, d) <= high + half + 1e-12, (kind, name)


def test_exact_values_are_not_widened():
    # ∂f/∂h1 of f = h1 + h2 is exactly 1: rounded to any digit it stays 1, so ∂f/∂x = y + cos x
    # is one number, and 2.585 for 3 + cos 2 = 2.58385 is not reached at 3 decimals
    result = expression_from_text("h1 = x*y\nh2 = sin(x)\nf = h1 + h2", {"x": 2.0, "y": 3.0}).compute()
    reach = ExpressionReach(result, precision_of("2.585"))
    assert reach.interval(q("gradient", "h1")) == (1.0, 1.0)
    # the local factor cos 2 = -0.4161468 may be written -0.416, -0.4161, or finer, within half of the 5th
    # decimal: ∂f/∂x from 3 - 0.4161518 to 3 - 0.416, and 2.585 is out of reach at 3 decimals
    low, high = reach.interval(q("gradient", "x"))
    assert low == pytest.approx(3 - 0.4161518, abs=1e-7) and high == pytest.approx(3 - 0.416, abs=1e-12)


def test_stated_values_replace_the_true_ones_and_the_step_alone_uses_them_only_next():
    result = expression_from_text("h1 = x*y\nh2 = h1^2\nf = h2 + 1", {"x": 2.0, "y": 3.0}).compute()
    precision = precision_of("0.001")
    stated = {("value", Name("h1", ()), None): 7.0}
    carried = ExpressionReach(result, precision, stated)
    assert carried.interval(q("value", "h2")) == (49.0, 49.0)
    assert carried.interval(q("value", "f")) == pytest.approx((50.0, 50.0))
    base = ExpressionReach(result, precision)
    step = ExpressionReach(result, precision, stated, base)
    assert step.interval(q("value", "h2")) == (49.0, 49.0)
    assert step.interval(q("value", "f")) == pytest.approx((37.0, 37.0))  # h2 as the true pass has it: 36 + 1


def test_turning_points_inside_an_interval_bound_the_value():
    # sin peaks at π/2: h = 1.5708 written to 1 decimal is 1.6 (or 1.57, 1.571, ... finer), on
    # both sides of the peak, so sin h reaches 1 and, at 1.6, its least
    result = expression_from_text("h = x + 0\nf = sin(h)", {"x": math.pi / 2}).compute()
    low, high = ExpressionReach(result, Precision(1, 17, NO_FLOOR)).interval(q("value", "f"))
    assert high == 1.0 and low == pytest.approx(math.sin(1.6), rel=1e-9)


def test_a_denominator_that_may_be_0_is_unbounded():
    result = expression_from_text("h = x - 1\nf = 1/h", {"x": 1.01}).compute()
    # h = 0.01 written to 1 decimal is 0.0
    low, high = ExpressionReach(result, Precision(1, 17, NO_FLOOR)).interval(q("value", "f"))
    assert (low, high) == (-math.inf, math.inf)


def test_dependencies_follow_the_steps():
    result = expression_from_text("h1 = x*y\nh2 = exp(h1)\nf = h2 + x", {"x": 1.0, "y": 2.0}).compute()
    shape = ExpressionShape(result)
    index = result.index
    assert shape.inputs(result, ("value", index("h2"))) == [("value", index("h1"))]
    # ∂f/∂h1 from ∂f/∂h2 and the values exp's factor reads (h1 and h2 itself)
    assert set(shape.inputs(result, ("gradient", index("h1")))) == {("gradient", index("h2")),
                                                                      ("value", index("h1")), ("value", index("h2"))}
    order = sorted([q("gradient", "x"), q("value", "f"), q("gradient", "h2"), q("value", "h1")], key=shape.position)
    assert [(o.kind, o.name.kind) for o in order] == [("value", "h1"), ("value", "f"), ("gradient", "h2"),
                                                      ("gradient", "x")]


def test_an_expression_too_long_for_intervals_is_judged_on_its_true_values():
    from backprop_cli.grading.expression_reach import MAX_NODES, TruthOnly

    steps = "\n".join(["h0 = x*2"] + [f"h{i} = h{i - 1} + 1" for i in range(1, MAX_NODES)] + ["y = h0 + h1"])
    result = expression_from_text(steps, {"x": 0.5}).compute()
    reach = ExpressionShape(result).reach(precision_of("0.1"))
    assert isinstance(reach, TruthOnly)
    # y = h0 + h1 with h1 = h0 + 1: ∂y/∂h0 = 2, ∂y/∂x = 4; h1 = 2·0.5 + 1 = 2
    assert reach.interval(q("gradient", "x")) == (4.0, 4.0) and reach.interval(q("value", "h1")) == (2.0, 2.0)


# _image: an operation's least and greatest value over a box, from its corners and turning points
IMAGES = [
    (lambda a: a * a, (-1.0, 0.5), "", (0.0, 1.0)),  # turns at 0
    (abs, (-0.25, 2.0), "", (0.0, 2.0)),
    (math.sin, (0.0, 3.0), "sin", (0.0, 1.0)),  # peaks at π/2, inside
    (math.sin, (-3.0, 0.0), "sin", (-1.0, 0.0)),  # its trough at −π/2
    (math.cos, (-1.0, 1.0), "cos", (math.cos(1.0), 1.0)),  # peaks at 0
    (math.sin, (1e6, 1e6 + 7.0), "sin", (-1.0, 1.0)),  # far from 0, over a whole period: both turns
    (lambda a: a * (1 - a), (0.2, 0.9), "sigmoid", (0.09, 0.25)),  # σ(1 − σ) peaks at ½
    (lambda a: a * (1 - a), (0.6, 0.9), "sigmoid", (0.09, 0.24)),  # ½ outside: only the corners
    (lambda a: a * (1 - a), (0.6, 0.9), "", (0.09, 0.24)),
    (math.sin, (0.0, 1.0), "", (0.0, math.sin(1.0))),  # no shape: no peak looked for
]


@pytest.mark.parametrize("function, box, shape, image", IMAGES)
def test_an_operations_image_over_a_box_is_its_least_and_greatest_value(function, box, shape, image):
    from backprop_cli.grading.expression_reach import _image

    low, high = _image(function, [box], [shape])
    assert low == pytest.approx(image[0], abs=1e-12) and high == pytest.approx(image[1], abs=1e-12)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["sin", "cos"]), st.floats(-50, 50), st.floats(0, 20))
def test_every_value_inside_the_box_lies_in_the_image(shape, low, width):
    from backprop_cli.grading.expression_reach import _image

    function = math.sin if shape == "sin" else math.cos
    least, most = _image(function, [(low, low + width)], [shape])
    for i in range(101):
        value = function(low + width * i / 100)
        assert least - 1e-12 <= value <= most + 1e-12
    # and the image is no wider than the function's values there (its ends are values it takes)
    samples = [function(low + width * i / 10_000) for i in range(10_001)]
    assert least >= min(samples) - 1e-3 and most <= max(samples) + 1e-3


def test_a_denominator_whose_interval_touches_0_is_unbounded():
    from backprop_cli.grading.expression_reach import _unbounded

    assert _unbounded("div", [(1.0, 2.0), (0.0, 1.0)]) and _unbounded("div", [(1.0, 2.0), (-1.0, 0.0)])
    assert not _unbounded("div", [(1.0, 2.0), (0.5, 1.0)]) and not _unbounded("mul", [(1.0, 2.0), (-1.0, 1.0)])


def test_intervals_are_worked_through_up_to_max_nodes_steps_and_not_beyond():
    from backprop_cli.grading.expression_reach import MAX_NODES, TruthOnly

    def reach(steps: int):
        text = "\n".join(["h0 = x + x"] + [f"h{i} = h{i - 1} + x" for i in range(1, steps)])
        result = expression_from_text(text, {"x": 0.5}).compute()
        return result, ExpressionShape(result).reach(precision_of("0.1"))

    result, at_most = reach(MAX_NODES - 1)  # x and MAX_NODES − 1 additions: MAX_NODES nodes
    assert len(result.graph.nodes) == MAX_NODES and isinstance(at_most, ExpressionReach)
    result, beyond = reach(MAX_NODES)
    assert len(result.graph.nodes) == MAX_NODES + 1 and isinstance(beyond, TruthOnly)


def test_a_node_the_output_does_not_use_has_a_derivative_of_exactly_0_and_the_outputs_own_is_exactly_1():
    result = expression_from_text("h = x*3\nf = x + 1", {"x": 0.123}).compute()
    reach = ExpressionReach(result, Precision(1, 17, NO_FLOOR))  # rounded to a tenth: nothing else widens
    assert reach.interval(q("gradient", "h")) == (0.0, 0.0)
    assert reach.interval(q("gradient", "f")) == (1.0, 1.0)


@pytest.mark.parametrize("a, b, product", [
    ((-math.inf, 1.0), (0.0, 2.0), (-math.inf, 2.0)),  # ∞·0 is no corner: the other corners bound it
    ((2.0, 3.0), (-math.inf, -1.0), (-math.inf, -2.0)),
    ((math.inf, math.inf), (0.0, 0.0), (0.0, 0.0)),  # nothing but ∞·0: the product is 0
    ((-1.0, 2.0), (-3.0, 4.0), (-6.0, 8.0)),
    ((0.0, 1.0), (1.0, math.inf), (0.0, math.inf)),  # 0·∞ the other way round
])
def test_an_interval_product_skips_infinity_times_0(a, b, product):
    from backprop_cli.grading.expression_reach import _mul

    assert _mul(a, b) == product


def test_sin_over_a_box_wider_than_a_million_still_reaches_both_peaks():
    from backprop_cli.grading.expression_reach import _image

    # a stated 1e6 (one digit) stands for anything within 5e5 of it: sin there is anything in [−1, 1]
    assert _image(math.sin, [(5e5, 1.5e6)], ["sin"]) == (-1.0, 1.0)
    assert _image(math.cos, [(-math.inf, 0.0)], ["cos"]) == (-1.0, 1.0)  # unbounded boxes: both turns
    assert _image(math.sin, [(1.0, math.inf)], ["sin"]) == (-1.0, 1.0)
    assert _image(math.sin, [(-math.inf, math.inf)], ["sin"]) == (-1.0, 1.0)
    assert _image(math.sin, [(-math.inf, 10.0)], ["sin"]) == (-1.0, 1.0)  # the turns below 10, not near 0


def test_the_turns_of_sin_and_cos_inside_a_box_are_at_most_four():
    from backprop_cli.grading.expression_reach import _turns

    # cos turns at kπ: in [−10, 10] at −3π, −2π, −π, 0 (the zero counted once), and no more than four
    assert _turns("cos", -10.0, 10.0) == pytest.approx([0.0, -3 * math.pi, -2 * math.pi, -math.pi])
    assert _turns("sin", 0.0, 4.0) == pytest.approx([math.pi / 2])  # sin at π/2 + kπ; 0 is an end, not inside
    # unbounded below: the two turns at or below the top
    assert _turns("sin", -math.inf, 1.0) == pytest.approx([0.0, -math.pi / 2, -3 * math.pi / 2])
    assert _turns("cos", -math.inf, math.inf) == pytest.approx([0.0, 0.0, -math.pi])
    assert _turns("sigmoid", 0.0, 1.0) == [0.5] and _turns("sigmoid", 0.5, 1.0) == []


@pytest.mark.parametrize("x, given", [(0.9, "6.90"), (0.9, "6.92"), (0.5, "1.20")])
def test_a_term_of_a_sum_over_two_paths_is_written_down_rounded_too(tmp_path, given, x):
    # f = 7·e^x − 10.3·x: x feeds two steps, and ∂f/∂x = 7·e^x − 10.3 sums a term from each. At x = 0.9
    # (true 6.91722) a student keeping 3 significant digits writes the term 7·e^0.9 = 17.2 and then
    # 17.2 − 10.3 = 6.90 (or e^0.9 as 2.46, 7 × 2.46 = 17.22: 6.92); at x = 0.5, 7·e^0.5 = 11.5 and
    # 11.5 − 10.3 = 1.20 (true 1.24102). Each term is an intermediate like any other: right. (6.93, once
    # listed here as 7 × 2.4614, is no rounding of 7·e^0.9 = 17.2172: it is not reached, see below)
    from backprop_cli.grading.grades import Grader

    path = tmp_path / "e.yaml"
    path.write_text(f"expression: |\n  h = exp(x)\n  f = 7*h - 10.3*x\nat: {{x: {x}}}\nanswers:\n  df/dx: {given}\n")
    (outcome,) = Grader().grade_file(str(path)).outcomes
    assert outcome.verdict == "right", (outcome.verdict, outcome.accepted)


def test_a_term_no_rounding_gives_is_not_reached(tmp_path):
    # 6.93 for 7·e^0.9 − 10.3 = 6.91722: the term 7·e^0.9 = 17.2172 written 17.2, 17.22 or finer (never
    # 17.23), e^0.9 = 2.4596 as 2.46 or 2.460 (7 × 2.46 = 17.22): 6.93 needs 17.23. Before, every rounding
    # finer than the answer's digit was taken to move a value by up to half of the next digit (17.2172
    # to 17.2222), and 6.93 was judged right
    from backprop_cli.grading.grades import Grader

    path = tmp_path / "e.yaml"
    path.write_text("expression: |\n  h = exp(x)\n  f = 7*h - 10.3*x\nat: {x: 0.9}\nanswers:\n  df/dx: 6.93\n")
    (outcome,) = Grader().grade_file(str(path)).outcomes
    assert outcome.verdict == "wrong", (outcome.verdict, outcome.accepted)
