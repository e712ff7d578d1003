"""What the tests share: where the examples are, one way to run a command, random networks."""
import os
import re
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))  # oracle.py and regenerate.py

from backprop_cli.cli import main
from backprop_cli.core.functions import LOSSES, activation
from backprop_cli.core.network import Layer, Network

ROOT = Path(__file__).resolve().parent.parent
if ROOT in Path(sys.modules["backprop_cli"].__file__).resolve().parents:
    # the suite runs on this checkout's source (not installed, or installed editable): the commands
    # that tests start (python -m backprop_cli, from other folders) run the same source
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
SPECS = ROOT / "specs"
# the assignments' Homework 3: every student's own numbers, drawn for the ids of roster.csv
HW3_PERSONAL = """title: "Homework 3"
personal:
  spec: net.yaml
  seed: hw3-2026
  weights: {from: -1, to: 1, decimals: 1}
  biases: {from: -0.5, to: 0.5, decimals: 1}
  input: {from: 0, to: 5, decimals: 0}
roster: roster.csv
"""
# CONTRACT section 9's example: a 4×4 image, two 2×2 kernels, relu, max pooling, a dense softmax
CONTRACT_CNN = """input: [[1, 2, 0, 1], [0, 1, 3, 1], [2, 1, 1, 0], [1, 0, 2, 2]]
target: [1, 0]
loss: cross_entropy
layers:
  - type: conv2d
    weights: [[[[1, 0], [0, -1]]], [[[0, 1], [1, 0]]]]
    biases: [0, 0.1]
    activation: relu
  - type: maxpool2d
    size: 2
  - activation: softmax
    weights: [[0.1, 0.2], [-0.3, 0.4]]
"""
ALL_EXAMPLES = sorted(p.stem for p in SPECS.glob("*.yaml"))
EXPRESSION_EXAMPLES = [name for name in ALL_EXAMPLES
                       if "\nexpression:" in (SPECS / f"{name}.yaml").read_text(encoding="utf-8")]
# networks with section 9's layers (conv and pooling, recurrent, batch norm): grad, trace, gradcheck,
# step and train only, tested by tests/test_convolution.py; the dense examples go through every command
MAP_EXAMPLES = [name for name in ALL_EXAMPLES
                if re.search(r"\n  - type: (conv|recurrent|batchnorm)", (SPECS / f"{name}.yaml").read_text("utf-8"))]
EXAMPLES = [name for name in ALL_EXAMPLES if name not in EXPRESSION_EXAMPLES + MAP_EXAMPLES]  # dense networks
assert len(EXAMPLES) >= 4 and len(EXPRESSION_EXAMPLES) >= 4, "the bundled examples are missing"

# which output activations make sense with each loss
OUTPUT_FOR_LOSS = {
    "squared_error": ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"],
    "half_squared_error": ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"],
    "mse": ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"],
    "cross_entropy": ["softmax", "sigmoid"],
    "binary_cross_entropy": ["sigmoid", "softmax"],
    "none": ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"],  # targets = upstream gradient
}


def invoke(*args, input=None, env=None, expect=None):
    """Run `backprop ARGS...` in-process; with `expect`, assert that exit status."""
    result = CliRunner().invoke(main, [str(a) for a in args], input=input, env=env)
    if expect is not None:
        assert result.exit_code == expect, (result.exit_code, result.stdout, result.stderr)
    return result


def not_reached(folder: Path, spec: str, answers: dict) -> list:
    """`backprop check` of `answers` (quantity -> value, written as repr() writes it) on the spec text
    `spec`, both written into `folder`: (quantity, written, expected, accepted) of every answer the
    grader judges neither right nor imprecise (of a student who does every step right: none)."""
    import backprop_cli as bp

    (folder / "net.yaml").write_text(spec, encoding="utf-8")
    lines = "".join(f"  {q}: {v!r}\n" for q, v in answers.items())
    (folder / "answers.yaml").write_text("spec: net.yaml\nanswers:\n" + lines, encoding="utf-8")
    run = bp.check([str(folder / "answers.yaml")])
    assert run.invalid == [] and len(run.files[0].outcomes) == len(answers)
    return [(o.answer.quantity.text, o.answer.written, o.expected, o.accepted) for o in run.files[0].outcomes
            if o.verdict not in ("right", "imprecise")]


def stable_seed(*parts) -> int:
    """A seed from names, the same in every process (Python's hash() is salted per process)."""
    return zlib.crc32("/".join(map(str, parts)).encode())


