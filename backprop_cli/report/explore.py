"""`backprop explore`: one self-contained HTML page (inline SVG, CSS and script, nothing fetched).

Everything shown is computed here, in Python, by the engine and the reporters: the drawing, every
parameter's derivation exactly as `trace` prints it, which elements lie on its paths, each neuron's
z, a and δ. The page's script only shows and hides them. The data is embedded too, as the JSON
`trace --format json` prints. Stable hooks: `data-param="NAME"` on everything clickable, the class
`on-path` on the elements of the chosen paths, the element `#derivation`.
"""
from __future__ import annotations

import html
import itertools
import json
import math
import re

from ..core.numbers import exact, number
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

    def line(self, ident, x0, y0, x1, y1, css, param=None, label=None, data=""):
        """An edge; a clickable one is a group with a band around the line to aim at. `data`: the
        attributes the page's script finds it by, to show its value live."""
        title = f"<title>{html.escape(label)}</title>" if label else ""
        drawn = f'<line class="{css}" x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}"/>'
        if not param:
            self.parts.append(drawn.replace("<line ", f'<line id="{ident}"{data} ', 1)[:-2] + f">{title}</line>")
            return
        length = max(math.hypot(x1 - x0, y1 - y0), 1e-9)
        dx, dy = -(y1 - y0) / length * 5, (x1 - x0) / length * 5  # 5 px either side
        band = " ".join(f"{x:.1f},{y:.1f}" for x, y in ((x0 + dx, y0 + dy), (x1 + dx, y1 + dy), (x1 - dx, y1 - dy),
                                                         (x0 - dx, y0 - dy)))
        self.parts.append(f'<g id="{ident}" class="pick" data-param="{_attr(param)}"{data} tabindex="0" '
                          f'role="button" aria-label="{_attr(label or param)}">{title}'
                          f'<polygon class="hit" points="{band}"/>{drawn}</g>')

    def node(self, ident, x, y, name, info, css="neuron", radius=RADIUS, param=None, names="", data=""):
        clickable = f' data-param="{_attr(param)}" tabindex="0" role="button"' if param else ""
        nodes = f' data-nodes="{_attr(names)}"' if names else ""
        self.parts.append(f'<g id="{ident}" class="{css}" data-info="{_attr(info)}"{clickable}{nodes}{data}>'
                          f'<title>{html.escape(info)}</title>'
                          f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}"/>'
                          f'<text x="{x:.1f}" y="{y + 4:.1f}">{html.escape(name)}</text></g>')

    def text(self, x, y, content, css="caption", data=""):
        self.parts.append(f'<text class="{css}" x="{x:.1f}" y="{y:.1f}"{data}>{html.escape(content)}</text>')

    def render(self, width, height) -> str:
        return (f'<svg id="graph" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
                f'data-role="graph" role="group" aria-label="the drawing" '
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
                             f"{name} = {fmt(weights[j, k])}", f' data-weight="{layer},{j},{k}"')
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
                     names=names, data=f' data-node="{layer},{j}" tabindex="0" role="img" aria-label="{_attr(info)}"')
    for layer in range(1, depth + 1):  # biases: a small node beside each neuron, or one for the layer
        style = net.layers[layer - 1].bias_style
        column = [(j, xy) for (l, j), xy in where.items() if l == layer]
        if style == "shared":
            x, y = column[0][1][0] - 45, column[0][1][1] - 40
            name = notation.parameter("b", layer, None)
            for j, (nx, ny) in column:
                svg.line(f"bl-{layer}-{j}", x, y, nx - RADIUS * 0.7, ny - RADIUS * 0.7, "edge bias-edge")
            svg.node(f"b-{layer}", x, y, name, f"{name} = {fmt(net.layers[layer - 1].biases[0])} (shared)",
                     "bias", 10, name, data=f' data-bias="{layer},0"')
        elif style == "each":
            for j, (nx, ny) in column:
                name = notation.parameter("b", layer, j + 1)
                svg.node(f"b-{layer}-{j}", nx - 30, ny - 26, "b", f"{name} = {fmt(net.layers[layer - 1].biases[j])}",
                         "bias", 8, name, data=f' data-bias="{layer},{j}"')
    svg.node("n-loss", *loss_at, notation.loss if len(notation.loss) <= 5 else notation.loss[:4] + "…",
             f"{notation.loss} = {fmt(result.loss)}", "neuron loss", 20, names=notation.loss)
    svg.text(loss_at[0], loss_at[1] + 38, fmt(result.loss), data=' data-show="loss"')

    def above(layer: int, neurons: list[int]) -> list[str]:
        """Ids of the drawn elements on every path from the loss down to these neurons' z (core.reach)."""
        reach = reached(sizes, net.softmax_layers, layer, neurons)
        ids = [f"n-{p}-{m}" for p, found in reach.items() for m in sorted(found) if (p, m) in where]
        ids += [f"e-{p}-{m}-{k}" for p, m, k in sorted(edges_on_paths(sizes, net.softmax_layers, layer, neurons))
                if (p, m) in where and (p - 1, k) in where]
        return ids + [f"o-{i}" for i in sorted(reach[depth]) if (depth, i) in where] + ["n-loss"]

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
    for position, edge in enumerate(result.edges):
        n = slot[edge.user, edge.operand] = slot.get((edge.user, edge.operand), -1) + 1
        ident = f"g-{edge.user}-{edge.operand}-{n}"
        ids.setdefault((edge.user, edge.operand), []).append(ident)
        (x0, y0), (x1, y1) = where[edge.operand], where[edge.user]
        bend = n * 12
        svg.line(ident, x0 + RADIUS, y0 + bend, x1 - RADIUS, y1 + bend, "edge",
                 label=f"∂{graph.nodes[edge.user].name}/∂{graph.nodes[edge.operand].name} = {edge.formula} = "
                       f"{fmt(edge.value)}", data=f' data-g="{position}"')
    for i in shown:
        node = graph.nodes[i]
        step = graph.step(i) if node.op else f"{node.name} (input)"
        info = f"{step}\n= {fmt(result.values[i])}\n∂{out}/∂{node.name} = {fmt(result.derivatives[i])}"
        label = node.name if len(node.name) <= 5 else node.name[:4] + "…"
        css = "neuron loss" if i == graph.output else "neuron"
        svg.node(f"n-{i}", *where[i], label, info, css, param=node.name if node.is_variable else None,
                 names=node.name, data=f' data-x="{i}"' + ("" if node.is_variable else
                                                          f' tabindex="0" role="img" aria-label="{_attr(info)}"'))
    lit = {}
    for i in graph.variables():
        edges = lit_edges(result, i)
        lit[graph.nodes[i].name] = [f"n-{i}"] + [ident for pair in edges for ident in ids[pair]] + \
            sorted({f"n-{j}" for pair in edges for j in pair})
    width = 60 + (max(columns) + 1) * X_GAP
    return svg.render(width, 80 + tallest * Y_GAP), lit


