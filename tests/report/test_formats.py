"""report.formats: every (report, format) pair renders, and says whether it gives text or a renderable."""
import json
from xml.etree import ElementTree as ET

import pytest

from backprop_cli.api import computing as C
from backprop_cli.api.training import train
from backprop_cli.report.formats import (
    FILES,
    RENDERERS,
    Rendered,
    formats_of,
    github_lines,
    render,
    report_file,
    step_summary,
)

from ._course import class_run, plain


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    spec = C.load_example("mazur-2-2-2")
    circuit = C.load_example("cs231n-circuit")
    return {"Gradients": C.grad(spec), "expression Gradients": C.grad(circuit), "Trace": C.trace(spec, ["w5"]),
            "ExpressionTrace": C.trace(circuit), "GradientCheck": C.gradcheck(spec), "Training": train(spec, 2),
            "ExampleList": C.examples(), "ClassRun": class_run(tmp_path_factory.mktemp("class"))}


def test_formats_of():
    assert formats_of("Trace") == ("text", "json", "markdown", "latex")
    assert formats_of("Gradients") == ("text", "json") and formats_of("Nothing") == ()
    assert all(formats_of(name)[0] == "text" for name, _ in RENDERERS)


@pytest.mark.slow
def test_every_pair_renders(reports):
    for key, report in reports.items():
        for fmt in formats_of(type(report).__name__):
            out = render(report, fmt)
            assert isinstance(out, Rendered)
            if fmt == "text" and key != "ExampleList":
                assert out.text is None and plain(out.renderable).strip()
            else:
                assert out.text, (key, fmt)
            if fmt == "json":
                json.loads(out.text)


def test_json_renderings_are_the_reports_objects(reports):
    grad = json.loads(render(reports["Gradients"], "json").text)
    assert grad["loss"] == reports["Gradients"].computation.loss and len(grad["parameters"]) == 10
    assert json.loads(render(reports["expression Gradients"], "json").text)["output"] == -12.0
    assert json.loads(render(reports["ExampleList"], "json").text) == reports["ExampleList"].rows
    training = json.loads(render(reports["Training"], "json").text)
    assert training["losses"] == reports["Training"].runs[0].losses


def test_options(reports):
    short = plain(render(reports["Gradients"], "text", precision=2).renderable)
    assert "0.3" in short.splitlines()[0] and "0.2984" not in short
    forward = render(reports["Trace"], "markdown", order="forward").text
    assert forward.startswith("# Mazur 2-2-2")
    quiet = render(reports["ClassRun"], "text", quiet=True)
    assert quiet.lines is True and plain(quiet.renderable).splitlines()[0] == "alice/answers.yaml: alice 5/5"
    summary = plain(render(reports["ClassRun"], "text", summary=True).renderable)
    assert "Per question" in summary


def test_class_run_files(reports):
    run = reports["ClassRun"]
    assert report_file("gradebook-generic", run).splitlines()[0] == \
        "student,score,max_score,status,a12,dL/dz21,dL/dw212"
    ET.fromstring(report_file("junit", run).split("\n", 1)[1])
    assert json.loads(report_file("gradescope", run))["score"] == 5.0  # the first submission
    assert github_lines(run) == ["::error file=bob/answers.yaml,line=3,col=3::a12: given 1.8022, expected 0.802184"]
    assert step_summary(run).startswith("### HW \\| 3 &lt;b&gt;\n")
    assert set(FILES) == {("CheckRun", "junit"), ("ClassRun", "junit"), ("ClassRun", "gradescope"),
                          ("ClassRun", "gradebook-generic"), ("ClassRun", "gradebook-canvas"),
                          ("ClassRun", "gradebook-moodle")}


def test_check_run_files(tmp_path, monkeypatch):
    from backprop_cli.api.grading import check

    monkeypatch.chdir(tmp_path)
    (tmp_path / "net.yaml").write_text(C.example_text("mazur-2-2-2"))
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n  w5: 0.5\n")
    run = check(["a.yaml"])
    lines = github_lines(run)
    assert len(lines) == 1 and lines[0].startswith("::error file=a.yaml,line=3,col=3::w5: given 0.5, expected 0.4")
    assert step_summary(run) == ""
    root = ET.fromstring(report_file("junit", run).split("\n", 1)[1])
    assert root.find("testsuite").get("failures") == "1"
    assert plain(render(run, "text").renderable).splitlines()[-1] == "1 file: 0 right, 1 wrong"
    assert json.loads(render(run, "json").text)["failed"] == 1
