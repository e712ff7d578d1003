"""`backprop draw` and `backprop explore` of the networks whose rows are coupled (contract section 9):
a recurrent network unrolled in time (one column per step, h@t−1 → h@t drawn between columns) and a
batch through batch norm (one column per sample, μ and σ² in a column of their own, joined to every
sample). The nodes and edges are core.unrolled's graph, so the picture shows exactly the paths
`trace` counts; with a parameter named, every node and edge on a path from L to it is lit. In SVG
each node is an element `node-<name>` (`lit-<name>` when lit)."""
from __future__ import annotations

import html

from ..core import mapnames
from ..core.numbers import number
from ..core.update import worked
from .draw import HIGHLIGHT, Picture
from .figures import save_figure

MAX_NODES = 400  # nodes drawn; a larger unrolling is refused (trace and grad show it)


def layout(result) -> dict[str, tuple[float, float, float]]:
    """Every drawn node's shown name -> (x, y, value): columns are steps (or samples), rows levels."""
    net = result.network
    depth = len(net.layers)
    sequence = getattr(net, "sequence", False)
    columns = result.steps if sequence else result.samples
    width = max(result.sizes)
    spot: dict[str, tuple[float, float, float]] = {}

    def name(what: str, layer: int, j: int, column: int) -> str:
        if sequence:
            return mapnames.shown(net, mapnames.node_name(net, what, layer, j, column + 1))
        return f"{mapnames.shown(net, mapnames.node_name(net, what, layer, j))}[{column + 1}]"

    step = width + 1.5  # a column's width: its widest level, and a gap
    for c in range(columns):
        for l in range(depth + 1):
            for j in range(result.sizes[l]):
                x = c * step + j
                # a recurrent layer's units stagger, so that h@t−1 → h@t shows between the columns
                rise = 0.35 * j if l and net.layers[l - 1].kind == "recurrent" else 0.0
                spot[name("a", l, j, c)] = (x, 2.0 * l + rise, float(result.a[l][c, j]))
                if l and net.layers[l - 1].kind not in ("recurrent",):
                    spot[name("z", l, j, c)] = (x + 0.35, 2.0 * l - 0.8, float(result.z[l][c, j]))
    if not sequence:
        for l, layer in enumerate(net.layers, start=1):
            if layer.kind != "batchnorm":
                continue
            mu, var, xhat = layer.statistics(result.a[l - 1])
            for j in range(layer.outputs):
                for what, value in (("mu", mu[j]), ("var", var[j])):
                    shown = mapnames.shown(net, mapnames.node_name(net, what, l, j))
                    spot[shown] = (columns * step + j, 2.0 * l - (1.3 if what == "mu" else 0.5), float(value))
                for s in range(columns):
                    spot[f"{mapnames.shown(net, mapnames.node_name(net, 'xhat', l, j))}[{s + 1}]"] = (
                        s * step + j + 0.7, 2.0 * l - 1.4, float(xhat[s, j]))
    top = 2.0 * depth + 1.5
    loss = mapnames.shown(net, "L")
    spot[loss] = ((columns - 1) * step / 2, top + 1.0, float(result.loss))
    for c in range(columns if not sequence or net.every_step else 0):  # each step's (sample's) own loss
        row = f"L@{c + 1}" if sequence else f"{loss}[{c + 1}]"
        row = mapnames.shown(net, row) if sequence else row
        value = float(result.per_sample_loss[c])
        spot[row] = (c * step, top, value)
    return spot


def _lit(result, weight: str | None) -> set[str]:
    """The shown names of every node on a path from L to parameter `weight` (none without one)."""
    if not weight:
        return set()
    graph = result.unrolled()
    target = graph.ids.get(result.shown_name(weight))
    if target is None:
        return set()
    reaches = [False] * len(graph.names)
    reaches[target] = True
    for node in reversed(graph.order()):
        reaches[node] = reaches[node] or any(reaches[child] for child, _, _ in graph.edges[node])
    return {graph.names[i] for i, on in enumerate(reaches) if on}


def _edges(result, spot: dict) -> list[tuple[str, str]]:
    graph = result.unrolled()
    return [(graph.names[upper], graph.names[child]) for upper in range(len(graph.names))
            for child, _, _ in graph.edges[upper] if graph.names[upper] in spot and graph.names[child] in spot]


def _checked(result) -> dict:
    from ..errors import UsageError

    net = result.network
    columns = result.steps if getattr(net, "sequence", False) else result.samples
    count = columns * sum(result.sizes) * 2  # a bound: z and a of every level, before any is named
    spot = layout(result) if count <= 4 * MAX_NODES else {}
    if len(spot) > MAX_NODES or not spot:
        raise UsageError(f"{max(len(spot), count):,} nodes unrolled: too many to draw (at most {MAX_NODES:,}); "
                         "`backprop trace --weight NAME` shows a parameter's paths")
    return spot


