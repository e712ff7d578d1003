"""`backprop explore`: one self-contained HTML page (inline SVG, CSS and script, nothing fetched).

Everything shown is computed here, in Python, by the engine and the reporters: the drawing, every
parameter's derivation exactly as `trace` prints it, which elements lie on its paths, each neuron's
z, a and δ. The page's script only shows and hides them. The data is embedded too, as the JSON
`trace --format json` prints. Stable hooks: `data-param="NAME"` on everything clickable, the class
`on-path` on the elements of the chosen paths, the element `#derivation`.
"""
from __future__ import annotations

import html
import json
import math

from ..core.numbers import number
from ..core.reach import edges_on_paths, reached
from ..errors import printable
from .derivation import pretty
from .style import summarised

X_GAP, Y_GAP, RADIUS = 170, 64, 17


def _json_for_html(obj) -> str:
    """JSON that cannot close its <script> element or open a comment."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


class _Svg:
    """SVG elements, each with an id, collected in drawing order."""

    def __init__(self):
        self.parts: list[str] = []

    def line(self, ident, x0, y0, x1, y1, css, param=None, label=None):
        """An edge; a clickable one is a group with a band around the line to aim at."""
        title = f"<title>{html.escape(label)}</title>" if label else ""
        drawn = f'<line class="{css}" x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}"/>'
        if not param:
            self.parts.append(drawn.replace("<line ", f'<line id="{ident}" ', 1)[:-2] + f">{title}</line>")
            return
        length = max(math.hypot(x1 - x0, y1 - y0), 1e-9)
        dx, dy = -(y1 - y0) / length * 5, (x1 - x0) / length * 5  # 5 px either side
        band = " ".join(f"{x:.1f},{y:.1f}" for x, y in ((x0 + dx, y0 + dy), (x1 + dx, y1 + dy), (x1 - dx, y1 - dy),
                                                         (x0 - dx, y0 - dy)))
        self.parts.append(f'<g id="{ident}" class="pick" data-param="{_attr(param)}" tabindex="0" role="button">'
                          f'{title}<polygon class="hit" points="{band}"/>{drawn}</g>')

    def node(self, ident, x, y, name, info, css="neuron", radius=RADIUS, param=None, names=""):
        clickable = f' data-param="{_attr(param)}" tabindex="0" role="button"' if param else ""
        nodes = f' data-nodes="{_attr(names)}"' if names else ""
        self.parts.append(f'<g id="{ident}" class="{css}" data-info="{_attr(info)}"{clickable}{nodes}>'
                          f'<title>{html.escape(info)}</title>'
                          f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}"/>'
                          f'<text x="{x:.1f}" y="{y + 4:.1f}">{html.escape(name)}</text></g>')

    def text(self, x, y, content, css="caption"):
        self.parts.append(f'<text class="{css}" x="{x:.1f}" y="{y:.1f}">{html.escape(content)}</text>')

    def render(self, width, height) -> str:
        return (f'<svg id="graph" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
                f'xmlns="http://www.w3.org/2000/svg">' + "".join(self.parts) + "</svg>")


def network_svg(result, notation, precision: int) -> tuple[str, dict[str, list[str]]]:
    """The network drawn as `draw` lays it out (wide layers summarised alike), and for every drawn
    parameter the ids of the elements on its paths."""
    sizes, depth, net = result.sizes, len(result.sizes) - 1, result.network
    slots = [summarised(list(range(n))) for n in sizes]
    tallest = max(len(s) for s in slots)
    where = {}
    for layer, column in enumerate(slots):
        top = 40 + (tallest - len(column)) * Y_GAP / 2
        for row, neuron in enumerate(column):
            if neuron is not None:
                where[layer, neuron] = (60 + layer * X_GAP, top + row * Y_GAP + 30)
    svg, lit = _Svg(), {}
    fmt = lambda v: number(v, precision)  # noqa: E731 - a short local formatter
    loss_at = (60 + (depth + 1) * X_GAP, 70 + (tallest - 1) * Y_GAP / 2)
    for (layer, i), (x, y) in where.items():  # output edges to the loss
        if layer == depth:
            svg.line(f"o-{i}", x + RADIUS, y, loss_at[0] - RADIUS - 4, loss_at[1], "edge loss-edge")
    for layer in range(1, depth + 1):
        weights = net.layers[layer - 1].weights
        for (l, j), (x1, y1) in where.items():
            if l != layer:
                continue
            for (l0, k), (x0, y0) in where.items():
                if l0 == layer - 1:
                    name = notation.parameter("w", layer, j + 1, k + 1)
                    svg.line(f"e-{layer}-{j}-{k}", x0 + RADIUS, y0, x1 - RADIUS, y1,
                             "edge " + ("positive" if weights[j, k] >= 0 else "negative"), name,
                             f"{name} = {fmt(weights[j, k])}")
    for layer in range(depth + 1):  # neurons above their edges
        for (l, j), (x, y) in where.items():
            if l != layer:
                continue
            if layer == 0:
                name = notation.post_name(0, j + 1, depth)
                info, names = f"{name} = {fmt(result.a[0][0, j])}", name
            else:
                pre, post = notation.pre_name(layer, j + 1), notation.post_name(layer, j + 1, depth)
                info = (f"{pretty(pre)} = {fmt(result.z[layer][0, j])}\n{pretty(post)} = {fmt(result.a[layer][0, j])}\n"
                        f"δ = ∂{notation.loss}/∂{pretty(pre)} = {fmt(result.deltas[layer][0, j])}")
                name, names = (post if layer == depth else pre), f"{pre} {post}"
            svg.node(f"n-{layer}-{j}", x, y, pretty(name) if len(name) <= 5 else pretty(name)[:4] + "…", info,
                     names=names)
    for layer in range(1, depth + 1):  # biases: a small node beside each neuron, or one for the layer
        style = net.layers[layer - 1].bias_style
        column = [(j, xy) for (l, j), xy in where.items() if l == layer]
        if style == "shared":
            x, y = column[0][1][0] - 45, column[0][1][1] - 40
            name = notation.parameter("b", layer, None)
            for j, (nx, ny) in column:
                svg.line(f"bl-{layer}-{j}", x, y, nx - RADIUS * 0.7, ny - RADIUS * 0.7, "edge bias-edge")
            svg.node(f"b-{layer}", x, y, name, f"{name} = {fmt(net.layers[layer - 1].biases[0])} (shared)",
                     "bias", 10, name)
        elif style == "each":
            for j, (nx, ny) in column:
                name = notation.parameter("b", layer, j + 1)
                svg.node(f"b-{layer}-{j}", nx - 30, ny - 26, "b", f"{name} = {fmt(net.layers[layer - 1].biases[j])}",
                         "bias", 8, name)
    svg.node("loss", *loss_at, notation.loss if len(notation.loss) <= 5 else notation.loss[:4] + "…",
             f"{notation.loss} = {fmt(result.loss)}", "neuron loss", 20, names=notation.loss)
    svg.text(loss_at[0], loss_at[1] + 38, fmt(result.loss))

    def above(layer: int, neurons: list[int]) -> list[str]:
        """Ids of the drawn elements on every path from the loss down to these neurons' z (core.reach)."""
        reach = reached(sizes, net.softmax_layers, layer, neurons)
        ids = [f"n-{p}-{m}" for p, found in reach.items() for m in sorted(found) if (p, m) in where]
        ids += [f"e-{p}-{m}-{k}" for p, m, k in sorted(edges_on_paths(sizes, net.softmax_layers, layer, neurons))
                if (p, m) in where and (p - 1, k) in where]
        return ids + [f"o-{i}" for i in sorted(reach[depth]) if (depth, i) in where] + ["loss"]

    for (kind, layer, j, k) in _parameters(result):
        name = notation.parameter(kind, layer, j, k)
        if kind == "w":
            if (layer, j - 1) in where and (layer - 1, k - 1) in where:
                lit[name] = [f"e-{layer}-{j - 1}-{k - 1}", f"n-{layer - 1}-{k - 1}"] + above(layer, [j - 1])
        elif j is None:
            neurons = [n for (l, n) in where if l == layer]
            lit[name] = [f"b-{layer}"] + [f"bl-{layer}-{n}" for n in neurons] + above(layer, range(sizes[layer]))
        elif (layer, j - 1) in where:
            lit[name] = [f"b-{layer}-{j - 1}"] + above(layer, [j - 1])
    width = loss_at[0] + 80
    height = 80 + tallest * Y_GAP
    return svg.render(width, height), lit


