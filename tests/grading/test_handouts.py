"""grading.handouts: every handout's net.yaml loads on its own (an inline network as the
instructor wrote it, the files a spec names copied beside it), and every output path is checked
before the first file is written."""
import os
import stat

import numpy as np
import pytest
from conftest import SPECS

from backprop_cli.errors import UsageError
from backprop_cli.grading import handouts as H
from backprop_cli.grading.assignment import load_assignment
from backprop_cli.spec.reader import load_spec

QUESTIONS = "questions:\n  - {quantity: loss, points: 1}\n  - {quantity: dL/dw212, points: 2}\n"
NETWORK = ("  input: [2, 5]\n  target: [1]\n  learning_rate: 1e-1   # η\n  loss: squared_error\n  layers:\n"
           "    - activation: sigmoid\n      weights: [[0.1, -.3], [5E-1, 0.2]]\n      biases: [0, 0.1]\n"
           "    - activation: linear\n      weights: [[0.5, 0.8]]\n")


def assignment(folder, text):
    (folder / "hw.yaml").write_text(text, encoding="utf-8")
    return load_assignment(str(folder / "hw.yaml"))


def same_computation(handout, spec):
    mine, theirs = handout.compute(), spec.compute()
    assert mine.loss == theirs.loss
    assert [(name, value, gradient) for name, value, gradient, *_ in mine.parameters()] == \
        [(name, value, gradient) for name, value, gradient, *_ in theirs.parameters()]


def test_an_inline_network_is_its_own_text_and_computes_as_the_assignments(tmp_path):
    loaded = assignment(tmp_path, 'title: "HW"\nnetwork:   # everyone\'s\n' + NETWORK + "precision: {decimals: 4}\n"
                        + QUESTIONS)
    text = H.network_text(loaded)
    assert text == NETWORK.replace("\n  ", "\n")[2:]  # the numbers and comments as written, nothing else
    same_computation(load_spec(text=text), loaded.spec)


def test_an_inline_network_that_cannot_stand_alone_is_written_out_with_the_same_numbers(tmp_path):
    outdented = NETWORK.replace("[[0.5, 0.8]]", "[[0.5,\n0.8]]")  # YAML allows it; dedenting cannot keep it
    loaded = assignment(tmp_path, 'title: "HW"\nnetwork:\n  name: "The net"\n' + outdented + QUESTIONS)
    text = H.network_text(loaded)
    assert text.startswith('# HW: the network\nname: "The net"\ninput: [2.0, 5.0]\n')
    handout = load_spec(text=text)
    assert handout.name == "The net"
    same_computation(handout, loaded.spec)


