"""Names in a network over feature maps (contract section 9), 1-based and underscored: a conv
weight `w{l}_{out}_{in}_{row}_{col}` (1-D `w{l}_{out}_{in}_{pos}`), its bias `b{l}_{out}`, a map's
`z{l}_{channel}_{row}_{col}` and `a{l}_...` (a pooling layer has only `a`), an input pixel
`x_{channel}_{row}_{col}` (`x_{row}_{col}` with one channel; 1-D `x_{channel}_{pos}`, `x_{pos}`).
Dense layers keep section 2's names (`w3_1_1`, printed `w311`). Each name is also accepted in the
other spelling (compact when every index is below 10, or underscored).
"""
from __future__ import annotations

import functools
import re

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
def _tables(network) -> tuple[list, dict]:
    """(parameters, spellings) of `network`, worked out once: every parameter as (name, layer, kind,
    flat index or None for a shared bias) in canonical order, and every spelling of every
    parameter's name -> its position among them. Node names are worked out from their index alone
    (node_name, find): a map of a million values needs no table of them."""
    parameters, spellings = [], {}

    def add(kind: str, indices: tuple[int, ...], dense: bool) -> str:
        name = format_name(kind, *indices) if dense else _underscored(kind, *indices)
        for form in [name] + _spellings(kind, indices) + ([format_name(kind, *indices)] if dense else []):
            spellings.setdefault(form, len(parameters))
        return name

    for l, layer in enumerate(network.layers, start=1):
        dense = layer.kind == "dense"
        if dense:  # add()'s spellings written out: a dense layer reading a map may have millions
            rows, cols = layer.weights.shape
            append, spell = parameters.append, spellings.setdefault
            for j in range(1, rows + 1):
                for k in range(1, cols + 1):
                    underscored = f"w{l}_{j}_{k}"
                    if l < 10 and j < 10 and k < 10:
                        name = f"w{l}{j}{k}"
                        spell(name, len(parameters))
                    else:
                        name = underscored
                    spell(underscored, len(parameters))
                    append((name, l, "w", (j - 1) * cols + k - 1))
        elif layer.has_z and layer.kind != "batchnorm":
            for flat, index in enumerate(np.ndindex(*layer.weights.shape)):
                spot = tuple(i + 1 for i in index)
                spot = spot if layer.dims == 2 else spot[:2] + spot[3:]
                parameters.append((add("w", (l,) + spot, False), l, "w", flat))
        if layer.kind == "batchnorm":  # γ and β, one each per feature (kept as weights and biases)
            for kind, what in (("gamma", "w"), ("beta", "b")):
                for j in range(layer.outputs):
                    parameters.append((add(kind, (l, j + 1), True), l, what, j))
            continue
        if layer.bias_style == "shared":
            parameters.append((add("b", (l,), True), l, "b", None))
        elif layer.bias_style == "each":
            for j in range(len(layer.biases)):
                parameters.append((add("b", (l, j + 1), dense), l, "b", j))
    return parameters, spellings


def parameters(network) -> list[tuple[str, int, str, int | None]]:
    """(canonical name, layer, "w" | "b", flat index; None for a shared bias), canonical order."""
    return _own(network).table(network)[0] if _own(network) else _tables(network)[0]


def _own(network):
    """The names module of a network that names its quantities otherwise (core.seqnames over a
    sequence, whose every quantity carries its time step); None for a network over maps."""
    return getattr(network, "naming", None)


def _shape(network, layer: int) -> tuple[int, int, int] | None:
    """A level's map shape (channels, rows, cols); None for a dense layer's vector."""
    if layer == 0:  # a batch of vectors (batch norm among dense layers) has no map
        return None if network.dims == 0 else network.input_shape
    spec_layer = network.layers[layer - 1]
    return None if spec_layer.dims == 0 else spec_layer.out_shape  # dense, batch norm: a vector


def _dims(network, layer: int) -> int:
    return network.dims if layer == 0 else network.layers[layer - 1].dims


