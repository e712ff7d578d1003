"""What the correct method can reach when a student rounds as they go: the forward and backward
pass of a network in interval arithmetic, every intermediate quantity widened by the rounding of
the answer being judged (grading.rule.Precision), and the values an answers file states put in
place of the true ones. Vectorised over samples and neurons, as the engine is.

An answer is reachable when it rounds to some value of its quantity's interval: the quantity's own
interval is not widened (its rounding is the answer's own), what feeds it is.
"""
from __future__ import annotations

import numpy as np

from ..errors import UsageError
from .interval_arithmetic import (
    Pair,
    activation_range,
    hull,
    loss_gradient_range,
    loss_range,
    matmul,
    matmul_pairs,
    mul,
    parabola,
    slope_range,
    softmax_entry,
)
from .optimizer_reach import optimizer_reach
from .possible import one_path_only, read_the_other_way
from .quantities import Quantity, QuantityError, evaluate, input_read, local_slope, node_at
from .rule import Precision, remembered
from .stated import stated_pins, stated_samples
from .training_quantities import is_more, loss_after_reach, partial_top, updates_reach

# the catalogued mistakes (CONTRACT section 5's codes) a pass can make in every step: on the
# file's stated values, what each gives a step is told apart from what the correct method gives
MISTAKES = ("activation_derivative_missing", "derivative_on_z", "softmax_cross_paths_missing", "one_path_only",
            "matrix_transposed", "updated_weights_used", "pre_activation_for_activation", "batch_not_averaged",
            "bias_not_summed", "factor_2_lost", "sign_flipped", "activation_not_applied")
# those of MISTAKES made in the forward pass too (every other is made backward only, on a shared forward pass)
FORWARD_MISTAKES = frozenset({"activation_not_applied"})
_WIDENING: dict = {}  # Reach._entry_widening, by precision and ŷ


def _widen(pair: Pair, precision: Precision) -> Pair:
    """An intermediate as the student may have written it down: rounded at `precision`."""
    return precision.rounded(*pair)


