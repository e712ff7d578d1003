"""`train --log FILE.csv`: the spreadsheet students build by hand, one row per epoch."""
from __future__ import annotations

from ..core.numbers import exact


class TrainingLog:
    """Collects the state at the start of each epoch: the loss, every parameter, every gradient."""

    def __init__(self, names: list[str], loss: str = "L"):
        self.names = names  # the parameters in canonical order, named as result.parameters() names them
        self.loss = loss  # the loss's symbol (L, f, or the spec's own name)
        self.rows: list[list[float]] = []
        self.rates: dict[float, int] = {}  # each rate's place in --lr: rates train side by side

    def record(self, rate: float, epoch: int, state) -> None:
        """One row; `state` (core.training.Epoch) is the state before the epoch's update."""
        self.rates.setdefault(rate, len(self.rates))
        self.rows.append([rate, epoch, state.loss] + state.values.tolist() + state.gradients.tolist())

    def csv(self) -> str:
        """The log as CSV text, headed by the parameter names."""
        header = ["learning_rate", "epoch", "loss"] + self.names + [f"d{self.loss}/d{n}" for n in self.names]
        lines = [",".join(header)]
        lines += [",".join([exact(rate), str(int(epoch))] + [exact(v) for v in rest])
                  for rate, epoch, *rest in sorted(self.rows, key=lambda row: self.rates[row[0]])]  # rate by rate
        return "\n".join(lines) + "\n"
