"""report.derivation: a traced quantity's derivation as text (the numbers checked by hand for Mazur's w5)."""
import math
from types import SimpleNamespace

import pytest
from conftest import SPECS, oracle_problem
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import forward as oracle_forward

from backprop_cli.api import computing as C
from backprop_cli.report.derivation import (
    CANCELLED,
    accepted_text,
    cells,
    count_text,
    derivation_lines,
    derivation_text,
    pretty,
    target_header,
)

MAZUR_W5 = """∂E_total/∂w5   1 path
  path 1  E_total → out_o1 → net_o1 → w5
     ∂E_total/∂out_o1 = out_o1 − target_o1 = 0.741365
     ∂out_o1/∂net_o1  = out_o1(1 − out_o1) = 0.186816
     ∂net_o1/∂w5      = out_h1             =  0.59327
     product                               = 0.082167
  sum of all paths = ∂E_total/∂w5 = 0.082167
  update  w5 ← w5 − η·∂E_total/∂w5 = 0.4 − 0.5 × (0.082167) = 0.358916"""


def traced(example, names, **kw):
    t = C.trace(C.load_example(example), names, **kw)
    return t, {p.name: p for p in t.ordered("backward")}


def test_mazur_w5_exactly_as_trace_prints_it():
    t, ps = traced("mazur-2-2-2", ["w5"])
    assert derivation_text(ps["w5"], 6, t.loss_symbol) == MAZUR_W5
    # the factors by hand, from the oracle's forward pass
    layers, inputs, targets, *_ = oracle_problem(SPECS / "mazur-2-2-2.yaml")
    _, acts = oracle_forward(layers, inputs[0])
    o1, h1 = acts[2][0], acts[1][0]
    assert f"{o1 - targets[0][0]:.6g}" == "0.741365" and f"{o1 * (1 - o1):.6g}" == "0.186816"
    assert f"{h1:.6g}" == "0.59327" and f"{0.4 - 0.5 * (o1 - 0.01) * o1 * (1 - o1) * h1:.6g}" == "0.358916"


def test_two_paths_sum_to_the_gradient():
    t, ps = traced("mazur-2-2-2", ["w1"])
    text = derivation_text(ps["w1"], 6, t.loss_symbol)
    assert text.splitlines()[0] == "∂E_total/∂w1   2 paths"
    products = [float(line.rsplit("=", 1)[1]) for line in text.splitlines() if line.strip().startswith("product")]
    assert len(products) == 2 and math.isclose(sum(products), ps["w1"].gradient, rel_tol=1e-5)


def test_batch_with_omitted_paths_and_per_sample():
    t, ps = traced("batch-average", ["w211"], max_paths=1)
    lines = derivation_text(ps["w211"], 4, t.loss_symbol).splitlines()
    assert lines[1].startswith("  path 1 (sample 3)  L → L[3] → ŷ1[3] → z21[3] → w211")
    assert any(line.startswith("  … and 2 more paths, summing to ") for line in lines)
    assert any(line.startswith("  per sample: [1] ") for line in lines)
    assert lines[-2].startswith("  sum of all paths (over the samples, with 1/n) = ∂L/∂w211 = ")


def test_styles_of_the_pieces():
    t, ps = traced("mazur-2-2-2", ["w5"])
    lines = derivation_lines(ps["w5"], 6, t.loss_symbol)
    assert lines[0][0] == ("∂E_total/∂w5", "bold")
    assert lines[1][1] == ("E_total → out_o1 → net_o1 → w5", "cyan")
    assert {style for line in lines for _, style in line} <= {"", "bold", "cyan", "dim", "yellow"}


def test_frozen_and_node_derivations():
    t, ps = traced("mazur-2-2-2", ["b1"])
    assert derivation_text(ps["b1"], 6, t.loss_symbol).endswith(
        "  update  b1 is frozen (the spec's `frozen:`): it stays 0.35")
    node = C.trace(C.load_example("mazur-2-2-2"), nodes=["z11"]).ordered("backward")[0]
    text = derivation_text(node, 6, "E_total")
    assert text.splitlines()[1] == f"  net_h1 = {node.value:.6g}" and "update" not in text


