"""The gradient-descent update w ← w − η·∂L/∂w: the one place it is computed and spelt."""
from __future__ import annotations

RULE = "{p} ← {p} − η·∂{loss}/∂{p}"  # `p` a parameter's name, `loss` the loss's symbol (L)
WORKED = "{rule} = {value} − {rate} × ({gradient}) = {after}"  # the rule with its numbers


def updated(value, gradient, learning_rate: float):
    """A parameter (or an array of them) after one step against its gradient."""
    return value - learning_rate * gradient


def rule(name: str, loss: str = "L") -> str:
    """The update rule for one parameter: w212 ← w212 − η·∂L/∂w212."""
    return RULE.format(p=name, loss=loss)


def worked(name: str, value: float, learning_rate: float, gradient: float, after: float, show,
           strong=lambda text: text, loss: str = "L") -> str:
    """The update written out with its numbers, each shown by `show` (and the result by `strong`):
    w212 ← w212 − η·∂L/∂w212 = 0.8 − 1 × (-0.130377) = 0.930377."""
    return WORKED.format(rule=rule(name, loss), value=show(value), rate=show(learning_rate),
                         gradient=show(gradient), after=strong(show(after)))