_VIEWS = itertools.count(1)  # views written by this process: a notebook's ids made unique per view


def _number_input(name: str, value: float) -> str:
    return (f'<label class="edit"><span>{html.escape(pretty(name))}</span><input type="text" inputmode="decimal" '
            f'spellcheck="false" data-edit="{_attr(name)}" value="{_attr(exact(value))}" '
            f'aria-label="{_attr(name)}"></label>')


def _editors(model: dict | None) -> str:
    """The values the page can change, grouped: a field per weight, bias, input, target and η."""
    if model is None:
        return ""
    groups = []
    if model["kind"] == "expression":
        groups.append(("inputs", [_number_input(name, value) for name, value in model["at"].items()]))
    else:
        names, batch = model["names"], len(model["inputs"]) > 1
        mark = (lambda s: f"[{s + 1}]") if batch else (lambda _: "")
        groups.append(("learning rate η", [_number_input("lr", model["lr"])]))
        groups.append(("inputs", [_number_input(x + mark(s), row[k]) for s, row in enumerate(model["inputs"])
                                  for k, x in enumerate(names["post"][0])]))
        what = "targets" if model["targetLetter"] == "y" else "upstream gradients ∂f/∂ŷ"
        groups.append((what, [_number_input(y + mark(s), row[k]) for s, row in enumerate(model["targets"])
                              for k, y in enumerate(names["target"])]))
        for p in model["parameters"]:
            layer = model["layers"][p["layer"] - 1]
            value = layer["weights"][p["j"] - 1][p["k"] - 1] if p["kind"] == "w" else layer["biases"][(p["j"] or 1) - 1]
            title = f"layer {p['layer']} {'weights' if p['kind'] == 'w' else 'biases'}"
            if not groups or groups[-1][0] != title:
                groups.append((title, []))
            groups[-1][1].append(_number_input(p["name"], value))
    return "".join(f'<fieldset class="group"><legend>{html.escape(title)}</legend>{"".join(fields)}</fieldset>'
                   for title, fields in groups)


