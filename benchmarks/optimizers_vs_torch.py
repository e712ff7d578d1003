"""Every optimiser against PyTorch itself: 4 updates of random networks by `backprop`'s `train`
and by torch.optim (float64), the parameters, the losses and the optimiser's state compared.

The tests check the same against an oracle written from torch.optim's code (tests/optim_oracle.py),
because torch is no dependency of ours; this script asks torch itself, where it is installed.
Each problem: a 2-layer network of 1 to 3 inputs, 1 to 3 hidden units and 2 or 3 outputs, a batch
of 1 to 3 samples, one of four activation/loss pairs, the optimiser's defaults or other settings,
with and without L2 (the spec's `l2: λ` adds (λ/2)·Σw² over the weights, not the biases, so torch
gets the same term in its loss rather than weight_decay, which would decay the biases too).
A measurement, never pass/fail. Run: python benchmarks/optimizers_vs_torch.py [--problems 50]
"""
from __future__ import annotations

import argparse
import sys

import checkout  # noqa: F401 - from a source checkout, the package beside it
import numpy as np
import yaml

from backprop_cli import load_spec
from backprop_cli.api.training import train

DEFAULTS = {"sgd": {}, "momentum": {"beta": 0.9}, "nesterov": {"beta": 0.9}, "adagrad": {"eps": 1e-10},
            "rmsprop": {"alpha": 0.99, "eps": 1e-8}, "adam": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}}
CASES = [("sigmoid", "sigmoid", "half_squared_error"), ("tanh", "linear", "mse"),
         ("sigmoid", "softmax", "cross_entropy"), ("tanh", "sigmoid", "binary_cross_entropy")]
STEPS = 4


def problem(rng, optimizer: str, case: int) -> dict:
    hidden, output, loss = CASES[case]
    sizes = [int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.integers(2, 4))]
    layers = [{"activation": act, "weights": rng.uniform(-1, 1, (n, m)).tolist(),
               "biases": rng.uniform(-1, 1, n).tolist()}
              for act, m, n in ((hidden, sizes[0], sizes[1]), (output, sizes[1], sizes[2]))]
    samples = int(rng.integers(1, 4))
    if loss == "cross_entropy":
        targets = np.eye(sizes[2])[rng.integers(0, sizes[2], samples)]
    elif loss == "binary_cross_entropy":
        targets = rng.integers(0, 2, (samples, sizes[2])).astype(float)
    else:
        targets = rng.uniform(-1 if output == "linear" else 0, 1, (samples, sizes[2]))
    settings = {}
    if rng.random() < 0.5:
        settings = {k: float(rng.uniform(0.5, 0.99)) if k != "eps" else float(10 ** rng.uniform(-10, -3))
                    for k in DEFAULTS[optimizer]}
    return {"inputs": rng.uniform(-2, 2, (samples, sizes[0])).tolist(), "targets": targets.tolist(), "loss": loss,
            "reduction": "mean" if rng.random() < 0.7 else "sum", "learning_rate": float(10 ** rng.uniform(-2.5, -0.3)),
            "optimizer": {"name": optimizer, **settings}, "l2": 0.05 if rng.random() < 0.5 else 0.0, "layers": layers}


def ours(data: dict) -> tuple[list[float], list[float]]:
    spec = load_spec(text=yaml.safe_dump({k: v for k, v in data.items() if k != "l2" or v}, sort_keys=False))
    run = train(spec, STEPS).runs[0]
    return [value for _, value, _, _ in run.result.parameters()], list(run.losses)


def theirs(data: dict, torch) -> tuple[list[float], list[float]]:
    f = torch.nn.functional
    params = []
    for layer in data["layers"]:
        params += [torch.tensor(layer["weights"], dtype=torch.float64, requires_grad=True),
                   torch.tensor(layer["biases"], dtype=torch.float64, requires_grad=True)]
    x = torch.tensor(data["inputs"], dtype=torch.float64)
    y = torch.tensor(data["targets"], dtype=torch.float64)
    acts = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "linear": lambda z: z, "softmax": lambda z: f.softmax(z, -1)}

    def loss_of() -> torch.Tensor:
        a = x
        for layer, (w, b) in zip(data["layers"], zip(params[::2], params[1::2])):
            a = acts[layer["activation"]](a @ w.T + b)
        per = {"half_squared_error": lambda: 0.5 * ((a - y) ** 2).sum(-1), "mse": lambda: ((a - y) ** 2).mean(-1),
               "cross_entropy": lambda: -(y * torch.log(a)).sum(-1),
               "binary_cross_entropy": lambda: -(y * torch.log(a) + (1 - y) * torch.log(1 - a)).sum(-1)}[data["loss"]]()
        total = per.mean() if data["reduction"] == "mean" else per.sum()
        return total + data["l2"] / 2 * sum((w ** 2).sum() for w in params[::2])

    o, rate = data["optimizer"], data["learning_rate"]
    settings = {**DEFAULTS[o["name"]], **o}
    optim = torch.optim
    chosen = {"sgd": lambda: optim.SGD(params, lr=rate),
              "momentum": lambda: optim.SGD(params, lr=rate, momentum=settings["beta"]),
              "nesterov": lambda: optim.SGD(params, lr=rate, momentum=settings["beta"], nesterov=True),
              "adagrad": lambda: optim.Adagrad(params, lr=rate, eps=settings["eps"]),
              "rmsprop": lambda: optim.RMSprop(params, lr=rate, alpha=settings["alpha"], eps=settings["eps"]),
              "adam": lambda: optim.Adam(params, lr=rate, betas=(settings["beta1"], settings["beta2"]),
                                         eps=settings["eps"])}[o["name"]]()
    losses = []
    for _ in range(STEPS):
        chosen.zero_grad()
        loss = loss_of()
        losses.append(float(loss.detach()))
        loss.backward()
        chosen.step()
    with torch.no_grad():
        losses.append(float(loss_of()))
    flat = []
    for w, b in zip(params[::2], params[1::2]):
        flat += w.detach().flatten().tolist() + b.detach().tolist()
    return flat, losses


def relative(a: list[float], b: list[float]) -> float:
    a, b = np.array(a), np.array(b)
    return float(np.max(np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-300)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=50, help="random problems per optimiser (default 50)")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        sys.exit("torch is not installed here: pip install torch==2.13.0 (a CPU build) into another venv to run this")
    rng = np.random.default_rng(2026)
    print(f"torch {torch.__version__}; {args.problems} random problems per optimiser, {STEPS} updates each, float64")
    for optimizer in DEFAULTS:
        worst_values = worst_losses = 0.0
        for i in range(args.problems):
            data = problem(rng, optimizer, i % len(CASES))
            (values, losses), (their_values, their_losses) = ours(data), theirs(data, torch)
            worst_values = max(worst_values, relative(values, their_values))
            worst_losses = max(worst_losses, relative(losses, their_losses))
        print(f"{optimizer:9} largest relative difference: parameters {worst_values:.1e}, losses {worst_losses:.1e}")


if __name__ == "__main__":
    main()