def draw_unrolled(result, notation, path: str, weight: str | None = None, title: str = "",
                  precision: int = 3) -> Picture:
    """Draw the unrolled network to a .png or .svg file; UsageError when too large."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    spot = _checked(result)
    lit = _lit(result, weight)
    xs, ys = [p[0] for p in spot.values()], [p[1] for p in spot.values()]
    figure, axes = plt.subplots(figsize=(max(4.0, (max(xs) - min(xs)) * 1.1 + 2), (max(ys) - min(ys)) * 0.9 + 2),
                                dpi=100)
    axes.axis("off")
    lit_edges = 0
    for upper, lower in _edges(result, spot):
        on = upper in lit and lower in lit
        lit_edges += on
        (x1, y1, _), (x2, y2, _) = spot[upper], spot[lower]
        axes.plot([x1, x2], [y1, y2], color=HIGHLIGHT if on else "#bbbbbb", linewidth=2.0 if on else 0.6,
                  zorder=1)
    fmt = lambda value: number(value, precision)  # noqa: E731 - a short local formatter
    for name, (x, y, value) in spot.items():
        on = name in lit
        dot = axes.scatter([x], [y], s=260, color="white", edgecolors=HIGHLIGHT if on else "#555555",
                           linewidths=2.2 if on else 0.8, zorder=2)
        dot.set_gid(f"{'lit' if on else 'node'}-{name}")
        axes.text(x, y + 0.32, name, fontsize=6, ha="center", zorder=3)
        axes.text(x, y - 0.05, fmt(value), fontsize=5, ha="center", va="center", zorder=3)
    kind = "unrolled in time" if getattr(result.network, "sequence", False) else "one column per sample"
    heading = f"{(title or 'network').replace('$', chr(92) + '$')} · {kind}"
    if weight:
        shown = result.shown_name(weight)
        heading += "\n" + (f"{shown} is frozen: it stays {fmt(result.value(weight))}" if result.is_frozen(weight) else
                           worked(shown, result.value(weight), result.learning_rate, result.gradient(weight),
                                  result.updated(weight), fmt, loss=notation.loss))
    axes.set_title(heading, fontsize=9)
    save_figure(figure, path, 100)
    width, height = figure.canvas.get_width_height()
    return Picture(len(spot), lit_edges, [], (int(width), int(height)))


def unrolled_page(result, notation, traced, precision: int, names: list[str], fragment: bool = False) -> str:
    """`explore`'s page, as `trace` shows it: the unrolled graph as SVG, each parameter a choice that
    lights its paths (class `on-path`) and shows its derivation in `#derivation`."""
    from .derivation import derivation_text
    from .explore import _attr, page
    from .json import trace_object

    spot = _checked(result)
    scale, pad = 60, 40
    xs, ys = [p[0] for p in spot.values()], [p[1] for p in spot.values()]
    left, top = min(xs), max(ys)

    def at(name: str) -> tuple[float, float]:
        x, y, _ = spot[name]
        return pad + (x - left) * scale, pad + (top - y) * scale

    fmt = lambda v: number(v, precision)  # noqa: E731 - a short local formatter
    parts = ['<style>.backprop-explore .cell circle { fill: var(--node); stroke: var(--muted); stroke-width: 1; }'
             ' .backprop-explore .cell.on-path circle { stroke: var(--hot); stroke-width: 4; }'
             ' .backprop-explore line.edge { stroke: var(--muted); stroke-width: 1; }'
             ' .backprop-explore line.edge.on-path { stroke: var(--hot); stroke-width: 3; }</style>']
    ids = {name: f"n-{i}" for i, name in enumerate(spot)}
    edges = _edges(result, spot)
    for i, (upper, lower) in enumerate(edges):
        (x1, y1), (x2, y2) = at(upper), at(lower)
        parts.append(f'<line id="e-{i}" class="edge" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>')
    graph = result.unrolled()
    adjoints = graph.adjoints()
    for name, (_, _, value) in spot.items():
        x, y = at(name)
        info = f"{name} = {fmt(value)}"
        if name in graph.ids:  # hovering shows the node's value and ∂L/∂node, as trace --node gives it
            info += f"\n∂{notation.loss}/∂{name} = {fmt(adjoints[graph.ids[name]])}"
        parts.append(f'<g id="{ids[name]}" class="cell" data-info="{_attr(info)}"><title>{html.escape(info)}</title>'
                     f'<circle cx="{x:.1f}" cy="{y:.1f}" r="14"/><text x="{x:.1f}" y="{y - 18:.1f}">'
                     f"{html.escape(name)}</text></g>")
    width = pad * 2 + (max(xs) - left) * scale
    height = pad * 2 + (top - min(ys)) * scale
    svg = (f'<svg id="graph" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
           f'xmlns="http://www.w3.org/2000/svg">' + "".join(parts) + "</svg>")
    lit = {}
    for name in names:
        on = _lit(result, name)
        lit[result.shown_name(name)] = ([ids[n] for n in spot if n in on] +
                                        [f"e-{i}" for i, (u, v) in enumerate(edges) if u in on and v in on])
    derivations = {p.name: derivation_text(p, precision, traced.loss_symbol) for p in traced.ordered("backward")}
    kinds = " → ".join(layer.kind for layer in result.network.layers)
    subtitle = (f"{traced.description + ' · ' if traced.description else ''}{kinds} · {notation.loss} = "
                f"{number(result.loss, precision)} · η = {number(result.learning_rate, precision)} · shown as "
                "`trace` shows it (the live editing is for dense networks)")
    return page(title=traced.title or "network", subtitle=subtitle, svg=svg, derivations=derivations, lit=lit,
                data=trace_object(traced), symbol=traced.loss_symbol, fragment=fragment)
