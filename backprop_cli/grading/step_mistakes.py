"""Catalogued mistakes made in one step a file writes down (CONTRACT section 5), beside the
whole-pass ones of grading.diagnoses: one sample's gradient with the batch's 1/n where it has none, or
without it where it has (batch_not_averaged); a batch's bias gradient not summed (bias_not_summed: one
sample's δ given for the sum; a weight's gradient δᵀ·a sums the samples by itself, a bias's needs
a sum of its own, which a student working sample by sample, or a vectorised `db = delta[0]`,
leaves out), a unit's σ′ or tanh′ written down evaluated on z (derivative_on_z), and half squared
error's loss written without its ½ (factor_2_added)."""
from __future__ import annotations

from .quantities import local_slope, shown

ON_Z = "σ′ or tanh′ is evaluated on z as if it were a: z(1 − z) or 1 − z², where a(1 − a) or 1 − a² belongs"


def one_sample(result, q, notation):
    """(value, sentence, "bias_not_summed") of each sample's δ alone for bias gradient `q`: as it is
    (∂L_s/∂b), and as its share of a mean (δ/n) where the batch is averaged; on `result`'s pass (the
    true one, or a mistaken one)."""
    r = result
    mean = f", then divided by n = {r.samples}" if r.scale != 1 else ""
    for s, own in enumerate(r.per_sample_gradient(str(q.name)).tolist(), start=1):
        for value, as_written in ((own * r.scale, " (its 1/n share)"), (own, "")) if r.scale != 1 else ((own, ""),):
            yield (float(value), f"this is sample {s}'s ∂L/∂{shown(q.name, notation)} alone{as_written}: a bias's "
                   f"gradient sums δ over every sample of the batch{mean}", "bias_not_summed")


def slope_on_z(result, q, notation):
    """(value, sentence, "derivative_on_z") of a one-unit ∂a/∂z (`da11/dz11`) worked out on z as if
    it were a, z(1 − z) for a sigmoid, 1 − z² for tanh; nothing for another quantity or activation."""
    unit = local_slope(result, notation, q.kind, q.name)
    if unit is None:
        return
    layer, neuron = unit
    name = result.network.layers[layer - 1].activation.name
    if name in ("sigmoid", "tanh"):
        z = float(result.z[layer][(q.sample or 1) - 1, neuron])
        yield (z * (1.0 - z) if name == "sigmoid" else 1.0 - z * z), ON_Z, "derivative_on_z"


def sample_share(result, q, expected: float):
    """(value, sentence, "batch_not_averaged") of one sample's gradient (q.sample) under a mean:
    dL/dw212[2] is the sample's own, before any averaging, so its share (× 1/n) is the mistake; a
    node's dL/dz21[2] is the sample's share of L, so the sample's own (× n) is."""
    if result.scale == 1:
        return
    s, n = q.sample, result.samples
    if q.is_parameter:
        yield (expected * result.scale, f"this is sample {s}'s share of the batch's mean (× 1/{n}); {q.text} is the "
               "sample's own gradient, before any averaging", "batch_not_averaged")
    else:
        yield (expected * n, f"this is sample {s}'s own gradient, without the 1/{n} of the batch's mean; in a batch, "
               f"{q.text} is the sample's share of L", "batch_not_averaged")


def loss_without_half(result, q, expected: float):
    """(value, sentence, "factor_2_added") of the loss, or one sample's, under half squared error
    written as Σ (ŷ − y)², without its ½ (as ∂L/∂ŷ written 2(ŷ − y) is the same mistake)."""
    if q.name.kind == "L" and result.network.loss.name == "half_squared_error":
        yield 2 * expected, "this is Σ (ŷ − y)² without the ½ of half squared error: L = ½ Σ (ŷ − y)²", \
            "factor_2_added"


def loss_mistakes(result, q, expected: float):
    """The loss's own catalogued mistakes: half squared error without its ½ (loss_without_half), and
    a batch's loss as the sum of its samples' where it is their mean, or the mean where the spec
    says `reduction: sum` (batch_not_averaged, as the gradients' own)."""
    yield from loss_without_half(result, q, expected)
    if q.name.kind != "L" or q.sample is not None or result.samples == 1:
        return
    value, sentence, code = batch_not_averaged(result, expected - result.l2_term)  # (the L2 term: added once)
    yield value + result.l2_term, sentence, code


def batch_not_averaged(result, expected: float) -> tuple[float, str, str]:
    """(value, sentence, "batch_not_averaged") of a batch's loss or gradient `expected` summed over
    the samples where the spec averages them, or averaged where it sums them."""
    if result.network.reduction == "mean":
        return (expected * result.samples,
                f"this is the sum over the batch; the loss is the mean, so divide by n = {result.samples}",
                "batch_not_averaged")
    return expected / result.samples, "this is the batch mean; the spec says `reduction: sum`, so add the samples", \
        "batch_not_averaged"
