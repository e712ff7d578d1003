"""Issue 22, "Hostile submissions, round three": one regression test per defect of its first
section (contract sections 6 and 8), end to end through the command line.

Each test passes when the defect is fixed and fails when it is not. Devices are made with mknod in
the test's own folder (as root) and never in /dev: a build with the defect would replace them."""
import csv
import io
import json
import os
import re
import stat
import subprocess
import sys
from xml.dom import minidom

import pytest
from conftest import HW3_PERSONAL, SPECS, invoke

SHARED = ('title: "HW"\nspec: net.yaml\nquestions:\n'
          '  - {quantity: a12, points: 1}\n  - {quantity: dL/dw212, points: 2}\n')
PERSONAL = HW3_PERSONAL + """roster_id: username
questions:
  - {quantity: a12, points: 1}
  - {quantity: dL/dw212, points: 2}
"""


def course(tmp_path, assignment=SHARED, students=("alice", "bob")):
    """An assignment on the bundled 4-4-2 network and one answers file per student folder."""
    (tmp_path / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "hw.yaml").write_text(assignment, encoding="utf-8")
    paths = []
    for student in students:
        (tmp_path / student).mkdir()
        (tmp_path / student / "answers.yaml").write_text("answers:\n  a12: 0.8022\n", encoding="utf-8")
        paths.append(tmp_path / student / "answers.yaml")
    return tmp_path / "hw.yaml", paths


def reports(tmp_path):
    return ["--junit", tmp_path / "j.xml", "--gradebook", tmp_path / "g.csv"]


def assert_reports_written(tmp_path):
    minidom.parse(str(tmp_path / "j.xml"))
    assert (tmp_path / "g.csv").read_text(encoding="utf-8").startswith("student,")


def csv_rows(path):
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))


def a_node(path):
    """A device node (as root) or else a FIFO at `path`, never one of the machine's own."""
    if os.geteuid() == 0:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a second /dev/null, in tmp_path
    else:
        os.mkfifo(path)
    return path


# --- exit-3 routes ------------------------------------------------------------------------------

def test_an_explicit_key_with_a_4301_digit_index_is_contained_to_its_submission(tmp_path):
    hw, (alice, bob) = course(tmp_path)
    bob.write_text("answers:\n  a12: 0.8022\n  ? a12[" + "1" * 4301 + "]\n  : 0.3\n", encoding="utf-8")
    out = invoke("check", "--assignment", hw, *reports(tmp_path), "--gradescope", tmp_path / "gs.json", bob)
    assert out.exit_code != 3 and "Internal error" not in out.stderr, out.stderr
    out = invoke("check", "--assignment", hw, *reports(tmp_path), "--", alice, bob)
    assert out.exit_code in (1, 2) and "Internal error" not in out.stderr, (out.exit_code, out.stderr)
    assert_reports_written(tmp_path)
    assert "alice" in out.stdout


def test_an_explicit_key_with_a_4301_digit_index_is_refused_at_its_cause(tmp_path):
    """Section 6: each exit-3 route fixed at its cause, not only contained: the answer is a
    quantity the network has not (a located problem), not "could not be graded (ValueError)"."""
    hw, (alice, bob) = course(tmp_path)
    bob.write_text("answers:\n  a12: 0.8022\n  ? a12[" + "1" * 4301 + "]\n  : 0.3\n", encoding="utf-8")
    out = invoke("check", "--assignment", hw, *reports(tmp_path), "--", alice, bob)
    assert "ValueError" not in out.stderr and "please report it" not in out.stderr, out.stderr


@pytest.mark.parametrize("roster", ['username,name\nalice,"Lee\r=1+1"\nbob,"B\rx"\n',
                                    'username,name\r\nalice,A\rx\r\nbob,B\r\n',
                                    'username\n"al\rice"\nbob\n'])
