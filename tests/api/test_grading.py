"""api.grading: check, check_class, key, assignment_key and assign, called directly; the keys
they write are checked against the true values, and graded back as right."""

import pytest
import yaml
from conftest import SPECS

from backprop_cli.api import grading as G
from backprop_cli.api.computing import load_example, load_spec
from backprop_cli.errors import UsageError
from backprop_cli.grading.rule import rounds_to

QUESTIONS = "questions:\n  - {quantity: a12, points: 1}\n  - {quantity: dL/dz21, points: 2}\n" \
            "  - {quantity: dL/dw212, points: 2}\n"


@pytest.fixture
def course(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "hw.yaml").write_text('title: "HW"\nspec: net.yaml\n' + QUESTIONS, encoding="utf-8")
    (tmp_path / "hwp.yaml").write_text('title: "HW"\npersonal:\n  spec: net.yaml\n  seed: s1\n'
                                       "  weights: {from: -1, to: 1, decimals: 1}\nroster: roster.csv\n" + QUESTIONS,
                                       encoding="utf-8")
    (tmp_path / "roster.csv").write_text("id\nalice\nbob\n", encoding="utf-8")
    return tmp_path


def test_key_holds_the_true_values_and_checks_as_right(course):
    spec = load_spec("net.yaml")
    text = G.key(spec, ["loss", "dL/dw212", "w212_new", "a12"], decimals=5, spec_path="net.yaml")
    data = yaml.safe_load(text)
    result = spec.compute()
    expected = {"loss": result.loss, "dL/dw212": result.gradient("w212"), "w212_new": result.updated("w212"),
                "a12": float(result.a[1][0, 1])}
    assert data["spec"] == "net.yaml"
    for quantity, value in expected.items():
        assert rounds_to(data["answers"][quantity], value, 0.5e-5)
    (course / "answers.yaml").write_text(text, encoding="utf-8")
    run = G.check(["answers.yaml"])
    assert not run.failed and run.invalid == [] and len(run.files) == 1
    assert repr(run) == "<CheckRun 1 file: 4 right, 0 not right, 0 invalid>"  # answers


def test_key_defaults_inline_and_errors():
    spec = load_example("mazur-2-2-2")
    data = yaml.safe_load(G.key(spec))
    assert data["network"]["name"] == "Mazur 2-2-2"
    assert len(data["answers"]) == 21 and "dE_total/dw5" in data["answers"]
    with pytest.raises(UsageError, match=r"^--quantity: unknown quantity 'nope\?'"):
        G.key(spec, ["nope?"])
    expression = yaml.safe_load(G.key(load_example("cs231n-circuit"), decimals=2))
    assert expression["answers"]["df/dz"] == 3.0


def test_check_reports_invalid_files(course):
    (course / "bad.yaml").write_text("spec: net.yaml\nanswers:\n  w999: 1\n")
    (course / "broken.yaml").write_text("spec: nowhere.yaml\nanswers:\n  loss: 1\n")
    run = G.check(["bad.yaml", "broken.yaml", "missing.yaml"])
    # an unknown quantity is not graded; the file is read and reported, not invalid
    assert [f.path for f in run.files] == ["bad.yaml"] and run.files[0].refused[0].verdict == "not_graded"
    assert run.files[0].refused[0].hint.startswith("the network has no parameter w999")
    assert [path for path, _ in run.invalid] == ["broken.yaml", "missing.yaml"]
    assert not run.failed


def test_check_class_shared_network(course):
    key = yaml.safe_load(G.key(load_spec("net.yaml"), ["a12", "dL/dz21", "dL/dw212"], decimals=4))["answers"]
    for student, answers in [("alice", key), ("bob", {**key, "a12": key["a12"] + 1})]:
        (course / student).mkdir()
        lines = "".join(f"  {q}: {v}\n" for q, v in answers.items())
        (course / student / "answers.yaml").write_text(f"spec: net.yaml\nanswers:\n{lines}")
        (course / student / "net.yaml").write_text((course / "net.yaml").read_text())
    run = G.check_class("hw.yaml", ["alice/answers.yaml", "bob/answers.yaml"])
    assert [(s.student, s.score, s.max_score) for s in run.graded] == [("alice", 5.0, 5.0), ("bob", 4.0, 5.0)]
    assert run.failed and run.invalid == [] and run.invalid_students == []
    assert repr(run) == "<ClassRun 2 submissions, 0 invalid>"
    assert [row["share_right"] for row in run.stats] == [0.5, 1.0, 1.0]
    html = run._repr_html_()
    assert "<pre" in html and "alice" in html


@pytest.mark.parametrize("student, paths, message", [
    (" ", ["a.yaml"], "--student is empty"),
    ("alice", ["a.yaml", "b.yaml"], "--student names the student of one answers file"),
])
def test_check_class_usage_errors(course, student, paths, message):
    with pytest.raises(UsageError, match=message):
        G.check_class("hw.yaml", paths, student)


