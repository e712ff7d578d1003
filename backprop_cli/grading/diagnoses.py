"""Diagnoses: recompute what a known mistake gives (the softmax cross paths left out, a lost
factor 2, ...) and name the one a wrong answer matches."""
from __future__ import annotations

import contextlib
import dataclasses
import math

import numpy as np

from ..core.engine import backward, backward_from, run
from ..core.functions import Activation
from ..core.names import Notation
from ..core.network import Network
from ..core.result import Result
from ..core.update import updated
from ..errors import UsageError
from .answers import Answer, Tolerance
from .matching import matching
from .optimizer_mistakes import state_mistakes, update_mistakes
from .possible import one_path_only, read_the_other_way
from .quantities import Quantity, QuantityError, evaluate, shown
from .rule import same_value
from .step_mistakes import ON_Z, batch_not_averaged, loss_mistakes, one_sample, sample_share, slope_on_z
from .training_quantities import is_more


def _softmax_without_cross_terms(act: Activation) -> Activation:
    # the mistake: ∂ŷi/∂zm taken as 0 for i ≠ m, i.e. softmax treated as elementwise; renamed, so
    # that the engine's fused softmax + cross-entropy δ (ŷ − y, which has the cross paths) is not used
    return act.replace(name="softmax (diagonal only)", derivative=lambda _z, a: a * (1.0 - a))


def _variant(result: Result, change, backward_only: bool = False) -> Result:
    """The same forward and backward pass with one mistake made (a changed network); `backward_only`:
    a mistake in the derivatives alone, whose forward pass is the result's own."""
    net = change(result.network)
    if backward_only:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):  # as run()
            return backward_from(net, result.z, result.a, result.targets, result.learning_rate, checked=False)
    return run(net, result.a[0], result.targets, result.learning_rate, checked=False)  # compared, never shown


def _no_cross_paths(net: Network) -> Network:
    layers = [l if l.activation.elementwise else
              l.replace(activation=_softmax_without_cross_terms(l.activation)) for l in net.layers]
    return net.replace(layers=layers)


def _notes_softmax_factor(net: Network) -> Network:
    """The PadhAI notes' output factor: ∂ŷi/∂zi taken as ŷi(1 − ŷi)(−z of the other outputs), and
    no cross paths (the notes follow ŷi → zi alone)."""
    def factor(z, a):
        others = z.sum(axis=-1, keepdims=True) - z
        return a * (1.0 - a) * -others

    last = net.layers[-1]
    wrong = last.activation.replace(derivative=factor)
    return net.replace(layers=[*net.layers[:-1], last.replace(activation=wrong)])


def _without_activation_derivative(net: Network) -> Network:
    """Every ∂a/∂z left out (taken as 1): the chain skips the activations."""
    def one(z, _a):
        return np.ones_like(z)

    return net.replace(layers=[l.replace(activation=l.activation.replace(derivative=one)) for l in net.layers])


def _derivative_on_z(net: Network) -> Network | None:
    """σ′ and tanh′ evaluated on z as if it were a: z(1 − z), 1 − z² (None: no such unit)."""
    on_z = {"sigmoid": lambda z, _a: z * (1.0 - z), "tanh": lambda z, _a: 1.0 - z * z}
    if not any(l.activation.name in on_z for l in net.layers):
        return None
    return net.replace(layers=[l if l.activation.name not in on_z else l.replace(
        activation=l.activation.replace(derivative=on_z[l.activation.name])) for l in net.layers])


def _never_activated(net: Network) -> Network | None:
    """The hidden layers' activation never applied: a = z, forward and back (None: nothing to skip)."""
    from ..core.functions import ACTIVATIONS

    hidden = net.layers[:-1]
    if not any(l.activation.name != "linear" for l in hidden):
        return None
    return net.replace(layers=[l.replace(activation=ACTIVATIONS["linear"])
                                            for l in hidden] + [net.layers[-1]])


