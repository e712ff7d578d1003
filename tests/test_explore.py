"""`backprop explore` in a real browser (headless Chromium driven by playwright): every parameter
clicked, its lit paths and its derivation's numbers compared with `trace --format json`; the page
requests nothing and logs no script error. CI installs chromium, so there these never skip."""
import json
import os
import re
import shutil

import pytest
from conftest import SPECS, invoke

from backprop_cli import compute, load_spec

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                                reason="chromium is not installed (CI installs it)")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


# `browser`: conftest's, one Chromium for every browser test of the session


def open_page(browser, path, dark=False):
    """The page, with every request but the page itself and every script error recorded."""
    page = browser.new_page(color_scheme="dark" if dark else "light")
    problems = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: problems.append(f"request: {request.url}")
            if request.url != path.as_uri() else None)
    page.goto(path.as_uri())
    return page, problems


def explore(tmp_path, *args):
    out = tmp_path / "page.html"
    invoke("explore", *args, "-o", out, expect=0)
    return out


# what the page shows after a click: the derivation, the names of the lit nodes, the lit weights
SHOWN = """() => [document.querySelector("#derivation").textContent,
  Array.from(document.querySelectorAll(".on-path[data-nodes]"), el => el.getAttribute("data-nodes")),
  Array.from(document.querySelectorAll("g.pick.on-path"), el => el.getAttribute("data-param"))]"""


def numbers(text: str) -> list[float]:
    return [float(n) for n in NUMBER.findall(text.replace("−", "-"))]


@pytest.mark.slow
@pytest.mark.parametrize("example", ["padhai-4-4-2", "mazur-2-2-2"])
def test_every_parameter_lights_its_paths_and_shows_its_derivation(browser, tmp_path, example):
    path = explore(tmp_path, "--example", example)
    data = json.loads(invoke("trace", "--example", example, "--format", "json").stdout)
    page, problems = open_page(browser, path)
    # the derivations as trace prints them, one block per parameter (a line starting with ∂ opens one)
    blocks, current = {}, None
    for line in invoke("trace", "--example", example, "--no-color").stdout.splitlines():
        if line.startswith("∂") and "   " in line:
            current = line.split("   ")[0].split("/∂")[1]
            blocks[current] = []
        if current is not None:
            blocks[current].append(line)
    # every button of the list clicked in the page (one round trip; real mouse clicks: the next test)
    shown = page.evaluate("names => names.map(name => { document.querySelector("
                          "`#params button[data-param='${name}']`).click(); return (" + SHOWN + ")(); })",
                          [entry["name"] for entry in data["parameters"]])
    for entry, (text, lit_nodes, lit_edges) in zip(data["parameters"], shown):
        name = entry["name"]
        lit_nodes, lit_edges = set(" ".join(lit_nodes).split()), set(lit_edges)
        assert text.strip() == "\n".join(blocks[name]).strip()
        assert numbers(text)[-1] == pytest.approx(entry["updated"], rel=1e-5, abs=1e-9)
        for path_data in entry["paths"]:
            assert f"{path_data['product']:.6g}".replace("-0", "-0") in text or \
                any(abs(v - path_data["product"]) <= 1e-6 * abs(path_data["product"]) + 1e-12 for v in numbers(text))
        # every node and weight on a path is lit
        for path_data in entry["paths"]:
            assert set(path_data["nodes"][:-1]) <= lit_nodes, (name, path_data["nodes"])
            weights = {f["formula"] for f in path_data["factors"] if f["symbol"].count("/∂") == 1
                       and re.fullmatch(r"[\w]+", f["formula"]) and f["formula"] in
                       {p["name"] for p in data["parameters"]}}
            assert weights <= lit_edges, (name, weights - lit_edges)
    assert problems == []
    page.close()


