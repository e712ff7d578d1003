"""report.draw_maps: a network over feature maps drawn as grids, a weight's receptive field lit."""

import re

import pytest

from backprop_cli import load_spec
from backprop_cli.core.names import notation
from backprop_cli.errors import UsageError
from backprop_cli.report.draw_maps import MAX_CELLS, draw_maps

SEQUENCE = """input: [[1, 2, 0, 1, 3], [0, 1, 3, 1, 2]]
target: [1]
loss: squared_error
layers:
  - {type: conv1d, weights: [[[1, 0], [0, -1]]], padding: 1, biases: [0.5]}
  - {type: avgpool1d, size: 2}
  - {activation: linear, weights: [[1, -1, 0.5]]}
"""


@pytest.mark.slow
def test_a_padded_kernel_weight_lights_the_values_it_multiplies_and_the_map_it_feeds(tmp_path):
    result = load_spec(text=SEQUENCE).compute()
    picture = draw_maps(result, notation("default"), str(tmp_path / "seq.svg"), "w1_1_2_1")
    svg = (tmp_path / "seq.svg").read_text()
    # channel 2's first kernel value reads x_2_{p−1} at output p: the padding at p = 1 reads nothing
    assert sorted(re.findall(r'id="lit-([^"]+)"', svg)) == sorted(
        ["x_2_1", "x_2_2", "x_2_3", "x_2_4", "x_2_5"] + [f"a1_1_{p}" for p in range(1, 7)])
    assert picture.highlighted_edges == 6 and picture.neurons == 10 + 6 + 3 + 1


@pytest.mark.slow
def test_a_bias_lights_its_channel_and_gradients_draw_the_backward_pass(tmp_path):
    result = load_spec(text=SEQUENCE).compute()
    draw_maps(result, notation("default"), str(tmp_path / "b.svg"), "b1_1", gradients=True)
    svg = (tmp_path / "b.svg").read_text()
    assert sorted(re.findall(r'id="lit-([^"]+)"', svg)) == [f"a1_1_{p}" for p in range(1, 7)]


@pytest.mark.slow
def test_a_network_too_large_to_draw_is_refused(tmp_path):
    side = 70
    image = "[" + ", ".join(["[" + ", ".join(["1"] * side) + "]"] * side) + "]"
    text = (f"input: {image}\ntarget: [1]\nloss: squared_error\nlayers:\n  - {{type: maxpool2d, size: 1}}\n"
            f"  - {{activation: linear, weights: [[{', '.join(['0.1'] * side * side)}]]}}\n")
    with pytest.raises(UsageError, match=f"too many to draw \\(at most {MAX_CELLS:,}\\)"):
        draw_maps(load_spec(text=text).compute(), notation("default"), str(tmp_path / "x.png"))
    assert not (tmp_path / "x.png").exists()
