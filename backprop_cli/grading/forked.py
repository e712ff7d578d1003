"""Work shared among the cores, for a class: forked workers, each handed shares of the items in
turn. Whatever the work holds (an assignment, a reader and its loaded specs) comes to the workers
by the fork, never pickled; the items go in pickled, and what the work returns comes back so.
"""
from __future__ import annotations

import os
import pickle

SHARES_A_WORKER = 25  # the items split into this many shares a worker: one that drew costly items does not
# keep the other waiting at the end (interleaved: each share a fair mix of the class)
_WORK: dict = {}  # the work, for the forked workers


def on_every_core(work, items: list) -> list | None:
    """[work(item) for item in items], in order, shared among the cores; None where they cannot
    share it (one core, no fork on this system, a worker broken): the caller does it alone. `work`
    keeps whatever goes wrong with one item in what it returns."""
    if (os.cpu_count() or 1) < 2 or not items:
        return None
    try:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        _WORK["work"] = work
        workers = min(os.cpu_count() or 2, 8)
        shares = min(len(items), workers * SHARES_A_WORKER)
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            done = list(pool.map(_share, [items[i::shares] for i in range(shares)]))
    except (OSError, ValueError, RuntimeError, ImportError, EOFError, TypeError, AttributeError,
            pickle.PicklingError):
        return None  # e.g. no fork on this system, or a broken worker
    finally:
        _WORK.clear()
    results: list = [None] * len(items)
    for i, share in enumerate(done):
        results[i::shares] = share
    return results


def _share(items: list) -> list:
    """A worker's share (the work comes by fork, in _WORK)."""
    work = _WORK["work"]
    return [work(item) for item in items]
