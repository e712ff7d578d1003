"""Running a class end to end: a personal assignment with a roster and GitHub Classroom's
repository names; a missing student, a stranger, a decimal comma and a mistyped quantity; each
feedback level in every report a student may see; the gradebook with every roster student.
Expected values come from the oracle (finite differences), not from the grader."""
import csv
import io
import json
from xml.etree import ElementTree as ET

import pytest
from conftest import HW3_PERSONAL, SPECS, invoke, oracle_problem
from oracle import finite_difference, forward

ASSIGNMENT = HW3_PERSONAL + """roster_id: username
repository_prefix: hw3-
questions:
  - {quantity: a12, points: 1}
  - {quantity: dL/dw212, points: 2}
  - {quantity: w212_new, points: 1}
"""
ROSTER = "First Name,Last Name,username\nAlice,Lee,alice\nBob,Bo,bob\nCarol,Ng,carol\nDave,Oh,dave\n"


def truth(handout) -> dict[str, float]:
    """The oracle's values of the three questions on a handed-out network."""
    layers, inputs, targets, loss, reduction, rate = oracle_problem(handout)
    _, acts = forward(layers, inputs[0])
    gradient = finite_difference(layers, inputs, targets, loss, reduction)[("w", 2, 1, 2)]
    return {"a12": acts[1][1], "dL/dw212": gradient, "w212_new": layers[1]["weights"][0][1] - rate * gradient}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """alice right (in hw3-alice), bob with a decimal comma and a mistyped name, carol with a wrong
    update, dave missing, mallory not on the roster (with alice's numbers)."""
    folder = tmp_path_factory.mktemp("course")
    (folder / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "hw3.yaml").write_text(ASSIGNMENT, encoding="utf-8")
    (folder / "roster.csv").write_text(ROSTER, encoding="utf-8")
    invoke("assign", folder / "hw3.yaml", "-o", folder / "handouts", expect=0)  # the assignment's roster
    values = {s: truth(folder / "handouts" / s / "net.yaml") for s in ("alice", "bob", "carol")}
    answers = {
        "alice": {q: f"{v:.4f}" for q, v in values["alice"].items()},
        "bob": {"a12": f"{values['bob']['a12']:.4f}".replace(".", ","), "dL/dw2l2": f"{values['bob']['dL/dw212']:.4f}",
                "w212_new": f"{values['bob']['w212_new']:.4f}"},
        "carol": {**{q: f"{v:.4f}" for q, v in values["carol"].items()}, "w212_new": "9.5"},
        "mallory": {q: f"{v:.4f}" for q, v in values["alice"].items()},
    }
    for student, given in answers.items():
        (folder / f"hw3-{student}").mkdir()
        body = "".join(f"  {q}: {v}\n" for q, v in given.items())
        (folder / f"hw3-{student}" / "answers.yaml").write_text(f"answers:\n{body}", encoding="utf-8")
    return folder, values


def run(folder, *extra, env=None):
    paths = [folder / f"hw3-{s}" / "answers.yaml" for s in ("alice", "bob", "carol", "mallory")]
    return invoke("check", "--assignment", folder / "hw3.yaml", *paths, *extra, env=env)


