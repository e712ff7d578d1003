"""Interval arithmetic on numpy arrays, for grading.intervals' passes: each value a pair (low, high)
of arrays of one shape, and what a product, an activation, its slope, a loss and its gradient make
of such pairs (the ends of what they can be, never narrower)."""
from __future__ import annotations

import numpy as np

from .rule import Precision, remembered
from .stacked import choose

Pair = tuple  # (low, high) arrays of the same shape
_WIDENING: dict = {}  # _entry_widening's, by precision and ŷ


def as_pair(given) -> tuple[float, float]:
    """A stated value as the next step may use it: a number as written, or (low, high), what its
    digits stand for (a student may carry more digits than they write)."""
    return given if isinstance(given, tuple) else (given, given)


def mul(a: Pair, b: Pair) -> Pair:
    c00, c01, c10, c11 = a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]
    # pairwise: numpy's reduce over a tuple first copies it into one array (twice the time for a layer's handful)
    least = np.minimum(np.minimum(c00, c01), np.minimum(c10, c11))
    return least, np.maximum(np.maximum(c00, c01), np.maximum(c10, c11))


def matmul(a: Pair, w: np.ndarray) -> Pair:
    """a @ w for an interval `a` and an exact matrix `w`."""
    positive, negative = np.maximum(w, 0.0), np.minimum(w, 0.0)
    return a[0] @ positive + a[1] @ negative, a[1] @ positive + a[0] @ negative


def matmul_pairs(a: Pair, w: Pair) -> Pair:
    """a @ w for an interval `a` and an interval matrix `w`: each product's interval, summed."""
    low, high = mul((a[0][..., :, None], a[1][..., :, None]), w)
    return low.sum(axis=-2), high.sum(axis=-2)


def each_written(products: Pair, share: float, precision: Precision, rounded: bool = True) -> Pair:
    """A batch's per-sample products δ·a as a student may write each down before adding them up:
    rounded as the answer is, either the product or its share δ·a/n (`share` = 1/n, whose
    significant digits fall elsewhere), or not rounded at all; as they are, unless `rounded`."""
    if not rounded:
        return products
    by_share = precision.rounded(products[0] * share, products[1] * share)
    by_product = precision.rounded(*products)
    return np.minimum(by_product[0], by_share[0] / share), np.maximum(by_product[1], by_share[1] / share)


def hull(a: Pair, b: Pair) -> Pair:
    return np.minimum(a[0], b[0]), np.maximum(a[1], b[1])


def parabola(low, high, peak_at: float, value):
    """min and max of a function increasing up to `peak_at` and decreasing after, on [low, high]."""
    ends = (value(low), value(high))
    top = np.where((low <= peak_at) & (peak_at <= high), value(np.full_like(low, peak_at)), np.maximum(*ends))
    return np.minimum(*ends), top


def softmax_entry(a: Pair, i: int, m: int) -> tuple[float, float]:
    """∂ai/∂zm = ai(δim − am) of one sample's softmax outputs a (1-D intervals)."""
    if i == m:
        low, high = parabola(a[0][m:m + 1], a[1][m:m + 1], 0.5, lambda p: p * (1.0 - p))
        return float(low[0]), float(high[0])
    low, high = mul((a[0][i:i + 1], a[1][i:i + 1]), (a[0][m:m + 1], a[1][m:m + 1]))
    return float(-high[0]), float(-low[0])


def softmax_delta(a: Pair, grad_a: Pair, g: np.ndarray, rg: np.ndarray, precision: Precision) -> Pair:
    """δ = am(gm − Σi gi·ai) of softmax from ŷ's and ∂L/∂ŷ's intervals (g, rg: the latter's centre and
    radius), in centred form (see grading.intervals.Reach._delta)."""
    ac, ra = (a[0] + a[1]) / 2, (a[1] - a[0]) / 2
    total = (g * ac).sum(axis=-1, keepdims=True)
    centre = ac * (g - total)
    # first order: ∂δm/∂gi = am(δim − ai); ∂δm/∂am = gm − S − am·gm; ∂δm/∂ai = −am·gi (i ≠ m)
    by_g = ac * (rg * (1 - ac) + ((ac * rg).sum(axis=-1, keepdims=True) - ac * rg))
    by_a = np.abs(g - total - ac * g) * ra + ac * ((np.abs(g) * ra).sum(axis=-1, keepdims=True) - np.abs(g) * ra)
    # second order: every product of two spreads, bounded together
    cross = (rg * ra + np.abs(g) * ra + rg * ac).sum(axis=-1, keepdims=True)
    second = ra * (rg + cross) + ac * (rg * ra).sum(axis=-1, keepdims=True)
    spread = by_g + by_a + second + _jacobian_rounding(a, grad_a, precision)
    return centre - spread, centre + spread


