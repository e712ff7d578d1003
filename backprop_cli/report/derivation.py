"""One traced quantity's derivation as lines of text with a style each: its paths, each factor
`symbol = formula = value`, the products, the sum and the update. The terminal report colours
these lines (report/text.py); the explorer page shows them as they are. No rich here, so the page
does not pay for it."""
from __future__ import annotations

import math
import unicodedata

from ..core.numbers import number
from ..core.update import traced_lines

CANCELLED = "exactly 0: the paths cancel (what the arithmetic left was rounding)"


def pretty(name: str) -> str:
    """A node name as the tutorials print it (yhat1 -> ŷ1)."""
    return name.replace("yhat", "ŷ")


def target_header(trace) -> str:
    """The output table's last column: the target, or a circuit's upstream gradient ∂f/∂ŷ."""
    return "target" if trace.target_letter == "y" else f"{trace.target_letter} = ∂{trace.loss_symbol}/∂ŷ"


WIDER = 1e3  # an interval around 0 this many times the true value's size says nothing of its digits


# what an answer's interval is, by its verdict: a wrong one's would have been right; a carried-forward
# one's is what its step gives on the file's own earlier answers; an imprecise one's holds it too
INTERVAL_SAID = {"carried_forward": "this step on your own answers gives", "imprecise": "reached within"}


def accepted_text(accepted, precision: int, expected: float | None = None, verdict: str = "wrong") -> str:
    """A note on the answer's interval ("" when there is none): for a wrong answer, the interval that
    would have been right; one so wide around 0 that it says nothing of the true value (1e308
    written for 0.08, whose last digit is the 10^308s: within ±5e299) gives that value's size too."""
    if not accepted:
        return ""
    low, high = accepted
    said = INTERVAL_SAID.get(verdict, "right would be within")
    within = f" ({said} [{number(low, precision)}, {number(high, precision)}]"
    if far_wider(accepted, expected):
        return f"{within}, far wider than the true value {number(expected, precision)})"  # (whatever set it)
    return within + ")"


def far_wider(accepted, expected: float | None) -> bool:
    """Whether an interval straddles 0 and is more than WIDER times the true value's size either way:
    it says nothing of that value's digits (an exact 0 is its own size: never)."""
    return bool(accepted and expected and accepted[0] < 0 < accepted[1]
                and accepted[1] - accepted[0] > 2 * WIDER * abs(expected))