def _parameters(result):
    from ..core.names import parameter_indices

    return parameter_indices(result.sizes, result.network.bias_styles)


def expression_svg(result, precision: int) -> tuple[str, dict[str, list[str]]]:
    """An expression's graph layered by depth, as `draw` lays it out, and for every name the ids of
    the elements on the paths from the output to it."""
    from .draw_graph import depths, lit_edges

    graph = result.graph
    shown = [i for i, n in enumerate(graph.nodes) if n.constant is None]
    depth = depths(graph)
    columns: dict[int, list[int]] = {}
    for i in shown:
        columns.setdefault(depth[i], []).append(i)
    tallest = max(len(c) for c in columns.values())
    where = {i: (60 + d * X_GAP, 40 + (tallest - len(c)) * Y_GAP / 2 + row * Y_GAP + 30)
             for d, c in columns.items() for row, i in enumerate(c)}
    svg = _Svg()
    fmt = lambda v: number(v, precision)  # noqa: E731 - a short local formatter
    out = result.output_name
    slot: dict[tuple[int, int], int] = {}
    ids: dict[tuple[int, int], list[str]] = {}
    for edge in result.edges:
        n = slot[edge.user, edge.operand] = slot.get((edge.user, edge.operand), -1) + 1
        ident = f"g-{edge.user}-{edge.operand}-{n}"
        ids.setdefault((edge.user, edge.operand), []).append(ident)
        (x0, y0), (x1, y1) = where[edge.operand], where[edge.user]
        bend = n * 12
        svg.line(ident, x0 + RADIUS, y0 + bend, x1 - RADIUS, y1 + bend, "edge",
                 label=f"∂{graph.nodes[edge.user].name}/∂{graph.nodes[edge.operand].name} = {edge.formula} = "
                       f"{fmt(edge.value)}")
    for i in shown:
        node = graph.nodes[i]
        step = graph.step(i) if node.op else f"{node.name} (input)"
        info = f"{step}\n= {fmt(result.values[i])}\n∂{out}/∂{node.name} = {fmt(result.derivatives[i])}"
        label = node.name if len(node.name) <= 5 else node.name[:4] + "…"
        css = "neuron loss" if i == graph.output else "neuron"
        svg.node(f"n-{i}", *where[i], label, info, css, param=node.name if node.is_variable else None,
                 names=node.name)
    lit = {}
    for i in graph.variables():
        edges = lit_edges(result, i)
        lit[graph.nodes[i].name] = [f"n-{i}"] + [ident for pair in edges for ident in ids[pair]] + \
            sorted({f"n-{j}" for pair in edges for j in pair})
    width = 60 + (max(columns) + 1) * X_GAP
    return svg.render(width, 80 + tallest * Y_GAP), lit


