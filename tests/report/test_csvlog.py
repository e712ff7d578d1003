"""report.csvlog: the per-epoch training log as CSV, read back exactly."""
import csv
import io

import numpy as np
from conftest import SPECS

from backprop_cli.core.training import Epoch
from backprop_cli.report.csvlog import TrainingLog
from backprop_cli.spec.reader import load_spec


def epoch_of(result) -> Epoch:
    """The state train's callback gets, made from a pass's result."""
    rows = result.parameters()
    return Epoch(result.loss, np.array([v for _, v, _, _ in rows]), np.array([g for _, _, g, _ in rows]))


def test_header_and_rows_read_back_exactly():
    spec = load_spec(SPECS / "mazur-2-2-2.yaml")
    result = spec.compute()
    names = [n for n, _, _, _ in result.parameters()]
    log = TrainingLog(names, "E_total")
    log.record(0.5, 1, epoch_of(result))
    log.record(0.25, 2.0, epoch_of(result))
    rows = list(csv.reader(io.StringIO(log.csv())))
    assert rows[0] == ["learning_rate", "epoch", "loss"] + names + [f"dE_total/d{n}" for n in names]
    assert rows[1][:2] == ["0.5", "1"] and rows[2][:2] == ["0.25", "2"]
    assert float(rows[1][2]) == result.loss
    values = [float(v) for v in rows[1][3:]]
    assert values == [v for _, v, _, _ in result.parameters()] + [g for _, _, g, _ in result.parameters()]
    assert log.csv().endswith("\n") and log.csv().count("\n") == 3


def test_empty_log_is_a_header():
    assert TrainingLog(["w1"]).csv() == "learning_rate,epoch,loss,w1,dL/dw1\n"


def test_negative_zero_written_as_zero():
    log = TrainingLog(["w"])
    log.record(0.1, 3, Epoch(-0.0, np.array([-0.0]), np.array([1e-320])))
    assert log.csv().splitlines()[1] == "0.1,3,0.0,0.0,1e-320"


def test_rows_wait_on_disk_not_in_memory_and_come_out_rate_by_rate():
    import numpy as np

    from backprop_cli.core.training import Epoch

    log = TrainingLog(["w"])
    for epoch in (1, 2):
        for rate in (0.5, 0.1):  # rates train side by side: their rows interleave
            log.record(rate, epoch, Epoch(float(epoch), np.array([rate]), np.array([0.0])))
    assert not hasattr(log, "rows") and all(spool.tell() > 0 for spool in log.spools.values())
    assert [line.split(",")[:2] for line in log.csv().splitlines()[1:]] == \
        [["0.5", "1"], ["0.5", "2"], ["0.1", "1"], ["0.1", "2"]]
    assert "".join(log.chunks()) == log.csv()
    log.close()
    assert log.spools == {}
