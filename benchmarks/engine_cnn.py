"""The engine over feature maps (core.mapnet) on a small CNN, against PyTorch and a plain numpy floor.

Network: a 1×28×28 image, conv2d of 8 kernels 3×3 (relu), 2×2 max pooling, dense 10 (softmax),
cross-entropy, batch of 64, float64. The floor is the same forward and backward pass written
directly in numpy (im2col by one copy a kernel offset and one matrix product, pooling by reshape and
argmax), with nothing kept for reports: what a direct numpy implementation pays. The engine is timed
as the arithmetic alone (`run(..., exact_zeros=False)`) and with its zeros up to rounding made exact
(what reports, step and train use). With PyTorch importable (here: /tmp/tv's venv,
`PYTHONPATH=. /tmp/tv/bin/python benchmarks/engine_cnn.py`), `torch.nn.functional` on the same
numbers is timed side by side with each, and the ratios printed (issue 23's goal: within 2×).
Also checks that all give the same gradients.
Run: python benchmarks/engine_cnn.py [--repeats 200]
"""
from __future__ import annotations

import argparse

import checkout  # noqa: F401 - from a source checkout, the package beside it
import numpy as np
from engine_vs_torch import timed_pair

from backprop_cli.core.functions import LOSSES, activation
from backprop_cli.core.mapnet import Dense, MapNetwork, run
from backprop_cli.core.maps import Conv, Pool

BATCH, KERNELS = 64, 8


def floor_pass(x, kernels, kernel_bias, weights, bias, y):
    """Forward and backward in plain numpy: the gradients of the kernels, their biases and the dense layer."""
    columns = np.empty((BATCH, 1, 3, 3, 26, 26))
    for i in range(3):
        for j in range(3):
            columns[:, :, i, j] = x[:, :, i:i + 26, j:j + 26]
    columns = columns.reshape(BATCH, 9, 26 * 26)
    z = (kernels.reshape(KERNELS, 9) @ columns).reshape(BATCH, KERNELS, 26, 26) + kernel_bias[:, None, None]
    a = np.maximum(z, 0)
    blocks = a.reshape(BATCH, KERNELS, 13, 2, 13, 2).transpose(0, 1, 2, 4, 3, 5).reshape(BATCH, KERNELS, 13, 13, 4)
    first = blocks.argmax(axis=-1)
    pooled = np.take_along_axis(blocks, first[..., None], axis=-1)[..., 0].reshape(BATCH, -1)
    logits = pooled @ weights.T + bias
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    delta = (e / e.sum(axis=1, keepdims=True) - y) / BATCH
    grad_weights, grad_bias = delta.T @ pooled, delta.sum(axis=0)
    grad_pooled = (delta @ weights).reshape(BATCH, KERNELS, 13, 13)
    grad_blocks = np.where(np.arange(4) == first[..., None], grad_pooled[..., None], 0.0)
    grad_a = grad_blocks.reshape(BATCH, KERNELS, 13, 13, 2, 2).transpose(0, 1, 2, 4, 3, 5)
    delta_z = grad_a.reshape(BATCH, KERNELS, 26 * 26) * (z.reshape(BATCH, KERNELS, -1) > 0)
    grad_kernels = (delta_z @ columns.transpose(0, 2, 1)).sum(axis=0).reshape(kernels.shape)
    return grad_kernels, delta_z.sum(axis=(0, 2)), grad_weights, grad_bias


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--torch-threads", type=int, default=0,
                        help="PyTorch's threads (default: its own choice; 1 on a busy machine steadies it)")
    options = parser.parse_args()
    repeats = options.repeats
    rng = np.random.default_rng(0)
    kernels, kernel_bias = rng.normal(0, 0.3, (KERNELS, 1, 3, 3)), rng.normal(0, 0.1, KERNELS)
    weights, bias = rng.normal(0, 0.05, (10, KERNELS * 13 * 13)), rng.normal(0, 0.1, 10)
    x = rng.normal(0, 1, (BATCH, 1, 28, 28))
    y = np.eye(10)[rng.integers(0, 10, BATCH)]
    conv = Conv(kernels, kernel_bias, activation("relu"), (1, 28, 28))
    pool = Pool("max", 2, conv.out_shape)
    network = MapNetwork([conv, pool, Dense(weights, bias, activation("softmax"))], LOSSES["cross_entropy"],
                         (1, 28, 28), 2)

    result = run(network, x, y)
    floor = floor_pass(x, kernels, kernel_bias, weights, bias, y)
    for ours, theirs in zip((result.weight_grads[1], result.bias_grads[1], result.weight_grads[3],
                             result.bias_grads[3]), floor):
        assert np.allclose(ours, theirs, rtol=1e-10, atol=1e-14), "the engine and the floor disagree"
    engine, plain = timed_pair(lambda: run(network, x, y, exact_zeros=False),
                               lambda: floor_pass(x, kernels, kernel_bias, weights, bias, y), repeats)
    print(f"1×28×28, {KERNELS} kernels 3×3, relu, 2×2 max pool, dense 10, batch {BATCH}, float64, forward+backward")
    print(f"  backprop engine, arithmetic        {engine * 1000:7.2f} ms")
    print(f"  plain numpy floor                  {plain * 1000:7.2f} ms   engine / floor = {engine / plain:.2f}×")
    try:
        import torch
    except ImportError:
        exact, _ = timed_pair(lambda: run(network, x, y), lambda: None, repeats)
        print(f"  backprop engine, exact zeros       {exact * 1000:7.2f} ms   (what reports, step and train use)")
        print("  PyTorch: not importable (pip install torch to time torch.nn.functional on the same numbers)")
        return
    if options.torch_threads:
        torch.set_num_threads(options.torch_threads)
    print(f"  (PyTorch {torch.__version__}, {torch.get_num_threads()} threads)")
    tx = torch.tensor(x, requires_grad=False)
    tk, tkb = torch.tensor(kernels, requires_grad=True), torch.tensor(kernel_bias, requires_grad=True)
    tw, tb = torch.tensor(weights, requires_grad=True), torch.tensor(bias, requires_grad=True)
    labels = torch.tensor(y.argmax(axis=1))
    fn = torch.nn.functional

    def torch_pass():
        for tensor in (tk, tkb, tw, tb):
            tensor.grad = None
        out = fn.linear(fn.max_pool2d(fn.relu(fn.conv2d(tx, tk, tkb)), 2).flatten(1), tw, tb)
        fn.cross_entropy(out, labels).backward()

    torch_pass()
    for ours, theirs in zip((result.weight_grads[1], result.bias_grads[1], result.weight_grads[3],
                             result.bias_grads[3]), (tk, tkb, tw, tb)):
        assert np.allclose(ours, theirs.grad.numpy(), rtol=1e-9, atol=1e-14), "the engine and PyTorch disagree"
    # each side by side with PyTorch, so that the machine's speed of the moment hits both alike
    engine, torch_time = timed_pair(lambda: run(network, x, y, exact_zeros=False), torch_pass, repeats)
    exact, torch_again = timed_pair(lambda: run(network, x, y), torch_pass, repeats)
    print(f"  PyTorch                            {torch_time * 1000:7.2f} ms   engine / PyTorch = "
          f"{engine / torch_time:.2f}× ({engine * 1000:.2f} ms side by side)")
    print(f"  backprop engine, exact zeros       {exact * 1000:7.2f} ms   exact zeros / PyTorch = "
          f"{exact / torch_again:.2f}× (PyTorch {torch_again * 1000:.2f} ms side by side; what reports, step and "
          "train use)")


if __name__ == "__main__":
    main()