@pytest.mark.slow
def test_the_roster_decides_who_is_graded_and_each_answer_has_its_own_verdict(course):
    folder, values = course
    out = run(folder, "--format", "json", "--gradebook", folder / "grades.csv")
    assert out.exit_code == 1  # some answer wrong, and a stranger
    data = json.loads(out.stdout)
    by_student = {f["student"]: f for f in data["files"]}
    assert set(by_student) == {"alice", "bob", "carol"}  # the prefix hw3- is not part of the id
    assert data["not_on_roster"] == [{"path": str(folder / "hw3-mallory" / "answers.yaml"), "student": "mallory",
                                      "nearest": []}]
    alice = by_student["alice"]
    assert alice["score"] == 4.0 and all(r["verdict"] == "right" for r in alice["results"])
    for r in alice["results"]:  # the JSON always holds the expected values, as the oracle gives them
        assert r["expected"] == pytest.approx(values["alice"][r["quantity"]], abs=1e-6)
    bob = {r["quantity"]: r for r in by_student["bob"]["results"]}
    assert bob["a12"]["verdict"] == "unreadable" and "write " in bob["a12"]["diagnosis"]  # a decimal comma
    assert bob["dL/dw212"]["verdict"] == "not_answered" and bob["w212_new"]["verdict"] == "right"
    assert by_student["bob"]["not_graded"] == ["dL/dw2l2"]
    assert "did you mean dL/dw212?" in by_student["bob"]["notes"][0]
    carol = {r["quantity"]: r for r in by_student["carol"]["results"]}
    assert carol["w212_new"]["verdict"] == "wrong" and by_student["carol"]["score"] == 3.0
    rows = list(csv.reader(io.StringIO((folder / "grades.csv").read_text(encoding="utf-8"))))
    assert [row[:4] for row in rows] == [["student", "score", "max_score", "status"], ["alice", "4.0", "4.0", "graded"],
                                         ["bob", "1.0", "4.0", "graded"], ["carol", "3.0", "4.0", "graded"],
                                         ["dave", "0.0", "4.0", "no submission"]]
    summary = {row["quantity"]: row for row in data["summary"]}
    assert (summary["a12"]["right"], summary["a12"]["unreadable"]) == (2, 1)
    assert (summary["dL/dw212"]["right"], summary["dL/dw212"]["not_answered"]) == (2, 1)


@pytest.mark.slow
def test_a_stranger_near_a_roster_id_is_told_which(course, tmp_path):
    folder, _ = course
    (tmp_path / "hw3-alcie").mkdir()
    (tmp_path / "hw3-alcie" / "answers.yaml").write_text("answers:\n  a12: 0.5\n", encoding="utf-8")
    out = invoke("check", "--assignment", folder / "hw3.yaml", tmp_path / "hw3-alcie" / "answers.yaml", expect=1)
    assert "alcie is not on the roster (nearest on the roster: alice): not graded" in out.stdout
    # below full feedback, what a student may see names no one else's id
    out = invoke("check", "--assignment", folder / "hw3.yaml", tmp_path / "hw3-alcie" / "answers.yaml",
                 "--feedback", "diagnosis", "--gradescope", tmp_path / "r.json", env={"GITHUB_ACTIONS": "true"})
    assert "alcie is not on the roster: not graded" in out.stdout and "alice" not in out.stdout + out.stderr
    assert "alice" not in (tmp_path / "r.json").read_text(encoding="utf-8")


