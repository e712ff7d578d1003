"""What every answers file's judge on one network asks alike, made once for them all (grading.judging):
the passes on true values at each precision, and each quantity's catalogued values. Kept with the
network's diagnoser, as many as a class needs and no more: a hostile class's hundred precisions stay
each file's own, and go with it."""
from __future__ import annotations

SHARED = 64  # of each kind, kept for every file on one network


def store_for(shared: dict, what: str, key, own: dict) -> dict:
    """The dict that keeps `what` for `key`: the diagnoser's `shared`, up to SHARED of each kind;
    past that, `own` (one file's)."""
    kept = shared.setdefault(what, {})
    return kept if key in kept or len(kept) < SHARED else own.setdefault(what, {})
