"""Matching a wrong answer with the value a known mistake gives: one rule for networks and
expressions."""
from __future__ import annotations

import math


def matching(candidates, answer, expected: float, tolerance) -> str | None:
    """The sentence of the first (value, sentence) candidate the given answer matches, where that
    value can be told apart from the right one."""
    for value, sentence in candidates:
        if not math.isfinite(value) or tolerance.allows(value, expected, answer.decimals):
            continue  # indistinguishable from the right answer: no diagnosis from it
        if tolerance.allows(answer.given, value, answer.decimals):
            return sentence[0].upper() + sentence[1:] + "."
    return None
