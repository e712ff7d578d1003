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


class Row:
    """One row of a stacked pass, asked as a Reach of its own (its intervals made once for every row)."""

    def __init__(self, stacked, index: int):
        self.stacked, self.index = stacked, index

    def interval(self, q) -> tuple[float, float]:
        low, high = self.stacked.row_intervals(q)
        return (float(low[self.index]), float(high[self.index])) if np.ndim(low) else (low, high)  # (one row: floats)
