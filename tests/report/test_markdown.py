"""report.markdown: the trace as Markdown tables (the numbers checked against the API's own)."""
import pytest

from backprop_cli.api import computing as C
from backprop_cli.core.numbers import number
from backprop_cli.report.markdown import _cell, escape, trace_markdown


@pytest.mark.parametrize("text, markdown", [
    ("a*b_[c](d)#|<x>", r"a\*b\_\[c\]\(d\)\#\|\<x\>"), ("plain words", "plain words"), ("a\nb", r"a\\x0ab"),
    ("`code`", r"\`code\`"), ("1+1!", r"1\+1\!"),
])
def test_escape(text, markdown):
    assert escape(text) == markdown


def test_cell():
    assert _cell("a|b") == "a\\|b"


def test_mazur_trace():
    t = C.trace(C.load_example("mazur-2-2-2"), ["w5"])
    text = trace_markdown(t, 4)
    lines = text.splitlines()
    assert lines[0] == "# Mazur 2-2-2"
    assert lines[2] == "*A Step by Step Backpropagation Example \\(Matt Mazur\\), with his names and shared, frozen " \
                       "biases*"
    assert "| net_o1 | 1.106 | out_o1 | 0.7514 | 0.01 |" in lines
    assert "E_total = ½ Σj (ŷj − yj)² = **0.2984**" in lines
    assert "## ∂E_total/∂w5 (1 path)" in lines and "**Path 1**: E_total → out_o1 → net_o1 → w5" in lines
    p = t.ordered("backward")[0]
    assert f"| **product** | | **{number(p.gradient, 4)}** |" in lines
    assert lines[-1] == "Update: w5 ← w5 − η·∂E_total/∂w5 = 0.4 − 0.5 × (0.08217) = **0.3589**"
    for line in lines:
        if line.startswith("|"):
            assert line.endswith("|")


def test_batch_and_order():
    t = C.trace(C.load_example("batch-average"), ["w111", "w211"])
    text = trace_markdown(t, 4)
    assert "| input | value [1] | value [2] | value [3] |\n|---|---:|---:|---:|\n| x1 | 0 | 1 | 1 |" in text
    assert "| z11 | -0.3 | 0.6 | 0.2 | a11 | 0.4256 | 0.6457 | 0.5498 |" in text
    backward, forward = trace_markdown(t, 4, "backward"), trace_markdown(t, 4, "forward")
    assert backward.index("∂L/∂w211") < backward.index("∂L/∂w111")
    assert forward.index("∂L/∂w111") < forward.index("∂L/∂w211")


def test_hostile_name_cannot_break_the_page():
    spec = C.load_spec(text=C.example_text("mazur-2-2-2").replace("name: Mazur 2-2-2", 'name: "# H1 | <script>"'))
    first = trace_markdown(C.trace(spec, ["w5"]), 4).splitlines()[0]
    assert first == "# \\# H1 \\| \\<script\\>"
