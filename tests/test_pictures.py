"""draw and --save: the pictures hold what they claim, checked in the files themselves."""
import json
import struct
import sys
from xml.etree import ElementTree as ET

import pytest
from conftest import SPECS, invoke


def svg_ids(path):
    return [el.get("id") for el in ET.parse(path).getroot().iter() if el.get("id")]


@pytest.mark.slow
def test_svg_has_one_circle_per_neuron_and_the_highlighted_paths(tmp_path):
    out = tmp_path / "w131.svg"
    result = invoke("draw", "--example", "padhai-4-4-2", "--weight", "w131", "-o", out)
    assert result.exit_code == 0, result.output
    ids = svg_ids(out)
    neurons = sorted(i for i in ids if i.startswith("neuron-"))
    assert len(neurons) == 4 + 4 + 2 + 1  # inputs, hidden, outputs, the loss
    assert {"neuron-x1", "neuron-z13", "neuron-yhat2", "neuron-L"} <= set(neurons)
    # the paths to w131: z13 → ŷ1, z13 → ŷ2, ŷ1 → L, ŷ2 → L, and the weight itself
    assert len([i for i in ids if i.startswith("path-edge-")]) == 4
    assert "weight-w131" in ids
    text = out.read_text()
    assert "-0.3032" in text.replace("−", "-")  # the update, written beside the weight


@pytest.mark.slow
def test_png_has_the_size_reported(tmp_path):
    from backprop_cli import compute, load_spec
    from backprop_cli.core.names import notation
    from backprop_cli.report.draw import draw_network

    out = tmp_path / "net.png"
    picture = draw_network(compute(load_spec(SPECS / "chain-3-layer.yaml")), notation("default"), str(out))
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == picture.size


@pytest.mark.slow
def test_large_layers_are_summarised(tmp_path):
    rows = ", ".join(["[" + ", ".join(["0.1"] * 3) + "]"] * 14)
    (tmp_path / "net.yaml").write_text(f"input: [1, 2, 3]\ntarget: [1]\nloss: mse\nlayers:\n"
                                       f"  - activation: tanh\n    weights: [{rows}]\n"
                                       f"  - activation: linear\n    weights: [[{', '.join(['0.2'] * 14)}]]\n")
    result = invoke("draw", tmp_path / "net.yaml", "-o", tmp_path / "net.svg")
    assert result.exit_code == 0 and "layers 1 summarised" in result.output
    neurons = [i for i in svg_ids(tmp_path / "net.svg") if i.startswith("neuron-")]
    assert len(neurons) == 3 + 9 + 1 + 1


def test_draw_refuses_other_formats_and_needs_matplotlib(tmp_path, monkeypatch):
    assert invoke("draw", "--example", "padhai-4-4-2", "-o", tmp_path / "net.pdf").exit_code == 2
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = invoke("draw", "--example", "padhai-4-4-2", "-o", tmp_path / "net.png")
    assert result.exit_code == 2 and "pip install" in result.stderr


@pytest.mark.parametrize("command", [["trace", "--example", "padhai-4-4-2", "-w", "w212"],
                                     ["grad", "--example", "padhai-4-4-2"]])
@pytest.mark.slow
def test_saved_html_svg_and_text_hold_the_report(tmp_path, command):
    shown = invoke(*command).stdout
    for suffix in ("html", "svg", "txt"):
        out = tmp_path / f"report.{suffix}"
        assert invoke(*command, "--save", out).stdout == shown
        text = out.read_text(encoding="utf-8")
        assert "0.930377" in text
        if suffix == "txt":
            assert text == shown
        if suffix == "svg":
            ET.fromstring(text)  # well-formed
    assert invoke(*command, "--save", tmp_path / "report.pdf").exit_code == 2


def test_saved_check_report_and_json(tmp_path):
    (tmp_path / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n  dL/dw212: -0.0652\n", encoding="utf-8")
    result = invoke("check", tmp_path / "a.yaml", "--save", tmp_path / "grades.html")
    assert result.exit_code == 1 and "softmax cross paths" in (tmp_path / "grades.html").read_text(encoding="utf-8")
    invoke("grad", "--example", "padhai-4-4-2", "--format", "json", "--save", tmp_path / "g.txt")
    assert json.loads((tmp_path / "g.txt").read_text())["parameters"]
