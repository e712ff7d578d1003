"""Write tests/corpus/torch/maps.json and coupled.json: random networks of contract section 9's
layers (over feature maps; recurrent over a sequence; batch norm over a batch) with their loss and
every gradient as PyTorch computes them (torch.nn.functional, nn.RNN, functional.batch_norm with
training=True; float64), for tests/test_torch_layers.py to hold the engine to. torch is not a test
dependency: run this by hand, where torch is installed, and read the diff.

Run: python tests/torch_fixtures.py [--count 24]
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "corpus" / "torch"
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")


def numbers(rng: random.Random, shape: tuple, spread: float = 1.0):
    if not shape:
        return round(rng.uniform(-spread, spread), 3)
    return [numbers(rng, shape[1:], spread) for _ in range(shape[0])]


def dense_name(layer: int, j: int, k: int | None = None) -> str:
    indices = (layer, j) if k is None else (layer, j, k)
    kind = "b" if k is None else "w"
    return kind + ("".join(map(str, indices)) if all(i < 10 for i in indices) else "_".join(map(str, indices)))


def kernel_names(layer: int, grad, indices: tuple = ()) -> dict:
    """A kernel's gradients by name, w{l}_{out}_{in}_{row}_{col} (1-D: w{l}_{out}_{in}_{pos})."""
    if not isinstance(grad, list):
        return {f"w{layer}_" + "_".join(map(str, indices)): grad}
    found = {}
    for i, inner in enumerate(grad, start=1):
        found.update(kernel_names(layer, inner, indices + (i,)))
    return found


