"""A spec's training keys: `optimizer:` (which rule an update follows, with its settings),
`optimizer_state:` (what it kept between updates: written back by step and train, read again)
and `l2:` (λ of the loss's (λ/2)·Σw² term), read against the network they belong to; and the
state written out as the spec's own text."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..core.names import canonical_name
from ..core.network import Network
from ..core.update import OPTIMIZERS, SGD, Optimizer, State
from ..errors import quote
from .hints import describe, nearest

if TYPE_CHECKING:  # for annotations only
    from .values import ValueReader

KEYS = ("optimizer", "optimizer_state", "l2")
_RATES = ("beta", "beta1", "beta2", "alpha")  # decay rates: 0 ≤ β < 1
_KNOWN = ", ".join(OPTIMIZERS)
MAX_STEP = 2 ** 53  # updates a state may count: a whole number float64 (and JSON) holds exactly
_WRITTEN_BY = "  # written by backprop step/train: the optimizer's state after `step` updates"


def read_training(reader: ValueReader, data: dict, network: Network, course) -> Network:
    """`network` with the spec's optimizer, its state and l2 (problems go to `reader`)."""
    optimizer = read_optimizer(reader, data)
    l2 = 0.0
    if "l2" in data:
        l2 = reader._number(("l2",), data["l2"])
        if l2 is not None and l2 < 0:
            reader.fail(("l2",), f"'l2' must be 0 or more, not {quote(reader.doc.texts.get(('l2',), str(l2)), 40)}",
                        "λ in the loss's term (λ/2)·Σw², e.g. `l2: 0.01`")
        l2 = l2 if l2 is not None and l2 >= 0 else 0.0
    named_step = [c for c, own in course.items() if own == "step" and c[:1] in ("w", "b")]
    if optimizer is not None and optimizer.state_names and named_step:
        # optimizer_state: counts the updates under `step`: a parameter of that name could not be written there
        reader.fail(("names", "step"), f"'step' cannot name a parameter ({named_step[0]}) under {optimizer.name}: "
                    "its optimizer_state: counts the updates under `step`", "give the parameter another name",
                    at_key=True)
        return network.replace(optimizer=optimizer, state=None, l2=l2)
    state = read_state(reader, data, network, optimizer, course) if optimizer is not None else None
    return network.replace(optimizer=optimizer or SGD, state=state, l2=l2)


def read_optimizer(reader: ValueReader, data: dict) -> Optimizer | None:
    """`optimizer: adam` or `optimizer: {name: adam, beta1: 0.9, ...}`; None after a problem."""
    if "optimizer" not in data:
        return SGD
    value, path = data["optimizer"], ("optimizer",)
    if isinstance(value, str):
        if value not in OPTIMIZERS:
            reader.fail(path, f"unknown optimizer '{quote(value)}'", nearest(value, OPTIMIZERS))
            return None
        return Optimizer(value)
    if not isinstance(value, dict):
        reader.fail(path, f"'optimizer' must be a name or a mapping, not {describe(value)}",
                    f"write `optimizer: adam` or `optimizer: {{name: adam, beta1: 0.9}}` (known: {_KNOWN})")
        return None
    if "name" not in value:  # what else it holds first: `{<<: {name: adam}}` is YAML's merge key, no name
        every = dict.fromkeys(key for keys in OPTIMIZERS.values() for key in keys)
        reader._unknown_keys(value, path, ("name", *every))
    name = reader._choice(value, "name", OPTIMIZERS, path)
    if name is None:
        return None
    known = OPTIMIZERS[name]
    reader._unknown_keys(value, path, ("name",) + tuple(known))
    settings = {}
    for key in known:
        if key not in value:
            continue
        number = reader._number(path + (key,), value[key])
        if number is None:
            continue
        written = quote(reader.doc.texts.get(path + (key,), str(number)), 40)
        if key in _RATES and not 0 <= number < 1:
            reader.fail(path + (key,), f"{name}'s {key} must be at least 0 and below 1, not {written}",
                        f"the default is {known[key]}")
        elif key == "beta" and name == "nesterov" and number == 0:
            reader.fail(path + (key,), "nesterov needs a momentum beta above 0", f"the default is {known[key]}")
        elif key == "eps" and number < 0:  # 0 is PyTorch's too (a walkthrough's ε = 0)
            reader.fail(path + (key,), f"{name}'s eps must be 0 or more, not {written}",
                        f"the default is {known[key]:g}; it keeps the division finite")
        else:
            settings[key] = number
    if len(settings) < sum(key in value for key in known):
        return None
    return Optimizer(name, settings)


