"""The catalogued mistakes of backpropagation through time and of batch normalisation (contract
section 5's catalogue, issue 24), each an operation on the computation: the network's recurrent or
batch-norm layers given the slip (core.coupled), then the same pass, so every mistake is recognised
on every network, not on the examples it was written from.

Each has a stable code and a sentence; `mistaken` gives the result a student making that mistake
computes, and `explaining` the codes whose value for a quantity rounds to a written answer while
the true value does not (what a grader names as the diagnosis)."""
from __future__ import annotations

from .record import Record


class Slip(Record):
    """One catalogued mistake: its code, the layer kind it applies to, and its sentence."""

    FIELDS = ("code", "kind", "text")

    def __init__(self, code: str, kind: str, text: str):
        self.code, self.kind, self.text = code, kind, text


CATALOGUE = (
    Slip("bptt_truncated", "recurrent",
         "backpropagation through time truncated to each step's own loss: the path back through the "
         "earlier steps (∂h@t/∂h@t−1) dropped"),
    Slip("recurrent_factor_wrong_step", "recurrent",
         "the recurrent factor ∂h@t/∂h@t−1 taken from the wrong time step: W_h·(1 − h@t−1²) for "
         "W_h·(1 − h@t²)"),
    Slip("batchnorm_mu_var_constant", "batchnorm",
         "batch norm's gradient with the batch mean μ and variance σ² treated as constants: only the "
         "direct path x → x̂, none through μ or σ²"),
    Slip("unbiased_variance", "batchnorm",
         "the unbiased variance (divided by n − 1, torch.var's default) where batch norm in training "
         "mode uses the biased one (divided by n)"),
)
BY_CODE = {slip.code: slip for slip in CATALOGUE}


def applicable(network) -> list[Slip]:
    """The catalogued mistakes a network's layers admit."""
    kinds = {layer.kind for layer in network.layers}
    return [slip for slip in CATALOGUE if slip.kind in kinds]


def mistaken(spec, code: str):
    """The result of `spec` computed with mistake `code` (a KeyError for an unknown one)."""
    slip = BY_CODE[code]
    network = spec.network
    layers = [layer.replace(slip=code) if layer.kind == slip.kind else layer for layer in network.layers]
    return spec.replace(network=network.replace(layers=layers)).compute()


def _rounds_to(value: float, written: float, decimals: int) -> bool:
    return round(value, decimals) == round(written, decimals)


def explaining(spec, quantity: str, written: float, decimals: int) -> list[Slip]:
    """The catalogued mistakes whose value of `quantity` (a parameter's gradient dL/dNAME or its
    updated value NAME_new, or a node quantity such as L, h11@2, var21) rounds to `written` at
    `decimals`, when the true value does not: the diagnoses of a wrong answer."""
    def value_of(result) -> float:
        if quantity.startswith("dL/d"):
            return result.gradient(quantity[4:])
        if quantity.endswith("_new"):
            return result.updated(quantity[:-4])
        found = result.forward[quantity]
        return float(found)

    if _rounds_to(value_of(spec.compute()), written, decimals):
        return []
    return [slip for slip in applicable(spec.network)
            if _rounds_to(value_of(mistaken(spec, slip.code)), written, decimals)]
