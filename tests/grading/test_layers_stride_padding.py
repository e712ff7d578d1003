"""grading.layers on the stride and padding misplaced (core.mapslips' stride_ignored_backward,
padding_ignored_backward, padding_ignored): each injected into random conv1d and conv2d networks
with a stride and padding, at a value worked out by hand (tests/oracle_strided.py, numpy and the
plain-Python oracle), is named by `check`; a key of the true values is right and names none of
them; a typed-in example shows each in `check`'s own words."""
import json
import math
import random

import numpy as np
import oracle_maps
import oracle_strided
import pytest
from conftest import invoke

from backprop_cli import load_spec
from backprop_cli.api.grading import key
from backprop_cli.grading.grades import Grader

CODES = ("stride_ignored_backward", "padding_ignored_backward", "padding_ignored")


def _drawn(rng) -> dict:
    """A random conv network: conv1d or conv2d (1-2 channels in and out, stride 2-3, padding 1 to
    the kernel's side less 1, tanh) → a dense layer; more than one output position along each
    strided axis, and an unpadded map."""
    while True:
        dims, channels, out = rng.choice([1, 2]), rng.choice([1, 2]), rng.choice([1, 2])
        kernel, stride = rng.choice([2, 3]), rng.choice([2, 3])
        padding = rng.randint(1, kernel - 1)  # below the kernel's side, as the reader asks
        side = rng.randint(4, 6) if dims == 2 else rng.randint(5, 9)
        rows = (side + 2 * padding - kernel) // stride + 1 if dims == 2 else 1
        cols = (side + 2 * padding - kernel) // stride + 1
        if cols > 1 and (dims == 1 or rows > 1) and side >= kernel:
            break

    def draw(*shape):
        return [draw(*shape[1:]) for _ in range(shape[0])] if shape else round(rng.uniform(-1.5, 1.5), 2)

    image = draw(channels, side, side) if dims == 2 else draw(channels, side)
    weights = draw(out, channels, kernel, kernel) if dims == 2 else draw(out, channels, kernel)
    flat = out * rows * cols
    dense, loss, target = ({"activation": "softmax", "weights": draw(2, flat), "biases": [0, 0]}, "cross_entropy",
                           [1, 0]) if rng.random() < 0.5 else \
        ({"activation": "linear", "weights": draw(1, flat), "biases": [0.1]}, "squared_error", [0.5])
    return {"input": image, "target": target, "loss": loss,
            "layers": [{"type": f"conv{dims}d", "weights": weights, "biases": draw(out), "stride": stride,
                        "padding": padding, "activation": "tanh"}, dense]}


def _written(value: float) -> str:
    """4 significant digits (at least 4 decimals)."""
    return f"{value:.{max(4, 3 - math.floor(math.log10(abs(value))))}f}"


def _truth(spec: dict) -> tuple[dict, dict]:
    g = oracle_maps.build({**spec, "dims": int(spec["layers"][0]["type"][4])}, spec["input"], spec["target"])
    return g.value, g.gradients("L")


def _first_changed(mistaken: dict, truth: dict) -> tuple[str, float] | None:
    """The first quantity whose mistaken value is apart from the true one (by more than 2e-3, 1e-3 relative)."""
    for name, value in mistaken.items():
        if abs(value - truth[name]) > max(2e-3, 1e-3 * abs(truth[name])) and abs(value) > 1e-3:
            return name, value
    return None


@pytest.mark.slow
def test_each_stride_and_padding_mistake_injected_into_random_conv_networks_is_named(tmp_path):
    rng, named, injected, right = random.Random(11), dict.fromkeys(CODES, 0), dict.fromkeys(CODES, 0), []
    for _ in range(24):
        spec, grader = _drawn(rng), Grader()  # a Grader reads each spec once
        asked = []
        (tmp_path / "net.yaml").write_text(json.dumps(spec))
        value, gradient = _truth(spec)
        for code in CODES:
            if code == "padding_ignored":
                found = _first_changed(oracle_strided.unpadded_map(spec), value)
                quantity = found and found[0]
            else:
                found = _first_changed(oracle_strided.mistaken_gradients(spec, code), gradient)
                quantity = found and f"dL/d{found[0]}"
            if found is None:
                continue
            (tmp_path / "a.yaml").write_text(f"spec: net.yaml\nanswers:\n  {quantity}: {_written(found[1])}\n")
            outcome = grader.grade_file(str(tmp_path / "a.yaml")).outcomes[0]
            injected[code] += 1
            named[code] += code in [d["code"] for d in outcome.diagnoses]
            assert outcome.verdict == "wrong", (spec, quantity)
            asked.append(quantity)
        # the true values, a key of every kernel weight's gradient and of each quantity asked: right, none named
        quantities = [f"dL/d{n}" for n in gradient if n.startswith("w1_")] + [q for q in asked if "/" not in q]
        (tmp_path / "k.yaml").write_text(key(load_spec(tmp_path / "net.yaml"), quantities, spec_path="net.yaml"))
        report = grader.grade_file(str(tmp_path / "k.yaml"))
        right += [(o.verdict, [d["code"] for d in o.diagnoses]) for o in report.outcomes]
    print(f"named/injected: { {c: f'{named[c]}/{injected[c]}' for c in CODES} }")
    assert all(injected[c] >= 20 for c in CODES), injected
    assert named == injected
    assert {verdict for verdict, _ in right} == {"right"}
    assert not {code for _, codes in right for code in codes} & set(CODES)


