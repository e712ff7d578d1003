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
    FUSED,
    Pair,
    activation_range,
    each_written,
    loss_gradient_range,
    loss_range,
    matmul,
    matmul_pairs,
    mul,
    one_value_twice,
    other_routes,
    slope_taken,
    softmax_delta,
    softmax_entry,
)
from .optimizer_reach import optimizer_reach
from .possible import one_path_only, read_the_other_way
from .quantities import Quantity, QuantityError, evaluate, input_read, local_slope, node_at
from .rule import Precision
from .stacked import choose, ends, made, negated, per_row, rows_of
from .stated import stated_pins, stated_samples
from .training_quantities import is_more, loss_after_reach, partial_top, updates_reach

# the catalogued mistakes (CONTRACT section 5's codes) a pass can make in every step: on the
# file's stated values, what each gives a step is told apart from what the correct method gives
MISTAKES = ("activation_derivative_missing", "derivative_on_z", "softmax_cross_paths_missing", "one_path_only",
            "matrix_transposed", "updated_weights_used", "pre_activation_for_activation", "batch_not_averaged",
            "bias_not_summed", "factor_2_lost", "sign_flipped", "activation_not_applied")
PINNED_Y = ("value", "gradient", "slope")  # ŷ, ∂L/∂ŷ, ∂ŷ/∂z stated: each is as written, not one ŷ's
# the mistakes that change the output δ's own rule (not only the values it is made of)
OWN_DELTA = frozenset({"factor_2_lost", "sign_flipped", "activation_derivative_missing", "derivative_on_z"})
# those of MISTAKES made in the forward pass too (every other is made backward only, on a shared forward pass)
FORWARD_MISTAKES = frozenset({"activation_not_applied"})