def test_a_roster_field_with_a_bare_carriage_return(tmp_path, roster):
    hw, paths = course(tmp_path, SHARED + "roster: roster.csv\nroster_id: username\n")
    (tmp_path / "roster.csv").write_text(roster, encoding="utf-8", newline="")
    out = invoke("check", "--assignment", hw, *reports(tmp_path), "--", *paths)
    assert out.exit_code in (0, 1, 2) and "Internal error" not in out.stderr, (out.exit_code, out.stderr)
    if (tmp_path / "g.csv").exists():  # the roster refused whole (exit 2, nothing graded), or every report
        assert_reports_written(tmp_path)
        assert all(len(row) == 5 + 1 for row in csv_rows(tmp_path / "g.csv"))
    out = invoke("assign", hw, "-o", tmp_path / "handouts")
    assert out.exit_code in (0, 2) and "Internal error" not in out.stderr, out.stderr


@pytest.mark.parametrize("key", ["weights", "biases", "input"])
def test_personal_ranges_of_1e308(tmp_path, key):
    text = PERSONAL.replace(f"  {key}: {{from:", f"  {key}: {{from: -1e308, to: 1e308, decimals: 1}} #")
    hw, paths = course(tmp_path, text)
    (tmp_path / "roster.csv").write_text("username\nalice\nbob\n", encoding="utf-8")
    out = invoke("check", "--assignment", hw, *reports(tmp_path), "--", *paths)
    assert out.exit_code == 2 and "Internal error" not in out.stderr, (out.exit_code, out.stderr)
    out = invoke("assign", hw, "-o", tmp_path / "handouts")
    assert out.exit_code == 2 and "Internal error" not in out.stderr, out.stderr


def test_points_1e308_never_reach_the_json_as_infinity(tmp_path):
    hw, paths = course(tmp_path, SHARED.replace("points: 1}", "points: 1e308}").replace("points: 2}", "points: 1e308}"))
    out = invoke("check", "--assignment", hw, "--format", "json", "--", *paths)
    assert out.exit_code == 2 and "Internal error" not in out.stderr, (out.exit_code, out.stderr)
    assert "Infinity" not in out.stdout


def test_a_question_with_a_5000_digit_index(tmp_path):
    """Still exit 3: grading/quantities.py parse_quantity calls int() on the `[sample]` digits,
    which raises ValueError past Python's 4,300-digit limit (from the assignment reader)."""
    hw, paths = course(tmp_path, SHARED + "  - {quantity: \"a12[" + "1" * 5000 + "]\", points: 1}\n")
    out = invoke("check", "--assignment", hw, *reports(tmp_path), "--", *paths)
    assert out.exit_code == 2 and "Internal error" not in out.stderr, (out.exit_code, out.stderr[-300:])
    out = invoke("assign", hw, "-o", tmp_path / "handouts")
    assert out.exit_code == 2 and "Internal error" not in out.stderr, (out.exit_code, out.stderr[-300:])


@pytest.mark.parametrize("command", ["grad", "trace", "key", "gradcheck"])
def test_an_expression_whose_names_are_y_f_out_and_output(tmp_path, command):
    """Still exit 3: spec/formula.py _Parser.finish picks the output's name with
    next(n for n in ("y", "f", "out", "output") if n not in self.names): StopIteration."""
    (tmp_path / "e.yaml").write_text("expression: y*f + out*output\nat: {y: 1, f: 2, out: 3, output: 4}\n",
                                     encoding="utf-8")
    out = invoke(command, tmp_path / "e.yaml")
    assert out.exit_code in (0, 2) and "Internal error" not in out.stderr, (out.exit_code, out.stderr)
    out = invoke(command, "--expr", "y*f + out*output", "--at", "y=1", "--at", "f=2", "--at", "out=3",
                 "--at", "output=4") if command != "gradcheck" else out
    assert out.exit_code in (0, 2) and "Internal error" not in out.stderr, (out.exit_code, out.stderr)


