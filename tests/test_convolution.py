"""Convolution and pooling through every command (issue 23, contract section 9): grad, trace
(text and JSON), gradcheck, step, train, draw and explore agree with one another and with the
engine; key and check grade it (grading.layers), the key's values the engine's."""

import json
import re
import shutil
import subprocess

import pytest
from conftest import CONTRACT_CNN, MAP_EXAMPLES, SPECS, invoke

from backprop_cli import load_spec

SPEC = "name: tiny CNN\n" + CONTRACT_CNN.replace("layers:", "learning_rate: 0.5\nlayers:", 1)


@pytest.fixture
def spec_file(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text(SPEC)
    return path


@pytest.mark.slow
def test_trace_json_sums_every_position_of_a_shared_weight(spec_file):
    data = json.loads(invoke("trace", spec_file, "--format", "json", "--max-paths", "100", expect=0).stdout)
    result = load_spec(spec_file).compute()
    for p in data["parameters"]:
        assert sum(path["product"] for path in p["paths"]) == pytest.approx(p["gradient"], abs=1e-12)
        assert p["gradient"] == result.gradient(p["name"])
        if p["name"].startswith("w1_") or p["name"].startswith("b1_"):
            assert len(p["positions"]) == 9 and sum(q["path_count"] for q in p["positions"]) == p["path_count"]
            assert sum(q["sum"] for q in p["positions"]) == pytest.approx(p["gradient"], abs=1e-12)
    assert "z1_2_2_2" in data["forward"] and "a2_1_1_1" in data["forward"] and "z2_1_1_1" not in data["forward"]


@pytest.mark.slow
def test_trace_text_prints_each_factor_as_a_course_writes_it(spec_file):
    out = invoke("trace", spec_file, "--weight", "w1_2_1_1_2", "--max-paths", "16", expect=0).stdout
    assert "∂z1_2_2_2/∂w1_2_1_1_2 = x_2_3" in out  # the input pixel under the kernel
    assert "= w322" in out
    assert "= 1 (the window's maximum)" in out and "0 (not the window's maximum) = 0" in out
    assert "by position: w1_2_1_1_2 is used at 9" in out and "z1_2_2_2 ← x_2_3: 4 paths, sum 0.416542" in out
    node = invoke("trace", spec_file, "--node", "x_2_3", expect=0).stdout
    assert "∂L/∂x_2_3   16 paths" in node and re.search(r"∂z1_2_2_2/∂x_2_3 +=  ?w1_2_1_1_2 ", node)


@pytest.mark.slow
def test_average_pooling_factor_is_one_over_size_squared(spec_file):
    spec_file.write_text(SPEC.replace("maxpool2d", "avgpool2d"))
    out = invoke("trace", spec_file, "--weight", "w1_2_1_1_2", "--max-paths", "1", expect=0).stdout
    assert "= 1/2²" in out


def test_step_is_w_minus_rate_times_gradient_and_two_steps_are_two_epochs(spec_file, tmp_path):
    result = load_spec(spec_file).compute()
    invoke("step", spec_file, "-o", tmp_path / "one.yaml", expect=0)
    after = load_spec(tmp_path / "one.yaml").compute()
    for name, value, gradient, _ in result.parameters():
        assert after.value(name) == value - 0.5 * gradient
    invoke("step", tmp_path / "one.yaml", "-o", tmp_path / "two.yaml", expect=0)
    invoke("train", spec_file, "--epochs", "2", "-o", tmp_path / "trained.yaml", expect=0)
    assert (tmp_path / "two.yaml").read_text() == (tmp_path / "trained.yaml").read_text()


def test_gradcheck_and_grad_by_any_spelling(spec_file):
    assert invoke("gradcheck", spec_file, expect=0).exit_code == 0
    data = json.loads(invoke("grad", spec_file, "--weight", "w12_1_1_2".replace("12_", "1_2_"), "--weight", "w3_1_2",
                             "--inputs", "--format", "json", expect=0).stdout)
    assert [p["name"] for p in data["parameters"]] == ["w1_2_1_1_2", "w312"]
    assert len(data["inputs"]) == 16 and data["inputs"][0]["name"] == "x_1_1"


@pytest.mark.slow
def test_key_writes_the_engines_values_and_check_grades_them(spec_file, tmp_path):
    result = load_spec(spec_file).compute()
    key = invoke("key", spec_file, "--quantity", "loss", "--quantity", "dL/dw1_1_1_2_2", "--decimals", "6",
                 expect=0).stdout
    assert f"loss: {result.loss:.6f}" in key and f"dL/dw1_1_1_2_2: {result.gradient('w1_1_1_2_2'):.6f}" in key
    (tmp_path / "answers.yaml").write_text(f"spec: net.yaml\nanswers:\n  loss: {result.loss + 0.5:.4f}\n")
    data = json.loads(invoke("check", tmp_path / "answers.yaml", "--format", "json", expect=1).stdout)
    assert data["files"][0]["results"][0]["verdict"] == "wrong"


@pytest.mark.slow
@pytest.mark.parametrize("example", MAP_EXAMPLES)
def test_the_bundled_examples_run_through_their_commands(example, tmp_path):
    for command in (["grad"], ["trace", "--max-paths", "3"], ["gradcheck"], ["trace", "--format", "json"],
                    ["step", "-o", tmp_path / "after.yaml"], ["train", "--epochs", "3", "-o", tmp_path / "t.yaml"]):
        invoke(command[0], "--example", example, *command[1:], expect=0)
    assert load_spec(tmp_path / "after.yaml").compute().loss < load_spec(SPECS / f"{example}.yaml").compute().loss


@pytest.mark.slow
def test_draw_shows_the_maps_as_grids_with_a_weights_receptive_field_lit(spec_file, tmp_path):
    out = invoke("draw", spec_file, "--weight", "w1_2_1_1_2", "-o", tmp_path / "net.svg", expect=0).stdout
    assert "38 neurons (9 edges on the paths to w1_2_1_1_2)" in out  # 16 + 18 + 2 + 2 cells; 9 positions
    svg = (tmp_path / "net.svg").read_text()
    lit = sorted(re.findall(r'id="lit-([^"]+)"', svg))
    # the pixels under the kernel's (1, 2) offset at every position, and channel 2's map it feeds
    assert lit == sorted([f"x_{r}_{c}" for r in (1, 2, 3) for c in (2, 3, 4)]
                         + [f"a1_2_{r}_{c}" for r in (1, 2, 3) for c in (1, 2, 3)])
    assert 'id="cell-yhat2"' in svg and 'id="cell-a2_1_1_1"' in svg


@pytest.mark.slow
@pytest.mark.parametrize("pool", ["maxpool2d", "avgpool2d"])
def test_latex_sets_the_pooling_factors_in_words_and_compiles(spec_file, tmp_path, pool):
    spec_file.write_text(SPEC.replace("maxpool2d", pool))
    tex = invoke("trace", spec_file, "--weight", "w1_2_1_1_2", "--format", "latex", expect=0).stdout
    assert ("1\\text{ (the window's maximum)}" if pool == "maxpool2d" else "&= 1/2^2 = 0.25") in tex
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    (tmp_path / "t.tex").write_text(tex)
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"], cwd=tmp_path,
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]


