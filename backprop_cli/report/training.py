"""`train`'s text report: first and last loss per learning rate, and the curves drawn in characters."""
from __future__ import annotations

import math

from rich.console import Group
from rich.text import Text

from ..core.numbers import number
from .text import title

_MARKS = "•×+o*#%@"
_COLOURS = ("cyan", "magenta", "yellow", "green", "blue", "red", "white", "bright_black")


def loss_curve(runs, width: int = 64, height: int = 12) -> Text:
    """The loss per epoch of each run, drawn with characters (one mark and colour per run)."""
    top = max(max(r.losses) for r in runs)
    bottom = min(min(r.losses) for r in runs)
    log = bottom > 0 and top / bottom > 100  # several orders of magnitude: a log scale shows them all
    scale = math.log10 if log else (lambda v: v)
    span = (scale(top) - scale(bottom)) or 1.0
    longest = max(len(r.losses) for r in runs)
    grid = [[(" ", "")] * width for _ in range(height)]
    for n, r in enumerate(runs):
        for column in range(width):
            epoch = round(column * (longest - 1) / max(width - 1, 1))
            if epoch >= len(r.losses):
                continue
            row = round((scale(top) - scale(r.losses[epoch])) / span * (height - 1))
            grid[row][column] = (_MARKS[n % len(_MARKS)], _COLOURS[n % len(_COLOURS)])
    label_width = max(len(f"{top:.4g}"), len(f"{bottom:.4g}"))
    text = Text()
    for i, row in enumerate(grid):
        label = f"{top:.4g}" if i == 0 else f"{bottom:.4g}" if i == height - 1 else ""
        text.append(f"{label:>{label_width}} │")
        for mark, style in row:
            text.append(mark, style=style)
        text.append("\n")
    text.append(" " * label_width + " └" + "─" * width + "\n")
    last = str(longest - 1)
    wide = width >= len(last) + 8  # room for the word: a narrow curve shows the numbers alone
    axis = f"epoch 0{' ' * (width - len(last) - 7)}{last}" if wide else f"0{' ' * max(width - len(last) - 1, 1)}{last}"
    text.append(" " * (label_width + 2) + axis)
    if log:
        text.append("\n" + " " * (label_width + 2) + "(loss on a log scale)", style="dim")
    return text


def training_report(runs, name: str, until_loss, precision: int) -> Group:
    """First and last loss, where and why each run stopped, and the curves."""
    why = {"epochs": "epochs done", "until-loss": f"loss < {until_loss:g}" if until_loss is not None else "",
           "interrupted": "interrupted"}
    lines = [title(name, "network")]
    for n, r in enumerate(runs):
        line = Text(f"{_MARKS[n % len(_MARKS)]} ", style=_COLOURS[n % len(_COLOURS)])
        line.append(f"η = {r.learning_rate:g}: loss {number(r.losses[0], precision)} → "
                    f"{number(r.losses[-1], precision)} in {r.epochs} epoch{'s' if r.epochs != 1 else ''} "
                    f"({why[r.stopped]})")
        lines.append(line)
    return Group(*lines, Text(""), loss_curve(runs))