@pytest.mark.slow
def test_edges_keyboard_and_hover(browser, tmp_path):
    path = explore(tmp_path, "--example", "padhai-4-4-2")
    data = json.loads(invoke("trace", "--example", "padhai-4-4-2", "--format", "json").stdout)
    page, problems = open_page(browser, path)
    # a real click on the edge, a fifth of the way along it (edges cross in the middle)
    box = page.locator('g.pick[data-param="w212"] line').evaluate(
        "l => [l.x1.baseVal.value, l.y1.baseVal.value, l.x2.baseVal.value, l.y2.baseVal.value]")
    origin = page.locator("#graph").bounding_box()
    page.mouse.click(origin["x"] + box[0] + (box[2] - box[0]) / 5, origin["y"] + box[1] + (box[3] - box[1]) / 5)
    assert "∂L/∂w212   2 paths" in page.locator("#derivation").text_content()
    assert page.locator(".on-path").count() > 0
    page.focus('g.pick[data-param="w131"]')
    page.keyboard.press("Enter")
    assert "∂L/∂w131   4 paths" in page.locator("#derivation").text_content()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert "∂L/∂w131" not in page.locator("#derivation").text_content()  # the next one along
    page.hover("#n-2-0")
    hover = page.locator("#hover").text_content()
    assert "z21 = " in hover and "ŷ1 = " in hover and "δ = ∂L/∂z21" in hover
    values = numbers(hover.replace("z21", "").replace("ŷ1", "").replace("∂L/∂", ""))
    assert values[0] == pytest.approx(data["forward"]["z21"], rel=1e-5)
    assert values[1] == pytest.approx(data["forward"]["yhat1"], rel=1e-5)
    page.fill("#search", "b2")
    visible = [b.get_attribute("data-param") for b in page.locator("#params li:not([hidden]) button").all()]
    assert visible == ["b21", "b22"]
    assert problems == []


@pytest.mark.slow
def test_readable_in_the_dark(browser, tmp_path):
    path = explore(tmp_path, "--example", "padhai-4-4-2")
    light, _ = open_page(browser, path)
    dark, problems = open_page(browser, path, dark=True)
    background = "getComputedStyle(document.body).backgroundColor"
    assert light.evaluate(background) != dark.evaluate(background) == "rgb(21, 23, 26)"
    assert problems == []


@pytest.mark.slow
def test_an_expression_graph(browser, tmp_path):
    path = explore(tmp_path, "--example", "cs231n-sigmoid-circuit")
    data = json.loads(invoke("trace", "--example", "cs231n-sigmoid-circuit", "--format", "json").stdout)
    page, problems = open_page(browser, path)
    for entry in data["inputs"]:
        page.click(f'#params button[data-param="{entry["name"]}"]')
        text, lit, _ = page.evaluate(SHOWN)
        lit = set(" ".join(lit).split())
        assert f"∂f/∂{entry['name']}" in text and numbers(text.split("=")[-1])[0] == pytest.approx(
            entry["gradient"], rel=1e-5)
        assert {n for p in entry["paths"] for n in p["nodes"]} <= lit
    assert problems == []


@pytest.mark.slow
def test_the_page_is_self_contained_and_small(tmp_path):
    path = explore(tmp_path, "--example", "padhai-4-4-2")
    text = path.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= 300_000
    assert not re.search(r"<link|src=|url\(|@import|https?://(?!www\.w3\.org/2000/svg)", text)
    data = json.loads(re.search(r'<script type="application/json" id="trace-data">(.*?)</script>', text,
                                re.S).group(1))
    assert data == json.loads(invoke("trace", "--example", "padhai-4-4-2", "--format", "json").stdout)


def test_hostile_names_cannot_break_out_of_the_page(tmp_path):
    spec = (SPECS / "cs231n-neuron.yaml").read_text(encoding="utf-8").replace(
        "name: CS231n sigmoid neuron", 'name: "</script><script>alert(1)</script> <!--"')
    (tmp_path / "net.yaml").write_text(spec, encoding="utf-8")
    out = tmp_path / "page.html"
    invoke("explore", tmp_path / "net.yaml", "-o", out, expect=0)
    text = out.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in text and text.count("<script") == 4  # view, trace data, model, script


def test_a_notebook_shows_results_as_the_same_view():
    result = compute(load_spec(SPECS / "padhai-4-4-2.yaml"))
    view = result._repr_html_()
    assert view.startswith('<div class="backprop-explore">') and 'data-param="w212"' in view
    # a notebook's own page keeps its styles: every rule is scoped to the view
    styles = view[view.index("<style>"):view.index("</style>")]
    assert ":root" not in styles and not re.search(r"(?m)^\s*(body|h1|pre|main|header|aside)\b", styles)
    expression = compute(load_spec(SPECS / "cs231n-circuit.yaml"))
    assert 'data-param="x"' in expression._repr_html_()


def test_explore_refuses_what_it_cannot_write(tmp_path):
    assert "must end in .html" in invoke("explore", "--example", "padhai-4-4-2", "-o", tmp_path / "x.svg",
                                         expect=2).stderr