def test_train_log_heads_its_columns_with_section_9s_names(spec_file, tmp_path):
    invoke("train", spec_file, "--epochs", "2", "--log", tmp_path / "log.csv", expect=0)
    header, first, _ = (tmp_path / "log.csv").read_text().splitlines()
    result = load_spec(spec_file).compute()
    names = [name for name, *_ in result.parameters()]
    assert header.split(",") == ["learning_rate", "epoch", "loss"] + names + [f"dL/d{n}" for n in names]
    values = [float(v) for v in first.split(",")]
    assert values[3:3 + len(names)] == [v for _, v, _, _ in result.parameters()]
    assert values[3 + len(names):] == [g for _, _, g, _ in result.parameters()]


@pytest.mark.slow
def test_padhai_notation_names_a_maps_pre_activation_a_and_its_activation_h(spec_file):
    out = invoke("trace", spec_file, "--notation", "padhai", "--node", "h1_2_2_2", "--node", "a1_2_2_2",
                 "--max-paths", "1", expect=0).stdout
    assert "∂L/∂h1_2_2_2   4 paths" in out and "∂L/∂a1_2_2_2   4 paths" in out
    assert "∂h1_2_2_2/∂a1_2_2_2" in invoke("trace", spec_file, "--notation", "padhai", "--weight", "w1_2_1_1_2",
                                            expect=0).stdout


@pytest.mark.slow
def test_every_row_of_the_train_log_is_the_state_step_reaches(spec_file, tmp_path):
    """Training over maps is its own plain-descent pass: its log rows are what `step` after `step` gives."""
    invoke("train", spec_file, "--epochs", "3", "--log", tmp_path / "log.csv", expect=0)
    rows = [[float(v) for v in line.split(",")] for line in (tmp_path / "log.csv").read_text().splitlines()[1:]]
    current = spec_file
    for epoch, row in enumerate(rows, start=1):
        result = load_spec(current).compute()
        assert row[1:3] == [epoch, result.loss]
        assert row[3:] == [v for _, v, _, _ in result.parameters()] + [g for _, _, g, _ in result.parameters()]
        invoke("step", current, "-o", tmp_path / f"step{epoch}.yaml", expect=0)
        current = tmp_path / f"step{epoch}.yaml"


@pytest.mark.slow
def test_grad_and_trace_print_no_optimiser_or_l2_over_maps(spec_file):
    grad = invoke("grad", spec_file, expect=0).stdout
    assert "L2 term" not in grad and "sgd" not in grad
    data = json.loads(invoke("grad", spec_file, "--format", "json", expect=0).stdout)
    assert "optimizer" not in data and "l2" not in data
    trace = invoke("trace", spec_file, "--weight", "w1_2_1_1_2", "--max-paths", "1", expect=0).stdout
    assert "update  w1_2_1_1_2 ← w1_2_1_1_2 − η·∂L/∂w1_2_1_1_2 = " in trace and "L2" not in trace