STRIDED = {"input": [[1, 2, 0, 1, -1], [0, 1, 3, 1, 2], [2, 1, 1, 0, -2], [1, 0, 2, 2, 1], [0.5, 1, -1, 2, 0]],
           "target": [1, 0], "loss": "cross_entropy",
           "layers": [{"type": "conv2d", "weights": [[[[1, 0.5, -1], [0, -1, 2], [0.3, 0.2, 0.1]]]], "biases": [0.1],
                       "stride": 2, "padding": 1, "activation": "tanh"},
                      {"activation": "softmax", "weights": [[0.1, 0.2, -0.3, 0.4, 0.1, -0.2, 0.3, 0.2, 0.1],
                                                            [-0.2, 0.1, 0.3, -0.1, 0.2, 0.4, -0.3, 0.1, 0.2]],
                       "biases": [0, 0]}]}


@pytest.mark.slow
@pytest.mark.parametrize("code", CODES)
def test_a_typed_in_example_shows_each_in_checks_own_words(tmp_path, code):
    (tmp_path / "net.yaml").write_text(json.dumps(STRIDED))
    if code == "padding_ignored":  # x[0:3][0:3] ⋆ w + b: 8, not the padded map's 3.2
        quantity, value = "z1_1_1_1", oracle_strided.unpadded_map(STRIDED)["z1_1_1_1"]
    else:
        quantity, value = "dL/dw1_1_1_2_2", oracle_strided.mistaken_gradients(STRIDED, code)["w1_1_1_2_2"]
    (tmp_path / "a.yaml").write_text(f"spec: net.yaml\nanswers:\n  {quantity}: {_written(value)}\n")
    out = invoke("check", tmp_path / "a.yaml", expect=1).stdout
    assert {"stride_ignored_backward": "The stride left out of a kernel weight's gradient",
            "padding_ignored_backward": "The padding misplaced in a kernel weight's gradient",
            "padding_ignored": "A feature map computed without its padding"}[code] in out, out
    data = json.loads(invoke("check", tmp_path / "a.yaml", "--format", "json", expect=1).stdout)
    result, = data["files"][0]["results"]
    assert result["verdict"] == "wrong" and code in [d["code"] for d in result["diagnoses"]]


@pytest.mark.slow
@pytest.mark.parametrize("code", ["stride_ignored_backward", "padding_ignored_backward"])
def test_the_mistake_made_on_the_files_own_wrong_deltas_is_named(tmp_path, code):
    # every ∂L/∂z of the map stated twice its true value (wrong), the weight's gradient summed from
    # those stated numbers with the stride left out or the padding misplaced, by hand
    (tmp_path / "net.yaml").write_text(json.dumps(STRIDED))
    _, gradient = _truth(STRIDED)
    stated = {f"z1_1_{r}_{c}": round(2 * gradient[f"z1_1_{r}_{c}"], 4) for r in (1, 2, 3) for c in (1, 2, 3)}
    x = np.array(STRIDED["input"], dtype=float)  # w1_1_1_2_2 is the kernel's (1, 1), 0-based
    padded = np.pad(x, 1)
    read = (lambda r, c: padded[r + 1, c + 1]) if code == "stride_ignored_backward" else \
        (lambda r, c: x[2 * r + 1, 2 * c + 1] if 2 * r + 1 < 5 and 2 * c + 1 < 5 else 0.0)
    twice = sum(stated[f"z1_1_{r + 1}_{c + 1}"] * read(r, c) for r in range(3) for c in range(3))
    lines = "".join(f"  dL/d{name}: {value}\n" for name, value in stated.items())
    (tmp_path / "a.yaml").write_text(f"spec: net.yaml\nanswers:\n{lines}  dL/dw1_1_1_2_2: {_written(twice)}\n")
    data = json.loads(invoke("check", tmp_path / "a.yaml", "--format", "json", expect=1).stdout)
    last = data["files"][0]["results"][-1]
    assert last["verdict"] == "wrong" and code in [d["code"] for d in last["diagnoses"]], last


@pytest.mark.slow
def test_keys_of_a_strided_padded_network_pass_their_own_check_at_every_precision(tmp_path):
    (tmp_path / "net.yaml").write_text(json.dumps(STRIDED))
    maps = [f"{kind}1_1_{r}_{c}" for kind in "za" for r in (1, 2, 3) for c in (1, 2, 3)]
    for decimals in (1, 2, 3, 5):
        text = key(load_spec(tmp_path / "net.yaml"), ["loss", *maps, *(f"dL/dw1_1_1_{r}_{c}" for r in (1, 2, 3)
                                                                       for c in (1, 2, 3))],
                   decimals=decimals, spec_path="net.yaml")
        (tmp_path / "k.yaml").write_text(text)
        report = Grader().grade_file(str(tmp_path / "k.yaml"))
        assert [o.question.quantity for o in report.outcomes if o.verdict != "right"] == [], decimals
        assert not {d["code"] for o in report.outcomes for d in o.diagnoses} & set(CODES)
