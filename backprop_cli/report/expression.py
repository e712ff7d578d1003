"""Reports of an expression (core.graph.ExpressionResult): the steps with their values and
derivatives, then each traced name's paths, as text, Markdown or LaTeX."""
from __future__ import annotations

from rich.console import Group
from rich.text import Text

from ..core.numbers import number
from ..errors import printable
from .style import SUMMARY, summarised, table
from .text import gap_row, parameter_block, signed, title


def _rows(result) -> list[tuple[str, str, float, float]]:
    """(name, step, value, ∂output/∂node): the variables first, then the steps in order."""
    variables = [(name, "", value, gradient) for name, value, gradient in result.input_rows()]
    return variables + [(name, step.split(" = ", 1)[1], value, gradient) for name, step, value, gradient
                        in result.steps()]


def _notes(result) -> list[Text]:
    return [Text(f"  kink: {printable(note)}", style="yellow") for note in result.kinks]


def grad_text(result, precision: int) -> Group:
    """The output's value and its derivative with respect to every input."""
    out = result.output_name
    head = Text.assemble(title(result.title, "expression"), "  ", (f"{out} = ", "dim"),
                         number(result.output, precision))
    grid = table()
    for column, justify in (("input", "left"), ("value", "right"), (f"∂{out}/∂input", "right")):
        grid.add_column(column, justify=justify)
    for name, value, gradient in result.input_rows():
        grid.add_row(printable(name), number(value, precision), signed(gradient, precision))
    return Group(head, Text(""), grid, *_notes(result))


def trace_text(result, traces, precision: int) -> Group:
    """Every step, then every path from the output to each traced name."""
    out = result.output_name
    parts = [title(result.title, "expression")]
    if result.description:
        parts.append(Text(printable(result.description), style="italic"))
    rows = _rows(result)
    steps = len(rows) - len(result.input_rows())
    parts += [Text(f"{steps} step{'s' if steps != 1 else ''} · output {out} = {number(result.output, precision)}",
                   style="dim"), Text(""), Text("Forward and backward", style="bold underline")]
    if len(rows) > 200:
        parts.append(Text(f"  {len(rows):,} names: the {SUMMARY} (… marks the rest; --format json has them all)",
                          style="dim"))
        rows = summarised(rows)
    grid = table()
    for column, justify in (("name", "left"), ("step", "left"), ("value", "right"), (f"∂{out}/∂name", "right")):
        grid.add_column(column, justify=justify)
    for row in rows:
        if row is None:
            gap_row(grid)
            continue
        name, step, value, gradient = row
        grid.add_row(printable(name), printable(step) or "(input)", number(value, precision),
                     signed(gradient, precision))
    parts += [grid, *_notes(result), Text("")]
    for p in traces:
        parts += parameter_block(p, precision, out) + [Text("")]
    return Group(*parts)


def trace_markdown(result, traces, precision: int) -> str:
    """The same as Markdown."""
    from .markdown import _cell, escape, parameter_markdown

    n = lambda v: number(v, precision)  # noqa: E731 - a short local formatter
    out = result.output_name
    lines = [f"# {escape(result.title or 'expression')}", ""]
    if result.description:
        lines += [f"*{escape(result.description)}*", ""]
    lines += ["## Steps", "", f"| name | step | value | ∂{out}/∂name |", "|---|---|---:|---:|"]
    lines += [f"| {_cell(name)} | {_cell(step) or '(input)'} | {n(value)} | {n(gradient)} |"
              for name, step, value, gradient in _rows(result)]
    lines += [f"\n*kink: {_cell(note)}*" for note in result.kinks]
    for p in traces:
        lines += parameter_markdown(p, n, out)
    return "\n".join(lines) + "\n"


def trace_latex(result, traces, precision: int) -> str:
    """The same as a LaTeX document."""
    from .latex import escape_text, formula, name, num, parameter_latex

    n = lambda v: num(v, precision)  # noqa: E731 - a short local formatter
    out = [r"\documentclass{article}", r"\usepackage{amsmath}", r"\usepackage[utf8]{inputenc}",
           r"\allowdisplaybreaks", r"\begin{document}", r"\section*{" + escape_text(result.title or "Expression") + "}"]
    if result.description:
        out.append(escape_text(result.description) + r"\par")
    out.append(r"\begin{align*}")
    out += [f"{name(step_name)} &= {formula(step)} = {n(value)}" + r"\\" for step_name, step, value, _
            in _rows(result) if step]
    out.append(r"\end{align*}")
    for p in traces:
        out += parameter_latex(p, n, result.output_name)
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"
