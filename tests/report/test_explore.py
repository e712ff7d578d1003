"""report.explore: the explorer's SVG and page; its embedded JSON cannot break out of the page."""
import html
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_cli.api import computing as C
from backprop_cli.core.names import notation
from backprop_cli.report.explore import _attr, _json_for_html, expression_svg, network_svg, page


def embedded(text: str, ident: str):
    match = re.search(rf'<script type="application/json" id="{ident}">(.*?)</script>', text, re.S)
    return json.loads(match.group(1))


@pytest.mark.slow
@settings(max_examples=50, deadline=None)
@given(st.dictionaries(st.text(), st.text() | st.floats(allow_nan=False, allow_infinity=False), max_size=4))
def test_json_for_html_round_trips_and_cannot_close_a_script(obj):
    text = _json_for_html(obj)
    assert json.loads(text) == obj
    assert "<" not in text and ">" not in text and "&" not in text


def test_attr_escapes_quotes():
    assert _attr('a"b<c>&\'') == "a&quot;b&lt;c&gt;&amp;&#x27;"


def test_network_svg_ids_and_lit_elements():
    result = C.compute(C.load_example("mazur-2-2-2"))
    svg, lit = network_svg(result, notation("default", result.network.names), 4)
    assert svg.startswith('<svg id="graph" viewBox="0 0 ') and svg.endswith("</svg>")
    ids = set(re.findall(r'id="([^"]+)"', svg))
    assert "w5" in lit and "w1" in lit
    for name, elements in lit.items():
        assert set(elements) <= ids, name
    assert len(lit["w1"]) > len(lit["w5"])  # w1 has two paths, w5 one
    assert set(re.findall(r'data-param="([^"]+)"', svg)) >= {"w1", "w5", "w8"}


def test_expression_svg():
    result = C.compute(C.load_example("cs231n-circuit"))
    svg, lit = expression_svg(result, 4)
    assert sorted(lit) == ["x", "y", "z"]
    ids = set(re.findall(r'id="([^"]+)"', svg))
    assert all(set(elements) <= ids for elements in lit.values())


def test_page_escapes_user_text_and_embeds_data():
    hostile = '</script><script>alert(1)</script>&'
    text = page(title=hostile, subtitle="s<b>", svg="<svg></svg>", derivations={"w1": hostile},
                lit={"w1": ["e1"]}, data={"name": hostile}, symbol="L<")
    assert text.count("<script>alert") == 0
    assert f"<h1>{html.escape(hostile)}</h1>" in text and "<title>" + html.escape(hostile) in text
    view = embedded(text, "view")
    assert view["derivations"] == {"w1": hostile} and view["lit"] == {"w1": ["e1"]}
    assert "s&lt;b&gt;" in text
    assert embedded(text, "trace-data") == {"name": hostile}
    assert '<button type="button" data-param="w1" aria-pressed="false">∂L&lt;/∂w1</button>' in text
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")


def test_fragment_is_the_view_alone_with_scoped_styles():
    text = page(title="t", subtitle="s", svg="<svg></svg>", derivations={}, lit={}, data={}, symbol="L",
                fragment=True)
    assert text.startswith('<div class="backprop-explore"><style>')
    assert "<html" not in text and "<body" not in text and "body { margin: 0" not in text
    view = embedded(text, r"view-v\d+")  # a notebook's views: each its own ids
    assert view["derivations"] == {} and view["lit"] == {} and re.fullmatch(r"-v\d+", view["suffix"])
