"""Recurrent and batch-norm networks through every command (issue 24, contract section 9): grad,
trace (text and JSON, paths counted and grouped by step), gradcheck, step, train, draw and explore
agree with one another and with the engine; key and check grade them (grading.layers);
hostile and mistaken specs get located messages, never a traceback."""
from __future__ import annotations

import json
import re

import pytest
from conftest import invoke

from backprop_cli import load_spec
from backprop_cli.core.unrolled import graph_of

RNN = """\
sequence: [[1, 0], [0.5, -1], [0.2, 0.3]]
targets: [[0.5], [0.1], [-0.2]]
loss: squared_error
learning_rate: 0.5
layers:
  - type: recurrent
    input_weights: [[0.1, -0.2], [0.3, 0.4]]
    recurrent_weights: [[0.5, -0.3], [0.2, 0.1]]
    biases: [0.1, -0.1]
  - activation: linear
    weights: [[0.7, -0.6]]
    biases: [0.05]
"""

NORM = """\
inputs: [[1, 2], [0, 1], [2, -1], [0.5, 0.5]]
targets: [[1], [0], [1], [0]]
loss: binary_cross_entropy
learning_rate: 0.5
layers:
  - activation: linear
    weights: [[0.1, -0.2], [0.3, 0.4]]
  - type: batchnorm
    gamma: [1.0, 0.5]
    beta: [0, 0.1]
    activation: relu
  - activation: sigmoid
    weights: [[0.7, -0.6]]
"""