class Reach:
    """The intervals of every quantity of one pass, at one precision, on some stated values (or of
    many mistaken passes at once: grading.stacked)."""

    def __init__(self, result, notation, precision: Precision, stated: dict | None = None, base: Reach | None = None,
                 mistake: str | list[str] = "", forward: Reach | None = None):
        self.r, self.n, self.p = result, notation, precision
        # MISTAKES made in every step of the pass: "" (none), one, or two joined by "+"; or a list of
        # those, one row each of a stacked pass (every row a mistaken one: see _step_below)
        self.rows = rows_of(mistake)
        self.mistakes = frozenset().union(*self.rows)  # those any row makes
        self._row_intervals: dict = {}
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
            low[..., s, neuron], high[..., s, neuron] = stated_low / scale, stated_high / scale
        return low, high

    def _settle(self, pair: Pair, kind: str, what: str, layer: int, scale: float = 1.0,
                widen=True) -> tuple[Pair, Pair]:
        """A layer's nodes: their own interval (from the steps before them, as the answer for one of
        them is judged), and as the next step uses them: a stated value as written, the others
        widened by the rounding of the answer judged (or the base pass's, see __init__)."""
        if self.base is not None and kind == "gradient":  # made by the base's step of this layer (∂L/∂a: the one above)
            self._ask_gradient(self.base, what, layer)
        source = self.base.used[kind, what, layer] if self.base is not None else \
            choose(widen, lambda: self.p.rounded(*pair), lambda: pair)  # as it may be written down
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
            never = made(self.rows, {"activation_not_applied"}) if l < depth else False
            a = choose(never, lambda z=z_used: z, lambda z=z_used, act=layer.activation: activation_range(act, z))
            a_own, a_used = self._settle(a, "value", "a", l, widen=negated(never))
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
        low, high = self.p.rounded(np.minimum(*ends), np.maximum(*ends))
        return low.sum(axis=-2), high.sum(axis=-2)

    def _start_backward(self) -> None:
        """The output's ∂L/∂ŷ and δ, and the last layer's step."""
        r = self.r
        net, depth = r.network, len(r.network.layers)
        y, scale = r.targets, r.scale
        last = net.layers[-1]
        self.grad_a_own, self.delta_own = [None] * (depth + 1), [None] * (depth + 1)
        loss_gradient = loss_gradient_range(net.loss, self.a[depth], y)
        for wrong_by, wrong in ((0.5, "factor_2_lost"), (-1.0, "sign_flipped")):
            rows = made(self.rows, {wrong})
            if rows is not False:  # (stacked: the rows without it times 1, the very floats they had)
                factor = choose(rows, lambda f=wrong_by: f, lambda: 1.0)
                scaled = loss_gradient[0] * factor, loss_gradient[1] * factor
                loss_gradient = (np.minimum(*scaled), np.maximum(*scaled))
        self.grad_a_own[depth], grad_a = self._settle(loss_gradient, "gradient", "a", depth, scale)
        delta = self._delta(last.activation, depth, grad_a)
        if self.base is None and not any(self.pins.get((k, "a", depth)) for k in PINNED_Y):  # (rows keeping δ's rule)
            delta = choose(made(self.rows, OWN_DELTA), lambda: delta, lambda: one_value_twice(
                delta, last.activation, net.loss, self.a_own[depth], y, self.p))
        if (last.activation.name, net.loss.name) in FUSED:  # other routes (not with the cross paths or a factor wrong)
            unfused = made(self.rows, {"softmax_cross_paths_missing", "factor_2_lost", "sign_flipped"})
            chained = self.base is None and not self.pins.get(("gradient", "a", depth))  # ∂L/∂ŷ = −y/ŷ of ŷ itself
            stated = self.pins.get(("value", "a", depth), ()) if chained else None
            delta = choose(unfused, lambda: delta, lambda: other_routes(delta, last.activation.name, self.a[depth],
                                                                        self.a_own[depth], y, self.p, stated))
        self.weight_grad_own, self.bias_grad_own = [None] * (depth + 1), [None] * (depth + 1)
        self.weight_grad_samples, self.bias_grad_samples = [None] * (depth + 1), [None] * (depth + 1)  # (before a sum)
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
        weights, updated = self._backward_weights(l)
        # the correct method's δ·w written down before adding; a catalogued mistake's pass rounds its
        # nodes alone (it is made once per mistake, and a narrower mistake names nothing it should not)
        back = choose(updated, lambda: matmul_pairs(delta, self._updated_weights(l)),
                      lambda: self._products_summed(delta, weights, rounded=not self.mistakes))
        self.grad_a_own[l - 1], grad = self._settle(back, "gradient", "a", l - 1, self.r.scale)
        self._delta_below = self._delta(net.layers[l - 2].activation, l - 1, grad)
        self._below_of = l

    @staticmethod
    def _ask_gradient(reach: Reach, what: str, layer: int) -> None:
        """`reach`'s backward pass made as far as a node's gradient needs: ∂L/∂z of a layer is its
        own step's; ∂L/∂a of a layer below the last, the step down from the layer above."""
        last = what == "z" or layer == len(reach.r.network.layers)
        reach._gradients(layer if last else layer + 1, below=not last)

    def _backward_weights(self, l: int) -> tuple[np.ndarray, bool | np.ndarray]:
        """The weights ∂L/∂a = Σ δ·w goes back through from layer l: the forward pass's, or as a
        mistake reads them (the other way, one unit only; stacked: each row's), and whether (each
        row) reads them already updated instead (_updated_weights)."""
        weights = self.r.network.layers[l - 1].weights
        # (each a matrix of its own: a transposed view sums δ·w in another order than a stacked pass's rows do)
        reads = {mistake: read(weights) for mistake, read in (("matrix_transposed", read_the_other_way),
                                                              ("one_path_only", one_path_only))
                 if mistake in self.mistakes}
        reads = {mistake: None if read is None else np.ascontiguousarray(read) for mistake, read in reads.items()}

        def read_by(row):
            return next((changed for mistake, changed in reads.items() if mistake in row and changed is not None),
                        weights)

        each = [read_by(row) for row in self.rows]
        updated = per_row([read is weights and "updated_weights_used" in row for row, read in zip(self.rows, each)])
        return (each[0] if all(read is each[0] for read in each) else np.stack(each)), updated

    def _updated_weights(self, l: int) -> Pair:
        """Layer l's weights already updated by the gradient this pass gives them (the true one, or
        the student's own where the file states what it is built on): an interval, each updated
        weight an intermediate rounded as the answer is."""
        # the gradient updated with, written as the answer is: its own rounding only (its interval's
        # spread is δ's, which multiplies these weights again: counted twice it fits made-up numbers)
        self._parameters_of(l)
        weights = self.r.network.layers[l - 1].weights
        middle, rate = sum(self.weight_grad_own[l]) / 2, self.r.learning_rate  # η > 0 (the spec says)
        half = self.p.half_of(np.abs(middle))
        low, high = self.p.rounded(weights - rate * (middle + half), weights - rate * (middle - half))
        return (low[:, None], high[:, None]) if low.ndim == 3 else (low, high)  # stacked: each row's, every sample

    def _slope(self, act, layer: int) -> tuple[Pair, np.ndarray]:
        """∂a/∂z of an elementwise activation: its interval, and its value at the interval's centre;
        as the mistake takes it (left out: 1; σ′ or tanh′ on z as if it were a)."""
        never = made(self.rows, {"activation_not_applied"}) if layer < len(self.r.network.layers) else False
        on_z = made(self.rows, {"derivative_on_z"})
        # a = z: ∂a/∂z = 1 (with derivative_on_z too: σ′ of that a = z, below)
        one = np.logical_or(np.logical_and(never, np.logical_not(on_z)),
                            made(self.rows, {"activation_derivative_missing"}))
        of_z = np.logical_and(on_z, act.name in ("sigmoid", "tanh"))
        return slope_taken(act, self.z[layer], self.a[layer], one, of_z)

    def _delta(self, act, layer: int, grad_a: Pair) -> Pair:
        """∂L/∂z from the (rounded) ∂L/∂a: times ∂a/∂z, or softmax's am(gm − Σi gi·ai). In centred
        form (the value at the centre, plus each input's spread times how much it moves the
        result, plus the products of spreads): plain interval arithmetic would count a value that
        appears twice as two independent ones and grow the interval far past what rounding does."""
        a = self.a[layer]
        if act.name == "linear":  # ∂L/∂z is ∂L/∂a itself: one number, rounded once
            return grad_a
        g, rg = (grad_a[0] + grad_a[1]) / 2, (grad_a[1] - grad_a[0]) / 2

        def by_slope():  # the local derivative rounded as the answer is: a step students write down
            slope, sc = self._slope(act, layer)
            slope = self._pin(self.p.rounded(*slope), "slope", "a", layer)
            sc = np.minimum(np.maximum(sc, slope[0]), slope[1])  # np.clip, without its wrapper's cost
            rs = np.maximum(slope[1] - sc, sc - slope[0])
            centre, spread = g * sc, np.abs(sc) * rg + np.abs(g) * rs + rg * rs
            return centre - spread, centre + spread

        # softmax: its Jacobian; kept diagonal where its cross paths are missing
        return by_slope() if act.elementwise else choose(made(self.rows, {"softmax_cross_paths_missing"}), by_slope,
                                                         lambda: softmax_delta(a, grad_a, g, rg, self.p))

    def _parameters_of(self, l: int) -> None:
        """Layer l's parameter gradients, made when first asked (a pass down to layer 1 never reads the last's)."""
        if self.weight_grad_own[l] is not None:
            return
        delta = self.used["gradient", "z", l]
        on_z = made(self.rows, {"pre_activation_for_activation"}) if l > 1 else False
        source = choose(on_z, lambda: self.z[l - 1], lambda: self.a[l - 1])
        scale = choose(made(self.rows, {"batch_not_averaged"}), lambda: 1.0, lambda: self.r.scale)
        self.bias_grad_samples[l] = delta
        # (asked within the pass or interval(), both under errstate: an overflow is wide, never warned of)
        self.weight_grad_samples[l] = mul((delta[0][..., :, :, None], delta[1][..., :, :, None]),
                                          (source[0][..., :, None, :], source[1][..., :, None, :]))
        # each sample's δ·a written down before the batch's sum (a mistake's pass rounds its nodes alone: _step_below)
        written_down = each_written(self.weight_grad_samples[l], self.r.scale, self.p,
                                    rounded=self.r.samples > 1 and not self.mistakes)
        weights, biases = stated_samples(self.pins, l, written_down, delta)
        self.weight_grad_own[l] = tuple(bound.sum(axis=-3) * scale for bound in weights)
        # bias_not_summed: the first sample's δ alone (a batch's bias gradient needs a sum of its own)
        summed = choose(made(self.rows, {"bias_not_summed"}), lambda: (biases[0][..., :1, :].sum(axis=-2),
                                                                       biases[1][..., :1, :].sum(axis=-2)),
                        lambda: (biases[0].sum(axis=-2), biases[1].sum(axis=-2)), rank=1)
        scale = scale[..., 0] if isinstance(scale, np.ndarray) else scale  # (stacked: each row's, over its units)
        self.bias_grad_own[l] = (summed[0] * scale, summed[1] * scale)

    def _sample_gradient(self, kind: str, layer: int, j: int | None, k: int | None, s: int) -> tuple[float, float]:
        self._parameters_of(layer)
        if kind == "w":
            low, high = self.weight_grad_samples[layer]
            return ends(low[..., s, j - 1, k - 1], high[..., s, j - 1, k - 1], len(self.rows))
        low, high = self.bias_grad_samples[layer]  # a bias's: its neuron's δ (shared: the layer's sum)
        low, high = (low[..., s, :].sum(axis=-1), high[..., s, :].sum(axis=-1)) if j is None else \
            (low[..., s, j - 1], high[..., s, j - 1])
        return ends(low, high, len(self.rows))

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
        """The quantity's own interval (before its own rounding, which is the answer's); of a stacked
        pass, the arrays of every row's (row_intervals)."""
        with np.errstate(all="ignore"):  # stated values past float64 give wide intervals, never warnings
            return self._interval(q)

    def row_intervals(self, q: Quantity) -> tuple[np.ndarray, np.ndarray]:
        """A stacked pass's intervals of `q`, one per row (made once: each row asks, grading.stacked.Row)."""
        if q not in self._row_intervals:
            self._row_intervals[q] = self.interval(q)
        return self._row_intervals[q]

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
                return ends(low[..., q.sample - 1], high[..., q.sample - 1], len(self.rows))
            if low.shape[-1] > 1:  # a batch: each sample's loss rounded as the answer is (or the file's own), averaged
                low, high = (end.copy() for end in self.p.rounded(low, high))
                for s, _, (stated_low, stated_high) in self.pins.get(("loss",), ()):
                    low[..., s], high[..., s] = stated_low, stated_high
            low, high = ends(low.sum(axis=-1) * r.scale, high.sum(axis=-1) * r.scale, len(self.rows))
            return low + r.l2_term, high + r.l2_term  # the L2 term (λ/2)·Σw²: of the spec's own weights, exact
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
                low, high = ends(grads[0][..., j - 1, k - 1], grads[1][..., j - 1, k - 1], len(self.rows))
            elif j is None:  # a shared bias: the sum over its layer
                low, high = ends(grads[0].sum(axis=-1), grads[1].sum(axis=-1), len(self.rows))
            else:
                low, high = ends(grads[0][..., j - 1], grads[1][..., j - 1], len(self.rows))
            if kind == "w" and r.network.l2:  # the L2 term's own path: λ·w, of the spec's own weight
                low, high = low + r.network.l2 * r.value(str(q.name)), high + r.network.l2 * r.value(str(q.name))
            if q.kind == "gradient":
                return low, high
            return optimizer_reach(r, q, (low, high), self.p, self.stated)  # the update, step by step
        what, layer, neuron = node_at(r, q.name, self.n)
        s = (q.sample or 1) - 1
        if q.kind == "value":
            pair = (self.z_own if what == "z" else self.a_own)[layer]
            return ends(pair[0][..., s, neuron], pair[1][..., s, neuron], len(self.rows))
        self._ask_gradient(self, what, layer)
        if what == "z":
            pair = self.delta_own[layer]
        elif layer == 0:  # Σ δ1j·w1jk on the δs as the next step uses them: rounded, or the file's own
            pair = matmul(self.used["gradient", "z", 1], r.network.layers[0].weights)
        else:
            pair = self.grad_a_own[layer]
        return ends(pair[0][..., s, neuron] * r.scale, pair[1][..., s, neuron] * r.scale, len(self.rows))
