"""The catalogued mistakes of BPTT and batch norm (core.slips) as operations on the computation:
each gives the value a student making it computes, on any network, and `explaining` names the
mistakes that give a wrong written answer (and none when the answer is right)."""
from __future__ import annotations

import pytest
from test_published_coupled import PRACHUB

from backprop_cli import load_spec
from backprop_cli.core import slips

NORM = """\
inputs: [[1], [2], [4]]
targets: [[1], [0], [1]]
loss: mse
layers:
  - type: batchnorm
    gamma: [2]
  - activation: linear
    weights: [[1.5]]
"""


def test_truncated_bptt_is_each_steps_own_loss_alone():
    spec = load_spec(text=PRACHUB)
    true, cut = spec.compute(), slips.mistaken(spec, "bptt_truncated")
    # W_x's step-1 part loses the path L@2 → h2 → h1; step 2's part keeps its one path
    parts = true.step_gradient("wx111")
    direct_1 = true.deltas[2][0, 0] * 2.0 * (1 - true.a[1][0, 0] ** 2) * 1.0  # L@1 → ŷ1 → h1 → W_x
    assert cut.gradient("wx111") == pytest.approx(direct_1 + parts[1], rel=1e-12)
    assert cut.gradient("wx111") != pytest.approx(true.gradient("wx111"), rel=1e-3)
    assert cut.gradient("w211") == true.gradient("w211")  # the readout has no path back in time


def test_explaining_names_the_mistake_behind_a_wrong_answer():
    spec = load_spec(text=PRACHUB)
    cut = slips.mistaken(spec, "bptt_truncated").gradient("wh111")
    wrong = slips.mistaken(spec, "recurrent_factor_wrong_step").gradient("wx111")
    assert [s.code for s in slips.explaining(spec, "dL/dwx111", wrong, 4)] == ["recurrent_factor_wrong_step"]
    assert slips.explaining(spec, "dL/dwx111", spec.compute().gradient("wx111"), 4) == []  # a right answer
    assert cut == pytest.approx(spec.compute().gradient("wh111"), abs=1e-15)  # h0 = 0: wh's step-1 part is 0


def test_batch_norms_slips():
    spec = load_spec(text=NORM)
    true = spec.compute()
    constant = slips.mistaken(spec, "batchnorm_mu_var_constant")
    unbiased = slips.mistaken(spec, "unbiased_variance")
    assert constant.loss == true.loss and constant.gradient("gamma11") == true.gradient("gamma11")
    assert constant.input_gradient()[0, 0] != pytest.approx(true.input_gradient()[0, 0], rel=1e-3)
    assert unbiased.forward["var11"] == pytest.approx(true.forward["var11"] * 3 / 2, rel=1e-15)
    codes = [s.code for s in slips.explaining(spec, "var11", unbiased.forward["var11"], 4)]
    assert codes == ["unbiased_variance"]
    assert [s.code for s in slips.applicable(spec.network)] == ["batchnorm_mu_var_constant", "unbiased_variance"]
