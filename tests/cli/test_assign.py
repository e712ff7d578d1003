"""cli.assign: every roster student's handout written, and the line saying so."""
import json

import pytest
from conftest import SPECS, invoke

import backprop_cli.api.grading as grading_api

QUESTIONS = "questions:\n  - {quantity: loss, points: 1}\n  - {quantity: dL/dw212, points: 2}\n"
PERSONAL = ("personal:\n  spec: net.yaml\n  seed: s1\n  weights: {from: -1, to: 1, decimals: 1}\n" + QUESTIONS)


@pytest.fixture
def course(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "hw.yaml").write_text("spec: net.yaml\n" + QUESTIONS, encoding="utf-8")
    (tmp_path / "hwp.yaml").write_text(PERSONAL, encoding="utf-8")
    (tmp_path / "two.csv").write_text("id,name\nana,Ana\nbo,Bo\n", encoding="utf-8")
    (tmp_path / "one.csv").write_text("cy\n", encoding="utf-8")
    return tmp_path


def test_a_shared_network_for_everyone(course, monkeypatch):
    calls, original = [], grading_api.assign
    monkeypatch.setattr(grading_api, "assign", lambda *a, **k: calls.append((*a[1:], k)) or original(*a, **k))
    result = invoke("assign", "hw.yaml", "--roster", "two.csv", "-o", "out", expect=0)
    assert result.stdout == "wrote 2 handouts in out\n" and result.stderr == ""
    assert calls == [("two.csv", "out", {"roster_id": None})]
    net = (course / "net.yaml").read_text(encoding="utf-8")
    for student in ("ana", "bo"):
        assert (course / "out" / student / "net.yaml").read_text(encoding="utf-8") == net
        answers = (course / "out" / student / "answers.yaml").read_text(encoding="utf-8")
        assert f"student: \"{student}\"\nspec: net.yaml\nanswers:\n  loss:\n  dL/dw212:\n" in answers


def test_one_handout_and_personal_networks(course):
    assert invoke("assign", "hwp.yaml", "--roster", "one.csv", "-o", "out", expect=0).stdout == \
        "wrote 1 handout in out (each with its own network)\n"
    assert (course / "out" / "cy" / "net.yaml").read_text(encoding="utf-8") != \
        (course / "net.yaml").read_text(encoding="utf-8")


def test_without_a_roster_anywhere_it_says_where_to_give_one(course):
    result = invoke("assign", "hw.yaml", "-o", "out", expect=2)
    assert "give --roster FILE.csv, or write `roster: roster.csv` in the assignment" in result.stderr
    assert not (course / "out").exists()


@pytest.mark.parametrize("args, missing", [(["hw.yaml", "--roster", "two.csv"], "'-o' / '--output'"),
                                           (["--roster", "two.csv", "-o", "out"], "ASSIGNMENT")])
def test_what_it_needs(course, args, missing):
    result = invoke("assign", *args, expect=2)
    assert "Missing" in result.stderr and missing in result.stderr and not (course / "out").exists()


def test_a_bad_roster_or_assignment_is_exit_2_and_writes_nothing(course):
    (course / "bad.csv").write_text("id\nana\nana\n", encoding="utf-8")
    result = invoke("assign", "hw.yaml", "--roster", "bad.csv", "-o", "out", expect=2)
    assert result.stderr == "Error: --roster bad.csv, row 3: ana is listed twice\n" and result.stdout == ""
    assert not (course / "out").exists()
    assert invoke("assign", "nosuch.yaml", "--roster", "two.csv", "-o", "out", expect=2).stdout == ""


def written(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


@pytest.mark.parametrize("output, message", [
    ("hw.yaml/out", "Error: cannot create hw.yaml/out: hw.yaml is not a folder\n"),
    ("hw.yaml", "Error: cannot write handouts in hw.yaml: it is not a folder\n"),
    ("out", "Error: cannot make the folder out/bo: a file is in its place\n"),
])
def test_an_output_that_cannot_be_written_is_exit_2_and_writes_nothing_at_all(course, output, message):
    (course / "out").mkdir()
    (course / "out" / "bo").write_text("not a folder", encoding="utf-8")
    before = written(course)
    result = invoke("assign", "hw.yaml", "--roster", "two.csv", "-o", output, expect=2)
    assert result.stderr == message and result.stdout == ""
    assert written(course) == before  # not even ana's handout, listed before bo


@pytest.mark.parametrize("precision", ["{decimals: 4}", "{significant: 3}"])
def test_a_filled_handout_of_an_inline_network_passes_check(course, precision):
    net = (course / "net.yaml").read_text(encoding="utf-8")
    (course / "hwi.yaml").write_text(f"precision: {precision}\nnetwork:\n"
                                     + "".join(f"  {line}\n" for line in net.splitlines()) + QUESTIONS,
                                     encoding="utf-8")
    invoke("assign", "hwi.yaml", "--roster", "two.csv", "-o", "out", expect=0)
    handout = course / "out" / "ana" / "answers.yaml"
    blank = handout.read_text(encoding="utf-8")
    assert f"\nprecision: {precision}" in blank
    key = invoke("key", "--assignment", "hwi.yaml", "--student", "ana", expect=0).stdout
    values = dict(line.strip().split(": ") for line in key.split("answers:\n")[1].splitlines())
    handout.write_text("".join(f"{line} {values[line.strip()[:-1]]}\n" if line.startswith("  ") else line + "\n"
                               for line in blank.splitlines()), encoding="utf-8")  # each empty value filled in
    filled = handout.read_text(encoding="utf-8")
    assert "answers:\n  loss: " in filled and f"precision: {precision}" in filled
    assert invoke("check", "out/ana/answers.yaml", expect=0).stderr == ""  # on the handout's own net.yaml
    invoke("check", "--assignment", "hwi.yaml", "out/ana/answers.yaml", expect=0)


def test_a_filled_handout_in_the_padhai_notation_passes_check_in_it(course):
    (course / "hwn.yaml").write_text("spec: net.yaml\nnotation: padhai\nquestions:\n  - {quantity: h12, points: 1}\n"
                                     "  - {quantity: dL/da21, points: 1}\n", encoding="utf-8")
    invoke("assign", "hwn.yaml", "--roster", "one.csv", "-o", "out", expect=0)
    handout = course / "out" / "cy" / "answers.yaml"
    blank = handout.read_text(encoding="utf-8")
    assert "\nnotation: padhai\n" in blank
    key = invoke("key", "--assignment", "hwn.yaml", "--student", "cy", expect=0).stdout
    handout.write_text(blank.split("answers:")[0] + "answers:" + key.split("answers:")[1], encoding="utf-8")
    data = json.loads(invoke("check", "out/cy/answers.yaml", "--format", "json", expect=0).stdout)
    assert [(r["quantity"], r["verdict"]) for r in data["files"][0]["results"]] == [("h12", "right"),
                                                                                    ("dL/da21", "right")]
    invoke("check", "--assignment", "hwn.yaml", "out/cy/answers.yaml", expect=0)
