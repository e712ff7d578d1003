"""A simulated class: how often `check` judges students as it should.

Random small networks (2-4 inputs, 2-3 hidden units, 1-2 outputs; sigmoid, tanh or relu hidden;
sigmoid or linear output with squared error, or softmax with cross-entropy; some batches of 2), and
students who each answer a fixed set of quantities on one of them by hand: with a rounding habit
(12 of them) and at most one or two mistakes, made in a forward and backward pass of this script's
own (plain Python and `math`, nothing of backprop_cli's). Every answer carries its ground truth:
right (no mistake affects it), which mistakes affect it, and whether it is a genuine
carried-forward step (its own step done right on an earlier wrong answer the file states, which came
from a real mistake or slip) or built on made-up numbers. The class is written out, graded with
`backprop_cli.check`, and the grader's verdicts are counted against that truth. Where a mistake's
answer is accepted, or named, the script looks for a correct pass of its own that writes the same
digits (correct_writing): section 5 calls such an answer right, whatever the student did.
With --products, students who round as they go also write down each product of a sum (w·a of
z, δ·w of ∂L/∂a) rounded before adding it. Measurements, never pass/fail.
Run: python benchmarks/simulated_class.py [--students 300] [--seed 1] [--products] [--keep DIR] [--examples N]
"""
from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import checkout  # noqa: F401 - from a source checkout, the package beside it

# ----------------------------------------------------------------------------- rounding habits
# (name, as-you-go rounding or None, how the answer is written); a rounding is ("sig", n) or ("dec", n)
HABITS = [
    ("as you go, 2 sig", ("sig", 2), ("sig", 2)),
    ("as you go, 3 sig", ("sig", 3), ("sig", 3)),
    ("as you go, 4 sig", ("sig", 4), ("sig", 4)),
    ("as you go, 5 sig", ("sig", 5), ("sig", 5)),
    ("as you go, 2 dec", ("dec", 2), ("dec", 2)),
    ("as you go, 3 dec", ("dec", 3), ("dec", 3)),
    ("as you go, 4 dec", ("dec", 4), ("dec", 4)),
    ("full, write 3 sig", None, ("sig", 3)),
    ("full, write 4 sig", None, ("sig", 4)),
    ("full, write 6 sig", None, ("sig", 6)),
    ("full, write 4 dec", None, ("dec", 4)),
    ("full, write 2 dec", None, ("dec", 2)),
]
SIG3_PLUS = {h[0] for h in HABITS if h[2][0] == "sig" and h[2][1] >= 3}


def fmt(value: float, rounding: tuple[str, int]) -> str:
    """The value written with the habit's digits (trailing zeros kept: they are digits written)."""
    kind, n = rounding
    if value == 0 or not math.isfinite(value):
        return "0" if kind == "sig" else f"{0:.{n}f}"
    if kind == "dec":
        text = f"{value:.{n}f}"
    else:
        decimals = n - 1 - math.floor(math.log10(abs(value)))
        text = f"{value:.{max(decimals, 0)}f}" if decimals > 0 else str(int(round(value, decimals)))
        if decimals > 0 and len(text.replace("-", "").replace(".", "").lstrip("0")) > n:
            # rounding carried into a new digit (9.996 -> 10.00): one decimal fewer
            text = f"{value:.{max(decimals - 1, 0)}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text


def rounder(rounding):
    if rounding is None:
        return lambda v: v
    return lambda v: float(fmt(v, rounding))


# ----------------------------------------------------------------------------- networks
def number(rng: random.Random, low: float, high: float) -> float:
    return round(rng.uniform(low, high), rng.choice((1, 1, 2)))


def make_network(rng: random.Random) -> dict:
    n_in, n_h = rng.randint(2, 4), rng.randint(2, 3)
    out = rng.choice(("sigmoid", "linear", "softmax"))
    n_out = 2 if out == "softmax" else rng.randint(1, 2)
    batch = rng.random() < 0.3
    n = 2 if batch else 1
    while True:
        net = {
            "n_in": n_in, "n_h": n_h, "n_out": n_out, "hidden": rng.choice(("sigmoid", "tanh", "relu")),
            "out": out, "loss": "cross_entropy" if out == "softmax" else "squared_error",
            "lr": rng.choice((0.1, 0.5, 1)), "batch": batch,
            "x": [[round(rng.uniform(-2, 3), rng.choice((0, 1))) for _ in range(n_in)] for _ in range(n)],
            "W1": [[number(rng, -1, 1) for _ in range(n_in)] for _ in range(n_h)],
            "b1": [number(rng, -0.5, 0.5) for _ in range(n_h)],
            "W2": [[number(rng, -1, 1) for _ in range(n_h)] for _ in range(n_out)],
            "b2": [number(rng, -0.5, 0.5) for _ in range(n_out)],
        }
        if out == "softmax":
            hot = [rng.randrange(n_out) for _ in range(n)]
            net["y"] = [[1.0 if i == t else 0.0 for i in range(n_out)] for t in hot]
        elif out == "sigmoid":
            net["y"] = [[rng.choice((0.0, 1.0, round(rng.uniform(0, 1), 1))) for _ in range(n_out)] for _ in range(n)]
        else:
            net["y"] = [[round(rng.uniform(-1, 2), 1) for _ in range(n_out)] for _ in range(n)]
        truth = run_pass(net, {})
        # no z within reach of a relu kink, no dead hidden unit in every sample, no near-zero gradient
        zs = [v for k, v in truth.items() if k[0] == "z"]
        if min(abs(z) for z in zs) < 0.05:
            continue
        if net["hidden"] == "relu" and all(truth[("z", 1, j, 0)] <= 0 for j in range(n_h)):
            continue
        return net