def _jacobian_rounding(a: Pair, grad_a: Pair, precision: Precision) -> np.ndarray:
    """How much further δm = Σi gi·∂ai/∂zm reaches when a student writes each entry of
    softmax's Jacobian down rounded as the answer is (ŷ1(1 − ŷ1) = 0.22726, −ŷ1ŷ2 = ...), as
    the elementwise slope is rounded: Σi |gi| × how far rounding moves the entry past the
    interval it has from ŷ's (which the centred form counts already)."""
    g = np.maximum(np.abs(grad_a[0]), np.abs(grad_a[1]))
    return (g[..., :, None] * _entry_widening(a, precision)).sum(axis=-2)


def _entry_widening(a: Pair, precision: Precision) -> np.ndarray:
    """How far each Jacobian entry's interval widens once rounded, at this precision: the same
    for every mistaken pass on one forward pass (remembered, as rule.Precision.rounded does)."""
    def widening():
        low, high = mul((a[0][..., :, None], a[1][..., :, None]), (a[0][..., None, :], a[1][..., None, :]))
        low, high = low.copy(), high.copy()  # ai·am, i ≠ m (its sign flipped rounds alike)
        diagonal = np.arange(low.shape[-1])
        low[..., diagonal, diagonal], high[..., diagonal, diagonal] = \
            parabola(*a, 0.5, lambda p: p * (1.0 - p))  # ai(1 − ai)
        rounded_low, rounded_high = precision.rounded(low, high)
        return np.maximum(rounded_high - high, low - rounded_low)

    return remembered(_WIDENING, precision, a[0], a[1], widening)


FUSED = {("softmax", "cross_entropy"), ("sigmoid", "binary_cross_entropy")}  # the engine fuses their δ


def other_routes(delta: Pair, activation: str, a: Pair, own: Pair, y: np.ndarray, precision: Precision,
                 stated: list | None) -> Pair:
    """The output's δ (`delta`: by ∂L/∂ŷ and ∂ŷ/∂z, in centred form) with the engine's fused route as
    well: ŷ·Σy − y of softmax under cross-entropy, ŷ − y of a sigmoid under binary cross-entropy. A
    softmax's is narrowed to its chain rule bounded term by term (chained_bound), where its ∂L/∂ŷ is
    −y/ŷ of the very ŷ (`stated`: stated_pins' of ŷ; None where ∂L/∂ŷ is stated or another pass's)."""
    total = y.sum(axis=-1, keepdims=True) if activation == "softmax" else 1.0
    if activation == "softmax" and stated is not None:
        mask = np.zeros(y.shape, dtype=bool)
        for sample, neuron, _ in stated:
            mask[sample, neuron] = True
        low, high = chained_bound(a, own, mask, y, precision)
        delta = np.maximum(delta[0], low), np.minimum(delta[1], high)
    return hull(delta, (a[0] * total - y, a[1] * total - y))


