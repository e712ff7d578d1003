"""Names in a network over a sequence (contract section 9): a recurrent layer's `wx{l}{j}{k}`,
`wh{l}{j}{k}` and `b{l}{j}`, a dense layer's `w{l}{j}{k}` and `b{l}{j}` (underscored past 9:
`wx1_10_2`); a quantity at step t ends in `@t`: `x1@2`, `z11@2`, `h11@2` (a recurrent layer's
activation; `h11@0` its initial state), `a21@2`, `yhat1@3`, the step's loss `L@3`.
"""
from __future__ import annotations

import functools
import re

from .names import format_name


def _spellings(kind: str, indices: tuple[int, ...]) -> list[str]:
    """The canonical name (compact when every index is below 10) and the underscored one."""
    underscored = kind + "_".join(str(i) for i in indices)
    compact = format_name(kind, *indices)
    return [compact, underscored] if compact != underscored else [compact]


@functools.lru_cache(maxsize=8)
def _tables(network) -> tuple[list, dict]:
    """(parameters as (name, layer, "w" | "b", flat index) in canonical order, spelling -> position)."""
    parameters, spellings = [], {}

    def add(kind: str, indices: tuple[int, ...], what: str, flat: int) -> None:
        forms = _spellings(kind, indices)
        for form in forms:
            spellings.setdefault(form, len(parameters))
        parameters.append((forms[0], indices[0], what, flat))

    for l, layer in enumerate(network.layers, start=1):
        rows, cols = layer.weights.shape
        inputs = layer.inputs if layer.kind == "recurrent" else cols
        for j in range(rows):  # a recurrent layer: W_x then W_h, each by j then k
            for k in range(inputs):
                add("wx" if layer.kind == "recurrent" else "w", (l, j + 1, k + 1), "w", j * cols + k)
        if layer.kind == "recurrent":
            for j in range(rows):
                for k in range(rows):
                    add("wh", (l, j + 1, k + 1), "w", j * cols + inputs + k)
        if layer.bias_style == "shared":
            add("b", (l,), "b", None)
        elif layer.bias_style == "each":
            for j in range(rows):
                add("b", (l, j + 1), "b", j)
    return parameters, spellings


def table(network) -> tuple[list, dict]:
    return _tables(network)


def parameters(network) -> list:
    return _tables(network)[0]


def letter(network, what: str, layer: int) -> str:
    """How a node of `layer` is written: x, z, h (a recurrent layer's activation), a, or yhat."""
    if layer == 0:
        return "x"
    if what == "z":
        return "z"
    if layer == len(network.layers):
        return "yhat"
    return "h" if network.layers[layer - 1].kind == "recurrent" else "a"


def node_name(network, what: str, layer: int, index: int = 0, step: int = 0) -> str:
    """The canonical name of a node at step `step` (1-based; 0 is a recurrent layer's initial state)."""
    if what == "L":  # a step's loss, as find_node gives it: ("L", step)
        return f"L@{layer}"
    kind = letter(network, what, layer)
    base = format_name(kind, index + 1) if kind in ("x", "yhat") else format_name(kind, layer, index + 1)
    return f"{base}@{step}"


_NODE = re.compile(r"(yhat|[zahx])(\d+(?:_\d+)*)@(\d+)")


def find_node(network, text: str):
    """("z" | "a", layer, index, step) of a node name, ("L", step) for a step's loss; None otherwise."""
    text = text.strip()
    if len(text) > 100:
        return None
    loss = re.fullmatch(r"L@(\d+)", text)
    steps = network.steps
    if loss:
        t = int(loss.group(1))
        return ("L", t) if 1 <= t <= steps else None
    m = _NODE.fullmatch(text)
    if not m:
        return None
    kind, digits, t = m.group(1), m.group(2), int(m.group(3))
    depth = len(network.layers)
    parts = [int(p) for p in digits.split("_")] if "_" in digits else None
    if kind in ("x", "yhat"):
        j = parts[0] if parts and len(parts) == 1 else int(digits) if parts is None else 0
        layer = 0 if kind == "x" else depth
        what = "a"
    else:
        if parts is None:
            parts = [int(digits[0]), int(digits[1:])] if len(digits) >= 2 else []
        if len(parts) != 2:
            return None
        layer, j = parts
        what = "z" if kind == "z" else "a"
        if not 1 <= layer <= depth or letter(network, what, layer) != kind:
            return None
    if not 1 <= j <= network.sizes[layer]:
        return None
    first = 0 if kind == "h" else 1  # h{l}{j}@0: the initial state
    if not first <= t <= steps:
        return None
    return (what, layer, j - 1, t)


def find(network, text: str, course: bool = True):
    """("p", position) of a parameter, or a node as find_node gives it; None when nothing."""
    text = text.strip()
    for canonical, own in network.names.items() if course else ():
        if own == text:
            text = canonical
            break
    found = _tables(network)[1].get(text)
    return ("p", found) if found is not None else find_node(network, text)


def shown(network, canonical: str, notation=None) -> str:  # noqa: ARG001 - core.mapnames.shown's signature
    """How a canonical name is printed: the spec's own name, else itself."""
    return network.names.get(canonical, canonical)


def node_names(network) -> list[str]:
    """Every node quantity's canonical name (for `names:`)."""
    names = []
    for t in range(1, network.steps + 1):
        for l in range(len(network.layers) + 1):
            for what in ("z", "a") if l else ("a",):
                names += [node_name(network, what, l, j, t) for j in range(network.sizes[l])]
        names.append(f"L@{t}")
    return names + ["L"]
