"""One rule for a right answer, written once for plain checks, assignments and expressions:

- exactly right is right, however few digits it has (`-0.7` for −0.7, `0` for an exact 0);
- right when the correct method reaches the answer at the precision written: some value of its
  quantity's interval (grading.intervals: every intermediate rounded as the answer is, and the
  file's stated values used as written) rounds to it;
- imprecise when it is reached but a catalogued mistake's value, or a trivial one (0, ±1, a copy of
  another stated value, the value before an update), rounds to it too: the digits written cannot
  tell which was done; the message says how many would;
- wrong otherwise.

An explicit tolerance replaces the rounding part with its interval around the true value.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

KEPT_DIGITS = 3  # the fewest significant digits an intermediate is taken to keep, whatever the answer
NO_FLOOR = 0  # as `kept`: an intermediate may lose every digit the answer's precision allows
MAX_DECIMALS = 300  # decimals (either way) a written number is taken to have at most: 10^±300 is a float64
ZERO_DIGITS = 17  # the significant digits of a written 0: as many as float64 has
MAX_DIGIT = 300  # the finest digit rounded to on a grid: 10^301 is still a float64
FEW = 16  # values rounded one float at a time (rounded_pair): numpy's calls cost more below this many
# the mistaken passes of one file round the same layers again and again (4 in 10 roundings of a class
# repeat one already made): the last REMEMBERED of them are kept, by precision and values
REMEMBERED = 20_000
_ROUNDED: dict = {}
FLOAT_GRID = 290  # the coarsest digit (10^290) rounded_pair works on floats; beyond it, as rounded() does
ON_GRID = 1e-9  # relative: a value this close to a grid point is on it (rule.rounded)
TIE_MISSED = 1e-14  # relative: float64's error (tens of ulps) by which a product may miss a tie (_tie_down)
SAME = 1e-9  # relative: two values this close are one value (a mistake that changes nothing)
# the trivial answers an answer must be told from (copies of a file's other values come on top)
TRIVIAL = ((0.0, "the trivial value 0", "trivial_value"), (1.0, "the trivial value 1", "trivial_value"),
           (-1.0, "the trivial value -1", "trivial_value"))
# what an imprecise answer cannot be told from, by its candidates' codes (imprecise_note): else a known mistake
_KINDS = {"trivial_value": "a trivial value", "copy_of_other_answer": "a copy of another answer"}


@dataclass(frozen=True)
class Precision:
    """How precisely an answer is written: its decimals, and its significant digits."""

    decimals: int
    significant: int
    kept: int = 3  # KEPT_DIGITS; NO_FLOOR: the rule as written, with no floor (see half_of)
    # written in scientific notation (1.39e+03): its precision is its significant digits alone (CONTRACT
    # section 5), so an intermediate is never rounded to the answer's decimals (the tens, there)
    scientific: bool = False

    @property
    def rounding(self) -> Precision:
        """The one precision of every precision that rounds intermediates as this one does (digit()
        the same for every size), so they share their passes: with no more significant digits than
        it keeps, or in scientific notation, only the significant digits count (0.0309, 1.4 and 0.3e1
        all round each step to 3), not the decimals."""
        if self.scientific or self.significant <= self.kept:
            return Precision(0, max(self.significant, self.kept), self.kept, True)
        return self

    @property
    def half_unit(self) -> float:
        """Half a unit of the last digit written: the answer's own rounding."""
        return 0.5 * 10.0 ** -self.decimals

    def digit(self, magnitude):
        """The digit (10^-digit) an intermediate of this size is rounded to as the answer is: its
        decimals or its significant digits, whichever is coarser for that size (its significant
        digits alone in scientific notation); but never coarser than KEPT_DIGITS significant digits
        (an answer written `0.0007` or `14` does not make every step before it a one-digit or
        whole-number guess)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return self._digit(magnitude)

    def _digit(self, magnitude):
        """digit(), where numpy's warnings are already silenced."""
        exponent = np.floor(np.log10(np.where(magnitude > 0, magnitude, 1.0)))
        digit = self.significant - 1 - exponent
        return np.maximum(digit if self.scientific else np.minimum(self.decimals, digit), self.kept - 1 - exponent)

    def half_of(self, magnitude):
        """How far an intermediate of this size may be from its value once rounded as the answer
        is (half a unit of its digit); 0 for a 0."""
        magnitude = np.asarray(magnitude, dtype=float)
        return np.where(magnitude > 0, 0.5 * 10.0 ** -self.digit(magnitude), 0.0)

    def rounded(self, low, high):
        """Every value an intermediate in [low, high] may be written as, rounded as the answer is
        (half_of) or to any finer digit: its rounding at that digit and at the next (a tie either
        way), and, where it is not on the grid of the digit after, anything within half of that
        digit (where finer roundings fall); so a value on a grid (an exact 1, a 0.5) stays what it
        is, and 0.4161468 at 3 decimals is 0.416 to 0.4161518 (0.416, 0.4161, or 0.41615 and finer)."""
        low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
        if low.shape == high.shape and low.size <= FEW:  # a layer's handful: one float at a time is cheaper
            return remembered(_ROUNDED, self, low, high, lambda: self._rounded_few(low, high))
        return self.rounded_arrays(low, high)

    def _rounded_few(self, low: np.ndarray, high: np.ndarray):
        """rounded() of a handful of values, by rounded_pair."""
        pairs = list(map(self.rounded_pair, low.ravel().tolist(), high.ravel().tolist()))
        # the lows, then the highs, each contiguous (numpy sums a strided view in another order: other last bits)
        ends = np.array(pairs, dtype=float).reshape(-1, 2).T.copy()
        return ends[0].reshape(low.shape), ends[1].reshape(low.shape)

    def rounded_arrays(self, low: np.ndarray, high: np.ndarray):
        """rounded() over numpy arrays, every value at once."""
        with np.errstate(all="ignore"):
            magnitude = np.maximum(np.abs(low), np.abs(high))
            first = self._digit(magnitude)  # the digit rounded to
            # numpy's power over an array (a 0-d one takes another routine, different in the last bit)
            scale = (10.0 ** first.reshape(-1)).reshape(first.shape)
            finer = scale * 10
            finest = finer * 10

            def down(end):  # the high end is moved as its negation: both ends move down, one rule for both
                next_digit, digit_after = end * finer, end * finest
                off_next = np.abs(next_digit - np.rint(next_digit)) > ON_GRID * np.abs(next_digit)
                off_after = np.abs(digit_after - np.rint(digit_after)) > ON_GRID * np.abs(digit_after)
                # the next digit's rounding; every finer one within half of the digit after it
                finer_ones = np.minimum(_tie_down(next_digit) / finer, np.where(off_after, end - 0.5 / finest, end))
                moved = np.minimum(_tie_down(end * scale) / scale, np.where(off_next, finer_ones, end))
                return np.minimum(moved, end)  # a tie either way, and never inside the interval

            least, most = down(low), down(-high)
            # a 0, or a grid float64 cannot hold (a value near 1e-308): as given, or half a unit either way
            usable = np.isfinite(least) & np.isfinite(most) & (first < MAX_DIGIT) & (magnitude > 0)
            half = np.where(magnitude > 0, 0.5 / scale, 0.0)
            return np.where(usable, least, low - half), np.where(usable, -most, high + half)

    def rounded_pair(self, low: float, high: float) -> tuple[float, float]:
        """rounded() of one interval, as Python floats: the same arithmetic on floats rather than
        numpy arrays of one value (grading a network written out as scalar steps asks it tens of
        thousands of times); rounded() itself for a 0, a value that is not finite, or a grid
        float64 can barely hold. (tests/grading/test_rule.py holds the two to the same floats.)
        rounded() asks it for arrays of up to FEW values."""
        magnitude = max(abs(low), abs(high))
        if not (math.isfinite(low) and math.isfinite(high)):
            return _floats(self.rounded_arrays(np.asarray(low, dtype=float), np.asarray(high, dtype=float)))
        if magnitude == 0:  # a 0 stays itself (rounded_arrays' ± half of nothing, signed zeros as numpy has them)
            return low - 0.0, high + 0.0
        exponent = math.floor(math.log10(magnitude))
        digit = self.significant - 1 - exponent
        first = max(digit if self.scientific else min(self.decimals, digit), self.kept - 1 - exponent)
        if not -FLOAT_GRID < first < MAX_DIGIT:
            return _floats(self.rounded_arrays(np.asarray(low, dtype=float), np.asarray(high, dtype=float)))
        scale = _TENS[first + FLOAT_GRID]
        finer = scale * 10
        least, most = _down(low, scale, finer, finer * 10), _down(-high, scale, finer, finer * 10)
        if math.isfinite(least) and math.isfinite(most):
            return least, -most
        return low - 0.5 / scale, high + 0.5 / scale