def test_check_class_invalid_file_is_listed(course):
    run = G.check_class("hw.yaml", ["nobody/answers.yaml"])
    assert run.graded == [] and run.invalid[0][0] == "nobody/answers.yaml"
    assert run.invalid_students[0][0] == "nobody"


@pytest.mark.slow
def test_assignment_key_and_assign(course):
    with pytest.raises(UsageError, match="^--student: not a student id"):
        G.assignment_key("hwp.yaml", "../x")
    with pytest.raises(UsageError, match="give --student ID, or -o DIR for every student on the roster"):
        G.assignment_key("hwp.yaml")
    key = yaml.safe_load(G.assignment_key("hwp.yaml", "alice", decimals=6))
    assert key["student"] == "alice" and key["spec"] == "net.yaml" and list(key["answers"]) == ["a12", "dL/dz21",
                                                                                                   "dL/dw212"]
    (course / "roster.csv").write_text("id,name\nalice,A\nbob,B\n")
    assert G.assign("hwp.yaml", "roster.csv", "out") == ["alice", "bob"]
    handout = load_spec("out/alice/net.yaml")
    assignment = G.load_assignment("hwp.yaml")
    assert handout.layers[0].weights.tolist() == assignment.network_for("alice")[0].layers[0].weights.tolist()
    assert yaml.safe_load((course / "out/bob/answers.yaml").read_text())["student"] == "bob"
    # the key of alice, written into her folder, grades as full marks on her network
    (course / "out/alice/answers.yaml").write_text(G.assignment_key("hwp.yaml", "alice", decimals=6))
    run = G.check_class("hwp.yaml", ["out/alice/answers.yaml"])
    assert [(s.student, s.score) for s in run.graded] == [("alice", 5.0)]


def test_shared_assignment_key_is_inline(course):
    key = yaml.safe_load(G.assignment_key("hw.yaml", quantities=["loss"]))
    assert key["network"]["loss"] == "squared_error" and list(key["answers"]) == ["loss"]


def test_assign_into_a_file_is_a_usage_error(course):
    (course / "roster.csv").write_text("alice\n")
    (course / "taken").write_text("x")
    with pytest.raises(UsageError, match="^cannot write handouts in taken: it is not a folder$"):
        G.assign("hw.yaml", "roster.csv", "taken")


def test_assign_an_inline_network_gives_a_handout_that_loads_and_computes_the_same(course):
    (course / "roster.csv").write_text("alice\n")
    net = (course / "net.yaml").read_text(encoding="utf-8")
    (course / "hwi.yaml").write_text('title: "HW"\nnetwork:\n' + "".join(f"  {line}\n" for line in net.splitlines())
                                     + QUESTIONS, encoding="utf-8")
    G.assign("hwi.yaml", "roster.csv", "out")
    handout, shared = load_spec("out/alice/net.yaml"), G.load_assignment("hwi.yaml").spec
    assert (course / "out/alice/net.yaml").read_text(encoding="utf-8") == net  # the user's own text
    assert handout.compute().loss == shared.compute().loss
    assert handout.compute().parameters() == shared.compute().parameters()


def test_the_key_of_an_inline_network_holds_that_network_alone_and_checks_as_right(course):
    net = (course / "net.yaml").read_text(encoding="utf-8")
    (course / "hwi.yaml").write_text('title: "HW"\nnetwork:\n' + "".join(f"  {line}\n" for line in net.splitlines())
                                     + QUESTIONS, encoding="utf-8")
    key = G.assignment_key("hwi.yaml", decimals=6)
    assert yaml.safe_load(key)["network"] == yaml.safe_load(net)  # not the title and questions too
    (course / "key.yaml").write_text(key, encoding="utf-8")
    run = G.check(["key.yaml"])
    assert run.invalid == [] and not run.failed


def test_assign_copies_the_files_a_shared_spec_names(course):
    import numpy as np

    from backprop_cli.spec.reader import load_spec as read_spec

    spec = load_spec("net.yaml")
    np.save(course / "w1.npy", spec.layers[0].weights)
    (course / "w2.csv").write_text("\n".join(",".join(repr(float(v)) for v in row) for row in spec.layers[1].weights))
    lines = (course / "net.yaml").read_text(encoding="utf-8").split("layers:")[0]
    (course / "filed.yaml").write_text(lines + "layers:\n  - {activation: sigmoid, weights: {file: w1.npy}}\n"
                                       "  - {activation: softmax, weights: {file: w2.csv}}\n", encoding="utf-8")
    (course / "hwf.yaml").write_text("spec: filed.yaml\n" + QUESTIONS, encoding="utf-8")
    (course / "roster.csv").write_text("alice\nbob\n")
    G.assign("hwf.yaml", "roster.csv", "out")
    for student in ("alice", "bob"):
        handout = read_spec(f"out/{student}/net.yaml", confined=True)  # as `check` reads a student's files
        assert handout.compute().parameters() == spec.compute().parameters()
        assert (course / "out" / student / "w1.npy").read_bytes() == (course / "w1.npy").read_bytes()
