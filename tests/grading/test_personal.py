"""grading.personal: every student's own numbers (SHAKE-256, the same everywhere), good problems,
handouts that read back exactly, and blank answers files."""
import hashlib

import numpy as np
import pytest
import yaml
from conftest import SPECS

from backprop_cli.core.engine import forward
from backprop_cli.core.names import notation
from backprop_cli.errors import NumericalError, SpecError
from backprop_cli.grading import personal as P
from backprop_cli.grading.assignment import load_assignment
from backprop_cli.grading.quantities import evaluate

QUESTIONS = "questions:\n  - {quantity: a12, points: 1}\n  - {quantity: dL/dz21, points: 2}\n" \
            "  - {quantity: dL/dw212, points: 2}\n"


@pytest.fixture
def assignment(tmp_path):
    (tmp_path / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "a.yaml").write_text(
        'title: "HW 3"\npersonal:\n  spec: net.yaml\n  seed: hw3-2026\n  weights: {from: -1, to: 1, decimals: 1}\n'
        "  biases: {from: -0.5, to: 0.5, decimals: 1}\n  input: {from: 0, to: 5, decimals: 0}\n" + QUESTIONS,
        encoding="utf-8")
    return load_assignment(str(tmp_path / "a.yaml"))


def test_draws_are_shake256_of_seed_id_attempt():
    stream = hashlib.shake_256(b"seed\x1falice\x1f3").digest(16)
    assert P.draws("seed", "alice", 3, 2) == [int.from_bytes(stream[:8], "big"), int.from_bytes(stream[8:], "big")]
    assert P.draws("seed", "alice", 3, 1) == P.draws("seed", "alice", 3, 2)[:1]
    assert P.draws("seed", "alice", 4, 1) != P.draws("seed", "alice", 3, 1)
    assert P.draws("seed", "bob", 3, 1) != P.draws("seed", "alice", 3, 1)


def test_draw_numbers_shapes_and_grid(assignment):
    samples, layers = P.draw_numbers(assignment, "alice", 0)
    assert len(samples) == 1 and len(samples[0]) == 4 and all(v in {0, 1, 2, 3, 4, 5} for v in samples[0])
    assert [(len(w), len(w[0]), len(b)) for w, b in layers] == [(4, 4, 4), (2, 4, 2)]
    for weights, biases in layers:
        for v in np.ravel(weights):
            assert -1 <= v <= 1 and abs(round(v * 10) - v * 10) < 1e-9
        assert all(-0.5 <= v <= 0.5 for v in biases)
    assert P.draw_numbers(assignment, "alice", 0) == (samples, layers)  # the same every time


def test_with_numbers_keeps_the_base(assignment):
    numbers = P.draw_numbers(assignment, "bob", 2)
    spec = P.with_numbers(assignment.personal.spec, *numbers)
    assert spec.inputs.tolist() == numbers[0]
    assert spec.layers[1].weights.tolist() == numbers[1][1][0]
    assert spec.document is None and spec.network.loss is assignment.personal.spec.network.loss
    assert assignment.personal.spec.layers[0].weights.tolist() != spec.layers[0].weights.tolist()


def test_a_students_network_is_a_good_problem(assignment):
    checked: list = []
    numbers = P.personal_numbers(assignment, "alice", checked)
    spec, result, _ = checked
    z, _ = forward(spec.network, spec.inputs)
    assert np.all(np.abs(z[1]) <= P.SATURATED)  # layer 1 is sigmoid: never saturated
    chosen = notation("default")
    for q in assignment.asked(chosen):
        assert abs(evaluate(result, q, chosen)) > P.NEAR
    # the first good attempt: every earlier attempt fails good_problem
    attempt = next(i for i in range(P.ATTEMPTS) if P.draw_numbers(assignment, "alice", i) == numbers)
    for i in range(attempt):
        assert P.good_problem(assignment, P.with_numbers(spec, *P.draw_numbers(assignment, "alice", i))) is None


def test_handout_reads_back_as_drawn(assignment):
    text, spec = P.personal_handout(assignment, "alice")
    assert text.startswith("# HW 3: the network of alice (numbers of your own: work them out yourself)\n"
                           'name: "HW 3 (alice)"\n')
    data = yaml.safe_load(text)
    numbers = P.personal_numbers(assignment, "alice")
    assert data["input"] == numbers[0][0]
    assert data["layers"][0]["weights"] == numbers[1][0][0] and data["layers"][1]["biases"] == numbers[1][1][1]
    assert (data["loss"], data["learning_rate"], data["target"]) == ("squared_error", 1, [1, 0])
    assert spec.layers[0].weights.tolist() == numbers[1][0][0]
    assert P.personal_handout(assignment, "alice")[0] == text  # stable


