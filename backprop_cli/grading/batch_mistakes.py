"""A batch's own mistake on a bias's gradient (bias_not_summed, CONTRACT section 5): one sample's δ
given for the sum. A weight's gradient δᵀ·a sums the samples by itself; a bias's needs a sum of its
own, which a student working sample by sample, or a vectorised `db = delta[0]`, leaves out."""
from __future__ import annotations

from .quantities import shown


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
