"""Terminal reports with rich. Every string from a spec is passed as Text, never as markup."""
from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from ..core.names import notation
from ..core.numbers import number
from ..core.update import rules
from ..errors import printable
from .derivation import CANCELLED, accepted_text, derivation_lines, pretty, target_header, update_steps_lines
from .style import MARK_STYLES, MARKS, REFUSED_SHOWN, SUMMARY, WIDE, aligned, summarised, table

if TYPE_CHECKING:  # annotations only: reporters present a Result, never make one
    from ..core.result import Result

UNWRAPPED = 10_000  # columns of output that is not a terminal: a pipe or a CI log never wraps a line


def make_console(no_color: bool = False, file=None, width: int | None = None, record: bool = False) -> Console:
    """A console that leaves colour off for --no-color, NO_COLOR or a non-terminal, and that never
    wraps output going elsewhere than a terminal, whatever COLUMNS says."""
    import sys

    stream = file if file is not None else sys.stdout
    if width is None and not (hasattr(stream, "isatty") and stream.isatty()):
        width = UNWRAPPED  # a wrapped line could split a formula, or start with `::` in a CI log
    return Console(file=file, no_color=no_color or None, highlight=False, emoji=False,
                   markup=False, width=width, soft_wrap=False, record=record)


def plain_text(console: Console, renderable) -> str | None:
    """What `console` would print of `renderable`, without rich's rendering, where that is plain
    text: Text alone or in Groups, on a console that neither colours nor wraps (a pipe, a CI log).
    A class's report is a thousand Texts, which rich takes over a second to lay out; None where
    rich must do it (colour, a terminal's width, a table)."""
    if console.color_system is not None or console.is_terminal or console.width != UNWRAPPED:
        return None
    pieces: list[str] = []
    stack = [renderable]
    while stack:
        item = stack.pop()
        if isinstance(item, Group):
            stack.extend(reversed(item.renderables))
        elif type(item) is Text and "\t" not in item.plain:  # rich would expand a tab
            pieces.append(item.plain + item.end)
        else:
            return None
    return "".join(pieces)


def signed(value: float, precision: int) -> Text:
    """A number, coloured by its sign (colour only; the digits say it too)."""
    style = "red" if value < 0 else "green" if value > 0 else ""
    return Text(number(value, precision), style=style)


def title(name: str, fallback: str) -> Text:
    """The report's title: the spec's name, printed literally."""
    return Text(printable(name or fallback), style="bold")


MANY_ROWS = 200  # a grad table of more parameters is summarised layer by layer


def grad_report(result: Result, rows: list[tuple[str, float, float, float]], *, name: str,
                precision: int, inputs=None) -> Group:
    """The `grad` table: parameter, value, gradient, updated; the loss above it; then, with
    `inputs` (Result.input_rows), each input's gradient."""
    symbol = result.loss_symbol
    header = Text.assemble(title(name, "network"), "  ",
                           ("loss " if result.network.loss.name != "none" else "output ", "dim"),
                           f"{symbol} = " if symbol != "L" else "", number(result.loss, precision),
                           ("   η ", "dim"), number(result.learning_rate, precision))
    if result.samples > 1:
        header.append(f"   ({result.samples} samples, {result.network.reduction})", style="dim")
    if result.network.l2:
        header.append(f"   (with the L2 term (λ/2)·Σw² = {number(result.l2_term, precision)}, λ = "
                      f"{number(result.network.l2, precision)})", style="dim")
    if result.network.optimizer.name != "sgd":
        header.append(f"   {result.network.optimizer.name}", style="dim")
    parts = [header, Text("")]
    counts = result.layer_parameter_counts()
    if len(rows) > MANY_ROWS and len(rows) == sum(counts):
        # every parameter of a big network: each layer's first and last few, the rest in JSON
        parts.append(Text(f"  {len(rows):,} parameters: each layer shows its {SUMMARY} (… marks the rest; "
                          "--format json or --weight NAME has them all)", style="dim"))
        start, shown = 0, []
        for count in counts:
            shown += summarised(rows[start:start + count])
            start += count
        rows = shown
    heads = ["parameter", "value", f"∂{symbol}/∂parameter", "updated"]
    parts.append(aligned(heads, ["left", "right", "right", "right"],
                         [None if row is None else [pretty(row[0]), number(row[1], precision),
                                                    signed(row[2], precision), number(row[3], precision)]
                          for row in rows]))
    notes = [f"{pretty(r[0])}: {CANCELLED}" for r in rows if r is not None and r[2] == 0 and result.cancelled(r[0])]
    optimizer = result.network.optimizer
    if optimizer.name != "sgd":  # the rule each row's `updated` follows, for a parameter p
        notes.append(f"updated by {optimizer.name} ({', '.join(f'{k} {v:g}' for k, v in optimizer.settings.items())}; "
                     f"update {result.stepped_state().step}): " + "; ".join(rules(optimizer, "p", symbol)))
    frozen = [pretty(r[0]) for r in rows if r is not None and result.is_frozen(r[0])]
    if frozen:
        notes.append(f"frozen (the spec's `frozen:`), so not updated: {', '.join(frozen)}")
    parts += [Text(f"  {note}", style="dim") for note in notes]
    if inputs is not None:
        parts += [Text(""), aligned(["input", "value", f"∂{symbol}/∂input"], ["left", "right", "right"],
                                    [[pretty(n), number(v, precision), signed(g, precision)] for n, v, g in inputs])]
    return Group(*parts)



