"""The stride and padding misplaced, by hand (numpy and the plain-Python oracle tests/oracle_maps.py,
nothing of backprop_cli): for a network whose first layer is a conv1d or conv2d with a stride and
padding, each kernel weight's gradient as a student computes it with the stride left out
(Σ δ[o][r][c]·x_pad[i][r + kr][c + kc]) or reading the image without its zero border at the padded
indices (Σ δ[o][r][c]·x[i][r·s + kr][c·s + kc], 0 outside it), δ = ∂L/∂z from the oracle; and that
layer's z and a computed without the padding, where the unpadded map has them (tanh)."""
from __future__ import annotations

import numpy as np
import oracle_maps


def _arrays(spec: dict):
    conv = spec["layers"][0]
    dims = 1 if conv["type"] == "conv1d" else 2
    x, w = np.array(spec["input"], dtype=float), np.array(conv["weights"], dtype=float)
    if x.ndim == dims:  # one channel, written without its bracket
        x = x[None]
    if dims == 1:  # a 1-D map is a 2-D map of one row
        x, w = x[:, None, :], w[:, :, None, :]
    s, p = conv.get("stride", 1), conv.get("padding", 0)
    return dims, x, w, ((s, p) if dims == 2 else (1, 0)), (s, p)


def _name(kind: str, dims: int, *spot: int) -> str:
    """z1_o_r_c / a1_o_r_c (1-D: z1_o_c) and w1_o_i_r_c (1-D: w1_o_i_c), 0-based spots."""
    spot = spot if dims == 2 else spot[:-2] + spot[-1:]
    return f"{kind}1_" + "_".join(str(v + 1) for v in spot)


def mistaken_gradients(spec: dict, code: str) -> dict[str, float]:
    """{weight name: its gradient with mistake `code`} of the first (conv) layer."""
    dims, x, w, (sr, pr), (sc, pc) = _arrays(spec)
    delta = oracle_maps.build({**spec, "dims": dims}, spec["input"], spec["target"]).gradients("L")
    padded = np.pad(x, ((0, 0), (pr, pr), (pc, pc)))
    ho, wo = (x.shape[1] + 2 * pr - w.shape[2]) // sr + 1, (x.shape[2] + 2 * pc - w.shape[3]) // sc + 1
    found = {}
    for o, i, kr, kc in np.ndindex(*w.shape):
        total = 0.0
        for r in range(ho):
            for c in range(wo):
                if code == "stride_ignored_backward":
                    pixel = padded[i, r + kr, c + kc]
                else:
                    row, col = r * sr + kr, c * sc + kc
                    pixel = x[i, row, col] if row < x.shape[1] and col < x.shape[2] else 0.0
                total += delta[_name("z", dims, o, r, c)] * pixel
        found[_name("w", dims, o, i, kr, kc)] = total
    return found


def unpadded_map(spec: dict) -> dict[str, float]:
    """{z or a name: its value with the map computed without the padding}, where the unpadded map
    has that position (the first layer's activation tanh)."""
    dims, x, w, (sr, _), (sc, _) = _arrays(spec)
    biases = spec["layers"][0]["biases"]
    ho, wo = (x.shape[1] - w.shape[2]) // sr + 1, (x.shape[2] - w.shape[3]) // sc + 1
    found = {}
    for o, r, c in np.ndindex(w.shape[0], max(ho, 0), max(wo, 0)):
        window = x[:, r * sr:r * sr + w.shape[2], c * sc:c * sc + w.shape[3]]
        z = float((w[o] * window).sum()) + biases[o]
        found[_name("z", dims, o, r, c)], found[_name("a", dims, o, r, c)] = z, float(np.tanh(z))
    return found
