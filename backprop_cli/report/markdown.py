"""`trace --format markdown`: tables and formulas a student can paste into a notebook."""
from __future__ import annotations

import re

from ..core.names import notation
from ..core.numbers import number
from ..core.update import traced_lines
from ..errors import printable
from .derivation import CANCELLED, count_text, pretty, shown_updates, target_header

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|])")


def escape(text: str) -> str:
    """User text (a spec's name) as literal Markdown."""
    return _SPECIAL.sub(r"\\\1", printable(text))


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def trace_markdown(trace, precision: int, order: str = "backward") -> str:
    """The trace as Markdown: forward tables, loss, deltas, then each parameter's paths (output
    layer first, or `order` forward)."""
    n = lambda v: number(v, precision)  # noqa: E731 - a short local formatter
    pre, post = notation(trace.notation).pre, notation(trace.notation).post  # column heads in the trace's names
    samples = trace.samples if trace.batch else [None]
    tag = lambda label, s: label if s is None else f"{label} [{s}]"  # noqa: E731
    lines = [f"# {escape(trace.title or 'network')}", ""]
    if trace.description:
        lines += [f"*{escape(trace.description)}*", ""]
    sizes = "-".join(str(s) for s in trace.sizes)
    lines += [f"Network {sizes}; " + ", ".join(f"layer {i} {a}" for i, a in enumerate(trace.activations, 1))
              + f"; loss {trace.loss_name}; η = {trace.learning_rate:g}", "", "## Forward pass", ""]
    lines += ["| input | " + " | ".join(tag("value", s) for s in samples) + " |",
              "|---|" + "---:|" * len(samples)]
    lines += [f"| {name} | " + " | ".join(n(v) for v in values) + " |" for name, values in trace.inputs]
    for layer in range(1, len(trace.activations) + 1):
        last = layer == len(trace.activations)
        lines += ["", f"Layer {layer} ({trace.activations[layer - 1]})", ""]
        header = ["pre-activation", *(tag("value", s) for s in samples), "activation",
                  *(tag("value", s) for s in samples)] + ([tag(target_header(trace), s) for s in samples]
                                                          if last else [])
        lines += ["| " + " | ".join(header) + " |", "|---|" + "---:|" * len(samples) + "---|"
                  + "---:|" * (len(samples) * (2 if last else 1))]
        for r in trace.layer_rows(layer):
            cells = [pretty(r.pre_name), *map(n, r.z), pretty(r.post_name), *map(n, r.a)]
            cells += list(map(n, r.target)) if r.target is not None else []
            lines.append("| " + " | ".join(cells) + " |")
    sym = trace.loss_symbol
    lines += ["", "## Loss" if trace.loss_name != "none" else "## Output", "",
              f"{sym} = {pretty(trace.loss_formula)} = **{n(trace.loss)}**", "",
              "## Backward pass", "", "| neuron | " + " | ".join(tag(f"∂{sym}/∂{post}", s) for s in samples) + " | "
              + " | ".join(tag(f"δ = ∂{sym}/∂{pre}", s) for s in samples) + " |",
              "|---|" + "---:|" * (2 * len(samples))]
    for layer in range(len(trace.activations), 0, -1):  # output layer first, neurons in order
        for r in trace.layer_rows(layer):
            lines.append(f"| {pretty(r.post_name)} / {pretty(r.pre_name)} | " + " | ".join(map(n, r.grad_a)) + " | "
                         + " | ".join(map(n, r.delta)) + " |")
    for p in trace.ordered(order):
        lines += parameter_markdown(p, n, sym)
    for u in trace.updates:
        lines += updates_markdown(u, n, sym)
    return "\n".join(lines) + "\n"


def updates_markdown(u, n, sym: str) -> list[str]:
    """A value after K updates (core.updatesteps.UpdateSteps), update by update."""
    lines = ["", f"## {pretty(u.name)} after {count_text(u.updates)} update{'s' if u.updates != 1 else ''}"]
    previous = 0
    for k in shown_updates(u.updates):
        if k != previous + 1:
            lines += ["", f"… {count_text(k - previous - 1)} more updates"]
        previous = k
        lines += ["", f"**Update {k}** ({sym} = {n(u.losses[k - 1])} before it)"]
        step = u.steps[k - 1] if u.steps else None
        if step is not None and step.frozen:
            lines += ["", f"{pretty(step.name)} is frozen (the spec's `frozen:`): it stays {n(step.value)}"]
        elif step is not None:
            lines += [""] + [f"- {line}" for line in traced_lines(step, n, loss=sym, name=pretty(step.name))]
    return lines + ["", f"After update {count_text(u.updates)}: {pretty(u.name)} = **{n(u.value)}**"]


def parameter_markdown(p, n, sym: str) -> list[str]:
    """One traced quantity in Markdown: its paths, zero paths grouped, the sum and the update."""
    sym = pretty(p.of) if p.of else sym  # ∂X/∂Y between two nodes: X in the loss's place
    lines = ["", f"## ∂{sym}/∂{pretty(p.name)} ({count_text(p.path_count)} path{'s' if p.path_count != 1 else ''})"]
    paths, zeros = p.grouped()
    for i, path in enumerate(paths, start=1):
        where = f" (sample {path.sample})" if path.sample else ""
        lines += ["", f"**Path {i}**{where}: " + " → ".join(pretty(x) for x in path.nodes), "",
                  "| factor | formula | value |", "|---|---|---:|"]
        lines += [f"| {_cell(pretty(f.symbol))} | {_cell(pretty(f.formula))} | {n(f.value)} |"
                  for f in path.factors]
        lines.append(f"| **product** | | **{n(path.product)}** |")
    for group in zeros:
        lines += ["", f"{group.count} more path{'s' if group.count != 1 else ''} with product 0, through "
                  f"{_cell(pretty(group.factor.symbol))} = {_cell(pretty(group.factor.formula))} = 0"]
    if len(p.paths) < p.path_count:
        lines += ["", f"… and {count_text(p.path_count - len(p.paths))} more paths, summing to {n(p.omitted_sum)}"]
    if p.per_sample:
        lines += ["", "Per sample: " + ", ".join(f"[{s}] {n(g)}" for s, g in p.per_sample)]
    lines += ["", f"Sum of all paths = ∂{sym}/∂{pretty(p.name)} = **{n(p.gradient)}**"]
    if p.cancelled:
        lines += ["", f"*{CANCELLED}*"]
    if p.node:
        return lines
    if p.frozen:
        return lines + ["", f"Update: {pretty(p.name)} is frozen (the spec's `frozen:`): it stays {n(p.value)}"]
    worked = traced_lines(p, n, strong=lambda text: f"**{text}**", loss=sym, name=pretty(p.name))
    if len(worked) == 1:
        return lines + ["", "Update: " + worked[0]]
    return lines + ["", f"Update ({p.optimizer.name}):", ""] + [f"- {line}" for line in worked]
