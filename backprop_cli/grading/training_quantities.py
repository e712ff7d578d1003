"""The quantities of training and of any partial derivative (CONTRACT sections 10 and 5):
`Δw212` (also `delta_w212`), the change an update makes; `m_w212`, `v_w212`, `velocity_w212`, the
optimiser's state after the update; `w212_after3` and `loss_after3`, after 3 updates (`w212_after1`
is `w212_new`); `dyhat1/dz21`, ∂X/∂Y for any node X and a node or parameter Y below it. Each is
judged by the one rule (grading.rule): a parameter after updates as one update more (updates_reach),
the rest on its value; none has a "follows from" step."""
from __future__ import annotations

import dataclasses
import math
import re

from ..core.names import Name, parse_name
from ..core.update import STATE
from ..errors import NumericalError, UsageError

KINDS = ("delta", "after", "state", "partial")  # a kind is one of these, or one of these and ':' and what
_DELTA = re.compile(r"(?:Δ|delta_)(?P<name>\w+?)(?:\[(?P<sample>[0-9]{1,9})\])?")
_STATE = re.compile(r"(?P<key>velocity|m|v)_(?P<name>\w+)")
_AFTER = re.compile(r"(?P<name>\w+?)_after(?P<k>[0-9]+)")
_PARTIAL = re.compile(r"(?:d(?P<of>\w+?)/d|∂(?P<of2>\w+?)/∂)(?P<name>\w+?)(?:\[(?P<sample>[0-9]{1,9})\])?")
MAX_AFTER = 100_000  # updates a value after K may ask for
MAX_WORK = 20_000_000  # updates × parameters: what a trajectory may hold


def is_more(kind: str) -> bool:
    """Whether a quantity's kind is one of this module's."""
    return kind.split(":", 1)[0] in KINDS


def parse_more(raw: str, notation, parse_name_in, quantity):
    """A Quantity of this module's kinds, or None (then the text is none of them). `parse_name_in`
    reads a name in the notation; `quantity` builds a Quantity."""
    loss = notation.loss if notation is not None else "L"
    m = _AFTER.fullmatch(raw)
    if m:
        digits = m.group("k").lstrip("0") or "0"
        k = int(digits) if len(digits) <= 9 else 10**9  # beyond any bound: refused as too many (check_more)
        if m.group("name") in ("loss", "L", loss):
            return quantity(raw, f"after:{k}", Name("L", ()), None)
        name = parse_name_in(m.group("name"))
        if name is not None and name.kind in ("w", "b"):
            return quantity(raw, "updated" if k == 1 else f"after:{k}", name, None)
    m = _DELTA.fullmatch(raw)
    if m:
        name = parse_name_in(m.group("name"))
        if name is not None and name.kind in ("w", "b"):
            sample = int(m.group("sample")) if m.group("sample") else None
            return quantity(raw, "delta", name, sample)
    m = _STATE.fullmatch(raw)
    if m:
        name = parse_name_in(m.group("name"))
        if name is not None and name.kind in ("w", "b"):
            return quantity(raw, f"state:{m.group('key')}", name, None)
    m = _PARTIAL.fullmatch(raw)
    of = m and (m.group("of") or m.group("of2"))
    if m and of not in ("L", loss):
        top, name = parse_name_in(of), parse_name_in(m.group("name"))
        if top is not None and name is not None and top.kind not in ("w", "b", "L") and name.kind != "L":
            sample = int(m.group("sample")) if m.group("sample") else None
            return quantity(raw, f"partial:{top}", name, sample)
    return None


def check_more(result, q, notation, node_at, error) -> None:
    """Raise `error` (QuantityError) when `q` does not exist in this network."""
    base, _, what = q.kind.partition(":")
    if base == "partial":
        top = partial_top(q)
        node_at(result, top, notation)
        if q.name.kind not in ("w", "b"):
            node_at(result, q.name, notation)
        else:
            _parameter(result, q, error)
        if result.samples > 1 and q.sample is None:
            raise error(f"'{q.text}': the spec is a batch of {result.samples} samples",
                        f"name the sample: {q.text}[1] .. {q.text}[{result.samples}]")
        if q.sample is not None and not 1 <= q.sample <= result.samples:
            raise error(f"'{q.text}': there is no sample {q.sample}", f"samples are 1..{result.samples}")
        return
    if base == "delta" and q.sample is not None:
        raise error(f"'{q.text}': an update is made once for the whole batch, not per sample",
                    f"write {q.text[:q.text.index('[')]}")
    if q.name.kind != "L":
        _parameter(result, q, error)
    optimizer = result.network.optimizer
    if base == "state" and what not in optimizer.state_names:
        keeps = ", ".join(f"{k}_{q.name}" for k in optimizer.state_names) or "nothing"
        users = [name for name, kept in STATE.items() if what in kept]
        raise error(f"'{q.text}': {optimizer.name} keeps no {what} (it keeps {keeps})",
                    f"{what} is the state of {', '.join(users)}: name one in the spec's `optimizer:`")
    if base == "after":
        k = int(what)
        if k > _longest(result):
            raise error(f"'{q.text}': that many updates of this network are more than a check works out",
                        f"at most {_longest(result):,}")
        try:
            _after(result, k)
        except NumericalError as exc:  # Ctrl-C stops the run: never a quantity not graded
            raise error(f"'{q.text}': training does not reach {k} updates", str(exc)[:200]) from None