@pytest.mark.parametrize("n, text", [
    (0, "0"), (1, "1"), (999_999, "999999"), (10 ** 6, "1e6"), (1_234_567, "1.2e6"),
    (9_995_000, "1e7"),
])
def test_count_text(n, text):
    assert count_text(n) == text


def test_count_text_beyond_python_int_printing():
    assert count_text(2 ** 5000) == "1.4e1505"  # 1.41e1505
    assert count_text(10 ** 5000) == "1e5000"
    assert count_text(10 ** 5000 - 1) == "1e5000"
    assert count_text(3 * 10 ** 4500 + 10 ** 4499) == "3.1e4500"


@pytest.mark.slow
@settings(max_examples=50, deadline=None)
@given(st.integers(10 ** 6, 10 ** 60))
def test_count_text_is_within_a_rounding_of_the_count(n):
    shown = count_text(n)
    mantissa, exponent = shown.split("e")
    assert 1 <= float(mantissa) < 10
    assert abs(float(mantissa) * 10 ** int(exponent) - n) <= 0.1 * 10 ** int(exponent)


@pytest.mark.parametrize("n, text", [(825_100_000, "8.3e8"), (1_250_001, "1.3e6")])
def test_count_text_rounds_to_nearest(n, text):
    assert count_text(n) == text


@pytest.mark.parametrize("text, width", [("abc", 3), ("ŷ1", 2), ("∂L/∂w", 5), ("漢字", 4), ("e\u0301", 1), ("", 0)])
def test_cells(text, width):
    assert cells(text) == width


def test_small_helpers():
    assert pretty("yhat12") == "ŷ12" and pretty("w1") == "w1"
    assert accepted_text(None, 4) == "" and accepted_text((0.1, 0.2), 4) == " (right would be within [0.1, 0.2])"
    assert target_header(SimpleNamespace(target_letter="y", loss_symbol="L")) == "target"
    assert target_header(SimpleNamespace(target_letter="g", loss_symbol="f")) == "g = ∂f/∂ŷ"
    assert CANCELLED.startswith("exactly 0")


def test_an_interval_far_wider_than_the_true_value_gives_that_values_size():
    # 1e308 for 0.0822: written to the 10^308s, where 0.0822 rounds to 0; "within ±5e299" alone says nothing
    said = accepted_text((-5e299, 5e299), 6, 0.082167)
    assert said == " (right would be within [-5e+299, 5e+299], far wider than the true value 0.082167)"
    # `1` for 0.0003, or a tolerance of 0.5 around it: the width is said, not what set it
    assert accepted_text((-0.5, 0.5), 4, 0.0003).endswith("far wider than the true value 0.0003)")
    assert accepted_text((-0.5, 0.5), 4, 0.3) == " (right would be within [-0.5, 0.5])"  # the interval says it
    assert accepted_text((-0.5, 0.5), 4, 0.0) == " (right would be within [-0.5, 0.5])"  # an exact 0 is its size
    assert accepted_text((0.297791, 0.299265), 6, 0.298371) == " (right would be within [0.297791, 0.299265])"


def test_check_gives_a_vastly_coarse_answer_the_true_values_size(tmp_path):
    from click.testing import CliRunner

    from backprop_cli.cli import main
    from backprop_cli.spec.examples import example_path

    (tmp_path / "net.yaml").write_text(example_path("mazur-2-2-2").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n  dE_total/dw5: 1e308\n  E_total: 0.3\n")
    out = CliRunner().invoke(main, ["check", str(tmp_path / "a.yaml")]).output
    assert "far wider than the true value 0.082167" in out


def test_the_interval_is_said_for_what_it_is_by_the_verdict():
    # a carried-forward answer's interval is what its step gives on the file's own answers, and an imprecise
    # one's holds the answer: neither is "right would be within", which a student reads as "mine is right"
    assert accepted_text((0.86445, 0.86555), 5, 0.930377) == " (right would be within [0.86445, 0.86555])"
    assert accepted_text((0.86445, 0.86555), 5, 0.930377, "carried_forward") == \
        " (this step on your own answers gives [0.86445, 0.86555])"
    assert accepted_text((0.45, 0.966827), 6, 0.802184, "imprecise") == " (reached within [0.45, 0.966827])"
