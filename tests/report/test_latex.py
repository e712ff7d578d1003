"""report.latex: names, formulas and numbers in LaTeX; the trace document compiles whatever the spec's name holds."""
import shutil
import subprocess

import pytest
from conftest import SPECS

from backprop_cli.api import computing as C
from backprop_cli.report import latex as L


@pytest.mark.parametrize("text, latex", [
    ("yhat1", r"\hat{y}_{1}"), ("w2_10_3", r"w_{2,10,3}"), ("a13[2]", r"{a_{13}^{(2)}}"), ("w212", r"w_{212}"),
    ("E_total", r"\textit{E\_total}"), ("Δh1", r"\textit{\ensuremath{\Delta}h1}"), ("z", "z"), ("L", "L"),
    ("net_h1 + w5", r"\textit{net\_h1} + w_{5}"), (r"\frac", r"\frac"),
])
def test_name(text, latex):
    assert L.name(text) == latex


def test_escape_text():
    assert L.escape_text("a_b&c%$#{}~^\\") == r"a\_b\&c\%\$\#\{\}\textasciitilde{}\textasciicircum{}\textbackslash{}"
    assert L.escape_text("é α 漢") == r"é \ensuremath{\alpha} [U+6F22]"
    assert L.escape_text("a\nb") == r"a\textbackslash{}x0ab"  # a line break cannot end the \section{}


@pytest.mark.parametrize("text, latex", [
    ("out_o1(1 − out_o1)", r"\textit{out\_o1}(1 - \textit{out\_o1})"),
    ("ŷj − yj", r"\hat{y}_j - y_j"), ("½ Σj (ŷj − yj)²", r"\tfrac12 \sum_j  (\hat{y}_j - y_j)^2"),
    ("exp(x)·σ(z)", r"\exp(x)\cdot \sigma(z)"), ("relu(x)", r"\operatorname{relu}(x)"), ("e^h1", r"e^{h_{1}}"),
    ("x^(c − 1)", r"x^{(c - 1)}"), ("√x", r"\sqrt{x}"), ("(1 if z11 > 0 else 0)", r"[\,z_{11} > 0\,]"),
    ("(1 if z11 > 0 else 0.01)", r"\begin{cases}1 & z_{11} > 0\\ 0.01 & \text{otherwise}\end{cases}"),
])
def test_formula(text, latex):
    assert L.formula(text) == latex


def test_partial_update_rule_and_numbers():
    assert L.partial("∂L/∂w5") == r"\frac{\partial L}{\partial w_{5}}"
    assert L.update_rule("w5", "E_total") == (r"w_{5} &\leftarrow w_{5} - \eta\cdot \frac{\partial \textit{E\_total}}"
                                              r"{\partial w_{5}}")
    assert [L.num(v, 4) for v in (-1.5e-7, 0.25, -0.0, 1e300, 123456)] == [
        r"-1.5\times 10^{-7}", "0.25", "0", r"1\times 10^{300}", r"1.235\times 10^{5}"]


def test_trace_document_structure():
    t = C.trace(C.load_example("mazur-2-2-2"), ["w5"])
    text = L.trace_latex(t, 4)
    assert text.startswith("\\documentclass{article}\n") and text.endswith("\\end{document}\n")
    assert text.count(r"\begin{align*}") == text.count(r"\end{align*}") == 1
    assert r"\text{product} &= 0.08217\\" in text
    assert r"w_{5} &\leftarrow w_{5} - \eta\cdot \frac{\partial \textit{E\_total}}{\partial w_{5}} = 0.4 - 0.5 " \
           r"\times (0.08217) = 0.3589" in text


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_the_document_compiles_with_a_hostile_name(tmp_path):
    hostile = '"50% & $x_1$ #{~^}\\\\ 漢 α é \\e[31m"'
    text = (SPECS / "mazur-2-2-2.yaml").read_text(encoding="utf-8").replace("name: Mazur 2-2-2", f"name: {hostile}")
    t = C.trace(C.load_spec(text=text), ["w5", "b1"])
    (tmp_path / "t.tex").write_text(L.trace_latex(t, 4), encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "t.tex"],
                          cwd=tmp_path, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stdout[-2000:]
    assert (tmp_path / "t.pdf").stat().st_size > 1000