def remembered(store: dict, precision: Precision, low: np.ndarray, high: np.ndarray, make):
    """make()'s arrays for an interval at a precision, made once and kept read-only in `store`
    (shared by every pass that asks them again; the store is emptied when it holds REMEMBERED)."""
    key = (precision, low.shape, low.tobytes(), high.tobytes())
    found = store.get(key)
    if found is None:
        found = make()
        for array in found if isinstance(found, tuple) else (found,):
            array.flags.writeable = False
        if len(store) >= REMEMBERED:
            store.clear()
        store[key] = found
    return found


def _tie_down(units):
    """The lower rounding of a value counted in units of a digit (a float or an array): its nearest
    whole unit, the lower one at a tie, and at a tie float64 missed by a few ulps too (the share
    0.005025·(1/3) of the tie 0.001675 is 167.49999999999997 hundred-thousandths: a tie either way)."""
    if type(units) is float:  # (rounded_pair's: finite)
        return math.ceil(units - 0.5 - TIE_MISSED * abs(units))
    tolerance = np.where(np.isfinite(units), TIE_MISSED * np.abs(units), 0.0)  # (an infinity stays one)
    return np.ceil(units - 0.5 - tolerance)


def _down(end: float, scale: float, finer: float, finest: float) -> float:
    """rounded_pair's end moved down, as rounded_arrays' down()."""
    next_digit, digit_after = end * finer, end * finest
    rounding = _tie_down(end * scale) / scale
    if abs(next_digit - round(next_digit)) > ON_GRID * abs(next_digit):  # off the next digit's grid
        finer_ones = _tie_down(next_digit) / finer
        if abs(digit_after - round(digit_after)) > ON_GRID * abs(digit_after):  # finer ones: half of it about
            tail = end - 0.5 / finest
            finer_ones = finer_ones if finer_ones < tail else tail
        end = finer_ones if finer_ones < end else end
    return end if end < rounding else rounding  # min(): the rounding where equal (its signed zero)


