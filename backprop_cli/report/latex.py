"""`trace --format latex`: a complete document, one `align*` derivation per parameter."""
from __future__ import annotations

import re

from ..core.numbers import number
from ..core.update import rule, traced_lines, worked
from ..errors import printable
from .derivation import count_text, shown_updates

_NAME = re.compile(r"\b(yhat|[wbxyzahLfg])(\d+(?:_\d+)*)?(\[\d+\])?")
_KINK = re.compile(r"\(1 if (\S+) > 0 else ([^)]+)\)")
_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


_GREEK = dict(zip("αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΦΨΩ",
                 r"alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau "
                 r"upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Phi Psi Omega".split()))


def _text_char(c: str) -> str:
    if c in _LATEX_SPECIAL:
        return _LATEX_SPECIAL[c]
    if ord(c) < 128 or "À" <= c <= "ÿ":  # ASCII, and the accented letters inputenc knows
        return c
    if c in _GREEK:
        return r"\ensuremath{" + "\\" + _GREEK[c] + "}"
    return f"[U+{ord(c):04X}]"  # anything else would stop pdflatex; shown by its code point


def escape_text(text: str) -> str:
    """User text (a spec's name) as literal LaTeX text that compiles whatever it holds."""
    return "".join(_text_char(c) for c in printable(text))


_FORMULA_SYMBOLS = set("ŷσΣ½²πηδλ")  # formula() and the update rule write these themselves


def _course_word(word: str) -> bool:
    """A spec's own name (E_total, Δh), set as one upright word; not ours (w212, ŷj, σ)."""
    if _NAME.fullmatch(word):
        return False
    return "_" in word or any(not c.isascii() and c not in _FORMULA_SYMBOLS for c in word)


def name(text: str) -> str:
    """A node or parameter name in maths: yhat1 -> \\hat{y}_{1}, w2_10_3 -> w_{2,10,3}, a13[2] -> a_{13}^{(2)};
    a course's own name (E_total, Δh1) as one word in text italics, never split into subscripts."""
    def sub(m: re.Match) -> str:
        word, sample = m.group("word"), m.group("sample")
        canonical = _NAME.fullmatch(word)
        if canonical:
            kind, digits = canonical.group(1), canonical.group(2) or ""
            base = r"\hat{y}" if kind == "yhat" else kind
            if digits:
                base += "_{" + digits.replace("_", ",") + "}"
        elif _course_word(word):
            base = r"\textit{" + escape_text(word) + "}"
        else:
            return m.group()
        if sample:  # braced, so that a power after it (a11[2]²) is not a double superscript
            base = "{" + base + "^{(" + sample[1:-1] + ")}}"
        return base
    return _WORDS.sub(sub, text)


_WORDS = re.compile(r"(?<![\\\w])(?P<word>[^\W\d]\w*)(?P<sample>\[\d+\])?")


def formula(text: str) -> str:
    """A printed formula (from the function registry) in LaTeX."""
    text = _KINK.sub(lambda m: rf"[\,{m.group(1)} > 0\,]" if m.group(2) == "0"
                     else rf"\begin{{cases}}1 & {m.group(1)} > 0\\ {m.group(2)} & \text{{otherwise}}\end{{cases}}",
                     text)
    prose = _PROSE.findall(text)  # words in parentheses, "(the window's maximum)": set as text, not maths
    text = _PROSE.sub(_HOLE, text)
    text = _POWER.sub(lambda m: "^{" + m.group(1) + "}", text)  # e^h1 -> e^{h1}, x^(c − 1) -> x^{(c − 1)}
    text = _SQRT.sub(lambda m: r"\sqrt{" + m.group(1).removeprefix("(").removesuffix(")") + "}", text)
    text = name(text)
    text = _FUNCTION.sub(lambda m: "\\" + m.group(1) if m.group(1) in _KNOWN_FUNCTIONS
                         else r"\operatorname{" + m.group(1) + "}", text)
    for old, new in (("ŷj", r"\hat{y}_j"), ("ŷ", r"\hat{y}"), ("yj", "y_j"), ("−", "-"), ("·", r"\cdot "),
                     ("²", "^2"), ("Σj", r"\sum_j "), ("Σ", r"\sum "), ("λ", r"\lambda "), ("½", r"\tfrac12"),
                     ("σ", r"\sigma"), ("π", r"\pi ")):
        text = text.replace(old, new)
    for words in prose:
        text = text.replace(_HOLE, r"\text{ (" + escape_text(words) + ")}", 1)
    return text


