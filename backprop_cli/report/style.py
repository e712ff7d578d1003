"""What every text report shares: the table style, and how a wide layer is summarised."""
from __future__ import annotations

HEAD, TAIL = 5, 4  # a wide layer shows its first HEAD and last TAIL neurons (text reports, pictures)
WIDE = HEAD + TAIL + 1  # layers of more neurons than this are summarised
SUMMARY = f"first {HEAD} and last {TAIL}"


def summarised(items) -> list:
    """The items of a layer as shown: all, or the first HEAD, None (a gap) and the last TAIL."""
    return list(items) if len(items) <= WIDE else list(items[:HEAD]) + [None] + list(items[-TAIL:])


def table(**options):
    """A rich table in the house style: no box, bold headers, two spaces between columns."""
    from rich.table import Table

    return Table(show_edge=False, header_style="bold", box=None, padding=(0, 2), **options)
