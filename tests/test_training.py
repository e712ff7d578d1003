"""step and train: the rewritten spec equals grad's updates, keeps the user's text, and writes safely."""
import json
import re
import shutil
import sys

import numpy as np
import pytest
from conftest import EXAMPLES, SPECS, invoke, oracle_problem
from oracle import finite_difference

from backprop_cli import compute, load_spec

NUMBER = re.compile(r"-?\d+(\.\d*)?(e-?\d+)?")


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    for path in sorted(SPECS.glob("*.yaml")):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("example", EXAMPLES)
def test_one_step_equals_grads_updated_values(workdir, example):
    before = (workdir / f"{example}.yaml").read_bytes()
    result = invoke("step", f"{example}.yaml", "-o", "after.yaml")
    assert result.exit_code == 0, result.output
    assert (workdir / f"{example}.yaml").read_bytes() == before  # -o never touches the input
    expected = json.loads(invoke("grad", f"{example}.yaml", "--format", "json").output)["parameters"]
    after = compute(load_spec(workdir / "after.yaml"))
    for row in expected:
        assert after.value(row["name"]) == row["updated"]  # exactly: repr round-trips
    layers, inputs, targets, loss, reduction, rate = oracle_problem(workdir / f"{example}.yaml")
    for (kind, l, j, k), gradient in finite_difference(layers, inputs, targets, loss, reduction).items():
        name = "".join(str(part) for part in (kind, l, j, k) if part is not None)
        before_value = layers[l - 1]["weights"][j - 1][k - 1] if kind == "w" else layers[l - 1]["biases"][(j or 1) - 1]
        if after.is_frozen(name):  # the spec's `frozen:` (Mazur's biases)
            assert after.value(name) == before_value, name
        else:
            assert after.value(name) == pytest.approx(before_value - rate * gradient, rel=1e-6, abs=1e-9), name


def test_comments_and_layout_survive(workdir):
    invoke("step", "chain-3-layer.yaml", "-o", "after.yaml")
    old = (workdir / "chain-3-layer.yaml").read_text().splitlines()
    new = (workdir / "after.yaml").read_text().splitlines()
    assert len(old) == len(new)
    for a, b in zip(old, new):
        assert NUMBER.sub("#", a).replace(" ", "") == NUMBER.sub("#", b).replace(" ", "")
        if a.lstrip().startswith("#") or "weights" not in a and "biases" not in a:
            assert a == b  # comments, names, input, target: untouched


def test_a_scalar_bias_becomes_a_list_when_the_neurons_diverge(workdir):
    invoke("step", "padhai-4-4-2.yaml", "-o", "after.yaml")
    text = (workdir / "after.yaml").read_text()
    # b11's paths cancel: its update is exactly 0, not 6.86e-19
    assert "biases: [0.0, 0.01547" in text and "# one number for every neuron" in text


@pytest.mark.parametrize("layer_text", [
    "  - activation: sigmoid\n    weights: [[0.5, -0.5]]\n",
    "  - {activation: sigmoid, weights: [[0.5, -0.5]]}\n",
])
def test_missing_biases_are_added_in_the_same_style(workdir, layer_text):
    (workdir / "net.yaml").write_text("input: [1, 2]\ntarget: [1]\nloss: mse\nlayers:\n" + layer_text)
    assert invoke("step", "-o", "after.yaml").exit_code == 0
    after = load_spec(workdir / "after.yaml")
    grads = json.loads(invoke("grad", "--format", "json").output)["parameters"]
    assert after.layers[0].biases[0] == grads[-1]["updated"] != 0


def test_output_safety(workdir):
    refused = invoke("step", "chain-3-layer.yaml", "-o", "chain-3-layer.yaml")
    assert refused.exit_code == 2 and "--in-place" in refused.output
    (workdir / "taken.yaml").write_text("mine")
    exists = invoke("step", "chain-3-layer.yaml", "-o", "taken.yaml")
    assert exists.exit_code == 2 and "--force" in exists.output and (workdir / "taken.yaml").read_text() == "mine"
    assert invoke("step", "chain-3-layer.yaml", "-o", "taken.yaml", "--force").exit_code == 0
    assert invoke("step", "chain-3-layer.yaml").exit_code == 2  # no destination given
    before = load_spec(workdir / "chain-3-layer.yaml").layers[0].weights[0, 0]
    assert invoke("step", "chain-3-layer.yaml", "--in-place").exit_code == 0
    assert load_spec(workdir / "chain-3-layer.yaml").layers[0].weights[0, 0] != before
    assert not list(workdir.glob(".*.tmp"))  # no temporary file left behind


