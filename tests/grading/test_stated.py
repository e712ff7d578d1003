"""grading.stated: what a file's stated numbers stand for, unit by unit."""
import math

import pytest

from backprop_cli.grading.stated import coarse_value, digits_of, slip_sentence, slip_sized, trivial_values


class Stated:
    """An answer as the reader gives one: its value, as written, its quantity's text and line."""

    def __init__(self, written: str, text: str = "a11", line: int = 3):
        self.given, self.written, self.line = float(written), written, line
        self.quantity = type("Q", (), {"text": text})()


@pytest.mark.parametrize("given, value, slip", [
    (0.33, 0.31, True), (0.16, 0.31, True), (0.46, 0.31, True),  # within half of the step's value
    (0.15, 0.31, False), (0.47, 0.31, False),  # further off: made up
    (-0.31, 0.31, False), (0.0, 0.31, False), (0.31, 0.0, False),  # the other sign, or a 0
    (0.031, 0.31, True), (3.1, 0.31, True), (0.0312, 0.31, True),  # its digits, the point moved
    (0.035, 0.31, False), (2.0, 0.31, False),
    (-1.2, -1.0, True), (-1.6, -1.0, False),
    (1.5, 1.0, True), (0.5, 1.0, True), (1.0, 1.2, True),  # exactly half off (in binary): still a slip
    (0.0325, 0.31, True), (0.0296, 0.31, True), (0.0327, 0.31, False),  # the point moved, digits within 5%
    (1e-300, 1e300, False), (1.0, math.inf, False), (1.0, math.nan, False), (math.inf, 1.0, False),  # an overflowed
    (1e300, 1e-300, False),  # their ratio overflows to inf: no power of ten moves one onto the other
])
def test_a_slip_keeps_the_sign_and_lands_within_half_or_moves_the_point(given, value, slip):
    assert slip_sized(given, value) is slip


@pytest.mark.parametrize("stated, truth, answer, rough", [
    ("1e1", 14.9, "10.00", True),  # one digit, its last digit the tens: too rough for hundredths
    ("-0.05", -0.0541, "-3.10", False),  # one digit, but to the answer's own 2 decimals
    ("0.1", 0.14, "0.512", True),
    ("0.14", 0.14, "0.512", False),  # two digits: enough
    ("0.5", 0.5, "0.512", False),  # exact
])
def test_a_right_value_too_rough_to_build_on(stated, truth, answer, rough):
    assert coarse_value(Stated(stated), truth, Stated(answer)) is rough


def test_a_stated_value_stands_for_every_value_that_rounds_to_it():
    assert digits_of(Stated("0.250")) == pytest.approx((0.2495, 0.2505))
    assert digits_of(Stated("0")) == (0.0, 0.0)  # a written 0 is 0


def test_trivial_values_are_0_1_minus_1_and_copies_of_other_values():
    a, b, c = Stated("0.3", "a11", 3), Stated("0.7", "a12", 4), Stated("0.3", "z11", 5)
    truths = {id(a): 0.3, id(b): 0.7, id(c): 0.3}
    found = trivial_values(a, [a, b, c], truths)
    assert [v for v, *_ in found] == [0.0, 1.0, -1.0, 0.7]  # c has a's own true value: no copy
    assert found[-1][1] == "a copy of a12, the file's value on line 4"


def test_a_slip_is_called_one_and_a_number_far_off_is_not():
    # the same step, its inputs stated: 0.33 for what gives 0.31 is a slip; 1.5 is further off than
    # a slip goes (slip_sized), and is told so, as the steps after it are told it explains nothing
    upstream, answer = [Stated("0.5000", "yhat1", 3)], Stated("0.33", "dL/dyhat1", 4)
    near = slip_sentence(answer, upstream, [])
    assert near == ("An arithmetic slip: your own earlier answers (yhat1 = 0.5000) do not give 0.33 in this step; "
                    "redo its arithmetic.")
    far = slip_sentence(Stated("1.5", "dL/dyhat1", 4), upstream, [Stated("0.5000", "yhat1", 3)], near=False)
    assert far.startswith("Not what this step gives: your own earlier answers (yhat1 = 0.5000) give a number far "
                          "from 1.5 (further off than a slip goes); redo this step.")
    assert "slip:" not in far and far.endswith("It builds on the earlier wrong step yhat1 (line 3): fix that too.")