def page(*, title: str, subtitle: str, svg: str, derivations: dict[str, str], lit: dict[str, list[str]],
         data: dict, symbol: str, fragment: bool = False) -> str:
    """The whole page: the drawing, a searchable list of what can be chosen, the derivation.
    `fragment`: the view alone, to be placed in a notebook's output (styles and script inside)."""
    items = "".join(f'<li><button type="button" data-param="{_attr(name)}">∂{html.escape(symbol)}/∂'
                    f'{html.escape(pretty(name))}</button></li>' for name in derivations)
    view = {"derivations": derivations, "lit": lit}
    # a spec's name and description may hold control characters, which no HTML page may: shown as \xNN
    text = _TEMPLATE.format(title=html.escape(printable(title)), subtitle=html.escape(printable(subtitle)), svg=svg,
                            items=items, view=_json_for_html(view), data=_json_for_html(data))
    if fragment:  # a notebook's output: the view and its own scoped styles, nothing for the page around it
        second = text.index("<style>", text.index("</style>"))
        scoped = text[second:text.index("</style>", second) + len("</style>")]
        body = text[text.index('<div class="backprop-explore">'):text.rindex("</body>")]
        return body.replace('<div class="backprop-explore">', '<div class="backprop-explore">' + scoped, 1)
    return text