def test_personal_network_reuses_prepared_numbers(assignment):
    numbers = P.personal_numbers(assignment, "carol")
    assignment.__dict__["_prepared"] = {"carol": numbers}
    spec, result, diagnoser = P.personal_network(assignment, "carol")
    assert "carol" not in assignment.__dict__["_prepared"]
    assert spec.inputs.tolist() == numbers[0] and result.loss == spec.compute().loss
    again = P.personal_network(assignment, "carol")
    assert again[0].layers[0].weights.tolist() == spec.layers[0].weights.tolist()


def test_prepare_skips_small_classes(assignment):
    P.prepare(assignment, ["a", "b"])
    assert "_prepared" not in assignment.__dict__


def test_no_good_problem(assignment, monkeypatch):
    monkeypatch.setattr(P, "ATTEMPTS", 3)
    monkeypatch.setattr(P, "good_problem", lambda *_: None)
    with pytest.raises(SpecError) as info:
        P.personal_numbers(assignment, "dave")
    assert str(info.value).endswith(":1:1: no good problem for dave in 3 attempts\n"
                                    "  hint: widen the ranges of `personal:`, or ask other questions")


def test_blank_answers(assignment):
    text = P.blank_answers(assignment, 'o"neil')
    assert text == ('# HW 3: fill in each value (a number), keep the names as they are\nstudent: "o\\"neil"\n'
                    "spec: net.yaml\nanswers:\n  a12:\n  dL/dz21:\n  dL/dw212:\n")
    assert yaml.safe_load(text)["answers"] == {"a12": None, "dL/dz21": None, "dL/dw212": None}


def test_handout_of_a_batch_with_shared_and_no_biases(tmp_path):
    (tmp_path / "net.yaml").write_text(
        "inputs: [[1, 2], [3, 4]]\ntargets: [[1], [0]]\nloss: mse\nlayers:\n  - activation: {name: leaky_relu, "
        "alpha: 0.2}\n    weights: [[1, 1], [1, 1]]\n    biases: {shared: 0.1}\n  - activation: linear\n"
        "    weights: [[1, 1]]\n    biases: none\nfrozen: [b1]\nnames: {W: w211}\n", encoding="utf-8")
    (tmp_path / "a.yaml").write_text("personal: {spec: net.yaml, seed: s, weights: {from: 1, to: 2, decimals: 1}, "
                                     "biases: {from: 0, to: 1, decimals: 1}}\nquestions:\n  - {quantity: loss}\n")
    a = load_assignment(str(tmp_path / "a.yaml"))
    text, spec = P.personal_handout(a, "x")
    assert "inputs:\n  - [1.0, 2.0]\n  - [3.0, 4.0]\ntargets:\n  - [1.0]\n  - [0.0]\n" in text
    assert "{name: leaky_relu, alpha: 0.2}" in text and "    biases: none\n" in text
    assert "frozen: [b1]\nnames:\n  W: w211\n" in text
    assert spec.network.bias_styles == ("shared", "none") and spec.network.frozen == frozenset({"b1"})
    assert len(set(spec.layers[0].biases.tolist())) == 1


def test_handout_of_a_loss_none_spec_without_names_loads(tmp_path):
    # `loss: none` names L `f` without the spec writing it: the handout writes no empty `names:`
    (tmp_path / "net.yaml").write_text("input: [1.0]\noutput_gradient: [2.0, -1.0]\nloss: none\nlayers:\n"
                                       "  - activation: linear\n    weights: [[0.5], [0.4]]\n    biases: [0.0, 0.0]\n",
                                       encoding="utf-8")
    (tmp_path / "a.yaml").write_text("personal: {spec: net.yaml, seed: s, weights: {from: 1, to: 2, decimals: 1}}\n"
                                     "questions:\n  - {quantity: dL/dw111}\n")
    text, spec = P.personal_handout(load_assignment(str(tmp_path / "a.yaml")), "bob")
    assert "names:" not in text and spec.network.loss.name == "none"


def test_a_handout_is_written_from_the_numbers_drawn_ahead(assignment, monkeypatch):
    numbers = P.personal_numbers(assignment, "alice")
    assignment.__dict__["_prepared"] = {"alice": numbers}
    monkeypatch.setattr(P, "personal_numbers", lambda *_: pytest.fail("drawn again"))
    text, _spec = P.personal_handout(assignment, "alice")
    assert text == P.handout_text(assignment, "alice", numbers) and assignment.__dict__["_prepared"] == {}