def _never_activated_own_derivative(net: Network) -> Network | None:
    """The hidden layers' activation never applied (a = z), its derivative still taken from that a:
    a(1 − a) with a = z for sigmoid, 1 − a² for tanh (None where that changes nothing from
    _never_activated or from the right pass)."""
    hidden = net.layers[:-1]
    if not any(l.activation.name in ("sigmoid", "tanh") for l in hidden):
        return None

    def own(act: Activation) -> Activation:
        return act.replace(name=f"{act.name} (never applied)", forward=lambda z: z,
                                   derivative=lambda z, _a, f=act.derivative: f(z, z))

    return net.replace(layers=[l.replace(activation=own(l.activation))
                                            if l.activation.name in ("sigmoid", "tanh") else l
                                            for l in hidden] + [net.layers[-1]])


def _through_weights(result: Result, weights_of) -> Result | None:
    """The backward sum ∂L/∂a = Σ δ·w done with other weights (`weights_of(layer)`, None for the
    layer's own), the forward pass as it was; None where no layer's weights differ."""
    backwards = [l.replace(weights=w) if (w := weights_of(i)) is not None else l
                 for i, l in enumerate(result.network.layers)]
    if all(b is a for b, a in zip(backwards[1:], result.network.layers[1:])):
        return None
    depth = len(backwards)
    grad_a, deltas, weight_grads, bias_grads = backward(backwards, result.z, result.a, result.grad_a[depth],
                                                        result.deltas[depth], result.scale)
    return result.replace(deltas=deltas, grad_a=grad_a, weight_grads=weight_grads, bias_grads=bias_grads)


def _through_updated_weights(result: Result) -> Result:
    """Backward pass through weights already updated (the forward pass used the old ones)."""
    stale = [l.replace(weights=weights)
             for l, (weights, _) in zip(result.network.layers, result.stepped_arrays())]
    depth = len(stale)
    grad_a, deltas, weight_grads, bias_grads = backward(stale, result.z, result.a, result.grad_a[depth],
                                                        result.deltas[depth], result.scale)
    return result.replace(deltas=deltas, grad_a=grad_a, weight_grads=weight_grads, bias_grads=bias_grads)


CROSS = ("the softmax cross paths are missing: every ŷi depends on every zm (∂ŷi/∂zm = −ŷi·ŷm for i ≠ m), "
         "so those paths belong in the sum")
NOTES = ("this uses the PadhAI notes' softmax factor ŷi(1 − ŷi)(−z of the other output) and leaves out the cross "
         "paths: ∂ŷi/∂zi is ŷi(1 − ŷi), and ∂ŷi/∂zm = −ŷi·ŷm belongs in the sum too")
FLAT = "the activation's derivative ∂a/∂z is left out of the chain"
NEVER = "the hidden activation is never applied: a = z is carried forward (and ∂a/∂z taken as 1)"
NEVER_OWN = ("the hidden activation is never applied: a = z is carried forward, and ∂a/∂z taken from that a "
             "(z(1 − z) or 1 − z²)")
ONE_PATH = ("one path only: a hidden unit's ∂L/∂a is summed over only one of the units it feeds, where "
            "∂L/∂a_k = Σ_j δ_j·w_jk sums over every unit j of the next layer")
TRANSPOSED = "the weight matrix is read the other way in the backward sum: w_jk taken as w_kj"


STALE = "this backpropagates through weights already updated; use the weights of the forward pass until every " \
    "gradient is computed"
