"""core.operations: every operation's value and partials against math and central differences."""
import math

import pytest

from backprop_cli.core.operations import ALIASES, CONSTANTS, FUNCTIONS, OPERATIONS, DomainError

EPS = 1e-6

POINTS = {"add": (1.3, -0.4), "sub": (1.3, -0.4), "mul": (1.3, -0.4), "div": (1.3, -0.4), "pow": (1.3, 2.5),
          "neg": (0.7,), "exp": (0.7,), "log": (0.7,), "sqrt": (0.7,), "sin": (0.7,), "cos": (0.7,), "tan": (0.7,),
          "tanh": (0.7,), "sigmoid": (-0.7,), "relu": (0.7,), "abs": (-0.7,), "max": (1.3, -0.4), "min": (1.3, -0.4),
          "same": (0.7,)}
REFERENCE = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
             "div": lambda a, b: a / b, "pow": lambda a, b: a ** b, "neg": lambda a: -a, "exp": math.exp,
             "log": math.log, "sqrt": math.sqrt, "sin": math.sin, "cos": math.cos, "tan": math.tan,
             "tanh": math.tanh, "sigmoid": lambda a: 1 / (1 + math.exp(-a)), "relu": lambda a: max(a, 0.0),
             "abs": abs, "max": max, "min": min, "same": lambda a: a}


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_value_and_partials(name):
    op = OPERATIONS[name]
    args = POINTS[name]
    assert op.name == name and op.arity == len(args)
    out = op.value(*args)
    assert out == pytest.approx(REFERENCE[name](*args), rel=1e-15)
    assert len(op.partials) == len(op.formulas) == op.arity
    for slot in range(op.arity):
        up, down = list(args), list(args)
        up[slot] += EPS
        down[slot] -= EPS
        fd = (REFERENCE[name](*up) - REFERENCE[name](*down)) / (2 * EPS)
        assert op.partials[slot](*args, out) == pytest.approx(fd, rel=1e-7, abs=1e-9), slot
    assert op.kink(*args) == ""
    # swapped operands for the two-operand ones
    if op.arity == 2:
        args = args[::-1]
        out = op.value(*args)
        for slot in range(2):
            up, down = list(args), list(args)
            up[slot] += EPS
            down[slot] -= EPS
            fd = (REFERENCE[name](*up) - REFERENCE[name](*down)) / (2 * EPS)
            if name != "pow":
                assert op.partials[slot](*args, out) == pytest.approx(fd, rel=1e-7, abs=1e-9), slot


def test_shown_and_formulas():
    assert OPERATIONS["sub"].shown.format(a="x", b="y") == "x − y"
    assert OPERATIONS["div"].formulas == ("1/{b}", "−{a}/{b}²")
    assert OPERATIONS["pow"].formulas == ("{b}·{a}^({b} − 1)", "{out}·log({a})")
    assert OPERATIONS["tanh"].formulas == ("1 − {out}²",)  # the activation's {a} is the step's output
    assert OPERATIONS["sigmoid"].formulas == ("{out}(1 − {out})",)
    assert OPERATIONS["relu"].formulas == ("(1 if {a} > 0 else 0)",)
    assert OPERATIONS["sigmoid"].shown == "σ({a})" and OPERATIONS["max"].shown == "max({a}, {b})"
    assert FUNCTIONS == ("exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "abs", "max", "min")
    assert ALIASES == {"ln": "log"} and {"pi": math.pi, "e": math.e} == CONSTANTS


def test_kinks_and_ties_follow_pytorch():
    relu, absolute = OPERATIONS["relu"], OPERATIONS["abs"]
    assert relu.partials[0](0.0, 0.0) == 0.0 and relu.partials[0](-1.0, 0.0) == 0.0
    assert relu.partials[0](2.0, 2.0) == 1.0
    assert relu.kink(0.0) == "relu's kink at 0: PyTorch's one-sided 0" and relu.kink(0.1) == ""
    assert absolute.partials[0](0.0, 0.0) == 0.0 and absolute.partials[0](-3.0, 3.0) == -1.0
    assert absolute.partials[0](3.0, 3.0) == 1.0
    assert absolute.kink(0.0) == "abs's kink at 0: PyTorch's 0" and absolute.kink(-1.0) == ""
    for name in ("max", "min"):
        op = OPERATIONS[name]
        assert op.partials[0](2.0, 2.0, 2.0) == 0.5 and op.partials[1](2.0, 2.0, 2.0) == 0.5
        assert op.kink(2.0, 2.0) == "a tie: PyTorch gives each operand half the gradient" and op.kink(1.0, 2.0) == ""
    assert OPERATIONS["max"].partials[0](1.0, 2.0, 2.0) == 0.0 and OPERATIONS["max"].partials[1](1.0, 2.0, 2.0) == 1.0
    assert OPERATIONS["min"].partials[0](1.0, 2.0, 1.0) == 1.0 and OPERATIONS["min"].partials[1](1.0, 2.0, 1.0) == 0.0


def test_pow_special_cases():
    pow_ = OPERATIONS["pow"]
    assert pow_.partials[0](3.0, 0.0, 1.0) == 0.0
    assert pow_.partials[0](-2.0, 3.0, -8.0) == pytest.approx(3 * 4.0)
    assert pow_.partials[1](0.0, 2.0, 0.0) == 0.0
    assert pow_.partials[1](2.0, 3.0, 8.0) == pytest.approx(8 * math.log(2))
    for a, b in ((-2.0, 3.0), (0.0, -1.0), (0.0, 0.0)):
        with pytest.raises(DomainError, match="needs a positive base"):
            pow_.partials[1](a, b, a ** b if a or b > 0 else 1.0)
    with pytest.raises(DomainError, match="is not a real number"):
        pow_.value(-2.0, 0.5)
    with pytest.raises(DomainError, match="is not a real number"):
        pow_.value(0.0, -1.0)


@pytest.mark.parametrize("name,args,why", [
    ("div", (1.0, 0.0), "division by 0"), ("log", (-1.0,), "log needs a positive number"),
    ("log", (0.0,), "log needs a positive number"), ("sqrt", (-1.0,), "sqrt needs a number ≥ 0"),
    ("exp", (1000.0,), "the result overflows float64 (beyond 1.8e308)"),
    ("pow", (10.0, 400.0), "the result overflows float64 (beyond 1.8e308)"),
    ("sin", (math.inf,), "sin needs a finite number"), ("cos", (math.inf,), "cos needs a finite number"),
    ("tan", (math.inf,), "tan needs a finite number"), ("div", (1e308, 1e-308), "the result overflows float64"),
    ("exp", (math.nan,), "exp overflows")])
def test_domain_errors(name, args, why):
    with pytest.raises(DomainError) as info:
        OPERATIONS[name].value(*args)
    assert str(info.value).startswith(why)
    assert isinstance(info.value, ValueError)


def test_sqrt_at_zero_has_no_derivative():
    assert OPERATIONS["sqrt"].value(0.0) == 0.0
    with pytest.raises(DomainError, match=r"the derivative of sqrt at 0, 1/\(2·√0\), is infinite"):
        OPERATIONS["sqrt"].partials[0](0.0, 0.0)
    assert OPERATIONS["log"].partials[0](4.0, math.log(4.0)) == 0.25


def test_power_by_exponent_for_small_and_zero_bases():
    pow_ = OPERATIONS["pow"]
    assert pow_.partials[1](0.5, 3.0, 0.125) == pytest.approx(0.125 * math.log(0.5))
    assert pow_.partials[1](0.0, 0.5, 0.0) == 0.0