def random_network(rng: random.Random) -> dict:
    """A spec (as a dict) of 1-D or 2-D maps: one or two conv layers, a pooling layer or none, a
    dense output; a batch or one sample; every loss the output allows."""
    two_d = rng.random() < 0.7
    channels, samples = rng.choice([1, 2]), rng.choice([1, 2, 3])
    side = rng.randint(5, 7)
    shape = (channels, side, side) if two_d else (channels, side + 3)
    layers, current = [], shape
    for _ in range(rng.choice([1, 1, 2])):
        kernel = rng.choice([2, 3])
        stride, padding = rng.choice([1, 1, 2]), rng.choice([0, 0, 1])
        out = rng.choice([1, 2, 3])
        sizes = [(n + 2 * padding - kernel) // stride + 1 for n in current[1:]]
        if min(sizes) < 2:
            break
        layers.append({"type": "conv2d" if two_d else "conv1d",
                       "weights": numbers(rng, (out, current[0]) + (kernel,) * len(sizes), 0.8),
                       "biases": numbers(rng, (out,), 0.3), "stride": stride, "padding": padding,
                       "activation": rng.choice(ACTIVATIONS)})
        current = (out, *sizes)
    if rng.random() < 0.8 and min(current[1:]) >= 2:
        kind = rng.choice(["max", "avg"])
        stride = rng.choice([None, 1])
        pool = {"type": f"{kind}pool{'2d' if two_d else '1d'}", "size": 2}
        if stride is not None:
            pool["stride"] = stride
        layers.append(pool)
        current = (current[0], *[(n - 2) // (stride or 2) + 1 for n in current[1:]])
    flat = 1
    for n in current:
        flat *= n
    outputs = rng.choice([2, 3])
    output, loss = rng.choice([("softmax", "cross_entropy"), ("sigmoid", "squared_error"),
                               ("linear", "half_squared_error"), ("tanh", "mse"), ("sigmoid", "binary_cross_entropy")])
    layers.append({"activation": output, "weights": numbers(rng, (outputs, flat), 0.5),
                   "biases": numbers(rng, (outputs,), 0.2)})
    image = (lambda: numbers(rng, shape, 2.0)) if channels > 1 else (lambda: numbers(rng, shape[1:], 2.0))

    def target():
        if loss == "cross_entropy":
            hot = rng.randrange(outputs)
            return [1.0 if j == hot else 0.0 for j in range(outputs)]
        return [round(rng.uniform(0.05, 0.95), 2) for _ in range(outputs)]

    spec = {"loss": loss, "learning_rate": 0.1, "layers": layers}
    if samples == 1:
        spec.update(input=image(), target=target())
    else:
        spec.update(inputs=[image() for _ in range(samples)], targets=[target() for _ in range(samples)])
        if rng.random() < 0.3:
            spec["reduction"] = "sum"
    return spec


def torch_pass(spec: dict) -> dict:
    """The loss and every gradient, by section 9's names, from torch.nn.functional in float64."""
    import torch
    import torch.nn.functional as F

    batch = "inputs" in spec
    images = spec["inputs"] if batch else [spec["input"]]
    targets = torch.tensor(spec["targets"] if batch else [spec["target"]], dtype=torch.float64)
    x = torch.tensor(images, dtype=torch.float64)
    two_d = spec["layers"][0].get("type", "").endswith("2d")
    if x.dim() == (3 if two_d else 2):  # one channel written without its level
        x = x.unsqueeze(1)
    named, a = {}, x
    for number, layer in enumerate(spec["layers"], start=1):
        kind = layer.get("type", "dense")
        if kind.startswith("conv"):
            w = torch.tensor(layer["weights"], dtype=torch.float64, requires_grad=True)
            b = torch.tensor(layer["biases"], dtype=torch.float64, requires_grad=True)
            conv = F.conv2d if two_d else F.conv1d
            z = conv(a, w, b, stride=layer["stride"], padding=layer["padding"])
            named.update({f"w{number}": w, f"b{number}": b})
        elif "pool" in kind:
            size, stride = layer["size"], layer.get("stride", layer["size"])
            pool = {"maxpool2d": F.max_pool2d, "avgpool2d": F.avg_pool2d, "maxpool1d": F.max_pool1d,
                    "avgpool1d": F.avg_pool1d}[kind]
            a = pool(a, size, stride)
            continue
        else:
            w = torch.tensor(layer["weights"], dtype=torch.float64, requires_grad=True)
            b = torch.tensor(layer["biases"], dtype=torch.float64, requires_grad=True)
            z = a.reshape(a.shape[0], -1) @ w.T + b  # flattened channel, row, column
            named.update({f"w{number}": w, f"b{number}": b})
        act = layer.get("activation", "linear")
        a = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "linear": lambda t: t,
             "softmax": lambda t: torch.softmax(t, dim=1)}[act](z)
    y, loss_name = targets, spec["loss"]
    per_sample = {"squared_error": lambda: ((a - y) ** 2).sum(1),
                  "half_squared_error": lambda: 0.5 * ((a - y) ** 2).sum(1),
                  "mse": lambda: ((a - y) ** 2).mean(1), "cross_entropy": lambda: -(y * torch.log(a)).sum(1),
                  "binary_cross_entropy": lambda: -(y * torch.log(a) + (1 - y) * torch.log(1 - a)).sum(1)}[loss_name]()
    loss = per_sample.sum() if spec.get("reduction") == "sum" else per_sample.mean()
    loss.backward()
    gradients = {}
    for key, tensor in named.items():
        number = int(key[1:])
        grad = tensor.grad.tolist()
        if tensor.dim() == 1:  # biases: a conv layer's b{l}_{out}, a dense layer's b{l}{j}
            conv = spec["layers"][number - 1].get("type", "dense").startswith("conv")
            for j, g in enumerate(grad, start=1):
                gradients[f"b{number}_{j}" if conv else dense_name(number, j)] = g
        elif tensor.dim() == 2:  # a dense layer's weights
            for j, row in enumerate(grad, start=1):
                for k, g in enumerate(row, start=1):
                    gradients[dense_name(number, j, k)] = g
        else:  # a kernel: w{l}_{out}_{in}_{row}_{col} (1-D: _{pos})
            gradients.update(kernel_names(number, grad))
    return {"loss": loss.item(), "gradients": gradients}


SAMPLE_LOSSES = {"squared_error": lambda a, y: ((a - y) ** 2).sum(-1),
                 "half_squared_error": lambda a, y: 0.5 * ((a - y) ** 2).sum(-1),
                 "mse": lambda a, y: ((a - y) ** 2).mean(-1)}


def dense(rng, inputs: int, outputs: int, activation: str) -> dict:
    return {"activation": activation, "weights": numbers(rng, (outputs, inputs), 0.7),
            "biases": numbers(rng, (outputs,), 0.2)}


def random_recurrent(rng: random.Random) -> dict:
    """An Elman cell (tanh or relu) over 2-4 steps, a dense readout at every step; the loss on the
    last step (`target:`) or summed over every step (`targets:`)."""
    inputs, units, outputs, steps = rng.randint(1, 3), rng.randint(1, 3), rng.randint(1, 2), rng.randint(2, 4)
    cell = {"type": "recurrent", "input_weights": numbers(rng, (units, inputs), 0.8),
            "recurrent_weights": numbers(rng, (units, units), 0.8), "biases": numbers(rng, (units,), 0.3),
            "activation": rng.choice(["tanh", "relu"])}
    if rng.random() < 0.5:
        cell["initial_state"] = numbers(rng, (units,), 0.5)
    spec = {"sequence": numbers(rng, (steps, inputs), 1.5), "loss": rng.choice(sorted(SAMPLE_LOSSES)),
            "learning_rate": 0.1, "layers": [cell, dense(rng, units, outputs, rng.choice(["linear", "tanh"]))]}
    if rng.random() < 0.5:
        spec["targets"] = numbers(rng, (steps, outputs), 0.9)
    else:
        spec["target"] = numbers(rng, (outputs,), 0.9)
    return spec


def random_batchnorm(rng: random.Random) -> dict:
    """A batch of 2-5 through batch norm (first, or after a dense layer), its activation, a dense output."""
    samples, features, outputs = rng.randint(2, 5), rng.randint(1, 3), rng.randint(1, 2)
    layers, width = [], features
    if rng.random() < 0.7:
        width = rng.randint(1, 3)
        layers.append(dense(rng, features, width, rng.choice(["linear", "tanh"])))
    norm = {"type": "batchnorm", "gamma": numbers(rng, (width,), 1.5), "beta": numbers(rng, (width,), 0.5),
            "activation": rng.choice(["linear", "relu", "sigmoid", "tanh"])}
    if rng.random() < 0.4:
        norm["eps"] = rng.choice([1e-3, 0.1])
    layers += [norm, dense(rng, width, outputs, "sigmoid")]
    spec = {"inputs": numbers(rng, (samples, features), 2.0), "targets": numbers(rng, (samples, outputs), 1.0),
            "loss": rng.choice(sorted(SAMPLE_LOSSES)), "learning_rate": 0.1, "layers": layers}
    spec["targets"] = [[abs(t) for t in row] for row in spec["targets"]]
    if rng.random() < 0.3:
        spec["reduction"] = "sum"
    return spec


def torch_coupled(spec: dict) -> dict:
    """The loss and every gradient, by section 9's names, of a recurrent or batch-norm network."""
    import torch
    import torch.nn.functional as F

    def tensor(values):
        return torch.tensor(values, dtype=torch.float64, requires_grad=True)

    act = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "linear": lambda t: t}
    named, a = {}, None
    if "sequence" in spec:
        cell = spec["layers"][0]
        units, inputs = len(cell["input_weights"]), len(cell["input_weights"][0])
        rnn = torch.nn.RNN(inputs, units, nonlinearity=cell["activation"], dtype=torch.float64)
        with torch.no_grad():
            rnn.weight_ih_l0.copy_(torch.tensor(cell["input_weights"], dtype=torch.float64))
            rnn.weight_hh_l0.copy_(torch.tensor(cell["recurrent_weights"], dtype=torch.float64))
            rnn.bias_ih_l0.copy_(torch.tensor(cell["biases"], dtype=torch.float64))
            rnn.bias_hh_l0.zero_()  # only the sum of the two biases matters: b1{j} is it
        h0 = torch.tensor([cell.get("initial_state", [0.0] * units)], dtype=torch.float64)
        a, _ = rnn(torch.tensor(spec["sequence"], dtype=torch.float64), h0)  # (steps, units)
        named.update({"wx1": rnn.weight_ih_l0, "wh1": rnn.weight_hh_l0, "b1": rnn.bias_ih_l0})
        rest = spec["layers"][1:]
    else:
        a, rest = torch.tensor(spec["inputs"], dtype=torch.float64), spec["layers"]
    first = len(spec["layers"]) - len(rest) + 1
    for number, layer in enumerate(rest, start=first):
        if layer.get("type") == "batchnorm":
            gamma, beta = tensor(layer["gamma"]), tensor(layer["beta"])
            z = F.batch_norm(a, None, None, gamma, beta, training=True, eps=layer.get("eps", 1e-5))
            named.update({f"gamma{number}": gamma, f"beta{number}": beta})
        else:
            w, b = tensor(layer["weights"]), tensor(layer["biases"])
            z = a @ w.T + b
            named.update({f"w{number}": w, f"b{number}": b})
        a = act[layer.get("activation", "linear")](z)
    per_row = SAMPLE_LOSSES[spec["loss"]]

    def exact(values):  # torch.tensor's default is float32
        return torch.tensor(values, dtype=torch.float64)

    if "sequence" in spec:  # rows are time steps: every step's loss summed, or the last step's
        loss = per_row(a, exact(spec["targets"])).sum() if "targets" in spec else \
            per_row(a[-1], exact(spec["target"]))
    else:  # rows are samples: averaged, or summed
        losses = per_row(a, exact(spec["targets"]))
        loss = losses.sum() if spec.get("reduction") == "sum" else losses.mean()
    loss.backward()
    gradients = {}
    for key, parameter in named.items():
        kind, number = key.rstrip("0123456789"), int(key[len(key.rstrip("0123456789")):])
        grad = parameter.grad.tolist()
        if parameter.dim() == 1:
            gradients.update({f"{kind}{number}{j}" if j < 10 else f"{kind}{number}_{j}": g
                              for j, g in enumerate(grad, start=1)})
        else:
            gradients.update({(f"{kind}{number}{j}{k}" if max(number, j, k) < 10 else f"{kind}{number}_{j}_{k}"): g
                              for j, row in enumerate(grad, start=1) for k, g in enumerate(row, start=1)})
    return {"loss": loss.item(), "gradients": gradients}


def write(name: str, cases: list) -> None:
    import torch

    OUT.mkdir(parents=True, exist_ok=True)
    lines = ",\n".join(json.dumps(case) for case in cases)  # a network a line: a diff reads case by case
    (OUT / name).write_text(f'{{"torch": {json.dumps(torch.__version__)}, "cases": [\n{lines}\n]}}\n',
                            encoding="utf-8")
    print(f"wrote {len(cases)} networks to {OUT / name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=24)
    count = parser.parse_args().count
    rng = random.Random(2026)
    write("maps.json", [{"spec": spec, **torch_pass(spec)} for spec in (random_network(rng) for _ in range(count))])
    rng = random.Random(2027)
    coupled = [random_recurrent(rng) if i % 2 else random_batchnorm(rng) for i in range(count)]
    write("coupled.json", [{"spec": spec, **torch_coupled(spec)} for spec in coupled])


if __name__ == "__main__":
    main()
