"""What every answers file's judge on one network asks alike, made once for them all (grading.judging):
the passes on true values at each precision, and each quantity's catalogued values. Kept with the
network's diagnoser, as much as a class needs and no more: a hostile class's hundred precisions, or
passes on a large batch, stay each file's own, and go with it."""
from __future__ import annotations

SHARED = 64  # of each kind, kept for every file on one network
BUDGET = 250_000  # floats of passes kept for every file on one network (a few MB: a 4-4-2 network's are 40 each)


def store_for(shared: dict, what: str, key, own: dict, result=None) -> dict:
    """The dict that keeps `what` for `key` (a pass on `result`, else one float): the diagnoser's
    `shared`, up to SHARED of each kind and BUDGET floats in all; past that, `own` (one file's)."""
    kept = shared.setdefault(what, {})
    if key in kept:  # (asked at every step of a file: sized only when it would be added)
        return kept
    spent, size = shared.get("floats", 0), 1 if result is None else pass_size(result)
    if len(kept) >= SHARED or spent + size > BUDGET:
        return own.setdefault(what, {})
    shared["floats"] = spent + size
    return kept


def pass_size(result) -> int:
    """About how many floats one interval pass holds: on a network, each sample's parameter gradients
    and its nodes' values; on a graph of scalar steps (an expression, section 9's layers written out),
    some for each node (its intervals, as used and as its own, in Python's objects)."""
    graph = getattr(result, "graph", None)
    if graph is not None:
        return 8 * len(graph.nodes)
    grads, values = getattr(result, "weight_grads", None), getattr(result, "a", None)
    if not isinstance(grads, list) or not isinstance(values, list):
        return 1
    per_sample = sum(g.size for g in grads if g is not None) + sum(a[0].size for a in values)
    return result.samples * per_sample