def test_step_to_standard_output(workdir):
    result = invoke("step", "chain-3-layer.yaml", "-o", "-")
    spec = load_spec(text=result.stdout)
    assert spec.layers[0].weights[0, 0] == pytest.approx(0.8 - 0.1 * 0.269745, abs=1e-6)


def test_matrices_from_files_go_to_new_files(workdir):
    np.save(workdir / "w1.npy", np.array([[0.1, 0.2], [0.3, 0.4]]))
    (workdir / "b1.csv").write_text("0.1\n-0.1\n")
    (workdir / "net.yaml").write_text("input: [1, 2]\ntarget: [1]\nloss: mse\nlayers:\n"
                                      "  - activation: tanh\n    weights: {file: w1.npy}\n    biases: {file: b1.csv}\n"
                                      "  - activation: linear\n    weights: [[1, -1]]\n")
    assert invoke("step", "-o", "after.yaml").exit_code == 0
    assert np.array_equal(np.load(workdir / "w1.npy"), [[0.1, 0.2], [0.3, 0.4]])  # originals untouched
    assert (workdir / "b1.csv").read_text() == "0.1\n-0.1\n"
    text = (workdir / "after.yaml").read_text()
    assert '{file: "after-w1.npy"}' in text and '{file: "after-b1.csv"}' in text
    after = load_spec(workdir / "after.yaml")
    expected = compute(load_spec(workdir / "net.yaml"))
    assert after.layers[0].weights[1, 0] == expected.updated("w121")
    assert after.layers[0].biases[1] == expected.updated("b12")
    assert invoke("step", "-o", "-").exit_code == 2  # new matrix files need a real output


@pytest.mark.slow
def test_matrices_from_files_step_again_and_again(workdir):
    """step writes `{file: "after-w1.npy"}` quoted: its own output steps again, in place too, and
    trains; each time the same as stepping the numbers themselves."""
    np.save(workdir / "w1.npy", np.array([[0.1, 0.2], [0.3, 0.4]]))
    (workdir / "net.yaml").write_text("input: [1, 2]\ntarget: [1]\nloss: mse\nlayers:\n"
                                      "  - activation: tanh\n    weights: {file: w1.npy}\n"
                                      "  - activation: linear\n    weights: [[1, -1]]\n")
    (workdir / "inline.yaml").write_text("input: [1, 2]\ntarget: [1]\nloss: mse\nlayers:\n"
                                         "  - activation: tanh\n    weights: [[0.1, 0.2], [0.3, 0.4]]\n"
                                         "  - activation: linear\n    weights: [[1, -1]]\n")
    for args in (["net.yaml", "-o", "s1.yaml"], ["s1.yaml", "-o", "s2.yaml"], ["s2.yaml", "--in-place"],
                 ["s2.yaml", "--in-place"]):
        assert invoke("step", *args).exit_code == 0, args
    for _ in range(4):
        assert invoke("step", "inline.yaml", "--in-place").exit_code == 0
    assert load_spec(workdir / "s2.yaml").layers[0].weights.tolist() == \
        load_spec(workdir / "inline.yaml").layers[0].weights.tolist()
    for args in (["s2.yaml", "-o", "t1.yaml"], ["t1.yaml", "-o", "t2.yaml"]):
        assert invoke("train", *args, "--epochs", "2").exit_code == 0, args
    assert compute(load_spec(workdir / "t2.yaml")).loss < compute(load_spec(workdir / "s2.yaml")).loss


@pytest.mark.slow
def test_n_epochs_equal_n_steps(workdir):
    for _ in range(5):
        assert invoke("step", "padhai-4-4-2.yaml", "--in-place").exit_code == 0
    stepped = compute(load_spec(workdir / "padhai-4-4-2.yaml"))
    shutil.copy(SPECS / "padhai-4-4-2.yaml", workdir / "fresh.yaml")
    result = invoke("train", "fresh.yaml", "--epochs", "5", "-o", "trained.yaml", "--format", "json")
    assert result.exit_code == 0, result.output
    trained = compute(load_spec(workdir / "trained.yaml"))
    for (name, value, _, _), (_, other, _, _) in zip(stepped.parameters(), trained.parameters()):
        assert value == other, name
    data = json.loads(result.stdout)
    assert data["runs"][0]["epochs"] == 5 and len(data["losses"]) == 6
    assert data["losses"][-1] == pytest.approx(trained.loss, rel=1e-15)


