"""grading.matching: which catalogued mistake a wrong answer matches at the precision written; none
whose value cannot be told from the right one; several named as possibilities."""
import math

from backprop_cli.grading.answers import Answer, Tolerance
from backprop_cli.grading.matching import matching
from backprop_cli.grading.quantities import parse_quantity


def matched(*args):
    """matching's sentence (its codes are tested where diagnoses are)."""
    return matching(*args)[0]


def answer(written: str) -> Answer:
    decimals = len(written.split(".")[1]) if "." in written else 0
    return Answer(parse_quantity("dL/dw111"), float(written), 3, 5, decimals, written)


HALF = (0.25, "this is half the true value")
SIGN = (-0.5, "the sign is flipped")


def test_the_one_mistake_the_value_matches_is_named_as_a_sentence():
    assert matched([HALF, SIGN], answer("0.250"), 0.5, Tolerance()) == "This is half the true value."
    assert matched([HALF, SIGN], answer("-0.50"), 0.5, Tolerance()) == "The sign is flipped."


def test_a_sentence_starting_with_a_symbol_keeps_it():
    assert matched([(0.1, "η is left out")], answer("0.10"), 0.5, Tolerance()) == "η is left out."


def test_no_match_and_no_guess():
    assert matched([HALF, SIGN], answer("0.37"), 0.5, Tolerance()) is None
    assert matched([], answer("0.3"), 0.5, Tolerance()) is None


def test_a_mistake_that_gives_the_right_value_is_never_named():
    # at one decimal 0.48 and 0.5 are the same answer: that "mistake" changes nothing
    assert matched([(0.48, "a mistake that changes nothing here")], answer("0.5"), 0.5, Tolerance()) is None
    assert matched([(math.nan, "nan"), (math.inf, "inf")], answer("0.5"), 0.4, Tolerance()) is None


def test_several_mistakes_are_offered_as_possibilities():
    said = matched([(0.25, "one"), (0.2501, "two"), (0.25, "one")], answer("0.25"), 0.5, Tolerance())
    assert said == "More than one known mistake gives this value: one; or two."


def test_a_files_tolerance_decides_what_matches():
    loose = Tolerance(absolute=0.1)
    assert matched([HALF], answer("0.34"), 0.5, loose) == "This is half the true value."
    assert matched([HALF], answer("0.36"), 0.5, loose) is None


def test_a_mistake_rounded_as_one_goes_is_matched_within_the_right_methods_spread():
    # the correct method, rounding as it goes, reaches [0.49, 0.51] for a truth of 0.5: a mistaken pass
    # spreads as much, so 0.2534 (written to 4 decimals) is the half-value mistake 0.25 rounded as it went,
    # and 0.27 is not
    reached = (0.49, 0.51)
    assert matched([HALF], answer("0.2534"), 0.5, Tolerance(), reached) == "This is half the true value."
    assert matched([HALF], answer("0.2534"), 0.5, Tolerance()) is None  # on its own digits alone: too far
    assert matched([HALF], answer("0.2700"), 0.5, Tolerance(), reached) is None


def test_a_mistake_the_correct_method_reaches_is_never_named():
    assert matched([(0.495, "a mistake that rounding reaches")], answer("0.4950"), 0.5, Tolerance(), (0.49, 0.51)) \
        is None


def test_a_mistake_smaller_than_the_truth_spreads_in_proportion_to_its_size():
    # the half-value mistake's pass is the right one scaled by ½, and so is what rounding moves it by: the
    # right method's spread about 0.5 is 0.01, the mistake's about 0.25 half that. 0.2540 is within it;
    # 0.2580 is not, though within the right method's whole spread (the mistake's own steps cannot reach it)
    reached = (0.49, 0.51)
    assert matched([HALF], answer("0.2540"), 0.5, Tolerance(), reached) == "This is half the true value."
    assert matched([HALF], answer("0.2580"), 0.5, Tolerance(), reached) is None
    # a larger one spreads further, up to MAX_SPREAD_RATIO times: twice the truth, twice 0.01
    double = [(1.0, "this is twice the true value")]
    assert matched(double, answer("1.0180"), 0.5, Tolerance(), reached) == "This is twice the true value."
    assert matched(double, answer("1.0220"), 0.5, Tolerance(), reached) is None
