"""An independent attacker's pass over issue 25's training keys and quantities (optimizer:,
optimizer_state:, l2:, Δw, the optimiser's state, w212_afterK, loss_afterK, dX/dY): one
regression test per defect found, end to end through the command line. Each fails on the code
before its fix."""
import json

import pytest
from conftest import invoke

BASE = """input: [0.05, 0.10]
target: [0.01, 0.99]
loss: half_squared_error
learning_rate: 0.5
layers:
  - activation: sigmoid
    weights: [[0.15, 0.20], [0.25, 0.30]]
    biases: [0.35, 0.35]
  - activation: sigmoid
    weights: [[0.40, 0.45], [0.50, 0.55]]
    biases: [0.60, 0.60]
"""
# a 1-1 linear network whose error grows by 1.0079 an epoch: its loss overflows at epoch 45,101
DIVERGING = """input: [1.0]
target: [0.0]
loss: squared_error
learning_rate: 1.00395
layers:
  - activation: linear
    weights: [[1.0]]
    biases: none
"""


# a personal assignment on the spec beside it; its questions follow
PERSONAL = """title: HW
personal:
  spec: net.yaml
  seed: s1
  weights: {from: -1, to: 1, decimals: 1}
  biases: {from: -0.5, to: 0.5, decimals: 1}
  input: {from: 0, to: 5, decimals: 0}
roster: roster.csv
questions:
"""


def spec(tmp_path, text, name="net.yaml"):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path / name


def test_an_l2_term_that_overflows_is_refused_not_printed_as_infinity(tmp_path):
    # λ·w (1e305) is finite, (λ/2)·Σw² is not: the loss was inf, JSON exited 3 and `key` wrote inf
    net = spec(tmp_path, BASE.replace("[0.15, 0.20]", "[100000, 0.2]") + "l2: 1e300\n")
    for args in (("grad", net, "--format", "json"), ("trace", net, "--format", "json"),
                 ("gradcheck", net, "--format", "json"), ("key", net, "--quantity", "loss"),
                 ("step", net, "-o", "-")):
        result = invoke(*args, expect=2)
        assert "L2 term" in result.stderr and "Infinity" not in result.stdout and "inf" not in result.stdout
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n  loss: 1\n", encoding="utf-8")
    result = invoke("check", tmp_path / "a.yaml", "--format", "json", expect=2)
    assert "L2 term" in result.stderr


def test_a_batch_whose_summed_loss_overflows_is_refused(tmp_path):
    # each sample's loss is finite (1e308), their sum is not
    net = spec(tmp_path, """inputs: [[1.0e154], [1.0e154]]
targets: [[0.0], [0.0]]
reduction: sum
loss: squared_error
learning_rate: 1e-300
layers:
  - activation: linear
    weights: [[1.0]]
    biases: none
""")
    result = invoke("grad", net, "--format", "json", expect=2)
    assert "loss" in result.stderr and "Infinity" not in result.stdout


def test_an_optimizer_step_of_400_digits_is_a_located_problem(tmp_path):
    net = spec(tmp_path, BASE + "optimizer: adam\noptimizer_state: {step: " + "9" * 400 + "}\n")
    for args in (("step", net, "-o", "-"), ("grad", net, "--format", "json"), ("train", net, "--epochs", "2")):
        result = invoke(*args, expect=2)
        assert "net.yaml:13:" in result.stderr and "step" in result.stderr


def test_eps_0_over_a_zero_gradient_is_said_as_such(tmp_path):
    # x1 = 0: w111's gradient is 0, and Adam's 0/(√0 + 0) is not a number; it is no overflow
    net = spec(tmp_path, BASE.replace("[0.05, 0.10]", "[0.0, 0.10]") + "optimizer: {name: adam, eps: 0}\n")
    result = invoke("step", net, "-o", "-", expect=2)
    assert "eps" in result.stderr and "0/0" in result.stderr
    assert "smaller learning rate" not in result.stderr