def node_name(network, what: str, layer: int, index: int = 0, *step: int) -> str:
    """The canonical name of a node: what "z" or "a" (the input's a is x, the output's yhat); a
    batch-norm layer's "mu", "var" or "xhat"; over a sequence, at its `step`."""
    if _own(network):
        return _own(network).node_name(network, what, layer, index, *step)
    if what in NORM_NODES:
        return format_name(what, layer, index + 1)
    if layer == len(network.layers) and what == "a":
        return format_name("yhat", index + 1)
    shape = _shape(network, layer)
    if shape is None:
        return format_name("x", index + 1) if layer == 0 else format_name(what, layer, index + 1)
    if layer == 0:
        return "x_" + "_".join(map(str, position(shape, network.dims, index, shape[0] > 1)))
    return _underscored(what, layer, *position(shape, _dims(network, layer), index))


_NODE = re.compile(r"(yhat|[zax])(_?)(\d+(?:_\d+)*)")
NORM_NODES = ("mu", "var", "xhat")  # a batch-norm layer's batch mean, biased variance, normalised value
_NORM = re.compile(r"(mu|var|xhat)(\d+(?:_\d+)*)")


def _norm_node(network, text: str):
    """("mu" | "var" | "xhat", layer, feature) of a batch-norm node name; None when it is none."""
    m = _NORM.fullmatch(text)
    if not m:
        return None
    digits = m.group(2)
    parts = [int(p) for p in digits.split("_")] if "_" in digits else [int(digits[0]), int(digits[1:] or 0)]
    if len(parts) != 2 or not 1 <= parts[0] <= len(network.layers):
        return None
    layer = network.layers[parts[0] - 1]
    if layer.kind != "batchnorm" or not 1 <= parts[1] <= layer.outputs:
        return None
    return (m.group(1), parts[0], parts[1] - 1)


def _node(network, text: str):
    """("z" | "a", layer, flat index) of a node name in any spelling; None when it is none."""
    m = _NODE.fullmatch(text)
    if not m or len(text) > 200:
        return None
    kind, digits = m.group(1), m.group(3)
    depth = len(network.layers)
    underscored = "_" in digits or m.group(2) == "_"
    parts = [int(p) for p in digits.split("_")] if "_" in digits else None
    if kind == "yhat":
        j = int(digits) if parts is None else (parts[0] if len(parts) == 1 else 0)
        return ("a", depth, j - 1) if 1 <= j <= network.sizes[-1] else None
    if kind == "x":
        layer, spot = 0, parts
    else:
        layer = parts[0] if parts else int(digits[0])
        spot = parts[1:] if parts else None
        if not 1 <= layer <= depth or (kind == "z" and not network.layers[layer - 1].has_z):
            return None
    shape = _shape(network, layer)
    if shape is None:  # a dense layer: z{l}{j}
        arity = 1
    else:
        # (channel,) row, col; the input's one channel goes unwritten
        arity = (0 if layer == 0 and shape[0] == 1 else 1) + (2 if _dims(network, layer) == 2 else 1)
    if spot is None:  # compact: one digit an index, or a single index written whole
        rest = digits if kind == "x" else digits[1:]
        spot = [int(rest)] if arity == 1 and rest else [int(c) for c in rest]
    if underscored and kind != "x" and parts is None:
        return None
    if len(spot) != arity or any(i < 1 for i in spot):
        return None
    if shape is None:
        index = spot[0] - 1
        return ("z" if kind == "z" else "a", layer, index) if index < network.sizes[layer] else None
    channels, rows, cols = shape
    full = ([1] if layer == 0 and channels == 1 else []) + spot
    c, r, col = (full[0], full[1], full[2]) if len(full) == 3 else (full[0], 1, full[1])
    if c > channels or r > rows or col > cols:
        return None
    return ("z" if kind == "z" else "a", layer, ((c - 1) * rows + r - 1) * cols + col - 1)


def find(network, text: str, course: bool = True):
    """What a name written by a user (canonical, another spelling, or with `course` the spec's own)
    stands for: ("p", position among parameters()) or ("z" | "a", layer, flat index); None when nothing."""
    if _own(network):
        return _own(network).find(network, text, course)
    text = text.strip()
    for canonical, own in network.names.items() if course else ():
        if own == text:
            text = canonical
            break
    found = _tables(network)[1].get(text)
    if found is not None:
        return ("p", found)
    return _norm_node(network, text) if text[:1] in "mvx" and _NORM.fullmatch(text) else _node(network, text)


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
