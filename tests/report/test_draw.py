"""report.draw: networks drawn with matplotlib; what the SVG holds is what Picture says was drawn."""
import re

import pytest

from backprop_cli.api import computing as C
from backprop_cli.core.names import notation
from backprop_cli.report.draw import Picture, draw_network, shown_neurons


def test_shown_neurons():
    assert shown_neurons(3) == [0, 1, 2]
    assert shown_neurons(12) == [0, 1, 2, 3, 4, None, 8, 9, 10, 11]


def draw(spec, path, weight=None, **kw) -> Picture:
    result = spec.compute()
    return draw_network(result, notation("default", result.network.names), str(path), weight, **kw)


@pytest.mark.slow
def test_svg_of_mazur_with_w1_lit(tmp_path):
    picture = draw(C.load_example("mazur-2-2-2"), tmp_path / "n.svg", "w111", gradients=True, title="M $x$")
    text = (tmp_path / "n.svg").read_text()
    assert picture.neurons == 7 and picture.summarised_layers == []
    assert picture.highlighted_edges == len(set(re.findall(r'id="path-edge-(\d+)"', text)))
    assert picture.highlighted_edges >= 3  # at least w1, w5 and w7: the weights on w1's two paths
    assert len(set(re.findall(r'id="neuron-([^"]+)"', text))) >= 6


@pytest.mark.slow
def test_png_size_and_a_wide_layer(tmp_path):
    rows = ", ".join(["[0.1]"] * 12)
    spec = C.load_spec(text=f"input: [1]\ntarget: [1]\nloss: mse\nlayers:\n  - activation: tanh\n"
                            f"    weights: [{rows}]\n  - activation: linear\n"
                            f"    weights: [[{', '.join(['0.1'] * 12)}]]\n")
    picture = draw(spec, tmp_path / "w.png")
    data = (tmp_path / "w.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert abs(picture.size[0] - width) <= 1 and abs(picture.size[1] - height) <= 1
    assert picture.summarised_layers == [1] and picture.highlighted_edges == 0
    assert picture.neurons == 1 + 9 + 1 + 1  # the input, 9 of 12 shown, the output and the loss


@pytest.mark.slow
def test_png_size_is_exact(tmp_path):
    rows = ", ".join(["[0.1]"] * 12)
    spec = C.load_spec(text=f"input: [1]\ntarget: [1]\nloss: mse\nlayers:\n  - activation: tanh\n"
                            f"    weights: [{rows}]\n  - activation: linear\n"
                            f"    weights: [[{', '.join(['0.1'] * 12)}]]\n")
    picture = draw(spec, tmp_path / "w.png")
    data = (tmp_path / "w.png").read_bytes()
    assert picture.size == (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big"))


@pytest.mark.slow
def test_unwritable_target(tmp_path):
    from backprop_cli.errors import UsageError

    with pytest.raises(UsageError, match="^cannot write "):
        draw(C.load_example("mazur-2-2-2"), tmp_path / "missing" / "n.svg")
