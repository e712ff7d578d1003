"""report.progress: a plain line every tenth of the run when standard error is not a terminal."""
import io
import sys

from backprop_cli.report.progress import Progress


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_plain_lines_every_tenth(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    with Progress(100, no_color=True) as progress:
        assert progress.bar is None and progress.every == 10
        for epoch in range(1, 101):
            progress.update(0.5, epoch, 1 / epoch)
    lines = err.getvalue().splitlines()
    assert len(lines) == 11  # epoch 1 and every tenth
    assert lines[0] == "η = 0.5  epoch 1/100  loss 1"
    assert lines[-1] == "η = 0.5  epoch 100/100  loss 0.01"


def test_short_runs_report_every_epoch(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    progress = Progress(3, no_color=True)
    assert progress.every == 1
    for epoch in (1, 2, 3):
        progress.update(1e-3, epoch, 2.0 / 3)
    assert err.getvalue().splitlines() == [f"η = 0.001  epoch {e}/3  loss 0.666667" for e in (1, 2, 3)]


def test_no_bar_in_ci_even_on_a_terminal(monkeypatch):
    monkeypatch.setattr(sys, "stderr", Tty())
    monkeypatch.setenv("CI", "true")
    assert Progress(10, no_color=True).bar is None


def test_a_bar_on_a_terminal_one_task_per_rate(monkeypatch):
    monkeypatch.setattr(sys, "stderr", Tty())
    monkeypatch.delenv("CI", raising=False)
    with Progress(4, no_color=True) as progress:
        assert progress.bar is not None
        for rate in (0.1, 0.2):
            for epoch in range(1, 5):
                progress.update(rate, epoch, 0.5)
        assert sorted(progress.tasks) == [0.1, 0.2]
        task = progress.bar.tasks[progress.tasks[0.2]]
        assert task.completed == 4 and task.fields["loss"] == "0.5" and task.description == "η = 0.2"
