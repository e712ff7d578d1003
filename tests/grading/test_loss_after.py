"""The loss after K updates (`loss_after2`), judged by the one rule: a student who trains the
network by hand writes every weight down rounded, then runs the forward pass of their own rounded
network, rounding each z and a; the correct method reaches that loss, so it is right. The
students here are tests/oracle.py's plain-Python passes (gradients by summing every chain-rule
path), nothing of the package's; wrong ways of getting the loss stay wrong."""
import json
import math
import random

import pytest
from conftest import invoke
from hypothesis import given, settings
from hypothesis import strategies as st
from optim_oracle import get, gradient, parameters, put
from oracle import activate, batch_loss, forward, sample_loss


def significant(x: float, digits: int) -> float:
    return x if x == 0 else round(x, digits - 1 - math.floor(math.log10(abs(x))))


def network(seed: int):
    """A 2-2-1 sigmoid network with 2-decimal weights, as a handout has; its spec text."""
    rnd = random.Random(seed)

    def draw():
        return round(rnd.uniform(-1, 1), 2)

    layers = [{"activation": "sigmoid", "weights": [[draw(), draw()], [draw(), draw()]], "biases": [draw(), draw()]},
              {"activation": "sigmoid", "weights": [[draw(), draw()]], "biases": [draw()]}]
    x, y = [round(rnd.uniform(-2, 2), 1), round(rnd.uniform(-2, 2), 1)], [round(rnd.uniform(0.05, 0.95), 2)]
    spec = (f"input: {x}\ntarget: {y}\nloss: squared_error\nlearning_rate: 0.5\nlayers:\n"
            + "".join(f"  - {{activation: sigmoid, weights: {l['weights']}, biases: {l['biases']}}}\n" for l in layers))
    return layers, x, y, spec


def trained(layers, x, y, updates: int, digits: int | None = None, sign: float = 1.0, batch=None):
    """The network after `updates` plain gradient descent updates (η = 0.5), each gradient, step
    and new value written down rounded to `digits` significant digits (None: not rounded); on the
    sample (x, y), or on `batch` (inputs, targets), its gradients averaged."""
    def written(v):
        return v if digits is None else significant(v, digits)

    now = json.loads(json.dumps(layers))
    for _ in range(updates):
        g = gradient(now, *(batch or ([x], [y])), "squared_error", "mean", 0.0)
        for p in parameters(now):
            put(now, p, written(get(now, p) - sign * written(0.5 * written(g[p]))))
    return now


def loss_by_hand(layers, x, y, digits: int, rounded: bool = True) -> float:
    """The forward pass worked by hand: each z and a written down rounded, then the loss (`rounded`:
    written down rounded too)."""
    a = x
    for layer in layers:
        z = [significant(sum(w * v for w, v in zip(row, a)) + b, digits)
             for row, b in zip(layer["weights"], layer["biases"])]
        a = [significant(1 / (1 + math.exp(-v)), digits) for v in z]
    loss = sample_loss("squared_error", a, y)
    return significant(loss, digits) if rounded else loss


def verdicts(tmp_path, spec: str, answers: dict) -> dict:
    (tmp_path / "net.yaml").write_text(spec)
    lines = "".join(f"  {k}: {v}\n" for k, v in answers.items())
    (tmp_path / "answers.yaml").write_text(f"spec: net.yaml\nanswers:\n{lines}")
    result = invoke("check", tmp_path / "answers.yaml", "--format", "json")
    return {r["quantity"]: r for r in json.loads(result.stdout)["files"][0]["results"]}


# Before: the loss after K was judged on its true value alone: of 240 such students (40 networks;
# 3, 4 and 5 significant digits; after 2 and 3 updates) 154 were told their right loss was wrong
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("digits", [3, 4, 5])
def test_a_loss_after_updates_worked_by_hand_rounding_every_step_is_right(tmp_path, seed, digits):
    layers, x, y, spec = network(seed)
    answers = {f"loss_after{k}": repr(loss_by_hand(trained(layers, x, y, k, digits), x, y, digits)) for k in (2, 3)}
    by = verdicts(tmp_path, spec, answers)
    assert all(r["verdict"] == "right" for r in by.values()), by


@pytest.mark.parametrize("seed", range(6))
def test_a_loss_after_the_wrong_updates_stays_wrong(tmp_path, seed):
    # the loss after one update fewer, after updates that add η·∂L/∂w, and a 5% slip: at 4
    # significant digits each is told from the loss after 2 updates
    layers, x, y, spec = network(seed)
    true = batch_loss(trained(layers, x, y, 2), [x], [y], "squared_error")
    wrong = {"one fewer": batch_loss(trained(layers, x, y, 1), [x], [y], "squared_error"),
             "added": batch_loss(trained(layers, x, y, 2, sign=-1.0), [x], [y], "squared_error"),
             "slip": true * 1.05}
    for why, value in wrong.items():
        assert significant(value, 4) != significant(true, 4)
        by = verdicts(tmp_path, spec, {"loss_after2": repr(significant(value, 4))})
        assert by["loss_after2"]["verdict"] == "wrong", (why, by)


