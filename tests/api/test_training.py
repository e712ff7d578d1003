"""api.training: step (one update written into the spec's text), train, trained_spec and write_updated."""
import math

import numpy as np
import pytest
from conftest import SPECS

from backprop_cli.api import training as T
from backprop_cli.api.computing import load_example, load_spec
from backprop_cli.errors import UsageError

ONE = "input: [2]\ntarget: [1]\nloss: half_squared_error\nlearning_rate: 0.25\nlayers:\n" \
      "  - activation: linear  # y = w x + b\n    weights: [[0.5]]\n    biases: [0.1]\n"


def test_step_by_hand():
    # ŷ = 0.5·2 + 0.1 = 1.1; L = ½(1.1 − 1)²; ∂L/∂w = (ŷ − y)·x = 0.2, ∂L/∂b = 0.1
    updated = T.step(load_spec(text=ONE))
    w = 0.5 - 0.25 * ((0.5 * 2 + 0.1 - 1) * 2)
    b = 0.1 - 0.25 * (0.5 * 2 + 0.1 - 1)
    assert updated.text == ONE.replace("[[0.5]]", f"[[{w!r}]]").replace("[0.1]", f"[{b!r}]")
    assert updated.files == {}
    assert math.isclose(updated.result.loss, 0.5 * (1.1 - 1) ** 2, rel_tol=1e-12)


def test_step_then_load_equals_the_updated_parameters():
    spec = load_example("mazur-2-2-2")
    updated = T.step(spec)
    again = load_spec(text=updated.text)
    result = spec.compute()
    assert again.layers[1].weights[0, 0] == result.updated("w211")
    assert again.layers[0].biases.tolist() == spec.layers[0].biases.tolist()  # frozen biases
    assert round(again.compute().loss, 9) == 0.291027774  # Mazur's error after one round (see the spec)


def test_step_learning_rate_and_expression():
    spec = load_spec(text=ONE)
    faster = load_spec(text=T.step(spec, learning_rate=1.0).text)
    assert faster.layers[0].weights[0, 0] == 0.5 - 1.0 * ((0.5 * 2 + 0.1 - 1) * 2)
    with pytest.raises(UsageError, match="this spec holds an expression, and `step` needs a network"):
        T.step(load_example("cs231n-circuit"))


def test_train_losses_decrease_and_match_steps():
    spec = load_spec(text=ONE)
    training = T.train(spec, 3)
    run = training.runs[0]
    assert run.learning_rate == 0.25 and run.stopped == "epochs" and run.epochs == 3
    # the same as three steps by hand
    w, b, losses = 0.5, 0.1, []
    for _ in range(4):
        error = w * 2 + b - 1
        losses.append(0.5 * error ** 2)
        w, b = w - 0.25 * error * 2, b - 0.25 * error
    assert np.allclose(run.losses, losses, rtol=1e-12, atol=0)
    assert run.losses == sorted(run.losses, reverse=True)


def test_train_until_loss_and_rates():
    spec = load_spec(text=ONE)
    training = T.train(spec, 1000, until_loss=1e-6, learning_rates=[0.1, 0.25])
    assert [r.learning_rate for r in training.runs] == [0.1, 0.25]
    for run in training.runs:
        assert run.stopped == "until-loss" and run.losses[-1] < 1e-6 and run.epochs < 1000
    assert training.until_loss == 1e-6


def test_train_callback_sees_every_epoch():
    seen = []
    T.train(load_spec(text=ONE), 2, learning_rates=[0.5], on_epoch=lambda rate, epoch, result: seen.append(
        (rate, epoch, result.loss)))
    assert [(rate, epoch) for rate, epoch, _ in seen][:2] == [(0.5, 1), (0.5, 2)]


@pytest.mark.parametrize("rate", [0, -0.1, math.inf, math.nan])
def test_train_refuses_bad_rates(rate):
    with pytest.raises(UsageError, match="^learning rates are positive numbers, not "):
        T.train(load_spec(text=ONE), 2, learning_rates=[rate])


def test_train_an_expression_is_refused():
    with pytest.raises(UsageError, match="`train` needs a network"):
        T.train(load_example("cs231n-circuit"), 2)


def test_trained_spec_and_write_updated(tmp_path):
    np.save(tmp_path / "w1.npy", np.array([[0.5]]))
    (tmp_path / "net.yaml").write_text(ONE.replace("[[0.5]]", "{file: w1.npy}"))
    spec = load_spec(tmp_path / "net.yaml")
    training = T.train(spec, 5)
    out = tmp_path / "after.yaml"
    updated = T.trained_spec(spec, training, out)
    assert list(updated.files) == [tmp_path / "after-w1.npy"]
    shown = T.write_updated(updated, out)
    assert shown == f"{out}, {tmp_path / 'after-w1.npy'}"
    again = load_spec(out)
    final = training.runs[0].result.network.layers[0]
    assert np.array_equal(again.layers[0].weights, final.weights)
    assert np.array_equal(again.layers[0].biases, final.biases)
    assert np.load(tmp_path / "w1.npy").tolist() == [[0.5]]  # the original is untouched
    with pytest.raises(UsageError, match="give -o FILE, not standard output"):
        T.trained_spec(spec, training, "-")


def test_write_updated_to_a_missing_folder(tmp_path):
    updated = T.step(load_spec(text=ONE))
    with pytest.raises(UsageError, match="^cannot write "):
        T.write_updated(updated, tmp_path / "no" / "x.yaml")
    assert T.write_updated(updated, tmp_path / "x.yaml") == str(tmp_path / "x.yaml")
    assert (tmp_path / "x.yaml").read_text() == updated.text


def test_mazur_example_file_is_not_changed():
    before = (SPECS / "mazur-2-2-2.yaml").read_bytes()
    T.step(load_example("mazur-2-2-2"))
    assert (SPECS / "mazur-2-2-2.yaml").read_bytes() == before
