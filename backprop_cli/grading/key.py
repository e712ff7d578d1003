"""Answer keys: an answers file holding the true values, which `check` passes."""
from __future__ import annotations

import math

from ..core.names import Notation
from ..core.numbers import exact, fixed
from ..core.result import Result
from ..spec.formula import LINE_BREAK
from ..spec.yamlwrite import string
from ..version import __version__
from .layers import LAYERS, parse_layer_quantity
from .quantities import check_quantity, evaluate, parse_quantity

MAX_FIXED = 17  # decimals a key writes at most before it writes the value exactly instead


def default_quantities(result: Result) -> list[str]:
    """What a key holds unless told otherwise: the loss, every gradient and every updated parameter."""
    if result.kind == LAYERS:
        names = result.shown_parameter_names
        return ["loss", *(f"dL/d{x}" for x in names), *(f"{x}_new" for x in names)]
    names = [row[0] for row in result.parameters()]  # the spec's own names where it has them
    return ["loss", *(f"d{result.loss_symbol}/d{x}" for x in names), *(f"{x}_new" for x in names)]


def key_values(result: Result, quantities, notation: Notation) -> list[tuple[str, float]]:
    """(quantity as written, true value) for each quantity; QuantityError for one the network lacks."""
    rows = []
    if result.kind == LAYERS:  # section 9's layers written out as scalar steps
        return [(text, result.truth(parse_layer_quantity(text, result))) for text in quantities]
    for text in quantities:
        q = parse_quantity(text, notation)
        check_quantity(result, q, notation)
        rows.append((q.text, evaluate(result, q, notation)))
    return rows


def _for_significant(value: float, significant: int) -> int:
    """The decimals that write `value` with `significant` significant digits (0 when none asked)."""
    if not significant or value == 0:
        return 0
    return max(significant - 1 - math.floor(math.log10(abs(value))), 0)


def telling(rows: list[tuple[str, float]], decimals: int, candidates, significant: int = 0,
            reads=None) -> list[tuple[str, float, int, str]]:
    """Each row with the decimals it is written to: `decimals`, or more where fewer could not tell
    the true value from a catalogued mistake or a trivial value (grading.rule), so that `check`
    passes the key at every precision; and why more were needed. `candidates(text, value)` gives a
    row's mistakes; copies of the values it is computed from count too (`reads`: text -> those rows'
    texts, as grading.dependencies.computed_from gives them; default every other row). `significant`:
    at least that many significant digits too (an assignment's `precision: {significant: N}`)."""
    from .rule import TRIVIAL, decimals_to_tell, same_value

    mistakes = {text: list(candidates(text, value)) for text, value in rows}
    reads = reads or {text: {other for other, _ in rows} for text, _ in rows}
    least = {text: max(decimals, _for_significant(value, significant)) for text, value in rows}
    shown = {text: round(value, least[text]) for text, value in rows}
    chosen: dict[str, tuple[int, str]] = {}
    for _ in range(4):  # a copy of another row depends on that row's digits: settle them together
        for text, value in rows:
            copies = [(shown[other], f"a copy of {other}", "copy_of_other_answer") for other, other_value in rows
                      if other != text and not same_value(other_value, value) and other in reads[text]]
            chosen[text] = decimals_to_tell(value, mistakes[text] + list(TRIVIAL) + copies, least[text])
        changed = any(round(value, chosen[text][0]) != shown[text] for text, value in rows)
        shown = {text: round(value, chosen[text][0]) for text, value in rows}
        if not changed:
            break
    return [(text, value, *chosen[text]) for text, value in rows]


def answer_key(rows: list[tuple[str, float]], decimals: int, notation: Notation, *, spec_path: str | None = None,
               spec_text: str | None = None, student: str | None = None, candidates=None,
               precision: tuple[str, int] | None = None, reads=None) -> str:
    """The key as YAML: `spec: PATH`, or the spec's own text inline under `network:`; `student:`
    when it is one student's. Values are rounded to `decimals` (at least the `precision` asked),
    or written with more digits where that could not be told from a known mistake (`candidates`)
    or a copy of a row it reads (`reads`, see telling), with a comment."""
    unit, asked = precision or ("decimals", 0)
    if unit == "decimals":
        decimals = max(decimals, asked)
    lines = [f"# answer key by backprop {__version__}: values rounded to {decimals} decimals"
             + (f" (at least {asked} significant digits)" if unit == "significant" else "")]
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
    significant = asked if unit == "significant" else 0
    lines += _answer_lines(telling(rows, decimals, candidates or (lambda _t, _v: []), significant, reads),
                           decimals, quote=False)
    return "\n".join(lines) + "\n"


def _exactly(value: float) -> str:
    """The float itself, as YAML reads a float back (`3.0e-25`: YAML wants a point in the mantissa)."""
    text = repr(float(value))
    mantissa, e, exponent = text.partition("e")
    return text if "." in mantissa or not e else f"{mantissa}.0e{exponent}"


def _answer_lines(rows, decimals: int, *, quote: bool) -> list[str]:
    lines = []
    for text, value, written, why in rows:
        key = string(text) if quote else text
        note = f"  # {written} decimals: at {decimals} it reads as {why}" if written > decimals and why else ""
        # a value no 17 decimals can tell (4.2e-18 from 0): written exactly, in scientific notation
        shown = _exactly(value) if written >= MAX_FIXED else fixed(value, written)
        lines.append(f"  {key}: {shown}{note}")
    return lines


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
    told = told_from(result, None, rows)
    lines += _answer_lines(telling(rows, decimals, told["candidates"], reads=told["reads"]), decimals, quote=True)
    return "\n".join(lines) + "\n"


def told_from(result, notation, rows) -> dict:
    """What a key's digits must tell its rows from (a network's, an expression's or section 9's layers'):
    `candidates`, (quantity text, true value) -> the catalogued mistakes' (value, sentence); `reads`,
    text -> the rows it is computed from (grading.dependencies.computed_from: a value it may copy)."""
    from ..core.computation import EXPRESSION
    from .dependencies import computed_from, shape_of

    if result.kind == LAYERS:
        from .layers import LayersDiagnoser

        diagnoser, parse = LayersDiagnoser(result), lambda text: parse_layer_quantity(text, result)
    elif result.kind == EXPRESSION:
        from .expression import ExpressionDiagnoser, parse_expression_quantity

        diagnoser, parse = ExpressionDiagnoser(result), lambda text: parse_expression_quantity(text, result)
    else:
        from .diagnoses import Diagnoser

        diagnoser, parse = Diagnoser(result, notation), lambda text: parse_quantity(text, notation)
    by_text = {text: parse(text) for text, _ in rows}
    return {"candidates": lambda text, value: diagnoser.candidates(by_text[text], value),
            "reads": computed_from(result, shape_of(result, notation), by_text)}