_POWER = re.compile(r"\^(\([^()]*\)|[\w.]+)")
_HOLE = "\x00"  # where a parenthesised phrase goes back in, once the maths around it is converted
_PROSE = re.compile(r" ?\(([A-Za-z']+(?: [A-Za-z']+)+)\)")  # two or more plain words in parentheses
_SQRT = re.compile(r"√(\w+|\([^()]*\))")  # √v, or √(var21 + eps) (batch norm's)
_FUNCTION = re.compile(r"(?<![\\\w])(exp|log|sin|cos|tan|tanh|max|min|sign|relu|sqrt)(?=\()")
_KNOWN_FUNCTIONS = ("exp", "log", "sin", "cos", "tan", "tanh", "max", "min")


def partial(symbol: str) -> str:
    """∂top/∂bottom -> \\frac{\\partial top}{\\partial bottom}."""
    top, bottom = symbol[1:].split("/∂", 1)
    return r"\frac{\partial " + name(top) + r"}{\partial " + name(bottom) + "}"


def update_rule(parameter: str, loss: str = "L") -> str:
    """The update rule (core.update.RULE) in LaTeX, aligned at its arrow."""
    gradient = f"∂{loss}/∂{parameter}"
    text = formula(rule(parameter, loss).replace(gradient, "@"))
    return text.replace(" ← ", r" &\leftarrow ").replace("η", r"\eta").replace("@", partial(gradient))


_STATE = re.compile(r"\b(velocity|m|v)_(\w+)")  # an optimiser's state of a parameter: m_w212
_ROOT = re.compile(r"√(\(?[^\s()]+(?: 10\^\{-?\d+\})?\)?)")  # √v_w212, √0.0025, √v̂, √1.9\times 10^{-7}


def optimizer_row(line: str, loss: str, parameter: str) -> str:
    """One line of an optimiser's worked update (core.update.worked_lines) as an align* row."""
    gradient = f"∂{loss}/∂{parameter}"
    text = _STATE.sub(lambda m: "@" + m.group(1) + "@" + m.group(2) + "@", line.replace(gradient, "#"))
    text = _ROOT.sub(lambda m: r"\sqrt{" + m.group(1).strip("()") + "}", text)
    for old, new in (("m̂", r"\hat{m}"), ("v̂", r"\hat{v}"), ("β1", r"\beta_1"), ("β2", r"\beta_2"),
                     ("β", r"\beta "), ("α", r"\alpha "), ("ε", r"\epsilon "), ("η", r"\eta "), ("×", r"\times "),
                     ("−", "-"), ("·", r"\cdot "), ("²", "^2")):
        text = text.replace(old, new)
    text = name(text.replace(r"\beta_1", "@B1@").replace(r"\beta_2", "@B2@"))
    text = text.replace("@B1@", r"\beta_1").replace("@B2@", r"\beta_2")
    text = re.sub(r"@(\w+)@([^@]+)@", lambda m: r"\mathrm{" + m.group(1) + "}_{" + m.group(2) + "}", text)
    text = text.replace("#", partial(gradient))
    arrow = " ← " if " ← " in line else " = "
    head, rest = text.split(arrow, 1)
    return head + (r" &\leftarrow " if arrow == " ← " else " &= ") + rest + r"\\"


def num(value: float, precision: int) -> str:
    """A number in LaTeX, scientific notation as ×10^k."""
    text = number(value, precision)
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = mantissa + r"\times 10^{" + str(int(exponent)) + "}"
    return text


