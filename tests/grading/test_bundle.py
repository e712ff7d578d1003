"""grading.bundle: the files an assignment takes to the autograder (itself, its spec, the spec's
matrix files, its roster), each inside the assignment's folder, at the same relative path."""
import os

import pytest
from conftest import SPECS

from backprop_cli.errors import SpecError, UsageError
from backprop_cli.grading.bundle import _normalised, assignment_files

QUESTIONS = "questions:\n  - {quantity: loss, points: 1}\n  - {quantity: dL/dw111, points: 2}\n"
NET = """input: [1, 2]
target: [1]
loss: squared_error
learning_rate: 0.5
layers:
  - activation: sigmoid
    weights: {file: w1.csv}
    biases: 0
  - activation: sigmoid
    weights: [[0.3, -0.2]]
    biases: 0
"""
PERSONAL = "personal: {spec: net.yaml, seed: s, weights: {from: -1, to: 1, decimals: 1}}\n"


@pytest.fixture
def course(tmp_path, monkeypatch):
    """hw/: an assignment naming nets/net.yaml, whose weights come from nets/w1.csv."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hw" / "nets").mkdir(parents=True)
    (tmp_path / "hw" / "nets" / "net.yaml").write_text(NET, encoding="utf-8")
    (tmp_path / "hw" / "nets" / "w1.csv").write_text("0.1,0.2\n-0.3,0.4\n", encoding="utf-8")
    (tmp_path / "hw" / "hw.yaml").write_text("spec: nets/net.yaml\n" + QUESTIONS, encoding="utf-8")
    return tmp_path


def write(course, text, name="hw/a.yaml"):
    (course / name).write_text(text, encoding="utf-8")
    return name


def names(path):
    return [f.name for f in assignment_files(path)[1]]


def problems(path):
    with pytest.raises(SpecError) as caught:
        assignment_files(path)
    return [str(p) for p in caught.value.problems]


def test_the_assignment_its_spec_and_the_specs_matrix_files(course):
    loaded, files = assignment_files("hw/hw.yaml")
    assert [f.name for f in files] == ["hw.yaml", "nets/net.yaml", "nets/w1.csv"]
    assert files[2].source == (course / "hw" / "nets" / "w1.csv").resolve() and loaded.max_score == 3
    assert files[1].folders == ("nets",)


def test_an_inline_network_names_its_matrix_files_from_the_assignments_folder(course):
    inline = "network:\n" + "".join(f"  {line}\n" for line in NET.replace("w1.csv", "nets/w1.csv").splitlines())
    assert names(write(course, inline + QUESTIONS)) == ["a.yaml", "nets/w1.csv"]


def test_a_personal_assignment_needs_a_roster_and_brings_it(course):
    (course / "hw" / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), "utf-8")
    (course / "hw" / "roster.csv").write_text("id\nana\n", encoding="utf-8")
    asked = "questions:\n  - {quantity: loss, points: 1}\n"
    [refused] = problems(write(course, PERSONAL + asked))
    assert refused.startswith("hw/a.yaml:1:11: a personal assignment needs `roster:` for Gradescope")
    assert "sid" in refused
    assert names(write(course, PERSONAL + "roster: roster.csv\n" + asked)) == ["a.yaml", "net.yaml", "roster.csv"]


@pytest.mark.parametrize("spec, says", [
    ("../outside.yaml", "is outside the assignment's folder"),
    ("/abs/net.yaml", "is an absolute path"),
    ("nets/../../outside.yaml", "is outside the assignment's folder"),
    ("../hw/net.yaml", "climbs out of the assignment's folder and back in"),  # an IndexError once (exit 3)
])
def test_a_file_outside_the_folder_is_refused_where_it_is_named(course, spec, says):
    (course / "outside.yaml").write_text(NET.replace("{file: w1.csv}", "[[0.1, 0.2], [-0.3, 0.4]]"), "utf-8")
    (course / "hw" / "net.yaml").write_text((course / "outside.yaml").read_text(encoding="utf-8"), "utf-8")
    if spec.startswith("/"):
        spec = str(course / "outside.yaml")
    [problem] = problems(write(course, f"spec: {spec}\n" + QUESTIONS))
    assert problem.startswith("hw/a.yaml:1:7: the spec ") and says in problem


def test_a_link_out_of_the_folder_is_refused_one_inside_is_copied_as_a_file(course):
    (course / "w1.csv").write_text("0.1,0.2\n-0.3,0.4\n", encoding="utf-8")
    os.replace(course / "hw" / "nets" / "w1.csv", course / "hw" / "nets" / "inside.csv")
    os.symlink(course / "w1.csv", course / "hw" / "nets" / "w1.csv")
    [problem] = problems("hw/hw.yaml")
    assert problem.startswith("hw/nets/net.yaml:7:21: the matrix file 'nets/w1.csv' is outside")  # located in the spec
    os.unlink(course / "hw" / "nets" / "w1.csv")
    os.symlink("inside.csv", course / "hw" / "nets" / "w1.csv")
    files = assignment_files("hw/hw.yaml")[1]
    assert files[2].name == "nets/w1.csv" and files[2].source.name == "inside.csv"


def test_a_matrix_file_named_through_dot_dot_stays_inside(course):
    (course / "hw" / "w1.csv").write_text("0.1,0.2\n-0.3,0.4\n", encoding="utf-8")
    (course / "hw" / "nets" / "net.yaml").write_text(NET.replace("w1.csv", "../w1.csv"), encoding="utf-8")
    assert names("hw/hw.yaml") == ["hw.yaml", "nets/net.yaml", "w1.csv"]


def test_every_problem_at_once(course):
    (course / "roster.csv").write_text("id\nana\n", encoding="utf-8")
    (course / "hw" / "nets" / "net.yaml").write_text(NET.replace("w1.csv", "../../w1.csv"), encoding="utf-8")
    (course / "w1.csv").write_text("0.1,0.2\n-0.3,0.4\n", encoding="utf-8")
    found = problems(write(course, "spec: nets/net.yaml\nroster: ../roster.csv\n" + QUESTIONS))
    assert [p.split(":")[0] for p in found] == ["hw/a.yaml", "hw/nets/net.yaml"]
    assert "the roster '../roster.csv'" in found[0] and "the matrix file 'nets/../../w1.csv'" in found[1]


def test_standard_input_is_no_folder(course):
    with pytest.raises(UsageError, match="not standard input"):
        assignment_files("-")


def test_an_invalid_assignment_is_reported_as_loading_it_does(course):
    assert "questions" in problems(write(course, "spec: nets/net.yaml\n"))[0]


@pytest.mark.parametrize("written, name, folders", [
    ("net.yaml", "net.yaml", ()),
    ("./a/b/net.yaml", "a/b/net.yaml", ("a", "a/b")),
    ("a/../net.yaml", "net.yaml", ("a",)),
    ("a//b/./../c.csv", "a/c.csv", ("a", "a/b")),
])
def test_names_are_normalised_and_keep_the_folders_they_pass(written, name, folders):
    assert _normalised(written) == (name, folders)
