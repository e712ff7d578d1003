"""`train`'s speed: 10,000 epochs of Mazur's 2-2-2 network (the bundled example mazur-2-2-2).

Whole process, run alternately: `backprop train --epochs 10000 --format json` against two
`backprop grad --format json` calls (the issue's goal: well under their time). In process, per
epoch: the training loop (core.training.train, plain gradient descent and Adam) against PyTorch's
loop (float64 nn.Linear layers, loss.backward(), torch.optim.SGD / Adam) when torch is importable,
and always against a plain numpy floor: the same network's forward, backward and update hand-written
in a dozen numpy calls, knowing nothing of reports, frozen parameters or optimisers.
And four learning rates side by side in one pass (train --lr A,B,C,D) against one run after another.
A measurement, never pass/fail. Run: python benchmarks/train_speed.py [--runs 5] [--epochs 10000]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import checkout  # noqa: F401 - from a source checkout, the package beside it

EXAMPLE = "mazur-2-2-2"


def whole(args: list[str]) -> float:
    command = [sys.executable, "-c", f"import sys; sys.argv = ['backprop', *{args!r}];"
               "from backprop_cli.cli import main; main()"]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def ours(epochs: int, optimizer: str) -> float:
    from backprop_cli import load_example
    from backprop_cli.core.training import train
    from backprop_cli.core.update import Optimizer

    spec = load_example(EXAMPLE)
    network = spec.network.replace(optimizer=Optimizer(optimizer))
    start = time.perf_counter()
    train(network, spec.inputs, spec.targets, spec.learning_rate, epochs)
    return time.perf_counter() - start


RATES = [0.1, 0.5, 1.0, 2.0]


def rates_side_by_side(epochs: int) -> tuple[float, float]:
    """Four learning rates (train --lr 0.1,0.5,1,2): one pass side by side, and one run after another."""
    from backprop_cli import load_example
    from backprop_cli.core.training import train, train_rates

    spec = load_example(EXAMPLE)
    start = time.perf_counter()
    train_rates(spec.network, spec.inputs, spec.targets, RATES, epochs)
    together = time.perf_counter() - start
    start = time.perf_counter()
    for rate in RATES:
        train(spec.network, spec.inputs, spec.targets, rate, epochs)
    return together, time.perf_counter() - start


def numpy_floor(epochs: int) -> float:
    """Plain gradient descent on the weights (Mazur keeps the biases), a dozen numpy calls an epoch."""
    import numpy as np

    x, y = np.array([0.05, 0.10]), np.array([0.01, 0.99])
    w1, w2 = np.array([[0.15, 0.20], [0.25, 0.30]]), np.array([[0.40, 0.45], [0.50, 0.55]])
    b1, b2, rate = 0.35, 0.60, 0.5
    start = time.perf_counter()
    for _ in range(epochs):
        h = 1.0 / (1.0 + np.exp(-(w1 @ x + b1)))
        o = 1.0 / (1.0 + np.exp(-(w2 @ h + b2)))
        d2 = (o - y) * o * (1.0 - o)
        d1 = (d2 @ w2) * h * (1.0 - h)
        w2 -= rate * np.outer(d2, h)
        w1 -= rate * np.outer(d1, x)
    return time.perf_counter() - start


def torch_loop(epochs: int, optimizer: str) -> float | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    x = torch.tensor([[0.05, 0.10]], dtype=torch.float64)
    y = torch.tensor([[0.01, 0.99]], dtype=torch.float64)
    w1 = torch.tensor([[0.15, 0.20], [0.25, 0.30]], dtype=torch.float64, requires_grad=True)
    w2 = torch.tensor([[0.40, 0.45], [0.50, 0.55]], dtype=torch.float64, requires_grad=True)
    make = torch.optim.Adam if optimizer == "adam" else torch.optim.SGD
    opt = make([w1, w2], lr=0.5)
    start = time.perf_counter()
    for _ in range(epochs):
        opt.zero_grad()
        h = torch.sigmoid(x @ w1.T + 0.35)
        o = torch.sigmoid(h @ w2.T + 0.60)
        loss = 0.5 * ((o - y) ** 2).sum()
        loss.backward()
        opt.step()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=10_000)
    options = parser.parse_args()
    runs, epochs = options.runs, options.epochs
    trains, grads = [], []
    for _ in range(runs):  # alternately, so that a busy moment of the machine hits both alike
        trains.append(whole(["train", "--example", EXAMPLE, "--epochs", str(epochs), "--format", "json"]))
        grads.append(whole(["grad", "--example", EXAMPLE, "--format", "json"])
                     + whole(["grad", "--example", EXAMPLE, "--format", "json"]))
    t, g = statistics.median(trains), statistics.median(grads)
    print(f"whole process, median of {runs}: train --epochs {epochs} {t:.3f} s; two grad calls {g:.3f} s; "
          f"ratio {t / g:.2f}")
    floor = statistics.median(numpy_floor(epochs) for _ in range(runs))
    print(f"numpy floor (hand-written SGD loop): {floor / epochs * 1e6:.1f} µs an epoch")
    for optimizer in ("sgd", "adam"):
        mine = statistics.median(ours(epochs, optimizer) for _ in range(runs))
        line = f"{optimizer:5s} backprop's loop {mine / epochs * 1e6:.1f} µs an epoch: {mine / floor:.2f}× the floor"
        theirs = torch_loop(epochs, optimizer)
        if theirs is not None:
            line += f"; PyTorch's loop {theirs / epochs * 1e6:.1f} µs: backprop {mine / theirs:.2f}× PyTorch"
        else:
            line += " (torch not importable: no PyTorch column)"
        print(line)
    pairs = [rates_side_by_side(epochs) for _ in range(runs)]
    together, apart = statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)
    print(f"{len(RATES)} rates side by side in one pass {together / epochs * 1e6:.1f} µs an epoch, one after another "
          f"{apart / epochs * 1e6:.1f} µs: {together / apart:.2f}×")


if __name__ == "__main__":
    main()
