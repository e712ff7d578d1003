"""Terminal reports with rich. Every string from a spec is passed as Text, never as markup."""
from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from ..engine import Result
from . import number


def make_console(no_color: bool = False, file=None, width: int | None = None) -> Console:
    """A console that leaves colour off for --no-color, NO_COLOR or a non-terminal."""
    return Console(file=file, no_color=no_color or None, highlight=False, emoji=False,
                   markup=False, width=width, soft_wrap=False)


def signed(value: float, precision: int) -> Text:
    """A number, coloured by its sign (colour only; the digits say it too)."""
    style = "red" if value < 0 else "green" if value > 0 else ""
    return Text(number(value, precision), style=style)


def title(name: str, fallback: str) -> Text:
    """The report's title: the spec's name, printed literally."""
    return Text(name or fallback, style="bold")


def grad_report(result: Result, rows: list[tuple[str, float, float, float]], *, name: str,
                precision: int) -> Group:
    """The `grad` table: parameter, value, gradient, updated; the loss above it."""
    header = Text.assemble(title(name, "network"), "  ",
                           ("loss ", "dim"), number(result.loss, precision),
                           ("   η ", "dim"), number(result.learning_rate, precision))
    if result.samples > 1:
        header.append(f"   ({result.samples} samples, {result.network.reduction})", style="dim")
    table = Table(show_edge=False, header_style="bold", box=None, padding=(0, 2))
    table.add_column("parameter")
    table.add_column("value", justify="right")
    table.add_column("∂L/∂parameter", justify="right")
    table.add_column("updated", justify="right")
    for pname, value, gradient, updated in rows:
        table.add_row(pname, number(value, precision), signed(gradient, precision), number(updated, precision))
    return Group(header, Text(""), table)
