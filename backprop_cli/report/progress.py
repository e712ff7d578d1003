"""Training progress: a rich bar on a terminal; elsewhere a plain line every tenth of the run."""
from __future__ import annotations

import os
import sys


class Progress:
    """Shows the loss while `train` runs; a context manager around the epochs, on standard error."""

    def __init__(self, epochs: int, no_color: bool):
        self.epochs = epochs
        self.every = max(1, epochs // 10)
        self.bar = None
        self.tasks: dict[float, int] = {}
        if sys.stderr.isatty() and not os.environ.get("CI"):
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
            from rich.progress import Progress as Bar

            from .text import make_console

            self.bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                           TextColumn("loss {task.fields[loss]}"), transient=True,
                           console=make_console(no_color, file=sys.stderr))

    @property
    def sampling(self) -> int:
        """How often it needs the state: every epoch it prints falls on a multiple (about 50 a
        tenth of the run, so that a long run is not slowed by its bar)."""
        return next(d for d in range(max(1, self.every // 50), 0, -1) if self.every % d == 0)

    def __enter__(self):
        if self.bar is not None:
            self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def update(self, rate: float, epoch: int, loss: float) -> None:
        """The state at the start of `epoch` of the run at learning rate `rate`."""
        if self.bar is not None:
            if rate not in self.tasks:
                self.tasks[rate] = self.bar.add_task(f"η = {rate:g}", total=self.epochs, loss="")
            self.bar.update(self.tasks[rate], completed=epoch, loss=f"{loss:.6g}")
        elif epoch == 1 or epoch % self.every == 0:
            print(f"η = {rate:g}  epoch {epoch}/{self.epochs}  loss {loss:.6g}", file=sys.stderr)
