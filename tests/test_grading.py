"""check and key: tolerances, each diagnosis where it is unambiguous, reports, exit codes."""
import json
from xml.etree import ElementTree as ET

import pytest
from conftest import EXAMPLES, SPECS, invoke
from oracle import finite_difference, forward

from backprop_cli.grading.answers import Tolerance, decimals_written


@pytest.fixture
def class_dir(tmp_path):
    for name in ("padhai-4-4-2", "chain-3-layer", "batch-average"):
        (tmp_path / f"{name}.yaml").write_text((SPECS / f"{name}.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def answers(directory, spec, lines, name="answers.yaml", extra=""):
    path = directory / name
    path.write_text(f"spec: {spec}.yaml\n{extra}answers:\n" + "".join(f"  {q}: {v}\n" for q, v in lines),
                    encoding="utf-8")
    return path


def check_json(*paths, env=None):
    result = invoke("check", *paths, "--format", "json", env=env)
    return result, json.loads(result.stdout) if result.stdout.strip() else None


@pytest.mark.parametrize("text, decimals", [("0.130", 3), ("-1.3e-2", 3), ("5", 0), ("1e3", 0), (".25", 2)])
def test_decimals_written(text, decimals):
    assert decimals_written(text) == decimals


@pytest.mark.parametrize("given, decimals, ok", [
    (-0.130, 3, True),     # within half a unit of the 3rd decimal
    (-0.1304, 4, True),
    (-0.1316, 4, False),   # 0.0012 off: the old 1% widening let this through
    (-0.13, 2, True), (-0.14, 2, False), (-0.1, 1, True), (-0.2, 1, False),
])
def test_a_value_is_matched_to_the_precision_written(given, decimals, ok):
    # the widening that carries rounding is grading's (tests/test_judging.py), never a mistake's match
    assert Tolerance().allows(given, -0.1303767, decimals) is ok


def test_abs_and_rel_tolerances():
    assert Tolerance(absolute=0.005).allows(-0.134, -0.1303767, 3)
    assert not Tolerance(absolute=0.001).allows(-0.134, -0.1303767, 3)
    assert Tolerance(relative=0.05).allows(-0.136, -0.1303767, 3)
    assert not Tolerance(relative=0.01).allows(-0.136, -0.1303767, 3)


def stale_gradient_w121():
    """dL/dw121 backpropagated through layer-2 weights already updated, from the oracle alone:
    δ2 = ∂L/∂b2 and ∂L/∂W2 by finite differences, a1 by the plain-Python forward pass."""
    import yaml

    net = yaml.safe_load((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"))
    layers = [{"activation": l["activation"], "weights": l["weights"],
               "biases": [0.0] * len(l["weights"])} for l in net["layers"]]
    x, y, eta = net["input"], net["target"], net["learning_rate"]
    fd = finite_difference(layers, [x], [y], net["loss"])
    delta2 = [fd[("b", 2, m + 1, None)] for m in range(2)]
    w2_new = [[w - eta * fd[("w", 2, m + 1, k + 1)] for k, w in enumerate(row)]
              for m, row in enumerate(layers[1]["weights"])]
    a12 = forward(layers, x)[1][1][1]  # neuron 2 of layer 1
    return sum(delta2[m] * w2_new[m][1] for m in range(2)) * a12 * (1 - a12) * x[0]


def diagnosis_of(directory, spec, quantity, given, extra=""):
    path = answers(directory, spec, [(quantity, given)], extra=extra)
    result, data = check_json(path)
    assert result.exit_code == 1, result.output
    (outcome,) = data["files"][0]["results"]
    assert outcome["ok"] is False
    return outcome["diagnosis"]


@pytest.mark.parametrize("spec, quantity, given, words", [
    ("padhai-4-4-2", "dL/dw212", "-0.0652", "softmax cross paths are missing"),      # the PadhAI notes' own mistake
    ("chain-3-layer", "dL/dw111", "0.1349", "factor 2 of ∂L/∂ŷ = 2(ŷ − y) was lost"),
    ("chain-3-layer", "dL/dw111", "-0.2697", "sign is flipped"),
    ("padhai-4-4-2", "a12", "1.4", "This is z12, the pre-activation"),
    ("padhai-4-4-2", "z13", "0.8909", "This is a13, the activation"),
    ("batch-average", "dL/dw111", "0.01682", "sum over the batch"),
    ("chain-3-layer", "w111_new", "0.827", "adds η·∂L/∂w"),
    ("chain-3-layer", "w111_new", "0.8000", "value before the update"),
    ("padhai-4-4-2", "dL/dw212", "-0.2275", "pre-activation z12 where the activation a12 belongs"),
])
def test_each_known_mistake_is_named(class_dir, spec, quantity, given, words):
    assert words in diagnosis_of(class_dir, spec, quantity, given)


def test_backprop_through_updated_weights_is_named(class_dir):
    given = f"{stale_gradient_w121():.6f}"
    assert "weights already updated" in diagnosis_of(class_dir, "padhai-4-4-2", "dL/dw121", given)


def test_padhai_notation_in_answers(class_dir):
    path = answers(class_dir, "padhai-4-4-2", [("a12", "1.4"), ("h12", "0.8022")], extra="notation: padhai\n")
    result, data = check_json(path)
    assert result.exit_code == 0 and data["passed"] == 2


def test_an_unknown_mistake_points_at_the_first_wrong_step(class_dir):
    path = answers(class_dir, "padhai-4-4-2", [("dL/dw131", "0.0777"), ("z13", "2.5"), ("a13", "0.95")])
    _, data = check_json(path)
    results = {r["quantity"]: r for r in data["files"][0]["results"]}
    assert results["z13"]["ok"] is False and results["a13"]["ok"] is False
    assert results["dL/dw131"]["diagnosis"] == "Follows from the earlier wrong step z13 (line 4): fix that first."


def test_json_report_lines_and_exit_codes(class_dir):
    lines = [("loss", "0.1055"), ("dL/dw212", "-0.1304"), ("w212_new", "0.930")]
    good = answers(class_dir, "padhai-4-4-2", lines, "good.yaml")
    result, data = check_json(good)
    assert result.exit_code == 0
    assert [r["line"] for r in data["files"][0]["results"]] == [3, 4, 5]
    assert data["passed"] == 3 and data["failed"] == 0
    keys = {"quantity", "given", "expected", "ok", "line", "diagnosis", "verdict"}
    assert set(data["files"][0]["results"][0]) >= keys


def test_a_broken_file_is_reported_and_the_others_still_graded(class_dir):
    good = answers(class_dir, "padhai-4-4-2", [("loss", "0.1055")], "good.yaml")
    wrong = answers(class_dir, "padhai-4-4-2", [("loss", "0.2")], "wrong.yaml")
    broken = answers(class_dir, "nowhere", [("loss", "1")], "broken.yaml")  # names a spec that is not there
    unknown = answers(class_dir, "padhai-4-4-2", [("loss", "0.1055"), ("dL/dw999", "1")], "unknown.yaml")
    result, data = check_json(good, broken, wrong, unknown)
    assert result.exit_code == 2  # 2 wins over 1
    assert [f["path"] for f in data["files"]] == [str(good), str(wrong), str(unknown)]
    assert f"{broken}:1:7: no such spec file" in result.stderr
    assert data["invalid"][0]["path"] == str(broken)
    # one answer, one verdict: the unknown quantity is not graded, the file's other answer is
    assert [(r["quantity"], r["verdict"]) for r in data["files"][2]["results"]] == [("loss", "right"),
                                                                                   ("dL/dw999", "not_graded")]
    assert data["files"][2]["results"][1]["diagnosis"].startswith("the network has no parameter w999")


@pytest.mark.parametrize("body, message", [
    ("spec: nope.yaml\nanswers:\n  loss: 1\n", ":1:7: no such spec file 'nope.yaml'"),
    ("answers:\n  loss: 1\n", ":1:1: give exactly one of `spec:` (a file) and `network:` (inline)"),
    ("spec: padhai-4-4-2.yaml\ntolerance: {abs: -1}\nanswers:\n  loss: 1\n",
     ":2:18: the abs tolerance must be a number ≥ 0"),
    ("spec: padhai-4-4-2.yaml\nanswer:\n  loss: 1\n", ":2:1: unknown key 'answer'"),
    ("network:\n  input: [1]\n  target: [1]\n  loss: mse\n  layers:\n    - activation: sigmod\n      weights: [[1]]\n"
     "answers:\n  loss: 1\n", ":6:19: unknown activation 'sigmod'"),
])
def test_invalid_answers_files_are_located(class_dir, body, message):
    # (an answer that cannot be graded is no invalid file: tests/corpus/verdicts/)
    path = class_dir / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    result = invoke("check", path)
    assert result.exit_code == 2
    assert f"{path}{message}" in result.stderr, result.stderr


def test_junit_and_github_annotations(class_dir, tmp_path):
    path = answers(class_dir, "padhai-4-4-2", [("loss", "0.1055"), ("dL/dw212", "-0.0652"), ("a12", "1.4")])
    report = tmp_path / "report.xml"
    result = invoke("check", path, "--junit", report, "--quiet", env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 1
    root = ET.parse(report).getroot()
    cases = root.findall(".//testcase")
    assert len(cases) == 3 and all(c.get("classname") == str(path) for c in cases)
    assert [c.find("failure") is not None for c in cases] == [False, True, True]
    assert "::error" not in result.stdout  # workflow commands go to standard error
    annotations = [l for l in result.stderr.splitlines() if l.startswith("::error ")]
    expected = [f"error file={path},line=4,col=3", f"error file={path},line=5,col=3"]
    assert [a.split("::")[1] for a in annotations] == expected
    assert "softmax cross paths" in annotations[0]


def test_quiet_prints_one_line_per_file(class_dir):
    path = answers(class_dir, "padhai-4-4-2", [("loss", "0.1055")])
    out = invoke("check", path, "-q").stdout.splitlines()
    assert out == [f"{path}: 1/1 right", "1 file: 1 right, 0 wrong"]


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES)
def test_a_generated_key_round_trips_through_check(example, tmp_path):
    import yaml

    key = invoke("key", "--example", example, "--decimals", "5", expect=0)
    (tmp_path / "key.yaml").write_text(key.stdout, encoding="utf-8")
    result, data = check_json(tmp_path / "key.yaml")
    assert result.exit_code == 0 and data["failed"] == 0
    # the loss, then a gradient and an updated value per parameter, counted from the YAML itself
    layers = yaml.safe_load((SPECS / f"{example}.yaml").read_text(encoding="utf-8"))["layers"]
    def biases(layer):  # one per neuron, one shared ({shared: V}) or none
        value = layer.get("biases", 0)
        return 0 if value == "none" else 1 if isinstance(value, dict) else len(layer["weights"])

    parameters = sum(len(l["weights"]) * len(l["weights"][0]) + biases(l) for l in layers)
    assert data["passed"] == 1 + 2 * parameters


def test_key_with_a_spec_path_and_node_quantities(class_dir, monkeypatch):
    monkeypatch.chdir(class_dir)
    key = invoke("key", "padhai-4-4-2.yaml", "--quantity", "a12", "--quantity", "dL/dz21", "--decimals", "3")
    assert key.stdout.splitlines()[1:] == ['spec: "padhai-4-4-2.yaml"', "answers:", "  a12: 0.802", "  dL/dz21: -0.163"]
    bad = invoke("key", "padhai-4-4-2.yaml", "--quantity", "dL/dw999")
    assert bad.exit_code == 2 and "no parameter w999" in bad.stderr


def test_many_files_share_one_spec_load(class_dir, monkeypatch):
    from backprop_cli.grading import answers as answers_module

    loads = []
    original = answers_module.load_spec
    monkeypatch.setattr(answers_module, "load_spec", lambda *a, **k: loads.append(a) or original(*a, **k))
    paths = [answers(class_dir, "padhai-4-4-2", [("loss", "0.1055")], f"a{i}.yaml") for i in range(20)]
    result, data = check_json(*paths)
    assert result.exit_code == 0 and data["passed"] == 20 and len(loads) == 1


def test_grading_from_python_without_the_cli(class_dir):
    from backprop_cli import SpecError
    from backprop_cli.grading.grades import Grader

    good = answers(class_dir, "padhai-4-4-2", [("dL/dw212", "-0.0652"), ("loss", "0.1055")], "good.yaml")
    broken = answers(class_dir, "nowhere", [("loss", "1")], "broken.yaml")
    grader = Grader()
    report = grader.grade_file(str(good))
    assert (report.passed, report.failed) == (1, 1)
    wrong = report.outcomes[0]
    assert wrong.expected == pytest.approx(-0.1303767, abs=5e-8) and "cross paths" in wrong.diagnosis
    with pytest.raises(SpecError, match="no such spec file"):
        grader.grade_file(str(broken))
    reports, invalid = grader.grade_files([str(broken), str(good)])
    assert [r.path for r in reports] == [str(good)] and [p for p, _ in invalid] == [str(broken)]


def test_a_fifo_or_device_is_refused_without_blocking(class_dir):
    import os

    os.mkfifo(class_dir / "pipe.yaml")
    named = answers(class_dir, "pipe", [("loss", "0.1055")], "named.yaml")
    device = class_dir / "device.yaml"
    device.write_text("network:\n  input: [1]\n  target: [1]\n  loss: mse\n  layers:\n    - activation: linear\n"
                      "      weights: {file: zero.csv}\nanswers:\n  loss: 1\n", encoding="utf-8")
    os.symlink("/dev/zero", class_dir / "zero.csv")  # inside the folder by name, a device in truth
    result, data = check_json(named, class_dir / "pipe.yaml", device)
    assert result.exit_code == 2
    assert "not a regular file" in result.stderr and result.stderr.count("not a regular file") == 2
    assert "outside the folder" in result.stderr  # /dev/zero resolves outside the class folder
    assert [i["path"] for i in data["invalid"]] == [str(named), str(class_dir / "pipe.yaml"), str(device)]


def test_one_hostile_file_never_stops_the_class_and_every_report_lists_it(class_dir, tmp_path):
    good = answers(class_dir, "padhai-4-4-2", [("loss", "0.1055")], "good.yaml")
    hostile = class_dir / "hostile.yaml"
    hostile.write_text("spec: padhai-4-4-2.yaml\nanswers:\n  loss: " + "[" * 50_000 + "\n", encoding="utf-8")
    junit = tmp_path / "report.xml"
    result = invoke("check", hostile, good, "--junit", junit, "--format", "json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["passed"] == 1 and [i["path"] for i in data["invalid"]] == [str(hostile)]
    assert "nested or indented too deeply" in result.stderr
    suites = {s.get("name"): s for s in ET.parse(junit).getroot()}
    assert suites[str(hostile)].get("errors") == "1" and suites[str(good)].get("failures") == "0"


def test_student_text_can_never_become_a_workflow_command(tmp_path, padhai_text):
    folder = tmp_path / "##[stop-commands]x"
    folder.mkdir()
    named = padhai_text.replace("name: PadhAI 4-4-2", 'name: "x\\n::error::pwned ##[set-output]"')
    (folder / "net.yaml").write_text(named, encoding="utf-8")
    long_path = folder / ("::warning::" + "a" * 150 + ".yaml")
    body = "spec: net.yaml\nanswers:\n  loss: 0.2000\n  '::error::x\\n::debug::y': 1\n  a12: [1]\n"
    long_path.write_text(body.replace("  '::error::x\\n::debug::y': 1\n", ""), encoding="utf-8")
    (folder / "answers.yaml").write_text(body, encoding="utf-8")
    for fmt in ("text", "json"):
        result = invoke("check", long_path, folder / "answers.yaml", "--format", fmt, env={"GITHUB_ACTIONS": "true"})
        assert result.exit_code == 1  # every file read; the hostile quantity is not graded, a12 unreadable
        ours = [line for line in result.stderr.splitlines() if line.startswith("::error file=")]
        assert len(ours) == 4  # each file's wrong loss and unreadable a12, annotated by us
        for line in (result.stdout + result.stderr).splitlines():
            assert not line.lstrip().startswith("::") or line in ours, line
            assert "##[" not in line, line
        assert all("%0A" not in line.split("::")[1] for line in ours)  # no raw line break in a file property
    trace = invoke("trace", folder / "net.yaml", "-w", "w212", env={"GITHUB_ACTIONS": "true"}).stdout
    assert not any(line.lstrip().startswith("::") or "##[" in line for line in trace.splitlines())


def test_a_full_disk_leaves_no_partial_report(class_dir, monkeypatch):
    import errno
    import os

    path = answers(class_dir, "padhai-4-4-2", [("loss", "0.1055")])
    out = class_dir / "reports"
    out.mkdir()

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", no_space)
    result = invoke("check", path, "--junit", out / "report.xml")
    assert result.exit_code == 2 and "cannot write" in result.stderr and "No space left" in result.stderr
    assert list(out.iterdir()) == []  # neither the report nor a temporary file


def test_what_an_attackers_review_found_stays_fixed(class_dir, tmp_path):
    import os

    import numpy as np

    good = answers(class_dir, "padhai-4-4-2", [("loss", "0.1055")], "good.yaml")
    loop = class_dir / "loop"
    loop.mkdir()
    os.symlink("loop.yaml", loop / "loop.yaml")  # a link to itself
    (loop / "answers.yaml").write_text("spec: loop.yaml\nanswers:\n  loss: 1\n", encoding="utf-8")
    header = class_dir / "header"
    header.mkdir()
    raw = "{'descr': '<f8', 'fortran_order': False, 'shape': (True, 4), }"
    raw += " " * (118 - len(raw)) + "\n"
    (header / "w.npy").write_bytes(b"\x93NUMPY\x01\x00" + bytes([len(raw), 0]) + raw.encode() + np.zeros(4).tobytes())
    (header / "answers.yaml").write_text("network:\n  input: [1, 2, 3, 4]\n  target: [1]\n  loss: mse\n"
                                         "  layers:\n    - activation: linear\n      weights: {file: w.npy}\n"
                                         "answers:\n  loss: 1\n")
    overflow = class_dir / "overflow"
    overflow.mkdir()
    (overflow / "answers.yaml").write_text("network: {input: [1e-308], target: [0], loss: mse, layers: "
                                           "[{activation: linear, weights: [[1.5e308]]}]}\nanswers:\n  dL/dx1: 1\n")
    odd = class_dir / os.fsdecode(b"bad\xff\x01")
    odd.mkdir()
    (odd / "answers.yaml").write_text("spec: nope.yaml\nanswers:\n  loss: 1\n")
    junit = tmp_path / "report.xml"
    result, data = check_json(good, loop / "answers.yaml", header / "answers.yaml", overflow / "answers.yaml",
                              odd / "answers.yaml", env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 2 and "Internal error" not in result.stderr
    assert data["passed"] == 1 and len(data["invalid"]) == 4
    assert "a loop of links" in result.stderr and "header's shape" in result.stderr
    assert "inputs is not finite" in result.stderr
    report = invoke("check", good, odd / "answers.yaml", "--junit", junit)
    assert report.exit_code == 2
    assert len(ET.parse(junit).getroot()) == 2  # still well-formed XML, both files listed


@pytest.mark.slow
def test_a_samples_own_gradient_and_loss_in_a_batch_against_the_oracle(tmp_path, monkeypatch):
    """`dL/dw211[s]` and `loss[s]`: sample s's own gradient and loss, before any averaging (as the
    contract's section 10 names them); their key checks right, and the batch's value in their place
    is wrong (it was once taken for right: the sample's index was ignored)."""
    import shutil

    from conftest import oracle_problem
    from oracle import sample_loss

    shutil.copy(SPECS / "batch-average.yaml", tmp_path / "net.yaml")
    layers, inputs, targets, loss, reduction, _ = oracle_problem(tmp_path / "net.yaml")
    asked = ["dL/dw211[1]", "dL/dw111[2]", "dL/db11[3]", "loss[1]", "loss[3]", "dL/dw211", "loss"]
    monkeypatch.chdir(tmp_path)
    key = invoke("key", "net.yaml", *[a for q in asked for a in ("--quantity", q)], "--decimals", "6", expect=0).stdout
    values = dict(line.strip().split(": ") for line in key.split("answers:\n")[1].splitlines())
    assert set(values) == set(asked)
    oracle = {"dL/dw211": ("w", 2, 1, 1), "dL/dw111": ("w", 1, 1, 1), "dL/db11": ("b", 1, 1, None)}
    for quantity in asked:
        if "[" not in quantity:
            continue
        name, s = quantity[:-3], int(quantity[-2])
        if name == "loss":
            yhat = forward(layers, inputs[s - 1])[1][-1]
            assert float(values[quantity]) == pytest.approx(sample_loss(loss, yhat, targets[s - 1]), abs=5e-7)
        else:
            own = finite_difference(layers, inputs[s - 1:s], targets[s - 1:s], loss, reduction)
            assert float(values[quantity]) == pytest.approx(own[oracle[name]], abs=2e-6)
    (tmp_path / "key.yaml").write_text(key, encoding="utf-8")
    assert invoke("check", tmp_path / "key.yaml", expect=0)
    # the batch's values in the samples' places (alone: a copy of another answer would be imprecise)
    (tmp_path / "swapped.yaml").write_text(f"spec: net.yaml\nanswers:\n  dL/dw211[1]: {values['dL/dw211']}\n"
                                           f"  loss[1]: {values['loss']}\n  dL/dw111[2]: {values['dL/dw111[2]']}\n")
    data = json.loads(invoke("check", tmp_path / "swapped.yaml", "--format", "json", expect=1).stdout)
    wrong = {r["quantity"] for r in data["files"][0]["results"] if not r["ok"]}
    assert wrong == {"dL/dw211[1]", "loss[1]"}
    (tmp_path / "odd.yaml").write_text("spec: net.yaml\nanswers:\n  w211[1]: 0.5\n  w211_new[2]: 0.5\n")
    refused = json.loads(invoke("check", tmp_path / "odd.yaml", "--format", "json").stdout)["files"][0]["results"]
    assert all(r["verdict"] == "not_graded" and "one value for the whole batch" in r["diagnosis"] for r in refused)