FACTOR_2_LOST = "this is half the true value: the factor 2 of ∂L/∂ŷ = 2(ŷ − y) was lost"
SIGN = "the sign is flipped: ∂L/∂ŷ uses (ŷ − y), not (y − ŷ)"
# the sentence of each mistake an interval pass makes on a file's stated values (intervals.MISTAKES)
STEP_SENTENCES = {
    "activation_derivative_missing": FLAT, "derivative_on_z": ON_Z, "softmax_cross_paths_missing": CROSS,
    "one_path_only": ONE_PATH, "matrix_transposed": TRANSPOSED, "updated_weights_used": STALE,
    "pre_activation_for_activation": "this multiplies by the pre-activation z where the activation a belongs (∂z/∂w "
                                     "is the input to the weight)",
    "batch_not_averaged": "this is the sum over the batch; the loss is the mean, so divide by the number of samples",
    "bias_not_summed": "this is the first sample's ∂L/∂b alone: a bias's gradient sums δ over every sample of "
                       "the batch",
    "factor_2_lost": FACTOR_2_LOST, "sign_flipped": SIGN, "activation_not_applied": NEVER,
}


# the mistakes made over a whole pass: (Diagnoser._get's key, sentence, code)
_WHOLE_PASS = (("cross", CROSS, "softmax_cross_paths_missing"), ("notes", NOTES, "padhai_notes_softmax_factor"),
               ("flat", FLAT, "activation_derivative_missing"), ("onz", ON_Z, "derivative_on_z"),
               ("linear", NEVER, "activation_not_applied"), ("linear_own", NEVER_OWN, "activation_not_applied"),
               ("onepath", ONE_PATH, "one_path_only"), ("transposed", TRANSPOSED, "matrix_transposed"),
               ("onepath_last", ONE_PATH, "one_path_only"))  # (the last unit's path alone: Mazur's o2 after o1)
# those paired with the stale weights (the PadhAI notes' factor and a = z's own σ′ are single readings)
_STALE_PAIRS = tuple(m for m in _WHOLE_PASS if m[0] not in ("notes", "linear_own"))
# the same passes in the order a draw is refused soonest (the values tried, and so the draws refused, are
# the same in any order): on a 4-4-2 class, the factor left out refuses most draws, the cross paths none
_DRAWING = ("flat", "notes", "linear", "linear_own", "onz", "transposed", "onepath", "cross")
_AFTER_DRAWING = ("momentum_averaged",)  # an update's mistakes catalogued since: never offered while drawing
_WHOLE_PASS_DRAWING = tuple(sorted((m for m in _WHOLE_PASS if m[0] in _DRAWING), key=lambda m: _DRAWING.index(m[0])))
DRAWING_PASSES = (*_DRAWING, "stale")  # the order good_problem has them made in, across its questions
PASS_NEEDED = "pass_needed"  # while drawing, (nan, key, PASS_NEEDED): this question's next value needs pass `key`


