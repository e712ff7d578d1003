"""`backprop explore` of a network over feature maps: the page shows it as `trace` does. Every map
is a grid of cells (sample 1; hovering a cell shows its a, z and ∂L/∂a), every parameter a button
(`data-param`); choosing one lights its receptive field (class `on-path`: the values it multiplies
at every position and the map it feeds) and shows its derivation in `#derivation`, as `trace`
prints it. The live editing of dense networks' pages is not here."""
from __future__ import annotations

import html

from ..core import mapnames
from ..core.numbers import number
from .derivation import derivation_text
from .draw_maps import MAX_CELLS
from .explore import _attr, page

CELL, WIDE_CELL, GAP, LABEL = 30, 74, 30, 110  # pixels: a map's cell, a dense layer's, the gaps, a caption


def _shapes(net) -> list[tuple[int, int, int]]:
    """Every level's grid (channels, rows, cols), the input first; a dense layer a column."""
    return [net.input_shape] + [layer.out_shape if layer.kind != "dense" else (1, layer.outputs, 1)
                                for layer in net.layers]


def check_size(net) -> None:
    """Refuse a network of more than MAX_CELLS values: before anything is traced for its page."""
    from ..errors import UsageError

    total = sum(c * r * w for c, r, w in _shapes(net))
    if total > MAX_CELLS:
        raise UsageError(f"too many values to show: {total:,} (at most {MAX_CELLS:,}); `backprop trace --weight "
                         "NAME` shows a weight's positions and paths")


def maps_svg(result, notation, precision: int, names: list[str]) -> tuple[str, dict[str, list[str]]]:
    """The maps as an SVG of cells, and for each parameter of `names` the ids of the cells it lights."""
    net = result.network
    check_size(net)
    shapes = _shapes(net)
    parts = ['<style>.backprop-explore .cell rect { fill: var(--node); stroke: var(--muted); stroke-width: 1; }'
             ' .backprop-explore .cell.on-path rect { stroke: var(--hot); stroke-width: 4; }</style>']
    x, tallest = 20, 0
    fmt = lambda v: number(v, precision)  # noqa: E731 - a short local formatter
    for level, (channels, rows, cols) in enumerate(shapes):
        y, width = 40, WIDE_CELL if level and net.layers[level - 1].kind == "dense" else CELL  # room for digits
        for c in range(channels):
            for r in range(rows):
                for k in range(cols):
                    flat = (c * rows + r) * cols + k
                    name = mapnames.shown(net, mapnames.node_name(net, "a", level, flat), notation)
                    info = f"{name} = {fmt(result.a[level][0, flat])}"
                    if level and result.z[level] is not None:
                        z = mapnames.shown(net, mapnames.node_name(net, "z", level, flat), notation)
                        info += f"\n{z} = {fmt(result.z[level][0, flat])}"
                    gradient = result.input_gradient() if level == 0 else result.grad_a[level]
                    info += f"\n∂{notation.loss}/∂{name} = {fmt(gradient[0, flat])}"
                    cx, cy = x + k * width, y + r * CELL
                    parts.append(f'<g id="c-{level}-{flat}" class="cell" data-info="{_attr(info)}">'
                                 f"<title>{html.escape(info)}</title>"
                                 f'<rect x="{cx}" y="{cy}" width="{width}" height="{CELL}"/>'
                                 f'<text x="{cx + width / 2}" y="{cy + CELL / 2 + 4}">'
                                 f"{html.escape(fmt(result.a[level][0, flat]))}</text></g>")
            y += rows * CELL + CELL / 2
        label = "input" if level == 0 else f"layer {level} {net.layers[level - 1].kind}"
        span = max(cols * width, LABEL)  # every caption has room of its own
        parts.append(f'<text class="caption" x="{x + cols * width / 2}" y="24">{html.escape(label)}</text>')
        tallest = max(tallest, y)
        x += span + GAP
    lit = {}
    for name in names:
        lit[result.shown_name(name)] = [f"c-{level}-{flat}" for level, flat in sorted(result.receptive_field(name))]
    svg = (f'<svg id="graph" viewBox="0 0 {x:.0f} {tallest + 20:.0f}" width="{x:.0f}" height="{tallest + 20:.0f}" '
           'data-role="graph" '
           f'xmlns="http://www.w3.org/2000/svg">' + "".join(parts) + "</svg>")
    return svg, lit


def maps_page(result, notation, traced, precision: int, names: list[str], fragment: bool = False) -> str:
    """The page of a network over maps: its traced parameters (core.tracing.Trace), each clickable."""
    from .json import trace_object

    svg, lit = maps_svg(result, notation, precision, names)
    derivations = {p.name: derivation_text(p, precision, traced.loss_symbol) for p in traced.ordered("backward")}
    kinds = " → ".join(layer.kind for layer in result.network.layers)
    subtitle = [f"{traced.description + ' · ' if traced.description else ''}{kinds} · {notation.loss} = ",
                ("loss", number(result.loss, precision)),
                f" · η = {number(result.learning_rate, precision)} · shown as `trace` shows it (the live editing is "
                "for dense networks and expressions)"]
    return page(title=traced.title or "untitled network", subtitle=subtitle, svg=svg, derivations=derivations, lit=lit,
                data=trace_object(traced), symbol=traced.loss_symbol, fragment=fragment)