def evaluate_more(result, q, notation, node_at) -> float:
    """The true value of one of this module's quantities (after check_more)."""
    base, _, what = q.kind.partition(":")
    name = str(q.name)
    if base == "delta":
        return result.updated(name) - result.value(name)
    if base == "state":
        return result.parameter_state(name)[2][what]
    if base == "after":
        loss, values = _after(result, int(what))
        if q.name.kind == "L":
            return loss
        return float(values[result.packing().position(*result.parameter_index(name))])
    from ..core.partials import partial

    top = node_at(result, partial_top(q), notation)
    wrt = result.parameter_index(name) if q.name.kind in ("w", "b") else node_at(result, q.name, notation)
    return partial(result, top, wrt, (q.sample or 1) - 1)


def position(q) -> tuple:
    """Where it sits along the computation (quantities.chain_position): a partial among the
    gradients (∂X/∂z of a layer just before its ∂L/∂z, which multiplies by a unit's σ′; ∂X/∂w after
    it); an optimiser's state, then Δw, just before the new value; the rest after the updates (the
    loss after K last: it is computed from every value after K)."""
    layer = q.name.indices[0] if q.name.indices else math.inf if q.name.kind == "L" else 0
    if q.kind.startswith("state:") or q.kind == "delta":  # an update's steps, before its new value (2, layer, 0)
        return (2, layer, -2 if q.kind != "delta" else -1)
    if not q.kind.startswith("partial"):
        return (3, layer, 0)
    return (1, -layer, 2) if q.name.kind in ("w", "b") else (1, -layer, -0.5)


def partial_top(q) -> Name:
    """X of ∂X/∂Y, kept in the kind (so that dyhat1/dz21 and dyhat2/dz21 are two quantities)."""
    return parse_name(q.kind.partition(":")[2])


MAX_WORKED = 1_000  # updates before which the last is worked step by step (the networks on the way kept)
# parameters × updates that a loss after K works one by one (a hand-sized network, grading.intervals'
# own interval of each parameter); beyond, each parameter is its true value after K, written down rounded
WORKED_BY_HAND = 300
BY_HAND = 10  # the last updates a student is taken to work by hand, writing each value down rounded


def updates_reach(result, q, precision) -> tuple[float, float]:
    """What a parameter's value after k ≥ 2 updates (`w212_after3`) reaches when a student rounds as
    they go: update by update, the value written down rounded as the answer is, plus the update's
    change as grading.optimizer_reach works it out on the network after the updates before it (its
    gradient, the optimiser's state, m̂ and v̂, the step, each rounded as the answer is), so that a
    value after 2 updates built on a right, rounded new value is right too. The last BY_HAND updates
    are worked so; the ones before them are taken as they are (nobody works a hundred by hand). A
    worked example's third Adam update is 4.8001 − 0.0998 = 4.7003 for the true 4.70021. Beyond
    MAX_WORKED updates, the true k-th step rounded as the answer is. A frozen parameter never moves:
    its value is exact. (No "follows from": a value after k − 1 updates the file states is no input.)"""
    from .optimizer_reach import optimizer_reach

    name = str(q.name)
    if result.is_frozen(name):
        return (result.value(name),) * 2
    k = int(q.kind.partition(":")[2])
    if k - 1 > MAX_WORKED:
        position = result.packing().position(*result.parameter_index(name))
        before, now = (float(_after(result, n)[1][position]) for n in (k - 1, k))
        step_low, step_high = precision.rounded_pair(before - now, before - now)
        low, high = precision.rounded_pair(before, before)
        return low - step_high, high - step_low
    first = max(1, k - BY_HAND)  # the first update worked by hand
    low = high = _network_after(result, first - 1).value(name)
    for n in range(first, k + 1):
        earlier = _network_after(result, n - 1)
        if n > 1:  # a value worked out before (the spec's own is as given)
            low, high = precision.rounded_pair(low, high)
        change = optimizer_reach(earlier, dataclasses.replace(q, kind="delta"), (earlier.gradient(name),) * 2,
                                 precision, {})
        low, high = low + change[0], high + change[1]
    return low, high


