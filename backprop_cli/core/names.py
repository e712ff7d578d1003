"""Names of parameters and node quantities: `w212` <-> (2, 1, 2).

All indices are 1-based. The compact form (`w212`) is printed when every index is below 10;
the underscored form (`w2_1_2`) is always accepted.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

NOTATIONS = ("default", "padhai")  # the values of --notation and of `notation:` in files


class Name(NamedTuple):  # not a dataclass: far cheaper to define, which every start-up pays
    """A parsed name: its kind (w, b, x, z, a, yhat, L) and 1-based indices."""

    kind: str
    indices: tuple[int, ...]

    def __str__(self) -> str:
        return format_name(self.kind, *self.indices)


@functools.lru_cache(maxsize=4096, typed=True)  # grading names the same few hundreds of thousands of times a class
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
    return _parse_name(text.strip()) if len(text) < 64 else None


@functools.lru_cache(maxsize=4096)  # grading asks for the same few names thousands of times
def _parse_name(text: str) -> Name | None:
    if text == "L":
        return Name("L", ())
    m = re.fullmatch(r"(yhat|[wbxyzah])(\d+(?:_\d+)*)", text)
    if not m:
        return None
    kind, digits = m.group(1), m.group(2)
    arity = _ARITY[kind]
    if "_" in digits:
        parts = tuple(int(p) for p in digits.split("_"))
    elif arity == 1 or (kind == "b" and len(digits) == 1):  # b2: layer 2's one shared bias
        parts = (int(digits),)
    elif len(digits) == arity:
        parts = tuple(int(c) for c in digits)
    else:
        return None
    if len(parts) not in (arity, 1 if kind == "b" else arity) or any(p < 1 for p in parts):
        return None
    return Name(kind, parts)


NO_NAMES: Mapping[str, str] = MappingProxyType({})


class Notation:
    """How quantities are written: default z/a (most tutorials) or padhai a/h (the PadhAI
    course's notes, "Back Propagation"), and a spec's own `names:` (w5 for w211, E_total for L)
    over either.

    Frozen, compared and hashed by name and letters alone, as the dataclass it was; written out
    because a dataclass costs every start-up the compiling of its generated methods."""

    __match_args__ = ("name", "pre", "post", "course")
    name: str
    pre: str  # pre-activation letter
    post: str  # activation letter
    # canonical name in the default notation (z11, a11, w211, L) -> the course's own name
    course: Mapping[str, str]

    def __init__(self, name: str, pre: str, post: str, course: Mapping[str, str] = NO_NAMES):
        self.__dict__.update(name=name, pre=pre, post=post, course=course)

    def __setattr__(self, attribute: str, _value) -> None:
        from dataclasses import FrozenInstanceError  # only on this mistake: start-up is a feature

        raise FrozenInstanceError(f"cannot assign to field {attribute!r}")

    def __delattr__(self, attribute: str) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {attribute!r}")

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.name, self.pre, self.post) == (other.name, other.pre, other.post)

    def __hash__(self) -> int:
        return hash((self.name, self.pre, self.post))

    def __repr__(self) -> str:
        return f"Notation(name={self.name!r}, pre={self.pre!r}, post={self.post!r}, course={self.course!r})"

    def show(self, canonical: str) -> str:
        """How a quantity named canonically (default notation) is printed."""
        return self.course.get(canonical, canonical)

    def pre_name(self, layer: int, neuron: int) -> str:
        """The name of neuron's pre-activation (`z21`, or `a21` in padhai notation)."""
        return self.course.get(format_name("z", layer, neuron)) or format_name(self.pre, layer, neuron)

    def post_name(self, layer: int, neuron: int, layers: int) -> str:
        """The name of neuron's activation; the output layer's is `yhat{j}`."""
        if layer == layers:
            canonical = format_name("yhat", neuron)
        elif layer == 0:
            canonical = format_name("x", neuron)
        else:
            canonical = format_name("a", layer, neuron)
            if canonical not in self.course:
                return format_name(self.post, layer, neuron)
        return self.show(canonical)

    def parameter(self, kind: str, layer: int, j: int | None, k: int | None = None) -> str:
        """A weight's or bias's printed name (w212, b2 for a shared bias, or the course's)."""
        return self.show(parameter_name(kind, layer, j, k))

    @property
    def loss(self) -> str:
        """The loss's symbol: L, f for a circuit without loss, or the course's (E_total)."""
        return self.show("L")


def canonical_name(course: Mapping[str, str], text: str) -> str:
    """The canonical name (default notation) of a name as written: a course's name is translated,
    anything else is returned as it is."""
    text = text.strip()
    if course:
        for canonical, own in course.items():
            if own == text:
                return canonical
    return text


def notation(name: str, course: Mapping[str, str] = NO_NAMES) -> Notation:
    """The notation called `name`, one of NOTATIONS (ValueError otherwise), with a spec's names."""
    if name == "padhai":
        return Notation("padhai", "a", "h", course)
    if name == "default":
        return Notation("default", "z", "a", course)
    raise ValueError(f"unknown notation {name!r}; known: {', '.join(NOTATIONS)}")


def parameter_name(kind: str, layer: int, j: int | None, k: int | None = None) -> str:
    """The canonical name of a parameter: w212, b21, or b2 for layer 2's shared bias (j None)."""
    return format_name(kind, *(i for i in (layer, j, k) if i is not None))


def describe_notations(template: str = "{} notation") -> str:
    """Each notation with its letters for the pre-activation and the activation, for a hint:
    '`notation: default` (z, a) or `notation: padhai` (a, h)' from template '`notation: {}`'."""
    return " or ".join(f"{template.format(n)} ({notation(n).pre}, {notation(n).post})" for n in NOTATIONS)


BIAS_STYLES = ("each", "shared", "none")  # a bias per neuron, one for the layer, or none at all


def _styles(sizes, biases) -> tuple[str, ...]:
    return tuple(biases) if biases else ("each",) * (len(sizes) - 1)


def parameter_indices(sizes: list[int], biases: tuple[str, ...] | None = None):
    """(kind, layer, j, k) of every parameter in canonical order, 1-based (k is None for a bias,
    j too for a layer's shared bias): layer by layer; in a layer all weights by j then k, then the
    biases. `biases` is each layer's bias style (BIAS_STYLES; default a bias per neuron)."""
    for layer, style in enumerate(_styles(sizes, biases), start=1):
        for j in range(1, sizes[layer] + 1):
            for k in range(1, sizes[layer - 1] + 1):
                yield "w", layer, j, k
        if style == "shared":
            yield "b", layer, None, None
        elif style == "each":
            for j in range(1, sizes[layer] + 1):
                yield "b", layer, j, None


def bias_count(neurons: int, style: str) -> int:
    """How many bias parameters a layer of `neurons` has in a bias style."""
    return {"each": neurons, "shared": 1, "none": 0}[style]


def layer_parameter_counts(sizes: list[int], biases: tuple[str, ...] | None = None) -> list[int]:
    """How many parameters each layer has (its weights and biases), in canonical order."""
    return [n * m + bias_count(n, style) for m, n, style in zip(sizes, sizes[1:], _styles(sizes, biases))]


def canonical_key(kind: str, layer: int, j: int | None, k: int | None) -> tuple:
    """Sorting parameters by this key gives the order of parameter_indices."""
    return layer, kind != "w", j or 0, k or 0


def parameter_names(sizes: list[int], biases: tuple[str, ...] | None = None) -> list[str]:
    """All canonical parameter names in canonical order."""
    return list(_parameter_names(tuple(sizes), _styles(sizes, biases)))


@functools.lru_cache(maxsize=8)  # a training run asks for the same names every epoch
def _parameter_names(sizes: tuple[int, ...], biases: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(parameter_name(*index) for index in parameter_indices(list(sizes), biases))


def describe_parameters(sizes: list[int], biases: tuple[str, ...] | None = None) -> str:
    """The valid range of parameter names, for an error hint."""
    parts = []
    for layer, style in enumerate(_styles(sizes, biases), start=1):
        last_weight = format_name("w", layer, sizes[layer], sizes[layer - 1])
        bias = {"each": f", {format_name('b', layer, 1)}..{format_name('b', layer, sizes[layer])}",
                "shared": f", {format_name('b', layer)} (shared)", "none": " (no biases)"}[style]
        parts.append(f"layer {layer}: {format_name('w', layer, 1, 1)}..{last_weight}{bias}")
    return "; ".join(parts)
