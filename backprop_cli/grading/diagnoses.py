"""Diagnoses: recompute what a known mistake gives (the softmax cross paths left out, a lost
factor 2, ...) and name the one a wrong answer matches."""
from __future__ import annotations

import contextlib
import dataclasses

from ..core.engine import backward, run
from ..core.functions import Activation
from ..core.names import Notation
from ..core.network import Network
from ..core.result import Result
from ..core.update import rule as update_rule
from ..core.update import updated
from .answers import Answer, Tolerance
from .matching import matching
from .quantities import Quantity, QuantityError, evaluate, shown


def _softmax_without_cross_terms(act: Activation) -> Activation:
    # the mistake: ∂ŷi/∂zm taken as 0 for i ≠ m, i.e. softmax treated as elementwise
    return dataclasses.replace(act, derivative=lambda _z, a: a * (1.0 - a))


def _variant(result: Result, change) -> Result:
    """The same forward and backward pass with one mistake made (a changed network)."""
    net = change(result.network)
    return run(net, result.a[0], result.targets, result.learning_rate)


def _no_cross_paths(net: Network) -> Network:
    layers = [l if l.activation.elementwise else
              dataclasses.replace(l, activation=_softmax_without_cross_terms(l.activation)) for l in net.layers]
    return dataclasses.replace(net, layers=layers)


def _through_updated_weights(result: Result) -> Result:
    """Backward pass through weights already updated (the forward pass used the old ones)."""
    stale = [dataclasses.replace(l, weights=weights)
             for l, (weights, _) in zip(result.network.layers, result.stepped_arrays())]
    depth = len(stale)
    grad_a, deltas, weight_grads, bias_grads = backward(stale, result.z, result.a, result.grad_a[depth],
                                                        result.deltas[depth], result.scale)
    return dataclasses.replace(result, deltas=deltas, grad_a=grad_a, weight_grads=weight_grads,
                               bias_grads=bias_grads)


class Diagnoser:
    """Recomputes common mistakes lazily and names the one an answer matches. One Diagnoser serves
    every answers file on the same spec, so the mistaken passes are computed once for a class."""

    def __init__(self, result: Result, notation: Notation):
        self.result, self.notation = result, notation
        self._mistaken: dict[str, Result | None] = {}

    def _get(self, key: str) -> Result | None:
        """The pass with mistake `key` made ("cross" or "stale"), or None where it changes nothing."""
        if key not in self._mistaken:
            r = self.result
            if key == "cross":
                self._mistaken[key] = _variant(r, _no_cross_paths) if r.network.softmax_layers else None
            else:
                self._mistaken[key] = _through_updated_weights(r) if len(r.network.layers) > 1 else None
        return self._mistaken[key]

    def candidates(self, q: Quantity, expected: float):
        """(value a mistake gives, the sentence that names it), most specific first."""
        r, n = self.result, self.notation
        loss = r.network.loss.name
        if q.kind == "updated":
            value, gradient = r.value(str(q.name)), r.gradient(str(q.name))
            rule = update_rule("w")
            yield updated(value, -gradient, r.learning_rate), f"this adds η·∂L/∂w; the update subtracts it: {rule}"
            yield value, f"this is the value before the update: {rule} was not applied"
            yield (updated(value, gradient / 2, r.learning_rate),
                   "the update used half the gradient (a lost factor 2 in ∂L/∂ŷ)")
            return
        if q.kind == "value":
            if q.name.kind in (n.pre, n.post) and q.name.kind != "x":
                swapped = dataclasses.replace(q.name, kind=n.post if q.name.kind == n.pre else n.pre)
                other = dataclasses.replace(q, name=swapped)
                kinds = ("pre-activation", "activation")
                this, that = kinds if q.name.kind == n.pre else kinds[::-1]
                with contextlib.suppress(QuantityError):  # the other kind does not exist (the output's z)
                    yield (evaluate(r, other, n),
                           f"this is {shown(swapped, n)}, the {that}; {shown(q.name, n)} is the {this}")
            return
        # gradients
        cross = self._get("cross")
        if cross is not None:
            yield evaluate(cross, q, n), ("the softmax cross paths are missing: every ŷi depends on every zm "
                                          "(∂ŷi/∂zm = −ŷi·ŷm for i ≠ m), so those paths belong in the sum")
        if loss == "squared_error":
            yield expected / 2, "this is half the true value: the factor 2 of ∂L/∂ŷ = 2(ŷ − y) was lost"
        yield -expected, "the sign is flipped: ∂L/∂ŷ uses (ŷ − y), not (y − ŷ)"
        if r.samples > 1:
            if r.network.reduction == "mean":
                yield (expected * r.samples,
                       f"this is the sum over the batch; the loss is the mean, so divide by n = {r.samples}")
            else:
                yield expected / r.samples, "this is the batch mean; the spec says `reduction: sum`, so add the samples"
        if q.is_parameter and q.name.kind == "w" and q.name.indices[0] > 1:
            l, j, k = q.name.indices
            pre_input = (r.deltas[l][:, j - 1] * r.z[l - 1][:, k - 1]).sum() * r.scale
            activation = n.post_name(l - 1, k, len(r.sizes) - 1)
            yield float(pre_input), (f"this multiplies by the pre-activation {n.pre_name(l - 1, k)} where the "
                                     f"activation {activation} belongs (∂z/∂w is the input to the weight)")
        stale = self._get("stale")
        if stale is not None:
            yield evaluate(stale, q, n), ("this backpropagates through weights already updated; use the weights "
                                          "of the forward pass until every gradient is computed")

    def diagnose(self, answer: Answer, expected: float, tolerance: Tolerance) -> str | None:
        """The sentence for the mistake the given answer matches, if exactly one fits."""
        return matching(self.candidates(answer.quantity, expected), answer, expected, tolerance)

    def first_causes(self, wrong: list[Quantity]) -> list[int | None]:
        """For each wrong answer (in the order of the pass), the index of the earliest wrong one it
        follows from: in a network, any earlier step."""
        return [0 if i else None for i in range(len(wrong))]

