"""`backprop draw` of an expression: its graph layered by depth (inputs left, the output right),
each node with its value and its derivative, the paths from the output to a chosen input lit.
In SVG each node is `node-<name>` and each lit edge `path-edge-<n>`, as for networks."""
from __future__ import annotations

from ..core.numbers import number
from .draw import HIGHLIGHT, Picture
from .figures import save_figure

MAX_DRAWN = 200  # nodes; a bigger graph is unreadable as one picture (trace shows it)


def depths(graph) -> list[int]:
    """Each node's layer: 0 for an input, one more than its deepest operand for a step."""
    depth = [0] * len(graph.nodes)
    for i, node in enumerate(graph.nodes):
        operands = [depth[j] for j in node.operands if graph.nodes[j].constant is None]
        depth[i] = 1 + max(operands, default=-1)
    return depth


def lit_edges(result, target: int) -> set[tuple[int, int]]:
    """(user, operand) edges on a path from the output down to node `target`."""
    graph = result.graph
    reaches = [False] * len(graph.nodes)  # reaches the target going down
    reaches[target] = True
    for i, node in enumerate(graph.nodes):
        reaches[i] = reaches[i] or any(reaches[j] for j in node.operands)
    from_output = [False] * len(graph.nodes)
    from_output[graph.output] = True
    for i in range(len(graph.nodes) - 1, -1, -1):
        if from_output[i]:
            for j in graph.nodes[i].operands:
                from_output[j] = True
    return {(edge.user, edge.operand) for edge in result.edges if reaches[edge.operand] and from_output[edge.user]}


def draw_graph(result, path: str, target: str | None, title: str, precision: int) -> Picture:
    """Draw the graph of `result` to a .png or .svg file; `target` names an input (or step) whose
    paths are lit."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.patches import Circle

    graph = result.graph
    shown = [i for i, n in enumerate(graph.nodes) if n.constant is None]
    if len(shown) > MAX_DRAWN:
        from ..errors import UsageError

        raise UsageError(f"the expression has {len(shown):,} names, too many to draw (at most {MAX_DRAWN}); "
                         "`backprop trace` shows them all")
    depth = depths(graph)
    columns: dict[int, list[int]] = {}
    for i in shown:
        columns.setdefault(depth[i], []).append(i)
    tallest = max(len(c) for c in columns.values())
    gap, rise = 2.2, 1.4  # columns and rows this far apart: room for each node's three lines
    where = {i: (gap * d, rise * ((tallest - 1) / 2 + (len(column) - 1) / 2 - row))
             for d, column in columns.items() for row, i in enumerate(column)}
    width, height = gap * max(columns) + 1.6, rise * (tallest - 1) + 1.8
    figure, axes = plt.subplots(figsize=(width * 1.15, height * 1.15 + 0.6), dpi=100)
    axes.set_xlim(-0.8, width - 0.8)
    axes.set_ylim(-1.4, height - 1.4)
    axes.set_aspect("equal")
    axes.axis("off")
    lit = lit_edges(result, result.index(target)) if target else set()
    fmt = lambda v: number(v, precision)  # noqa: E731 - a short local formatter
    highlighted = 0
    for edge in result.edges:
        (x0, y0), (x1, y1) = where[edge.operand], where[edge.user]
        hot = (edge.user, edge.operand) in lit
        line, = axes.plot([x0 + 0.2, x1 - 0.2], [y0, y1], color=HIGHLIGHT if hot else "gray",
                          linewidth=2.5 if hot else 0.8, zorder=3 if hot else 1)
        if hot:
            line.set_gid(f"path-edge-{highlighted}")
            highlighted += 1
        axes.text(x0 + (x1 - x0) * 0.5, y0 + (y1 - y0) * 0.5, fmt(edge.value), fontsize=6, ha="center",
                  va="center", zorder=4, bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})
    out = result.output_name
    for i in shown:
        node, (x, y) = graph.nodes[i], where[i]
        circle = Circle((x, y), 0.2, facecolor="#fff3e0" if i == graph.output else "white", edgecolor="black",
                        linewidth=1.2, zorder=5)
        circle.set_gid(f"node-{node.name}")
        axes.add_patch(circle)
        axes.text(x, y, node.name if len(node.name) <= 4 else node.name[:3] + "…", fontsize=7, ha="center",
                  va="center", zorder=6)
        step = graph.step(i).split(" = ", 1)[1] if node.op else "input"
        axes.text(x, y - 0.26, f"{step}\n= {fmt(result.values[i])}\n∂{out}/∂{node.name} = {fmt(result.derivatives[i])}",
                  fontsize=6, ha="center", va="top", zorder=6, color="#333333")
    heading = (title or "expression").replace("$", r"\$")
    if target:
        heading += f"\n∂{out}/∂{target} = {fmt(result.derivative(target))}: the sum over the lit paths"
    axes.set_title(heading, fontsize=9)
    size = (round(width * 1.15 * 100), round((height * 1.15 + 0.6) * 100))
    save_figure(figure, path, 100)
    return Picture(len(shown), highlighted, [], size)