def _glance(trace) -> Text:
    sizes = "-".join(str(s) for s in trace.sizes)
    runs: list[list] = []  # consecutive layers with the same activation: [first, last, activation]
    for i, act in enumerate(trace.activations, start=1):
        if runs and runs[-1][2] == act:
            runs[-1][1] = i
        else:
            runs.append([i, i, act])
    layers = " · ".join(f"layer {a} {act}" if a == b else f"layers {a}–{b} {act}" for a, b, act in runs)
    text = Text(f"network {sizes} · {layers} · loss {trace.loss_name} · η = {trace.learning_rate:g}", style="dim")
    if trace.batch:
        text.append(f" · {len(trace.samples)} samples, {trace.reduction}")
    elif trace.batch_size > 1:  # one sample traced alone: its loss, gradients and update are its own
        text.append(f" · sample {trace.samples[0]} of {trace.batch_size} alone: its own loss, gradients and "
                    "update (the batch's are in a trace without --sample)", style="bold")
    return text


def gap_row(grid: Table) -> None:
    grid.add_row(*(["…"] + [""] * (len(grid.columns) - 1)), style="dim")


def _sample_header(trace, label: str) -> list[str]:
    return [label] if not trace.batch else [f"{label} [{s}]" for s in trace.samples]


def _forward(trace, precision: int) -> list:
    parts = [Text("Forward pass", style="bold underline")]
    if any(n > WIDE for n in trace.sizes):
        parts.append(Text(f"  layers of more than {WIDE} neurons show their {SUMMARY} (… marks the rest; "
                          "--format json has them all)", style="dim"))
    inputs = table()
    inputs.add_column("input")
    for header in _sample_header(trace, "value"):
        inputs.add_column(header, justify="right")
    for item in summarised(trace.inputs):
        if item is None:
            gap_row(inputs)
            continue
        name, values = item
        inputs.add_row(name, *(number(v, precision) for v in values))
    parts.append(inputs)
    depth = len(trace.activations)
    for layer in range(1, depth + 1):
        rows = trace.layer_rows(layer)
        act = trace.activations[layer - 1]
        grid = table(title=f"layer {layer} ({act})", title_justify="left", title_style="italic")
        grid.add_column("pre-activation")
        for header in _sample_header(trace, "value"):
            grid.add_column(header, justify="right")
        grid.add_column("activation")
        for header in _sample_header(trace, "value"):
            grid.add_column(header, justify="right")
        if layer == depth:
            for header in _sample_header(trace, target_header(trace)):
                grid.add_column(header, justify="right")
        for r in summarised(rows):
            if r is None:
                gap_row(grid)
                continue
            pre = [number(v, precision) for v in r.z] or [""] * len(trace.samples)  # pooling: no z
            cells = [pretty(r.pre_name), *pre,
                     pretty(r.post_name), *(number(v, precision) for v in r.a)]
            if r.target is not None:
                cells += [number(v, precision) for v in r.target]
            grid.add_row(*cells)
        parts.append(grid)
        extra = [(name, value) for l, name, value in trace.extra if l == layer]
        if extra:  # batch norm's μ, σ² (one a batch) and x̂ (one a sample); a sequence's step losses
            named = table()
            named.add_column("quantity")
            for header in _sample_header(trace, "value"):
                named.add_column(header, justify="right")
            for name, value in extra:
                shown = value if isinstance(value, list) else [value] + [None] * (len(trace.samples) - 1)
                named.add_row(pretty(name), *("" if v is None else number(v, precision) for v in shown))
            parts.append(named)
    return parts