def spec_yaml(net: dict) -> str:
    def row(values):
        return "[" + ", ".join(repr(v) if v != int(v) else str(int(v)) for v in values) + "]"

    lines = []
    if net["batch"]:
        lines += [f"inputs: [{', '.join(row(x) for x in net['x'])}]",
                  f"targets: [{', '.join(row(y) for y in net['y'])}]"]
    else:
        lines += [f"input: {row(net['x'][0])}", f"target: {row(net['y'][0])}"]
    lines += [f"loss: {net['loss']}", f"learning_rate: {net['lr']}", "layers:"]
    for act, w, b in ((net["hidden"], net["W1"], net["b1"]), (net["out"], net["W2"], net["b2"])):
        lines += [f"  - activation: {act}", "    weights:"] + [f"      - {row(r)}" for r in w]
        lines += [f"    biases: {row(b)}"]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- a student's pass
def sigmoid(z):
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def activate(name, zs):
    if name == "sigmoid":
        return [sigmoid(z) for z in zs]
    if name == "tanh":
        return [math.tanh(z) for z in zs]
    if name == "relu":
        return [max(0.0, z) for z in zs]
    if name == "linear":
        return list(zs)
    top = max(zs)
    exps = [math.exp(z - top) for z in zs]
    return [e / sum(exps) for e in exps]


def local_derivative(name, z, a, m):
    """∂a/∂z of an elementwise activation, as a student computes it (from a for sigmoid and tanh)."""
    if "no_act_deriv" in m:
        return 1.0
    if name == "sigmoid":
        return z * (1 - z) if "sigma_prime_on_z" in m else a * (1 - a)
    if name == "tanh":
        return 1 - z * z if "sigma_prime_on_z" in m else 1 - a * a
    if name == "relu":
        return 1.0 if z > 0 else 0.0
    return 1.0


ROUNDS_PRODUCTS = {"on": False}  # --products: each product of a sum rounded as the student goes


def run_pass(net, mistakes, rnd=lambda v: v, overrides=None, slip=None):
    """Every intermediate of one student's forward and backward pass, keyed by name tuples:
    ("z"|"a", layer, j, s), ("loss",), ("dyhat", i, s), ("d2", i, s) = δ of output i, ("da", j, s),
    ("d1", j, s), ("dw", l, j, k), ("db", l, j), ("new", "w"|"b", l, j, k). `mistakes` is a set of
    names; `overrides` replaces values (the file's own numbers, or made-up ones); `slip` = (key,
    factor) puts one value off, later steps done right on it."""
    overrides = overrides or {}
    v, raw = {}, {}
    v[("raw",)] = raw
    term = rnd if ROUNDS_PRODUCTS["on"] else (lambda value: value)

    def put(key, value):
        raw[key] = value  # before its own rounding (a witness writes an answer from it: rounded once)
        value = rnd(value)
        if slip and slip[0] == key:
            value = rnd(value * slip[1])
        if key in overrides:
            value = rnd(overrides[key])
        v[key] = value
        return value

    n = len(net["x"])
    n_h, n_out, n_in = net["n_h"], net["n_out"], net["n_in"]
    losses = []
    for s in range(n):
        x, y = net["x"][s], net["y"][s]
        z1 = [put(("z", 1, j, s), sum(term(w * xi) for w, xi in zip(net["W1"][j], x)) + net["b1"][j])
              for j in range(n_h)]
        a1 = z1 if "no_activation" in mistakes else activate(net["hidden"], z1)
        a1 = [put(("a", 1, j, s), a1[j]) for j in range(n_h)]
        z2 = [put(("z", 2, i, s), sum(term(w * a) for w, a in zip(net["W2"][i], a1)) + net["b2"][i])
              for i in range(n_out)]
        yhat = [put(("a", 2, i, s), a) for i, a in enumerate(activate(net["out"], z2))]
        if net["loss"] == "cross_entropy":
            if any(p <= 0 for p, t in zip(yhat, y) if t):
                v[("log0",)] = True  # ŷ rounded to 0 where the target is 1: no loss to write
            loss = -sum(t * math.log(max(p, 1e-12)) for p, t in zip(yhat, y) if t)
        else:
            loss = sum((p - t) ** 2 for p, t in zip(yhat, y))
        losses.append(put(("ls", s), loss))
    put(("loss",), sum(losses) / n)

    def backward_output(s):
        y = net["y"][s]
        d2 = []
        for i in range(n_out):
            p, t, z = v[("a", 2, i, s)], y[i], v[("z", 2, i, s)]
            if net["loss"] == "cross_entropy":
                if "softmax_diag" in mistakes:
                    dy = put(("dyhat", i, s), -t / p if t else 0.0)
                    delta = dy * put(("f2", i, s), p * (1 - p))
                else:
                    delta = (t - p) if "sign_flip" in mistakes else (p - t)
            else:
                factor = 1 if "lost_factor2" in mistakes else 2
                dy = put(("dyhat", i, s), factor * ((t - p) if "sign_flip" in mistakes else (p - t)))
                delta = dy * put(("f2", i, s), local_derivative(net["out"], z, p, mistakes))
            d2.append(put(("d2", i, s), delta))
        return d2

    d2s = [backward_output(s) for s in range(n)]
    scale = 1 if ("batch_sum" in mistakes or n == 1) else 1 / n

    def gradient(l, j, k, deltas, inputs):
        return put(("dw", l, j, k), scale * sum(term(d[j] * i[k]) for d, i in zip(deltas, inputs)))

    a1s = [[v[("z" if "z_for_a_in_dw" in mistakes else "a", 1, k, s)] for k in range(n_h)] for s in range(n)]
    dW2 = [[gradient(2, i, k, d2s, a1s) for k in range(n_h)] for i in range(n_out)]
    def bias_gradient(l, j, deltas):  # bias_unsummed: the first sample's δ alone (a vectorised db = δ[0])
        return put(("db", l, j), scale * (deltas[0][j] if "bias_unsummed" in mistakes else sum(d[j] for d in deltas)))

    db2 = [bias_gradient(2, i, d2s) for i in range(n_out)]
    W2 = net["W2"]
    if "stale_weights" in mistakes:  # W2 updated first, then backpropagated through
        W2 = [[rnd(W2[i][k] - net["lr"] * dW2[i][k]) for k in range(n_h)] for i in range(n_out)]
    d1s = []
    for s in range(n):
        d1 = []
        for j in range(n_h):
            outputs = range(1) if "one_path" in mistakes else range(n_out)
            transposed = "transposed" in mistakes
            da = put(("da", j, s), sum(term(d2s[s][m] * (W2[j][m] if transposed else W2[m][j])) for m in outputs))
            f = put(("f1", j, s), local_derivative(net["hidden"], v[("z", 1, j, s)], v[("a", 1, j, s)], mistakes))
            d1.append(put(("d1", j, s), da * f))
        d1s.append(d1)
    dW1 = [[gradient(1, j, k, d1s, net["x"]) for k in range(n_in)] for j in range(n_h)]
    db1 = [bias_gradient(1, j, d1s) for j in range(n_h)]

    def update(key, old, g):
        if "no_update" in mistakes:
            return put(key, old)
        step = g if "no_lr" in mistakes else rnd(net["lr"] * g)
        return put(key, old + step if "update_sign" in mistakes else old - step)

    for l, W, dW in ((1, net["W1"], dW1), (2, net["W2"], dW2)):
        for j, row in enumerate(W):
            for k, w in enumerate(row):
                update(("new", "w", l, j, k), w, dW[j][k])
    for l, b, db in ((1, net["b1"], db1), (2, net["b2"], db2)):
        for j, old in enumerate(b):
            update(("new", "b", l, j, 0), old, db[j])
    return v