def chained_bound(a: Pair, own: Pair, stated: np.ndarray, y: np.ndarray, precision: Precision) -> Pair:
    """Softmax's δm under cross-entropy by the chain rule, bounded term by term: the ŷi a student
    divides by and the ŷi the Jacobian entry multiplies by are two writings of one value (`own`:
    ŷ's interval before its rounding; `a`: as used, where `stated` the file's value, any two values
    of what its digits stand for), so ŷi cancels and a term is yi(am − δim)·ρi(1 + εi)(1 + ηim): ρi
    the ratio of the two writings, εi and ηim how far writing gi and the entry down rounded moves
    them (relative; each product rounded too where a sample has several targets). The centred form
    counts ŷi twice, as two independent values. Unbounded (−inf, inf) where ŷ may be 0 or 1, or a
    target is negative (a relative rounding says nothing there)."""
    low, high = a
    usable = (low > 0) & (high >= low)
    with np.errstate(divide="ignore", invalid="ignore"):
        off = precision.half_of(np.abs(own[1]))  # a writing of v is v, or v rounded at its digit or finer
        ratio = (np.where(stated, low / high, (own[0] - off) / (own[0] + off)),
                 np.where(stated, high / low, (own[0] + off) / (own[0] - off)))  # ρi
        usable &= ratio[0] > 0
        g = (y / high, y / low)  # |gi|
        entry = mul((low[..., :, None], high[..., :, None]), (low[..., None, :], high[..., None, :]))  # ai·am
        diagonal = np.arange(low.shape[-1])
        least, most = entry[0].copy(), entry[1].copy()
        least[..., diagonal, diagonal], most[..., diagonal, diagonal] = parabola(low, high, 0.5, lambda p: p * (1 - p))
        eps = precision.half_of(g[1]) / g[0]  # εi (0 where yi = 0: that term is 0)
        eta = precision.half_of(most) / least  # ηim, [..., i, m]
        spread_low = ratio[0][..., :, None] * (1 - eps[..., :, None]) * (1 - eta)
        spread_high = ratio[1][..., :, None] * (1 + eps[..., :, None]) * (1 + eta)
        kronecker = np.eye(low.shape[-1])
        weight = y[..., :, None]
        terms = mul((weight * (low[..., None, :] - kronecker), weight * (high[..., None, :] - kronecker)),
                    (spread_low, spread_high))
        several = (np.count_nonzero(y, axis=-1) > 1)[..., None, None]
        terms = tuple(np.where(several, rounded, term) for rounded, term in zip(precision.rounded(*terms), terms))
        terms = tuple(np.where(weight != 0, term, 0.0) for term in terms)  # yi = 0: gi is 0, written so
        bounded = usable.all(axis=-1, keepdims=True) & np.all((least > 0) & (eta < 0.5), axis=-2) \
            & np.all((np.isfinite(eps) & (eps < 0.5)) | (y == 0), axis=-1, keepdims=True) & np.all(y >= 0)
        return np.where(bounded, terms[0].sum(axis=-2), -np.inf), np.where(bounded, terms[1].sum(axis=-2), np.inf)


def activation_range(act, z: Pair) -> Pair:
    """a = f(z): every activation but softmax is non-decreasing; softmax's ai rises with zi and falls
    with every other zm."""
    if act.elementwise:
        return act.forward(z[0]), act.forward(z[1])
    shift = np.maximum(z[0].max(axis=-1, keepdims=True), z[1].max(axis=-1, keepdims=True))
    low, high = np.exp(z[0] - shift), np.exp(z[1] - shift)
    return low / (low + _others(high)), high / (high + _others(low))


def _others(values: np.ndarray) -> np.ndarray:
    """For each entry of the last axis, the sum of the others: added up directly, as the total less
    the entry itself cancels to 0 where that entry dominates (a z interval wider than about 37)."""
    others = ~np.eye(values.shape[-1], dtype=bool)
    return np.where(others, values[..., None, :], 0.0).sum(axis=-1)


def slope_range(act, z: Pair, a: Pair) -> Pair:
    """∂a/∂z of an elementwise activation, from the student's (rounded) z and a."""
    name = act.name
    if name == "sigmoid":
        return parabola(*a, 0.5, lambda p: p * (1.0 - p))
    if name == "tanh":
        return parabola(*a, 0.0, lambda p: 1.0 - p * p)
    if name in ("relu", "leaky_relu"):
        slope = 0.0 if name == "relu" else act.alpha
        low = np.where(z[0] > 0, 1.0, min(slope, 1.0))
        high = np.where(z[1] > 0, 1.0, slope)
        return np.minimum(low, high), np.maximum(low, high)
    return np.ones_like(z[0]), np.ones_like(z[0])  # linear