# 10^k as numpy's power gives it over an array (what rounded_arrays computes), which is not always
# Python's float power (10.0 ** 210 differs from numpy's in the last bit; so do 10^-5 and 10^23)
_TENS = (10.0 ** np.arange(-FLOAT_GRID, MAX_DIGIT + 1, dtype=float)).tolist()


def _floats(pair) -> tuple[float, float]:
    return float(pair[0]), float(pair[1])


def precision_of(written: str) -> Precision:
    """The precision of a number as written: '0.130' → 3 decimals, 3 significant digits; '-1.3e-2'
    → 3 decimals, 2 significant; '5' → 0 decimals, 1 significant; '0' → 0 decimals, 1 significant."""
    text = written.strip().lower().lstrip("+-")
    mantissa, _, exponent = text.partition("e")
    try:
        shift, scientific = int(exponent or 0), bool(exponent)
    except ValueError:
        shift, scientific = 0, False
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    # a zero has no significant digits to round by: its decimals alone say how precise it is
    # 1.2e3 is written to the hundreds: -2 decimals, its last digit worth 100
    # `0e400` is 0 written to the 10^400s: no float64 is that coarse or that fine
    decimals = min(max(len(fraction) - shift, -MAX_DECIMALS), MAX_DECIMALS)
    # (a zero has no significant digits to go by, in scientific notation either)
    return Precision(decimals, len(digits) if digits else ZERO_DIGITS, KEPT_DIGITS, scientific and bool(digits))


