"""grading.rule, the one rule for a right answer, called directly: precision as written, exact
answers, the rounding a reached answer may carry, imprecise against mistakes and trivial values,
and the digits a key writes so that it is right."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_cli.grading.answers import Tolerance
from backprop_cli.grading.rule import (
    NO_FLOOR,
    ON_GRID,
    TRIVIAL,
    Precision,
    decimals_to_tell,
    digits_to_tell,
    imprecise_note,
    is_exact,
    precision_of,
    rounds_to,
    rule,
)


@pytest.mark.parametrize("written, decimals, significant", [
    ("0.130", 3, 3), ("-1.3e-2", 3, 2), ("5", 0, 1), ("-0.7", 1, 1), ("120", 0, 3), ("0.0144", 4, 3),
    ("1.50E+1", 1, 3), ("+2.5", 1, 2),
])
def test_precision_as_written(written, decimals, significant):
    # in scientific notation the significant digits alone are its precision (CONTRACT section 5)
    assert precision_of(written) == Precision(decimals, significant, scientific="e" in written.lower())


def test_a_zero_is_as_precise_as_its_decimals():
    p = precision_of("0.0000")
    assert p.decimals == 4 and float(p.half_of(3.0)) == 0.5e-4  # no significant digit widens it


def test_an_intermediate_is_rounded_as_coarsely_as_the_answer_allows():
    p = precision_of("0.0144")  # 4 decimals, 3 significant digits
    assert float(p.half_of(0.0123)) == pytest.approx(0.5e-4)  # 4 decimals are coarser than 3 digits of 0.0123
    assert float(p.half_of(5.3)) == pytest.approx(0.005)  # 3 significant digits of 5.3: 5.30
    assert float(p.half_of(0.000123)) == pytest.approx(0.5e-6)  # but never fewer than 3 significant digits
    assert float(p.half_of(0.0)) == 0.0


def test_a_low_precision_answer_does_not_make_every_step_a_guess():
    # `0.0007` (1 significant digit) and `14` (no decimals) would round 0.5 to 0.5 ± 0.05 and
    # 0.73 to 1 ± 0.5: the intermediates keep 3 significant digits whatever the answer
    assert float(precision_of("0.0007").half_of(0.5)) == pytest.approx(0.0005)
    assert float(precision_of("14").half_of(0.73)) == pytest.approx(0.0005)
    assert float(Precision(0, 2, kept=0).half_of(0.73)) == 0.5  # the rule as written, for slips


def test_exact_answers_are_right_however_few_digits():
    for answer, truth in ((-0.7, -0.7), (0.0, 0.0), (0.1 + 0.2, 0.3)):
        assert is_exact(answer, truth)
        assert rule(answer, repr(answer), truth, (truth, truth), candidates=[(0.0, "0"), (1.0, "1")]).reached
    assert not is_exact(0.35, 0.3500001)


def test_reached_within_the_interval_and_the_answers_own_rounding():
    ruling = rule(0.80, "0.80", 0.802184, (0.8011, 0.8032))
    assert ruling.reached and (ruling.low, ruling.high) == (pytest.approx(0.7961), pytest.approx(0.8082))
    assert not rule(0.81, "0.81000", 0.802184, (0.8011, 0.8032)).reached


def test_imprecise_when_a_mistake_or_trivial_value_rounds_the_same():
    # 0 for 0.0144: the truth rounds to 0, and so does the trivial 0
    ruling = rule(0.0, "0", 0.0144, (0.0144, 0.0144), candidates=list(TRIVIAL))
    assert ruling.reached and [s for _, s, _ in ruling.confusable] == ["the trivial value 0"]
    assert imprecise_note(0.0144, ruling.confusable, "0") == (
        "at 0 decimals this cannot be told from a trivial value (the trivial value 0): write 2 decimals")
    # a mistake that gives the true value itself confuses nothing
    assert rule(0.13, "0.13", 0.13, (0.13, 0.13), candidates=[(0.13, "same")]).confusable == []


def test_an_explicit_tolerance_replaces_the_rounding():
    tol = Tolerance(absolute=0.01)
    assert rule(0.81, "0.81", 0.802, (0.802, 0.802), tolerance=tol).reached
    assert not rule(0.8125, "0.8125", 0.802, (0.79, 0.81), tolerance=tol).reached


def test_digits_to_tell():
    assert digits_to_tell(0.0144, 0.0) == 2 and digits_to_tell(0.149781, 0.15, 3) == 4
    assert decimals_to_tell(-0.00001234, list(TRIVIAL), 2) == (5, "the trivial value 0")
    assert decimals_to_tell(-0.7, [(0.0, "0")], 0) == (0, "")  # -1: the truth rounds to it, 0 does not


@settings(max_examples=200, deadline=None)
@given(st.floats(-1e4, 1e4, allow_nan=False), st.integers(0, 10),
       st.lists(st.floats(-1e4, 1e4, allow_nan=False), max_size=4))
@pytest.mark.slow
def test_what_a_key_writes_is_right_by_the_rule(truth, start, mistakes):
    candidates = [(m, f"m{i}") for i, m in enumerate(mistakes)] + list(TRIVIAL)
    decimals, _ = decimals_to_tell(truth, candidates, start)
    shown = round(truth, decimals)
    ruling = rule(shown, f"{shown:.{decimals}f}", truth, (truth, truth), candidates=candidates)
    assert ruling.reached and (ruling.confusable == [] or decimals == 17 or is_exact(shown, truth))


def test_rounds_to():
    assert rounds_to(0.80, 0.8049, 0.005) and not rounds_to(0.80, 0.8051, 0.005)


# -- Precision.rounded: every value an intermediate may be written as ---------------------------
def test_a_value_on_the_grid_is_not_widened():
    for value in (1.0, 0.5, -2.25, 0.0, 40.0):
        assert tuple(map(float, precision_of("0.001").rounded(value, value))) == (value, value)


def test_roundings_at_the_answers_digit_and_finer_each_way():
    # 0.4161468 at 3 decimals is 0.416, at 4 0.4161; finer, it may be anything within half of the 5th decimal
    low, high = precision_of("0.001").rounded(0.4161468, 0.4161468)
    assert float(low) == 0.416 and float(high) == pytest.approx(0.4161468 + 0.000005, abs=1e-15)
    # a tie may be rounded either way
    low, high = Precision(1, 17, NO_FLOOR).rounded(0.25, 0.25)
    assert float(low) == pytest.approx(0.2) and float(high) == pytest.approx(0.3)


def test_a_value_off_the_next_grids_may_still_move_by_half_of_the_digit_after_the_next():
    # 0.123456789 at 1 decimal: 0.1; at 2: 0.12; at 3 or finer, within half of the 3rd decimal. (Before: anything
    # within half of the 2nd decimal, up to 0.128456789, which no rounding of 0.123456789 gives)
    low, high = Precision(1, 17, NO_FLOOR).rounded(0.123456789, 0.123456789)
    assert float(low) == pytest.approx(0.1, abs=1e-15) and float(high) == pytest.approx(0.123956789, abs=1e-15)
    low, high = Precision(1, 17, NO_FLOOR).rounded(0.15, 0.15)  # on the next digit's grid: its roundings are 0.1
    assert (float(low), float(high)) == pytest.approx((0.1, 0.2), abs=1e-15)  # and 0.2 (a tie), nothing between
    low, high = Precision(1, 17, NO_FLOOR).rounded(0.125, 0.125)  # on the grid after it: 0.12 or 0.13 (a tie), 0.1
    assert (float(low), float(high)) == pytest.approx((0.1, 0.13), abs=1e-15)


@settings(max_examples=300, deadline=None)
@given(value=st.floats(-1e4, 1e4).filter(lambda v: abs(v) > 1e-6), width=st.sampled_from([0.0, 1e-9, 1e-4, 0.3]),
       decimals=st.integers(-2, 8), significant=st.integers(1, 8), kept=st.sampled_from([3, 0]))
def test_every_rounding_at_the_answers_digit_or_finer_lies_in_the_interval(value, width, decimals, significant, kept):
    # each end of [value, value + width] rounded half up and half down at the digit of the interval's size and at
    # every finer digit (what a student may write down) lies inside rounded()'s interval
    precision = Precision(decimals, significant, kept)
    low, high = (float(end) for end in precision.rounded(value, value + width))
    digit = int(precision.digit(max(abs(value), abs(value + width))))
    for end in (value, value + width):
        for k in range(digit, digit + 16):
            for tie in (-0.5, 0.5):
                written = math.floor(end * 10.0 ** k + 0.5) / 10.0 ** k if tie > 0 else \
                    math.ceil(end * 10.0 ** k - 0.5) / 10.0 ** k
                # (within ON_GRID of a grid point, relative, a value is on it: its finer roundings are itself)
                assert low - 2 * ON_GRID * abs(end) <= written <= high + 2 * ON_GRID * abs(end), (k, written, low, high)


def test_a_grid_too_fine_for_float64_falls_back_to_half_a_unit():
    tiny = 1.1e-308
    low, high = precision_of("0.01").rounded(tiny, tiny)
    assert float(low) <= tiny <= float(high) and np.isfinite(float(low)) and np.isfinite(float(high))


def test_exact_has_no_absolute_floor():
    assert not is_exact(5e-320, 1e-320) and is_exact(1e-320, 1e-320) and is_exact(0.0, 0.0)
    assert not is_exact(0.0, 1e-305)


@settings(max_examples=400, deadline=None)
@given(decimals=st.integers(-3, 14), significant=st.integers(1, 17), kept=st.sampled_from([3, 0]),
       low=st.one_of(st.floats(-1e6, 1e6), st.sampled_from([0.0, 1.0, -1.0, 0.5, 10.0, 1e-5, 1000.0, 0.05]),
                     st.integers(-50, 50).map(lambda k: k / 8), st.floats(-1e-300, 1e-300)),
       width=st.one_of(st.just(0.0), st.floats(0, 1e3)))
@pytest.mark.slow
def test_rounded_pair_is_rounded_on_floats(decimals, significant, kept, low, width):
    """Precision.rounded_pair, the float path, gives rounded()'s very floats (edges: 0, exact grid
    values, a width of 0, values near float64's smallest)."""
    from backprop_cli.grading.rule import Precision

    p = Precision(decimals, significant, kept)
    high = low + width
    expected = tuple(float(v) for v in p.rounded_arrays(np.asarray(low), np.asarray(high)))
    assert p.rounded_pair(low, high) == expected


