"""What one update reaches when a student rounds as they go: plain gradient descent's w − η·g, or the
spec's optimiser's (PyTorch's, core.update), worked in intervals, every intermediate it writes down
(η·g; g², the state, m̂ and v̂, the square root) rounded as the answer is, from the gradient as the
student rounded it or as the file states it, the state before the update as the spec gives it
(exact), and a state after the update the file states in place of its own; a new value from the Δw
the file states, where it does. grading.intervals asks it for an optimiser's state (`m_w212`,
`v_w212`, `velocity_w212`), Δw and the new value. An optimiser reads g twice (in m̂ and √v̂), so its
update is worked from each end of g's interval, its middle and (Adam's) the g where the step turns,
the two reads moving together.
An optimiser's intermediates always keep KEPT_DIGITS significant digits, even in the passes that
round to the answer's decimals alone (grading.judging's wider interval): Adam's v of 2e-7 written to
3 decimals is 0, and no student divides by ε."""
from __future__ import annotations

import dataclasses
import math

from .interval_arithmetic import as_pair
from .rule import KEPT_DIGITS

Pair = tuple  # (low, high) floats
WHOLE = (-math.inf, math.inf)


def _scale(c: float, a: Pair) -> Pair:
    return (c * a[0], c * a[1]) if c >= 0 else (c * a[1], c * a[0])


def _add(a: Pair, b: Pair) -> Pair:
    return a[0] + b[0], a[1] + b[1]


def _square(a: Pair) -> Pair:
    low, high = sorted((a[0] * a[0], a[1] * a[1]))
    return (0.0, high) if a[0] <= 0.0 <= a[1] else (low, high)


def _sqrt(a: Pair) -> Pair:
    return math.sqrt(max(a[0], 0.0)), math.sqrt(max(a[1], 0.0))


def _divide(a: Pair, b: Pair) -> Pair:
    if b[0] <= 0.0 <= b[1]:  # a root rounded to 0 plus a tiny ε: any step at all
        return WHOLE
    corners = [x / y for x in a for y in b]
    return min(corners), max(corners)


def optimizer_reach(r, q, gradient: Pair, precision, stated: dict) -> Pair:
    """The interval of `q` (state:NAME, delta or updated, of one parameter) after the update of
    `r`'s parameter, from `gradient` (the interval of its own value, which the student rounds as
    the answer is); `stated` the answers file's values by (kind, Name, sample), as
    grading.intervals.Reach holds them."""
    name, kind = str(q.name), r.network.optimizer.name
    given = stated.get(("delta", q.name, None))
    if q.kind == "updated" and given is not None and not r.is_frozen(name):  # w + the Δw the file states
        change = as_pair(given)
        return r.value(name) + change[0], r.value(name) + change[1]
    given = stated.get(("gradient", q.name, None))
    g = as_pair(given) if given is not None else precision.rounded_pair(*gradient)
    if kind != "sgd":
        precision = dataclasses.replace(precision, kept=max(precision.kept, KEPT_DIGITS))
    t, before, _ = r.parameter_state(name)
    if r.is_frozen(name):  # kept, and its state with it
        value = before[q.kind.partition(":")[2]] if q.kind.startswith("state:") else \
            0.0 if q.kind == "delta" else r.value(name)
        return value, value

    def worked(g: Pair) -> Pair:
        def rounded(pair: Pair) -> Pair:
            return precision.rounded_pair(*pair) if all(map(math.isfinite, pair)) else pair

        found = {}  # each state's own interval (the answer's, before its rounding)

        def state(key: str, own: Pair) -> Pair:  # as the next step uses it: as stated, else rounded
            found[key] = own
            given = stated.get((f"state:{key}", q.name, None))
            if given is None:
                return rounded(own)
            return as_pair(given)

        s = r.network.optimizer.settings
        if kind == "sgd":
            direction = g
        elif kind in ("momentum", "nesterov"):  # v ← β·v + g; the step η·v, or η·(g + β·v)
            velocity = state("velocity", _add((s["beta"] * before["velocity"],) * 2, g))
            direction = rounded(_add(g, rounded(_scale(s["beta"], velocity)))) if kind == "nesterov" else velocity
        elif kind in ("adagrad", "rmsprop"):  # v ← v + g², or α·v + (1 − α)·g²; the step η·g/(√v + ε)
            square = rounded(_square(g))
            own = _add((before["v"],) * 2, square) if kind == "adagrad" else \
                _add(rounded((s["alpha"] * before["v"],) * 2), rounded(_scale(1 - s["alpha"], square)))
            v = state("v", own)
            direction = rounded(_divide(g, _add(rounded(_sqrt(v)), (s["eps"],) * 2)))
        else:  # adam: m and v, then m̂ = m/(1 − β1^t), v̂ = v/(1 − β2^t); the step η·m̂/(√v̂ + ε)
            b1, b2 = s["beta1"], s["beta2"]
            m = state("m", _add(rounded((b1 * before["m"],) * 2), rounded(_scale(1 - b1, g))))
            v = state("v", _add(rounded((b2 * before["v"],) * 2), rounded(_scale(1 - b2, rounded(_square(g))))))
            m_hat, v_hat = rounded(_scale(1 / (1 - b1 ** t), m)), rounded(_scale(1 / (1 - b2 ** t), v))
            direction = rounded(_divide(m_hat, _add(rounded(_sqrt(v_hat)), (s["eps"],) * 2)))
        if q.kind.startswith("state:"):
            return found[q.kind.partition(":")[2]]
        step = rounded(_scale(r.learning_rate, direction)) if r.learning_rate != 1 else direction
        if q.kind == "delta":
            return -step[1], -step[0]
        value = r.value(name)
        return value - step[1], value - step[0]

    if kind == "sgd":  # w − η·g reads g once: its interval in one pass
        return worked(g)
    # an optimiser reads g twice (m̂ and √v̂, g and √v): worked from each end of g's interval and its
    # middle, the two reads moving together as they do for the student, where one interval for both
    # would spread the step by twice g's rounding (RMSProp's first step η/√(1 − α) would spread 3%).
    # g/√(c + k·g²) rises with g; Adam's (a + b·g)/√(c + d·g²) turns once, where its peak lies inside
    # g's interval (m ≠ 0 later in training), worked from there too
    points = [g[0], (g[0] + g[1]) / 2, g[1]]
    turn = _adams_turn(r.network.optimizer.settings, before, t) if kind == "adam" else None
    if turn is not None and g[0] < turn < g[1]:
        points.append(turn)
    ends = [worked((x, x)) for x in points]
    return min(low for low, _ in ends), max(high for _, high in ends)


def _adams_turn(settings: dict, before: dict, t: int) -> float | None:
    """Where Adam's step m̂/√v̂ = (a + b·g)/√(c + d·g²) turns as g moves (its derivative b·c − a·d·g
    is 0; ε shifts it by far less than a rounding): None where it never turns (m = 0 before)."""
    b1, b2 = settings["beta1"], settings["beta2"]
    a, b = b1 * before["m"] / (1 - b1 ** t), (1 - b1) / (1 - b1 ** t)
    c, d = b2 * before["v"] / (1 - b2 ** t), (1 - b2) / (1 - b2 ** t)
    return b * c / (a * d) if a != 0 and d != 0 else None