def rounds_to(given: float, value: float, half: float) -> bool:
    """Whether `value`, rounded to the digits written, gives `given` (half: the answer's half unit)."""
    return abs(given - value) <= half * (1 + 1e-9) + 1e-12 * abs(value)


def is_exact(given: float, truth: float) -> bool:
    """Whether the answer is the true value itself (up to the float64 rounding of the truth)."""
    return abs(given - truth) <= 1e-12 * abs(truth) or given == truth


def same_value(a: float, b: float) -> bool:
    """Whether two values are one value (a mistake that gives the truth is no mistake here)."""
    return abs(a - b) <= SAME * max(abs(a), abs(b), 1e-300)


def digits_to_tell(truth: float, other: float, start: int = 0) -> int:
    """The fewest decimals (from `start`) at which `truth` and `other` round apart."""
    for decimals in range(start, 17):
        if round(truth, decimals) != round(other, decimals):
            return decimals
    return 17


@dataclass
class Ruling:
    """What the rule says of one answer: reached or not, and what else the digits allow."""

    reached: bool
    low: float  # the interval of answers that would be reached
    high: float
    confusable: list  # (value, sentence, code) of the mistakes and trivial values that round to it too


def rule(given: float, written: str, truth: float, interval: tuple[float, float], *, tolerance=None,
         candidates=()) -> Ruling:
    """The rule for one answer: `interval` is what the correct method reaches (grading.intervals),
    `candidates` the (value, sentence) of mistakes and trivial values to tell it from."""
    precision = precision_of(written)
    if tolerance is not None and (tolerance.absolute is not None or tolerance.relative is not None):
        bound = max(tolerance.absolute or 0.0, (tolerance.relative or 0.0) * abs(truth)) * (1 + 1e-12)
        low, high = truth - bound, truth + bound
        half = 0.0
    else:
        half = precision.half_unit
        low, high = min(interval[0], truth) - half, max(interval[1], truth) + half
    if not (math.isfinite(low) and math.isfinite(high)):  # rounding as one goes overflows: the truth's own digits
        low, high = truth - half, truth + half
    exact = is_exact(given, truth)
    reached = exact or (low - 1e-12 * abs(low) <= given <= high + 1e-12 * abs(high))
    confusable = []
    if reached and not exact:
        for value, sentence, *code in candidates:
            if math.isfinite(value) and not same_value(value, truth) and rounds_to(given, value, max(half, 0.0)):
                confusable.append((value, sentence, *code))
    return Ruling(reached, low, high, confusable)


def imprecise_note(truth: float, confusable: list, written: str) -> str:
    """Why a reached answer earns nothing: what it cannot be told from, and the digits that would."""
    decimals = precision_of(written).decimals
    needed = max(digits_to_tell(truth, value, max(decimals + 1, 0)) for value, *_ in confusable)
    what = "; or ".join(sentence for _, sentence, *_ in confusable[:2])
    kinds = " or ".join(sorted({_KINDS.get(code[0] if code else "", "a known mistake")
                                for _, _, *code in confusable[:2]}))
    at = f"at {decimals} decimal{'s' if decimals != 1 else ''}" if decimals >= 0 else "at the digits written"
    return f"{at} this cannot be told from {kinds} ({what}): write {needed} decimal{'s' if needed != 1 else ''}"


def decimals_to_tell(truth: float, candidates, start: int) -> tuple[int, str]:
    """The fewest decimals (at least `start`) at which the true value, rounded, is right by this
    rule: exact, or told apart from every candidate (value, sentence); and the sentence of the
    candidate that needed more digits than `start` ('' when none did)."""
    found = ""
    for decimals in range(start, 17):
        shown = round(truth, decimals)
        close = [sentence for value, sentence, *_ in candidates if math.isfinite(value)
                 and not same_value(value, truth) and rounds_to(shown, value, 0.5 * 10.0 ** -decimals)]
        if is_exact(shown, truth) or not close:
            return decimals, found
        found = found or close[0]
    return 17, found
