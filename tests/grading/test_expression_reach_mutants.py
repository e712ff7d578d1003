"""grading.expression_reach, the cases a mutation run found untested: which derivatives are written
down rounded (every one the next step reads, the output's exact 1 aside; a term of a sum over
several paths unless it is an exact ±1 times its local factor; a derivative with one term is not
rounded twice), the carried pass as the default (a local factor reads the step's value as the file
states it), an inexact interval's rounding never taken from another's, and what a named step reads
through an operation inside its line."""
import math

import pytest

from backprop_cli.core.names import Name
from backprop_cli.grading.expression_reach import ExpressionReach, ExpressionShape, _widen
from backprop_cli.grading.rule import NO_FLOOR, Precision
from backprop_cli.spec.expression import expression_from_text

from .test_expression_reach import q

TWO_DECIMALS = Precision(2, 17, NO_FLOOR)  # every intermediate to 2 decimals, whatever its size
ONE_DECIMAL = Precision(1, 17, NO_FLOOR)


def test_a_derivative_the_next_step_reads_is_written_down_rounded_and_a_single_term_is_not_rounded_again():
    # f = sin(h), h = x·y at x = 0.5, y = 1.5: h = 0.75 exactly; ∂f/∂h = cos 0.75 = 0.73169 is a local
    # factor written down (to 2 decimals 0.73, to 3 0.732, or finer: 0.73169 ± 0.00005), then ∂f/∂h itself
    # is an answer written down (0.73, or 0.732 again: on the 3rd decimal's grid); ∂f/∂x = ∂f/∂h · y
    # has one term (x feeds h alone): that product is the answer, rounded once, as the answer is
    result = expression_from_text("h = x*y\nf = sin(h)", {"x": 0.5, "y": 1.5}).compute()
    reach = ExpressionReach(result, TWO_DECIMALS)
    c = math.cos(0.75)
    assert c + 0.00005 < 0.732
    assert reach.interval(q("gradient", "h")) == pytest.approx((0.73, 0.732), abs=1e-12)
    used_low, used_high = 0.73, 0.732  # ∂f/∂h as the next step reads it: rounded once more
    assert TWO_DECIMALS.rounded_pair(0.73, 0.732) == pytest.approx((used_low, used_high), abs=1e-12)
    low, high = reach.interval(q("gradient", "x"))
    # 0.73 × 1.5 = 1.095, not 1.09 (the term is not rounded on its own), and up to 0.732 × 1.5 = 1.098
    assert low == pytest.approx(used_low * 1.5, abs=1e-12)
    assert high == pytest.approx(used_high * 1.5, abs=1e-12)


def test_a_term_through_an_inexact_derivative_whose_end_is_1_is_written_down_rounded():
    # f = h + x, h = x·y: x feeds two steps, so ∂f/∂x sums two terms. ∂f/∂h stated as anything in
    # [1, 1.2] is no exact 1: the term ∂f/∂h · y is an intermediate like any other, written down
    # to a tenth. y = 0.37 written to a tenth is 0.4, or finer 0.37 (on the hundredths' grid: no
    # finer rounding moves it): from 0.37 to 0.4; the term from 1 × 0.37 = 0.37 to 1.2 × 0.4 = 0.48,
    # written to a tenth 0.4 or 0.5, or finer 0.37 ... 0.48: from 0.37 to 0.5; plus the other term,
    # an exact 1 (∂f/∂f = 1 times ∂(h + x)/∂x = 1)
    result = expression_from_text("h = x*y\nf = h + x", {"x": 2.0, "y": 0.37}).compute()
    stated = {("gradient", Name("h", ()), None): (1.0, 1.2)}
    reach = ExpressionReach(result, ONE_DECIMAL, stated)
    assert ONE_DECIMAL.rounded_pair(0.37, 0.37) == pytest.approx((0.37, 0.4))
    term = ONE_DECIMAL.rounded_pair(1.0 * 0.37, 1.2 * 0.4)
    assert term == pytest.approx((0.37, 0.5))
    assert reach.interval(q("gradient", "x")) == pytest.approx((1 + term[0], 1 + term[1]), abs=1e-12)
    # an exact ∂f/∂h = 1 makes the term the local factor itself, written down already: not rounded again
    exact = ExpressionReach(result, ONE_DECIMAL, {("gradient", Name("h", ()), None): 1.0})
    assert exact.interval(q("gradient", "x")) == pytest.approx((1.37, 1.4), abs=1e-12)


def test_the_carried_pass_is_the_default_and_reads_a_steps_value_as_stated():
    # h = exp(x), f = 3h at x = 0.5; the file states h = 2 (e^0.5 = 1.6487). ∂h/∂x = e^x is h: the
    # carried pass (the default, as a mistaken pass of grading.layers takes it) reads the stated 2,
    # so ∂f/∂x = 3 × 2 = 6 exactly; the recomputed pass takes e^0.5 anew: 3 × 1.6487 = 4.946
    result = expression_from_text("h = exp(x)\nf = 3*h", {"x": 0.5}).compute()
    precision = Precision(3, 17, NO_FLOOR)
    stated = {("value", Name("h", ()), None): 2.0}
    assert ExpressionReach(result, precision, stated).interval(q("gradient", "x")) == (6.0, 6.0)
    shape = ExpressionShape(result)
    assert shape.reach(precision, stated).interval(q("gradient", "x")) == (6.0, 6.0)
    low, high = shape.reach(precision, stated, recomputed=True).interval(q("gradient", "x"))
    assert low <= 3 * math.exp(0.5) <= high and high - low < 0.01
    low, high = ExpressionReach(result, precision, stated, recomputed=True).interval(q("gradient", "x"))
    assert low <= 3 * math.exp(0.5) <= high and high < 5


def test_an_inexact_intervals_rounding_is_its_own_whatever_was_rounded_before():
    # two intervals with one low end: each widened on its own (a cache by the low end alone would
    # hand the second the first's high end)
    precision = Precision(2, 17, NO_FLOOR)
    assert _widen((1.2345678, 1.3), precision) == pytest.approx((1.23, 1.3))
    assert _widen((1.2345678, 2.7), precision) == pytest.approx((1.23, 2.7))
    assert _widen((1.2345678, 2.71234), precision) == pytest.approx((1.23, 2.71239))  # + half of 0.0001
    # an exact value: its rounding at 2 decimals, or at 3 (2.712), or finer (within half the 4th decimal)
    assert _widen((2.71234, 2.71234), precision) == pytest.approx((2.71, 2.71239))


def test_a_named_step_reads_through_an_operation_inside_its_line():
    # p1 = z*y + 3: the product z*y is no step of its own (nobody names it): p1 reads z and y (not
    # the constant 3); f = p1*z reads the named p1 and z, never inside p1
    result = expression_from_text("p1 = z*y + 3\nf = p1*z", {"z": 2.0, "y": 0.5}).compute()
    shape, index = ExpressionShape(result), result.index
    assert shape.step_reads(result, ("value", index("p1"))) == [("value", index("z")), ("value", index("y"))]
    assert shape.step_reads(result, ("value", index("f"))) == [("value", index("p1")), ("value", index("z"))]
    # one step back, the value reads the inner product itself
    inner = [j for j, node in enumerate(result.graph.nodes) if node.op == "mul" and node.name not in ("f",)]
    assert shape.inputs(result, ("value", index("p1"))) == [("value", inner[0])]
