"""grading.rule, the cases the mutation run found untested: digits_to_tell's start and its end,
and imprecise_note's wording (singular, plural, negative decimals, at most two slips named)."""
from backprop_cli.grading.rule import digits_to_tell, imprecise_note


def test_digits_to_tell_counts_from_zero_decimals_by_default():
    assert digits_to_tell(0.3, 0.7) == 0  # 0 and 1 at no decimals
    assert digits_to_tell(0.31, 0.34) == 2  # 0.3 and 0.3 at one decimal, 0.31 and 0.34 at two


def test_digits_to_tell_starts_where_it_is_told():
    assert digits_to_tell(0.3, 0.7, start=2) == 2  # apart already, but never fewer than `start`


def test_digits_to_tell_gives_17_for_values_no_rounding_tells_apart():
    assert digits_to_tell(0.5, 0.5) == 17
    assert digits_to_tell(0.125, 0.125, start=5) == 17


def test_the_note_names_the_decimals_that_would_tell():
    # written to 1 decimal: 0.46 and 0.54 both read 0.5; told apart at 2 decimals (0.46, 0.54)
    note = imprecise_note(0.46, [(0.54, "a slip")], "0.5")
    assert note == "at 1 decimal this cannot be told from a known mistake (a slip): write 2 decimals"


def test_the_note_at_several_decimals_and_two_slips_named_of_three():
    note = imprecise_note(0.1234, [(0.1231, "one", "c1"), (0.1229, "two", "c2"), (0.1230, "three", "c3")], "0.123")
    # 0.1234 against 0.1231, 0.1229, 0.1230: apart at 4 decimals each
    assert note == "at 3 decimals this cannot be told from a known mistake (one; or two): write 4 decimals"
    note = imprecise_note(1.0, [(1.3, "one")], "1")
    assert note == "at 0 decimals this cannot be told from a known mistake (one): write 1 decimal"


def test_the_note_for_an_answer_written_to_the_tens():
    # "5e1" is written to the tens (-1 decimals); 46 and 54 already differ at 0 decimals
    note = imprecise_note(46.0, [(54.0, "a slip")], "5e1")
    assert note == "at the digits written this cannot be told from a known mistake (a slip): write 0 decimals"


def test_a_tolerance_carries_a_relative_slack_of_1e_12():
    from backprop_cli.grading.answers import Tolerance
    from backprop_cli.grading.rule import rule

    # |1 + 5e-13 − 0| exceeds abs 1 by 5e-13: within the slack of 1e-12 that absorbs float noise
    assert rule(1.0 + 5e-13, "1.0000000000005", 0.0, (0.0, 0.0), tolerance=Tolerance(absolute=1.0)).reached
    assert not rule(1.0 + 5e-12, "1.000000000005", 0.0, (0.0, 0.0), tolerance=Tolerance(absolute=1.0)).reached


def test_values_exactly_1e_9_apart_relatively_are_one_value():
    from backprop_cli.grading.rule import same_value

    assert same_value(999_999_999.0, 1e9)  # 1 apart, and 1e-9 · 1e9 = 1: the bound is inclusive
    assert not same_value(999_999_998.0, 1e9)


def test_an_exponent_that_does_not_parse_counts_as_none():
    from backprop_cli.grading.rule import Precision, precision_of

    assert precision_of("1.25eq") == Precision(2, 3)  # as "1.25"


def test_a_value_half_a_unit_away_rounds_to_the_answer():
    from backprop_cli.grading.rule import rounds_to

    assert rounds_to(0.2, 0.15, 0.05)  # 0.15 at one decimal is 0.2 (float: 0.05000000000000002 away)
    assert rounds_to(0.1, 0.15, 0.05)
    assert not rounds_to(0.2, 0.1499, 0.05)


def test_an_interval_that_overflows_falls_back_to_the_truths_own_digits():
    import math

    from backprop_cli.grading.rule import rule

    for interval in ((-math.inf, 1.0), (0.0, math.inf), (-math.inf, math.inf)):
        ruling = rule(0.9, "0.9", 0.5, interval)
        assert (ruling.low, ruling.high) == (0.45, 0.55) and not ruling.reached
        assert rule(0.5, "0.5", 0.5, interval).reached


def test_the_rounding_slack_grows_with_the_value():
    from backprop_cli.grading.rule import rounds_to

    # 1e6 + 0.5000004 is half a unit from 1e6, plus 4e-7: within 1e-12 · 1e6 = 1e-6 of float slack
    assert rounds_to(1e6 + 0.5000004, 1e6, 0.5)
    assert not rounds_to(1e6 + 0.500002, 1e6, 0.5)


def test_a_tiny_interval_gets_only_a_relative_slack():
    from backprop_cli.grading.answers import Tolerance
    from backprop_cli.grading.rule import rule

    # abs 1e-6 around 1e-6: [0, 2e-6]; 2.4e-6 lies outside, however small the numbers
    tolerance = Tolerance(absolute=1e-6)
    assert not rule(2.4e-6, "0.0000024", 1e-6, (1e-6, 1e-6), tolerance=tolerance).reached
    assert rule(1.9e-6, "0.0000019", 1e-6, (1e-6, 1e-6), tolerance=tolerance).reached


def test_one_value_near_zero_and_apart_when_small():
    from backprop_cli.grading.rule import same_value

    assert same_value(0.0, 1e-310)  # below the 1e-300 floor: nothing tells them apart
    assert not same_value(1e-12, 2e-12)  # small values are values: twice as large is not the same


def test_a_relative_tolerance_alone_bounds_by_it_alone():
    from backprop_cli.grading.answers import Tolerance
    from backprop_cli.grading.rule import rule

    tolerance = Tolerance(relative=0.01)  # 1% of 0.5: 0.005
    assert rule(0.504, "0.504", 0.5, (0.5, 0.5), tolerance=tolerance).reached
    assert not rule(0.6, "0.6", 0.5, (0.5, 0.5), tolerance=tolerance).reached


def test_exact_up_to_1e_12_of_the_truth_inclusive():
    from backprop_cli.grading.rule import is_exact

    assert is_exact(1e12 + 1, 1e12)  # 1 apart, and 1e-12 · 1e12 = 1
    assert not is_exact(1e12 + 2, 1e12)


def test_an_answer_at_the_very_end_of_the_interval_is_reached():
    from backprop_cli.grading.rule import rule

    # 0.5 written to no decimals: [0.5 − 0.5, 0.5 + 0.5] = [0, 1], both ends included
    assert rule(0.0, "0", 0.5, (0.5, 0.5)).reached
    assert rule(1.0, "1", 0.5, (0.5, 0.5)).reached


def test_an_interval_with_an_end_past_float64_stays_unbounded_once_rounded():
    # an overflowed intermediate stands for any value: rounding keeps it so, one float at a time as on arrays
    import math

    import numpy as np

    from backprop_cli.grading.rule import precision_of

    p = precision_of("0.123")
    assert p.rounded_pair(-math.inf, 0.5) == (-math.inf, math.inf)
    assert p.rounded_pair(-0.25, math.inf) == (-math.inf, math.inf)
    low, high = p.rounded(np.array([-math.inf]), np.array([0.5]))
    assert (low[0], high[0]) == (-math.inf, math.inf)