def test_a_parameter_given_two_states_under_two_names_is_refused(tmp_path):
    net = spec(tmp_path, BASE + "optimizer: adam\n"
               "optimizer_state: {step: 1, w2_1_1: {m: 1, v: 1}, w211: {m: 2, v: 2}}\n")
    result = invoke("step", net, "-o", "-", expect=2)
    assert "net.yaml:13:" in result.stderr and "w211" in result.stderr and "w2_1_1" in result.stderr


def test_a_state_for_a_frozen_parameter_is_refused(tmp_path):
    # it was read (key said m_b11 = 1) and then dropped by step, which writes none for frozen ones
    net = spec(tmp_path, BASE + "frozen: [b11]\noptimizer: adam\n"
               "optimizer_state: {step: 1, b11: {m: 1, v: 1}}\n")
    result = invoke("key", net, "--quantity", "m_b11", expect=2)
    assert "net.yaml:14:" in result.stderr and "frozen" in result.stderr


def test_an_update_asked_for_one_sample_is_refused(tmp_path):
    # delta_w111[99] on a batch of 3 gave the batch's update, the sample index ignored
    net = spec(tmp_path, """inputs: [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
targets: [[1], [1], [0]]
loss: half_squared_error
learning_rate: 0.5
layers:
  - activation: sigmoid
    weights: [[0.5, -0.4], [0.9, 1.0]]
    biases: [0.1, -0.2]
  - activation: sigmoid
    weights: [[1.2, -0.8]]
    biases: [0.05]
""")
    for quantity in ("delta_w111[99]", "delta_w111[2]", "Δw111[1]"):
        result = invoke("key", net, "--quantity", quantity, expect=2)
        assert "whole batch" in result.stderr


def epochs_trained(monkeypatch) -> list:
    """The epochs of every call to core.training.train from now on: the work training does, which no
    machine's speed changes (the tests bound that, never a time)."""
    from backprop_cli.core import training

    calls = []
    real = training.train

    def counted(network, inputs, targets, rate, epochs, *args, **kwargs):
        calls.append(epochs)
        return real(network, inputs, targets, rate, epochs, *args, **kwargs)

    monkeypatch.setattr(training, "train", counted)
    return calls


@pytest.mark.slow
def test_updates_after_a_divergence_are_refused_once_not_retrained_per_answer(tmp_path, monkeypatch):
    # each of these answers trained 45,101 epochs again before failing: 100 answers took 145 s
    spec(tmp_path, DIVERGING)
    lines = "".join(f"  w111_after{k}: 0.5\n" for k in range(50_001, 50_041))
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n" + lines, encoding="utf-8")
    calls = epochs_trained(monkeypatch)
    result = invoke("check", tmp_path / "a.yaml", "--format", "json")
    assert len(calls) == 1, calls  # the divergence found once, not once an answer
    results = json.loads(result.stdout)["files"][0]["results"]
    assert len(results) == 40 and all(r["verdict"] == "not_graded" for r in results)


@pytest.mark.slow
def test_many_values_after_k_updates_cost_one_trajectory_within_the_bound(tmp_path):
    # K = 20,001 then 20,002, ...: the trajectory was doubled past the bound (and sliced per answer)
    spec(tmp_path, BASE)
    lines = "".join(f"  w111_after{k}: 0.5\n" for k in range(20_001, 20_301))
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n" + lines, encoding="utf-8")
    from backprop_cli.core import training

    calls = []
    real = training.train

    def counted(network, inputs, targets, rate, epochs, *args, **kwargs):
        calls.append(epochs)
        return real(network, inputs, targets, rate, epochs, *args, **kwargs)

    training.train = counted
    try:
        invoke("check", tmp_path / "a.yaml", expect=1)
    finally:
        training.train = real
    assert sum(calls) <= 100_000, calls


