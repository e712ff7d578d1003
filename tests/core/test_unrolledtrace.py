"""What trace reports over a sequence and through batch norm (core.unrolledtrace): a parameter's
paths grouped by the step (or sample) where it is used, the step's part dL/dwh111@t, the factors
as courses write them, node quantities by any name, and the Trace's rows one per step."""
from __future__ import annotations

import pytest

from backprop_cli import load_spec
from backprop_cli.core.names import notation
from backprop_cli.core.unrolledtrace import build_trace, trace

RNN = """\
sequence: [[1, 0], [0.5, -1], [0.2, 0.3]]
targets: [[0.5], [0.1], [-0.2]]
loss: squared_error
layers:
  - type: recurrent
    input_weights: [[0.1, -0.2], [0.3, 0.4]]
    recurrent_weights: [[0.5, -0.3], [0.2, 0.1]]
    biases: [0.1, -0.1]
  - activation: linear
    weights: [[0.7, -0.6]]
    biases: [0.05]
names:
  s12_2: h12@2
"""


def test_a_recurrent_weight_grouped_by_step():
    result = load_spec(text=RNN).compute()
    traced = trace(result, "wh112", 100)
    assert traced.grouped_by == "step" and [p[0] for p in traced.positions] == ["h11@1", "h11@2", "h11@3"]
    assert [p[3] for p in traced.positions] == pytest.approx(list(result.step_gradient("wh112")), abs=1e-15)
    assert traced.positions[2][1] == "s12_2 · (1 − h11@3²)"  # what wh112 multiplies at step 3, renamed
    assert sum(p.product for p in traced.paths) == pytest.approx(traced.gradient, abs=1e-15)
    assert len(traced.paths) == traced.path_count == sum(p[2] for p in traced.positions)


def test_node_quantities_by_course_or_canonical_name():
    result = load_spec(text=RNN).compute()
    by_course, by_canonical = trace(result, "s12_2", 50, node=True), trace(result, "h12@2", 50, node=True)
    assert by_course.name == by_canonical.name == "s12_2"
    assert by_course.gradient == pytest.approx(result.grad_a[1][1, 1], rel=1e-12)
    assert by_course.value == result.a[1][1, 1]


def test_the_trace_has_a_row_per_unit_and_step():
    result = load_spec(text=RNN).compute()
    traced = build_trace(result, notation("default", result.network.names), ["b11"], 4)
    assert [row.post_name for row in traced.layer_rows(1)] == ["h11@1", "h12@1", "h11@2", "s12_2", "h11@3", "h12@3"]
    assert [row.delta for row in traced.layer_rows(1)][3] == [result.deltas[1][1, 1]]
    assert traced.loss == result.loss and traced.parameters[0].name == "b11"


def test_the_values_outside_the_neuron_table_are_named():
    result = load_spec(text=RNN).compute()
    traced = build_trace(result, notation("default", result.network.names), [], 1)
    assert [(name, value) for _, name, value in traced.extra] == [
        (f"L@{t}", pytest.approx(float(result.per_sample_loss[t - 1]), rel=1e-15)) for t in (1, 2, 3)]
    assert traced.loss_formula.startswith("Σt L@t, L@t = ")
    norm = load_spec(text="inputs: [[1], [2], [4]]\ntargets: [[1], [0], [1]]\nloss: mse\nlayers:\n"
                          "  - type: batchnorm\n").compute()
    extra = {name: value for _, name, value in build_trace(norm, notation("default", {}), [], 1).extra}
    assert extra["mu11"] == pytest.approx(7 / 3) and extra["var11"] == pytest.approx(14 / 9)
    assert extra["xhat11"] == pytest.approx(list(norm.forward["xhat11"]), rel=1e-15)
