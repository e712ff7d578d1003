"""Names of parameters and node quantities: `w212` <-> (2, 1, 2).

All indices are 1-based. The compact form (`w212`) is printed when every index is below 10;
the underscored form (`w2_1_2`) is always accepted.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

NOTATIONS = ("default", "padhai")  # the values of --notation and of `notation:` in files


@dataclass(frozen=True)
class Name:
    """A parsed name: its kind (w, b, x, z, a, yhat, L) and 1-based indices."""

    kind: str
    indices: tuple[int, ...]

    def __str__(self) -> str:
        return format_name(self.kind, *self.indices)


def format_name(kind: str, *indices: int) -> str:
    """`format_name('w', 2, 1, 2)` is 'w212'; with an index of 10 or more, 'w2_10_2'."""
    if not indices:
        return kind
    if len(indices) == 1 or all(i < 10 for i in indices):
        return kind + "".join(str(i) for i in indices)
    return kind + "_".join(str(i) for i in indices)


# how many indices each kind of name carries
_ARITY = {"w": 3, "b": 2, "x": 1, "y": 1, "yhat": 1, "z": 2, "a": 2, "h": 2}


def parse_name(text: str) -> Name | None:
    """Parse `w212`, `w2_1_2`, `b21`, `z13`, `yhat1`, `x2`, `L`; None when it is no name."""
    text = text.strip()
    if text == "L":
        return Name("L", ())
    m = re.fullmatch(r"(yhat|[wbxyzah])(\d+(?:_\d+)*)", text)
    if not m:
        return None
    kind, digits = m.group(1), m.group(2)
    arity = _ARITY[kind]
    if "_" in digits:
        parts = tuple(int(p) for p in digits.split("_"))
    elif arity == 1:
        parts = (int(digits),)
    elif len(digits) == arity:
        parts = tuple(int(c) for c in digits)
    else:
        return None
    if len(parts) != arity or any(p < 1 for p in parts):
        return None
    return Name(kind, parts)


@dataclass(frozen=True)
class Notation:
    """How node quantities are written: default z/a (most tutorials) or padhai a/h (the PadhAI
    course's notes, "Back Propagation")."""

    name: str
    pre: str  # pre-activation letter
    post: str  # activation letter

    def pre_name(self, layer: int, neuron: int) -> str:
        """The name of neuron's pre-activation (`z21`, or `a21` in padhai notation)."""
        return format_name(self.pre, layer, neuron)

    def post_name(self, layer: int, neuron: int, layers: int) -> str:
        """The name of neuron's activation; the output layer's is `yhat{j}`."""
        if layer == layers:
            return format_name("yhat", neuron)
        if layer == 0:
            return format_name("x", neuron)
        return format_name(self.post, layer, neuron)


def notation(name: str) -> Notation:
    """The notation called `name`, one of NOTATIONS (ValueError otherwise)."""
    if name == "padhai":
        return Notation("padhai", "a", "h")
    if name == "default":
        return Notation("default", "z", "a")
    raise ValueError(f"unknown notation {name!r}; known: {', '.join(NOTATIONS)}")


def describe_notations(template: str = "{} notation") -> str:
    """Each notation with its letters for the pre-activation and the activation, for a hint:
    '`notation: default` (z, a) or `notation: padhai` (a, h)' from template '`notation: {}`'."""
    return " or ".join(f"{template.format(n)} ({notation(n).pre}, {notation(n).post})" for n in NOTATIONS)


def parameter_indices(sizes: list[int]):
    """(kind, layer, j, k) of every parameter in canonical order, 1-based (k is None for a bias):
    layer by layer; in a layer all weights by j then k, then the biases."""
    for layer in range(1, len(sizes)):
        for j in range(1, sizes[layer] + 1):
            for k in range(1, sizes[layer - 1] + 1):
                yield "w", layer, j, k
        for j in range(1, sizes[layer] + 1):
            yield "b", layer, j, None


def layer_parameter_counts(sizes: list[int]) -> list[int]:
    """How many parameters each layer has (its weights and biases), in canonical order."""
    return [n * (m + 1) for m, n in zip(sizes, sizes[1:])]


def canonical_key(kind: str, layer: int, j: int, k: int | None) -> tuple:
    """Sorting parameters by this key gives the order of parameter_indices."""
    return layer, kind != "w", j, k or 0


def parameter_names(sizes: list[int]) -> list[str]:
    """All parameter names in canonical order."""
    return list(_parameter_names(tuple(sizes)))


@functools.lru_cache(maxsize=8)  # a training run asks for the same names every epoch
def _parameter_names(sizes: tuple[int, ...]) -> tuple[str, ...]:
    return tuple(format_name(kind, layer, j, *(() if k is None else (k,)))
                 for kind, layer, j, k in parameter_indices(list(sizes)))


def describe_parameters(sizes: list[int]) -> str:
    """The valid range of parameter names, for an error hint."""
    parts = []
    for layer in range(1, len(sizes)):
        last_weight = format_name("w", layer, sizes[layer], sizes[layer - 1])
        parts.append(f"layer {layer}: {format_name('w', layer, 1, 1)}..{last_weight}, "
                     f"{format_name('b', layer, 1)}..{format_name('b', layer, sizes[layer])}")
    return "; ".join(parts)
