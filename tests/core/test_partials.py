"""core.partials: ∂X/∂Y of one sample against central finite differences of the plain-Python
oracle's forward pass (an independent computation), local and long, nodes and parameters."""
import numpy as np
import pytest
from conftest import as_network, random_layers, stable_seed
from oracle import forward

from backprop_cli.core.engine import run
from backprop_cli.core.partials import partial


def nudged(layers, x, where, eps):
    """The oracle's zs and activations with Y moved by eps: a parameter, an input, or a z/a node
    (then everything above it recomputed from the moved value)."""
    import copy

    layers = copy.deepcopy(layers)
    x = list(x)
    kind = where[0]
    if kind == "w":
        layers[where[1] - 1]["weights"][where[2] - 1][where[3] - 1] += eps
    elif kind == "b":
        layers[where[1] - 1]["biases"][where[2] - 1] += eps
    elif kind == "a" and where[1] == 0:
        x[where[2]] += eps
    else:  # a hidden node: move it and run the layers above from it
        what, layer, neuron = where
        zs, acts = forward(layers, x)
        from oracle import activate

        if what == "z":
            z = list(zs[layer - 1])
            z[neuron] += eps
            a = activate(layers[layer - 1]["activation"], z, layers[layer - 1].get("alpha", 0.01))
        else:
            z, a = zs[layer - 1], list(acts[layer])
            a[neuron] += eps
        upper_zs, upper_acts = forward(layers[layer:], a) if layer < len(layers) else ([], [a])
        return zs[:layer - 1] + [z] + upper_zs, acts[:layer] + [a] + upper_acts[1:]
    return forward(layers, x)


def numeric(layers, x, of, where, eps=1e-6):
    def value(e):
        zs, acts = nudged(layers, x, where, e)
        what, layer, neuron = of
        return zs[layer - 1][neuron] if what == "z" else acts[layer][neuron]
    return (value(eps) - value(-eps)) / (2 * eps)


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_partials_against_finite_differences(output):
    rng = np.random.default_rng(stable_seed("partials", output))
    layers = random_layers(rng, [2, 3, 2], "tanh", output)
    x = [0.3, -0.7]
    result = run(as_network(layers, "mse"), np.array([x]), np.zeros((1, 2)))
    cases = [(("a", 2, 0), ("z", 2, 1)), (("a", 2, 1), ("z", 2, 1)), (("z", 2, 0), ("a", 1, 2)),
             (("a", 2, 0), ("z", 1, 0)), (("a", 2, 1), ("a", 0, 1)), (("z", 1, 2), ("a", 0, 0)),
             (("a", 2, 0), ("w", 1, 2, 1)), (("a", 1, 1), ("b", 1, 2, None)), (("z", 2, 1), ("w", 2, 2, 3))]
    for of, where in cases:
        got = partial(result, of, where, 0)
        assert got == pytest.approx(numeric(layers, x, of, where), rel=1e-6, abs=1e-9), (of, where)
    assert partial(result, ("z", 2, 0), ("a", 1, 2), 0) == layers[1]["weights"][0][2]  # local: the weight
    assert partial(result, ("z", 1, 0), ("a", 2, 0), 0) == 0.0  # above it: no path
    assert partial(result, ("a", 1, 0), ("z", 1, 1), 0) == 0.0  # another neuron's z, elementwise
    assert partial(result, ("a", 1, 0), ("a", 1, 0), 0) == 1.0