@settings(max_examples=300, deadline=None)
@given(decimals=st.integers(-3, 14), significant=st.integers(1, 17), kept=st.sampled_from([3, 0]),
       ends=st.lists(st.tuples(st.one_of(st.floats(-1e6, 1e6), st.sampled_from([0.0, 1.0, -1.0, 0.5, 1e-5, 0.05]),
                                         st.floats(-1e-300, 1e-300), st.sampled_from([math.inf, -math.inf, math.nan])),
                               st.one_of(st.just(0.0), st.floats(0, 1e3))), min_size=1, max_size=20))
@pytest.mark.slow
def test_rounded_gives_the_same_floats_one_at_a_time_or_all_at_once(decimals, significant, kept, ends):
    """rounded() takes a layer's few values one float at a time (rounded_pair) and more at once
    (rounded_arrays): the same floats either way, for every shape it is asked."""
    from backprop_cli.grading.rule import Precision

    p = Precision(decimals, significant, kept)
    low = np.array([a for a, _ in ends])
    high = low + np.array([w for _, w in ends])
    for shape in ((len(ends),), (1, len(ends))):
        got = p.rounded(low.reshape(shape), high.reshape(shape))
        want = p.rounded_arrays(low.reshape(shape), high.reshape(shape))
        for g, w in zip(got, want):
            assert g.shape == w.shape and np.array_equal(g, w, equal_nan=True)


