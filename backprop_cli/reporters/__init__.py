"""Reporters present a plain result object; one module per format, fed the same result."""
from __future__ import annotations


def number(value: float, precision: int) -> str:
    """`value` to `precision` significant digits, without a negative zero."""
    text = f"{value:.{precision}g}"
    return "0" if text in ("-0", "-0.0") else text
