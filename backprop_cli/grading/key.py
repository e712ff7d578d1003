"""Answer keys: an answers file holding the true values, which `check` passes."""
from __future__ import annotations

from ..core.names import Notation
from ..core.numbers import exact, fixed
from ..core.result import Result
from ..spec.formula import LINE_BREAK
from ..spec.yamlwrite import string
from ..version import __version__
from .quantities import check_quantity, evaluate, parse_quantity


def default_quantities(result: Result) -> list[str]:
    """What a key holds unless told otherwise: the loss, every gradient and every updated parameter."""
    names = [row[0] for row in result.parameters()]  # the spec's own names where it has them
    return ["loss", *(f"d{result.loss_symbol}/d{x}" for x in names), *(f"{x}_new" for x in names)]


def key_values(result: Result, quantities, notation: Notation) -> list[tuple[str, float]]:
    """(quantity as written, true value) for each quantity; QuantityError for one the network lacks."""
    rows = []
    for text in quantities:
        q = parse_quantity(text, notation)
        check_quantity(result, q, notation)
        rows.append((q.text, evaluate(result, q, notation)))
    return rows


def answer_key(rows: list[tuple[str, float]], decimals: int, notation: Notation, *, spec_path: str | None = None,
               spec_text: str | None = None, student: str | None = None) -> str:
    """The key as YAML: `spec: PATH`, or the spec's own text inline under `network:`; `student:`
    when it is one student's."""
    lines = [f"# answer key by backprop {__version__}: values rounded to {decimals} decimals"]
    if spec_path is not None:
        lines.append(f"spec: {string(spec_path)}")
    else:
        lines.append("network:")
        lines += ["  " + line if line.strip() else "" for line in (spec_text or "").splitlines()]
    if notation.name != "default":
        lines.append(f"notation: {notation.name}")
    if student:
        lines.append(f"student: {student}")
    lines.append("answers:")
    lines += [f"  {text}: {fixed(value, judgeable_decimals(value, decimals))}" for text, value in rows]
    return "\n".join(lines) + "\n"


def judgeable_decimals(value: float, decimals: int) -> int:
    """At least `decimals`, and enough for two significant digits below four decimals, so that
    `check` can judge the key's own numbers (grading/judging.py)."""
    while decimals < 4 and value != 0 and 0.5 * 10.0 ** -decimals > 0.05 * abs(value):
        decimals += 1
    return decimals


def expression_key(spec, result, quantities, decimals: int) -> str:
    """An answers file about an expression, holding it and its point: every step's value and the
    output's derivative with respect to every other name (or the `quantities` asked for)."""
    from .expression import expression_value, parse_expression_quantity

    out = result.output_name
    if not quantities:
        quantities = [name for name, *_ in result.steps()]
        quantities += [f"d{out}/d{n.name}" for n in result.graph.nodes if n.constant is None and n.name != out]
    rows = [(text, expression_value(result, parse_expression_quantity(text, result))) for text in quantities]
    point = ", ".join(f"{string(name)}: {exact(value)}" for name, value in spec.at.items())
    lines = [f"# answer key by backprop {__version__}: values rounded to {decimals} decimals"]
    steps = [line for line in LINE_BREAK.split(spec.text.strip()) if line.strip()]
    if all(line.isprintable() for line in steps):  # readable, one step a line
        lines += ["expression: |"] + ["  " + line for line in steps]
    else:  # anything else escaped in a JSON string (a YAML double-quoted one), so it reads back alike
        lines.append(f"expression: {string(chr(10).join(steps), ascii_only=True)}")
    lines += [f"at: {{{point}}}", "answers:"]
    lines += [f"  {string(text)}: {fixed(value, decimals)}" for text, value in rows]
    return "\n".join(lines) + "\n"
