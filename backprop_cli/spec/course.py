"""A spec's `names:` (the course's own names for parameters and nodes) and `frozen:` (parameters
an update leaves alone), read against the network they name."""
from __future__ import annotations

import re
from types import MappingProxyType
from typing import TYPE_CHECKING

from ..core.names import NO_NAMES, canonical_name, format_name, parse_name
from ..core.network import Network
from ..errors import quote
from .hints import describe, nearest

if TYPE_CHECKING:  # for annotations only
    from .values import ValueReader

# a course's name: letters, digits and _ (Greek too: θ1), not starting with a digit
_COURSE_NAME = re.compile(r"[^\W\d]\w{0,39}")
RESERVED = ("loss", "biases", "weights")  # answers files use `loss` for L; `frozen: biases` means all of them
MAX_NAMES = 10_000


def node_names(network: Network) -> list[str]:
    """Every canonical node quantity in the default notation: x, z, a, yhat, y (targets), L."""
    sizes, depth = network.sizes, len(network.layers)
    if getattr(network, "naming", None):  # over a sequence: every quantity at its step (core.seqnames)
        return network.naming.node_names(network)
    if network.maps:
        from ..core import mapnames

        names = [mapnames.node_name(network, what, l, f) for l in range(depth + 1) for what in ("z", "a")
                 if l and network.layers[l - 1].has_z or what == "a" for f in range(sizes[l])]
        names += [mapnames.node_name(network, what, l, f) for l in range(1, depth + 1)  # batch norm's μ, σ², x̂
                  if network.layers[l - 1].kind == "batchnorm" for what in mapnames.NORM_NODES
                  for f in range(sizes[l])]
        return names + [format_name("y", j) for j in range(1, sizes[-1] + 1)] + ["L"]
    names = [format_name("x", k) for k in range(1, sizes[0] + 1)]
    for layer in range(1, depth + 1):
        names += [format_name("z", layer, j) for j in range(1, sizes[layer] + 1)]
        names += [format_name("a", layer, j) if layer < depth else format_name("yhat", j)
                  for j in range(1, sizes[layer] + 1)]
    names += [format_name("y", j) for j in range(1, sizes[-1] + 1)]
    return names + ["L"]


def _canonical_in(network: Network, name: str) -> str:
    """A name as written, in its canonical form for `network` (section 9's spellings over maps)."""
    if not network.maps:
        return _canonical(name, len(network.layers))
    from ..core import mapnames

    found = mapnames.find(network, name, course=False)
    if found is None:
        return name
    if found[0] == "p":
        return mapnames.parameters(network)[found[1]][0]
    return mapnames.node_name(network, *found)


def _canonical(name: str, depth: int) -> str:
    """A name in its canonical compact form (w2_1_1 -> w211; h11, padhai's activation, -> a11), and
    a{L}{j}, the output layer's activation, as yhat{j}."""
    parsed = parse_name(name)
    if parsed is None:
        return name
    if parsed.kind == "h":
        parsed = type(parsed)("a", parsed.indices)
    if parsed.kind == "a" and parsed.indices[0] == depth:
        return format_name("yhat", parsed.indices[1])
    return str(parsed)


def read_names(reader: ValueReader, data: dict, network: Network):
    """`names:` as a mapping canonical name -> course name; problems go to `reader`."""
    course: dict[str, str] = {}
    if network.loss.name == "none":
        course["L"] = "f"  # a circuit's output: CS231n's f, not a loss
    if "names" not in data:
        return MappingProxyType(course) if course else NO_NAMES
    value = data["names"]
    if not isinstance(value, dict):
        reader.fail(("names",), f"'names' must be a mapping, not {describe(value)}",
                    "write one `course_name: canonical_name` per line, e.g. `w5: w211` or `E_total: L`")
        return NO_NAMES
    if len(value) > MAX_NAMES:
        reader.fail(("names",), f"'names' has {len(value):,} entries", f"at most {MAX_NAMES:,}")
        return NO_NAMES
    known = network.parameter_names() + node_names(network)
    problems_before = len(reader.problems)
    taken = set(known)
    if network.loss.name == "none":
        taken.add("f")  # a circuit's output is printed f
    given: dict[str, str] = {}
    for own, target in value.items():
        path = ("names", own)
        if not isinstance(own, str) or not _COURSE_NAME.fullmatch(own) or own in RESERVED or own.endswith("_new"):
            reader.fail(path, f"'{quote(str(own))}' cannot be a name", "a name is letters, digits and _ (at most 40), "
                        "starting with a letter, not `loss` and not ending in `_new`", at_key=True)
            continue
        canonical = _canonical_in(network, str(target)) if isinstance(target, str) else None
        if canonical not in taken:
            reader.fail(path, f"'{quote(str(target))}' is not a parameter or node of this network",
                        nearest(str(target), known) if isinstance(target, str) else
                        "write the canonical name it replaces, e.g. `w5: w211`, `net_h1: z11`, `E_total: L`")
            continue
        if canonical in given:
            reader.fail(path, f"{canonical} is already named '{given[canonical]}'", "give each quantity one name",
                        at_key=True)
            continue
        given[canonical] = own
    if network.loss.name == "none" and "L" not in given:
        if "f" in given.values():
            reader.fail(("names", "f"), "'f' is the circuit's output here (`loss: none`)",
                        "choose another name, or rename the output too (`out: L`)", at_key=True)
        given["L"] = "f"
    for canonical, own in given.items():
        if canonical == "L" and own == "f" and network.loss.name == "none":
            continue
        # a canonical name may name another quantity only when its own quantity is renamed too
        # (CS231n's x0, x1 for x1, x2); otherwise one printed name would mean two things
        means = _canonical_in(network, own)
        if means != canonical and (means in taken or parse_name(own) is not None) and means not in given:
            reader.fail(("names", own), f"'{own}' is already the name of another quantity of this network",
                        f"rename {own} too, or choose a name that is not a canonical one", at_key=True)
    course.update(given)
    if problems_before < len(reader.problems):
        return NO_NAMES
    return MappingProxyType(course)


def read_frozen(reader: ValueReader, data: dict, network: Network, course) -> frozenset:
    """`frozen:` as canonical parameter names (`biases` stands for all of them)."""
    if "frozen" not in data:
        return frozenset()
    value = data["frozen"]
    names = network.parameter_names()
    biases = [n for n in names if n.startswith("b")]
    hint = "write `frozen: [b1, w5]` (parameter names, or `biases` for all of them)"
    if value == "biases":
        return frozenset(biases)
    if not isinstance(value, list):
        reader.fail(("frozen",), f"'frozen' must be a list of parameter names or `biases`, not {describe(value)}", hint)
        return frozenset()
    frozen, known = set(), set(names)  # a set: a network may have 4,000,000 parameters
    shown = [course.get(n, n) for n in names] + ["biases"]
    for i, item in enumerate(value):
        if item == "biases":
            frozen.update(biases)
            continue
        canonical = _canonical_in(network, canonical_name(course, item)) if isinstance(item, str) else None
        if canonical not in known:
            reader.fail(("frozen", i), f"'{quote(str(item))}' is not a parameter of this network",
                        nearest(str(item), shown) if isinstance(item, str) else hint)
            continue
        frozen.add(canonical)
    return frozenset(frozen)