class Diagnoser:
    """Recomputes common mistakes lazily and names the one an answer matches. One Diagnoser serves
    every answers file on the same spec, so the mistaken passes are computed once for a class."""

    def __init__(self, result: Result, notation: Notation):
        self.result, self.notation = result, notation
        self._mistaken: dict[str, Result | None] = {}
        self.shared: dict = {}  # what every file's judge on this network asks alike (grading.judging)

    def _get(self, key: str) -> Result | None:
        """The pass with mistake `key` made ("cross" or "stale"), or None where it changes nothing."""
        if key not in self._mistaken:
            r, last = self.result, self.result.network.layers[-1].activation
            with np.errstate(all="ignore"):  # a mistake's pass may overflow where the right one does not
                if key == "cross":
                    self._mistaken[key] = _variant(r, _no_cross_paths, True) if r.network.softmax_layers else None
                elif key == "notes":
                    self._mistaken[key] = _variant(r, _notes_softmax_factor, True) if not last.elementwise \
                        and r.sizes[-1] > 1 else None
                elif key == "flat":
                    self._mistaken[key] = _variant(r, _without_activation_derivative, True)
                elif key in ("onz", "linear", "linear_own"):
                    changed = {"onz": _derivative_on_z, "linear": _never_activated,
                               "linear_own": _never_activated_own_derivative}[key](r.network)
                    self._mistaken[key] = None if changed is None else _variant(r, lambda _net: changed, key == "onz")
                elif key in ("onepath", "onepath_last"):
                    layers, unit = r.network.layers, -1 if key == "onepath_last" else 0
                    self._mistaken[key] = _through_weights(r, lambda i: one_path_only(layers[i].weights, unit) if i
                                                           else None)
                elif key == "transposed":
                    layers = r.network.layers
                    self._mistaken[key] = _through_weights(r, lambda i: read_the_other_way(layers[i].weights) if i
                                                           else None)
                elif key.startswith("stale+"):  # a whole-pass mistake, then through the weights it updated
                    variant = self._get(key.removeprefix("stale+"))
                    self._mistaken[key] = None if variant is None else _through_updated_weights(variant)
                else:
                    self._mistaken[key] = _through_updated_weights(r) if len(r.network.layers) > 1 else None
        return self._mistaken[key]

    def _needed(self, drawing: bool, key: str):
        """While drawing, (nan, key, PASS_NEEDED) before pass `key` is first made: good_problem makes
        the passes one at a time across its questions."""
        if drawing and key not in self._mistaken:
            yield math.nan, key, PASS_NEEDED

    def candidates(self, q: Quantity, expected: float, *, drawing: bool = False):
        """(value a mistake gives, the sentence that names it), most specific first. `drawing`: only
        the catalogue a personal problem is drawn against (grading.personal.good_problem), which
        stays as it was when pairs with the stale weights or a summed batch came: a mistake added
        to the catalogue must never change which network a student was handed."""
        r, n = self.result, self.notation
        loss = r.network.loss.name
        if q.kind == "delta" and q.is_parameter and not drawing:  # Δw: each update mistake as the change it makes
            yield from update_mistakes(r, q, r.gradient(str(q.name)))
            return
        if q.kind.startswith("state:") and q.is_parameter and not drawing:  # an optimiser's state
            yield from state_mistakes(r, q, r.gradient(str(q.name)))
            return
        if is_more(q.kind):  # after K, ∂X/∂Y: only a one-unit σ′'s (not while drawing, as every later entry)
            yield from () if drawing else slope_on_z(r, q, n)
            return
        if q.kind == "updated":
            gradient = r.gradient(str(q.name))
            # (not a mistake catalogued after personal problems were drawn, while drawing them)
            yield from (c for c in update_mistakes(r, q, gradient) if not drawing or c[2] not in _AFTER_DRAWING)
            if r.network.optimizer.name != "sgd" or not drawing and r.network.loss.name != "squared_error":
                return  # (half the gradient is a factor 2 lost only where squared error has one to lose)
            yield (updated(r.value(str(q.name)), gradient / 2, r.learning_rate),
                   "the update used half the gradient (a lost factor 2 in ∂L/∂ŷ)", "factor_2_lost")
            return
        if q.kind == "value":
            yield from () if drawing else loss_mistakes(r, q, expected)
            swap = None
            output = q.name.kind == "yhat"  # ŷi is the output layer's activation: z{L}{i} is its swap
            if q.name.kind in (n.pre, n.post, "yhat") and q.name.kind != "x":
                swapped = q.name._replace(kind=n.pre, indices=(len(r.sizes) - 1, *q.name.indices)) if output else \
                    q.name._replace(kind=n.post if q.name.kind == n.pre else n.pre)
                other = dataclasses.replace(q, name=swapped)
                kinds = ("pre-activation", "activation")
                this, that = kinds[::-1] if output or q.name.kind != n.pre else kinds
                with contextlib.suppress(QuantityError):  # the other kind does not exist (the output's z)
                    swap = evaluate(r, other, n)
                    yield (swap, f"this is {shown(swapped, n)}, the {that}; {shown(q.name, n)} is the {this}",
                           "activation_not_applied" if output or q.name.kind == n.post else
                           "pre_activation_for_activation")
            yield from self._needed(drawing, "linear")
            never = self._get("linear")
            if never is not None and q.name.kind != "x":
                with contextlib.suppress(QuantityError):
                    value = evaluate(never, q, n)
                    if swap is None or not same_value(value, swap):  # said once, by the plainer sentence
                        yield value, NEVER, "activation_not_applied"
            return
        # gradients: the mistakes that need no other pass first (a problem generator stops early)
        yield from self._swapped_gradient(q, drawing)
        if loss == "squared_error":
            yield expected / 2, FACTOR_2_LOST, "factor_2_lost"
        if loss == "half_squared_error":
            yield expected * 2, ("this is twice the true value: half squared error's ∂L/∂ŷ is (ŷ − y), with no "
                                 "factor 2"), "factor_2_added"
        yield -expected, SIGN, "sign_flipped"
        if r.samples > 1:
            if q.sample is not None and not drawing:  # a sample's: a parameter's own gradient, a node's share
                yield from sample_share(r, q, expected)
            else:
                yield batch_not_averaged(r, expected)
            if q.is_parameter and q.name.kind == "b" and q.sample is None and not drawing:
                yield from one_sample(r, q, n)
        if q.is_parameter and q.name.kind == "w" and q.name.indices[0] > 1:
            l, j, k = q.name.indices
            pre_input = (r.deltas[l][:, j - 1] * r.z[l - 1][:, k - 1]).sum() * r.scale
            activation = n.post_name(l - 1, k, len(r.sizes) - 1)
            yield float(pre_input), (f"this multiplies by the pre-activation {n.pre_name(l - 1, k)} where the "
                                     f"activation {activation} belongs (∂z/∂w is the input to the weight)"), \
                "pre_activation_for_activation"
        singles = []  # (value, sentence) of each whole-pass mistake, for pairs below
        for key, sentence, code in _WHOLE_PASS_DRAWING if drawing else _WHOLE_PASS:
            yield from self._needed(drawing, key)
            variant = self._get(key)
            if variant is not None:
                with contextlib.suppress(QuantityError):
                    value = evaluate(variant, q, n)
                    # one mistake, said once: a = z gives the same here whichever derivative follows
                    if not any(c == code and same_value(v, value) for v, _, c in singles):
                        singles.append((value, sentence, code))
                        if drawing:  # the same values in another order: a draw is refused at the first one
                            yield singles[-1]  # near its truth, before the next pass is made for nothing
                            yield from self._pairs(singles[-1], q, expected, drawing)
        if not drawing:
            yield from singles
        yield from self._needed(drawing, "stale")
        stale = self._get("stale")
        if stale is not None:
            value = evaluate(stale, q, n)
            yield value, STALE, "updated_weights_used"
            if not drawing:
                yield from self._with_stale(q, singles)
                singles.append((value, STALE, "updated_weights_used"))
        if not drawing:
            for single in singles:
                yield from self._pairs(single, q, expected, drawing)
            if q.is_parameter and q.name.kind == "b" and q.sample is None and r.samples > 1:
                yield from self._one_sample_after(q, expected)

    def _pairs(self, single: tuple, q: Quantity, expected: float, drawing: bool, summed: bool = True):
        """Two mistakes at once: a whole-pass one (`single`) with a lost factor 2, a flipped sign, or
        (`summed`) a batch summed."""
        r = self.result
        value, sentence, code = single
        if same_value(value, expected):
            return  # a mistake that changes nothing here makes no pair
        if q.is_parameter and r.samples > 1 and r.network.reduction == "mean" and not drawing and summed:
            yield (value * r.samples, f"two mistakes at once: {sentence}; and the batch is summed where the loss "
                   f"is its mean (divide by n = {r.samples})", f"{code}+batch_not_averaged")
        if r.network.loss.name == "squared_error":
            yield (value / 2, f"two mistakes at once: {sentence}; and the factor 2 of ∂L/∂ŷ = 2(ŷ − y) was lost",
                   f"{code}+factor_2_lost")
        yield (-value, f"two mistakes at once: {sentence}; and the sign is flipped ((ŷ − y), not (y − ŷ))",
               f"{code}+sign_flipped")

    def _one_sample_after(self, q: Quantity, expected: float):
        """Two mistakes at once with a bias's gradient not summed over the batch (bias_not_summed):
        with a lost factor 2 or a flipped sign; or after a whole-pass mistake (or the stale weights),
        on the δs that gave."""
        alone = list(one_sample(self.result, q, self.notation))
        for single in alone:  # (one sample's δ, unscaled, is its share with the batch summed)
            yield from self._pairs(single, q, expected, drawing=False, summed=False)
        for key, sentence, code in (*_WHOLE_PASS, ("stale", STALE, "updated_weights_used")):
            variant = self._get(key)
            if variant is not None:
                for (value, said, _), (plain, *_) in zip(one_sample(variant, q, self.notation), alone):
                    if not same_value(value, plain):  # (a mistake that changes nothing here makes no pair)
                        yield value, f"two mistakes at once: {sentence}; and {said}", f"{code}+bias_not_summed"

    def _with_stale(self, q: Quantity, singles: list):
        """Two mistakes at once: each whole-pass mistake, then the backward pass through weights
        already updated with the gradients that mistake gave (the order a student works in)."""
        for key, sentence, code in _STALE_PAIRS:
            alone = [v for v, _, c in singles if c == code]
            if not alone:
                continue  # not made on this network, or it changes nothing here
            with contextlib.suppress(QuantityError):
                value = evaluate(self._get(f"stale+{key}"), q, self.notation)
                if not same_value(value, alone[0]):  # stale weights change nothing here (a last layer's gradient)
                    yield value, f"two mistakes at once: {sentence}; and {STALE}", f"{code}+updated_weights_used"

    def _swapped_gradient(self, q: Quantity, drawing: bool = False):
        """∂L/∂z given for ∂L/∂a (or the reverse; ∂L/∂ŷi is the output's ∂L/∂a), and a weight's
        indices read the other way. `drawing`: not ŷ's, which came after personal problems were drawn."""
        r, n = self.result, self.notation
        swapped = None
        if q.name.kind == "yhat" and not drawing:  # ŷi is the output's a: its z is z{L}{i}
            swapped = q.name._replace(kind=n.pre, indices=(len(r.sizes) - 1, *q.name.indices))
        elif q.name.kind in (n.pre, n.post) and len(q.name.indices) == 2:
            swapped = q.name._replace(kind=n.post if q.name.kind == n.pre else n.pre)
        if swapped is not None:
            with contextlib.suppress(QuantityError):
                yield (evaluate(r, dataclasses.replace(q, name=swapped), n),
                       f"this is ∂L/∂{shown(swapped, n)}, not ∂L/∂{shown(q.name, n)} (z and a swapped)",
                       "pre_activation_for_activation")
        if q.is_parameter and q.name.kind == "w" and len(q.name.indices) == 3:
            l, j, k = q.name.indices
            if j != k:
                with contextlib.suppress(UsageError):
                    other = n.parameter("w", l, k, j)
                    yield r.gradient(f"w{l}_{k}_{j}"), (f"this is ∂L/∂{other}: the indices are read the other "
                                                       f"way (w{{layer}}{{to}}{{from}}: {n.parameter('w', l, j, k)} "
                                                       f"goes into neuron {j} from neuron {k})"), \
                        "matrix_transposed"

    def diagnose(self, answer: Answer, expected: float, tolerance: Tolerance, reached=None) -> str | None:
        """The sentence for the mistakes the given answer matches, if any."""
        return self.diagnosis(answer, expected, tolerance, reached)[0]

    def diagnosis(self, answer: Answer, expected: float, tolerance: Tolerance, reached=None, also=(),
                  only_also: bool = False) -> tuple[str | None, list[dict]]:
        """The sentence and the {"code", "text"} of each mistake the given answer matches."""
        candidates = [] if only_also else list(self.candidates(answer.quantity, expected))
        return matching(candidates + list(also), answer, expected, tolerance, reached)

