"""draw and explore of a recurrent network unrolled in time and of a batch through batch norm
(report.draw_unrolled): one node per unit per step (or sample), μ and σ² joined to every sample, the
nodes on a parameter's paths lit (exactly those core.unrolled's graph reaches it through), a
hostile unrolling refused before anything is drawn, and explore's page as trace shows it."""
from __future__ import annotations

import re

import pytest
from conftest import invoke

from backprop_cli import load_spec
from backprop_cli.report.draw_unrolled import MAX_NODES, layout

RNN = """\
sequence: [[1, 0], [0.5, -1], [0.2, 0.3]]
target: [0.5]
loss: squared_error
layers:
  - type: recurrent
    input_weights: [[0.1, -0.2], [0.3, 0.4]]
    recurrent_weights: [[0.5, -0.3], [0.2, 0.1]]
  - activation: linear
    weights: [[0.7, -0.6]]
"""

NORM = """\
inputs: [[1, 2], [0, 1], [2, -1]]
targets: [[1], [0], [1]]
loss: squared_error
layers:
  - activation: linear
    weights: [[0.1, -0.2], [0.3, 0.4]]
  - type: batchnorm
  - activation: linear
    weights: [[0.7, -0.6]]
"""


@pytest.mark.slow
def test_the_network_is_unrolled_one_column_a_step(tmp_path):
    result = load_spec(text=RNN).compute()
    spot = layout(result)
    assert {name for name in spot if name.startswith("h")} == {f"h1{j}@{t}" for j in (1, 2) for t in (1, 2, 3)}
    assert spot["h11@1"][0] < spot["h11@2"][0] < spot["h11@3"][0]  # time runs left to right
    path = tmp_path / "net.yaml"
    path.write_text(RNN)
    out = invoke("draw", path, "--weight", "wh112", "-o", tmp_path / "net.svg", expect=0).stdout
    assert "on the paths to wh112" in out
    lit = set(re.findall(r'id="lit-([^"]+)"', (tmp_path / "net.svg").read_text()))
    # the loss on step 3 reaches wh112 through every h11 (where it is used) and the h12 after a use;
    # h12@1 leads to no use of it (h12@1 reads x@1 and h@0 only)
    assert {"L", "yhat1@3", "h11@3", "h12@3", "h11@2", "h12@2", "h11@1"} <= lit
    assert not lit & {"h12@1", "x1@1", "yhat1@1", "yhat1@2"}


@pytest.mark.slow
def test_batch_norm_joins_every_sample_through_mu_and_var(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text(NORM)
    invoke("draw", path, "--weight", "w111", "-o", tmp_path / "net.svg", expect=0)
    lit = set(re.findall(r'id="lit-([^"]+)"', (tmp_path / "net.svg").read_text()))
    assert {"mu21", "var21", "xhat21[1]", "xhat21[2]", "xhat21[3]", "L[1]", "L[2]", "L[3]"} <= lit
    assert "mu22" not in lit  # w111 feeds feature 1 only


def test_explore_lights_the_paths_and_shows_the_derivation_as_trace_does(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text(RNN)
    invoke("explore", path, "-o", tmp_path / "net.html", expect=0)
    page = (tmp_path / "net.html").read_text()
    assert 'data-param="wh112"' in page and "∂h11@3/∂h12@2" in page
    result = load_spec(text=RNN).compute()
    gradient = float(result.grad_a[1][1, 0])  # ∂L/∂h11@2, shown where the node is hovered
    assert re.search(r"h11@2 = [-\d.]+&#10;∂L/∂h11@2 = " + re.escape(f"{gradient:.6g}"), page) or \
        re.search(r"h11@2 = [-\d.]+\n∂L/∂h11@2 = " + re.escape(f"{gradient:.6g}"), page)
    assert len(page) < 1_000_000


def test_a_long_unrolling_is_refused_before_it_is_drawn(tmp_path):
    steps = MAX_NODES
    path = tmp_path / "net.yaml"
    path.write_text(RNN.replace("sequence: [[1, 0], [0.5, -1], [0.2, 0.3]]", "sequence: " + str([[1, 0]] * steps)))
    result = invoke("draw", path, "-o", tmp_path / "net.svg", expect=2)
    assert "nodes unrolled: too many to draw" in result.stderr and not (tmp_path / "net.svg").exists()


@pytest.mark.slow
@pytest.mark.parametrize("example", ["rnn-2-unit-3-steps", "batchnorm-batch-of-4"])
def test_the_bundled_examples_draw_and_explore(example, tmp_path):
    invoke("draw", "--example", example, "-o", tmp_path / "net.png", expect=0)
    invoke("explore", "--example", example, "-o", tmp_path / "net.html", expect=0)