@pytest.mark.slow
def test_a_draw_whose_training_diverges_is_drawn_again(tmp_path):
    # at learning rate 0.5 a linear unit diverges unless its inputs are small: many first draws do
    (tmp_path / "net.yaml").write_text("input: [1, 2]\ntarget: [1]\nloss: mse\nlearning_rate: 0.5\nlayers:\n"
                                       "  - {activation: linear, weights: [[0.5, 0.5]], biases: [0.1]}\n",
                                       encoding="utf-8")
    (tmp_path / "a.yaml").write_text("personal: {spec: net.yaml, seed: s, weights: {from: -0.5, to: 0.5, decimals: 1},"
                                     " input: {from: 0, to: 5, decimals: 0}}\nquestions:\n"
                                     "  - {quantity: w111_after2}\n  - {quantity: loss_after100}\n", encoding="utf-8")
    a = load_assignment(str(tmp_path / "a.yaml"))
    notes = notation(a.notation, a.personal.spec.network.names)
    after = a.asked(notes)[1]

    def diverges(numbers):
        try:
            evaluate(P.with_numbers(a.personal.spec, *numbers).compute(), after, notes)
        except NumericalError:
            return True
        return False

    students = [s for s in map(str, range(40)) if diverges(P.draw_numbers(a, s, 0))]
    assert students  # the case under test occurs
    for student in students[:5]:
        numbers = P.personal_numbers(a, student)  # never NumericalError
        assert not diverges(numbers) and numbers != P.draw_numbers(a, student, 0)


def verdicts(graded):
    return [(s.student, [(r.verdict, r.points, r.diagnosis) for r in s.results]) for s in graded]


@pytest.mark.slow
def test_a_class_is_graded_on_its_draws_whatever_net_yaml_its_answers_name(assignment, tmp_path):
    """The net.yaml a student's answers name is never what they are graded on: the verdicts are the
    same with the handouts, without them, with a classmate's (on a coarse grid it can equal one of
    this student's later attempts, so a lookup by numbers was unfair), an edited one, or one that
    cannot be read."""
    import os

    from backprop_cli.grading.handouts import write_handouts
    from backprop_cli.grading.key import key_values
    from backprop_cli.grading.submissions import grade_class

    students = ["ana", "bo", "cy", "di", "ed", "flo"]
    write_handouts(assignment, students, tmp_path / "class")
    paths = []
    for i, s in enumerate(students):
        _, result = assignment.network_for(s)
        values = dict(key_values(result, ["a12", "dL/dz21", "dL/dw212"], notation("default")))
        if i % 2:
            values["dL/dz21"] *= 2  # a mistake, so the diagnoses run too
        path = tmp_path / "class" / s / "answers.yaml"
        path.write_text("spec: net.yaml\nanswers:\n" + "".join(f"  {q}: {v:.4f}\n" for q, v in values.items()),
                        encoding="utf-8")
        paths.append(str(path))
    with_handouts = verdicts(grade_class(load_assignment(assignment.file), paths, None)[0])
    (tmp_path / "class" / "bo" / "net.yaml").unlink()
    ana = tmp_path / "class" / "ana"
    (tmp_path / "class" / "cy" / "net.yaml").write_text((ana / "net.yaml").read_text())
    (tmp_path / "class" / "cy" / "answers.yaml").write_text((ana / "answers.yaml").read_text())  # copied whole
    edited = (tmp_path / "class" / "di" / "net.yaml").read_text().replace("learning_rate: ", "learning_rate: 2")
    (tmp_path / "class" / "di" / "net.yaml").write_text(edited)
    (tmp_path / "class" / "ed" / "net.yaml").write_text("layers: [\n")
    (tmp_path / "class" / "flo" / "net.yaml").unlink()
    os.symlink(tmp_path / "net.yaml", tmp_path / "class" / "flo" / "net.yaml")  # a link out of the folder
    graded, invalid, _ = grade_class(load_assignment(assignment.file), paths, None)
    assert invalid == []
    again = dict(verdicts(graded))
    copied = again.pop("cy")
    assert again == {s: v for s, v in with_handouts if s != "cy"}
    # ana's answers on cy's own network: nothing of them right there
    assert [verdict for verdict, _, _ in copied] != [verdict for verdict, _, _ in dict(with_handouts)["ana"]]
