"""Answer keys: an answers file holding the true values, which `check` passes."""
from __future__ import annotations

import json

from .. import __version__
from ..core.names import Notation
from ..core.numbers import fixed
from ..core.result import Result
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
               spec_text: str | None = None) -> str:
    """The key as YAML: `spec: PATH`, or the spec's own text inline under `network:`."""
    lines = [f"# answer key by backprop {__version__}: values rounded to {decimals} decimals"]
    if spec_path is not None:
        lines.append(f"spec: {json.dumps(spec_path, ensure_ascii=False)}")  # a JSON string is a YAML string
    else:
        lines.append("network:")
        lines += ["  " + line if line.strip() else "" for line in (spec_text or "").splitlines()]
    if notation.name != "default":
        lines.append(f"notation: {notation.name}")
    lines.append("answers:")
    lines += [f"  {text}: {fixed(value, decimals)}" for text, value in rows]
    return "\n".join(lines) + "\n"
