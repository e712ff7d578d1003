"""Quantities by name for answer files: `loss`, `a12`, `dL/dz21`, `dL/dw212`, `w212_new`, `z21[2]`.

`[s]` picks sample s of a batch: node quantities need it there; `dL/dw212[s]` and `loss[s]` are
sample s's own gradient and loss, before any averaging.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.names import Name, Notation, canonical_name, describe_notations, describe_parameters, parse_name
from ..core.result import Result
from ..errors import UsageError, quote
from .training_quantities import check_more, evaluate_more, is_more, parse_more, position

_QUANTITY = re.compile(r"(?:(?:d(?P<of>\w+?)/d|∂(?P<of2>\w+?)/∂)(?=\w))?(?P<name>[^\W\d]\w*?)(?P<new>_new)?"
                       r"(?:\[(?P<sample>[0-9]{1,9})\])?")  # a batch holds at most a million samples


class QuantityError(ValueError):
    """A quantity that does not parse or that the network does not have (message + hint); `known`:
    the network has it, written with the wrong sample (the hint then says what to write)."""

    def __init__(self, message: str, hint: str = "", known: bool = False):
        super().__init__(message)
        self.hint, self.known = hint, known


@dataclass(frozen=True)
class Quantity:
    """What an answer is about: a value, a gradient dL/d<name>, or a parameter after one update."""

    text: str
    kind: str  # "value", "gradient" or "updated"; or grading.training_quantities' (delta, state:m, after:3, ...)
    name: Name
    sample: int | None  # 1-based: a node of a batch, or sample s's own loss or parameter gradient

    @property
    def is_parameter(self) -> bool:
        """Whether the quantity is about a weight or bias."""
        return self.name.kind in ("w", "b")


def _in_notation(name: str, notation: Notation | None) -> Name | None:
    """A name as written (canonical in `notation`, or a spec's own name) as a Name in `notation`'s
    letters: a spec's own names stand for default-notation names (z, a), re-lettered here."""
    if notation is None:
        return parse_name(name)
    canonical = canonical_name(notation.course, name)
    parsed = parse_name(canonical)
    if canonical == name or parsed is None or parsed.kind not in ("z", "a"):
        return parsed
    return Name(notation.pre if parsed.kind == "z" else notation.post, parsed.indices)


def shown(name: Name, notation: Notation) -> str:
    """A node's name as reports print it: the spec's own name where it has one."""
    if name.kind in (notation.pre, notation.post) and len(name.indices) == 2:
        default = Name("z" if name.kind == notation.pre else "a", name.indices)
        return notation.course.get(str(default), str(name))
    return notation.show(str(name))


def parse_quantity(text: str, notation: Notation | None = None) -> Quantity:
    """Parse an answer's key (names canonical in `notation`, or the spec's own names there);
    QuantityError when it names nothing we know."""
    raw = str(text).strip()
    loss = notation.loss if notation is not None else "L"
    if raw in ("loss", "L", loss):
        return Quantity(raw, "value", Name("L", ()), None)
    own = re.fullmatch(rf"(?:loss|L|{re.escape(loss)})\[([0-9]{{1,9}})\]", raw)  # loss[s]: sample s's own loss
    if own:
        return Quantity(raw, "value", Name("L", ()), int(own.group(1)))
    more = parse_more(raw, notation, lambda text: _in_notation(text, notation), Quantity)
    if more is not None:  # Δw212, m_w212, w212_after3, loss_after3, dyhat1/dz21
        return more
    m = _QUANTITY.fullmatch(raw)
    name = _in_notation(m.group("name"), notation) if m else None
    of = m and (m.group("of") or m.group("of2"))
    if m is None or name is None or (of and of not in ("L", loss)):
        raise QuantityError(f"unknown quantity '{quote(raw)}'",
                            f"write loss, a node (x1, z21, a12, yhat1), a parameter (w212, b21), d{loss}/d<name> "
                            f"or <parameter>_new, e.g. d{loss}/dw212 or w212_new")
    kind = "gradient" if of else "updated" if m.group("new") else "value"
    if kind == "updated" and name.kind not in ("w", "b"):
        raise QuantityError(f"'{raw}': only weights and biases have a value after the update",
                            "write w212_new or b21_new")
    sample = int(m.group("sample")) if m.group("sample") else None
    return Quantity(raw, kind, name, sample)


def node_at(result: Result, name: Name, notation: Notation) -> tuple[str, int, int]:
    """('z' | 'a', layer, 0-based neuron) of a node name in `notation`; QuantityError if absent."""
    sizes, depth = result.sizes, len(result.sizes) - 1
    kind, idx = name.kind, name.indices
    if kind == "x":
        layer, neuron, what = 0, idx[0], "a"
    elif kind == "yhat":
        layer, neuron, what = depth, idx[0], "a"
    elif kind == notation.pre:
        layer, neuron, what = idx[0], idx[1], "z"
    elif kind == notation.post:
        layer, neuron, what = idx[0], idx[1], "a"
    else:
        raise QuantityError(f"'{name}' is not a node name in the {notation.name} notation",
                            f"the pre-activation and the activation are written in {describe_notations()}")
    if not (0 <= layer <= depth and 1 <= neuron <= sizes[layer]) or (what == "z" and layer == 0):
        raise QuantityError(f"the network has no {name}",
                            ", ".join(f"layer {l}{' (input)' if l == 0 else ''}: {n} neuron{'s' if n != 1 else ''}"
                                      for l, n in enumerate(sizes)))
    return what, layer, neuron - 1


def check_quantity(result: Result, q: Quantity, notation: Notation) -> None:
    """Raise QuantityError when `q` does not exist in this network (or needs a sample)."""
    if is_more(q.kind):
        return check_more(result, q, notation, node_at, QuantityError)
    if q.is_parameter:
        try:
            result.value(str(q.name))
        except UsageError as exc:
            raise QuantityError(f"the network has no parameter {q.name}",
                                describe_parameters(result.sizes, result.network.bias_styles)) from exc
        if q.sample is not None and q.kind != "gradient":  # dL/dw212[s] is sample s's own gradient
            raise QuantityError(f"'{q.text}': a parameter has one value" + (" for the whole batch" if
                                result.samples > 1 else ", not one per sample"),
                                f"write {q.text.rsplit('[', 1)[0]}", known=True)
    elif q.name.kind == "L":
        if q.sample is not None and q.kind != "value":  # loss[s] is sample s's own loss
            raise QuantityError(f"'{q.text}': the gradient of the loss with respect to itself is 1",
                                f"write {q.text.rsplit('[', 1)[0]}", known=True)
    else:
        node_at(result, q.name, notation)
        if result.samples > 1 and q.sample is None:
            raise QuantityError(f"'{q.text}': the spec is a batch of {result.samples} samples",
                                f"name the sample: {q.text}[1] .. {q.text}[{result.samples}]", known=True)
    if q.sample is not None and not 1 <= q.sample <= result.samples:
        raise QuantityError(f"'{q.text}': there is no sample {q.sample}", f"samples are 1..{result.samples}" if
                            result.samples > 1 else f"the spec has one sample: write {q.text.rsplit('[', 1)[0]}",
                            known=True)


def evaluate(result: Result, q: Quantity, notation: Notation) -> float:
    """The true value of a quantity (after `check_quantity`)."""
    if is_more(q.kind):
        return evaluate_more(result, q, notation, node_at)
    s = (q.sample or 1) - 1
    if q.name.kind == "L":
        if q.sample is not None:  # loss[s]: sample s's own loss, before any averaging
            return float(result.per_sample_loss[s])
        return 1.0 if q.kind == "gradient" else result.loss
    if q.is_parameter:
        name = str(q.name)
        if q.sample is not None:  # dL/dw212[s]: sample s's own gradient, before any averaging
            return float(result.per_sample_gradient(name)[s])
        return {"value": result.value, "gradient": result.gradient, "updated": result.updated}[q.kind](name)
    what, layer, neuron = node_at(result, q.name, notation)
    if q.kind == "value":
        return float((result.z if what == "z" else result.a)[layer][s, neuron])
    if what == "z":
        per_sample = result.deltas[layer]
    elif layer == 0:
        per_sample = result.input_gradient()
    else:
        per_sample = result.grad_a[layer]
    return float(result.scale * per_sample[s, neuron])  # the sample's share of ∂L (1/n of a mean)


def chain_position(q: Quantity, notation: Notation, depth: int) -> tuple:
    """Where a quantity sits along the computation: forward values layer by layer, the loss, then
    gradients from the output down (in a layer: ∂L/∂a, ∂L/∂z, then its parameters', computed from
    ∂L/∂z), then updated parameters. Used to find the first wrong step, and what a step may copy."""
    if is_more(q.kind):
        return position(q)
    kind = q.name.kind
    layer = {"x": 0, "yhat": depth, "L": depth + 1}.get(kind, q.name.indices[0] if q.name.indices else 0)
    within = 0 if kind in ("x", notation.pre, "w", "b") else 1  # z before a within a layer
    if q.kind == "value":
        return (0, layer, within)
    if q.kind == "gradient":
        return (1, -layer, 1 if kind in ("w", "b") else -within)
    return (2, layer, 0)


def local_slope(result: Result, notation: Notation, kind: str, name: Name) -> tuple[int, int] | None:
    """(layer, 0-based neuron) of a one-unit ∂a/∂z (σ′, tanh′: kind "partial:a21", name z21), None
    for any other partial derivative."""
    if not kind.startswith("partial:") or name.kind in ("w", "b"):
        return None
    try:
        top, wrt = node_at(result, parse_name(kind.partition(":")[2]), notation), node_at(result, name, notation)
    except QuantityError:
        return None
    if top[0] != "a" or wrt[0] != "z" or wrt[1:] != top[1:]:
        return None
    return (top[1], top[2]) if result.network.layers[top[1] - 1].activation.elementwise else None


def input_read(result: Result, notation: Notation, kind: str, name: Name) -> tuple[int, int, int] | None:
    """(layer, j, k) of a one-step ∂z_lj/∂w_ljk past the first layer: it is a_k of layer l − 1, a
    value a file may state (None for any other partial derivative; layer 1's is an input x, given)."""
    if not kind.startswith("partial:") or name.kind != "w" or len(name.indices) != 3:
        return None
    try:
        top = node_at(result, parse_name(kind.partition(":")[2]), notation)
        _, layer, j, k = result.parameter_index(str(name))
    except (QuantityError, UsageError):
        return None
    return (layer, j, k) if top == ("z", layer, j - 1) and layer > 1 else None