def count_text(n: int) -> str:
    """A path count: exact below a million, else 1.3e30 (also beyond float64: 2^5000 is 1.4e1505)."""
    if n < 10**6:
        return str(n)
    exponent = len(str(n)) - 1 if n < 10**4000 else int(math.log10(n))
    while n >= 10 ** (exponent + 1):  # log10 of a huge int can come out one short
        exponent += 1
    scale = 10 ** (exponent - 1)  # two significant digits, rounded half up on the exact integer
    tenths = (n + scale // 2) // scale
    if tenths >= 100:
        exponent, tenths = exponent + 1, tenths // 10
    return f"{tenths // 10}.{tenths % 10}e{exponent}".replace(".0e", "e")


def cells(text: str) -> int:
    """Terminal columns `text` takes (wide East Asian characters take two, combining marks none)."""
    if text.isascii():
        return len(text)
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def derivation_lines(p, precision: int, symbol: str = "L") -> list[list[tuple[str, str]]]:
    """The derivation of ParameterTrace `p`: lines, each a list of (text, style) pieces; style is
    "" or one of bold, cyan, dim, yellow."""
    symbol = pretty(p.of) if p.of else symbol  # ∂X/∂Y between two nodes: X in the loss's place
    count = f"{count_text(p.path_count)} path" + ("" if p.path_count == 1 else "s")
    lines = [[(f"∂{symbol}/∂{pretty(p.name)}", "bold"), (f"   {count}", "")]]
    if p.node:  # a node's own value, beside its derivative
        lines.append([(f"  {pretty(p.name)} = {number(p.value, precision)}", "dim")])
    paths, zeros = p.grouped()
    # one alignment for all the paths of a parameter
    rows = [[(pretty(f.symbol), pretty(f.formula), number(f.value, precision)) for f in path.factors]
            for path in paths]
    every = [cell for path_rows in rows for cell in path_rows]
    widths = [max((cells(c[i]) for c in every), default=0) for i in range(3)]
    widths[0] = max(widths[0], len("product"))
    widths[2] = max([widths[2]] + [len(number(path.product, precision)) for path in paths])

    def pad(text: str, width: int, right: bool = False) -> str:
        gap = " " * (width - cells(text))
        return gap + text if right else text + gap

    for n, (path, path_rows) in enumerate(zip(paths, rows), start=1):
        where = f" (sample {path.sample})" if path.sample else ""
        lines.append([(f"  path {n}{where}  ", ""), (" → ".join(pretty(x) for x in path.nodes), "cyan")])
        for factor_symbol, formula, value in path_rows:
            row = f"{pad(factor_symbol, widths[0])} = {pad(formula, widths[1])} = {pad(value, widths[2], True)}"
            lines.append([("     " + row, "")])
        lines.append([("     ", ""), (pad("product", widths[0]), "bold"), (f"   {' ' * widths[1]} = ", ""),
                      (pad(number(path.product, precision), widths[2], True), "bold")])
    for group in zeros:
        f = group.factor
        more = " more" if paths else ""
        lines.append([(f"  {count_text(group.count)}{more} path{'s' if group.count != 1 else ''} with product 0: "
                       f"{'each passes' if group.count != 1 else 'it passes'} through {pretty(f.symbol)} = "
                       f"{pretty(f.formula)} = 0", "dim")])
    if len(p.paths) < p.path_count:
        more = p.path_count - len(p.paths)
        lines.append([(f"  … and {count_text(more)} more path{'s' if more != 1 else ''}, summing to "
                       f"{number(p.omitted_sum, precision)}", "yellow")])
    lines += _positions(p, precision)
    if p.per_sample:
        per = ", ".join(f"[{s}] {number(g, precision)}" for s, g in p.per_sample)
        lines.append([(f"  per sample: {per}", "dim")])
    total = "sum of all paths" if p.per_sample == [] else "sum of all paths (over the samples, with 1/n)"
    lines.append([(f"  {total} = ∂{symbol}/∂{pretty(p.name)} = ", ""), (number(p.gradient, precision), "bold")])
    if p.cancelled:
        lines.append([(f"  {CANCELLED}", "yellow")])
    if p.node:
        return lines
    if p.frozen:
        lines.append([(f"  update  {pretty(p.name)} is frozen (the spec's `frozen:`): it stays "
                       f"{number(p.value, precision)}", "")])
        return lines
    show = lambda v: number(v, precision)  # noqa: E731 - a short local formatter
    for i, line in enumerate(traced_lines(p, show, loss=symbol)):
        lines.append([(("  update  " if i == 0 else " " * 10) + line, "")])
    return lines


UPDATES_SHOWN = 3  # of a value after many updates, the first and the last few are worked out


def shown_updates(updates: int) -> list[int]:
    """Which of K updates a report works out: all of a few, else the first and last UPDATES_SHOWN."""
    if updates <= 2 * UPDATES_SHOWN + 1:
        return list(range(1, updates + 1))
    return [*range(1, UPDATES_SHOWN + 1), *range(updates - UPDATES_SHOWN + 1, updates + 1)]


def update_steps_lines(u, precision: int, symbol: str = "L") -> list[list[tuple[str, str]]]:
    """A value after K updates (core.updatesteps.UpdateSteps), as derivation_lines writes a parameter:
    per update shown, the loss before it and the update's worked lines; the updates between counted."""
    show = lambda v: number(v, precision)  # noqa: E731 - a short local formatter
    lines = [[(f"{pretty(u.name)} after {count_text(u.updates)} update{'s' if u.updates != 1 else ''}", "bold")]]
    previous = 0
    for k in shown_updates(u.updates):
        if k != previous + 1:
            lines.append([(f"  … {count_text(k - previous - 1)} more updates", "yellow")])
        previous = k
        lines.append([(f"  update {k}  ", ""), (f"{symbol} = {show(u.losses[k - 1])} before it", "dim")])
        step = u.steps[k - 1] if u.steps else None
        if step is not None and step.frozen:
            lines.append([(f"          {pretty(step.name)} is frozen (the spec's `frozen:`): it stays "
                           f"{show(step.value)}", "")])
        elif step is not None:
            lines += [[("          " + line, "")] for line in traced_lines(step, show, loss=symbol)]
    lines.append([(f"  after update {count_text(u.updates)}: {pretty(u.name)} = ", ""), (show(u.value), "bold")]
                 + ([(f"   ({symbol} = {show(u.losses[-1])})", "dim")] if u.steps else []))
    return lines


POSITIONS_SHOWN = 12  # a shared weight's positions listed one per line; the rest are counted


def _positions(p, precision: int) -> list[list[tuple[str, str]]]:
    """A shared weight's gradient grouped by the positions where it is used: the z it feeds, what
    it multiplies there, how many paths and their sum; positions whose paths sum to 0 counted."""
    if not p.positions:
        return []
    if p.grouped_by == "step":  # backpropagation through time: each step's part, dL/dwh111@t
        return _steps(p, precision)
    what = "sample" if p.grouped_by == "sample" else "position"
    lines = [[(f"  by {what}: {pretty(p.name)} is used at {len(p.positions)}; per {what}, the paths into "
               "that node times what the parameter multiplies there", "dim")]]
    live = [row for row in p.positions if row[3] != 0]
    for z, source, count, total in live[:POSITIONS_SHOWN]:
        lines.append([(f"    {pretty(z)} ← {pretty(source)}: {count_text(count)} path{'s' if count != 1 else ''}, "
                       f"sum {number(total, precision)}", "")])
    rest = len(p.positions) - min(len(live), POSITIONS_SHOWN)
    if rest:
        paths = sum(row[2] for row in p.positions) - sum(row[2] for row in live[:POSITIONS_SHOWN])
        zero = len(p.positions) - len(live)
        lines.append([(f"    … {rest} more position{'s' if rest != 1 else ''} ({count_text(paths)} paths; "
                       f"{zero} of them summing to 0)", "dim")])
    return lines


def _steps(p, precision: int) -> list[list[tuple[str, str]]]:
    """A recurrent parameter's gradient as the sum of each time step's part (∂L/∂wh111@2 is step
    2's): the paths into the unit at that step times what the parameter multiplies there."""
    lines = [[(f"  by step: ∂L/∂{pretty(p.name)} = Σt ∂L/∂{pretty(p.name)}@t, step t's part the paths into the "
               "unit at t times its local derivative there", "dim")]]
    for node, local, count, total in p.positions[:POSITIONS_SHOWN]:
        step = node.rpartition("@")[2]
        lines.append([(f"    ∂L/∂{pretty(p.name)}@{step} = ({pretty(node)} ← {pretty(local)}): {count_text(count)} "
                       f"path{'s' if count != 1 else ''}, sum {number(total, precision)}", "")])
    rest = len(p.positions) - POSITIONS_SHOWN
    if rest > 0:
        lines.append([(f"    … {rest} more step{'s' if rest != 1 else ''}", "dim")])
    return lines


def derivation_text(p, precision: int, symbol: str = "L") -> str:
    """The derivation as plain text, exactly as `trace` prints it."""
    return "\n".join("".join(text for text, _ in line) for line in derivation_lines(p, precision, symbol))
