"""Matching a wrong answer with the value a known mistake gives: one rule for networks and
expressions."""
from __future__ import annotations

import math


def matching(candidates, answer, expected: float, tolerance) -> tuple[str | None, list[dict]]:
    """The sentence for the (value, sentence, code) candidates the given answer matches, where
    that value can be told apart from the right one (when several match, all of them, as
    possibilities), and each one's {"code", "text"}."""
    found: dict[str, str] = {}  # sentence -> code
    for value, sentence, *code in candidates:
        if not math.isfinite(value) or tolerance.allows(value, expected, answer.decimals):
            continue  # indistinguishable from the right answer: no diagnosis from it
        if tolerance.allows(answer.given, value, answer.decimals) and sentence not in found:
            found[sentence] = code[0] if code else ""
    if not found:
        return None, []
    entries = [{"code": code, "text": sentence} for sentence, code in found.items()]
    sentences = list(found)
    if len(sentences) == 1:  # it alone explains the value at the precision written
        first = sentences[0][0]
        return (first.upper() if first.isascii() else first) + sentences[0][1:] + ".", entries  # η stays η
    # several do: name them all, asserting none
    return "More than one known mistake gives this value: " + "; or ".join(sentences[:3]) + ".", entries
