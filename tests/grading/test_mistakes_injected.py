"""Every catalogued mistake, made by hand in a student's pass written out here in plain Python (the
package computes none of it), on random networks: an answer the mistake changes is never judged
right, and the mistake is named by its code where it is made."""
import random

import pytest

import backprop_cli as bp

from .test_intervals import ACTIVATIONS, random_network, significant, spec_text

MISTAKES = ["factor_2_lost", "sign_flipped", "activation_derivative_missing", "derivative_on_z", "one_path_only",
            "updated_weights_used", "pre_activation_for_activation", "update_sign", "learning_rate_missing",
            "update_missing"]


def mistaken(layers, x, y, rate, mistake: str) -> dict:
    """Every quantity of a 2-layer squared-error network, with `mistake` made where a student makes it."""
    out, zs, acts = {}, [], [list(x)]
    for l, layer in enumerate(layers, start=1):
        f, _ = ACTIVATIONS[layer["activation"]]
        z = [sum(w * a for w, a in zip(row, acts[-1])) + b for row, b in zip(layer["weights"], layer["biases"])]
        zs.append(z)
        acts.append([f(v) for v in z])
        for j, (zv, av) in enumerate(zip(z, acts[-1]), start=1):
            out[f"z{l}{j}"], out[f"a{l}{j}" if l < len(layers) else f"yhat{j}"] = zv, av
    out["loss"] = sum((p - t) ** 2 for p, t in zip(acts[-1], y))
    factor = 1 if mistake == "factor_2_lost" else 2
    grad = [factor * ((t - p) if mistake == "sign_flipped" else (p - t)) for p, t in zip(acts[-1], y)]
    gradients = {}
    for l in range(len(layers), 0, -1):
        layer = layers[l - 1]
        _, d = ACTIVATIONS[layer["activation"]]
        on_z = mistake == "derivative_on_z" and layer["activation"] in ("sigmoid", "tanh")
        delta = [g if mistake == "activation_derivative_missing" else g * d(zv, zv if on_z else av)
                 for g, zv, av in zip(grad, zs[l - 1], acts[l])]
        inputs = zs[l - 2] if mistake == "pre_activation_for_activation" and l > 1 else acts[l - 1]
        for j, dv in enumerate(delta, start=1):
            out[f"dL/dz{l}{j}"] = out[f"dL/db{l}{j}"] = dv
            gradients[("b", l, j, None)] = dv
            for k, ak in enumerate(inputs, start=1):
                out[f"dL/dw{l}{j}{k}"] = gradients[("w", l, j, k)] = dv * ak
        weights = layer["weights"]
        if mistake == "updated_weights_used":  # this layer's weights updated before the sum below
            weights = [[w - rate * gradients[("w", l, j, k)] for k, w in enumerate(row, start=1)]
                       for j, row in enumerate(weights, start=1)]
        sources = range(1) if mistake == "one_path_only" else range(len(delta))
        grad = [sum(weights[j][k] * delta[j] for j in sources) for k in range(len(acts[l - 1]))]
    for (kind, l, j, k), g in gradients.items():
        old = layers[l - 1]["biases"][j - 1] if kind == "b" else layers[l - 1]["weights"][j - 1][k - 1]
        step = {"update_sign": -rate * g, "learning_rate_missing": g, "update_missing": 0.0}.get(mistake, rate * g)
        out[f"{kind}{l}{j}{k if k else ''}_new"] = old - step
    return out


@pytest.mark.slow
@pytest.mark.parametrize("mistake", MISTAKES)
@pytest.mark.parametrize("seed", range(4))
def test_a_mistake_made_by_hand_is_never_right_and_is_named_where_it_is_made(tmp_path, seed, mistake):
    rng = random.Random(f"{mistake}-{seed}")
    while True:  # a network the mistake changes (one path only needs two units to sum over, ...)
        layers, x, y = random_network(rng)
        rate = rng.choice([0.1, 0.5])
        truth, wrong = mistaken(layers, x, y, rate, ""), mistaken(layers, x, y, rate, mistake)
        changed = {q for q in truth if abs(wrong[q] - truth[q]) > 1e-3 * abs(truth[q]) + 1e-9}
        if changed:
            break
    (tmp_path / "net.yaml").write_text(spec_text(layers, x, y, rate), encoding="utf-8")
    lines = "".join(f"  {q}: {significant(v, 6)!r}\n" for q, v in wrong.items())
    (tmp_path / "answers.yaml").write_text("spec: net.yaml\nanswers:\n" + lines, encoding="utf-8")
    (report,) = bp.check([str(tmp_path / "answers.yaml")]).files
    by = {o.answer.quantity.text.replace("ŷ", "yhat"): o for o in report.outcomes}
    assert not [q for q in changed if by[q].verdict == "right"]
    codes = {part for q in changed for d in by[q].diagnoses for part in d["code"].split("+")}
    assert mistake in codes
