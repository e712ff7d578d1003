"""The engine's forward+backward against PyTorch's, side by side in one process, both float64.

Network 784-256-256-10, relu hidden layers, softmax output, cross-entropy, batch of 256.
Goal: the engine's arithmetic (`run(..., exact_zeros=False)`, what a large network's pass costs)
at most PyTorch's time; the pass with exact zeros (what reports and grading ask for, deciding
which sums are zero up to rounding) is printed beside it. Also checks that all compute the same
gradients. Run it with the right BLAS kernel: this machine sets OPENBLAS_CORETYPE for old
OpenBLAS builds, which slows a current numpy; unset it for the benchmark alone:
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/engine_vs_torch.py
Run: python benchmarks/engine_vs_torch.py [--repeats 50]  (needs torch; without it, prints our time only)
"""
from __future__ import annotations

import argparse
import statistics
import time

import checkout  # noqa: F401 - from a source checkout, the package beside it
import numpy as np

from backprop_cli.core.engine import run
from backprop_cli.core.functions import LOSSES, activation
from backprop_cli.core.network import Layer, Network

SIZES = [784, 256, 256, 10]
BATCH = 256


def timed_pair(first, second, repeats: int, block: int = 25) -> tuple[float, float]:
    """Median times of two functions, alternating blocks of runs so that machine noise hits both
    alike; blocks (not single runs) so that one library's idle threads do not slow the other's."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(max(1, repeats // block)):
        for fn, bucket in ((first, times[0]), (second, times[1])):
            for _ in range(3):  # let this library's thread pool wake up
                fn()
            for _ in range(block):
                start = time.perf_counter()
                fn()
                bucket.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=200)
    repeats = parser.parse_args().repeats
    rng = np.random.default_rng(0)
    weights = [rng.normal(0, (2 / SIZES[i]) ** 0.5, (SIZES[i + 1], SIZES[i])) for i in range(len(SIZES) - 1)]
    biases = [rng.normal(0, 0.1, SIZES[i + 1]) for i in range(len(SIZES) - 1)]
    acts = ["relu"] * (len(SIZES) - 2) + ["softmax"]
    network = Network([Layer(w, b, activation(a)) for w, b, a in zip(weights, biases, acts)], LOSSES["cross_entropy"])
    x = rng.normal(0, 1, (BATCH, SIZES[0]))
    y = np.eye(SIZES[-1])[rng.integers(0, SIZES[-1], BATCH)]

    try:
        import torch
    except ImportError:
        ours, _ = timed_pair(lambda: run(network, x, y), lambda: None, repeats)
        print(f"backprop engine  {SIZES} batch {BATCH}: {ours * 1000:7.2f} ms")
        print("torch is not installed: no ratio (pip install torch to compare)")
        return
    torch.set_num_threads(len(__import__("os").sched_getaffinity(0)))
    tw = [torch.tensor(w, requires_grad=True) for w in weights]
    tb = [torch.tensor(b, requires_grad=True) for b in biases]
    tx, ty = torch.tensor(x), torch.tensor(y.argmax(axis=1))

    def torch_pass():
        for p in tw + tb:
            p.grad = None
        h = tx
        for i, (w, b) in enumerate(zip(tw, tb)):
            h = h @ w.T + b
            if i < len(tw) - 1:
                h = torch.relu(h)
        loss = torch.nn.functional.cross_entropy(h, ty)  # softmax + cross-entropy, mean over the batch
        loss.backward()
        return loss

    ours, theirs = timed_pair(lambda: run(network, x, y, exact_zeros=False), torch_pass, repeats)
    exact, _ = timed_pair(lambda: run(network, x, y), lambda: None, repeats)
    print(f"backprop engine  {SIZES} batch {BATCH}: {ours * 1000:7.2f} ms (with exact zeros: {exact * 1000:.2f} ms, "
          f"{exact / ours:.2f}x)")
    result = run(network, x, y)
    loss = torch_pass()
    agree = all(np.allclose(result.weight_grads[i + 1], tw[i].grad.numpy(), rtol=1e-9, atol=1e-12)
                for i in range(len(tw)))
    print(f"PyTorch {torch.__version__:<8} same network, float64: {theirs * 1000:7.2f} ms")
    print(f"ratio backprop / PyTorch: {ours / theirs:.2f}x   (goal <= 1.00x)")
    print(f"same loss: {abs(result.loss - loss.item()) < 1e-12}, same gradients: {agree}")


if __name__ == "__main__":
    main()
