"""Recurrent and batch-norm layers against PyTorch (contract section 9), float64, on random networks:
nn.RNN (tanh and relu, one layer) with a linear readout at every step, the loss on the last step or
summed over every step; F.batch_norm(training=True) between dense layers over a batch. Prints the
largest relative difference of every gradient, entry by entry (|ours − torch| / max(|torch|, 1e-12))
and against the largest gradient of the same array, and the time of one pass of each. Skips cleanly
when torch is absent.
Run: python benchmarks/coupled_vs_torch.py [--networks 200]
"""
from __future__ import annotations

import argparse
import json
import sys
import time

import checkout  # noqa: F401 - from a source checkout, the package beside it
import numpy as np

from backprop_cli import load_spec

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # pragma: no cover - the benchmark needs torch; the package never does
    torch = None


def rnn_case(rng, act: str, every: bool) -> tuple[dict, dict]:
    inputs, units, steps, outputs = rng.integers(1, 4), rng.integers(1, 5), rng.integers(1, 7), rng.integers(1, 3)
    wx, wh = rng.normal(size=(units, inputs)), rng.normal(size=(units, units)) * 0.8
    b, h0 = rng.normal(size=units), rng.normal(size=units)
    wo, bo = rng.normal(size=(outputs, units)), rng.normal(size=outputs)
    x = rng.normal(size=(steps, inputs))
    y = rng.normal(size=(steps, outputs))
    spec = {"sequence": x.tolist(), "loss": "squared_error", "layers": [
        {"type": "recurrent", "activation": act, "input_weights": wx.tolist(), "recurrent_weights": wh.tolist(),
         "biases": b.tolist(), "initial_state": h0.tolist()},
        {"activation": "linear", "weights": wo.tolist(), "biases": bo.tolist()}]}
    if every:
        spec["targets"] = y.tolist()
    else:
        spec["target"] = y[-1].tolist()
    return spec, {"x": x, "y": y, "wx": wx, "wh": wh, "b": b, "h0": h0, "wo": wo, "bo": bo, "act": act, "every": every}


def rnn_torch(case: dict) -> dict:
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=k in ("wx", "wh", "b", "wo", "bo"))
         for k, v in case.items() if isinstance(v, np.ndarray)}
    rnn = torch.nn.RNN(t["wx"].shape[1], t["wh"].shape[0], nonlinearity=case["act"], dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(t["wx"])
        rnn.weight_hh_l0.copy_(t["wh"])
        rnn.bias_ih_l0.copy_(t["b"])
        rnn.bias_hh_l0.zero_()  # only the sum b_ih + b_hh is identifiable: one bias here
    out, _ = rnn(t["x"][:, None, :], t["h0"][None, None, :])
    yhat = out[:, 0, :] @ t["wo"].T + t["bo"]
    err = (yhat - t["y"]) ** 2
    loss = err.sum() if case["every"] else err[-1].sum()
    loss.backward()
    grads = {"wx": rnn.weight_ih_l0.grad, "wh": rnn.weight_hh_l0.grad, "b": rnn.bias_ih_l0.grad,
             "wo": t["wo"].grad, "bo": t["bo"].grad}
    return {k: v.numpy() for k, v in grads.items()}


def rnn_ours(spec: dict, case: dict) -> dict:
    result = load_spec(text=json.dumps(spec)).compute()
    units, inputs = case["wh"].shape[0], case["wx"].shape[1]
    layer, dense = result.weight_grads[1], result.weight_grads[2]
    return {"wx": layer[:, :inputs], "wh": layer[:, inputs:inputs + units], "b": result.bias_grads[1],
            "wo": dense, "bo": result.bias_grads[2]}


def norm_case(rng) -> tuple[dict, dict]:
    n, inputs, hidden = rng.integers(2, 9), rng.integers(1, 5), rng.integers(1, 6)
    w1, gamma, beta = rng.normal(size=(hidden, inputs)), rng.normal(size=hidden), rng.normal(size=hidden)
    w2, b2 = rng.normal(size=(1, hidden)), rng.normal(size=1)
    x, y = rng.normal(size=(n, inputs)), rng.normal(size=(n, 1))
    eps = float(rng.choice([1e-5, 1e-3, 0.1]))
    spec = {"inputs": x.tolist(), "targets": y.tolist(), "loss": "squared_error", "layers": [
        {"activation": "linear", "weights": w1.tolist(), "biases": "none"},
        {"type": "batchnorm", "gamma": gamma.tolist(), "beta": beta.tolist(), "eps": eps, "activation": "tanh"},
        {"activation": "linear", "weights": w2.tolist(), "biases": b2.tolist()}]}
    return spec, {"x": x, "y": y, "w1": w1, "gamma": gamma, "beta": beta, "w2": w2, "b2": b2, "eps": eps}


def norm_torch(case: dict) -> dict:
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=k not in ("x", "y"))
         for k, v in case.items() if isinstance(v, np.ndarray)}
    h = t["x"] @ t["w1"].T
    z = F.batch_norm(h, None, None, t["gamma"], t["beta"], training=True, eps=case["eps"])
    yhat = torch.tanh(z) @ t["w2"].T + t["b2"]
    loss = ((yhat - t["y"]) ** 2).sum(dim=1).mean()
    loss.backward()
    return {k: t[k].grad.numpy() for k in ("w1", "gamma", "beta", "w2", "b2")}


