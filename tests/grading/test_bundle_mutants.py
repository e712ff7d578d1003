"""grading.bundle, the cases a mutation run found untested: a spec refused for lying outside the
folder takes none of its matrix files along (nor refuses them a second time), a name that cannot
be resolved (a loop of links) is refused with the reason, and a name that is no text is skipped."""
import os

from backprop_cli.grading.bundle import _Collector
from backprop_cli.spec.yamlsafe import parse

from .test_bundle import NET, QUESTIONS, course, problems, write

__all__ = ["course"]  # the fixture, shared with test_bundle


def test_a_spec_outside_the_folder_is_refused_once_and_its_matrix_files_are_not_looked_at(course):
    # shared/net.yaml names ../w1.csv (beside it: the course's w1.csv, out of hw/ as well); the spec
    # alone is refused: its matrix files are named from a folder the copy will not have
    (course / "shared").mkdir()
    (course / "shared" / "net.yaml").write_text(NET.replace("w1.csv", "../w1.csv"), encoding="utf-8")
    (course / "w1.csv").write_text("0.1,0.2\n-0.3,0.4\n", encoding="utf-8")
    [problem] = problems(write(course, "spec: ../shared/net.yaml\n" + QUESTIONS))
    assert problem.startswith("hw/a.yaml:1:7: the spec '../shared/net.yaml' is outside the assignment's folder")


def test_a_name_through_a_loop_of_links_is_refused_with_the_reason(tmp_path):
    os.symlink("loop", tmp_path / "loop")  # loop → loop: resolving loop/w.csv never ends
    doc = parse("roster: loop/w.csv\n", "a.yaml")
    collector = _Collector(tmp_path)
    assert collector.named("loop/w.csv", doc, ("roster",), "the roster") is None
    [problem] = collector.problems
    assert (problem.file, problem.line, problem.column) == ("a.yaml", 1, 9) and collector.files == []
    assert problem.message.startswith("the roster 'loop/w.csv': cannot use this name (Symlink loop from ")
    # a NUL in the name: the reason is the error's own sentence
    collector = _Collector(tmp_path)
    assert collector.named("w\0.csv", doc, ("roster",), "the roster") is None
    assert collector.problems[0].message.endswith("cannot use this name (embedded null byte)")


def test_a_name_that_is_no_text_or_empty_is_skipped_without_a_problem(tmp_path):
    doc = parse("roster: x\n", "a.yaml")
    collector = _Collector(tmp_path)
    for written in ("", 5, None):
        assert collector.named(written, doc, ("roster",), "the roster") is None
    assert collector.files == [] and collector.problems == []
    assert collector.named("x.csv", doc, ("roster",), "the roster") == ""  # at the top: folder ''
    assert [f.name for f in collector.files] == ["x.csv"]