@pytest.mark.slow
def test_a_thousand_misspelt_names_on_a_big_network_cost_little(tmp_path, monkeypatch):
    # each 'did you mean' compared the name with all 1,050 parameters (58 ms each): 1,000 names in
    # optimizer_state: (or frozen:, or names:) took 15 s, 9,000 took 147 s, for one student's spec
    sizes = [20, 20, 20, 10]
    layers = "".join(f"  - activation: sigmoid\n    weights: {[[0.1] * sizes[i]] * sizes[i + 1]}\n"
                     for i in range(3))
    state = "".join(f"  w9_{i}_1: {{m: 1, v: 1}}\n" for i in range(1000))
    net = spec(tmp_path, f"input: {[0.5] * 20}\ntarget: {[0.5] * 10}\nloss: half_squared_error\n"
               f"learning_rate: 0.1\nlayers:\n{layers}optimizer: adam\noptimizer_state:\n{state}")
    import difflib

    from backprop_cli.spec.hints import _COMPARED

    compared = []
    real = difflib.get_close_matches
    monkeypatch.setattr(difflib, "get_close_matches",
                        lambda word, known, *a, **k: compared.append(len(known)) or real(word, known, *a, **k))
    result = invoke("step", net, "-o", "-", expect=2)
    # each name is compared with a few names of the same start, never with all 1,050 parameters
    assert len(compared) >= 50 and max(compared) <= _COMPARED, (len(compared), max(compared))
    assert result.stderr.count("is not a parameter of this network") == 50  # the first 50, then a count
    assert result.stderr.rstrip().endswith("… and 950 more problems (fix these, then run again)")
    from backprop_cli.spec.hints import nearest

    names = [f"w1_{j}_{k}" for j in range(1, 21) for k in range(1, 21)]
    assert nearest("w1_3_7x", names) == "did you mean 'w1_3_7'?"
    assert nearest("qqqq", names).endswith(", ... (400 in all)")


def test_an_output_that_is_no_regular_file_is_not_offered_force(tmp_path):
    # `-o FIFO` said "FIFO exists; add --force to replace it", and --force then refused it
    import os

    net = spec(tmp_path, BASE)
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "folder").mkdir()
    for command in (("step",), ("train", "--epochs", "1")):
        for target in ("pipe", "folder"):
            result = invoke(*command, net, "-o", tmp_path / target, expect=2)
            assert "--force" not in result.stderr and ("not a regular file" in result.stderr
                                                       or "folder" in result.stderr)


def test_a_personal_handout_keeps_the_optimizer_l2_and_state_it_is_graded_with(tmp_path):
    # the handout's net.yaml was written without optimizer:, l2: and optimizer_state:, so a student
    # worked plain descent out of it while the key used Adam (and `key` on it refused m_w212)
    spec(tmp_path, BASE + "optimizer: {name: adam, beta1: 0.8}\nl2: 0.01\n"
         "optimizer_state: {step: 2, w111: {m: 0.5, v: 0.25}}\n")
    (tmp_path / "hw.yaml").write_text(PERSONAL + """  - {quantity: m_w212, points: 1}
  - {quantity: w111_after2, points: 1}
  - {quantity: loss, points: 1}
""", encoding="utf-8")
    (tmp_path / "roster.csv").write_text("id\nann\n", encoding="utf-8")
    invoke("assign", tmp_path / "hw.yaml", "-o", tmp_path / "out", expect=0)
    key = invoke("key", "--assignment", tmp_path / "hw.yaml", "--student", "ann", expect=0).stdout
    own = invoke("key", tmp_path / "out" / "ann" / "net.yaml", "--quantity", "m_w212", "--quantity", "w111_after2",
                 "--quantity", "loss", expect=0).stdout
    assert key.split("answers:")[1] == own.split("answers:")[1]


