"""report.expression: an expression's reports as text, Markdown and LaTeX (CS231n's published numbers)."""
from backprop_cli.api import computing as C
from backprop_cli.report import expression as E
from backprop_cli.spec.expression import expression_from_text

from ._course import plain


def circuit():
    result = C.compute(C.load_example("cs231n-circuit"))
    return result, [result.trace("x"), result.trace("z")]


def test_grad_text():
    result, _ = circuit()
    assert plain(E.grad_text(result, 4)).splitlines() == [
        "CS231n circuit (x + y)·z  f = -12", "", "  input    value    ∂f/∂input  ", "  x           -2           -4  ",
        "  y            5           -4  ", "  z           -4            3  "]


def test_trace_text():
    result, traces = circuit()
    lines = plain(E.trace_text(result, traces, 4)).splitlines()
    assert lines[2] == "2 steps · output f = -12"
    rows = {line.split()[0]: line.split()[1:] for line in lines[6:11]}
    assert rows == {"x": ["(input)", "-2", "-4"], "y": ["(input)", "5", "-4"], "z": ["(input)", "-4", "3"],
                    "q": ["x", "+", "y", "3", "-4"], "f": ["q·z", "-12", "1"]}
    assert "  sum of all paths = ∂f/∂x = -4" in lines and "  sum of all paths = ∂f/∂z = 3" in lines


def test_kinks_are_noted():
    result = expression_from_text("f = relu(x)", {"x": 0.0}).compute()
    assert result.kinks
    assert any(line.startswith("  kink: ") for line in plain(E.grad_text(result, 4)).splitlines())


def test_long_expressions_are_summarised():
    result = expression_from_text("+".join(["x"] * 300), {"x": 1.0}).compute()
    text = plain(E.trace_text(result, [], 4))
    assert "names: the first 5 and last 4 (… marks the rest; --format json has them all)" in text
    assert result.output == 300.0


def test_trace_markdown():
    result, traces = circuit()
    text = E.trace_markdown(result, traces, 4)
    assert text.startswith("# CS231n circuit \\(x \\+ y\\)·z\n")
    assert "| q | x + y | 3 | -4 |" in text and "| f | q·z | -12 | 1 |" in text
    assert "Sum of all paths = ∂f/∂x = **-4**" in text and "Sum of all paths = ∂f/∂z = **3**" in text


def test_trace_latex():
    result, traces = circuit()
    text = E.trace_latex(result, traces, 4)
    assert text.startswith("\\documentclass{article}") and text.endswith("\\end{document}\n")
    assert "q &= x + y = 3\\\\\nf &= q\\cdot z = -12\\\\" in text
    assert "\\frac{\\partial f}{\\partial x} &= \\sum_{\\text{paths}} \\text{product} = -4\\\\" in text
    assert "\\section*{CS231n circuit (x + y)[U+00B7]z}" in text