# ----------------------------------------------------------------------------- students
MISTAKES = ["no_act_deriv", "sigma_prime_on_z", "z_for_a_in_dw", "no_activation", "sign_flip", "lost_factor2",
            "softmax_diag", "one_path", "transposed", "stale_weights", "update_sign", "no_lr", "no_update",
            "batch_sum", "bias_unsummed", "slip", "made_up"]
UPDATE_MISTAKES = {"update_sign", "no_lr", "no_update"}


def possible(net, m):
    has_sig_tanh = net["hidden"] in ("sigmoid", "tanh") or net["out"] == "sigmoid"
    return {
        "sigma_prime_on_z": has_sig_tanh, "lost_factor2": net["loss"] == "squared_error",
        "softmax_diag": net["out"] == "softmax", "one_path": net["n_out"] >= 2,
        "transposed": net["n_out"] == net["n_h"], "no_lr": net["lr"] != 1, "batch_sum": net["batch"],
        "bias_unsummed": net["batch"],
        "no_act_deriv": net["hidden"] != "relu" or net["out"] == "sigmoid",
    }.get(m, True)


def quantities(net, rng):
    """The fixed set each student answers: (key, quantity text)."""
    n = len(net["x"])
    j, i, k = rng.randrange(net["n_h"]), rng.randrange(net["n_out"]), rng.randrange(net["n_in"])
    def tag(s):
        return f"[{s + 1}]" if net["batch"] else ""

    rows = [(("loss",), "loss")]
    for s in range(n):
        rows += [(("z", 1, j, s), f"z1{j + 1}{tag(s)}"), (("a", 1, j, s), f"a1{j + 1}{tag(s)}")]
        rows += [(("a", 2, m, s), f"yhat{m + 1}{tag(s)}") for m in range(net["n_out"])]
    if not net["batch"]:  # a batch's dL/dz21[s] is the sample's share of L (with its 1/n): not asked
        rows += [(("d2", m, 0), f"dL/dz2{m + 1}") for m in range(net["n_out"])]
        rows += [(("d1", j, 0), f"dL/dz1{j + 1}")]
    rows += [(("dw", 2, i, j), f"dL/dw2{i + 1}{j + 1}"), (("dw", 1, j, k), f"dL/dw1{j + 1}{k + 1}"),
             (("db", 2, i), f"dL/db2{i + 1}"), (("db", 1, j), f"dL/db1{j + 1}")]
    rows += [(("new", "w", 2, i, j), f"w2{i + 1}{j + 1}_new") if rng.random() < 0.5
             else (("new", "w", 1, j, k), f"w1{j + 1}{k + 1}_new")]
    return rows


