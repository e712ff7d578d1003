"""cli.grading: `check` and `key`: the options' rules and messages, which API call is made with
what, exit statuses 0/1/2, what goes to standard error, the report files, GitHub Actions' output."""
import json

import pytest
from conftest import SPECS, invoke

import backprop_cli.api.grading as grading_api
from backprop_cli.cli import grading as cli_grading


@pytest.fixture
def course(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "right.yaml").write_text("spec: net.yaml\nanswers:\n  loss: 0.1055\n", encoding="utf-8")
    (tmp_path / "wrong.yaml").write_text("spec: net.yaml\nanswers:\n  loss: 0.2000\n", encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("spec: net.yaml\nanswers: 5\n", encoding="utf-8")  # not a mapping
    (tmp_path / "hw.yaml").write_text("spec: net.yaml\nquestions:\n  - {quantity: loss, points: 2}\n",
                                      encoding="utf-8")
    return tmp_path


def record(monkeypatch, module, name):
    calls, original = [], getattr(module, name)

    def wrapper(*args, **kwargs):
        calls.append((args, kwargs))
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


def usage_error(result, message):
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.endswith(f"Error: {message}\n"), result.stderr


@pytest.mark.parametrize("files, status", [(["right.yaml"], 0), (["right.yaml", "wrong.yaml"], 1),
                                           (["wrong.yaml", "broken.yaml"], 2), (["broken.yaml"], 2)])
def test_check_exit_status_invalid_wins(course, files, status):
    assert invoke("check", *files, "--format", "json").exit_code == status


def test_check_an_invalid_files_problems_go_to_standard_error_and_the_others_are_graded(course):
    result = invoke("check", "broken.yaml", "right.yaml", "--format", "json", expect=2)
    assert result.stderr.startswith("broken.yaml:2:10: ")
    data = json.loads(result.stdout)
    assert [f["results"][0]["verdict"] for f in data["files"] if f.get("results")] == ["right"]


def test_check_needs_an_answers_file(course):
    assert "Missing argument 'ANSWERS...'" in invoke("check", expect=2).stderr


@pytest.mark.parametrize("extra", [["--student", "ana"], ["--gradebook", "g.csv"], ["--summary"],
                                   ["--gradescope", "r.json"]])
def test_check_class_options_need_an_assignment(course, extra):
    usage_error(invoke("check", "right.yaml", *extra),
                "--student, --roster, --roster-id, --feedback, --gradebook, --summary and --gradescope go with "
                "--assignment FILE")


def test_check_gradescope_is_for_one_file(course):
    usage_error(invoke("check", "right.yaml", "wrong.yaml", "--assignment", "hw.yaml", "--gradescope", "r.json"),
                "--gradescope writes the results.json of one submission: give one answers file")
    assert not (course / "r.json").exists()


def test_check_text_save_suffix_is_refused_before_grading(course, monkeypatch):
    calls = record(monkeypatch, grading_api, "check")
    usage_error(invoke("check", "right.yaml", "--save", "r.pdf"),
                "Invalid value for --save: a text report is saved as .html, .svg or .txt (other formats: any name)")
    assert calls == []


def test_check_calls_the_plain_or_the_class_grader(course, monkeypatch):
    plain = record(monkeypatch, grading_api, "check")
    klass = record(monkeypatch, grading_api, "check_class")
    invoke("check", "right.yaml", "wrong.yaml", "--format", "json", expect=1)
    assert plain == [((("right.yaml", "wrong.yaml"),), {})] and klass == []
    invoke("check", "right.yaml", "--assignment", "hw.yaml", "--student", "ana", "--format", "json", expect=0)
    ((args, kwargs),) = klass  # the assignment, read with its roster first
    assert args[0].file == "hw.yaml" and args[1:] == (("right.yaml",), "ana") and kwargs == {"feedback": None}
    assert len(plain) == 1


def test_check_with_an_assignment_writes_gradebook_and_gradescope(course):
    invoke("check", "right.yaml", "--assignment", "hw.yaml", "--student", "ana", "--gradebook", "g.csv",
           "--gradescope", "r.json", "--quiet", expect=0)
    gradebook = (course / "g.csv").read_text(encoding="utf-8").splitlines()
    assert gradebook[0].startswith("student,score,max_score") and gradebook[1].startswith("ana,2")
    assert json.loads((course / "r.json").read_text(encoding="utf-8"))["score"] == 2


def test_check_json_saved_is_what_was_printed(course):
    result = invoke("check", "wrong.yaml", "--format", "json", "--save", "report.json", expect=1)
    assert (course / "report.json").read_text(encoding="utf-8") == result.stdout


def test_on_github_actions_annotations_go_to_standard_error(course, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = invoke("check", "wrong.yaml", "--format", "json", expect=1)
    assert result.stderr.startswith("::error file=wrong.yaml,line=3")
    json.loads(result.stdout)  # standard output is still the report alone


def test_a_job_summary_that_cannot_be_written_is_a_warning(course, monkeypatch, capsys):
    from backprop_cli.api.grading import check_class

    (course / "summary").mkdir()
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(course / "summary"))
    cli_grading._github(check_class("hw.yaml", ["right.yaml"], "ana"), 6)
    err = capsys.readouterr().err
    assert err.endswith("warning: cannot write the job summary to GITHUB_STEP_SUMMARY: Is a directory\n")
    (course / "summary.md").write_text("before\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(course / "summary.md"))
    cli_grading._github(check_class("hw.yaml", ["right.yaml"], "ana"), 6)
    text = (course / "summary.md").read_text(encoding="utf-8")
    assert text.startswith("before\n") and len(text) > len("before\n")  # appended to, as the runner asks


def test_key_options_rules(course):
    usage_error(invoke("key", "--example", "padhai-4-4-2", "--student", "ana"),
                "--student, --roster, --roster-id and -o go with --assignment FILE")
    usage_error(invoke("key", "net.yaml", "--assignment", "hw.yaml"),
                "--assignment brings its own network: give no SPEC, --example or --expr")
    usage_error(invoke("key", "--expr", "x", "--at", "x=1", "--assignment", "hw.yaml"),
                "--assignment brings its own network: give no SPEC, --example or --expr")


@pytest.mark.parametrize("args, spec_path", [
    (["net.yaml"], "net.yaml"), (["net.yaml", "--inline"], None), (["--example", "padhai-4-4-2"], None),
])
def test_key_names_the_spec_by_path_only_for_a_spec_file(course, monkeypatch, args, spec_path):
    calls = record(monkeypatch, grading_api, "key")
    out = invoke("key", *args, "--quantity", "loss", "--decimals", "3", expect=0).stdout
    ((_, kwargs),) = calls
    assert kwargs == {"decimals": 3, "notation": "default", "spec_path": spec_path}
    assert ("spec: \"net.yaml\"" in out) == (spec_path is not None)
    assert "loss: 0.105\n" in out


def test_key_from_standard_input_is_inline(course, monkeypatch):
    calls = record(monkeypatch, grading_api, "key")
    invoke("key", "-", "--quantity", "loss", input=(course / "net.yaml").read_text(), expect=0)
    assert calls[0][1]["spec_path"] is None


@pytest.mark.slow
def test_a_printed_key_checks_as_right(course):
    (course / "key.yaml").write_text(invoke("key", "net.yaml", expect=0).stdout, encoding="utf-8")
    assert invoke("check", "key.yaml", "--quiet").exit_code == 0


def test_assignment_key_for_a_student(course, monkeypatch):
    calls = record(monkeypatch, grading_api, "assignment_key")
    out = invoke("key", "--assignment", "hw.yaml", "--student", "ana", "--decimals", "2", expect=0).stdout
    assert calls == [(("hw.yaml", "ana", ()), {"decimals": 2, "roster": None, "roster_id": None})]
    assert "loss: 0.11" in out


def test_a_report_never_replaces_one_of_the_runs_inputs(course):
    before = (course / "right.yaml").read_text(encoding="utf-8")
    result = invoke("check", "right.yaml", "--junit", "right.yaml", expect=2)
    assert "right.yaml is one of this run's inputs: write the report elsewhere" in result.stderr
    assert (course / "right.yaml").read_text(encoding="utf-8") == before
    result = invoke("check", "right.yaml", "--assignment", "hw.yaml", "--student", "ana", "--gradebook", "hw.yaml",
                    expect=2)
    assert "hw.yaml is one of this run's inputs" in result.stderr


def test_a_folder_named_like_an_option_never_overwrites_an_answers_file(course):
    (course / "--junit=ana").mkdir()
    (course / "ana").mkdir()
    for folder in ("--junit=ana", "ana"):
        (course / folder / "answers.yaml").write_text((course / "right.yaml").read_text(encoding="utf-8"))
        (course / folder / "net.yaml").write_text((course / "net.yaml").read_text(encoding="utf-8"))
    before = (course / "ana" / "answers.yaml").read_text(encoding="utf-8")
    # the shell's glob, without --: click reads the first folder as --junit=ana/answers.yaml, an input
    result = invoke("check", "--junit=ana/answers.yaml", "ana/answers.yaml", expect=2)
    assert "is one of this run's inputs" in result.stderr
    assert (course / "ana" / "answers.yaml").read_text(encoding="utf-8") == before
    # with --, as the examples write it: both are answers files
    result = invoke("check", "--", "--junit=ana/answers.yaml", "ana/answers.yaml", expect=0)
    assert "--junit=ana/answers.yaml" in result.stdout


def test_a_folder_named_like_an_option_never_replaces_one_given(course):
    (course / "--assignment=zed").mkdir()
    (course / "--assignment=zed" / "answers.yaml").write_text("spec: net.yaml\nquestions:\n  - {quantity: loss}\n")
    result = invoke("check", "--assignment", "hw.yaml", "--student", "ana", "--assignment=zed/answers.yaml",
                    "right.yaml", expect=2)
    assert "--assignment is given twice (as --assignment too); a student's folder named like an option? Put -- " \
           "before the answers files" in result.stderr
    invoke("check", "--assignment", "hw.yaml", "--student", "ana", "--", "right.yaml", expect=0)  # after --: files


def test_a_report_never_replaces_the_spec_an_answers_file_names(course):
    before = (course / "net.yaml").read_text(encoding="utf-8")
    result = invoke("check", "right.yaml", "--junit", "net.yaml", expect=2)
    assert "net.yaml is one of this run's inputs" in result.stderr
    assert (course / "net.yaml").read_text(encoding="utf-8") == before