def _subtitle(parts) -> str:
    """The line under the title: text, escaped, or (role, text) pairs that the page's script keeps
    up to date (the loss as `#loss`, the learning rate)."""
    if isinstance(parts, str):
        parts = [parts]
    shown = []
    for part in parts:
        if isinstance(part, tuple):
            role, text = part
            ident = ' id="loss" data-role="loss"' if role == "loss" else f' data-show="{_attr(role)}"'
            shown.append(f"<span{ident}>{html.escape(text)}</span>")
        else:
            shown.append(html.escape(printable(part)))
    return "".join(shown)


def page(*, title: str, subtitle, svg: str, derivations: dict[str, str], lit: dict[str, list[str]],
         data: dict, symbol: str, fragment: bool = False, model: dict | None = None, stem: str = "spec",
         what: str = "parameter") -> str:
    """The whole page (`subtitle`: text, or _subtitle's parts): the drawing, the values to edit, a
    searchable list of what can be chosen, the derivation, the step-through and the table of every
    node. `model` (explore_live's): the
    values the page recomputes from when one is edited; None for a page shown as `trace` shows it.
    `fragment`: the view alone, to be placed in a notebook's output (styles and script inside), its
    ids made unique so that several views on one page stay independent."""
    from .explore_live import asset

    items = "".join(f'<li><button type="button" data-param="{_attr(name)}" aria-pressed="false">'
                    f'∂{html.escape(symbol)}/∂'
                    f'{html.escape(pretty(name))}</button></li>' for name in derivations)
    suffix = f"-v{next(_VIEWS)}" if fragment else ""
    view = {"derivations": derivations, "lit": lit, "suffix": suffix, "stem": stem}
    examples = ", ".join(list(derivations)[:3]) + (", ..." if len(derivations) > 3 else "")
    live = model is not None
    expression = bool(model and model["kind"] == "expression")
    table_head = ("<th scope=\"col\">node</th><th scope=\"col\">step</th><th scope=\"col\">value</th>"
                  f"<th scope=\"col\">∂{html.escape(symbol)}/∂node</th>") if expression else (
        f"<th scope=\"col\">node</th><th scope=\"col\">z</th><th scope=\"col\">value (a)</th>"
        f"<th scope=\"col\">∂{html.escape(symbol)}/∂a</th><th scope=\"col\">δ = ∂{html.escape(symbol)}/∂z</th>")
    # a spec's name and description may hold control characters, which no HTML page may: shown as \xNN
    text = _TEMPLATE.format(
        title=html.escape(printable(title)), subtitle=_subtitle(subtitle), svg=svg, items=items,
        view=_json_for_html(view), data=_json_for_html(data), css=asset("page.css"),
        what=html.escape(("an " if what[:1] in "aeiou" else "a ") + what), examples=html.escape(examples),
        shape="node" if what == "input" else "edge",
        node_word="node" if model and model["kind"] == "expression" else "neuron",
        values=(f'<details class="values" open><summary>Values (edit any: Enter or leaving the field recomputes)'
                f'</summary><div class="editors">{_editors(model)}</div></details>' if live else ""),
        model=(f'<script type="application/json" data-role="model">{_json_for_html(model)}</script>' if live else ""),
        engine=asset("engine.js") if live else "", script=asset("page.js"),
        live_controls=_LIVE_CONTROLS if live else "",
        skip=('<button type="button" class="skip" data-role="skip">Skip the drawing: to the values</button>'
              if live else ""), walk=_WALK if live else "",
        table=(_TABLE.format(head=table_head) if live else ""))
    if fragment:  # a notebook's output: the view and its own scoped styles, nothing for the page around it
        second = text.index("<style>", text.index("</style>"))
        scoped = text[second:text.index("</style>", second) + len("</style>")]
        body = text[text.index('<div class="backprop-explore"'):text.rindex("</body>")]
        body = body.replace('<div class="backprop-explore">', '<div class="backprop-explore">' + scoped, 1)
        return _suffixed(body, suffix)
    return text


