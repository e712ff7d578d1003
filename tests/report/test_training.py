"""report.training: first and last loss per rate, and the curves drawn in characters."""
from types import SimpleNamespace

from backprop_cli.api import computing as C
from backprop_cli.api.training import train
from backprop_cli.report.training import loss_curve, training_report

from ._course import plain


def run(rate, losses, stopped="epochs"):
    return SimpleNamespace(learning_rate=rate, losses=losses, stopped=stopped, epochs=len(losses) - 1)


def test_curve_of_a_straight_line():
    # 3 epochs over 9 columns: each epoch three columns wide, one row per step of 0.5
    assert loss_curve([run(0.1, [1.0, 0.5, 0.0])], width=9, height=3).plain.splitlines() == [
        "1 │•••      ", "  │   •••   ", "0 │      •••", "  └─────────", "   epoch 0 2"]


def test_curve_marks_and_log_scale():
    curve = loss_curve([run(0.1, [100.0, 10.0, 1.0, 0.1]), run(0.5, [100.0, 0.1])], width=10, height=4)
    # log10 of 100, 10, 1, 0.1 is 2, 1, 0, -1: one row each; the second run (×) is drawn over the first
    assert curve.plain.splitlines() == [
        "100 │××        ", "    │  •••     ", "    │     •••  ", "0.1 │  ×××   ••", "    └──────────",
        "     epoch 0  3", "     (loss on a log scale)"]


def test_flat_losses_do_not_divide_by_zero():
    assert loss_curve([run(0.1, [1.0, 1.0])], width=10, height=2).plain.splitlines()[:2] == [
        "1 │••••••••••", "1 │          "]


def test_a_narrow_curve():
    assert loss_curve([run(0.1, [1.0, 0.5, 0.0])], width=3, height=3).plain.splitlines()[:3] == [
        "1 │•  ", "  │ • ", "0 │  •"]


def test_training_report_of_a_real_run():
    training = train(C.load_example("mazur-2-2-2"), 3, learning_rates=[0.5, 1.0])
    text = plain(training_report(training.runs, "Mazur 2-2-2", None, 4))
    lines = text.splitlines()
    assert lines[0] == "Mazur 2-2-2"
    r = training.runs[0]
    assert lines[1] == f"• η = 0.5: loss 0.2984 → {r.losses[-1]:.4g} in 3 epochs (epochs done)"
    assert lines[2].startswith("× η = 1: loss 0.2984 → ")


def test_why_a_run_stopped():
    text = plain(training_report([run(0.1, [1.0, 0.5], "until-loss"), run(0.2, [1.0], "interrupted")], "", 0.6, 3))
    assert "• η = 0.1: loss 1 → 0.5 in 1 epoch (loss < 0.6)" in text
    assert "× η = 0.2: loss 1 → 1 in 0 epochs (interrupted)" in text
    assert text.splitlines()[0] == "network"