@pytest.mark.slow
def test_gradebook_with_a_folder_name_that_is_not_utf8(tmp_path):
    hw, paths = course(tmp_path)
    folder = os.path.join(os.fsencode(tmp_path), b"\xff\xfe")
    os.mkdir(folder)
    with open(os.path.join(folder, b"answers.yaml"), "w", encoding="utf-8") as handle:
        handle.write("answers: {a12: 0.5}\n")
    done = subprocess.run([sys.executable, "-m", "backprop_cli", "check", "--assignment", str(hw),
                           *map(str, reports(tmp_path)), "--", *map(str, paths), os.path.join(folder, b"answers.yaml")],
                          capture_output=True)
    assert done.returncode == 2 and b"Internal error" not in done.stderr, done.stderr[-400:]
    assert_reports_written(tmp_path)


# --- workflow commands --------------------------------------------------------------------------

@pytest.mark.parametrize("lead", [" ", "\u00a0", "\u3000"])
def test_a_workflow_command_after_leading_white_space_in_a_folder_name(tmp_path, monkeypatch, lead):
    hw, _ = course(tmp_path, students=("alice", lead + "::error::pwned", lead + "::stop-commands::token"))
    monkeypatch.chdir(tmp_path)  # relative paths, as `*/answers.yaml` gives them: a message starts with one
    paths = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.glob("*/answers.yaml"))
    summary = tmp_path / "summary.md"
    for plain in (False, True):
        args = ["check", "--", *paths] if plain else ["check", "--assignment", hw, "--", *paths]
        out = invoke(*args, env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
        text = out.stdout + out.stderr + (summary.read_text(encoding="utf-8") if summary.exists() else "")
        for line in text.splitlines():
            assert not line.lstrip().startswith("::") or line.startswith(("::error file=", "::warning file=")), line


# --- writes replace only regular files ----------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["check", "{a}", "--junit", "{node}"],
    ["explore", "{net}", "-o", "{node}.html"],
    ["train", "{net}", "--epochs", "1", "--log", "{node}.csv"],
])
def test_a_device_node_is_never_replaced_without_force(tmp_path, args):
    (tmp_path / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n  loss: 0.1055\n", encoding="utf-8")
    node = str(tmp_path / "node")
    filled = [a.format(a=tmp_path / "a.yaml", net=tmp_path / "net.yaml", node=node) for a in args]
    a_node(filled[-1])
    out = invoke(*filled)
    assert out.exit_code == 2, (out.exit_code, out.stderr)
    assert not stat.S_ISREG(os.stat(filled[-1]).st_mode), "the device was replaced by a regular file"


def test_step_with_force_never_replaces_a_device(tmp_path):
    (tmp_path / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    node = a_node(str(tmp_path / "full"))
    for args in (["step", tmp_path / "net.yaml", "-o", node, "--force"],
                 ["train", tmp_path / "net.yaml", "--epochs", "1", "-o", node, "--force"]):
        out = invoke(*args)
        assert out.exit_code == 2 and "not a regular file" in out.stderr, (args, out.stderr)
        assert not stat.S_ISREG(os.stat(node).st_mode), f"{args[0]} replaced the device with a regular file"


# --- escaping per format ------------------------------------------------------------------------

def test_gradebook_carriage_return_never_starts_a_formula_cell(tmp_path):
    hw, paths = course(tmp_path)
    (tmp_path / "x\r=cmd|' -C calc'!A0").mkdir()
    (tmp_path / "x\r=cmd|' -C calc'!A0" / "answers.yaml").write_text("answers: {a12: 0.5}\n", encoding="utf-8")
    invoke("check", "--assignment", hw, "--gradebook", tmp_path / "g.csv", "--",
           *paths, tmp_path / "x\r=cmd|' -C calc'!A0" / "answers.yaml")
    rows = csv_rows(tmp_path / "g.csv")
    assert all(len(row) == len(rows[0]) for row in rows), rows
    assert not [c for row in rows for c in row if c[:1] in ("=", "+", "-", "@", "\t", "\r")], rows
    assert "\r" not in (tmp_path / "g.csv").read_bytes().decode("utf-8")


def test_junit_of_a_class_with_u_fffe_and_u_ffff_parses(tmp_path):
    hw, (alice, bob) = course(tmp_path)
    alice.write_text('student: "x\\uFFFEy\\uFFFF"\nanswers:\n  a12: "0.5\\uFFFF"\n  "q\\uFFFE": 1\n', encoding="utf-8")
    bob.write_text('answers:\n  "a12\\uFFFE": 0.5\n', encoding="utf-8")
    invoke("check", "--assignment", hw, "--junit", tmp_path / "j.xml", "--", alice, bob)
    minidom.parse(str(tmp_path / "j.xml"))
    text = (tmp_path / "j.xml").read_text(encoding="utf-8")
    assert "\ufffe" not in text and "\uffff" not in text


def test_student_line_reaches_gradescope_markdown_escaped(tmp_path):
    hw, (alice,) = course(tmp_path, students=("alice",))
    alice.write_text('student: "![i](https://evil.example/p.png) [c](https://evil.example) <img src=x>"\n'
                     "answers:\n  a12: 0.8022\n", encoding="utf-8")
    invoke("check", "--assignment", hw, alice, "--gradescope", tmp_path / "gs.json")
    data = json.loads((tmp_path / "gs.json").read_text(encoding="utf-8"))
    shown = "\n".join([data.get("output", "")] + [t.get("output", "") for t in data["tests"]])
    assert not re.search(r"(?<!\\)\]\(", shown) and "<img" not in shown, shown


# --- step and train on their own output ---------------------------------------------------------

def _file_spec(tmp_path):
    import numpy as np

    np.save(tmp_path / "w1.npy", np.array([[0.1, 0.2], [0.3, 0.4]]))
    (tmp_path / "b1.csv").write_text("0.1\n-0.1\n")
    (tmp_path / "w2 x.csv").write_text("1,-1\n")
    (tmp_path / "net.yaml").write_text("input: [1, 2]\ntarget: [1]\nloss: mse\nlayers:\n"
                                       "  - activation: tanh\n    weights: {file: w1.npy}\n    biases: {file: b1.csv}\n"
                                       "  - activation: linear\n    weights: {file: \"w2 x.csv\"}\n")


def test_step_on_its_own_output_with_file_matrices(tmp_path, monkeypatch):
    _file_spec(tmp_path)
    monkeypatch.chdir(tmp_path)
    for args in (["net.yaml", "-o", "s1.yaml"], ["s1.yaml", "-o", "s2.yaml"], ["s2.yaml", "--in-place"],
                 ["s2.yaml", "--in-place"]):
        out = invoke("step", *args)
        assert out.exit_code == 0, (args, out.stderr)
    assert invoke("grad", "s2.yaml").exit_code == 0
    # each step names its matrices from the matrix, not from the last name: no prefix grows
    named = re.findall(r"file: \"?([^\"}]+)", (tmp_path / "s2.yaml").read_text())
    assert named == ["s2-w1-3.npy", "s2-b1-3.csv", "s2-w2 x-3.csv"], named


@pytest.mark.slow
def test_stepping_in_place_many_times_keeps_the_names_short(tmp_path, monkeypatch):
    _file_spec(tmp_path)
    monkeypatch.chdir(tmp_path)
    for _ in range(12):
        assert invoke("step", "net.yaml", "--in-place").exit_code == 0
    named = re.findall(r"file: \"?([^\"}]+)", (tmp_path / "net.yaml").read_text())
    assert named == ["net-w1-12.npy", "net-b1-12.csv", "net-w2 x-12.csv"], named


def test_train_on_a_trained_spec_with_file_matrices(tmp_path, monkeypatch):
    _file_spec(tmp_path)
    monkeypatch.chdir(tmp_path)
    for args in (["net.yaml", "-o", "t1.yaml"], ["t1.yaml", "-o", "t2.yaml"], ["t2.yaml", "--in-place"],
                 ["t2.yaml", "--in-place"]):
        out = invoke("train", *args, "--epochs", "2")
        assert out.exit_code == 0, (args, out.stderr)
    assert (tmp_path / "t2.yaml").exists() and invoke("grad", "t2.yaml").exit_code == 0


# --- arguments that look like options, one student twice, Ctrl-C -------------------------------

def test_a_folder_named_junit_equals_alice_never_overwrites_alices_answers(tmp_path, monkeypatch):
    hw, _ = course(tmp_path, students=("alice", "bob", "--junit=alice"))
    monkeypatch.chdir(tmp_path)
    before = (tmp_path / "alice" / "answers.yaml").read_bytes()
    globbed = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.glob("*/answers.yaml"))  # as a shell's glob
    assert globbed[0] == "--junit=alice/answers.yaml"
    out = invoke("check", "--assignment", "hw.yaml", *globbed)  # without --
    assert (tmp_path / "alice" / "answers.yaml").read_bytes() == before
    assert out.exit_code == 2


def test_two_folders_for_one_student_give_one_gradebook_row(tmp_path):
    hw, paths = course(tmp_path, SHARED + "repository_prefix: hw-\n", students=("alice", "hw-alice", "bob"))
    for extra in ([], ["--gradebook-format", "generic"]):
        out = invoke("check", "--assignment", hw, "--gradebook", tmp_path / "g.csv", *extra, "--",
                     *paths, tmp_path / "hw-alice" / ".." / "alice" / "answers.yaml")
        students = [row[0] for row in csv_rows(tmp_path / "g.csv")[1:]]
        assert sorted(students) == ["alice", "bob"], (students, out.stderr)


@pytest.mark.parametrize("at", [0, 1])  # as the first file is written, or as the second
def test_ctrl_c_just_after_the_last_epoch_writes_every_file_or_none(tmp_path, monkeypatch, at):
    import signal

    import backprop_cli.files as files

    (tmp_path / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    real, calls = files.write_atomic, []

    def interrupted(path, content):  # Ctrl-C as a file is written, after the last epoch
        if len(calls) == at:
            os.kill(os.getpid(), signal.SIGINT)
        calls.append(path)
        return real(path, content)

    monkeypatch.setattr(files, "write_atomic", interrupted)
    out = invoke("train", "net.yaml", "--epochs", "2", "-o", "t.yaml", "--log", "log.csv")
    written = [(tmp_path / name).exists() for name in ("t.yaml", "log.csv")]
    assert written in ([True, True], [False, False]), (written, out.exit_code, out.stderr)
    assert (out.exit_code == 130) == (written == [False, False]), (written, out.exit_code, out.stderr)


@pytest.mark.parametrize("command", [("step",), ("train", "--epochs", "2", "--log", "log.csv")])
def test_ctrl_c_while_the_report_is_printed_says_the_files_are_written(tmp_path, monkeypatch, command):
    import backprop_cli.cli.training as training_cli

    (tmp_path / "net.yaml").write_text((SPECS / "mazur-2-2-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def interrupted(*_args, **_options):
        raise KeyboardInterrupt

    monkeypatch.setattr(training_cli, "present", interrupted)
    monkeypatch.setattr(training_cli.click, "echo", _echo_unless_wrote(training_cli.click.echo))
    out = invoke(*command, "net.yaml", "-o", "t.yaml")
    requested = ["t.yaml"] + (["log.csv"] if "--log" in command else [])
    assert all((tmp_path / name).exists() for name in requested)
    assert out.exit_code == 0, out.stderr  # the status says the files were written
    assert "Interrupted." not in out.stderr
    assert f"interrupted while printing the report; written whole: {', '.join(requested)}" in out.stderr


def _echo_unless_wrote(echo):
    """step's last line is echoed, not presented: Ctrl-C lands on it as on train's report."""
    def echoing(message=None, *args, **options):
        if str(message).startswith("wrote "):
            raise KeyboardInterrupt
        return echo(message, *args, **options)
    return echoing


# --- a file of a thousand unknown names -------------------------------------------------------

@pytest.mark.slow
def test_a_thousand_unknown_names_are_told_in_a_screenful_and_listed_whole_in_json(tmp_path):
    (tmp_path / "net.yaml").write_text((SPECS / "mazur-2-2-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    names = [f"zz{i}" for i in range(999)]
    (tmp_path / "answers.yaml").write_text("spec: net.yaml\nanswers:\n" + "".join(f"  {n}: 1\n" for n in names))
    text = invoke("check", str(tmp_path / "answers.yaml")).stdout
    assert len(text.splitlines()) < 60, text
    assert "zz19: not graded" in text and "zz20" not in text
    assert "and 979 more lines not graded (--format json lists every one with its reason)" in text
    data = json.loads(invoke("check", str(tmp_path / "answers.yaml"), "--format", "json").stdout)
    assert [r["quantity"] for r in data["files"][0]["results"] if r["verdict"] == "not_graded"] == names


@pytest.mark.slow
def test_a_thousand_answers_not_asked_are_listed_in_one_short_line(tmp_path, monkeypatch):
    hw, (alice,) = course(tmp_path, students=("alice",))
    names = [f"zz{i}" for i in range(999)]
    alice.write_text("answers:\n  a12: 0.8022\n" + "".join(f"  {n}: 1\n" for n in names), encoding="utf-8")
    text = invoke("check", "--assignment", str(hw), str(alice), expect=None).stdout
    line, = [line for line in text.splitlines() if "not graded (not asked)" in line]
    assert line.strip() == ("not graded (not asked): " + ", ".join(names[:20]) + " and 979 more (--format json lists "
                            "them)")
    data = json.loads(invoke("check", "--assignment", str(hw), str(alice), "--format", "json", expect=None).stdout)
    assert data["files"][0]["not_graded"] == names


@pytest.mark.parametrize("args", [("draw", "net.svg", "-o", "net.svg"), ("train", "net.svg", "--epochs", "1",
                                                                           "--log", "net.svg"),
                                  ("trace", "net.svg", "--format", "markdown", "--save", "net.svg")])
def test_an_output_that_is_the_spec_itself_is_refused_before_anything_is_written(tmp_path, monkeypatch, args):
    # a spec saved under a picture's name: `draw net.svg -o net.svg` replaced the spec with its picture
    text = (SPECS / "mazur-2-2-2.yaml").read_text(encoding="utf-8")
    (tmp_path / "net.svg").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    out = invoke(*args, expect=2)
    assert "net.svg is the spec itself; write elsewhere" in out.stderr
    assert (tmp_path / "net.svg").read_text(encoding="utf-8") == text


@pytest.mark.slow
def test_three_thousand_problems_in_one_spec_are_told_in_a_screenful(tmp_path):
    (tmp_path / "net.yaml").write_text("".join(f"zz{i}: 1\n" for i in range(3000)), encoding="utf-8")
    out = invoke("grad", tmp_path / "net.yaml", expect=2)
    located = [line for line in out.stderr.splitlines() if line.startswith(str(tmp_path / "net.yaml"))]
    assert len(located) == 50 and "unknown key 'zz0'" in located[0]  # the missing keys and the first unknown
    more = len(out.stderr.split("unknown key")) - 1
    assert out.stderr.rstrip().endswith(f"… and {3000 + 4 - 50:,} more problems (fix these, then run again)")
    assert more < 50


def test_ctrl_c_while_the_report_is_printed_after_an_in_place_train_says_the_spec_is_written(tmp_path, monkeypatch):
    import backprop_cli.cli.training as training_cli

    (tmp_path / "net.yaml").write_text((SPECS / "mazur-2-2-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def interrupted(*_args, **_options):
        raise KeyboardInterrupt

    monkeypatch.setattr(training_cli, "present", interrupted)
    before = (tmp_path / "net.yaml").read_text(encoding="utf-8")
    out = invoke("train", "net.yaml", "--epochs", "2", "--in-place")
    assert (tmp_path / "net.yaml").read_text(encoding="utf-8") != before  # trained, written in place
    said = out.stderr.strip().splitlines()[-1]
    assert out.exit_code == 0 and said.startswith("interrupted while printing the report; written whole: ")
    assert said.endswith("net.yaml")