def test_a_shared_spec_file_is_copied_as_written(tmp_path):
    (tmp_path / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    loaded = assignment(tmp_path, "spec: net.yaml\n" + QUESTIONS)
    assert H.network_text(loaded) == (tmp_path / "net.yaml").read_text(encoding="utf-8")
    assert H.matrix_copies(loaded.spec) == {}


def test_the_files_a_spec_names_are_copied_by_the_names_it_gives(tmp_path):
    (tmp_path / "mats").mkdir()
    np.save(tmp_path / "mats" / "w1.npy", np.array([[0.1, -0.3], [0.5, 0.2]]))
    (tmp_path / "w2.csv").write_text("0.5,0.8\n", encoding="utf-8")
    (tmp_path / "net.yaml").write_text(NETWORK.replace("\n  ", "\n")[2:]
                                       .replace("[[0.1, -.3], [5E-1, 0.2]]", "{file: mats/w1.npy}")
                                       .replace("[[0.5, 0.8]]", "{file: ./w2.csv}"), encoding="utf-8")
    loaded = assignment(tmp_path, "spec: net.yaml\n" + QUESTIONS)
    copies = H.matrix_copies(loaded.spec)
    assert copies == {"mats/w1.npy": (tmp_path / "mats" / "w1.npy").read_bytes(), "w2.csv": b"0.5,0.8\n"}
    H.write_handouts(loaded, ["ana"], tmp_path / "out")
    assert sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*") if p.is_file()) == \
        ["ana/answers.yaml", "ana/mats/w1.npy", "ana/net.yaml", "ana/w2.csv"]
    same_computation(load_spec(tmp_path / "out" / "ana" / "net.yaml", confined=True), loaded.spec)


@pytest.mark.parametrize("name", ["../w1.npy", "sub/../w1.npy", "ABSOLUTE"])
def test_a_file_name_that_would_leave_the_students_folder_is_refused(tmp_path, name):
    (tmp_path / "sub").mkdir()
    np.save(tmp_path / "w1.npy", np.array([[0.5, 0.8]]))
    name = str(tmp_path / "w1.npy") if name == "ABSOLUTE" else name
    spec_folder = tmp_path if name == "sub/../w1.npy" else tmp_path / "sub"
    (spec_folder / "net.yaml").write_text(NETWORK.replace("\n  ", "\n")[2:].replace(
        "[[0.5, 0.8]]", f'{{file: "{name}"}}'), encoding="utf-8")
    loaded = assignment(tmp_path, f"spec: {spec_folder.name if name != 'sub/../w1.npy' else '.'}/net.yaml\n"
                        + QUESTIONS)
    with pytest.raises(UsageError, match=r"net\.yaml:10:\d+: '.*w1\.npy' would lie outside the student's folder"):
        H.write_handouts(loaded, ["ana"], tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.fixture
def shared(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return assignment(tmp_path, "network:\n" + NETWORK + QUESTIONS)


def test_an_output_under_a_file_or_a_file_in_a_students_place_is_refused_before_writing(tmp_path, shared):
    (tmp_path / "taken").write_text("x")
    for output, message in [("taken", "cannot write handouts in taken: it is not a folder"),
                            ("taken/out", "cannot create taken/out: taken is not a folder")]:
        with pytest.raises(UsageError, match=f"^{message}$"):
            H.write_handouts(shared, ["ana", "bo"], output)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "bo").write_text("x")
    with pytest.raises(UsageError, match="^cannot make the folder out/bo: a file is in its place$"):
        H.write_handouts(shared, ["ana", "bo"], "out")
    assert sorted(os.listdir(tmp_path / "out")) == ["bo"]  # ana's handout is not written either


def test_a_folder_a_fifo_or_an_input_in_a_files_place_is_refused(tmp_path, shared):
    (tmp_path / "out" / "ana" / "answers.yaml").mkdir(parents=True)
    with pytest.raises(UsageError, match="^cannot write out/ana/answers.yaml: it is a folder$"):
        H.write_handouts(shared, ["ana"], "out")
    (tmp_path / "out" / "ana" / "answers.yaml").rmdir()
    os.mkfifo(tmp_path / "out" / "ana" / "net.yaml")
    with pytest.raises(UsageError, match=r"^cannot write out/ana/net.yaml: it is not a regular file \(a folder"):
        H.write_handouts(shared, ["ana"], "out")
    os.unlink(tmp_path / "out" / "ana" / "net.yaml")
    os.symlink(tmp_path / "hw.yaml", tmp_path / "out" / "ana" / "net.yaml")
    with pytest.raises(UsageError, match=r"^cannot write out/ana/net.yaml: it is one of this run's inputs"):
        H.write_handouts(shared, ["ana"], "out")
    assert (tmp_path / "hw.yaml").read_text(encoding="utf-8").startswith("network:")
    with pytest.raises(UsageError, match=r"^cannot write roster.csv/answers.yaml: it is one of this run's inputs"):
        (tmp_path / "roster.csv").mkdir()
        (tmp_path / "roster.csv" / "answers.yaml").write_text("x")
        H.write_handouts(shared, ["roster.csv"], ".", inputs=["roster.csv/answers.yaml"])


def test_a_read_only_output_folder_is_refused(tmp_path, shared, monkeypatch):
    (tmp_path / "ro").mkdir()
    os.chmod(tmp_path / "ro", stat.S_IRUSR | stat.S_IXUSR)
    if os.geteuid() == 0:  # root may write anyway: ask access() as a user would, so the check runs here too
        real = os.access
        monkeypatch.setattr(H.os, "access", lambda path, mode: real(path, mode) and not (
            mode & os.W_OK and os.path.basename(os.path.abspath(path)) == "ro"))
    try:
        with pytest.raises(UsageError, match="^cannot write in ro: the folder is not writable$"):
            H.write_handouts(shared, ["ana"], "ro")
        with pytest.raises(UsageError, match="^cannot create ro/out: the folder ro is not writable$"):
            H.write_handouts(shared, ["ana"], "ro/out")
    finally:
        os.chmod(tmp_path / "ro", stat.S_IRWXU)


def test_a_write_that_fails_all_the_same_leaves_nothing_it_made(tmp_path, shared, monkeypatch):
    (tmp_path / "out" / "bo").mkdir(parents=True)
    (tmp_path / "out" / "bo" / "notes.txt").write_text("mine")
    calls = []

    def write(path, content):
        calls.append(path)
        if len(calls) == 3:
            raise UsageError(f"cannot write {path}: No space left on device")
        (path).write_text(content)

    monkeypatch.setattr(H, "write_atomic", write)
    with pytest.raises(UsageError, match=r"^cannot write new/x/out/bo/net.yaml: No space left on device \(the files "
                                         "and folders this run had made are removed again\\)$"):
        H.write_handouts(shared, ["ana", "bo"], "new/x/out")
    assert not (tmp_path / "new").exists()
    with pytest.raises(UsageError):
        calls.clear()
        H.write_handouts(shared, ["ana", "bo"], "out")
    assert sorted(str(p.relative_to(tmp_path)) for p in (tmp_path / "out").rglob("*")) == ["out/bo", "out/bo/notes.txt"]


def test_a_personal_class_is_drawn_ahead_then_written(tmp_path, monkeypatch):
    (tmp_path / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    loaded = assignment(tmp_path, "personal:\n  spec: net.yaml\n  seed: s1\n  weights: {from: -1, to: 1, decimals: 1}\n"
                        + QUESTIONS)
    drawn = []
    monkeypatch.setattr(H, "prepare", lambda a, students: drawn.append((a, list(students))))
    H.write_handouts(loaded, ["ana", "bo"], tmp_path / "out")
    assert drawn == [(loaded, ["ana", "bo"])]
    for student in ("ana", "bo"):
        spec, _ = loaded.network_for(student)
        same_computation(load_spec(tmp_path / "out" / student / "net.yaml"), spec)