def test_rounded_ends_are_contiguous_so_their_sums_keep_their_last_bits():
    """A layer's products rounded one float at a time come back as contiguous arrays, as numpy's own
    do: numpy sums a strided view in another order, and a last bit of an interval would move."""
    from backprop_cli.grading.rule import Precision

    rng = np.random.default_rng(7)
    p = Precision(4, 3)
    for shape in ((1, 4, 4), (2, 4, 2), (3,)):
        low = rng.normal(size=shape) * 10.0 ** rng.integers(-3, 2, size=shape)
        high = low + np.abs(rng.normal(size=shape)) * 1e-3
        few, arrays = p.rounded(low, high), p.rounded_arrays(low, high)
        for got, want in zip(few, arrays):
            assert got.flags["C_CONTIGUOUS"]
            assert got.sum(axis=0).tobytes() == want.sum(axis=0).tobytes()


def test_rounded_takes_an_empty_array_as_the_arrays_do():
    """No values to round (an empty shape) gives empty ends of that shape, on either path."""
    from backprop_cli.grading.rule import Precision

    p = Precision(4, 3)
    for shape in ((0,), (1, 0), (0, 3)):
        low = np.zeros(shape)
        for got in (p.rounded(low, low), p.rounded_arrays(low, low)):
            assert got[0].shape == shape and got[1].shape == shape