def plausible(net, key):
    """A range a made-up number of this kind is drawn from (what the student's numbers could be)."""
    if key[0] == "a":
        name = net["hidden"] if key[1] == 1 else net["out"]
        ranges = {"sigmoid": (0.05, 0.95), "softmax": (0.05, 0.95), "tanh": (-0.95, 0.95), "relu": (0.1, 2.0)}
        return ranges.get(name, (-1.5, 1.5))
    if key[0] == "loss":
        return (0.05, 1.5)
    return (-1.5, 1.5)


def same(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def make_student(index, rng):
    net = make_network(rng)
    habit = HABITS[index % len(HABITS)]
    asked = quantities(net, rng)
    keys = [k for k, _ in asked]
    truth = run_pass(net, set())
    roll = rng.random()
    chosen: list[str] = []
    if roll >= 0.2:
        pool = [m for m in MISTAKES if possible(net, m)]
        if roll < 0.3:
            chosen = ["made_up"]
        else:
            pool.remove("made_up")
            first = rng.choice(pool)
            chosen = [first]
            if roll > 0.88:
                rest = [m for m in pool if m != first and not ({m, first} <= UPDATE_MISTAKES)]
                chosen.append(rng.choice(rest))
    slip = None
    if "slip" in chosen:
        candidates = sorted(k for k in truth if k[0] not in ("loss", "log0", "raw"))
        key = rng.choice(candidates)
        slip = (key, 1 + rng.choice((-1, 1)) * rng.uniform(0.03, 0.09))
    made_up: dict = {}
    if chosen == ["made_up"]:
        # invented early numbers (forward values and δs the file states), far from the true ones;
        # only the last multiplications (dL/dw = δ·a, dL/db = δ, the update) done right on them.
        # Every other such student does the forward pass right and invents only the δs (the easy
        # half done, the hard half made up: no stated input of a δ is wrong)
        invented = ("d2", "d1") if index % 2 else ("z", "a", "d2", "d1", "loss")
        for key in keys:
            if key[0] in invented:
                low, high = plausible(net, key)
                while True:
                    fake = round(rng.uniform(low, high), 2)
                    if abs(fake - truth[key]) > 0.25 * max(abs(truth[key]), 0.2) and fake != 0:
                        break
                made_up[key] = fake
        if net["batch"]:  # the δs are not asked in a batch: made up all the same
            for s in range(len(net["x"])):
                for key in [("d2", m, s) for m in range(net["n_out"])] + [("d1", j, s) for j in range(net["n_h"])]:
                    made_up[key] = round(rng.uniform(-0.8, 0.8), 2) or 0.13
        for s in range(len(net["x"]) if "a" in invented else 0):  # the activations every δ·a uses, invented too
            for m in range(net["n_h"]):
                made_up.setdefault(("a", 1, m, s), round(rng.uniform(*plausible(net, ("a", 1))), 2) or 0.21)
    mistakes = set(chosen) - {"slip", "made_up"}

    def full(ms, with_slip=True):
        return run_pass(net, ms, overrides=made_up, slip=slip if with_slip else None)

    mine = full(mistakes)
    rnd = rounder(habit[1])
    rounded = run_pass(net, mistakes, rnd=rnd, overrides=made_up, slip=slip)
    model = run_pass(net, set(), rnd=rnd)  # a student with the same habit and no mistake
    if ("log0",) in rounded or ("log0",) in model:  # the habit rounded a ŷ to 0: the loss is left out
        asked = [(key, text) for key, text in asked if key != ("loss",)]
        keys = [key for key, _ in asked]
    stated = {key: mine[key] for key in keys}
    without = {}  # what this student writes without one of their mistakes (the slip included)

    def written_without(m, key):
        if m not in without:
            rest, kept = (mistakes, None) if m == "slip" else (mistakes - {m}, slip)
            without[m] = run_pass(net, rest, rnd=rnd, overrides=made_up, slip=kept)
        return fmt(without[m][key], habit[2])

    def in_own_step(m, key):
        # the answer's own step: redone on the file's other stated numbers, does dropping m change it?
        # (a slip in an earlier answer the file states is that answer's, carried into this one)
        others = {k: val for k, val in stated.items() if k != key}
        rest, kept = (mistakes, None) if m == "slip" else (mistakes - {m}, slip)
        return not same(run_pass(net, rest, overrides={**made_up, **others}, slip=kept)[key], mine[key])

    answers = []
    for key, text in asked:
        value = rounded[key]
        written = fmt(value, habit[2])
        right = same(mine[key], truth[key])
        affected = set()
        if not right:
            for m in chosen:
                if m == "made_up":
                    affected.add(m)
                elif m == "slip":
                    if not same(full(mistakes, with_slip=False)[key], mine[key]) or written_without(m, key) != written:
                        affected.add(m)
                elif not same(full(mistakes - {m})[key], mine[key]) or written_without(m, key) != written:
                    affected.add(m)
        cf = based = False
        if not right:
            others = {k: val for k, val in stated.items() if k != key}
            again = run_pass(net, set(), overrides={**others, **({key: made_up[key]} if key in made_up else {})})
            if same(again[key], mine[key]) and key not in made_up:
                if made_up:
                    based = True
                else:
                    cf = True
        own = set() if cf else {m for m in affected if m == "made_up" or in_own_step(m, key)}
        # the mistakes that change the digits written: one the habit rounds away leaves nothing to name
        visible = {m for m in own if m != "made_up" and written_without(m, key) != written}
        answers.append({"key": key, "text": text, "written": written, "true": truth[key], "mine": mine[key],
                        "right": right, "affected": affected, "own": own,
                        "visible": visible, "cf": cf,
                        "made_up": key in made_up,
                        "made_up_based": based, "rounded_off": not same(float(written), truth[key]),
                        "model_written": fmt(model[key], habit[2])})
    return {"index": index, "net": net, "habit": habit[0], "mistakes": chosen, "slip": slip, "answers": answers}


# ----------------------------------------------------------------------------- the correct method's reach
def finer(rounding):
    return (rounding[0], rounding[1] + 1)


def digits_read(written: str) -> list[tuple[str, int]]:
    """The precisions the digits written show: their decimals and their significant digits
    (0.011 is 3 decimals or 2 significant digits, whichever habit wrote it). As section 5 reads
    them: a bare 0 is an exact 0 (no rounding writes it), 0.00 has its decimals only, and a whole
    number no fewer than 3 significant digits."""
    decimals = len(written.partition(".")[2])
    significant = len(written.replace("-", "").replace(".", "").lstrip("0"))
    if not significant:
        return [("dec", decimals)] if decimals else []
    return [("dec", decimals), ("sig", significant)] if decimals else [("sig", max(significant, 3))]


def writes(value: float, rounding, written: str) -> bool:
    """Whether `value` is written `written` at the rounding; a tie (to the last bit) either way."""
    return any(fmt(value * (1 + nudge), rounding) == written for nudge in (0.0, 1e-12, -1e-12))


def correct_passes(student, shown, tries: int) -> list:
    """(how, every value of that pass) of correct passes at the precision `shown`: as they go at it
    and one digit finer (each product of a sum rounded too or not), and `tries` passes that round a
    random share of their intermediates at it (each to nearest), the rest kept whole."""
    net, found = student["net"], []
    for rounding in (shown, finer(shown)):
        for products in (False, True):
            ROUNDS_PRODUCTS["on"], kept = products, ROUNDS_PRODUCTS["on"]
            found.append((f"as you go at {rounding[1]} {rounding[0]}{', products too' if products else ''}",
                          run_pass(net, set(), rnd=rounder(rounding))))
            ROUNDS_PRODUCTS["on"] = kept
    rng, whole = random.Random(student["index"]), rounder(shown)
    for n in range(tries):
        share = (0.2, 0.4, 0.6, 0.8)[n % 4]

        def some(v, share=share):
            return whole(v) if rng.random() < share else v

        ROUNDS_PRODUCTS["on"], kept = n % 8 >= 4, ROUNDS_PRODUCTS["on"]
        found.append((f"a random {share:.0%} of the intermediates rounded at {shown[1]} {shown[0]}"
                      f"{', products too' if n % 8 >= 4 else ''}", run_pass(net, set(), rnd=some)))
        ROUNDS_PRODUCTS["on"] = kept
    return found


def correct_writing(student, key, written, tries=160, steer=False):
    """How a student with no mistake at all could write `written` for `key` (correct_passes at each
    precision its digits show; `steer`: then steered_pass too), or None if none of those correct
    computations does. The answer is written once from its own unrounded value, as section 5's rule
    rounds it, which calls such an answer right, so no mistake can be named on it: an independent
    witness, worked out by this script's own pass, never by the grader."""
    passes = student.setdefault("reach", {})  # rounding -> correct_passes
    writing = next(h for h in HABITS if h[0] == student["habit"])[2]
    for shown in digits_read(written):
        if shown not in passes:
            passes[shown] = correct_passes(student, shown, tries)
        how = next((how for how, values in passes[shown] if writes(values[("raw",)][key], writing, written)), None)
        if how:
            return how
    for shown in digits_read(written) if steer else ():
        how = steered_pass(student, key, written, writing, shown)
        if how:
            return how
    return None


def steered_pass(student, key, written, writing, shown, sweeps=3):
    """A correct pass whose every rounding is chosen, one intermediate at a time, to bring `key`
    nearest `written` (each kept whole, rounded at `shown`, or one digit finer; products rounded
    or not): a search for the roundings random passes miss, or None where none writes it."""
    net, target = student["net"], float(written)
    options = (lambda v: v, rounder(shown), rounder(finer(shown)))
    rng = random.Random(student["index"] * 7919 + len(written))

    def value(choices: dict, products: bool) -> tuple[float, int]:
        calls = [0]

        def chosen(v):
            calls[0] += 1
            return options[choices.get(calls[0], 1)](v)

        ROUNDS_PRODUCTS["on"], kept = products, ROUNDS_PRODUCTS["on"]
        try:
            return run_pass(net, set(), rnd=chosen)[("raw",)][key], calls[0]
        finally:
            ROUNDS_PRODUCTS["on"] = kept

    for products in (False, True):
        choices: dict[int, int] = {}
        current, count = value(choices, products)
        for _ in range(sweeps):
            for index in rng.sample(range(1, count + 1), count):
                before = choices.get(index, 1)
                for option in range(3):
                    choices[index] = option
                    tried, _ = value(choices, products)
                    if abs(tried - target) < abs(current - target):
                        current, before = tried, option
                choices[index] = before
                if writes(current, writing, written):
                    return f"roundings steered one by one at {shown[1]} {shown[0]}" + (", products too" * products)
    return None


# ----------------------------------------------------------------------------- the grader's words
# keywords of each diagnosis sentence of docs/students.md "The mistakes it knows" (lower case)
NAMES = {
    "no_act_deriv": ["activation's derivative"],
    "sigma_prime_on_z": ["z(1 − z)", "1 − z²", "σ′(z)", "derivative on z"],
    "z_for_a_in_dw": ["multiplies by the pre-activation"],
    "no_activation": ["the pre-activation;"],
    "sign_flip": ["sign is flipped"],
    "lost_factor2": ["factor 2"],
    "softmax_diag": ["cross paths"],
    "one_path": ["one path", "path left out", "paths left out"],
    "transposed": ["read the other way", "transposed"],
    "stale_weights": ["already updated"],
    "update_sign": ["adds η"],
    "no_lr": ["η is left out"],
    "no_update": ["value before the update"],
    "batch_sum": ["sum over the batch"],
    "bias_unsummed": ["a bias's gradient sums"],
    "slip": ["arithmetic slip"],
    "made_up": [],
}
CF_WORDS = ("carried forward", "follows from")


# the codes of CONTRACT section 5's catalogue for each mistake of this model
CODES = {
    "no_act_deriv": {"activation_derivative_missing"}, "sigma_prime_on_z": {"derivative_on_z"},
    "z_for_a_in_dw": {"pre_activation_for_activation"}, "no_activation": {"activation_not_applied"},
    "sign_flip": {"sign_flipped"}, "lost_factor2": {"factor_2_lost"}, "softmax_diag": {"softmax_cross_paths_missing"},
    "one_path": {"one_path_only"}, "transposed": {"matrix_transposed"}, "stale_weights": {"updated_weights_used"},
    "update_sign": {"update_sign"}, "no_lr": {"learning_rate_missing"}, "no_update": {"update_missing"},
    "batch_sum": {"batch_not_averaged"}, "bias_unsummed": {"bias_not_summed"}, "slip": {"arithmetic"},
    "made_up": set(),
}


class Said(str):
    """A diagnosis as the report says it, with the codes of the mistakes it names (JSON's)."""

    codes: set = set()


def names_mistake(diagnosis: str | None, mistake: str) -> bool:
    if CODES[mistake] & getattr(diagnosis, "codes", set()):
        return True
    text = (diagnosis or "").lower()
    return any(word.lower() in text for word in NAMES[mistake])


def names_any(diagnosis: str | None) -> bool:
    text = (diagnosis or "").lower()
    if not text or "no known mistake" in text or text.startswith(("follows from", "carried")):
        return False
    return "mistake" in text or "slip" in text or any(names_mistake(diagnosis, m) for m in NAMES)


# ----------------------------------------------------------------------------- the class
def write_class(directory: Path, students: list[dict]) -> list[str]:
    paths = []
    for n, student in enumerate(students):
        folder = directory / f"student{n:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "net.yaml").write_text(spec_yaml(student["net"]), encoding="utf-8")
        lines = ["spec: net.yaml", "answers:"] + [f"  {a['text']}: {a['written']}" for a in student["answers"]]
        (folder / "answers.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(str(folder / "answers.yaml"))
    return paths


def pct(part, whole):
    return f"{part}/{whole} ({100 * part / whole:.1f}%)" if whole else f"{part}/0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", metavar="DIR", help="write the class here and keep it (default: a temporary folder)")
    parser.add_argument("--examples", type=int, default=2, metavar="N", help="examples shown per kind of misjudgement")
    parser.add_argument("--show", action="append", default=[], metavar="MISTAKE",
                        help="also show answers where this mistake is not named (repeatable)")
    parser.add_argument("--products", action="store_true",
                        help="students who round as they go round each product w·a, δ·w too, before adding")
    args = parser.parse_args()
    ROUNDS_PRODUCTS["on"] = args.products
    import backprop_cli

    start = time.perf_counter()
    rng = random.Random(args.seed)
    students = [make_student(i, rng) for i in range(args.students)]
    simulated = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(args.keep) if args.keep else Path(tmp)
        paths = write_class(directory, students)
        begin = time.perf_counter()
        run = backprop_cli.check(paths)
        graded = time.perf_counter() - begin
        if run.invalid:
            for path, problems in run.invalid[:5]:
                print("invalid:", path, *problems, sep="\n  ", file=sys.stderr)
        by_path = {str(Path(r.path)) if hasattr(r, "path") else None: r for r in run.files}
        rows = []
        for path, student in zip(paths, students):
            report = by_path.get(path)
            if report is None:
                report = next((r for r in run.files if str(getattr(r, "path", "")) == path), None)
            if report is None:
                continue
            outcomes = {o.answer.quantity.text: o for o in report.outcomes}
            for a in student["answers"]:
                o = outcomes.get(a["text"]) or outcomes.get(a["text"].replace("yhat", "ŷ"))
                if o is None:
                    continue
                said = Said(o.diagnosis or "")
                said.codes = {part for d in getattr(o, "diagnoses", []) for part in d["code"].split("+")}
                rows.append((student, a, str(o.verdict).split(".")[-1].lower(), said or None, path,
                             getattr(o, "accepted", None)))
    total = time.perf_counter() - start
    summarise(rows, students, args, simulated, graded, total)


def summarise(rows, students, args, simulated, graded, total):
    show = args.examples

    def reach(row, steer=False):
        return correct_writing(row[0], row[1]["key"], row[1]["written"], steer=steer)

    def example(picked):
        for student, a, verdict, diagnosis, path, accepted in picked[:show]:
            net = student["net"]
            interval = f" accepted [{accepted[0]:.4g}, {accepted[1]:.4g}]" if accepted else ""
            print(f"      e.g. {Path(path).parent.name}: {a['text']}: {a['written']} (true {a['true']:.6g}, "
                  f"written right {a['model_written']}; habit {student['habit']};"
                  f" mistakes {student['mistakes'] or 'none'}; {net['hidden']}/{net['out']}"
                  f"{' batch' if net['batch'] else ''}) -> {verdict}{interval}: {diagnosis}")

    print(f"{len(students)} students, {len(rows)} answers graded (seed {args.seed}"
          f"{', each product rounded too' if args.products else ''})")
    right = [r for r in rows if r[1]["right"]]
    wrong = [r for r in rows if not r[1]["right"]]
    print(f"  answers no mistake affects: {len(right)}; affected by a mistake, slip or made-up number: {len(wrong)}")

    print("\n1. Right answers judged wrong")
    judged_wrong = [r for r in right if r[2] == "wrong"]
    print(f"   overall: {pct(len(judged_wrong), len(right))}   (judged imprecise: "
          f"{pct(sum(r[2] == 'imprecise' for r in right), len(right))}; carried_forward: "
          f"{sum(r[2] == 'carried_forward' for r in right)})")
    sig3 = [r for r in right if r[0]["habit"] in SIG3_PLUS]
    print(f"   habits of >= 3 significant digits: {pct(sum(r[2] == 'wrong' for r in sig3), len(sig3))}")
    for name, *_ in HABITS:
        mine = [r for r in right if r[0]["habit"] == name]
        print(f"     {name:20s} wrong {pct(sum(r[2] == 'wrong' for r in mine), len(mine)):>18s}"
              f"   imprecise {pct(sum(r[2] == 'imprecise' for r in mine), len(mine)):>18s}")
    example(judged_wrong)

    print("\n2. Mistakes named on right answers")
    named = [r for r in right if r[2] == "wrong" and names_any(r[3])]
    print(f"   judged wrong with a mistake named: {pct(len(named), len(right))}")
    named_imp = [r for r in right if r[2] == "imprecise"]
    print(f"   (imprecise, 'cannot be told from' a mistake or trivial value: {len(named_imp)})")
    example(named)

    print("\n3. Imprecise verdicts")
    imprecise = [r for r in rows if r[2] == "imprecise"]
    on_right = [r for r in imprecise if r[1]["right"]]
    print(f"   {len(imprecise)} imprecise: {len(on_right)} on right answers "
          f"({sum(r[1]['rounded_off'] for r in on_right)} of them rounded by the habit), "
          f"{len(imprecise) - len(on_right)} on wrong ones")
    rounded_right = [r for r in right if r[1]["rounded_off"]]
    print(f"   right answers the habit rounded, judged imprecise: "
          f"{pct(sum(r[2] == 'imprecise' for r in rounded_right), len(rounded_right))}")
    trivial = Counter()
    for r in on_right:
        text = (r[3] or "").lower()
        trivial["trivial value" if "trivial" in text else "copy" if "copy of" in text else
                "before the update" if "before the update" in text else "a known slip/mistake"] += 1
    print("   what right answers could not be told from:", dict(trivial))

    print("\n4. Wrong answers accepted (verdict right although a mistake affects them)")
    accepted = [r for r in wrong if r[2] == "right"]
    print(f"   overall: {pct(len(accepted), len(wrong))}")
    # the digits a habit writes may not tell a mistake from the truth: count the answers written
    # differently from what the same habit writes without the mistake
    apart = [r for r in accepted if r[1]["written"] != r[1]["model_written"]]
    wrong_apart = [r for r in wrong if r[1]["written"] != r[1]["model_written"]]
    print(f"   written differently from the same habit's right answer: {pct(len(apart), len(wrong_apart))}")
    for name, *_ in HABITS:
        mine = [r for r in wrong_apart if r[0]["habit"] == name]
        print(f"     {name:20s} {pct(sum(r[2] == 'right' for r in mine), len(mine)):>18s}")
    by = Counter(m for r in accepted for m in r[1]["affected"])
    print("   by mistake:", dict(by.most_common()))
    example(sorted(apart, key=lambda r: -abs(float(r[1]["written"]) - r[1]["true"])
                                / max(abs(r[1]["true"]), 1e-9)))
    # section 5: right is what the correct method reaches at the precision written; a mistake that
    # lands on such digits cannot be told from it. What no correct computation writes must not pass
    unreached = [r for r in apart if not reach(r, steer=True)]
    print(f"   of those, written by no correct computation this script tries: {pct(len(unreached), len(wrong_apart))}")
    for r in apart[:show]:
        print(f"      {Path(r[4]).parent.name} {r[1]['text']} = {r[1]['written']}: "
              f"{reach(r) or 'no correct computation'}")
    example(unreached)
    rejected = [r for r in wrong if r[2] == "wrong" and reach(r)]
    print(f"   judged wrong though a correct computation writes the same digits: {pct(len(rejected), len(wrong))}")
    for r in rejected[:show]:
        print(f"      {Path(r[4]).parent.name} {r[1]['text']} = {r[1]['written']}: {reach(r)}")
    example(rejected)

    print("\n5. Genuine carried-forward steps credited")
    cf = [r for r in wrong if r[1]["cf"]]
    print(f"   overall: {pct(sum(r[2] == 'carried_forward' for r in cf), len(cf))}   verdicts: "
          f"{dict(Counter(r[2] for r in cf))}")
    batch = [r for r in cf if r[0]["net"]["batch"]]
    print(f"   batches: {pct(sum(r[2] == 'carried_forward' for r in batch), len(batch))}")
    single = [r for r in cf if not r[0]["net"]["batch"]]
    print(f"   single samples: {pct(sum(r[2] == 'carried_forward' for r in single), len(single))}")
    # judged right, such a step earns all its points: credited too (its upstream slip was within rounding)
    paid = ("carried_forward", "right")
    print(f"   credited as carried forward or right: {pct(sum(r[2] in paid for r in cf), len(cf))}; batches "
          f"{pct(sum(r[2] in paid for r in batch), len(batch))}")
    precise = [r for r in cf if r[0]["habit"] in SIG3_PLUS]
    print(f"   habits of >= 3 significant digits: {pct(sum(r[2] in paid for r in precise), len(precise))}"
          f" credited ({pct(sum(r[2] == 'carried_forward' for r in precise), len(precise))} carried forward)")
    precise = [r for r in batch if r[0]["habit"] in SIG3_PLUS]
    print(f"   batches, habits of >= 3 significant digits: {pct(sum(r[2] in paid for r in precise), len(precise))}"
          f" credited ({pct(sum(r[2] == 'carried_forward' for r in precise), len(precise))} carried forward)")
    by_cause = defaultdict(lambda: [0, 0])
    for r in cf:
        for m in r[1]["affected"]:
            by_cause[m][0] += r[2] == "carried_forward"
            by_cause[m][1] += 1
    print("   by the upstream cause:", {m: f"{c}/{n}" for m, (c, n) in sorted(by_cause.items())})
    not_cf = [r for r in wrong if not r[1]["cf"] and not r[1]["made_up_based"] and r[2] == "carried_forward"]
    print(f"   carried_forward given where the step itself is wrong: {len(not_cf)}")
    print("   not credited, e.g.:")
    example([r for r in cf if r[2] != "carried_forward"])
    print("   not credited in batches, e.g.:")
    example([r for r in batch if r[2] not in ("carried_forward", "right")])
    print("   carried_forward on a step with its own mistake, e.g.:")
    example(not_cf)

    print("\n6. Each mistake named (share of the answers it affects in their own step, not carried forward)")
    for m in MISTAKES:
        if m in ("made_up",):
            continue
        mine = [r for r in wrong if m in r[1]["own"] and not r[1]["made_up"]]
        alone = [r for r in mine if r[1]["own"] == {m}]
        if not mine:
            print(f"   {m:18s} no affected answers")
            continue
        precise = [r for r in mine if r[0]["habit"] in SIG3_PLUS]
        seen = [r for r in mine if m in r[1]["visible"]]
        print(f"   {m:18s} named {pct(sum(names_mistake(r[3], m) for r in mine), len(mine)):>18s}"
              f"   (alone: {pct(sum(names_mistake(r[3], m) for r in alone), len(alone))};"
              f" >= 3 sig: {pct(sum(names_mistake(r[3], m) for r in precise), len(precise))};"
              f" verdicts {dict(Counter(r[2] for r in mine))})")
        seen3 = [r for r in seen if r[0]["habit"] in SIG3_PLUS]
        # or flagged: imprecise, saying the digits cannot tell it from a right answer (section 5's rule)
        told = [r for r in seen if names_mistake(r[3], m) or
                (m == "slip" and r[2] == "imprecise" and "from a slip" in (r[3] or ""))]
        print(f"   {'':18s} where it changes the digits written: "
              f"{pct(sum(names_mistake(r[3], m) for r in seen), len(seen))}"
              f"   (>= 3 sig: {pct(sum(names_mistake(r[3], m) for r in seen3), len(seen3))};"
              f" named or flagged imprecise: {pct(len(told), len(seen))})")
        # a case to name: the digits written are the mistake's, and no correct computation writes them
        # (the steered search, slow, only where the mistake is not named: what it finds there moves a case)
        cases = [r for r in seen if not reach(r, steer=not names_mistake(r[3], m))]
        print(f"   {'':18s} where no correct computation writes those digits: "
              f"{pct(sum(names_mistake(r[3], m) for r in cases), len(cases))}"
              f"   (the rest: {dict(Counter(r[2] for r in seen if r not in cases))})")
        if m in args.show:
            example([r for r in cases if not names_mistake(r[3], m)])

    print("\n7. Made-up upstream numbers")
    made = [r for r in rows if r[0]["mistakes"] == ["made_up"] and not r[1]["right"]]
    deltas_only = [r for r in made if r[1]["made_up_based"] and int(r[0]["index"]) % 2]
    based = [r for r in made if r[1]["made_up_based"]]
    points = sum(r[2] in ("right", "carried_forward") for r in made)
    print(f"   points earned by the answers they affect: {pct(points, len(made))}")
    invented = [r for r in made if r[1]["made_up"]]
    print(f"   the made-up numbers themselves: "
          f"{pct(sum(r[2] in ('right', 'carried_forward') for r in invented), len(invented))}")
    print(f"   steps done right on made-up numbers: "
          f"{pct(sum(r[2] in ('right', 'carried_forward') for r in based), len(based))}"
          f"   verdicts {dict(Counter(r[2] for r in based))}")
    print(f"   of which on δs made up after a forward pass done right: "
          f"{pct(sum(r[2] in ('right', 'carried_forward') for r in deltas_only), len(deltas_only))}")
    example([r for r in based if r[2] in ("right", "carried_forward")])

    print(f"\ntime: {total:.1f} s ({simulated:.1f} s simulating, {graded:.1f} s grading)")


if __name__ == "__main__":
    main()
