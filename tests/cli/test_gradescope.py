"""cli.gradescope: `backprop gradescope ASSIGNMENT -o FILE.zip`, the line saying what it wrote, and
its refusals (exit 2, nothing written)."""
import zipfile

import pytest
from conftest import SPECS, invoke

import backprop_cli.api.gradescope as gradescope_api

QUESTIONS = "questions:\n  - {quantity: loss, points: 1}\n"


@pytest.fixture
def course(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hw").mkdir()
    (tmp_path / "hw" / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), "utf-8")
    (tmp_path / "hw" / "hw3.yaml").write_text("spec: net.yaml\n" + QUESTIONS, encoding="utf-8")
    return tmp_path


@pytest.mark.slow
def test_it_writes_the_zip_through_the_api_and_says_what_is_in_it(course, monkeypatch):
    calls, original = [], gradescope_api.gradescope_bundle
    monkeypatch.setattr(gradescope_api, "gradescope_bundle", lambda *a: calls.append(a) or original(*a))
    result = invoke("gradescope", "hw/hw3.yaml", "-o", "autograder.zip", expect=0)
    assert calls == [("hw/hw3.yaml", "autograder.zip")] and result.stderr == ""
    first, second = result.stdout.splitlines()
    assert first.startswith("wrote autograder.zip: hw3.yaml, net.yaml, backprop (") and \
        first.endswith(" files), setup.sh and run_autograder")
    assert "Gradescope" in second
    with zipfile.ZipFile(course / "autograder.zip") as archive:
        assert {"setup.sh", "run_autograder", "assignment/hw3.yaml", "assignment/net.yaml"} <= set(archive.namelist())


def test_a_file_outside_the_assignments_folder_is_refused_at_its_line(course):
    (course / "hw" / "out.yaml").write_text("spec: ../elsewhere/net.yaml\n" + QUESTIONS, encoding="utf-8")
    (course / "elsewhere").mkdir()
    (course / "elsewhere" / "net.yaml").write_text((course / "hw" / "net.yaml").read_text("utf-8"), "utf-8")
    result = invoke("gradescope", "hw/out.yaml", "-o", "autograder.zip", expect=2)
    assert result.stderr.startswith("hw/out.yaml:1:7: the spec '../elsewhere/net.yaml' is outside the "
                                    "assignment's folder") and "hint: copy it into" in result.stderr
    assert result.stdout == "" and not (course / "autograder.zip").exists()


@pytest.mark.parametrize("args, says", [
    (["hw/hw3.yaml"], "Missing option '-o' / '--output'"),
    (["-o", "a.zip"], "Missing argument 'ASSIGNMENT'"),
    (["hw/hw3.yaml", "-o", "nosuch/a.zip"], "the folder nosuch does not exist"),
    (["hw/hw3.yaml", "-o", "hw"], "is a directory"),
    (["hw/hw3.yaml", "-o", "hw/net.yaml"], "one of the assignment's own files"),
    (["nosuch.yaml", "-o", "a.zip"], "nosuch.yaml"),
])
def test_refusals_are_exit_2_and_write_nothing(course, args, says):
    result = invoke("gradescope", *args, expect=2)
    assert says in result.stderr and result.stdout == "" and not (course / "a.zip").exists()


def test_help_teaches_with_an_example():
    out = invoke("gradescope", "--help", expect=0).stdout
    assert "backprop gradescope hw3.yaml -o autograder.zip" in out
    assert "sid" in out and "roster:" in out and "results.json" in out