def norm_ours(spec: dict) -> dict:
    result = load_spec(text=json.dumps(spec)).compute()
    return {"w1": result.weight_grads[1], "gamma": result.weight_grads[2], "beta": result.bias_grads[2],
            "w2": result.weight_grads[3], "b2": result.bias_grads[3]}


def worst(ours: dict, theirs: dict) -> tuple[float, float]:
    """(the largest |ours − torch| / |torch| entry by entry, and the same against the largest |torch| of
    that parameter array): a gradient whose paths nearly cancel (a weight before batch norm can be
    1e-4 of its neighbours) keeps only the digits its terms leave, in either library."""
    entry = max(float(np.max(np.abs(ours[k] - theirs[k]) / np.maximum(np.abs(theirs[k]), 1e-12))) for k in theirs)
    array = max(float(np.max(np.abs(ours[k] - theirs[k])) / max(float(np.max(np.abs(theirs[k]))), 1e-12))
                for k in theirs)
    return entry, array


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--networks", type=int, default=200)
    args = parser.parse_args()
    if torch is None:
        print("torch is not installed: nothing to compare (pip install torch==2.13.0 into a venv of your own)")
        return 0
    rng = np.random.default_rng(24)
    for label, make, ours, theirs in (
            ("nn.RNN tanh, loss on the last step", lambda: rnn_case(rng, "tanh", False), rnn_ours, rnn_torch),
            ("nn.RNN tanh, losses summed over steps", lambda: rnn_case(rng, "tanh", True), rnn_ours, rnn_torch),
            ("nn.RNN relu, losses summed over steps", lambda: rnn_case(rng, "relu", True), rnn_ours, rnn_torch),
            ("F.batch_norm(training=True)", lambda: norm_case(rng), lambda s, _c: norm_ours(s), norm_torch)):
        largest, scaled, ours_time, theirs_time = 0.0, 0.0, 0.0, 0.0
        for _ in range(args.networks):
            spec, case = make()
            start = time.perf_counter()
            mine = ours(spec, case)
            ours_time += time.perf_counter() - start
            start = time.perf_counter()
            reference = theirs(case)
            theirs_time += time.perf_counter() - start
            entry, array = worst(mine, reference)
            largest, scaled = max(largest, entry), max(scaled, array)
        print(f"{label}: {args.networks} networks, largest relative difference {largest:.2e} entry by entry, "
              f"{scaled:.2e} against each array's largest gradient; "
              f"per network (spec read + pass) ours {1e3 * ours_time / args.networks:.2f} ms, "
              f"torch {1e3 * theirs_time / args.networks:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
