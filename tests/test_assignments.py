"""Assignments: graded on the instructor's network whatever a submission says, with points; personal
networks the same everywhere, good problems, and answer keys checked against the oracle."""
import csv
import io
import json

import pytest
from conftest import HW3_PERSONAL, SPECS, invoke, oracle_problem
from oracle import batch_loss, finite_difference, forward

from backprop_cli.errors import SpecError
from backprop_cli.grading.assignment import load_assignment

QUESTIONS = """questions:
  - {quantity: a12, points: 1}
  - {quantity: dL/dz21, points: 2}
  - {quantity: dL/dw212, points: 2}
  - {quantity: w212_new, points: 1}
"""
PERSONAL = HW3_PERSONAL + QUESTIONS


@pytest.fixture
def course(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "hw.yaml").write_text('title: "Homework 3"\nspec: net.yaml\n' + QUESTIONS, encoding="utf-8")
    (tmp_path / "hwp.yaml").write_text(PERSONAL, encoding="utf-8")
    (tmp_path / "roster.csv").write_text("id\nalice\nbob\n", encoding="utf-8")  # hwp.yaml's, unless a test writes one
    return tmp_path


def submit(folder, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "answers.yaml").write_text(text, encoding="utf-8")
    return str(folder / "answers.yaml")


def test_points_not_answered_not_graded_and_who(course):
    alice = submit(course / "alice", "student: alice\nspec: net.yaml\nanswers:\n  a12: 0.8022\n  dL/dz21: -0.1625\n"
                                     "  dL/dw212: -0.0652\n  w212_new:\n  loss: 0.1\n")
    bob = submit(course / "bob", "student: carol\nanswers:\n  a12: 1.4\n  dL/dz21: -0.16253\n  dL/dw212: -0.1304\n"
                                 "  w212_new: 0.9304\n")
    out = invoke("check", "--assignment", "hw.yaml", alice, bob, "--format", "json", "--gradebook", "g.csv",
                 expect=1)
    data = json.loads(out.stdout)
    first, second = data["files"]
    assert (first["student"], first["score"], first["max_score"]) == ("alice", 3.0, 6.0)
    assert [r["verdict"] for r in first["results"]] == ["right", "right", "wrong", "not_answered"]
    assert [r["points"] for r in first["results"]] == [1.0, 2.0, 0.0, 0.0]
    assert [r["max_points"] for r in first["results"]] == [1.0, 2.0, 2.0, 1.0]
    assert first["not_graded"] == ["loss"] and "cross paths" in first["results"][2]["diagnosis"]
    assert (second["student"], second["score"]) == ("bob", 5.0) and "carol" in second["notes"][0]
    assert [q["share_right"] for q in data["summary"]] == [0.5, 1.0, 0.5, 0.5]
    rows = list(csv.reader(io.StringIO((course / "g.csv").read_text())))
    assert rows == [["student", "score", "max_score", "status", "a12", "dL/dz21", "dL/dw212", "w212_new"],
                    ["alice", "3.0", "6.0", "graded", "1.0", "2.0", "0.0", "0.0"],
                    ["bob", "5.0", "6.0", "graded", "0.0", "2.0", "2.0", "1.0"]]


def test_a_submission_graded_on_the_assignments_network_not_its_own(course):
    # the student edits their copy of the network and answers for it: the assignment's network decides
    edited = (course / "net.yaml").read_text().replace("[0.5, 0.8, 0.2, 0.4]", "[0.5, 0.5, 0.5, 0.5]")
    (course / "eve").mkdir()
    (course / "eve" / "net.yaml").write_text(edited, encoding="utf-8")
    key = invoke("key", "eve/net.yaml", "--inline", "--quantity", "dL/dw212", expect=0).stdout
    (course / "eve" / "answers.yaml").write_text(key, encoding="utf-8")
    assert invoke("check", "eve/answers.yaml", expect=0)  # right for the edited network ...
    data = json.loads(invoke("check", "--assignment", "hw.yaml", "eve/answers.yaml", "--format", "json").stdout)
    assert data["files"][0]["results"][2]["verdict"] == "wrong"  # ... wrong for the assignment's


