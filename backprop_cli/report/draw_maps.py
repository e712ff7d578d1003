"""`backprop draw` of a network over feature maps: every map a grid of cells holding its values
(sample 1), a dense layer a column of cells, layers left to right; with a weight named, its
receptive field lit: the cells it multiplies at every position and the cells it feeds. In SVG
each cell is an element `cell-<name>` and each lit one `lit-<name>`, so the picture can be
checked as well as looked at.
"""
from __future__ import annotations

from ..core import mapnames
from ..core.numbers import number
from ..core.update import worked
from .draw import HIGHLIGHT, NEGATIVE, POSITIVE, Picture
from .figures import save_figure

MAX_CELLS = 4_096  # cells drawn in all; a larger network is refused (trace and grad show it)
TEXT_SIDE = 12  # maps up to this side print each value in its cell


def _grid_shape(layer_shape: tuple) -> tuple[int, int, int]:
    """(channels, rows, cols) of a level as drawn: a dense layer is one column of neurons."""
    return tuple(layer_shape) if len(layer_shape) == 3 else (1, layer_shape[0], 1)


def draw_maps(result, notation, path: str, weight: str | None = None, gradients: bool = False, title: str = "",
              precision: int = 3) -> Picture:
    """Draw the maps of `result` (sample 1) to a .png or .svg file; UsageError when too large."""
    from ..errors import UsageError

    net = result.network
    shapes = [net.input_shape] + [layer.out_shape if layer.kind != "dense" else (layer.outputs,)
                                  for layer in net.layers]
    grids = [_grid_shape(shape) for shape in shapes]
    total = sum(c * r * w for c, r, w in grids)
    if total > MAX_CELLS:
        raise UsageError(f"{total:,} values: too many to draw (at most {MAX_CELLS:,}); `backprop trace --weight NAME` "
                         "shows a weight's positions and paths")
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.colors import to_rgba
    from matplotlib.patches import Rectangle

    lit = result.receptive_field(weight) if weight else set()
    uses = len(result.parameter_uses(weight)) if weight else 0
    widths = [w for _, _, w in grids]
    heights = [c * (r + 1) for c, r, _ in grids]
    gap = 1.5
    x_total = sum(widths) + gap * (len(grids) - 1)
    y_total = max(heights)
    scale = min(0.5, 14 / max(x_total, 1))
    figure, axes = plt.subplots(figsize=(max(x_total * scale + 1, 4), y_total * scale + 2), dpi=100)
    axes.set_xlim(-0.5, x_total + 0.5)
    axes.set_ylim(-1.5, y_total + 0.5)
    axes.set_aspect("equal")
    axes.axis("off")
    fmt = lambda value: number(value, precision)  # noqa: E731 - a short local formatter
    x = 0.0
    for level, (channels, rows, cols) in enumerate(grids):
        values = (result.input_gradient() if level == 0 else result.grad_a[level]) if gradients else result.a[level]
        largest = max(float(abs(values[0]).max()), 1e-12)
        for c in range(channels):
            top = y_total - c * (rows + 1)
            for r in range(rows):
                for k in range(cols):
                    flat = (c * rows + r) * cols + k
                    value = float(values[0, flat])
                    name = mapnames.shown(net, mapnames.node_name(net, "a", level, flat), notation)
                    colour = POSITIVE if value >= 0 else NEGATIVE
                    on = (level, flat) in lit
                    fill = to_rgba(colour, 0.15 + 0.6 * abs(value) / largest)  # the fill fades, never the outline
                    cell = Rectangle((x + k, top - r - 1), 1, 1, facecolor=fill,
                                     edgecolor=HIGHLIGHT if on else "#555555", linewidth=2.5 if on else 0.4)
                    cell.set_gid(f"{'lit' if on else 'cell'}-{name}")
                    axes.add_patch(cell)
                    if max(rows, cols) <= TEXT_SIDE:
                        axes.text(x + k + 0.5, top - r - 0.5, fmt(value), fontsize=6, ha="center", va="center")
        label = "input" if level == 0 else f"layer {level}\n{net.layers[level - 1].kind}"
        axes.text(x + cols / 2, -1.0, label, fontsize=8, ha="center", style="italic")
        x += cols + gap
    heading = (title or "network").replace("$", r"\$") + (" · ∂L/∂a" if gradients else "")
    if weight:
        shown = result.shown_name(weight)
        if result.is_frozen(weight):
            heading += f"\n{shown} is frozen: it stays {fmt(result.value(weight))}"
        else:
            heading += "\n" + worked(shown, result.value(weight), result.learning_rate, result.gradient(weight),
                                      result.updated(weight), fmt, loss=notation.loss)
    axes.set_title(heading, fontsize=9)
    save_figure(figure, path, 100)
    width, height = figure.canvas.get_width_height()
    return Picture(total, uses, [], (int(width), int(height)))
