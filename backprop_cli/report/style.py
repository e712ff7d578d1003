"""What every text report shares: the table style, and how a wide layer is summarised."""
from __future__ import annotations

WIDE = 10  # a layer of more neurons shows its first five and last four (text reports, pictures)


def summarised(items: list) -> list:
    """The items of a layer as shown: all, or the first five, None (a gap) and the last four."""
    return list(items) if len(items) <= WIDE else list(items[:5]) + [None] + list(items[-4:])


def table(**options):
    """A rich table in the house style: no box, bold headers, two spaces between columns."""
    from rich.table import Table

    return Table(show_edge=False, header_style="bold", box=None, padding=(0, 2), **options)
