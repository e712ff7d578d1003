"""Work shared among the cores (grading.forked): every item's result in order, the work's own
state coming by the fork, and None (the caller does it alone) where the cores cannot share it."""
import os

import pytest

from backprop_cli.grading import forked


def test_every_items_result_comes_back_in_order_from_the_workers(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    offset = {"by": 1000}  # held by the work, never pickled: it comes by the fork
    items = list(range(120))  # more items than shares: each share interleaved
    results = forked.on_every_core(lambda i: (i + offset["by"], os.getpid()), items)
    assert [value for value, _ in results] == [i + 1000 for i in items]
    assert os.getpid() not in {pid for _, pid in results}  # made by the workers
    assert forked._WORK == {}  # let go of once done


@pytest.mark.parametrize("cores", [1, None])
def test_one_core_leaves_the_work_to_the_caller(monkeypatch, cores):
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert forked.on_every_core(lambda i: pytest.fail("not done here"), [1, 2, 3]) is None


def test_a_result_that_cannot_come_back_leaves_the_work_to_the_caller(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert forked.on_every_core(lambda i: (lambda: i), [1, 2, 3]) is None  # a function does not pickle
    assert forked._WORK == {}


@pytest.mark.parametrize("cores, items, workers, shares", [
    (2, 120, 2, 50),  # SHARES_A_WORKER shares a worker, each a fair mix of the class
    (16, 1000, 8, 200),  # never more than 8 workers
    (4, 30, 4, 30),  # no more shares than items: none is empty
])
def test_how_many_workers_and_shares(monkeypatch, cores, items, workers, shares):
    import concurrent.futures

    made = {}

    class InProcess:  # records what a pool is asked, and does it here
        def __init__(self, max_workers, mp_context):
            made["workers"] = max_workers

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def map(self, share, shares_of_items):
            made["shares"] = [list(s) for s in shares_of_items]
            return [share(s) for s in made["shares"]]

    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", InProcess)
    assert forked.on_every_core(lambda i: i * 2, list(range(items))) == [i * 2 for i in range(items)]
    assert made["workers"] == workers and len(made["shares"]) == shares and all(made["shares"])