def test_invalid_submission_still_in_the_gradebook(course):
    good = submit(course / "alice", "answers:\n  a12: 0.8022\n")
    bad = submit(course / "mallory", "answers: [1, 2\n")
    out = invoke("check", "--assignment", "hw.yaml", good, bad, "--gradebook", "g.csv")
    assert out.exit_code == 2 and "mallory/answers.yaml" in out.stderr
    rows = list(csv.reader(io.StringIO((course / "g.csv").read_text())))
    assert rows[-1][:3] == ["mallory", "0", "6.0"] or rows[-1][:3] == ["mallory", "0.0", "6.0"]


@pytest.mark.slow
def test_personal_networks_are_stable_on_the_grid_and_good_problems(course):
    (course / "roster.csv").write_text("id,name\nalice,A\nbob,B\nchen.li,C\n", encoding="utf-8")
    invoke("assign", "hwp.yaml", "--roster", "roster.csv", "-o", "first", expect=0)
    invoke("assign", "hwp.yaml", "--roster", "roster.csv", "-o", "second", expect=0)
    texts = {s: (course / "first" / s / "net.yaml").read_text() for s in ("alice", "bob", "chen.li")}
    assert texts["alice"] != texts["bob"] != texts["chen.li"]
    for student, text in texts.items():
        assert text == (course / "second" / student / "net.yaml").read_text()
        layers, inputs, targets, loss, _, rate = oracle_problem(course / "first" / student / "net.yaml")
        for layer in layers:
            values = [w for row in layer["weights"] for w in row] + layer["biases"]
            assert all(round(v, 1) == v for v in values)
            assert all(-1 <= w <= 1 for row in layer["weights"] for w in row)
            assert all(-0.5 <= b <= 0.5 for b in layer["biases"])
        assert all(v in (0, 1, 2, 3, 4, 5) for v in inputs[0])
        zs, _ = forward(layers, inputs[0])
        assert all(abs(z) <= 4 for z in zs[0])  # the sigmoid layer is not saturated
        blank = (course / "first" / student / "answers.yaml").read_text()
        assert f'student: "{student}"' in blank and "spec: net.yaml" in blank and "  dL/dw212:\n" in blank


@pytest.mark.slow
def test_a_students_key_matches_the_oracle_and_cannot_be_copied(course):
    (course / "roster.csv").write_text("alice\nbob\n", encoding="utf-8")
    invoke("assign", "hwp.yaml", "--roster", "roster.csv", "-o", "out", expect=0)
    key = invoke("key", "--assignment", "hwp.yaml", "--student", "alice", "--decimals", "6", expect=0).stdout
    answers = dict(line.strip().split(": ") for line in key.split("answers:\n")[1].splitlines())
    layers, inputs, targets, loss, reduction, rate = oracle_problem(course / "out" / "alice" / "net.yaml")
    zs, acts = forward(layers, inputs[0])
    fd = finite_difference(layers, inputs, targets, loss, reduction)
    assert float(answers["a12"]) == pytest.approx(acts[1][1], abs=5e-7)
    assert float(answers["dL/dw212"]) == pytest.approx(fd[("w", 2, 1, 2)], abs=2e-6)
    assert float(answers["w212_new"]) == pytest.approx(layers[1]["weights"][0][1] - rate * fd[("w", 2, 1, 2)],
                                                       abs=2e-6)
    eps = 1e-6  # dL/dz21 by nudging the output's pre-activation through its bias
    layers[1]["biases"][0] += eps
    up = batch_loss(layers, inputs, targets, loss)
    layers[1]["biases"][0] -= 2 * eps
    assert float(answers["dL/dz21"]) == pytest.approx((up - batch_loss(layers, inputs, targets, loss)) / (2 * eps),
                                                      abs=2e-6)
    for student in ("alice", "bob"):  # alice's answers, handed in by both
        (course / "out" / student / "answers.yaml").write_text(key, encoding="utf-8")
    data = json.loads(invoke("check", "--assignment", "hwp.yaml", "out/alice/answers.yaml", "out/bob/answers.yaml",
                             "--format", "json").stdout)
    alice, bob = data["files"]
    assert alice["score"] == 6.0 and not any(r["verdict"] == "right" for r in bob["results"])
    # at most a step that is consistent on the copied numbers alone is carried forward (half of it)
    assert bob["score"] <= 1.0 and all(r["verdict"] in ("wrong", "carried_forward") for r in bob["results"])