OPTIMISERS = ["sgd", "{name: momentum, beta: 0.9}", "{name: adam, beta1: 0.9, beta2: 0.999, eps: 1.0e-8}",
              "{name: rmsprop, alpha: 0.9, eps: 1.0e-8}"]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), optimizer=st.sampled_from(OPTIMISERS), k=st.integers(1, 4),
       batch=st.booleans(), softmax=st.booleans(), l2=st.sampled_from([0.0, 0.01]))
@pytest.mark.slow
def test_the_true_loss_after_k_updates_is_always_reached(tmp_path_factory, seed, optimizer, k, batch, softmax, l2):
    """The truth is inside what the correct method reaches: written exactly, or rounded to 4 or 6
    significant digits, the loss after K is reached, whatever the optimiser, batch, output layer or
    L2 term."""
    rnd = random.Random(seed)

    def row(n):
        return [round(rnd.uniform(-1, 1), 2) for _ in range(n)]

    outputs = 2 if softmax else 1
    inputs = [row(2), row(2)] if batch else [row(2)]
    targets = ([[1, 0], [0, 1]][: len(inputs)] if softmax else [[round(rnd.uniform(0, 1), 2)] for _ in inputs])
    out = "softmax" if softmax else "sigmoid"
    spec = (f"inputs: {inputs}\ntargets: {targets}\n" if batch else f"input: {inputs[0]}\ntarget: {targets[0]}\n") + (
        f"loss: {'cross_entropy' if softmax else 'squared_error'}\nlearning_rate: 0.5\noptimizer: {optimizer}\n"
        f"l2: {l2}\nlayers:\n  - {{activation: tanh, weights: {[row(2), row(2)]}, biases: {row(2)}}}\n"
        f"  - {{activation: {out}, weights: {[row(2) for _ in range(outputs)]}, biases: {row(outputs)}}}\n")
    tmp_path = tmp_path_factory.mktemp("exact")
    (tmp_path / "net.yaml").write_text(spec)
    exact = json.loads(invoke("train", tmp_path / "net.yaml", "--epochs", str(k), "--format", "json").stdout)
    true = exact["runs"][0]["losses"][k]
    # written exactly it is right by the rule's first line; rounded to 4 or 6 significant digits, only
    # if the interval the correct method reaches holds the truth (the L2 term, a batch's mean, ...)
    by = verdicts(tmp_path, spec, {f"loss_after{k}": repr(true)})
    assert by[f"loss_after{k}"]["verdict"] == "right", (spec, by)
    for digits in (3, 5):
        by = verdicts(tmp_path, spec, {f"loss_after{k}": f"{true:.{digits}e}"})
        assert by[f"loss_after{k}"]["verdict"] in ("right", "imprecise"), (spec, digits, by)


@pytest.mark.parametrize("seed", range(6))
def test_a_batchs_loss_after_updates_with_each_samples_loss_rounded_is_right(tmp_path, seed):
    # two samples: each sample's loss written down rounded to 3 significant digits, then their mean
    layers, x, y, _ = network(seed)
    rnd = random.Random(100 + seed)
    x2, y2 = [round(rnd.uniform(-2, 2), 1), round(rnd.uniform(-2, 2), 1)], [round(rnd.uniform(0.05, 0.95), 2)]
    batch = ([x, x2], [y, y2])
    spec = network(seed)[3].replace(f"input: {x}\ntarget: {y}", f"inputs: {[x, x2]}\ntargets: {[y, y2]}")
    now = trained(layers, x, y, 2, 3, batch=batch)
    mean = significant((loss_by_hand(now, x, y, 3) + loss_by_hand(now, x2, y2, 3)) / 2, 3)
    by = verdicts(tmp_path, spec, {"loss_after2": repr(mean)})
    assert by["loss_after2"]["verdict"] == "right", by


def test_the_loss_after_updates_without_its_l2_term_is_wrong(tmp_path):
    # with l2: λ, the loss after K holds (λ/2)·Σw² of the weights after K; leaving it out is a mistake
    spec = ("input: [0.5, -0.3]\ntarget: [0.8]\nloss: squared_error\nlearning_rate: 0.5\nl2: 0.01\nlayers:\n"
            "  - {activation: tanh, weights: [[0.5, -0.7], [0.9, 0.3]], biases: [0.1, -0.2]}\n"
            "  - {activation: sigmoid, weights: [[0.8, -0.6]], biases: [0.05]}\n")
    (tmp_path / "net.yaml").write_text(spec)
    run = json.loads(invoke("train", tmp_path / "net.yaml", "--epochs", "2", "--format", "json").stdout)["runs"][0]
    term = 0.005 * sum(p["value"] ** 2 for p in run["parameters"] if p["name"].startswith("w"))
    assert term > 0.01  # 0.0396 with it, 0.0263 without
    assert verdicts(tmp_path, spec, {"loss_after2": f"{run['losses'][2]:.4g}"})["loss_after2"]["verdict"] == "right"
    by = verdicts(tmp_path, spec, {"loss_after2": f"{run['losses'][2] - term:.4g}"})
    assert by["loss_after2"]["verdict"] == "wrong", by


