"""What every text report shares: the table style, and how a wide layer is summarised."""
from __future__ import annotations

HEAD, TAIL = 5, 4  # a wide layer shows its first HEAD and last TAIL neurons (text reports, pictures)
WIDE = HEAD + TAIL + 1  # layers of more neurons than this are summarised
SUMMARY = f"first {HEAD} and last {TAIL}"


# how a verdict is marked in a text report, and in what colour (the words are in each report's notes)
MARKS = {"right": "✓", "wrong": "✗", "imprecise": "≈", "not_answered": "–", "carried_forward": "↪",
         "unreadable": "?", "not_graded": "·"}
MARK_STYLES = {"right": "green", "wrong": "bold red", "imprecise": "yellow", "carried_forward": "yellow"}
REFUSED_SHOWN = 20  # a file of a thousand unknown names is told so in a screenful, not in 2,000 lines


def summarised(items) -> list:
    """The items of a layer as shown: all, or the first HEAD, None (a gap) and the last TAIL."""
    return list(items) if len(items) <= WIDE else list(items[:HEAD]) + [None] + list(items[-TAIL:])


def table(**options):
    """A rich table in the house style: no box, bold headers, two spaces between columns."""
    from rich.table import Table

    return Table(show_edge=False, header_style="bold", box=None, padding=(0, 2), **options)


def aligned(heads: list[str], justify: list[str], rows: list, *, header_style: str = "bold"):
    """A table laid out as `table()` prints it (no box, two spaces around each cell), as lines of
    Text: rich's Table measures and renders every cell, which costs more than the whole `grad`
    command otherwise does. `rows` hold strings or Texts; None is a gap row (… dimmed)."""
    from rich.text import Text

    cells = [[cell if isinstance(cell, Text) else Text(cell) for cell in row] if row is not None else None
             for row in rows]
    widths = [max([len(head)] + [row[i].cell_len for row in cells if row is not None]) for i, head in enumerate(heads)]
    widths = [max(w, Text(head).cell_len) for w, head in zip(widths, heads)]

    def line(row: list, style: str = "") -> Text:
        out = Text(style=style)
        for cell, width, how in zip(row, widths, justify):
            pad = " " * (width - cell.cell_len)
            out.append("  " + (pad if how == "right" else ""))
            out.append_text(cell)
            out.append((pad if how != "right" else "") + "  ")
        return out

    lines = [line([Text(head, style=header_style) for head in heads])]
    for row in cells:
        lines.append(line([Text("…")] + [Text("")] * (len(heads) - 1), "dim") if row is None else line(row))
    return Text("\n").join(lines)