def test_personal_grading_needs_to_know_the_student(course):
    path = course / "answers.yaml"
    path.write_text("answers:\n  a12: 0.5\n", encoding="utf-8")
    out = invoke("check", "--assignment", "hwp.yaml", "answers.yaml", "--student", "alice", "--format", "json")
    assert json.loads(out.stdout)["files"][0]["student"] == "alice"


@pytest.mark.parametrize("roster, message", [
    ("id\n../etc\n", "is not a student id"),
    ("id\nalice\nalice\n", "listed twice"),
    ("id\n", "lists no students"),
    ("id\n=cmd|' /C calc'!A0\n", "is not a student id"),
])
def test_bad_rosters_are_refused(course, roster, message):
    (course / "roster.csv").write_text(roster, encoding="utf-8")
    out = invoke("assign", "hwp.yaml", "--roster", "roster.csv", "-o", "out", expect=2)
    assert message in out.stderr and not (course / "out").exists()


@pytest.mark.parametrize("text, message", [
    ("spec: net.yaml\nquestions: []\n", "`questions:` must list what is asked"),
    ("spec: net.yaml\nquestions:\n  - {quantity: w999, points: 1}\n", "w999"),
    ("spec: net.yaml\nquestions:\n  - {quantity: a12, points: -1}\n", "points must be a number from 0 to 1,000,000"),
    ("spec: net.yaml\nquestions:\n  - {quantity: a12}\n  - {quantity: a12}\n", "asked twice"),
    ("spec: net.yaml\npersonal: {}\nquestions:\n  - {quantity: a12}\n", "exactly one of"),
    ("personal: {spec: net.yaml, seed: s, weights: {from: 1, to: 0, decimals: 1}}\nquestions:\n  - {quantity: a12}\n",
     "from ≤ to"),
    ("spec: net.yaml\ncarried_forward: some\nquestions:\n  - {quantity: a12}\n", "unknown carried_forward"),
])
def test_assignment_files_are_checked_with_locations(course, text, message):
    (course / "bad.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        load_assignment(str(course / "bad.yaml"))
    assert any(message in p.message for p in caught.value.problems), caught.value.problems
    assert invoke("check", "--assignment", "bad.yaml", "answers.yaml").exit_code == 2


def test_personal_numbers_come_from_shake256_not_pythons_hash(course):
    import hashlib

    assignment = load_assignment(str(course / "hwp.yaml"))
    spec, _ = assignment.network_for("alice")
    # every number of alice's network, drawn here from SHAKE-256 of (seed, id, attempt) in the
    # documented order (the inputs, then per layer its weights row by row and its biases) on the
    # documented grids; the attempt kept is one of the first 1,000, and all of its numbers agree
    layers = spec.network.layers
    count = spec.inputs.size + sum(layer.weights.size + layer.weights.shape[0] for layer in layers)
    written = [*spec.inputs.ravel()]
    for layer in layers:
        written += [*layer.weights.ravel(), *layer.biases]
    grids = [(0, 1, 6)] * spec.inputs.size  # (low, step, values): input from 0 to 5, decimals 0
    for layer in layers:
        grids += [(-1, 0.1, 21)] * layer.weights.size + [(-0.5, 0.1, 11)] * layer.weights.shape[0]
    for attempt in range(1000):
        stream = hashlib.shake_256("\x1f".join(("hw3-2026", "alice", str(attempt))).encode()).digest(8 * count)
        drawn = [round(low + step * (int.from_bytes(stream[8 * i:8 * i + 8], "big") % values), 1)
                 for i, (low, step, values) in enumerate(grids)]
        if drawn == pytest.approx(written, abs=1e-12):
            break
    else:
        raise AssertionError("alice's numbers are not those SHAKE-256 gives for any of the first 1,000 attempts")
    assert written != pytest.approx([0.0] * count)  # a real draw, not a default


# -- deployment: a workflow for a repository per student (Gradescope: tests/api/test_gradescope.py) --
DOCS = SPECS.parent / "docs"


def test_the_workflow_for_a_repository_per_student_runs_the_grader():
    import yaml

    workflow = yaml.safe_load((DOCS / "github-actions" / "grade.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["grade"]["steps"]
    command = " ".join(step.get("run", "") for step in steps)
    assert "backprop check --assignment instructor/hw3.yaml answers.yaml" in command
    assert "--student" not in command  # the checkout's folder, hw3-alice, names the student
    assert any("secrets.ASSIGNMENT_TOKEN" in str(step) for step in steps)  # the assignment stays private


def test_the_workflows_checkout_is_graded_for_the_student_its_repository_names(course, tmp_path):
    (course / "roster.csv").write_text("id\nalice\n", encoding="utf-8")
    (course / "hwc.yaml").write_text(PERSONAL.replace("roster: roster.csv", "roster: roster.csv\n"
                                                      "repository_prefix: hw3-"), encoding="utf-8")
    key = invoke("key", "--assignment", "hwc.yaml", "--student", "alice", expect=0).stdout
    workspace = tmp_path / "hw3-alice"  # where actions/checkout puts the repository hw3-alice
    workspace.mkdir()
    (workspace / "answers.yaml").write_text(key, encoding="utf-8")
    data = json.loads(invoke("check", "--assignment", "hwc.yaml", workspace / "answers.yaml", "--format", "json",
                             expect=0).stdout)
    assert data["files"][0]["student"] == "alice" and data["files"][0]["score"] == 6.0


def test_the_job_summary_and_annotations_on_github_actions(course, tmp_path):
    alice = submit(course / "alice", "answers:\n  a12: 1.4\n  dL/dz21: -0.1625\n")
    summary = tmp_path / "summary.md"
    out = invoke("check", "--assignment", "hw.yaml", alice, "--junit", "j.xml",
                 env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert out.exit_code == 1
    assert any(line.startswith("::error file=") and "a12" in line for line in out.stderr.splitlines())
    text = summary.read_text(encoding="utf-8")
    assert "| alice | 2/6 |" in text and "| a12 | 0% |" in text
    junit = (course / "j.xml").read_text(encoding="utf-8")
    assert junit.count("<testcase") == 4 and junit.count("<failure") == 3


def test_invented_unasked_values_buy_no_carried_credit(course):
    (course / "hw2.yaml").write_text('spec: net.yaml\nquestions:\n  - {quantity: dL/dw212, points: 2}\n',
                                     encoding="utf-8")
    path = submit(course / "mallory", "answers:\n  a12: 0.9\n  dL/dz21: -0.2\n  dL/dw212: -0.1800\n")
    data = json.loads(invoke("check", "--assignment", "hw2.yaml", path, "--format", "json").stdout)
    result = data["files"][0]["results"][0]
    assert result["verdict"] == "wrong" and data["files"][0]["score"] == 0.0
    assert set(data["files"][0]["not_graded"]) == {"a12", "dL/dz21"}


def test_a_link_to_another_students_file_is_graded_as_its_own_folder(course):
    import os

    alice = submit(course / "sub" / "alice", "answers:\n  a12: 0.8022\n")
    (course / "sub" / "zed").mkdir()
    os.symlink(alice, course / "sub" / "zed" / "answers.yaml")
    data = json.loads(invoke("check", "--assignment", "hw.yaml", "sub/alice/answers.yaml", "sub/zed/answers.yaml",
                             "--format", "json", "--gradebook", "g.csv").stdout)
    # zed's file leads out of zed's folder: refused, never graded as alice's
    assert [f["student"] for f in data["files"]] == ["alice"] and "zed" in data["invalid"][0]["path"]
    rows = list(csv.reader(io.StringIO((course / "g.csv").read_text())))
    assert [r[0] for r in rows[1:]] == ["alice", "zed"]
    twice = json.loads(invoke("check", "--assignment", "hw.yaml", "sub/alice/answers.yaml",
                              "sub/alice/answers.yaml", "--format", "json").stdout)
    assert len(twice["files"]) == 1 and "graded already" in twice["invalid"][0]["problems"][0]


def test_gradescope_results_even_for_a_folder_and_no_crash_on_a_bad_summary_path(course):
    (course / "dir" / "answers.yaml").mkdir(parents=True)
    out = invoke("check", "--assignment", "hw.yaml", "dir/answers.yaml", "--student", "x", "--gradescope", "r.json")
    assert out.exit_code == 2 and json.loads((course / "r.json").read_text())["score"] == 0.0
    good = submit(course / "alice", "answers:\n  a12: 0.8022\n")
    out = invoke("check", "--assignment", "hw.yaml", good,
                 env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": "/nonexistent/x.md"})
    assert out.exit_code in (0, 1) and "cannot write the job summary" in out.stderr


def test_a_handed_out_answers_file_passes_plain_check_too(course):
    key = invoke("key", "--assignment", "hw.yaml", "--student", "alice", expect=0).stdout
    (course / "key.yaml").write_text(key, encoding="utf-8")
    assert invoke("check", "key.yaml").exit_code == 0  # `student:` is a key of answers files


@pytest.mark.slow
def test_a_class_drawn_on_every_core_gets_the_numbers_each_student_was_handed(course):
    from backprop_cli.grading.personal import PARALLEL_FROM

    students = [f"s{i:03d}" for i in range(PARALLEL_FROM + 5)]
    (course / "roster.csv").write_text("id\n" + "\n".join(students) + "\n", encoding="utf-8")
    invoke("assign", "hwp.yaml", "--roster", "roster.csv", "-o", "class", expect=0)
    assignment = load_assignment(str(course / "hwp.yaml"))
    for student in students:  # each answers with the key of the network in their own handout
        layers, inputs, targets, loss, reduction, rate = oracle_problem(course / "class" / student / "net.yaml")
        spec, _ = assignment.network_for(student)
        assert spec.inputs.tolist() == inputs and spec.layers[0].weights.tolist() == layers[0]["weights"]
        key = invoke("key", "--assignment", "hwp.yaml", "--student", student, expect=0).stdout
        (course / "class" / student / "answers.yaml").write_text(key, encoding="utf-8")
    data = json.loads(invoke("check", "--assignment", "hwp.yaml", *[f"class/{s}/answers.yaml" for s in students],
                             "--format", "json").stdout)
    assert [f["score"] for f in data["files"]] == [6.0] * len(students)


@pytest.mark.slow
@pytest.mark.parametrize("precision, short", [("{decimals: 5}", "{:.4f}"), ("{significant: 4}", "{:.3g}")])
def test_the_precision_asked_is_on_the_handout_in_the_key_and_graded(course, precision, short):
    (course / "roster.csv").write_text("alice\n", encoding="utf-8")
    (course / "hwq.yaml").write_text(PERSONAL.replace("questions:", f"precision: {precision}\nquestions:"),
                                     encoding="utf-8")
    invoke("assign", "hwq.yaml", "--roster", "roster.csv", "-o", "out", expect=0)
    assert f"precision: {precision}" in (course / "out" / "alice" / "answers.yaml").read_text(encoding="utf-8")
    key = invoke("key", "--assignment", "hwq.yaml", "--student", "alice", "--decimals", "2", expect=0).stdout
    answers = dict(line.split("#")[0].strip().split(": ") for line in key.split("answers:\n")[1].splitlines())
    unit, count = precision.strip("{}").split(": ")
    for written in answers.values():  # the key writes at least what is asked, whatever --decimals says
        mantissa = written.lstrip("-")
        if unit == "decimals":
            assert len(mantissa.split(".")[1]) >= int(count)
        else:
            assert len(mantissa.replace(".", "").lstrip("0")) >= int(count)
    (course / "out" / "alice" / "answers.yaml").write_text(key, encoding="utf-8")
    data = json.loads(invoke("check", "--assignment", "hwq.yaml", "out/alice/answers.yaml", "--format", "json",
                             expect=0).stdout)
    assert all(r["verdict"] == "right" for r in data["files"][0]["results"])  # its own key passes
    fewer = "student: alice\nanswers:\n" + "".join(f"  {q}: {short.format(float(v))}\n" for q, v in answers.items())
    (course / "out" / "alice" / "answers.yaml").write_text(fewer, encoding="utf-8")
    data = json.loads(invoke("check", "--assignment", "hwq.yaml", "out/alice/answers.yaml", "--format", "json",
                             expect=1).stdout)
    verdicts = {r["quantity"]: r["verdict"] for r in data["files"][0]["results"]}
    assert "imprecise" in verdicts.values() and "wrong" not in verdicts.values()