def trace_latex(trace, precision: int, order: str = "backward") -> str:
    """The trace as a LaTeX document that compiles with amsmath (parameters output layer first,
    or `order` forward)."""
    n = lambda v: num(v, precision)  # noqa: E731 - a short local formatter
    out = [r"\documentclass{article}", r"\usepackage{amsmath}",
           r"\usepackage[utf8]{inputenc}", r"\allowdisplaybreaks", r"\begin{document}",
           r"\section*{" + escape_text(trace.title or "Network") + "}"]
    if trace.description:
        out.append(escape_text(trace.description) + r"\par")
    sizes = "-".join(str(s) for s in trace.sizes)
    sym = trace.loss_symbol
    out.append(f"Network {sizes}; loss \\texttt{{{escape_text(trace.loss_name)}}}, "
               f"${name(sym)} = {formula(trace.loss_formula)} = {n(trace.loss)}$; $\\eta = {n(trace.learning_rate)}$.")
    for p in trace.ordered(order):
        out += parameter_latex(p, n, sym)
    for u in trace.updates:
        out += updates_latex(u, n, sym)
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"


def parameter_latex(p, n, sym: str) -> list[str]:
    """One traced quantity as an `align*` derivation: paths, zero paths grouped, sum, update."""
    sym = p.of or sym  # ∂X/∂Y between two nodes: X in the loss's place
    count = f"{count_text(p.path_count)} path{'s' if p.path_count != 1 else ''}"
    rows = [r"\subsection*{$" + partial(f"∂{sym}/∂{p.name}") + f"$ ({count})" + "}", r"\begin{align*}"]
    paths, zeros = p.grouped()
    for i, path in enumerate(paths, start=1):
        where = f" (sample {path.sample})" if path.sample else ""
        nodes = r" \to ".join(name(x) for x in path.nodes)
        rows.append(r"\intertext{Path " + str(i) + where + ": $" + nodes + "$}")
        for f in path.factors:
            rows.append(f"{partial(f.symbol)} &= {formula(f.formula)} = {n(f.value)}" + r"\\")
        rows.append(r"\text{product} &= " + n(path.product) + r"\\")
    for group in zeros:
        rows.append(r"\intertext{" + str(group.count) + " more path" + ("s" if group.count != 1 else "")
                    + " with product 0, through $" + partial(group.factor.symbol) + " = "
                    + formula(group.factor.formula) + " = 0$}")
    if len(p.paths) < p.path_count:
        rows.append(r"\intertext{and " + count_text(p.path_count - len(p.paths)) + " more paths, summing to $"
                    + n(p.omitted_sum) + "$}")
    rows.append(partial(f"∂{sym}/∂{p.name}") + r" &= \sum_{\text{paths}} \text{product} = " + n(p.gradient)
                + r"\\")
    if p.cancelled:
        rows.append(r"\intertext{the paths cancel: their products sum to 0 (what is left is rounding)}")
    if not p.node:
        rows += _update_rows(p, n, sym)
    return rows + [r"\end{align*}"]


def _update_rows(p, n, sym: str) -> list[str]:
    """A parameter's update as `align*` rows: frozen, the optimiser's worked lines, or w ← w − η·g."""
    if p.frozen:
        return [r"\intertext{$" + name(p.name) + r"$ is frozen: it stays $" + n(p.value) + "$}"]
    if p.optimizer is not None and p.optimizer.name != "sgd":
        return [optimizer_row(line, sym, p.name) for line in traced_lines(p, n, loss=sym)]
    line = worked(p.name, p.value, p.learning_rate, p.gradient, p.updated, n, loss=sym)
    return [update_rule(p.name, sym) + line.split(rule(p.name, sym), 1)[1].replace("−", "-").replace("×", r"\times")]


def updates_latex(u, n, sym: str) -> list[str]:
    """A value after K updates, update by update (core.updatesteps.UpdateSteps)."""
    rows = [r"\subsection*{$" + name(u.name) + f"$ after {u.updates} update{'s' if u.updates != 1 else ''}" + "}",
            r"\begin{align*}"]
    previous = 0
    for k in shown_updates(u.updates):
        if k != previous + 1:
            rows.append(r"\intertext{\dots\ " + str(k - previous - 1) + " more updates}")
        previous = k
        rows.append(r"\intertext{Update " + str(k) + ": $" + name(sym) + " = " + n(u.losses[k - 1]) + "$ before it}")
        if u.steps:
            rows += _update_rows(u.steps[k - 1], n, sym)
    rows.append(name(u.name) + r" &= " + n(u.value) + r" \quad\text{after update " + str(u.updates) + r"}\\")
    return rows + [r"\end{align*}"]
