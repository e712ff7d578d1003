"""Batch normalisation in a spec (contract section 9): `type: batchnorm` with `gamma`, `beta`, `eps`
and an optional activation, read into PyTorch's BatchNorm1d in training mode (core.coupled); each
problem located, a batch of one sample refused (its variance is 0: PyTorch refuses it too)."""
from __future__ import annotations

import numpy as np

from ..core.coupled import DEFAULT_EPS, BatchNorm
from ..core.functions import activation
from .hints import plural

NORM_KEYS = ("type", "gamma", "beta", "eps", "activation")
MAX_FEATURES = 4096  # a batch-norm layer's features: each couples every sample of the batch


def read_batchnorm(reader, entry: dict, path: tuple, shape, number: int):
    """PyTorch's BatchNorm1d in training mode: `gamma` (default 1), `beta` (default 0), `eps`
    (default 1e-5), an optional activation; it reads a vector (features) of a batch."""
    reader._unknown_keys(entry, path, NORM_KEYS)
    if reader.dims:
        reader.fail(path + ("type",), f"layer {number} (batchnorm) normalises a vector of features "
                    "(BatchNorm1d), but this network's values are feature maps",
                    "batch norm among dense layers only: over maps (BatchNorm2d) is not part of section 9")
        return None
    act = reader._activation(entry, path) if "activation" in entry else activation("linear")
    eps = DEFAULT_EPS
    if "eps" in entry:
        eps = reader._number(path + ("eps",), entry["eps"])
        if eps is not None and eps < 0:
            reader.fail(path + ("eps",), f"'eps' must be 0 or above, not {eps:g}", "write `eps: 1e-5` "
                        "(PyTorch's default), added to σ² under the square root")
            eps = None
    if reader.samples < 2:
        key = "inputs" if "inputs" in reader.doc.data else "input"
        reader.fail(path + ("type",), f"layer {number} (batchnorm) normalises over a batch, but the spec has "
                    f"{plural(reader.samples, 'sample')}", f"give `inputs:` with 2 samples or more ({key}: one "
                    "sample has variance 0, which PyTorch refuses in training mode)")
        return None
    if shape is None:
        return None
    if act is not None and not act.elementwise:
        reader.fail(path + ("activation",), f"{act.name} couples a whole layer; batch norm's activation applies "
                    "to each feature", "relu, tanh, sigmoid, leaky_relu or linear; softmax on a dense layer")
        return None
    features = int(np.prod(shape))
    if features > MAX_FEATURES:
        reader.fail(path + ("type",), f"layer {number} (batchnorm) would normalise {features:,} features",
                    f"at most {MAX_FEATURES:,}")
        return None
    found = {}
    for key, default in (("gamma", 1.0), ("beta", 0.0)):
        value = entry.get(key, default)
        if isinstance(value, (list, dict)):
            vector = reader._vector(path + (key,), value, f"the {key} of layer {number}")
            if vector is not None and len(vector) != features:
                reader.fail(path + (key,), f"layer {number} normalises {plural(features, 'feature')} but has "
                            f"{plural(len(vector), key + ' value')}", f"one {key} per feature ({features}), or one "
                            "number for all")
                vector = None
        else:
            number_ = reader._number(path + (key,), value)
            vector = None if number_ is None else np.full(features, number_)
        found[key] = vector
    if found["gamma"] is None or found["beta"] is None or act is None or eps is None:
        return None
    return BatchNorm(found["gamma"], found["beta"], act, eps)


def vectors(layers: list) -> bool:
    """Whether a network's values are vectors (batch norm among dense layers, no conv or pooling)."""
    kinds = [entry.get("type", "dense") if isinstance(entry, dict) else None for entry in layers]
    return "batchnorm" in kinds and not any(isinstance(k, str) and k[-2:] in ("1d", "2d") for k in kinds)
