"""`backprop draw`: the network as a picture (matplotlib, the optional `plot` extra).

Neurons are circles with their values, edges are weights (width by magnitude, colour by sign),
and with a weight named every edge of every path from the loss to it is highlighted. In SVG
each neuron is a group `neuron-<name>` and each highlighted edge `path-edge-<n>`, so the picture
can be checked as well as looked at.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core.numbers import number
from ..core.update import worked_lines
from .figures import save_figure
from .style import SUMMARY, WIDE, summarised

POSITIVE, NEGATIVE, HIGHLIGHT = "#1f77b4", "#d62728", "#ff7f0e"


@dataclass
class Picture:
    """What was drawn, for the caller to report."""

    neurons: int
    highlighted_edges: int
    summarised_layers: list[int]
    size: tuple[int, int]  # pixels (PNG)


def shown_neurons(count: int) -> list[int | None]:
    """0-based neurons drawn for a layer of `count`; None marks the gap of a summarised layer."""
    return summarised(range(count))


def draw_network(result, notation, path: str, weight: str | None = None, gradients: bool = False,
                 title: str = "", precision: int = 4) -> Picture:
    """Draw the network of `result` to a .png or .svg file."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.patches import Circle

    from ..core.names import parse_name
    from ..core.reach import edges_on_paths, parameter_neurons, reached

    sizes = result.sizes
    depth = len(sizes) - 1
    layers = [shown_neurons(n) for n in sizes]
    tallest = max(len(s) for s in layers)
    dpi, gap = 100, 2.4  # layers stand `gap` units apart, neurons 1 unit
    x_range, y_range = (-0.8, gap * (depth + 1) + 0.8), (-1.4, tallest + 0.1)
    inches = 1.25
    figure_size = ((x_range[1] - x_range[0]) * inches, (y_range[1] - y_range[0]) * inches + 0.8)
    figure, axes = plt.subplots(figsize=figure_size, dpi=dpi)
    axes.set_xlim(*x_range)
    axes.set_ylim(*y_range)
    axes.set_aspect("equal")  # circles stay circles
    axes.axis("off")

    def position(layer: int, slot: int) -> tuple[float, float]:
        offset = (tallest - len(layers[layer])) / 2
        return gap * layer, tallest - 1 - (slot + offset)

    target = parse_name(weight) if weight else None
    outputs_lit, on_path = set(), set()
    if target is not None:
        layer = target.indices[0]
        neurons = parameter_neurons(sizes, layer, target.indices[1] if len(target.indices) > 1 else None)
        softmax = result.network.softmax_layers
        on_path = edges_on_paths(sizes, softmax, layer, neurons)
        outputs_lit = reached(sizes, softmax, layer, neurons)[depth]
    largest = max(float(abs(l.weights).max()) for l in result.network.layers) or 1.0
    fmt = lambda v: number(v, precision)  # noqa: E731 - a short local formatter
    highlighted = 0
    for l in range(1, depth + 1):
        w = result.network.layers[l - 1].weights
        # beyond this many labels a layer is unreadable: width and colour carry the weights there
        label_edges = sizes[l] * sizes[l - 1] <= (8 if gradients else 16)
        for slot_j, j in enumerate(layers[l]):
            for slot_k, k in enumerate(layers[l - 1]):
                if j is None or k is None:
                    continue
                (x0, y0), (x1, y1) = position(l - 1, slot_k), position(l, slot_j)
                value = float(w[j, k])
                key = (l, j, k)
                is_weight = target is not None and target.kind == "w" and target.indices == (l, j + 1, k + 1)
                hot = key in on_path or is_weight
                line, = axes.plot([x0 + 0.17, x1 - 0.17], [y0, y1], zorder=3 if hot else 1,
                                  color=HIGHLIGHT if hot else (POSITIVE if value >= 0 else NEGATIVE),
                                  linewidth=(4.0 if is_weight else 2.5) if hot else 0.4 + 2.6 * abs(value) / largest,
                                  alpha=1.0 if hot else 0.55)
                if hot:
                    line.set_gid(f"weight-{weight}" if is_weight else f"path-edge-{highlighted}")
                    highlighted += 0 if is_weight else 1
                if label_edges or is_weight:
                    text = f"{fmt(value)}"
                    if gradients:
                        text += f"\n∂ {fmt(float(result.weight_grads[l][j, k]))}"
                    # each source's labels sit at their own distance along the edges, so they do not stack
                    t = 0.28 + 0.44 * slot_k / max(len(layers[l - 1]) - 1, 1)
                    axes.text(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, text, fontsize=6, ha="center",
                              va="center", zorder=4, color="black",
                              bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})
    loss_at = (gap * (depth + 1), (tallest - 1) / 2)
    for slot, i in enumerate(layers[depth]):
        if i is None:
            continue
        x, y = position(depth, slot)
        hot = i in outputs_lit
        line, = axes.plot([x + 0.17, loss_at[0] - 0.22], [y, loss_at[1]], color=HIGHLIGHT if hot else "gray",
                          linewidth=2.5 if hot else 0.8, zorder=3 if hot else 1)
        if hot:
            line.set_gid(f"path-edge-{highlighted}")
            highlighted += 1
    neurons = 0
    for l, slots in enumerate(layers):
        for slot, j in enumerate(slots):
            x, y = position(l, slot)
            if j is None:
                axes.text(x, y, "⋮", fontsize=16, ha="center", va="center")
                continue
            name = notation.post_name(l, j + 1, depth) if l in (0, depth) else notation.pre_name(l, j + 1)
            circle = Circle((x, y), 0.17, facecolor="white", edgecolor="black", linewidth=1.2, zorder=5)
            circle.set_gid(f"neuron-{name}")
            axes.add_patch(circle)
            neurons += 1
            label = name.replace("yhat", "ŷ")
            if len(label) <= 4:
                axes.text(x, y, label, fontsize=7, ha="center", va="center", zorder=6)
            else:  # a course's long name (net_h1) stands above its circle
                axes.text(x, y + 0.22, label, fontsize=6.5, ha="center", va="bottom", zorder=6)
            if l == 0:
                values = f"{fmt(float(result.a[0][0, j]))}"
            else:
                values = (f"{notation.pre}={fmt(float(result.z[l][0, j]))}\n"
                          f"{'ŷ' if l == depth else notation.post}={fmt(float(result.a[l][0, j]))}")
            axes.text(x, y - 0.24, values, fontsize=6.5, ha="center", va="top", zorder=6, color="#333333")
    loss = Circle(loss_at, 0.22, facecolor="#fff3e0", edgecolor="black", linewidth=1.2, zorder=5)
    loss.set_gid("neuron-L")
    axes.add_patch(loss)
    if len(notation.loss) <= 3:
        axes.text(*loss_at, notation.loss, fontsize=9, ha="center", va="center", zorder=6)
    else:
        axes.text(loss_at[0], loss_at[1] + 0.27, notation.loss, fontsize=7.5, ha="center", va="bottom", zorder=6)
    axes.text(loss_at[0], loss_at[1] - 0.3, f"{fmt(result.loss)}\n{result.network.loss.name}", fontsize=6.5,
              ha="center", va="top")
    for l in range(1, depth + 1):
        axes.text(gap * l, -1.0, result.network.layers[l - 1].activation.label, fontsize=8, ha="center", style="italic")
    axes.text(0, -1.0, "input", fontsize=8, ha="center", style="italic")
    heading = (title or "network").replace("$", r"\$")
    if target is not None:
        name = str(target)
        shown = result.shown_name(name)
        if result.is_frozen(name):
            heading += f"\n{shown} is frozen: it stays {fmt(result.value(name))}"
        else:
            t, before, after = result.parameter_state(name)
            heading += "\n" + "\n".join(worked_lines(result.network.optimizer, shown, result.value(name),
                                                     result.learning_rate, result.gradient(name),
                                                     result.updated(name), fmt, loss=notation.loss, before=before,
                                                     state=after, step=t))
    wide = [l for l, n in enumerate(sizes) if n > WIDE]
    if wide:
        heading += f"\n(layers {', '.join(map(str, wide))} summarised: their {SUMMARY} neurons shown)"
    axes.set_title(heading, fontsize=9)
    save_figure(figure, path, dpi)
    # the pixels as matplotlib's renderer counts them (it rounds each side its own way)
    width, height = figure.canvas.get_width_height()
    return Picture(neurons + 1, highlighted, wide, (int(width), int(height)))
