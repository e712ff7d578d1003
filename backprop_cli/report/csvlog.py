"""`train --log FILE.csv`: the spreadsheet students build by hand, one row per epoch."""
from __future__ import annotations

from collections.abc import Iterator

from ..core.numbers import exact

MAX_LOG_VALUES = 50_000_000  # numbers a log may hold (about 1 GB of text): more is refused before training
_CHUNK = 1 << 20


class TrainingLog:
    """Collects the state at the start of each epoch: the loss, every parameter, every gradient.
    Rows go to a temporary file per learning rate as they come (a long run's log is not held in
    memory), and come out rate by rate, as the rates were given."""

    def __init__(self, names: list[str], loss: str = "L"):
        self.names = names  # the parameters in canonical order, named as result.parameters() names them
        self.loss = loss  # the loss's symbol (L, f, or the spec's own name)
        self.spools: dict[float, object] = {}  # rate -> its rows so far (rates train side by side)

    def record(self, rate: float, epoch: int, state) -> None:
        """One row; `state` (core.training.Epoch) is the state before the epoch's update."""
        spool = self.spools.get(rate)
        if spool is None:
            import tempfile  # only a run that writes pays for its import (start-up)
            spool = self.spools[rate] = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115 - close()
        values = [state.loss, *state.values.tolist(), *state.gradients.tolist()]
        spool.write(",".join([exact(rate), str(int(epoch))] + [exact(v) for v in values]) + "\n")

    def chunks(self) -> Iterator[str]:
        """The log as CSV text, headed by the parameter names, a piece at a time."""
        header = ["learning_rate", "epoch", "loss"] + self.names + [f"d{self.loss}/d{n}" for n in self.names]
        yield ",".join(header) + "\n"
        for spool in self.spools.values():
            spool.seek(0)
            while piece := spool.read(_CHUNK):
                yield piece

    def csv(self) -> str:
        """The whole log as one text (small logs, tests)."""
        return "".join(self.chunks())

    def close(self) -> None:
        for spool in self.spools.values():
            spool.close()
        self.spools.clear()


def log_values(epochs: int, parameters: int, rates: int) -> int:
    """How many numbers `train --log` writes: per rate and epoch, the loss and each parameter and gradient."""
    return epochs * rates * (1 + 2 * parameters)
