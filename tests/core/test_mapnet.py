"""Convolution and pooling (contract section 9) against the plain-Python oracle of PyTorch's
definitions (tests/oracle_maps.py) and against finite differences: random networks, 1-D and 2-D,
stride, padding, several channels, max and average pooling, batches, every loss."""

import json
import random

import pytest
from conftest import CONTRACT_CNN
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle_maps import build, gradients

from backprop_cli import load_spec

OUTPUTS = {"cross_entropy": "softmax", "squared_error": "linear", "half_squared_error": "tanh", "mse": "sigmoid",
           "binary_cross_entropy": "sigmoid", "none": "linear"}


def _random(rng, *shape):
    if not shape:
        return round(rng.uniform(-1, 1), 6)
    return [_random(rng, *shape[1:]) for _ in range(shape[0])]


def random_map_spec(seed: int, dims: int, samples: int, loss: str, reduction: str = "mean",
                    hidden: str = "tanh") -> tuple[dict, list, list]:
    """A random network over maps: one or two conv layers, maybe a pooling layer, a dense output."""
    rng = random.Random(seed)
    channels, rows, cols = rng.randint(1, 2), (rng.randint(3, 6) if dims == 2 else 1), rng.randint(3, 7)
    layers, shape = [], (channels, rows, cols)
    for _ in range(rng.randint(1, 2)):
        kh, kw = (rng.randint(1, min(3, shape[1])) if dims == 2 else 1), rng.randint(1, min(3, shape[2]))
        out = rng.randint(1, 3)
        stride, padding = rng.randint(1, 2), rng.randint(0, min(kh, kw) - 1)
        weights = _random(rng, out, shape[0], kh, kw) if dims == 2 else _random(rng, out, shape[0], kw)
        layers.append({"type": f"conv{dims}d", "weights": weights, "biases": _random(rng, out), "stride": stride,
                       "padding": padding, "activation": hidden})
        rp, rs = (padding, stride) if dims == 2 else (0, 1)
        shape = (out, (shape[1] + 2 * rp - kh) // rs + 1, (shape[2] + 2 * padding - kw) // stride + 1)
    if rng.random() < 0.7 and shape[2] >= 2 and (dims == 1 or shape[1] >= 2):
        size = 2
        stride = rng.randint(1, 2)
        layers.append({"type": f"{rng.choice(['max', 'avg'])}pool{dims}d", "size": size, "stride": stride})
        shape = (shape[0], (shape[1] - size) // stride + 1 if dims == 2 else 1, (shape[2] - size) // stride + 1)
    width = shape[0] * shape[1] * shape[2]
    outputs = 1 if loss == "binary_cross_entropy" else rng.randint(2, 3)
    # weights of about 1/width keep z of order 1: a saturated tanh's 1 − a² keeps few digits anywhere
    dense = [[round(w / width, 9) for w in row] for row in _random(rng, outputs, width)]
    layers.append({"weights": dense, "biases": _random(rng, outputs), "activation": OUTPUTS[loss]})
    inputs = [_random(rng, channels, rows, cols) if dims == 2 else _random(rng, channels, cols) for _ in range(samples)]
    if loss == "cross_entropy":
        targets = [[1.0 if i == rng.randrange(outputs) else 0.0 for i in range(outputs)] for _ in range(samples)]
    elif loss == "binary_cross_entropy":
        targets = [[float(rng.random() < 0.5)] for _ in range(samples)]
    else:
        targets = [_random(rng, outputs) for _ in range(samples)]
    spec = {"dims": dims, "layers": layers, "loss": loss, "reduction": reduction}
    return spec, inputs, targets


def to_yaml(spec: dict, inputs: list, targets: list) -> str:
    """The spec as text (JSON is YAML 1.2's flow style)."""
    data = {"inputs": inputs, "loss": spec["loss"], "reduction": spec.get("reduction", "mean"),
            "layers": spec["layers"]}
    if spec["loss"] == "none":
        data["output_gradient"] = targets[0]
    else:
        data["targets"] = targets
    return json.dumps(data)


def assert_agrees(spec, inputs, targets):
    result = load_spec(text=to_yaml(spec, inputs, targets)).compute()
    truth = targets if spec["loss"] != "none" else [targets[0]] * len(inputs)
    loss, expected = gradients(spec, inputs, truth, spec.get("reduction", "mean"))
    assert result.loss == pytest.approx(loss, rel=1e-12, abs=1e-13)
    rows = result.parameters()
    assert {name for name, *_ in rows} == {name for name in expected if name[0] in "wb"}
    # 1e-9 relative; where paths cancel, rounding is measured against Σ|product| over the paths
    scale = gradients(spec, inputs, truth, spec.get("reduction", "mean"), absolute=True)[1]
    for name, _, gradient, _ in rows:
        assert abs(gradient - expected[name]) <= 1e-9 * abs(expected[name]) + 1e-13 * scale[name], name
    for name, _, gradient in result.input_rows()[: len(result.input_rows()) // len(inputs)]:
        bare = name.split("[")[0]
        assert abs(gradient - expected[bare]) <= 1e-9 * abs(expected[bare]) + 1e-13 * scale[bare], name
    return result


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), dims=st.sampled_from([1, 2]), samples=st.integers(1, 3),
       loss=st.sampled_from(sorted(OUTPUTS)), reduction=st.sampled_from(["mean", "sum"]),
       hidden=st.sampled_from(["relu", "tanh", "sigmoid", "leaky_relu", "linear"]))
@pytest.mark.slow
def test_random_map_networks_against_the_oracle(seed, dims, samples, loss, reduction, hidden):
    assert_agrees(*random_map_spec(seed, dims, samples, loss, reduction, hidden))


@pytest.mark.slow
@pytest.mark.parametrize("dims", [1, 2])
@pytest.mark.parametrize("seed", range(6))
def test_gradients_against_finite_differences_of_the_oracle(dims, seed):
    """The oracle's own forward pass, nudged: the engine's gradients are derivatives of PyTorch's definitions."""
    spec, inputs, targets = random_map_spec(seed, dims, 2, "squared_error", hidden="tanh")
    result = load_spec(text=to_yaml(spec, inputs, targets)).compute()

    def loss_at() -> float:
        return sum(build(spec, x, y).value["L"] for x, y in zip(inputs, targets)) / len(inputs)

    eps = 1e-6
    for l, layer in enumerate(spec["layers"], start=1):
        if "weights" not in layer:
            continue
        flat, names = _leaves(layer["weights"]), [n for n, *_ in result.parameters() if n.startswith(f"w{l}")]
        assert len(flat) == len(names)
        for (container, index), name in zip(flat, names):
            original = container[index]
            container[index] = original + eps
            up = loss_at()
            container[index] = original - eps
            down = loss_at()
            container[index] = original
            assert result.gradient(name) == pytest.approx((up - down) / (2 * eps), rel=1e-6, abs=1e-8), name


def _leaves(nested):
    """(list, index) of every number of a nested list, in row-major order."""
    found = []
    for i, item in enumerate(nested):
        if isinstance(item, list):
            found += _leaves(item)
        else:
            found.append((nested, i))
    return found


def test_the_contract_example_shapes_and_names():
    result = load_spec(text=CONTRACT_CNN).compute()
    forward = result.forward
    # z1_1 = x(r,c) − x(r+1,c+1) (cross-correlation: no flip); z1_2 = x(r,c+1) + x(r+1,c) + 0.1
    assert forward["z1_1_1_1"] == 1 - 1 and forward["z1_1_2_3"] == 3 - 0
    assert forward["z1_2_1_1"] == pytest.approx(2 + 0 + 0.1)
    assert forward["a2_2_1_1"] == pytest.approx(max(2.1, 1.1, 4.1, 2.1))  # channel 2's window of 2×2 maps
    assert result.canonical("w3_1_2") == "w312" and result.canonical("w1_2_1_1_2") == "w1_2_1_1_2"
    assert result.canonical("w12112") == "w1_2_1_1_2"
    assert result.gradient("w312") == pytest.approx(result.gradient("w3_1_2"))