def test_a_quantity_an_assignment_does_not_ask_is_not_worked_out(tmp_path, monkeypatch):
    # `w111_after100000: 0` pasted into every answers file of a personal class trained every
    # student's network 100,000 epochs (7.7 s a file) for an answer listed as not graded
    spec(tmp_path, BASE + "optimizer: adam\n")
    (tmp_path / "hw.yaml").write_text(PERSONAL + """  - {quantity: a12, points: 1}
""", encoding="utf-8")
    (tmp_path / "roster.csv").write_text("id\nann\nbob\n", encoding="utf-8")
    paths = []
    for student in ("ann", "bob"):
        (tmp_path / student).mkdir()
        paths.append(tmp_path / student / "answers.yaml")
        paths[-1].write_text("answers:\n  a12: 0.5\n  w111_after100000: 0\n  loss_after99999: 0\n", encoding="utf-8")
    calls = epochs_trained(monkeypatch)
    result = invoke("check", "--assignment", tmp_path / "hw.yaml", "--format", "json", "--", *paths)
    assert calls == []  # nothing is trained for answers the assignment does not ask
    assert result.exit_code == 1
    for file in json.loads(result.stdout)["files"]:
        assert {"w111_after100000", "loss_after99999"} <= set(file["not_graded"])


def test_ctrl_c_while_a_check_trains_stops_the_check(tmp_path, monkeypatch):
    # Ctrl-C during w111_after100000's training was taken for "training does not reach 100000
    # updates": that answer was not graded, the next trained again, and the report was written (exit 1)
    from backprop_cli.core import training

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(training, "moved", interrupted)
    spec(tmp_path, BASE)
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n  w212_after1000: 0.5\n  loss_after10: 0.1\n",
                                     encoding="utf-8")
    result = invoke("check", tmp_path / "a.yaml", "--junit", tmp_path / "j.xml")
    assert result.exit_code == 130
    assert not (tmp_path / "j.xml").exists()


def test_train_takes_no_overflowing_sum_of_finite_values_for_a_divergence(tmp_path):
    # twenty weights of -1.25e307 each, a saturated sigmoid: every value and the loss are finite, so
    # `step` writes them; train's sum of the values overflowed and it said "training diverged"
    net = spec(tmp_path, f"input: {[1.0] * 20}\ntarget: [0.0]\nloss: half_squared_error\nlearning_rate: 1e308\n"
               f"layers:\n  - activation: sigmoid\n    weights: [{[0.0] * 20}]\n")
    invoke("step", net, "-o", tmp_path / "stepped.yaml", expect=0)
    invoke("train", net, "--epochs", "1", "-o", tmp_path / "trained.yaml", expect=0)
    assert (tmp_path / "stepped.yaml").read_text() == (tmp_path / "trained.yaml").read_text()


