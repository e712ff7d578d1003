"""The operations an expression may use: value, local derivatives and printed formulas, each kept
together in one place (as core.functions keeps the activations).

Every function takes the operands' values as floats (float64) and returns floats; a value outside
an operation's domain raises DomainError with the reason. Formulas are built from the operands'
printed names (`a`, `b`) and the node's own (`out`).
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .functions import ACTIVATIONS


class DomainError(ValueError):
    """An operation applied where it is undefined (log of a negative number, division by 0, ...)."""


@dataclass(frozen=True)
class Operation:
    """One operation: how a step using it prints, its value, and per operand its derivative."""

    name: str
    arity: int
    shown: str  # the step as printed, with {a} and {b}
    value: Callable[..., float]
    # per operand: ∂out/∂operand from (operand values, out) and its printed formula
    partials: tuple[Callable[..., float], ...]
    formulas: tuple[str, ...]  # with {a}, {b}, {out}
    kink: Callable[..., str] = lambda *_: ""  # where the derivative is one-sided: a note, else ""


def _checked(function: Callable[..., float], why: str) -> Callable[..., float]:
    """`function`, raising DomainError (`why`) where it is undefined or overflows."""
    def run(*args: float) -> float:
        try:
            result = function(*args)
        except (ValueError, ZeroDivisionError) as exc:
            raise DomainError(why) from exc
        except OverflowError as exc:
            raise DomainError("the result overflows float64 (beyond 1.8e308)") from exc
        if isinstance(result, complex) or math.isnan(result):
            raise DomainError(why)
        if math.isinf(result):
            raise DomainError("the result overflows float64 (beyond 1.8e308)")
        return result
    return run


def _activation(name: str, shown: str, kink=lambda *_: "") -> Operation:
    """An activation as an operation: value, derivative and formula are core.functions' own (one
    place for each), applied to one float; its {z} is the operand, its {a} the step's output."""
    act = ACTIVATIONS[name]

    def partial(a: float, out: float) -> float:
        return float(act.derivative(np.float64(a), np.float64(out)))

    formula = act.derivative_formula.replace("{a}", "{out}").replace("{z}", "{a}")
    return Operation(name, 1, shown, lambda a: float(act.forward(np.float64(a))), (partial,), (formula,), kink)


def _power_by_exponent(a: float, b: float, out: float) -> float:
    if a > 0:
        return out * math.log(a)
    if a == 0 and b > 0:
        return 0.0
    raise DomainError("a power whose exponent varies needs a positive base (∂(a^b)/∂b = a^b·log a)")


def _tie(a: float, b: float) -> str:
    return "a tie: PyTorch gives each operand half the gradient" if a == b else ""


def _pick(first: bool) -> Callable[[float, float, float], float]:
    """∂max(a, b)/∂a (first) or /∂b: 1 for the larger, 0 for the other, ½ each at a tie."""
    def partial(a: float, b: float, _out: float) -> float:
        if a == b:
            return 0.5
        return 1.0 if (a > b) == first else 0.0
    return partial


def _pick_min(first: bool) -> Callable[[float, float, float], float]:
    def partial(a: float, b: float, _out: float) -> float:
        if a == b:
            return 0.5
        return 1.0 if (a < b) == first else 0.0
    return partial


def _sqrt_partial(_a: float, out: float) -> float:
    if out == 0:
        raise DomainError("the derivative of sqrt at 0, 1/(2·√0), is infinite")
    return 0.5 / out


def _log_partial(a: float, _out: float) -> float:
    return 1.0 / a


OPERATIONS: dict[str, Operation] = {op.name: op for op in (
    Operation("add", 2, "{a} + {b}", lambda a, b: a + b, (lambda _a, _b, _o: 1.0, lambda _a, _b, _o: 1.0), ("1", "1")),
    Operation("sub", 2, "{a} − {b}", lambda a, b: a - b, (lambda _a, _b, _o: 1.0, lambda _a, _b, _o: -1.0),
              ("1", "−1")),
    Operation("mul", 2, "{a}·{b}", lambda a, b: a * b, (lambda _a, b, _o: b, lambda a, _b, _o: a), ("{b}", "{a}")),
    Operation("div", 2, "{a}/{b}", _checked(lambda a, b: a / b, "division by 0"),
              (lambda _a, b, _o: 1.0 / b, lambda a, b, _o: -a / (b * b)), ("1/{b}", "−{a}/{b}²")),
    Operation("pow", 2, "{a}^{b}", _checked(math.pow, "a negative number to a fractional power, or 0 to a "
                                                       "negative one, is not a real number"),
              (lambda a, b, _o: b * math.pow(a, b - 1) if b != 0 else 0.0, _power_by_exponent),
              ("{b}·{a}^({b} − 1)", "{out}·log({a})")),
    Operation("neg", 1, "−{a}", lambda a: -a, (lambda _a, _o: -1.0,), ("−1",)),
    Operation("exp", 1, "exp({a})", _checked(math.exp, "exp overflows"), (lambda _a, o: o,), ("e^{a}",)),
    Operation("log", 1, "log({a})", _checked(math.log, "log needs a positive number"), (_log_partial,),
              ("1/{a}",)),
    Operation("sqrt", 1, "sqrt({a})", _checked(math.sqrt, "sqrt needs a number ≥ 0"), (_sqrt_partial,),
              ("1/(2·√{a})",)),
    Operation("sin", 1, "sin({a})", _checked(math.sin, "sin needs a finite number"), (lambda a, _o: math.cos(a),),
              ("cos({a})",)),
    Operation("cos", 1, "cos({a})", _checked(math.cos, "cos needs a finite number"), (lambda a, _o: -math.sin(a),),
              ("−sin({a})",)),
    Operation("tan", 1, "tan({a})", _checked(math.tan, "tan needs a finite number"), (lambda _a, o: 1.0 + o * o,),
              ("1 + {out}²",)),
    _activation("tanh", "tanh({a})"),
    _activation("sigmoid", "σ({a})"),
    _activation("relu", "relu({a})", kink=lambda a: "relu's kink at 0: PyTorch's one-sided 0" if a == 0 else ""),
    Operation("abs", 1, "|{a}|", abs, (lambda a, _o: 1.0 if a > 0 else -1.0 if a < 0 else 0.0,), ("sign({a})",),
              kink=lambda a: "abs's kink at 0: PyTorch's 0" if a == 0 else ""),
    Operation("max", 2, "max({a}, {b})", max, (_pick(True), _pick(False)),
              ("(1 if {a} > {b} else 0)", "(1 if {b} > {a} else 0)"), kink=_tie),
    Operation("min", 2, "min({a}, {b})", min, (_pick_min(True), _pick_min(False)),
              ("(1 if {a} < {b} else 0)", "(1 if {b} < {a} else 0)"), kink=_tie),
    Operation("same", 1, "{a}", lambda a: a, (lambda _a, _o: 1.0,), ("1",)),  # a step that only renames
)}
FUNCTIONS = ("exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "abs", "max", "min")
ALIASES = {"ln": "log"}  # other spellings of a function, as courses write them
CONSTANTS = {"pi": math.pi, "e": math.e}
