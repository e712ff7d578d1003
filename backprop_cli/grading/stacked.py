"""Many mistaken passes made as one: grading.intervals.Reach can make a list of catalogued mistakes
(one or two joined by "+" each) in one pass whose arrays carry a leading axis of rows, one row a
mistake. A layer's handful of numbers costs numpy's call overhead, not its arithmetic: a class's
made-up numbers ask some forty mistaken passes a file, which cost the price of a few once stacked.

Where the rows differ, a step is made both ways and each row keeps its own (np.where): every row's
numbers are the very floats its pass made alone gives (tests/grading/test_stacked.py holds them so).
"""
from __future__ import annotations

import numpy as np


def rows_of(mistakes) -> list[frozenset]:
    """The mistakes each row makes: one row for "" (none) or "a+b", a row each for a list of them."""
    listed = [mistakes] if isinstance(mistakes, str) else list(mistakes)
    return [frozenset(m.split("+")) if m else frozenset() for m in listed]


def made(rows: list[frozenset], mistakes: set) -> bool | np.ndarray:
    """Whether the rows make one of `mistakes` (per_row)."""
    return per_row([bool(row & mistakes) for row in rows])


def per_row(flags: list[bool]) -> bool | np.ndarray:
    """One bool where the rows agree, else an array of one per row."""
    if all(flags) or not any(flags):
        return flags[0]
    return np.array(flags)


def negated(flag: bool | np.ndarray) -> bool | np.ndarray:
    return np.logical_not(flag) if isinstance(flag, np.ndarray) else not flag


def choose(flag: bool | np.ndarray, if_made, if_not, rank: int = 2):
    """if_made() where `flag` holds, else if_not(): row by row where it is one per row (both made,
    then each row keeps its own, with a leading axis of rows); each a pair (low, high) or an
    array, of `rank` axes in one pass (a layer's (samples, neurons))."""
    if not isinstance(flag, np.ndarray):
        return if_made() if flag else if_not()
    yes, no, flag = if_made(), if_not(), flag.reshape(-1, *(1,) * rank)
    if isinstance(yes, tuple):
        return tuple(np.where(flag, a, b) for a, b in zip(yes, no))
    return np.where(flag, yes, no)


def ends(low, high, rows: int):
    """An interval's ends as the judge reads them: floats for one pass, an array of one per row for
    a stacked one (a value no row's mistake changes is the same in each)."""
    if rows == 1:
        return float(low), float(high)
    return np.broadcast_to(low, (rows,)), np.broadcast_to(high, (rows,))


# the floats a pass holds (grading.sharing.pass_size) up to which a stage's mistakes are stacked: past
# it, the rows' arithmetic costs more than the calls stacking saves (every branch a row needs is made
# for every row), and each mistake is made alone. benchmarks/stacking.py, the 12 single mistakes and
# their 62 pairs together, stacked against alone: 0.15× on a 4-4-2 network, 0.7× at 21,680 floats
# (a 30-30-4 batch of 20), 0.9× at 32,520, 1.04× at 73,760, 1.02× at 237,840 (a 60-60-4 batch of 60)
STACKED_UP_TO = 50_000


def mistaken_passes(make, mistakes: list, size: int) -> dict:
    """mistake -> its pass, for `mistakes` made on one pass of `size` floats: rows of one stacked
    pass (make(mistakes)), or each made alone (make(mistake)) on a pass too large to gain by it."""
    if size > STACKED_UP_TO:
        return {mistake: make(mistake) for mistake in mistakes}
    stacked = make(mistakes)
    return {mistake: Row(stacked, row) for row, mistake in enumerate(mistakes)}


class Row:
    """One row of a stacked pass, asked as a Reach of its own (its intervals made once for every row)."""

    def __init__(self, stacked, index: int):
        self.stacked, self.index = stacked, index

    def interval(self, q) -> tuple[float, float]:
        low, high = self.stacked.row_intervals(q)
        return (float(low[self.index]), float(high[self.index])) if np.ndim(low) else (low, high)  # (one row: floats)