def test_a_partial_whose_paths_cancel_is_exactly_0(tmp_path):
    # the 4-4-2 example's two weights from a11 are equal (0.5), so ∂ŷ1/∂z11 = 0 through the softmax;
    # dX/dY gave 1.4e-19, the key wrote 17 decimals and a student's 0 was judged imprecise
    from conftest import SPECS

    (tmp_path / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    key = invoke("key", tmp_path / "net.yaml", "--quantity", "dyhat1/dz11", "--quantity", "dyhat2/da11",
                 expect=0).stdout
    assert "dyhat1/dz11: 0.0000\n" in key and "dyhat2/da11: 0.0000\n" in key
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n  dyhat1/dz11: 0\n", encoding="utf-8")
    result = json.loads(invoke("check", tmp_path / "a.yaml", "--format", "json", expect=0).stdout)
    assert result["files"][0]["results"][0]["verdict"] == "right"


def test_a_spec_ending_with_a_document_end_marker_can_be_stepped(tmp_path):
    # the state was added after `...`, as a second document: "cannot write the update into this
    # spec's layout without breaking it; write `biases: 0` under each layer's weights"
    net = spec(tmp_path, BASE + "optimizer: adam\n... # the end\n")
    invoke("step", net, "-o", tmp_path / "one.yaml", expect=0)
    invoke("step", tmp_path / "one.yaml", "-o", tmp_path / "two.yaml", expect=0)
    invoke("train", net, "--epochs", "2", "-o", tmp_path / "trained.yaml", expect=0)
    assert (tmp_path / "two.yaml").read_text() == (tmp_path / "trained.yaml").read_text()
    assert (tmp_path / "two.yaml").read_text().endswith("... # the end\n")


def test_latex_takes_a_root_of_a_number_in_scientific_notation_whole():
    # Adam's worked update printed √(1.92342×)·10^{-7}: \sqrt{1.92342\times} 10^{-7}
    result = invoke("trace", "--example", "mazur-2-2-2", "--weight", "w1", "--format", "latex", expect=0)
    assert "\\times}" not in result.stdout
    net = invoke("trace", "-", "--weight", "w111", "--format", "latex", input=BASE + "optimizer: adam\n", expect=0)
    assert "\\sqrt{1.92342\\times 10^{-7}}" in net.stdout and "\\times}" not in net.stdout


@pytest.mark.slow
def test_a_personal_draw_trains_only_once_its_cheaper_questions_pass(tmp_path, monkeypatch):
    # each draw of a personal network worked out w212_after200 before its cheap questions rejected
    # it: 10 students' keys trained 98 times (19,600 epochs), 48 s for one student at K = 20,000
    from backprop_cli.core import training

    spec(tmp_path, BASE + "optimizer: adam\n")
    (tmp_path / "hw.yaml").write_text(PERSONAL + """  - {quantity: a12, points: 1}
  - {quantity: m_w212, points: 1}
  - {quantity: dL/dw111, points: 1}
  - {quantity: w212_after200, points: 1}
""", encoding="utf-8")
    (tmp_path / "roster.csv").write_text("id\n" + "".join(f"s{i}\n" for i in range(10)), encoding="utf-8")
    calls, real = [], training.train
    monkeypatch.setattr(training, "train", lambda *args, **kwargs: calls.append(args[4]) or real(*args, **kwargs))
    for i in range(10):
        invoke("key", "--assignment", tmp_path / "hw.yaml", "--student", f"s{i}", expect=0)
    assert len(calls) <= 40, len(calls)


def test_a_parameter_named_step_under_an_optimizer_with_state_is_a_located_problem(tmp_path):
    # `names: {step: w111}` under Adam: step and train worked, then could not write the state
    # (two `step:` keys) and said "write `biases: 0` under each layer's weights"; train lost its epochs
    net = spec(tmp_path, BASE + "optimizer: adam\nnames:\n  step: w111\n")
    for args in (("step", net, "-o", "-"), ("train", net, "--epochs", "2", "-o", "-"), ("grad", net)):
        result = invoke(*args, expect=2)
        assert "net.yaml:14:3:" in result.stderr and "biases: 0" not in result.stderr
    invoke("step", spec(tmp_path, BASE + "names:\n  step: w111\n", "sgd.yaml"), "-o", "-", expect=0)


@pytest.mark.slow
def test_a_value_before_a_divergence_found_going_further_is_still_given(tmp_path):
    # the trajectory goes twice as far as asked; a divergence beyond K must not refuse K itself
    from backprop_cli import load_spec
    from backprop_cli.core.training import trajectory
    from backprop_cli.errors import NumericalError

    result = load_spec(spec(tmp_path, DIVERGING)).compute()
    trajectory(result, 30_000)
    loss, _ = trajectory(result, 30_001)  # goes on towards 60,000 and diverges at 45,101
    assert loss > 1e200
    assert trajectory(result, 45_100)[0] > loss
    try:
        trajectory(result, 45_101)
    except NumericalError as exc:
        assert "epoch 45101" in str(exc)
    else:
        raise AssertionError("45,101 updates overflow")


@pytest.mark.slow
def test_a_value_after_more_updates_than_any_check_works_out_is_told_the_bound(tmp_path):
    # seven digits and more were read as no quantity at all ("unknown quantity 'w111_after1000000'")
    spec(tmp_path, BASE)
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n  w111_after1000000: 0.5\n  loss_after"
                                     + "9" * 40 + ": 0.1\n", encoding="utf-8")
    data = json.loads(invoke("check", tmp_path / "a.yaml", "--format", "json").stdout)
    said = [r["diagnosis"] for r in data["files"][0]["results"]]
    assert len(said) == 2 and all("that many updates of this network are more than a check works out; at most "
                                  "100,000" in s for s in said), said
