"""The gradient-descent update w ← w − η·∂L/∂w: the one place it is computed and spelt."""
from __future__ import annotations

RULE = "{p} ← {p} − η·∂L/∂{p}"  # printed by every report, `p` a parameter's name


def updated(value, gradient, learning_rate: float):
    """A parameter (or an array of them) after one step against its gradient."""
    return value - learning_rate * gradient
