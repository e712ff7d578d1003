"""Matching a wrong answer with the value a known mistake gives: one rule for networks and
expressions."""
from __future__ import annotations

import math


def matching(candidates, answer, expected: float, tolerance) -> str | None:
    """The sentence of the (value, sentence) candidate the given answer matches, where that value
    can be told apart from the right one; when several match, all of them, as possibilities."""
    found = []
    for value, sentence in candidates:
        if not math.isfinite(value) or tolerance.allows(value, expected, answer.decimals):
            continue  # indistinguishable from the right answer: no diagnosis from it
        if tolerance.allows(answer.given, value, answer.decimals) and sentence not in found:
            found.append(sentence)
    if not found:
        return None
    if len(found) == 1:  # it alone explains the value at the precision written
        first = found[0][0]
        return (first.upper() if first.isascii() else first) + found[0][1:] + "."  # η stays η
    # several do: name them all, asserting none
    return "More than one known mistake gives this value: " + "; or ".join(found[:3]) + "."