_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · backprop explore</title>
<style>
body {{ margin: 0; background: #ffffff; }}
@media (prefers-color-scheme: dark) {{ body {{ background: #15171a; }} }}
</style>
<style>
.backprop-explore {{ --fg: #1b1b1b; --bg: #ffffff; --muted: #666; --edge: #9bb7d4; --neg: #d98c8c; --hot: #e8700a;
  --panel: #f4f4f4; --node: #ffffff; font: 14px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); }}
@media (prefers-color-scheme: dark) {{
  .backprop-explore {{ --fg: #e6e6e6; --bg: #15171a; --muted: #9a9a9a; --edge: #4f6d8c; --neg: #8c4f4f;
    --hot: #ff9d3b; --panel: #22252a; --node: #1e2126; }} }}
.backprop-explore .head {{ padding: 12px 20px; }} .backprop-explore .head h1 {{ font-size: 20px; margin: 0; }}
.backprop-explore .sub {{ color: var(--muted); }}
.backprop-explore .body {{ display: flex; flex-wrap: wrap; gap: 16px; padding: 0 20px 20px; }}
.backprop-explore .drawing {{ flex: 1 1 520px; overflow: auto; }}
.backprop-explore .side {{ flex: 1 1 420px; min-width: 320px; }}
.backprop-explore svg text {{ fill: var(--fg); font-size: 11px; text-anchor: middle; pointer-events: none; }}
.backprop-explore svg .caption {{ fill: var(--muted); }}
.backprop-explore .edge {{ stroke: var(--edge); stroke-width: 2; }}
.backprop-explore .edge.negative {{ stroke: var(--neg); }}
.backprop-explore .pick {{ cursor: pointer; }} .backprop-explore .pick .edge {{ stroke-width: 3; }}
.backprop-explore .hit {{ fill: transparent; stroke: none; }}
.backprop-explore .neuron circle {{ fill: var(--node); stroke: var(--fg); stroke-width: 1.3; }}
.backprop-explore .loss circle {{ fill: #fff3e0; }}
.backprop-explore .bias circle {{ fill: var(--panel); stroke: var(--muted); cursor: pointer; }}
.backprop-explore .on-path.edge, .backprop-explore .on-path .edge {{ stroke: var(--hot); stroke-width: 4; }}
.backprop-explore .on-path circle {{ stroke: var(--hot); stroke-width: 3; }}
.backprop-explore .chosen circle, .backprop-explore .chosen .edge {{ stroke: var(--hot); stroke-width: 6; }}
.backprop-explore [data-param]:focus {{ outline: 2px dashed var(--hot); }}
.backprop-explore .search {{ width: 100%; box-sizing: border-box; padding: 6px; font: inherit; }}
.backprop-explore .params {{ list-style: none; padding: 0; margin: 8px 0; max-height: 180px; overflow: auto;
  display: flex; flex-wrap: wrap; gap: 4px; }}
.backprop-explore .params button {{ font: inherit; padding: 2px 8px; background: var(--panel); color: var(--fg);
  border: 1px solid var(--muted); border-radius: 4px; cursor: pointer; }}
.backprop-explore .params button.chosen {{ border-color: var(--hot); color: var(--hot); }}
.backprop-explore pre {{ background: var(--panel); color: var(--fg); padding: 10px; overflow: auto;
  font: 12.5px/1.35 ui-monospace, monospace; white-space: pre; }}
.backprop-explore .hover {{ min-height: 3.9em; }}
</style></head>
<body><div class="backprop-explore">
<div class="head"><h1>{title}</h1><div class="sub">{subtitle}</div></div>
<div class="body"><div class="drawing">{svg}</div>
<div class="side"><input id="search" class="search" type="search" placeholder="find a parameter (w212, b21, ...)"
 aria-label="find a parameter">
<ul id="params" class="params">{items}</ul>
<pre id="hover" class="hover" aria-live="polite">hover a neuron for its values</pre>
<pre id="derivation" class="derivation" aria-live="polite">choose a parameter: click its edge or its name</pre>
</div></div>
<script type="application/json" id="view">{view}</script>
<script type="application/json" id="trace-data">{data}</script>
<script>
(function () {{
  "use strict";
  var root = document.currentScript.parentElement;
  var view = JSON.parse(root.querySelector("#view").textContent);
  function choose(name) {{
    root.querySelectorAll(".on-path, .chosen").forEach(function (el) {{
      el.classList.remove("on-path"); el.classList.remove("chosen"); }});
    (view.lit[name] || []).forEach(function (id) {{
      var el = root.querySelector("#" + id); if (el) el.classList.add("on-path"); }});
    root.querySelectorAll("[data-param]").forEach(function (el) {{
      if (el.getAttribute("data-param") === name) el.classList.add("chosen"); }});
    root.querySelector("#derivation").textContent = view.derivations[name] ||
      (name + " is not on this page (it was written with --weight for others)");
  }}
  root.querySelectorAll("[data-param]").forEach(function (el) {{
    var name = el.getAttribute("data-param");
    el.addEventListener("click", function () {{ choose(name); }});
    el.addEventListener("keydown", function (event) {{
      if (event.key === "Enter" || event.key === " ") {{ event.preventDefault(); choose(name); }} }});
  }});
  root.querySelectorAll("[data-info]").forEach(function (el) {{
    el.addEventListener("mouseenter", function () {{
      root.querySelector("#hover").textContent = el.getAttribute("data-info"); }});
  }});
  root.querySelector("#search").addEventListener("input", function (event) {{
    var wanted = event.target.value.trim().toLowerCase();
    root.querySelectorAll("#params li").forEach(function (li) {{
      li.hidden = wanted !== "" && li.textContent.toLowerCase().indexOf(wanted) < 0; }});
  }});
}})();
</script></div></body></html>
"""