def test_until_loss_stops_early_and_says_why():
    data = json.loads(invoke("train", "--example", "padhai-4-4-2", "--epochs", "1000", "--until-loss", "1e-3",
                             "--format", "json").stdout)
    assert data["runs"][0]["stopped"] == "until-loss"
    assert data["losses"][-1] < 1e-3 <= data["losses"][-2]


@pytest.mark.slow
def test_comparing_rates_and_the_log(workdir):
    result = invoke("train", "padhai-4-4-2.yaml", "--epochs", "4", "--lr", "0.1,1", "--log", "epochs.csv",
                    "--plot", "rates.svg")
    assert result.exit_code == 0, result.output
    assert "η = 0.1: loss 0.105491 →" in result.stdout and "η = 1: loss 0.105491 →" in result.stdout
    rows = (workdir / "epochs.csv").read_text().splitlines()
    header = rows[0].split(",")
    assert header[:5] == ["learning_rate", "epoch", "loss", "w111", "w112"] and header[-1] == "dL/db22"
    assert len(rows) == 1 + 2 * 4
    first = dict(zip(header, rows[1].split(",")))
    # the PadhAI notes' network before any update: its true gradient and loss
    assert float(first["dL/dw212"]) == pytest.approx(-0.1303767, abs=5e-8)
    assert float(first["loss"]) == pytest.approx(0.105491, abs=5e-7)
    svg = (workdir / "rates.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert invoke("train", "padhai-4-4-2.yaml", "--epochs", "2", "--lr", "0.1,1", "-o", "x.yaml").exit_code == 2


@pytest.mark.slow
def test_png_plot(workdir):
    assert invoke("train", "chain-3-layer.yaml", "--epochs", "3", "--plot", "loss.png").exit_code == 0
    assert (workdir / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib_is_a_clear_exit_2(workdir, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = invoke("train", "chain-3-layer.yaml", "--epochs", "3", "--plot", "loss.png")
    assert result.exit_code == 2 and "pip install" in result.stderr and not (workdir / "loss.png").exists()


def test_an_interrupted_train_writes_nothing(workdir, monkeypatch):
    from backprop_cli.core import training

    calls = {"n": 0}
    original = training._pass  # one epoch's forward and backward pass

    def interrupting(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:  # within epoch 3
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(training, "_pass", interrupting)
    result = invoke("train", "chain-3-layer.yaml", "--epochs", "50", "-o", "trained.yaml", "--log", "log.csv")
    assert result.exit_code == 130
    assert "interrupted after epoch 2: nothing written (run again to write trained.yaml, log.csv)" in result.stderr
    # no file at all: the log of a run cut short was once written beside a spec that was not
    assert not (workdir / "trained.yaml").exists() and not (workdir / "log.csv").exists()
    assert not list(workdir.glob(".*.tmp"))


def test_divergence_names_the_epoch(workdir):
    (workdir / "net.yaml").write_text("input: [3]\ntarget: [1]\nloss: squared_error\nlayers:\n"
                                      "  - activation: linear\n    weights: [[2]]\n")
    result = invoke("train", "--epochs", "5000", "--lr", "10")
    assert result.exit_code == 2
    assert re.search(r"training diverged at epoch \d+ \(learning rate 10\)", result.stderr)


LAYOUTS = {  # the same 1-1-1 network written in the ways a spec can hold it, none with biases
    "flow": "  - activation: tanh\n    weights: [[0.5]]\n  - activation: linear\n    weights: [[1]]\n",
    "block rows": "  - activation: tanh\n    weights:\n      - [0.5]\n"
                  "  - activation: linear\n    weights:\n      - [1]\n",
    "block in block": "  - activation: tanh\n    weights:\n      - - 0.5\n    # a comment\n\n"
                      "  - activation: linear\n    weights:\n      - - 1\n",
    "flow layer": "  - {activation: tanh, weights: [[0.5]]}\n  - {activation: linear, weights: [[1]]}\n",
    "multi-line flow": "  - activation: tanh\n    weights: [\n      [0.5]\n    ]\n  - activation: linear\n"
                       "    weights: [[1]]\n",
    "flow layer, key at line start": "  - {activation: tanh,\n     weights: [[0.5]]}\n  - {activation: linear,\n"
                                     "     weights: [[1]]}\n",
    "explicit keys": "  - activation: tanh\n    ? weights\n    : [[0.5]]\n  - activation: linear\n    weights: [[1]]\n",
    "tagged in a flow layer": "  - {activation: tanh, weights: !!seq [[0.5]]}\n"
                              "  - {activation: linear, weights: [[1]]}\n",
    "flow list of layers": "  [\n  {activation: tanh, weights: [[0.5]]},\n"
                           "  {activation: linear,\n   weights: [[1]]\n  }]\n",
}


@pytest.mark.slow
@pytest.mark.parametrize("newline", ["\n", "\r"])
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_stepped_spec_always_reads_back_with_the_updated_numbers(workdir, layout, newline):
    text = "input: [1]\ntarget: [1]\nloss: mse\nlayers:\n" + LAYOUTS[layout].replace("layers:\n  [", "layers: [")
    (workdir / "net.yaml").write_bytes(text.replace("\n", newline).encode())
    assert invoke("step", "net.yaml", "-o", "after.yaml").exit_code == 0
    layers, inputs, targets, loss, reduction, rate = oracle_problem(workdir / "net.yaml")
    after = load_spec(workdir / "after.yaml")  # loads: no key written twice, none under another layer
    for (kind, l, j, k), gradient in finite_difference(layers, inputs, targets, loss, reduction).items():
        before = layers[l - 1]["weights"][j - 1][k - 1] if kind == "w" else layers[l - 1]["biases"][j - 1]
        got = after.layers[l - 1].weights[j - 1, k - 1] if kind == "w" else after.layers[l - 1].biases[j - 1]
        assert got == pytest.approx(before - rate * gradient, rel=1e-6, abs=1e-9), (kind, l, j, k)


def test_in_place_through_a_link_writes_the_file_it_names(workdir):
    import os

    os.symlink("chain-3-layer.yaml", workdir / "link.yaml")
    assert invoke("step", "link.yaml", "--in-place").exit_code == 0
    assert (workdir / "link.yaml").is_symlink()
    assert (workdir / "chain-3-layer.yaml").read_text() != (SPECS / "chain-3-layer.yaml").read_text()


@pytest.mark.slow
def test_two_concurrent_in_place_steps_never_lose_an_update(workdir):
    import subprocess

    shutil.copy(workdir / "padhai-4-4-2.yaml", workdir / "twice.yaml")
    for _ in range(2):  # the expected result: two steps one after the other
        assert invoke("step", "twice.yaml", "--in-place").exit_code == 0
    command = [sys.executable, "-m", "backprop_cli", "step", "padhai-4-4-2.yaml", "--in-place"]
    runs = [subprocess.Popen(command, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(2)]
    assert [run.wait(timeout=60) for run in runs] == [0, 0]
    assert (workdir / "padhai-4-4-2.yaml").read_text() == (workdir / "twice.yaml").read_text()


def test_one_rates_run_is_also_at_the_top_of_the_json():
    data = json.loads(invoke("train", "--example", "padhai-4-4-2", "--epochs", "3", "--format", "json").stdout)
    run = data["runs"][0]
    assert {k: data[k] for k in ("epochs", "stopped", "loss", "losses")} == {k: run[k] for k in
                                                                            ("epochs", "stopped", "loss", "losses")}
    assert data["epochs"] == 3 and data["stopped"] == "epochs"


def test_ctrl_c_while_train_writes_leaves_every_requested_file_whole(workdir, monkeypatch):
    import os
    import signal

    import backprop_cli.files as files

    real, calls = files.write_atomic, []

    def interrupted(path, content):  # Ctrl-C lands as the first file is written
        if not calls:
            os.kill(os.getpid(), signal.SIGINT)
        calls.append(path)
        return real(path, content)

    monkeypatch.setattr(files, "write_atomic", interrupted)
    result = invoke("train", "padhai-4-4-2.yaml", "--epochs", "2", "-o", "t.yaml", "--log", "log.csv")
    assert result.exit_code == 0, result.output
    assert "they are all written whole" in result.stderr
    assert load_spec(workdir / "t.yaml") and len((workdir / "log.csv").read_text().splitlines()) == 3


def test_a_log_too_large_for_a_spreadsheet_of_any_size_is_refused_before_training(tmp_path):
    out = invoke("train", "--example", "mazur-2-2-2", "--epochs", "10000000", "--log", tmp_path / "log.csv", expect=2)
    assert "--log: 10,000,000 epochs of 10 parameters would write 210,000,000 numbers, more than 50,000,000" \
        in out.stderr
    assert not (tmp_path / "log.csv").exists() and "epoch 1/" not in out.stderr  # refused, not trained
