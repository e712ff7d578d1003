"""Numbers as text: significant digits for reports, fixed decimals for answer keys, exact for files.

One rule for all three: a negative zero is written 0, never -0.
"""
from __future__ import annotations


def _unsigned_zero(text: str) -> str:
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def number(value: float, precision: int) -> str:
    """`value` to `precision` significant digits (the text reports)."""
    return _unsigned_zero(f"{value:.{precision}g}")


def fixed(value: float, decimals: int) -> str:
    """`value` rounded to `decimals` decimals (answer keys)."""
    return _unsigned_zero(f"{value:.{decimals}f}")


def exact(value: float) -> str:
    """A float as YAML 1.2 and JSON read it back exactly: the shortest round-trip repr."""
    return _unsigned_zero(repr(float(value)))