def test_the_hand_pass_agrees_with_the_oracle():
    # the student's pass above, unrounded at 17 digits, is the oracle's own loss: no second model
    layers, x, y, _ = network(3)
    assert loss_by_hand(layers, x, y, 17) == pytest.approx(sample_loss("squared_error", forward(layers, x)[1][-1], y),
                                                           rel=1e-15)


def test_a_network_no_one_trains_by_hand_is_judged_on_its_weights_written_down(tmp_path):
    # 57 parameters × 10 updates is past WORKED_BY_HAND: each weight after K is its true value rounded
    # as the answer is (working every parameter's every update in intervals would take seconds an answer)
    from backprop_cli.grading.training_quantities import WORKED_BY_HAND

    rnd = random.Random(5)

    def rows(n, m):
        return [[round(rnd.uniform(-1, 1), 2) for _ in range(m)] for _ in range(n)]

    spec = (f"input: {[round(rnd.uniform(0, 1), 2) for _ in range(5)]}\ntarget: [0, 1, 0]\nloss: cross_entropy\n"
            f"learning_rate: 0.3\nlayers:\n  - {{activation: tanh, weights: {rows(6, 5)}, biases: {rows(1, 6)[0]}}}\n"
            f"  - {{activation: softmax, weights: {rows(3, 6)}, biases: {rows(1, 3)[0]}}}\n")
    assert WORKED_BY_HAND < 57 * 10
    (tmp_path / "net.yaml").write_text(spec)
    exact = json.loads(invoke("train", tmp_path / "net.yaml", "--epochs", "12", "--format", "json").stdout)
    true = exact["runs"][0]["losses"][12]
    by = verdicts(tmp_path, spec, {"loss_after12": repr(true)})
    assert by["loss_after12"]["verdict"] == "right", by
    for written in (significant(true, 4), significant(true * 1.05, 4)):
        by = verdicts(tmp_path, spec, {"loss_after12": repr(written)})
        assert by["loss_after12"]["verdict"] == ("right" if written == significant(true, 4) else "wrong"), by
    # the weights after 12 updates written down to 5 significant digits, the forward pass rounded so too
    # (at 5 digits a weight's rounding moves z further than z's own does)
    digits = 5
    values = {p["name"]: significant(p["value"], digits) for p in exact["runs"][0]["parameters"]}
    a = [float(v) for v in spec.split("\n")[0][len("input: ["):-1].split(", ")]
    for l, (act, rows_, cols) in enumerate([("tanh", 6, 5), ("softmax", 3, 6)], start=1):
        z = [significant(sum(values[f"w{l}{j}{k}"] * a[k - 1] for k in range(1, cols + 1)) + values[f"b{l}{j}"], digits)
             for j in range(1, rows_ + 1)]
        a = [significant(v, digits) for v in activate(act, z)]
    loss = significant(sample_loss("cross_entropy", a, [0, 1, 0]), digits)
    by = verdicts(tmp_path, spec, {"loss_after12": repr(loss)})
    assert by["loss_after12"]["verdict"] == "right", by


@pytest.mark.parametrize("l2", [0.3])
def test_the_loss_after_updates_with_l2_counts_the_weights_after_them(tmp_path, l2):
    # the oracle trains with L2 (SGD, η = 0.5) and adds (λ/2)·Σw² of the weights after the 2 updates
    from optim_oracle import train as oracle_train

    layers, x, y, spec = network(7)
    after, _, losses = oracle_train(layers, [x], [y], "squared_error", "mean", "sgd", {}, 0.5, 2, l2=l2)
    penalty = losses[2] - batch_loss(after, [x], [y], "squared_error")
    (tmp_path / "net.yaml").write_text(spec + f"l2: {l2}\n")
    for value, verdict in ((losses[2], "right"), (losses[2] - penalty, "wrong")):
        (tmp_path / "answers.yaml").write_text(f"spec: net.yaml\nanswers:\n  loss_after2: {significant(value, 5)}\n")
        result = json.loads(invoke("check", tmp_path / "answers.yaml", "--format", "json").stdout)
        assert result["files"][0]["results"][0]["verdict"] == verdict, (value, result["files"][0]["results"][0])
    # what the correct method reaches holds the truth, L2 term and all (a right answer is not only the
    # truth's own digits: its interval is what every other way of writing it is judged by)
    low, high = result["files"][0]["results"][0]["accepted"]
    assert low <= losses[2] <= high and high - low < penalty / 4, (low, high, losses[2], penalty)
