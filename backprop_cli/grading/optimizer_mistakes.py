"""The optimisers' own mistakes, for an update by the spec's `optimizer:` (core.update): Adam's
bias correction left out, m and v swapped, the square root left out or ε put inside it (also
RMSProp's and Adagrad's), Nesterov's look-ahead left out, plain gradient descent in the optimiser's
place, the sign and the update itself. Each is the value the parameter takes with that slip, made
on the same stated values (its state before the update, η, and the gradient given)."""
from __future__ import annotations

import math

import numpy as np

from ..core.update import State, bias_corrected, optimizer_step, updated
from ..core.update import rule as update_rule

SENTENCES = {
    "bias_correction_missing": "Adam's bias correction is left out: m and v are used where m̂ = m/(1 − β1^t) "
                               "and v̂ = v/(1 − β2^t) belong",
    "moments_swapped": "m and v are swapped: the update divides by √m̂ where √v̂ belongs (and multiplies by v̂)",
    "square_root_missing": "the square root is left out: the update divides by v + ε where √v + ε belongs",
    "epsilon_inside_root": "ε is inside the square root: √(v + ε) where √v + ε belongs",
    "lookahead_missing": "Nesterov's look-ahead is left out: w − η·velocity, where w − η·(g + β·velocity) belongs",
    "momentum_averaged": "the velocity is averaged, velocity ← β·velocity + (1 − β)·g (as some courses write "
                         "momentum); PyTorch's adds the gradient itself: velocity ← β·velocity + g",
    "optimizer_ignored": "this is plain gradient descent, w − η·∂L/∂w: the spec's optimiser updates otherwise",
    "update_sign": "the update's step is added: the optimiser subtracts it",
    "update_missing": "this is the value before the update: the update was not applied",
}


SLIGHT = 1e-6  # a slip moving the update by less than this (relative) is not offered: with ε = 1e-8 under
# the root, every right answer up to 6 digits would read as that slip (imprecise) though no one could make it show


def optimizer_mistakes(r, name: str, gradient: float):
    """(value, sentence, code) of each catalogued slip in parameter `name`'s update by `r`'s
    optimiser, made with `gradient` (the true one, or the one the answers file states), except
    those within SLIGHT of the update done right with that same gradient."""
    right = _done_right(r, name, gradient)
    for value, sentence, code in _slips(r, name, gradient):
        if math.isfinite(value) and abs(value - right) > SLIGHT * max(abs(right), abs(value - r.value(name))):
            yield value, sentence, code


def _done_right(r, name: str, gradient: float) -> float:
    """The parameter after its update done right with `gradient`: the spec's own update where that
    is the true gradient (or the parameter is frozen); else the optimiser's step from the same state."""
    if r.is_frozen(name) or gradient == r.gradient(name):
        return r.updated(name)
    t, before, _ = r.parameter_state(name)
    state = State(t - 1, {key: np.array([value]) for key, value in before.items()})
    after, _ = optimizer_step(r.network.optimizer, np.array([r.value(name)]), np.array([gradient]), state,
                              r.learning_rate)
    return float(after[0])


def _slips(r, name: str, gradient: float):
    optimizer, w, rate, g = r.network.optimizer, r.value(name), r.learning_rate, gradient
    s, (t, before, _) = optimizer.settings, r.parameter_state(name)
    yield w - rate * g, SENTENCES["optimizer_ignored"], "optimizer_ignored"
    yield w, SENTENCES["update_missing"], "update_missing"
    step = None
    if optimizer.name in ("momentum", "nesterov"):
        velocity = s["beta"] * before["velocity"] + g
        step = g + s["beta"] * velocity if optimizer.name == "nesterov" else velocity
        if optimizer.name == "nesterov":
            yield w - rate * velocity, SENTENCES["lookahead_missing"], "lookahead_missing"
        averaged = averaged_velocity(s, before, g)
        yield w - rate * (g + s["beta"] * averaged if optimizer.name == "nesterov" else averaged), \
            SENTENCES["momentum_averaged"], "momentum_averaged"
    elif optimizer.name in ("adagrad", "rmsprop"):
        v = before["v"] + g * g if optimizer.name == "adagrad" else s["alpha"] * before["v"] + (1 - s["alpha"]) * g * g
        step = g / (math.sqrt(v) + s["eps"])
        yield w - rate * g / (v + s["eps"]), SENTENCES["square_root_missing"], "square_root_missing"
        yield w - rate * g / math.sqrt(v + s["eps"]), SENTENCES["epsilon_inside_root"], "epsilon_inside_root"
    elif optimizer.name == "adam":
        m = s["beta1"] * before["m"] + (1 - s["beta1"]) * g
        v = s["beta2"] * before["v"] + (1 - s["beta2"]) * g * g
        m_hat, v_hat = bias_corrected(s, m, v, t)
        step = m_hat / (math.sqrt(v_hat) + s["eps"])
        yield w - rate * m / (math.sqrt(v) + s["eps"]), SENTENCES["bias_correction_missing"], "bias_correction_missing"
        if m_hat >= 0:
            yield w - rate * v_hat / (math.sqrt(m_hat) + s["eps"]), SENTENCES["moments_swapped"], "moments_swapped"
        yield w - rate * m_hat / (v_hat + s["eps"]), SENTENCES["square_root_missing"], "square_root_missing"
        yield w - rate * m_hat / math.sqrt(v_hat + s["eps"]), SENTENCES["epsilon_inside_root"], "epsilon_inside_root"
    if step is not None:
        yield w + rate * step, SENTENCES["update_sign"], "update_sign"


def averaged_velocity(settings: dict, before: dict, gradient: float) -> float:
    """The velocity of momentum_averaged: β·velocity + (1 − β)·g."""
    return settings["beta"] * before["velocity"] + (1 - settings["beta"]) * gradient


def state_mistakes(r, q, gradient: float):
    """(value, sentence, code) of the mistakes in an optimiser's state after the update (`velocity_w212`)."""
    if q.kind == "state:velocity":
        settings, (_, before, _) = r.network.optimizer.settings, r.parameter_state(str(q.name))
        yield averaged_velocity(settings, before, gradient), SENTENCES["momentum_averaged"], "momentum_averaged"


def update_mistakes(r, q, gradient: float):
    """(value, sentence, code) of the update's own mistakes, made with `gradient` (the true one,
    or the one the answers file states): the new value each gives, or for Δw (`q` of kind delta)
    the change it makes."""
    if q.kind == "delta":
        value = r.value(str(q.name))
        yield from ((new - value, sentence, code) for new, sentence, code in _new_values(r, q, gradient))
    else:
        yield from _new_values(r, q, gradient)


def _new_values(r, q, gradient: float):
    if r.network.optimizer.name != "sgd":  # the spec's optimiser: its own catalogue
        yield from optimizer_mistakes(r, str(q.name), gradient)
        return
    value, rule = r.value(str(q.name)), update_rule("w")
    yield updated(value, -gradient, r.learning_rate), f"this adds η·∂L/∂w; the update subtracts it: {rule}", \
        "update_sign"
    yield value, f"this is the value before the update: {rule} was not applied", "update_missing"
    if r.learning_rate != 1:
        yield value - gradient, f"η is left out: {rule} with η = {r.learning_rate:g}", "learning_rate_missing"
        yield (value - r.learning_rate ** 2 * gradient,
               f"η is applied twice: {rule} multiplies by η = {r.learning_rate:g} once", "learning_rate_twice")