def slope_taken(act, z: Pair, a: Pair, one, on_z) -> tuple[Pair, np.ndarray]:
    """∂a/∂z of an elementwise activation (or softmax's diagonal), its interval and its value at the
    interval's centre, as a pass takes it: 1 where `one` (left out, or a = z), σ′ or tanh′ of z as if
    it were a where `on_z`, else its own (each a bool, or one per row of a stacked pass)."""
    zc, ac = (z[0] + z[1]) / 2, (a[0] + a[1]) / 2

    def ones():
        unit = np.ones_like(ac)
        return unit, unit, unit

    def of_z():
        peak, value = (0.5, lambda p: p * (1.0 - p)) if act.name == "sigmoid" else (0.0, lambda p: 1.0 - p * p)
        return (*parabola(*z, peak, value), value(zc))

    def own():
        if act.name == "softmax":  # its Jacobian kept diagonal: ŷi(1 − ŷi)
            return (*parabola(*a, 0.5, lambda p: p * (1.0 - p)), ac * (1.0 - ac))
        centre = act.derivative(zc, ac) if act.name in ("relu", "leaky_relu") else act.derivative(None, ac)
        return (*slope_range(act, z, a), centre)

    low, high, centre = choose(one, ones, lambda: choose(on_z, of_z, own))
    return (low, high), centre

POLE = 1e-12  # how near 0 or 1 a rounded ŷ may come in a loss with a pole there (log ŷ, log(1 − ŷ))


def loss_gradient_range(loss, yhat: Pair, y: np.ndarray) -> Pair:
    """∂Li/∂ŷ: non-decreasing in ŷ for every loss (each is convex in ŷ), constant for `none`; a
    rounded ŷ is kept off the poles of the cross-entropies, where a probability cannot be."""
    low, high = yhat
    if loss.name in ("cross_entropy", "binary_cross_entropy"):
        low, high = np.clip(low, POLE, 1 - POLE), np.clip(high, POLE, 1 - POLE)
    with np.errstate(divide="ignore", invalid="ignore"):
        ends = loss.gradient(low, y), loss.gradient(high, y)
    return np.minimum(*ends), np.maximum(*ends)


def loss_range(loss, yhat: Pair, y: np.ndarray, precision: Precision) -> Pair:
    """Li per sample: each term is convex in ŷj with its least value at ŷj = yj (`none`: linear);
    with several outputs, each term rounded as the answer is before they are added."""
    def term(p):
        with np.errstate(divide="ignore", invalid="ignore"):
            return loss.value(p[..., None], y[..., None])

    if loss.name == "none":
        return matmul_rows(yhat, y)
    low_end, high_end = term(yhat[0]), term(yhat[1])
    inside = (yhat[0] <= y) & (y <= yhat[1])
    at_y = term(np.where(inside, y, yhat[0]))
    least, most = np.where(inside, at_y, np.minimum(low_end, high_end)), np.maximum(low_end, high_end)
    if y.shape[-1] > 1:
        least, most = precision.rounded(least, most)
    return least.sum(axis=-1), most.sum(axis=-1)


def matmul_rows(yhat: Pair, g: np.ndarray) -> Pair:
    product = mul(yhat, (g, g))
    return product[0].sum(axis=-1), product[1].sum(axis=-1)


PIECES = 8  # parts of ŷ's own interval the output's δ is worked out on (see one_value_twice)


def one_value_twice(delta: Pair, act, loss, own: Pair, y: np.ndarray, precision: Precision) -> Pair:
    """The output's δ = ∂L/∂ŷ · ∂ŷ/∂z of a sigmoid or tanh output (`delta`, as the pass made it),
    narrowed: both factors read one ŷ, each from some writing of one value the student computed
    (2ŷ at ŷ's highest times σ′ at its lowest is no run anyone makes). Worked out on each of PIECES
    parts of ŷ's own interval `own`: every writing of a value in that part, in each factor, each
    factor rounded, their product; the parts' hull, which holds every run, within `delta`."""
    if act.name not in ("sigmoid", "tanh"):
        return delta
    low, high = np.asarray(own[0]), np.asarray(own[1])
    steps = np.arange(PIECES + 1).reshape(-1, *(1,) * low.ndim) / PIECES
    edges = low + (high - low) * steps
    edges[-1] = high  # the parts meet, and the last ends at ŷ's highest: no gap
    written = precision.rounded(edges[:-1], edges[1:])  # each value of each part (axis 0), as it may be written
    gradient = precision.rounded(*loss_gradient_range(loss, written, y))
    slope = precision.rounded(*slope_range(act, written, written))
    part = mul(gradient, slope)
    return np.maximum(part[0].min(axis=0), delta[0]), np.minimum(part[1].max(axis=0), delta[1])