class Reach:
    """The intervals of every quantity of one pass, at one precision, on some stated values."""

    def __init__(self, result, notation, precision: Precision, stated: dict | None = None, base: Reach | None = None,
                 mistake: str = "", forward: Reach | None = None):
        self.r, self.n, self.p = result, notation, precision
        # MISTAKES made in every step of the pass: "" (none), one, or two joined by "+"
        self.mistakes = frozenset(mistake.split("+")) if mistake else frozenset()
        self.stated = stated or {}  # (kind, Name, sample) -> given value, or (low, high) (as_pair)
        # with `base` (the pass on true values): each step takes the stated values where the file
        # gives them and the base's rounded true values elsewhere (the step alone redone on the
        # file's values); without, the stated values carry through every step after them
        self.base = base
        # where each stated value goes, looked up once for every pass on the same values
        self.pins = forward.pins if forward is not None and forward.stated is self.stated else \
            stated_pins(result, notation, self.stated)
        self.used: dict[tuple, Pair] = {}
        with np.errstate(all="ignore"):  # an interval that overflows is judged as wide, never warned about
            if forward is None or forward.mistakes & FORWARD_MISTAKES != self.mistakes & FORWARD_MISTAKES:
                self._forward()
            else:  # the same forward pass (the same mistakes made forward, if any): shared
                self.z, self.a, self.z_own, self.a_own = forward.z, forward.a, forward.z_own, forward.a_own
                self.loss_own = forward.loss_own
                self.used = {k: v for k, v in forward.used.items() if k[0] == "value"}
        self._lowest: int | None = None  # the lowest layer whose δ and parameter gradients are made
        self._delta_below: Pair | None = None  # the δ the next layer down starts from
        self._below_of: int | None = None  # the layer whose step down (∂L/∂a and δ beneath it) is made last

    def _gradients(self, layer: int = 1, below: bool = False) -> None:
        """The backward pass made down to `layer` (its δ, its parameters' gradients; `below`: the ∂L/∂a
        beneath it too), once: a forward value never starts it, a last layer's gradient never goes below."""
        if self._lowest is not None and self._lowest <= layer and not (below and layer > 1 and self._below_of != layer
                                                                      and self._lowest == layer):
            return
        with np.errstate(all="ignore"):
            if self._lowest is None:
                self._start_backward()
            while self._lowest > max(layer, 1):
                self._step_below(self._lowest)
                self._layer_backward(self._lowest - 1)
            if below and layer > 1:
                self._step_below(layer)

    # -- stated values in place of the computed ones ---------------------------------------
    def _pin(self, pair: Pair, kind: str, what: str, layer: int, scale: float = 1.0) -> Pair:
        """`pair` with the values the file states for this layer's nodes (as written: see as_pair);
        a gradient is stated as the sample's share of L, the engine's per-sample value × scale."""
        if not self.stated:
            return pair
        low, high = pair[0].copy(), pair[1].copy()
        for s, neuron, (stated_low, stated_high) in self.pins.get((kind, what, layer), ()):
            low[s, neuron], high[s, neuron] = stated_low / scale, stated_high / scale
        return low, high

    def _settle(self, pair: Pair, kind: str, what: str, layer: int, scale: float = 1.0,
                widen: bool = True) -> tuple[Pair, Pair]:
        """A layer's nodes: their own interval (from the steps before them, as the answer for one of
        them is judged), and as the next step uses them: a stated value as written, the others
        widened by the rounding of the answer judged (or the base pass's, see __init__)."""
        if self.base is not None and kind == "gradient":  # made by the base's step of this layer (∂L/∂a: the one above)
            self._ask_gradient(self.base, what, layer)
        source = self.base.used[kind, what, layer] if self.base is not None else \
            _widen(pair, self.p) if widen else pair
        used = self._pin(source, kind, what, layer, scale)
        self.used[kind, what, layer] = used
        return pair, used

    # -- the pass ---------------------------------------------------------------------------
    def _forward(self) -> None:
        r = self.r
        net, depth = r.network, len(r.network.layers)
        exact = (r.a[0], r.a[0])
        self.z, self.a = [None], [exact]
        self.z_own, self.a_own = [None], [exact]  # each node's own interval, before its rounding
        for l, layer in enumerate(net.layers, start=1):
            z = self._products_summed(self.a[l - 1], layer.weights.T)
            z_own, z_used = self._settle((z[0] + layer.biases, z[1] + layer.biases), "value", "z", l)
            self.z_own.append(z_own)
            self.z.append(z_used)
            # activation_not_applied: a hidden layer's a = z carried forward (the output keeps its own)
            never = "activation_not_applied" in self.mistakes and l < depth
            a = z_used if never else activation_range(layer.activation, z_used)
            a_own, a_used = self._settle(a, "value", "a", l, widen=not never)
            self.a_own.append(a_own)
            self.a.append(a_used)
        self.loss_own = loss_range(net.loss, self.a[depth], r.targets, self.p)

    def _products_summed(self, a: Pair, weights: np.ndarray | Pair, rounded: bool = True) -> Pair:
        """a @ weights, each product a·w as a student may write it down before adding (−1.764 as −1.76
        beside 3 significant digits): rounded as the answer is, where `rounded` and several add up
        (weights an interval: a mistake's updated ones, whose pass rounds nodes alone, never products)."""
        if isinstance(weights, tuple):
            return matmul_pairs(a, weights)
        if not rounded or weights.shape[0] == 1:  # one product: the sum itself
            return matmul(a, weights)
        ends = a[0][..., :, None] * weights, a[1][..., :, None] * weights  # an interval times a number
        low, high = _widen((np.minimum(*ends), np.maximum(*ends)), self.p)
        return low.sum(axis=-2), high.sum(axis=-2)

    def _start_backward(self) -> None:
        """The output's ∂L/∂ŷ and δ, and the last layer's step."""
        r = self.r
        net, depth = r.network, len(r.network.layers)
        y, scale = r.targets, r.scale
        last = net.layers[-1]
        self.grad_a_own = [None] * (depth + 1)
        self.delta_own = [None] * (depth + 1)
        loss_gradient = loss_gradient_range(net.loss, self.a[depth], y)
        for factor, wrong in ((0.5, "factor_2_lost"), (-1.0, "sign_flipped")):
            if wrong in self.mistakes:
                ends = loss_gradient[0] * factor, loss_gradient[1] * factor
                loss_gradient = (np.minimum(*ends), np.maximum(*ends))
        self.grad_a_own[depth], grad_a = self._settle(loss_gradient, "gradient", "a", depth, scale)
        delta = self._delta(last.activation, depth, grad_a)
        if self.mistakes & {"softmax_cross_paths_missing", "factor_2_lost", "sign_flipped"}:
            pass  # the fused ŷ − y of the engine has the cross paths, and no factor 2 to lose
        elif last.activation.name == "softmax" and net.loss.name == "cross_entropy":  # ŷ·Σy − y, as the engine
            total = y.sum(axis=-1, keepdims=True)
            delta = hull(delta, (self.a[depth][0] * total - y, self.a[depth][1] * total - y))
        elif last.activation.name == "sigmoid" and net.loss.name == "binary_cross_entropy":
            delta = hull(delta, (self.a[depth][0] - y, self.a[depth][1] - y))
        self.weight_grad_own, self.bias_grad_own = [None] * (depth + 1), [None] * (depth + 1)
        self.weight_grad_samples = [None] * (depth + 1)  # each sample's own, before the batch's sum
        self.bias_grad_samples = [None] * (depth + 1)
        self._delta_below = delta
        self._layer_backward(depth)

    def _layer_backward(self, l: int) -> None:
        """Layer l's step of the backward pass: its δ settled (its parameters' gradients are made when asked)."""
        net, scale = self.r.network, self.r.scale
        linear = net.layers[l - 1].activation.name == "linear" and self.base is None
        self.delta_own[l], _ = self._settle(self._delta_below, "gradient", "z", l, scale, widen=not linear)
        self._lowest = l

    def _step_below(self, l: int) -> None:
        """From layer l (> 1, its step made) down: the ∂L/∂a and δ below it (the next step's start), once."""
        if self._lowest < l or self._below_of == l:
            return
        net, delta = self.r.network, self.used["gradient", "z", l]
        weights = self._backward_weights(l)
        # the correct method's δ·w written down before adding; a catalogued mistake's pass rounds its
        # nodes alone (it is made once per mistake, and a narrower mistake names nothing it should not)
        back = self._products_summed(delta, weights, rounded=not self.mistakes)
        self.grad_a_own[l - 1], grad = self._settle(back, "gradient", "a", l - 1, self.r.scale)
        self._delta_below = self._delta(net.layers[l - 2].activation, l - 1, grad)
        self._below_of = l

    @staticmethod
    def _ask_gradient(reach: Reach, what: str, layer: int) -> None:
        """`reach`'s backward pass made as far as a node's gradient needs: ∂L/∂z of a layer is its
        own step's; ∂L/∂a of a layer below the last, the step down from the layer above."""
        last = what == "z" or layer == len(reach.r.network.layers)
        reach._gradients(layer if last else layer + 1, below=not last)

    def _backward_weights(self, l: int) -> np.ndarray | Pair:
        """The weights ∂L/∂a = Σ δ·w goes back through from layer l: the forward pass's, or as a
        mistake reads them (the other way, one unit only, already updated by the gradient this pass
        gives them: the true one, or the student's own where the file states what it is built on;
        an interval, each updated weight an intermediate rounded as the answer is)."""
        weights = self.r.network.layers[l - 1].weights
        for mistake, read in (("matrix_transposed", read_the_other_way), ("one_path_only", one_path_only)):
            if mistake in self.mistakes and (changed := read(weights)) is not None:
                return changed
        if "updated_weights_used" in self.mistakes:  # updated with this pass's own gradient, as the student did
            # the gradient updated with, written as the answer is: its own rounding only (its interval's
            # spread is δ's, which multiplies these weights again: counted twice it fits made-up numbers)
            self._parameters_of(l)
            middle, rate = sum(self.weight_grad_own[l]) / 2, self.r.learning_rate  # η > 0 (the spec says)
            half = self.p.half_of(np.abs(middle))
            return _widen((weights - rate * (middle + half), weights - rate * (middle - half)), self.p)
        return weights

    def _slope(self, act, layer: int) -> tuple[Pair, np.ndarray]:
        """∂a/∂z of an elementwise activation: its interval, and its value at the interval's centre;
        as the mistake takes it (left out: 1; σ′ or tanh′ on z as if it were a)."""
        z, a = self.z[layer], self.a[layer]
        zc, ac = (z[0] + z[1]) / 2, (a[0] + a[1]) / 2
        never = "activation_not_applied" in self.mistakes and layer < len(self.r.network.layers)
        if never and "derivative_on_z" not in self.mistakes or "activation_derivative_missing" in self.mistakes:
            one = np.ones_like(ac)  # a = z: ∂a/∂z = 1 (with derivative_on_z too: σ′ of that a = z, below)
            return (one, one), one
        if "derivative_on_z" in self.mistakes and act.name in ("sigmoid", "tanh"):
            peak, value = (0.5, lambda p: p * (1.0 - p)) if act.name == "sigmoid" else (0.0, lambda p: 1.0 - p * p)
            return parabola(*z, peak, value), value(zc)
        if act.name == "softmax":  # its Jacobian kept diagonal: ŷi(1 − ŷi)
            return parabola(*a, 0.5, lambda p: p * (1.0 - p)), ac * (1.0 - ac)
        slope = slope_range(act, z, a)
        return slope, act.derivative(zc, ac) if act.name in ("relu", "leaky_relu") else act.derivative(None, ac)

    def _delta(self, act, layer: int, grad_a: Pair) -> Pair:
        """∂L/∂z from the (rounded) ∂L/∂a: times ∂a/∂z, or softmax's am(gm − Σi gi·ai). In centred
        form (the value at the centre, plus each input's spread times how much it moves the
        result, plus the products of spreads): plain interval arithmetic would count a value that
        appears twice as two independent ones and grow the interval far past what rounding does."""
        a = self.a[layer]
        if act.name == "linear":  # ∂L/∂z is ∂L/∂a itself: one number, rounded once
            return grad_a
        g, rg = (grad_a[0] + grad_a[1]) / 2, (grad_a[1] - grad_a[0]) / 2
        diagonal = not act.elementwise and "softmax_cross_paths_missing" in self.mistakes
        if act.elementwise or diagonal:  # the local derivative rounded as the answer is: a step students write down
            slope, sc = self._slope(act, layer)
            slope = self._pin(self.p.rounded(*slope), "slope", "a", layer)
            sc = np.minimum(np.maximum(sc, slope[0]), slope[1])  # np.clip, without its wrapper's cost
            rs = np.maximum(slope[1] - sc, sc - slope[0])
            centre, spread = g * sc, np.abs(sc) * rg + np.abs(g) * rs + rg * rs
            return centre - spread, centre + spread
        ac, ra = (a[0] + a[1]) / 2, (a[1] - a[0]) / 2
        total = (g * ac).sum(axis=-1, keepdims=True)
        centre = ac * (g - total)
        # first order: ∂δm/∂gi = am(δim − ai); ∂δm/∂am = gm − S − am·gm; ∂δm/∂ai = −am·gi (i ≠ m)
        by_g = ac * (rg * (1 - ac) + ((ac * rg).sum(axis=-1, keepdims=True) - ac * rg))
        by_a = np.abs(g - total - ac * g) * ra + ac * ((np.abs(g) * ra).sum(axis=-1, keepdims=True) - np.abs(g) * ra)
        # second order: every product of two spreads, bounded together
        cross = (rg * ra + np.abs(g) * ra + rg * ac).sum(axis=-1, keepdims=True)
        second = ra * (rg + cross) + ac * (rg * ra).sum(axis=-1, keepdims=True)
        spread = by_g + by_a + second + self._jacobian_rounding(a, grad_a)
        return centre - spread, centre + spread

    def _jacobian_rounding(self, a: Pair, grad_a: Pair) -> np.ndarray:
        """How much further δm = Σi gi·∂ai/∂zm reaches when a student writes each entry of
        softmax's Jacobian down rounded as the answer is (ŷ1(1 − ŷ1) = 0.22726, −ŷ1ŷ2 = ...), as
        the elementwise slope is rounded: Σi |gi| × how far rounding moves the entry past the
        interval it has from ŷ's (which the centred form counts already)."""
        g = np.maximum(np.abs(grad_a[0]), np.abs(grad_a[1]))
        return (g[..., :, None] * self._entry_widening(a)).sum(axis=-2)

    def _entry_widening(self, a: Pair) -> np.ndarray:
        """How far each Jacobian entry's interval widens once rounded, at this precision: the same
        for every mistaken pass on one forward pass (remembered, as rule.Precision.rounded does)."""
        def widening():
            low, high = mul((a[0][..., :, None], a[1][..., :, None]), (a[0][..., None, :], a[1][..., None, :]))
            low, high = low.copy(), high.copy()  # ai·am, i ≠ m (its sign flipped rounds alike)
            diagonal = np.arange(low.shape[-1])
            low[..., diagonal, diagonal], high[..., diagonal, diagonal] = \
                parabola(*a, 0.5, lambda p: p * (1.0 - p))  # ai(1 − ai)
            rounded_low, rounded_high = self.p.rounded(low, high)
            return np.maximum(rounded_high - high, low - rounded_low)

        return remembered(_WIDENING, self.p, a[0], a[1], widening)

    def _parameters_of(self, l: int) -> None:
        """Layer l's parameter gradients, made when first asked (a pass down to layer 1 never reads the last's)."""
        if self.weight_grad_own[l] is not None:
            return
        delta = self.used["gradient", "z", l]
        source = self.z[l - 1] if "pre_activation_for_activation" in self.mistakes and l > 1 else self.a[l - 1]
        scale = 1.0 if "batch_not_averaged" in self.mistakes else self.r.scale
        self.bias_grad_samples[l] = delta
        # (asked within the pass or interval(), both under errstate: an overflow is wide, never warned of)
        self.weight_grad_samples[l] = mul((delta[0][:, :, None], delta[1][:, :, None]),
                                          (source[0][:, None, :], source[1][:, None, :]))
        weights, biases = stated_samples(self.pins, l, self.weight_grad_samples[l], delta)
        self.weight_grad_own[l] = tuple(bound.sum(axis=0) * scale for bound in weights)
        # bias_not_summed: the first sample's δ alone (a batch's bias gradient needs a sum of its own)
        summed = (biases[0][:1], biases[1][:1]) if "bias_not_summed" in self.mistakes else biases
        self.bias_grad_own[l] = (summed[0].sum(axis=0) * scale, summed[1].sum(axis=0) * scale)

    def _sample_gradient(self, kind: str, layer: int, j: int | None, k: int | None, s: int) -> tuple[float, float]:
        self._parameters_of(layer)
        if kind == "w":
            low, high = self.weight_grad_samples[layer]
            return float(low[s, j - 1, k - 1]), float(high[s, j - 1, k - 1])
        low, high = self.bias_grad_samples[layer]  # a bias's: its neuron's δ (shared: the layer's sum)
        low, high = (low[s].sum(), high[s].sum()) if j is None else (low[s, j - 1], high[s, j - 1])
        return float(low), float(high)

    def _local_derivative(self, q: Quantity) -> tuple[float, float] | None:
        """A one-step ∂X/∂Y as the student works it out from their rounded values: ∂a/∂z (σ′ from
        a, softmax's ai(δim − am)), ∂z/∂w (the a it multiplies); None for any other (on its value)."""
        r, s = self.r, (q.sample or 1) - 1
        unit = local_slope(r, self.n, q.kind, q.name)  # one unit's σ′, tanh′ or relu′
        if unit is not None:
            slope, _ = self._slope(r.network.layers[unit[0] - 1].activation, unit[0])
            return float(slope[0][s, unit[1]]), float(slope[1][s, unit[1]])
        read = input_read(r, self.n, q.kind, q.name)
        if read is not None:  # ∂z_j/∂w_jk = a_k of the layer below: its own value, or the file's
            below, k = read[0] - 1, read[2] - 1
            low, high = self._pin(self.a_own[below], "value", "a", below)
            return float(low[s, k]), float(high[s, k])
        try:
            top = node_at(r, partial_top(q), self.n)
            wrt = r.parameter_index(str(q.name)) if q.is_parameter else node_at(r, q.name, self.n)
        except (QuantityError, UsageError):
            return None
        layer = top[1]  # softmax's ∂ai/∂zm = ai(δim − am); another unit of an elementwise layer: 0, exactly
        if top[0] != "a" or wrt[0] != "z" or wrt[1] != layer or r.network.layers[layer - 1].activation.elementwise:
            return None
        return softmax_entry((self.a[layer][0][s], self.a[layer][1][s]), top[2], wrt[2])

    # -- one quantity ------------------------------------------------------------------------
    def interval(self, q: Quantity) -> tuple[float, float]:
        """The quantity's own interval (before its own rounding, which is the answer's)."""
        with np.errstate(all="ignore"):  # stated values past float64 give wide intervals, never warnings
            return self._interval(q)

    def _interval(self, q: Quantity) -> tuple[float, float]:
        r = self.r
        if q.kind.startswith("after:") and q.is_parameter:
            return updates_reach(r, q, self.p)  # one update more, worked step by step
        if q.kind.startswith("after:"):  # the loss after K: the forward pass of the network after the updates
            return loss_after_reach(r, q, self.p, self.interval)
        if is_more(q.kind) and q.kind != "delta" and not q.kind.startswith("state:"):  # ∂X/∂Y: on its value
            local = self._local_derivative(q) if q.kind.startswith("partial:") else None
            return local if local is not None else (evaluate(r, q, self.n),) * 2
        if q.name.kind == "L":
            if q.kind == "gradient":
                return 1.0, 1.0
            low, high = self.loss_own
            if q.sample is not None:  # loss[s]: sample s's own
                return float(low[q.sample - 1]), float(high[q.sample - 1])
            if len(low) > 1:  # a batch: each sample's loss rounded as the answer is (or the file's own), averaged
                low, high = (end.copy() for end in self.p.rounded(low, high))
                for s, _, (stated_low, stated_high) in self.pins.get(("loss",), ()):
                    low[s], high[s] = stated_low, stated_high
            term = r.l2_term  # the L2 term (λ/2)·Σw²: of the spec's own weights, exact
            return float(low.sum() * r.scale) + term, float(high.sum() * r.scale) + term
        if q.is_parameter:
            kind, layer, j, k = r.parameter_index(str(q.name))
            if q.kind == "value":
                value = r.value(str(q.name))
                return value, value
            self._gradients(layer)
            if q.sample is not None:  # dL/dw212[s]: sample s's own gradient, before any averaging
                return self._sample_gradient(kind, layer, j, k, q.sample - 1)
            self._parameters_of(layer)
            grads = self.weight_grad_own[layer] if kind == "w" else self.bias_grad_own[layer]
            if kind == "w":
                low, high = float(grads[0][j - 1, k - 1]), float(grads[1][j - 1, k - 1])
            elif j is None:  # a shared bias: the sum over its layer
                low, high = float(grads[0].sum()), float(grads[1].sum())
            else:
                low, high = float(grads[0][j - 1]), float(grads[1][j - 1])
            if kind == "w" and r.network.l2:  # the L2 term's own path: λ·w, of the spec's own weight
                low, high = low + r.network.l2 * r.value(str(q.name)), high + r.network.l2 * r.value(str(q.name))
            if q.kind == "gradient":
                return low, high
            return optimizer_reach(r, q, (low, high), self.p, self.stated)  # the update, step by step
        what, layer, neuron = node_at(r, q.name, self.n)
        s = (q.sample or 1) - 1
        if q.kind == "value":
            pair = (self.z_own if what == "z" else self.a_own)[layer]
            return float(pair[0][s, neuron]), float(pair[1][s, neuron])
        self._ask_gradient(self, what, layer)
        if what == "z":
            pair = self.delta_own[layer]
        elif layer == 0:  # Σ δ1j·w1jk on the δs as the next step uses them: rounded, or the file's own
            pair = matmul(self.used["gradient", "z", 1], r.network.layers[0].weights)
        else:
            pair = self.grad_a_own[layer]
        return float(pair[0][s, neuron] * r.scale), float(pair[1][s, neuron] * r.scale)