def _network_after(result, n: int):
    """The checked pass (core.result.Result) of `result`'s network after n updates, its optimiser
    state with it: one update on from n − 1 where that is known, else trained n updates; kept."""
    key = ("network after", n)
    if key not in result._cache:
        from ..core.training import train

        known = result._cache.get(("network after", n - 1))
        start, epochs = (known, 1) if known is not None else (result, n)
        run = train(start.network, result.a[0], result.targets, result.learning_rate, epochs)
        result._cache[key] = run.result if n else result
    return result._cache[key]


def _parameter(result, q, error) -> None:
    try:
        result.value(str(q.name))
    except UsageError as exc:
        raise error(f"the network has no parameter {q.name}", str(exc)) from None


def _longest(result) -> int:
    """The most updates a value after K may ask for on this network (MAX_AFTER, MAX_WORK)."""
    return min(MAX_AFTER, MAX_WORK // max(result.packing().size, 1))


def _after(result, k: int):
    """The loss and the parameter vector after k updates (core.training.trajectory)."""
    from ..core.training import trajectory

    return trajectory(result, k, _longest(result))


def loss_after_reach(result, q, precision, reach) -> tuple[float, float]:
    """What the loss after k updates (`loss_after2`) reaches when a student works it out as they go:
    the forward pass of the network after the updates, each weight and bias anywhere in what its
    own value after k reaches (`reach(Quantity)`: a value after k updates as it is judged), every
    intermediate (z, a, each sample's loss in a batch) rounded as the answer is; the loss's own
    interval is not (that rounding is the answer's). A student who rounds every step to 4
    significant digits writes 0.01467 for the true 0.0146762: the network they ran was their own.
    Beyond WORKED_BY_HAND parameter updates, each parameter is its true value after k, rounded."""
    import numpy as np

    from ..core.names import parameter_name
    from .interval_arithmetic import activation_range, loss_range, matmul_pairs

    k = int(q.kind.partition(":")[2])
    kind = "value" if k == 0 else "updated" if k == 1 else f"after:{k}"
    by_hand = result.packing().size * min(max(k, 1), BY_HAND) <= WORKED_BY_HAND
    after = None if by_hand else _after(result, k)[1]

    def of(*index) -> tuple[float, float]:  # a parameter's value after k updates, as it is judged
        name = parameter_name(*index)
        if after is not None:  # no one trains this by hand: its true value, written down rounded
            value = float(after[result.packing().position(*result.parameter_index(name))])
            return precision.rounded_pair(value, value)
        return reach(dataclasses.replace(q, text=name, kind=kind, name=parse_name(name), sample=None))

    with np.errstate(all="ignore"):  # an interval that overflows is judged as wide, never warned about
        a = (result.a[0], result.a[0])
        squares = [0.0, 0.0]  # Σw² of the weights after the updates, for an L2 term
        for l, layer in enumerate(result.network.layers, start=1):
            rows, cols = layer.weights.shape
            weights = np.array([[of("w", l, j, i) for i in range(1, cols + 1)] for j in range(1, rows + 1)])
            low, high = weights[..., 0], weights[..., 1]
            if layer.bias_style == "each":
                biases = np.array([of("b", l, j) for j in range(1, rows + 1)])
            elif layer.bias_style == "shared":
                biases = np.array([of("b", l, None)] * rows)
            else:
                biases = np.zeros((rows, 2))
            z = matmul_pairs(a, (low.T, high.T))
            z = precision.rounded(z[0] + biases[:, 0], z[1] + biases[:, 1])
            a = precision.rounded(*activation_range(layer.activation, z))
            straddles = (low <= 0) & (high >= 0)
            squares[0] += float(np.where(straddles, 0.0, np.minimum(low * low, high * high)).sum())
            squares[1] += float(np.maximum(low * low, high * high).sum())
        low, high = loss_range(result.network.loss, a, result.targets, precision)
        if len(low) > 1:  # a batch: each sample's loss rounded as the answer is, then averaged
            low, high = precision.rounded(low, high)
        l2 = 0.5 * result.network.l2
        return float(low.sum() * result.scale) + l2 * squares[0], float(high.sum() * result.scale) + l2 * squares[1]
