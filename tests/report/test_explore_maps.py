"""report.explore_maps: the explorer's page of a network over maps, as `trace` shows it."""

import json
import re

import pytest
from conftest import SPECS, invoke

from backprop_cli import load_spec
from backprop_cli.core.mappaths import build_trace
from backprop_cli.core.names import notation
from backprop_cli.report.derivation import derivation_text
from backprop_cli.report.explore_maps import maps_page, maps_svg


def _result():
    return load_spec(SPECS / "cnn-4x4.yaml").compute()


def test_each_parameter_lights_its_receptive_field():
    result = _result()
    svg, lit = maps_svg(result, notation("default"), 4, ["w1_2_1_1_2", "b1_1", "w312"])
    ids = set(re.findall(r'<g id="(c-[^"]+)"', svg))
    assert len(ids) == 16 + 18 + 2 + 2 and all(i in ids for cells in lit.values() for i in cells)
    # the kernel value at (1, 2) reads pixels (r, c + 1) at every position (r, c): flat (r−1)·4 + c
    assert lit["w1_2_1_1_2"][:9] == [f"c-0-{(r - 1) * 4 + c}" for r in (1, 2, 3) for c in (1, 2, 3)]
    assert lit["w1_2_1_1_2"][9:] == [f"c-1-{9 + i}" for i in range(9)]
    assert lit["b1_1"] == [f"c-1-{i}" for i in range(9)] and lit["w312"] == ["c-2-1", "c-3-0"]


@pytest.mark.slow
def test_the_page_holds_every_derivation_as_trace_prints_it(tmp_path):
    result = _result()
    chosen = notation("default")
    names = result.traced_names()
    traced = build_trace(result, chosen, names, 8)
    text = maps_page(result, chosen, traced, 6, names)
    view = json.loads(re.search(r'<script type="application/json" id="view">(.*?)</script>', text, re.S).group(1))
    assert set(view["derivations"]) == set(names) == set(re.findall(r'<button type="button" data-param="([^"]+)"',
                                                                      text))
    w = next(p for p in traced.parameters if p.name == "w1_2_1_1_2")
    assert view["derivations"]["w1_2_1_1_2"] == derivation_text(w, 6, "L")
    page = tmp_path / "cnn.html"
    invoke("explore", "--example", "cnn-4x4", "-o", page, expect=0)
    assert 'data-param="w1_2_1_1_2"' in page.read_text() and 'id="derivation"' in page.read_text()


@pytest.mark.slow
def test_a_page_of_too_many_values_is_refused(tmp_path):
    side = 70
    image = "[" + ", ".join(["[" + ", ".join(["1"] * side) + "]"] * side) + "]"
    (tmp_path / "big.yaml").write_text(f"input: {image}\ntarget: [1]\nloss: squared_error\nlayers:\n"
                                       f"  - {{type: maxpool2d, size: 2}}\n  - {{activation: linear, weights: "
                                       f"[[{', '.join(['0.1'] * 35 * 35)}]]}}\n")
    result = invoke("explore", tmp_path / "big.yaml", "--weight", "w211", "-o", tmp_path / "big.html", expect=2)
    assert "too many values to show" in result.stderr and not (tmp_path / "big.html").exists()


@pytest.mark.parametrize("option", [[], ["--weight", "w1_1_1_1_1"]])
def test_explore_writes_one_self_contained_page(tmp_path, option):
    invoke("explore", "--example", "cnn-4x4", *option, "-o", tmp_path / "p.html", expect=0)
    text = (tmp_path / "p.html").read_text()
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "") and "<script src" not in text
