"""Names in a network over feature maps (contract section 9), 1-based and underscored: a conv
weight `w{l}_{out}_{in}_{row}_{col}` (1-D `w{l}_{out}_{in}_{pos}`), its bias `b{l}_{out}`, a map's
`z{l}_{channel}_{row}_{col}` and `a{l}_...` (a pooling layer has only `a`), an input pixel
`x_{channel}_{row}_{col}` (`x_{row}_{col}` with one channel; 1-D `x_{channel}_{pos}`, `x_{pos}`).
Dense layers keep section 2's names (`w3_1_1`, printed `w311`). Each name is also accepted in the
other spelling (compact when every index is below 10, or underscored).
"""
from __future__ import annotations

import functools

import numpy as np

from .names import Notation, format_name


def _underscored(kind: str, *indices: int) -> str:
    return kind + "_".join(str(i) for i in indices)


def _spellings(kind: str, indices: tuple[int, ...]) -> list[str]:
    """Every spelling of one name: underscored, and compact when every index is below 10."""
    forms = [_underscored(kind, *indices)]
    if all(i < 10 for i in indices):
        forms.append(kind + "".join(str(i) for i in indices))
    if kind == "x":
        forms = ["x_" + "_".join(str(i) for i in indices)] + forms
    return forms


def position(shape: tuple[int, int, int], dims: int, index: int, channels_shown: bool = True) -> tuple[int, ...]:
    """A flat index of a map of `shape` (channels, rows, cols) as its 1-based (channel, row, col),
    (channel, pos) in 1-D, without the channel when `channels_shown` is false."""
    c, r, col = (int(i) + 1 for i in np.unravel_index(index, shape))
    spot = (r, col) if dims == 2 else (col,)
    return ((c,) if channels_shown else ()) + spot


@functools.lru_cache(maxsize=8)
def _tables(network) -> tuple[list, dict, list]:
    """(parameters, spellings, nodes) of `network`, worked out once: every parameter as (name,
    layer, kind, flat index or None for a shared bias) in canonical order; every spelling of every
    name -> ("p", position in parameters) or ("z" | "a", layer, flat index); each layer's node names."""
    parameters, spellings, nodes = [], {}, []

    def add(kind: str, indices: tuple[int, ...], target, dense: bool) -> str:
        name = format_name(kind, *indices) if dense else (
            "x_" + "_".join(map(str, indices)) if kind == "x" else _underscored(kind, *indices))
        for form in [name] + _spellings(kind, indices) + ([format_name(kind, *indices)] if dense else []):
            spellings.setdefault(form, target)
        return name

    channels, _, _ = network.input_shape
    inputs = []
    for f in range(int(np.prod(network.input_shape))):
        inputs.append(add("x", position(network.input_shape, network.dims, f, channels > 1), ("a", 0, f), False))
    nodes.append((None, inputs))
    depth = len(network.layers)
    for l, layer in enumerate(network.layers, start=1):
        dense = layer.kind == "dense"
        shape = getattr(layer, "out_shape", None)
        zs, posts = [], []
        for f in range(layer.outputs):
            spot = (f + 1,) if dense else position(shape, layer.dims, f)
            if layer.has_z:
                zs.append(add("z", (l,) + spot, ("z", l, f), dense))
            if l == depth:
                posts.append(add("yhat", (f + 1,), ("a", l, f), True))
            else:
                posts.append(add("a", (l,) + spot, ("a", l, f), dense))
        nodes.append((zs or None, posts))
        if dense:
            rows, cols = layer.weights.shape
            for j in range(rows):
                for k in range(cols):
                    parameters.append((add("w", (l, j + 1, k + 1), ("p", len(parameters)), True), l, "w", j * cols + k))
        elif layer.has_z:
            for flat, index in enumerate(np.ndindex(*layer.weights.shape)):
                spot = tuple(i + 1 for i in index)
                spot = spot if layer.dims == 2 else spot[:2] + spot[3:]
                parameters.append((add("w", (l,) + spot, ("p", len(parameters)), False), l, "w", flat))
        if layer.bias_style == "shared":
            parameters.append((add("b", (l,), ("p", len(parameters)), True), l, "b", None))
        elif layer.bias_style == "each":
            for j in range(len(layer.biases)):
                parameters.append((add("b", (l, j + 1), ("p", len(parameters)), dense), l, "b", j))
    return parameters, spellings, nodes


def parameters(network) -> list[tuple[str, int, str, int | None]]:
    """(canonical name, layer, "w" | "b", flat index; None for a shared bias), canonical order."""
    return _tables(network)[0]


def find(network, text: str, course: bool = True):
    """What a name written by a user (canonical, another spelling, or with `course` the spec's own)
    stands for: ("p", position among parameters()) or ("z" | "a", layer, flat index); None when nothing."""
    text = text.strip()
    for canonical, own in network.names.items() if course else ():
        if own == text:
            text = canonical
            break
    return _tables(network)[1].get(text)


def node_name(network, what: str, layer: int, index: int) -> str:
    """The canonical name of a node: what "z" or "a" (the input's a is x, the output's yhat)."""
    zs, posts = _tables(network)[2][layer]
    return zs[index] if what == "z" else posts[index]


def shown(network, canonical: str, notation: Notation | None = None) -> str:
    """How a canonical name is printed: the spec's own name, or in `notation` (padhai: a for z,
    h for a)."""
    if canonical in network.names:
        return network.names[canonical]
    if notation is not None and notation.name != "default" and canonical[:1] in ("z", "a") and canonical[1:2].isdigit():
        return (notation.pre if canonical[0] == "z" else notation.post) + canonical[1:]
    return canonical


def describe(network) -> str:
    """The range of parameter names, layer by layer, for a hint."""
    parts, table = [], parameters(network)
    for l in range(1, len(network.layers) + 1):
        names = [row[0] for row in table if row[1] == l]
        kind = network.layers[l - 1].kind
        parts.append(f"layer {l} ({kind}): " + (f"{names[0]}..{names[-1]}" if names else "no parameters"))
    return "; ".join(parts)


def counts(network) -> list[int]:
    """How many parameters each layer has."""
    table = parameters(network)
    return [sum(1 for row in table if row[1] == l) for l in range(1, len(network.layers) + 1)]