_SCRIPT = re.compile(r"(<script\b[^>]*>)(.*?</script>)", re.S)
_TAG = re.compile(r"<[a-zA-Z][^>]*>")  # attribute values are escaped: no '>' (nor '"') inside one
_ATTRIBUTE = re.compile(r'(\s)([\w:-]+)="([^"]*)"')  # one whole attribute, its value consumed with it
_ID_ATTRIBUTES = {"id", "for", "aria-labelledby", "aria-describedby", "aria-controls"}


def _suffixed(body: str, suffix: str) -> str:
    """The view's ids (and what refers to them) made unique with `suffix`: in its tags only, never in a
    script's text (the embedded JSON holds the spec's name: `Net for=` there was rewritten too)."""
    def attributes(tag: str) -> str:
        return _ATTRIBUTE.sub(lambda m: f'{m[1]}{m[2]}="{m[3]}{suffix}"' if m[2] in _ID_ATTRIBUTES and m[3]
                              else m[0], tag)

    parts = _SCRIPT.split(body)  # text, a script's opening tag, its content and end, text, ...
    return "".join(_TAG.sub(lambda m: attributes(m[0]), part) if i % 3 == 0 else attributes(part) if i % 3 == 1
                   else part for i, part in enumerate(parts))


_LIVE_CONTROLS = """<div class="actions" role="group" aria-label="the values">
<button type="button" data-role="step" id="step">Step</button>
<button type="button" data-role="reset" id="reset">Reset</button>
<button type="button" data-role="download" id="download">Download</button></div>"""

_WALK = """<section class="walk" data-role="walk" aria-labelledby="walk-title"><h2 id="walk-title">Step through</h2>
<div class="actions"><button type="button" data-role="play" id="play" aria-pressed="false">Play</button>
<button type="button" data-role="next" id="next">Next node</button>
<button type="button" data-role="rewind" id="rewind">Back to the start</button>
<label>speed <select data-role="speed" id="speed"><option value="1400">slow</option>
<option value="700" selected>normal</option><option value="250">fast</option>
<option value="40">fastest</option></select></label></div>
<p class="walk-status" data-role="walk-status" id="walk-status" aria-live="polite">the forward pass, then the backward
pass, one node at a time: Play, or Next node (→ while here)</p></section>"""

_TABLE = """<details class="table" open><summary>Table of every node</summary>
<table><thead><tr>{head}</tr></thead><tbody data-role="table-body" id="table-body"></tbody></table></details>"""


_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · backprop explore</title>
<style>
body {{ margin: 0; background: #ffffff; }}
@media (prefers-color-scheme: dark) {{ body {{ background: #15171a; }} }}
</style>
<style>
{css}</style></head>
<body><div class="backprop-explore">
{skip}<div class="head"><h1>{title}</h1><div class="sub">{subtitle}</div></div>
<div class="body"><div class="drawing"><div class="picture">{svg}</div>{values}</div>
<div class="side">{live_controls}
<div class="status" data-role="status" id="status" role="status"></div>
<input id="search" data-role="search" class="search" type="search" placeholder="find {what} ({examples})"
 aria-label="find {what}; Enter chooses it">
<ul id="params" data-role="params" class="params" aria-label="what can be chosen">{items}</ul>
<pre id="hover" data-role="hover" class="hover" aria-live="polite">hover or focus a {node_word} for its values</pre>
{walk}</div>
<div class="wide"><pre id="derivation" data-role="derivation" class="derivation" aria-live="polite" tabindex="0"
 role="region" aria-label="the derivation">choose {what}: click its {shape} or its name</pre>
{table}</div></div>
<script type="application/json" id="view">{view}</script>
<script type="application/json" id="trace-data">{data}</script>
{model}<script>
{engine}
{script}
</script></div></body></html>
"""