@settings(max_examples=300, deadline=None)
@given(decimals=st.integers(-3, 14), significant=st.integers(1, 17), kept=st.sampled_from([3, 0, 5]),
       scientific=st.booleans(),
       ends=st.lists(st.tuples(st.one_of(st.floats(-1e6, 1e6), st.sampled_from([0.0, 1.0, -1.0, 0.5, 1e-5, 0.05]),
                                         st.floats(-1e-300, 1e-300)),
                               st.one_of(st.just(0.0), st.floats(0, 1e3))), min_size=1, max_size=20))
def test_precisions_that_share_a_pass_round_every_step_alike(decimals, significant, kept, scientific, ends):
    """Precision.rounding stands for the precision in a pass's key (grading.judging): it must round
    every intermediate to the very floats the precision itself does, one at a time or all at once,
    and so after an optimiser's step raises its floor (optimizer_reach); a precision it changes
    rounds only by significant digits."""
    import dataclasses

    p = Precision(decimals, significant, kept, scientific)
    low = np.array([a for a, _ in ends])
    high = low + np.array([w for _, w in ends])
    for mine in (p, dataclasses.replace(p, kept=max(p.kept, 3))):
        shared = p.rounding if mine is p else dataclasses.replace(p.rounding, kept=max(p.rounding.kept, 3))
        magnitude = np.maximum(np.abs(low), np.abs(high))
        assert np.array_equal(mine.digit(magnitude), shared.digit(magnitude))
        for got, want in zip(shared.rounded_arrays(low, high), mine.rounded_arrays(low, high)):
            assert np.array_equal(got, want, equal_nan=True)
        pairs = list(zip(low.tolist(), high.tolist()))
        assert [shared.rounded_pair(a, b) for a, b in pairs] == [mine.rounded_pair(a, b) for a, b in pairs]
    if p.rounding != p:  # (the test would pass on a rounding that changed nothing)
        assert p.rounding.scientific and (p.scientific or p.significant <= p.kept)


def test_answers_that_round_their_steps_alike_share_one_pass():
    """0.0309, 1.4 and 0.03e0 round each step to 3 significant digits: one precision for their
    passes; 0.6696 keeps 4 where its decimals allow, and is its own."""
    shared = {precision_of(w).rounding for w in ("0.0309", "1.4", "3.09e-2", "-0.07")}
    assert len(shared) == 1
    assert precision_of("0.6696").rounding == precision_of("0.6696")
    assert precision_of("0.6696").rounding != precision_of("0.0309").rounding


def test_a_decimal_tie_float64_misses_by_an_ulp_rounds_either_way():
    # a batch's share δ·a/n = 0.005025/3 is the decimal tie 0.001675: divided, float64 holds a value
    # Python writes 0.00168 at 3 significant digits; times 1/3, as an interval computes it, one an
    # ulp below (0.0016749999999999998), written 0.00167. Both are the tie: rounded up or down.
    # 0.0016749 is none
    tie = 0.005025 * (1 / 3)
    assert f"{0.005025 / 3:.3g}" == "0.00168" and f"{tie:.3g}" == "0.00167"
    three = Precision(0, 3, 3, True)
    for low, high in (three.rounded_pair(tie, tie), [float(end[0]) for end in three.rounded_arrays(
            np.array([tie]), np.array([tie]))]):
        assert low <= 0.00167 and high >= 0.00168
    assert three.rounded_pair(0.0016749, 0.0016749)[1] < 0.00168