def read_state(reader: ValueReader, data: dict, network: Network, optimizer: Optimizer, course) -> State | None:
    """`optimizer_state:` as a State over the flat parameter vector (core.packing); None when
    absent (the start: step 0, zeros) or after a problem."""
    if "optimizer_state" not in data:
        return None
    from ..core.packing import Packing
    from .course import _canonical

    value, path = data["optimizer_state"], ("optimizer_state",)
    kept = optimizer.state_names
    example = ", ".join(f"{k}: 0" for k in kept)
    hint = f"write `step: N`, then one `PARAMETER: {{{example}}}` per parameter" if kept else "write `step: N`"
    if not isinstance(value, dict):
        reader.fail(path, f"'optimizer_state' must be a mapping, not {describe(value)}", hint)
        return None
    before = len(reader.problems)
    step = value.get("step", 0)
    if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= MAX_STEP:
        reader.fail(path + ("step",), f"'step' must be a whole number of updates, from 0 to {MAX_STEP:,}, not "
                    f"{quote(reader.doc.texts.get(path + ('step',), describe(step)), 40)}", "e.g. `step: 3`")
    packing = Packing(network)
    state = State.start(optimizer, packing.size)
    shown = [course.get(n, n) for n in packing.names]
    depth, given = len(network.layers), {}
    for key, entry in value.items():
        where = path + (key,)
        if key == "step":
            continue
        canonical = _canonical(canonical_name(course, key), depth) if isinstance(key, str) else None
        if canonical not in packing.index:
            reader.fail(where, f"'{quote(str(key))}' is not a parameter of this network",
                        nearest(str(key), shown + ["step"]), at_key=True)
            continue
        if canonical in given:  # w2_1_1 and w211, or a course's name and ours: one parameter
            reader.fail(where, f"'{quote(str(key))}' is the parameter '{quote(str(given[canonical]))}' "
                        "whose state is given already", "give each parameter's state once", at_key=True)
            continue
        given[canonical] = key
        if canonical in network.frozen:
            reader.fail(where, f"'{quote(str(key))}' is frozen: no update moves it, so it has no optimizer state",
                        "remove it (step and train write none for a frozen parameter)", at_key=True)
            continue
        if not kept:
            reader.fail(where, f"{optimizer.name} keeps no state per parameter",
                        "remove it, or name the optimizer that wrote it (`optimizer: adam`)", at_key=True)
            continue
        if not isinstance(entry, dict):
            reader.fail(where, f"the state of {key} must be a mapping, not {describe(entry)}", f"write {{{example}}}")
            continue
        reader._unknown_keys(entry, where, kept)
        for name in kept:
            if name not in entry:
                reader.missing(where, name, f"the state of {key} has no '{name}'", f"write {{{example}}}")
                continue
            number = reader._number(where + (name,), entry[name])
            if number is not None and name == "v" and number < 0:
                reader.fail(where + (name,), f"{key}'s v is a sum or average of squares, so 0 or more",
                            "copy the state step or train wrote")
            elif number is not None:
                state.arrays[name][packing.index[canonical]] = number
    if len(reader.problems) > before:
        return None
    return state.replace(step=step)


def state_text(network: Network, state: State, newline: str) -> str:
    """The `optimizer_state:` block for `state`, each parameter under the spec's own name; every
    number written so that it reads back exactly (frozen parameters keep theirs, as zeros)."""
    from ..core.numbers import exact
    from ..core.packing import Packing

    packing = Packing(network)
    lines = [f"optimizer_state:{_WRITTEN_BY}", f"  step: {state.step}"]
    kept = network.optimizer.state_names
    for i, name in enumerate(packing.names):
        if not kept or name in network.frozen:
            continue
        entries = ", ".join(f"{k}: {exact(float(state.arrays[k][i]))}" for k in kept)
        lines.append(f"  {network.names.get(name, name)}: {{{entries}}}")
    return newline.join(lines) + newline


def same_state(written: dict, network: Network, state: State) -> bool:
    """Whether `optimizer_state:` as read back (plain values) holds `state` exactly."""
    from ..core.packing import Packing

    packing = Packing(network)
    if written.get("step") != state.step:
        return False
    for i, name in enumerate(packing.names):
        if name in network.frozen:
            continue
        entry = written.get(network.names.get(name, name), {})
        if any(np.float64(entry.get(k)) != state.arrays[k][i] for k in network.optimizer.state_names):
            return False
    return True
