"""Zero up to rounding: a gradient whose paths cancel is 0, not -1.4e-18.

A sum is zero up to rounding when |sum| ≤ 1e-12 × the largest |term| summed to make it (CONTRACT
section 3). The backward recursion applies the rule to each sum it forms (∂L/∂a = Σm δm·wmk, a
softmax's δ, a batch's gradients), so a 0 found there stays exactly 0 along every path below it.
Which gradients are 0 because their paths cancel (rather than because every path is 0) is found
afterwards: some path's product is not 0.
"""
from __future__ import annotations

import numpy as np

RELATIVE = 1e-12
_CHUNK = 20_000  # candidates checked at once
_FEW_TERMS = 256  # products of a handful of terms (a homework network's, every epoch of train): plain floats


def snap_product(values: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """`values` = left @ right, with every entry within 1e-12 of its largest term made exactly 0,
    in place. Cheap: a bound on the largest term (max |left| of the row times Σ |right| of the
    column) picks the few candidates, and only those get their exact largest term; a handful of
    terms is looked at one float at a time, which costs less than the array calls."""
    if values.size * left.shape[1] <= _FEW_TERMS:
        return _snap_few(values, left, right)
    return _snap_many(values, left, right)


def _snap_many(values: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """snap_product over arrays."""
    row = np.maximum(left.max(axis=1, initial=0.0), -left.min(axis=1, initial=0.0))
    column = right.sum(axis=0) if right.min(initial=0.0) >= 0 else np.abs(right).sum(axis=0)
    threshold = np.multiply.outer(row * RELATIVE, column)
    size = np.abs(values)
    candidates = size <= threshold
    candidates &= size > 0  # an exact 0 needs nothing
    if not candidates.any():
        return values
    rows, cols = np.nonzero(candidates)
    for start in range(0, len(rows), _CHUNK):
        r, c = rows[start:start + _CHUNK], cols[start:start + _CHUNK]
        largest = (np.abs(left[r, :]) * np.abs(right[:, c]).T).max(axis=1)
        zero = np.abs(values[r, c]) <= RELATIVE * largest
        values[r[zero], c[zero]] = 0.0
    return values


def _snap_few(values: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """snap_product's rule one float at a time, with _snap_many's floats: its bound, then the
    largest term (a nan term makes the largest nan, as numpy's max does: nothing is zeroed)."""
    columns = list(zip(*right.tolist()))
    sums = [_added(abs(b) for b in column) for column in columns]
    for r, (row, entries) in enumerate(zip(left.tolist(), values.tolist())):
        bound = RELATIVE * max([abs(a) for a in row], default=0.0)
        for c, value in enumerate(entries):
            if value == 0.0 or not abs(value) <= bound * sums[c]:
                continue
            terms = [abs(a * b) for a, b in zip(row, columns[c])]
            if not any(t != t for t in terms) and abs(value) <= RELATIVE * max(terms, default=0.0):
                values[r, c] = 0.0
    return values


def _added(numbers) -> float:
    """Floats added one after another, as numpy adds a few (not sum(), which compensates from Python 3.12)."""
    total = 0.0
    for number in numbers:
        total += number
    return total


def snap_softmax(delta: np.ndarray, grad_a: np.ndarray, a: np.ndarray) -> np.ndarray:
    """A softmax layer's δm = Σi gi·∂ai/∂zm with its zeros up to rounding made exactly 0, in place;
    the terms are gm·am·Σ_{i≠m} ai and gi·ai·am (i ≠ m), so Σ|terms| ≤ 2·am·max|g| bounds them."""
    bound = 2.0 * a * np.abs(grad_a).max(axis=1, keepdims=True, initial=0.0)
    rows, cols = np.nonzero((delta != 0) & (np.abs(delta) <= RELATIVE * bound))
    for s, m in zip(rows.tolist(), cols.tolist()):
        others = np.abs(grad_a[s]) * a[s] * a[s, m]
        others[m] = abs(grad_a[s, m]) * a[s, m] * (a[s].sum() - a[s, m])
        if abs(delta[s, m]) <= RELATIVE * others.max():
            delta[s, m] = 0.0
    return delta


def nonzero_paths(result) -> tuple[list, list]:
    """Per layer, whether any path from L into each ∂L/∂a and δ (per sample) has a product other
    than 0: a gradient that is 0 although one has is 0 because its paths cancel."""
    layers, depth = result.network.layers, len(result.network.layers)
    into_a: list = [None] * (depth + 1)
    into_z: list = [None] * (depth + 1)
    into_a[depth] = result.grad_a[depth] != 0
    for l in range(depth, 0, -1):
        layer = layers[l - 1]
        if layer.activation.elementwise:
            into_z[l] = into_a[l] & (layer.activation.derivative(result.z[l], result.a[l]) != 0)
        else:
            into_z[l] = np.stack([(layer.activation.jacobian(z, a) != 0).T.astype(float) @ reach.astype(float) > 0
                                  for z, a, reach in zip(result.z[l], result.a[l], into_a[l])])
        into_a[l - 1] = into_z[l].astype(float) @ (layer.weights != 0).astype(float) > 0
    return into_a, into_z


def omitted_sum(gradient: float, paths: list, total: int) -> float:
    """The sum of the paths not shown: the gradient less those shown, 0 when that is rounding alone
    (within RELATIVE of the terms, this module's rule, which core.mappaths applies too), not -5.6e-17."""
    if len(paths) == total:
        return 0.0
    rest = gradient - sum(p.product for p in paths)
    scale = max([abs(gradient)] + [abs(p.product) for p in paths])
    return 0.0 if abs(rest) <= RELATIVE * scale else rest


def snapped_sum(values: np.ndarray) -> float:
    """The sum of `values`, exactly 0 when it is zero up to rounding (a layer's shared bias)."""
    if values.ndim == 1 and len(values) < 8:  # numpy adds fewer than 8 one after another
        items = values.tolist()
        total, largest = _added(items), max(map(abs, items), default=0.0)
    else:
        total, largest = float(values.sum()), float(np.abs(values).max(initial=0.0))
    return 0.0 if abs(total) <= RELATIVE * largest else total


def _reach(result) -> tuple[list, list]:
    """nonzero_paths of `result`, worked out once (only reports that say "cancel" ask)."""
    if "nonzero" not in result._cache:
        result._cache["nonzero"] = nonzero_paths(result)
    return result._cache["nonzero"]


def parameter_cancelled(result, kind: str, layer: int, j: int | None, k: int | None) -> bool:
    """Whether a parameter's gradient is 0 because its paths cancel: it is 0 though some path's
    product is not (j None: a layer's shared bias)."""
    gradient = result.weight_grads[layer][j - 1, k - 1] if kind == "w" else \
        snapped_sum(result.bias_grads[layer]) if j is None else result.bias_grads[layer][j - 1]
    if gradient != 0:
        return False
    into_z = _reach(result)[1][layer]
    neurons = into_z if j is None else into_z[:, j - 1:j]
    sources = result.a[layer - 1][:, k - 1:k] != 0 if kind == "w" else True
    return bool(np.any(neurons & sources))


def node_cancelled(result, what: str, layer: int, sample: int, neuron: int) -> bool:
    """The same for ∂L/∂z or ∂L/∂a of one neuron (0-based sample, 1-based neuron)."""
    values = (result.deltas if what == "z" else result.grad_a)[layer] if layer else result.input_gradient()
    if values[sample, neuron - 1] != 0:
        return False
    into_a, into_z = _reach(result)
    return bool((into_z if what == "z" else into_a)[layer][sample, neuron - 1])