def _loss(trace, precision: int) -> list:
    heading = "Loss " if trace.loss_name != "none" else "Output"
    line = Text.assemble((heading, "bold underline"), f"  {trace.loss_symbol} = ", pretty(trace.loss_formula), " = ",
                         (number(trace.loss, precision), "bold"))
    parts = [line]
    if trace.l2:
        parts.append(Text(f"  = {number(trace.loss - trace.l2_term, precision)} + the L2 term "
                          f"{number(trace.l2_term, precision)} (λ = {number(trace.l2, precision)})", style="dim"))
    if trace.batch:
        symbol = trace.loss_symbol
        per = ", ".join(f"{symbol}[{s}] = {number(v, precision)}" for s, v in zip(trace.samples, trace.per_sample_loss))
        parts.append(Text(f"  {trace.reduction} of {per}", style="dim"))
    return parts


def _backward(trace, precision: int) -> list:
    grid = table()
    grid.add_column("neuron")
    names = notation(trace.notation)  # column heads in the trace's own names (a/h in padhai notation)
    symbol = trace.loss_symbol
    for header in _sample_header(trace, f"∂{symbol}/∂{names.post}"):
        grid.add_column(header, justify="right")
    for header in _sample_header(trace, f"δ = ∂{symbol}/∂{names.pre}"):
        grid.add_column(header, justify="right")
    for layer in range(len(trace.activations), 0, -1):  # output layer first, as the recursion runs
        rows = trace.layer_rows(layer)
        for r in summarised(rows):  # neurons in their order
            if r is None:
                gap_row(grid)
                continue
            deltas = [signed(v, precision) for v in r.delta] or [""] * len(trace.samples)  # pooling: no z
            both = f"{pretty(r.post_name)} / {pretty(r.pre_name)}" if r.pre_name else pretty(r.post_name)
            grid.add_row(both, *(number(v, precision) for v in r.grad_a), *deltas)
    note = Text("  the factors every path through a neuron reuses (the backward recursion)", style="dim")
    return [Text("Backward pass", style="bold underline"), note, grid]


def parameter_block(p, precision: int, symbol: str = "L") -> list:
    """One traced quantity's derivation (report.derivation), coloured."""
    return [Text.assemble(*((text, style) if style else text for text, style in line))
            for line in derivation_lines(p, precision, symbol)]





def trace_report(trace, precision: int, order: str = "backward") -> Group:
    """The whole `trace` report, top to bottom (parameters output layer first, or `order` forward)."""
    parts: list = [title(trace.title, "network")]
    if trace.description:
        parts.append(Text(printable(trace.description), style="italic"))
    parts += [_glance(trace), Text("")]
    parts += _forward(trace, precision) + [Text("")]
    parts += _loss(trace, precision) + [Text("")]
    parts += _backward(trace, precision) + [Text("")]
    for p in trace.ordered(order):
        parts += parameter_block(p, precision, trace.loss_symbol) + [Text("")]
    for u in trace.updates:
        parts += [Text.assemble(*((text, style) if style else text for text, style in line))
                  for line in update_steps_lines(u, precision, trace.loss_symbol)] + [Text("")]
    return Group(*parts)


