"""Matching a wrong answer with the value a known mistake gives: one rule for networks and
expressions."""
from __future__ import annotations

import math

from .rule import MAX_DECIMALS

MAX_SPREAD_RATIO = 10.0  # a mistaken pass's rounding spread is taken as at most this many times the right one's


def matching(candidates, answer, expected: float, tolerance, reached=None) -> tuple[str | None, list[dict]]:
    """The sentence for the (value, sentence, code) candidates the given answer matches, where
    that value can be told apart from the right one (when several match, all of them, as
    possibilities), and each one's {"code", "text"}. `reached`: the interval the correct method
    reaches rounding as it goes at the answer's precision (grading.rule); a mistaken pass rounded
    as it goes spreads as much, in proportion to its size, so a value is matched within that too."""
    found: dict[str, str] = {}  # sentence -> code
    half = 0.5 * 10.0 ** -min(answer.decimals or 0, MAX_DECIMALS)
    default = tolerance.absolute is None and tolerance.relative is None
    spread = max(expected - reached[0], reached[1] - expected) - half if reached and default else 0.0
    spread = max(spread, 0.0) if math.isfinite(spread) else 0.0
    for value, sentence, *rest in candidates:
        code = rest[0] if rest else ""
        interval = rest[1] if len(rest) > 1 else None  # what a mistaken pass reaches, rounding as it goes
        if not math.isfinite(value) or tolerance.allows(value, expected, answer.decimals):
            continue  # indistinguishable from the right answer: no diagnosis from it
        if reached and reached[0] <= value <= reached[1]:
            continue  # the correct method, rounding as it goes, reaches it too
        if interval is not None and default:
            close = interval[0] - half * (1 + 1e-9) <= answer.given <= interval[1] + half * (1 + 1e-9)
        else:
            ratio = min(MAX_SPREAD_RATIO, abs(value) / abs(expected)) if expected else 1.0
            close = abs(answer.given - value) <= half * (1 + 1e-9) + spread * ratio if default else \
                tolerance.allows(answer.given, value, answer.decimals)
        if close and sentence not in found:
            found[sentence] = code
    if not found:
        return None, []
    entries = [{"code": code, "text": sentence} for sentence, code in found.items()]
    sentences = list(found)
    if len(sentences) == 1:  # it alone explains the value at the precision written
        first = sentences[0][0]
        return (first.upper() if first.isascii() else first) + sentences[0][1:] + ".", entries  # η stays η
    # several do: name them all, asserting none
    return "More than one known mistake gives this value: " + "; or ".join(sentences[:3]) + ".", entries