def as_network(layers: list[dict], loss: str, reduction: str = "mean") -> Network:
    """The engine's Network for the oracle's plain-list layers."""
    return Network([Layer(np.array(l["weights"], float), np.array(l["biases"], float),
                          activation(l["activation"], l.get("alpha"))) for l in layers],
                   LOSSES[loss], reduction)


def random_layers(rng, sizes, hidden, output):
    """Plain-list layers with weights in [-1, 1] and biases in [-0.5, 0.5]."""
    layers = []
    for i in range(1, len(sizes)):
        act = hidden if i < len(sizes) - 1 else output
        layers.append({"activation": act, "alpha": 0.1,
                       "weights": rng.uniform(-1, 1, (sizes[i], sizes[i - 1])).tolist(),
                       "biases": rng.uniform(-0.5, 0.5, sizes[i]).tolist()})
    return layers


def targets_for(rng, loss, samples, width):
    """Targets a loss accepts: one-hot for cross-entropy, probabilities for BCE, any for the rest."""
    if loss == "cross_entropy":
        return np.eye(width)[rng.integers(0, width, samples)].tolist()
    if loss == "binary_cross_entropy":
        return rng.uniform(0, 1, (samples, width)).tolist()
    return rng.uniform(-1, 1, (samples, width)).tolist()


@pytest.fixture
def padhai_text() -> str:
    return (SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8")


def pytest_addoption(parser):
    parser.addoption("--fuzz-examples", type=int, default=150,
                     help="how many mutated inputs the fuzz tests try (default 150; try 5000 for a long run)")


@pytest.fixture
def fuzz_examples(request) -> int:
    return request.config.getoption("--fuzz-examples")


def oracle_problem(path: Path):
    """A spec file read by PyYAML alone, for the oracle: (layers, inputs, targets, loss, reduction, rate).
    Each layer: activation, alpha, weights (row j INTO neuron j), biases (every neuron's) and
    bias_style (each, shared, none)."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    layers = []
    for layer in data["layers"]:
        act = layer["activation"]
        name, alpha = (act["name"], act.get("alpha", 0.01)) if isinstance(act, dict) else (act, 0.01)
        weights = layer["weights"]
        if layer.get("layout", data.get("layout")) == "from_to":
            weights = [list(column) for column in zip(*weights)]
        biases, width, style = layer.get("biases", 0), len(weights), "each"
        if biases == "none":
            biases, style = [0.0] * width, "none"
        elif isinstance(biases, dict):
            biases, style = [float(biases["shared"])] * width, "shared"
        elif not isinstance(biases, list):
            biases = [float(biases)] * width
        layers.append({"activation": name, "alpha": alpha, "weights": weights, "biases": biases, "bias_style": style})
    inputs = data["inputs"] if "inputs" in data else [data["input"]]
    if data["loss"] == "none":  # the oracle's "none" loss compares ŷ with the upstream gradient
        targets = [data.get("output_gradient", [1.0] * len(layers[-1]["weights"]))] * len(inputs)
    else:
        targets = data["targets"] if "targets" in data else [data["target"]]
    return layers, inputs, targets, data["loss"], data.get("reduction", "mean"), float(data.get("learning_rate", 0.1))


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (the system's, driven by playwright) for every browser test of the
    session: the explorer's (tests/test_explore.py, tests/test_explore_live.py)."""
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    sync_api = pytest.importorskip("playwright.sync_api") if not os.environ.get("CI") else \
        __import__("playwright.sync_api", fromlist=["sync_playwright"])
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield launched
        launched.close()


SLOW = 0.05  # seconds: a test this slow is marked @pytest.mark.slow, which keeps `pytest -m "not slow"` near 30 s


def pytest_terminal_summary(terminalreporter, config):
    """After `pytest -m "not slow"`, name the tests that took SLOW or more without the mark: a hint
    to mark them, never a failure (timings vary from run to run and machine to machine)."""
    if config.option.markexpr != "not slow":
        return
    took: dict[str, float] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            if isinstance(report, pytest.TestReport) and "slow" not in report.keywords:
                took[report.nodeid] = took.get(report.nodeid, 0.0) + report.duration
    slow = sorted((seconds, name) for name, seconds in took.items() if seconds >= SLOW)[::-1]
    if slow:
        terminalreporter.write_line(f"{len(slow)} test(s) took {SLOW} s or more without @pytest.mark.slow; "
                                    "mark them so that the quick suite stays quick:")
        for seconds, name in slow[:10]:
            terminalreporter.write_line(f"  {seconds:.2f} s  {name}")