def gradcheck_report(checks, *, name: str, eps: float, tol: float, precision: int) -> Group:
    """The `gradcheck` table and a one-line verdict."""
    grid = table()
    grid.add_column("parameter")
    grid.add_column("backprop", justify="right")
    grid.add_column("finite diff.", justify="right")
    grid.add_column("rel. error", justify="right")
    grid.add_column("")
    marks = {"ok": Text("✓", style="green"), "fail": Text("✗ fail", style="bold red"),
             "kink": Text("kink at z = 0", style="yellow")}
    for c in checks:
        grid.add_row(c.name, number(c.backprop, precision), number(c.numeric, precision), f"{c.error:.1e}",
                      marks[c.status])
    failed = sum(c.status == "fail" for c in checks)
    kinks = sum(c.status == "kink" for c in checks)
    worst = max((c.error for c in checks if c.status != "kink"), default=0.0)
    verdict = Text(f"{len(checks)} parameters: {len(checks) - failed - kinks} agree", style="bold")
    verdict.append(f", {failed} over tolerance" if failed else "", style="bold red")
    verdict.append(f", {kinks} at a kink" if kinks else "", style="yellow")
    verdict.append(f"   (largest relative error {worst:.1e}; eps {eps:g}, tol {tol:g})", style="dim")
    return Group(title(name, "network"), Text(""), grid, Text(""), verdict)


def check_report(report, precision: int) -> Group:
    """One answers file: a table of answers, then a sentence for each wrong one."""
    head = Text.assemble((printable(report.path), "bold"), "  ",
                         (f"{report.passed}/{report.judged} right", "green" if not report.failed else "red"))
    grid = table()
    for column, justify in (("line", "right"), ("quantity", "left"), ("given", "right"),
                            ("expected", "right"), ("", "left")):
        grid.add_column(column, justify=justify)
    notes = []
    for o in report.outcomes:
        verdict = o.verdict or ("right" if o.ok else "wrong")
        mark = Text(MARKS.get(verdict, "?"), style=MARK_STYLES.get(verdict, "dim"))
        given = printable(o.answer.written)[:24] if o.answer.written else number(o.answer.given, precision)
        grid.add_row(str(o.answer.line), pretty(o.answer.quantity.text), given,
                      number(o.expected, precision), mark)
        if not o.ok:
            accepted = accepted_text(o.accepted, precision, o.expected, verdict)
            notes.append(Text.assemble((f"  line {o.answer.line} {pretty(o.answer.quantity.text)}: ", "bold"),
                                       o.diagnosis or "no known mistake gives this value; check the steps "
                                       "that lead to it (`backprop trace` shows them).", (accepted, "dim")))
    for r in report.refused[:REFUSED_SHOWN]:
        mark = Text(MARKS[r.verdict], style=MARK_STYLES.get(r.verdict, "dim"))
        grid.add_row(str(r.line), printable(r.key)[:60], printable(r.written)[:24], "", mark)
        what = r.verdict.replace("_", " ")
        notes.append(Text.assemble((f"  line {r.line} {printable(r.key)[:60]}: ", "bold"),
                                   what if r.verdict == "not_answered" else f"{what}: {printable(r.hint)}"))
    if len(report.refused) > REFUSED_SHOWN:
        more = len(report.refused) - REFUSED_SHOWN
        notes.append(Text(f"  and {more:,} more line{'s' if more != 1 else ''} not graded (--format json lists "
                          "every one with its reason)", style="bold"))
    return Group(head, grid, *notes, Text(""))


def check_summary(reports, invalid: int) -> Text:
    """The line for the whole run."""
    passed, failed = sum(r.passed for r in reports), sum(r.failed for r in reports)
    files = len(reports) + invalid
    text = Text(f"{files} file{'s' if files != 1 else ''}: {passed} right, {failed} wrong", style="bold")
    if invalid:
        text.append(f", {invalid} invalid (see the messages above)", style="bold red")
    return text


def check_text(reports, invalid: int, precision: int, quiet: bool) -> Group:
    """`check`'s whole report: a table per file (or a line per file with --quiet), then the total."""
    parts = []
    for report in reports:
        if quiet:  # one unwrapped line per file, for CI logs and grep
            parts.append(Text(f"{printable(report.path)}: {report.passed}/{report.judged} right"))
        else:
            parts.append(check_report(report, precision))
    return Group(*parts, check_summary(reports, invalid))