def student_visible(folder, level, tmp_path) -> str:
    """Everything a student may see of a run at `level`: the text report, JUnit, the annotations
    and the job summary, and each one's Gradescope results.json."""
    summary = tmp_path / f"summary-{level}.md"
    out = run(folder, "--feedback", level, "--junit", tmp_path / f"{level}.xml",
              env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert out.exit_code == 1, out.stderr
    ET.fromstring((tmp_path / f"{level}.xml").read_text(encoding="utf-8").split("\n", 1)[1])  # valid XML
    seen = [out.stdout, out.stderr, (tmp_path / f"{level}.xml").read_text(encoding="utf-8"),
            summary.read_text(encoding="utf-8")]
    for student in ("alice", "bob", "carol", "mallory"):
        results = tmp_path / f"{student}-{level}.json"
        invoke("check", "--assignment", folder / "hw3.yaml", folder / f"hw3-{student}" / "answers.yaml",
               "--feedback", level, "--gradescope", results)
        seen.append(results.read_text(encoding="utf-8"))
    return "\n".join(seen)


def expected_texts(values) -> set[str]:
    """The expected values as reports write them (never the 4 decimals the students wrote)."""
    from backprop_cli.core.numbers import number

    return {number(v, digits) for student in values.values() for v in student.values() for digits in (6, 10)}


@pytest.mark.slow
@pytest.mark.parametrize("level", ["diagnosis", "verdict", "score"])
def test_no_student_visible_output_holds_an_expected_value_below_full(course, tmp_path, level):
    folder, values = course
    seen = student_visible(folder, level, tmp_path)
    assert not [text for text in expected_texts(values) if text in seen]
    assert "Accepted" not in seen and "would be within" not in seen and "expected" not in seen
    if level == "diagnosis":
        assert "wrong" in seen and "not a number: '" in seen  # verdicts and diagnoses are said
    if level == "verdict":  # right or not; an unreadable value is said so, with how to write the student's own text
        assert "not right" in seen and "unreadable: not a number: '" in seen
        assert "Follows from" not in seen and "slip" not in seen  # no diagnosis
    if level == "score":  # no question is named, only totals (Gradescope's tests are there, hidden)
        gradescope = json.loads((tmp_path / "carol-score.json").read_text(encoding="utf-8"))
        assert gradescope["score"] == 3.0 and {t["visibility"] for t in gradescope["tests"]} == {"hidden"}
        assert "a12" not in seen.split("{", 1)[0]


@pytest.mark.slow
def test_at_full_the_expected_values_are_shown(course, tmp_path):
    folder, values = course
    seen = student_visible(folder, "full", tmp_path)
    assert all(f"{v:.6g}"[:6] in seen for v in values["carol"].values())
    assert "Accepted" in seen


def test_a_personal_assignment_without_a_roster_refuses_to_grade(course, tmp_path):
    folder, _ = course
    (tmp_path / "net.yaml").write_text((folder / "net.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "hw.yaml").write_text(ASSIGNMENT.replace("roster: roster.csv\nroster_id: username\n", ""),
                                      encoding="utf-8")
    out = invoke("check", "--assignment", tmp_path / "hw.yaml", folder / "hw3-alice" / "answers.yaml", expect=2)
    assert "needs a roster" in out.stderr
    assert "needs a roster" in invoke("key", "--assignment", tmp_path / "hw.yaml", "--student", "alice",
                                      expect=2).stderr


@pytest.mark.slow
def test_keys_are_only_for_roster_students_and_all_of_them_grade_full(course, tmp_path):
    folder, _ = course
    out = invoke("key", "--assignment", folder / "hw3.yaml", "--student", "alcie", expect=2)
    assert "alcie is not on the roster (nearest: alice)" in out.stderr
    assert invoke("key", "--assignment", folder / "hw3.yaml", "-o", tmp_path / "keys", expect=0).stdout == \
        f"wrote 4 keys in {tmp_path / 'keys'}\n"
    keys = sorted(str(p) for p in (tmp_path / "keys").glob("*/answers.yaml"))
    data = json.loads(invoke("check", "--assignment", folder / "hw3.yaml", *keys, "--format", "json",
                             expect=0).stdout)
    assert [(f["student"], f["score"]) for f in data["files"]] == [(s, 4.0) for s in ("alice", "bob", "carol", "dave")]


@pytest.mark.parametrize("plain", [False, True])
def test_a_bug_while_grading_one_file_is_contained_every_report_written_exit_3(course, tmp_path, monkeypatch,
                                                                               plain):
    from backprop_cli.grading import grades, submissions

    folder, _ = course
    module, name = (grades.Grader, "grade_file") if plain else (submissions, "grade_submission")
    real = getattr(module, name)

    def broken(*args):  # a bug that bob's file alone meets
        if any("hw3-bob" in str(arg) for arg in args):
            raise TypeError("a bug")
        return real(*args)

    monkeypatch.setattr(module, name, broken)
    junit, gradebook = tmp_path / "j.xml", tmp_path / "g.csv"
    if plain:  # two answers files on the bundled network
        for student in ("hw3-bob", "alice"):
            (tmp_path / student).mkdir()
            (tmp_path / student / "net.yaml").write_text((folder / "net.yaml").read_text(encoding="utf-8"))
            (tmp_path / student / "answers.yaml").write_text("spec: net.yaml\nanswers:\n  a12: 0.8022\n")
        out = invoke("check", tmp_path / "hw3-bob" / "answers.yaml", tmp_path / "alice" / "answers.yaml",
                     "--junit", junit)
    else:
        out = run(folder, "--junit", junit, "--gradebook", gradebook)
    assert out.exit_code == 3, (out.stdout, out.stderr)
    assert "internal error while grading this file (TypeError: a bug); this is a bug in backprop" in out.stderr
    assert "Traceback" not in out.stderr and "alice" in out.stdout  # the others graded
    assert "hw3-bob" in junit.read_text(encoding="utf-8")  # every report written, the bug's file in it
    if not plain:
        assert "bob,0.0,4.0,invalid" in gradebook.read_text(encoding="utf-8")
    # --debug: the traceback of the contained bug too, for a maintainer (still contained: exit 3)
    if plain:
        debug = invoke("--debug", "check", tmp_path / "hw3-bob" / "answers.yaml", tmp_path / "alice" / "answers.yaml")
    else:
        debug = invoke("--debug", "check", "--assignment", folder / "hw3.yaml",
                       *[folder / f"hw3-{s}" / "answers.yaml" for s in ("alice", "bob", "carol", "mallory")])
    assert debug.exit_code == 3 and "Traceback" in debug.stderr and "TypeError: a bug" in debug.stderr


@pytest.mark.slow
def test_every_key_written_with_o_passes_a_plain_check_too(course, tmp_path):
    folder, _ = course
    invoke("key", "--assignment", folder / "hw3.yaml", "-o", tmp_path / "keys", expect=0)
    assert (tmp_path / "keys" / "alice" / "net.yaml").exists()  # the network the key names, beside it
    invoke("check", tmp_path / "keys" / "alice" / "answers.yaml", tmp_path / "keys" / "dave" / "answers.yaml",
           expect=0)
    out = invoke("key", "--assignment", folder / "hw3.yaml", expect=2)
    assert "give --student ID, or -o DIR for every student on the roster" in out.stderr


def test_a_folder_spelt_in_other_case_is_the_roster_students(course, tmp_path):
    folder, _ = course
    (tmp_path / "HW3-Alice").mkdir()
    (tmp_path / "HW3-Alice" / "answers.yaml").write_text(
        (folder / "hw3-alice" / "answers.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    data = json.loads(invoke("check", "--assignment", folder / "hw3.yaml", tmp_path / "HW3-Alice" / "answers.yaml",
                             "--format", "json", expect=0).stdout)
    assert data["files"][0]["student"] == "alice" and data["files"][0]["score"] == 4.0  # alice's own numbers
    key = invoke("key", "--assignment", folder / "hw3.yaml", "--student", "ALICE", expect=0).stdout
    assert 'student: "alice"' in key or "student: alice" in key


@pytest.mark.slow
def test_a_personal_class_graded_on_every_core_draws_in_the_workers_and_grades_alike(course, monkeypatch):
    # each worker draws its own students' problems and grades on the very passes that checked them:
    # the same verdicts, points and order as one file after another (where they are drawn ahead)
    import backprop_cli.grading.personal as P
    import backprop_cli.grading.submissions as S
    from backprop_cli.grading.assignment import load_assignment

    folder, _ = course
    paths = [str(folder / f"hw3-{s}" / "answers.yaml") for s in ("alice", "bob", "carol", "mallory")]

    def summary():
        graded, invalid, strangers = S.grade_class(load_assignment(str(folder / "hw3.yaml")), paths, None)
        return ([(s.student, [(r.verdict, r.points, r.diagnosis) for r in s.results]) for s in graded],
                [p for p, _ in invalid], [s.path for s in strangers])

    drawn_ahead = []
    prepare = P.prepare
    monkeypatch.setattr(P, "prepare", lambda *args: drawn_ahead.append(args[1]) or prepare(*args))
    monkeypatch.setattr(S, "PARALLEL_FROM", 10**9)
    one_by_one = summary()
    assert drawn_ahead == [["alice", "bob", "carol"]]
    monkeypatch.setattr(S, "PARALLEL_FROM", 2)
    assert summary() == one_by_one and len(drawn_ahead) == 1  # not drawn ahead: the workers draw
    assert [student for student, _ in one_by_one[0]] == ["alice", "bob", "carol"]