@pytest.fixture(params=["rnn", "norm"])
def spec_file(request, tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text(RNN if request.param == "rnn" else NORM)
    return path


@pytest.mark.slow
def test_trace_json_paths_sum_to_the_gradient_and_counts_are_brute_forces(spec_file):
    data = json.loads(invoke("trace", spec_file, "--format", "json", "--max-paths", "1000", expect=0).stdout)
    result = load_spec(spec_file).compute()
    graph = graph_of(result)
    for p in data["parameters"]:
        assert p["gradient"] == result.gradient(p["name"])
        assert len(p["paths"]) == p["path_count"] == len(graph.enumerate(graph.ids[p["name"]]))
        assert sum(path["product"] for path in p["paths"]) == pytest.approx(p["gradient"], abs=1e-12)
        assert sum(q["sum"] for q in p["positions"]) == pytest.approx(p["gradient"], abs=1e-12)


@pytest.mark.slow
def test_a_recurrent_weights_gradient_is_the_sum_of_each_steps_part(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text(RNN)
    data = json.loads(invoke("trace", path, "--weight", "wh112", "--format", "json", "--max-paths", "40",
                             expect=0).stdout)
    result = load_spec(path).compute()
    positions = data["parameters"][0]["positions"]
    assert [q["step"] for q in positions] == [1, 2, 3]
    assert [q["sum"] for q in positions] == pytest.approx(list(result.step_gradient("wh112")), abs=1e-15)
    factors = {(f["symbol"], f["formula"]) for path in data["parameters"][0]["paths"] for f in path["factors"]}
    assert ("∂h11@3/∂h12@2", "wh112 · (1 − h11@3²)") in factors  # the contract's own example factor
    out = invoke("trace", path, "--weight", "wh112", "--max-paths", "40", expect=0).stdout
    assert "∂L/∂wh112@2 = (h11@2 ← h12@1 · (1 − h11@2²))" in out
    node = invoke("trace", path, "--node", "h12@1", "--max-paths", "40", expect=0).stdout
    assert re.search(r"∂L/∂h12@1 +\d+ paths", node)


@pytest.mark.slow
def test_batch_norm_paths_reach_another_samples_input_through_mu_and_var(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text(NORM)
    out = invoke("trace", path, "--node", "x1[2]", "--max-paths", "200", expect=0).stdout
    # sample 1's loss reaches sample 2's input only through the batch's μ and σ²
    assert re.search(r"L → L\[1\] → .* → xhat22\[1\] → mu22 → a12\[2\] → z12\[2\] → x1\[2\]", out)
    assert re.search(r"L → L\[1\] → .* → xhat22\[1\] → var22 → a12\[2\] → z12\[2\] → x1\[2\]", out)
    assert re.search(r"∂var22/∂a12\[2\] += 2·\(a12\[2\] − mu22\)/n", out)
    assert re.search(r"∂mu22/∂a12\[2\] += 1/n ", out)
    result = load_spec(path).compute()
    assert result.forward["mu21"] == pytest.approx(sum(result.a[1][:, 0]) / 4, abs=1e-15)


@pytest.mark.slow
def test_step_is_w_minus_rate_times_gradient_and_two_steps_are_two_epochs(spec_file, tmp_path):
    result = load_spec(spec_file).compute()
    invoke("step", spec_file, "-o", tmp_path / "one.yaml", expect=0)
    after = load_spec(tmp_path / "one.yaml").compute()
    for name, value, gradient, _ in result.parameters():
        assert after.value(name) == value - 0.5 * gradient
    invoke("step", tmp_path / "one.yaml", "-o", tmp_path / "two.yaml", expect=0)
    invoke("train", spec_file, "--epochs", "2", "-o", tmp_path / "trained.yaml", expect=0)
    assert (tmp_path / "two.yaml").read_text() == (tmp_path / "trained.yaml").read_text()


@pytest.mark.slow
def test_gradcheck_and_grad(spec_file):
    assert "agree" in invoke("gradcheck", spec_file, expect=0).stdout
    data = json.loads(invoke("grad", spec_file, "--inputs", "--format", "json", expect=0).stdout)
    result = load_spec(spec_file).compute()
    assert [p["gradient"] for p in data["parameters"]] == [row[2] for row in result.parameters()]
    assert len(data["inputs"]) == result.a[0].size


@pytest.mark.slow
def test_key_holds_the_engines_values_and_check_passes_it(spec_file, tmp_path):
    result = load_spec(spec_file).compute()
    key = invoke("key", spec_file, "--decimals", "6", expect=0).stdout
    first = result.parameters()[0][0]
    assert f"loss: {result.loss:.6f}" in key and f"dL/d{first}: {result.gradient(first):.6f}" in key
    (tmp_path / "answers.yaml").write_text(re.sub(r"(?m)^spec: .*$", "spec: net.yaml", key))
    data = json.loads(invoke("check", tmp_path / "answers.yaml", "--format", "json", expect=0).stdout)
    assert data["failed"] == 0 and data["passed"] == len(result.parameters()) * 2 + 1


def test_names_frozen_and_any_spelling(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text(RNN + "names:\n  U11: wx111\n  W12: wh112\n  s1_2: h11@2\nfrozen: [W12]\n")
    data = json.loads(invoke("grad", path, "--weight", "W12", "--weight", "wx1_1_1", "--format", "json",
                             expect=0).stdout)
    assert [p["name"] for p in data["parameters"]] == ["U11", "W12"]
    assert data["parameters"][1]["updated"] == data["parameters"][1]["value"]
    out = invoke("trace", path, "--node", "s1_2", "--max-paths", "1", expect=0).stdout
    assert "∂L/∂s1_2" in out


@pytest.mark.slow
def test_a_long_sequence_is_refused_for_trace_before_its_graph_is_built(tmp_path):
    path = tmp_path / "net.yaml"
    units = 60
    path.write_text(json.dumps({"sequence": [[0.1]] * 1000, "target": [1], "loss": "mse", "layers": [
        {"type": "recurrent", "input_weights": [[1]] * units, "recurrent_weights": [[0.01] * units] * units},
        {"activation": "linear", "weights": [[1] * units]}]}))
    result = invoke("trace", path, "--weight", "wh111", expect=2)
    assert "local derivatives: too many to trace path by path" in result.stderr
    assert invoke("grad", path, "--weight", "wh111", expect=0).exit_code == 0


def test_one_sample_is_not_traced_alone_through_batch_norm(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text(NORM)
    result = invoke("trace", path, "--sample", "2", expect=2)
    assert "batch norm couples the samples" in result.stderr


@pytest.mark.slow
def test_latex_sets_batch_norms_square_roots_and_compiles(tmp_path):
    import shutil
    import subprocess

    path = tmp_path / "net.yaml"
    path.write_text(NORM)
    tex = invoke("trace", path, "--weight", "w111", "--max-paths", "4", "--format", "latex", expect=0).stdout
    assert r"\sqrt{var21 + eps}" in tex and "√" not in tex
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    (tmp_path / "d.tex").write_text(tex)
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "d.tex"], cwd=tmp_path,
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]


@pytest.mark.slow
def test_the_students_guide_shows_what_trace_prints():
    """The guide's BPTT and batch-norm blocks are the tool's own output, line for line (… elides)."""
    import shlex
    from pathlib import Path

    guide = (Path(__file__).parent.parent / "docs" / "students.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```console\n\$ (backprop trace --example (?:rnn|batchnorm)[^\n]*)\n(.*?)```", guide, re.S)
    assert len(blocks) == 2
    for command, shown in blocks:
        out = invoke(*shlex.split(command)[1:], "--no-color", expect=0).stdout
        printed = [line.rstrip() for line in out.splitlines()]
        for line in shown.splitlines():
            if line.strip() not in ("...", "") and "     ..." not in line:
                assert line.rstrip() in printed, line
