"""core.partialpaths: every path between two nodes (∂X/∂Y), its count and its products, against
a brute-force enumeration written apart from the engine (plain Python over plain lists)."""
import pytest
import yaml
from conftest import random_layers
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_cli import load_spec
from backprop_cli.core.names import notation
from backprop_cli.core.partialpaths import count_between, trace_partial


def _forward(layers, x):
    """Plain-Python forward pass of one sample: z[l], a[l] (a[0] = x), written apart from the engine."""
    import math

    acts = {"sigmoid": lambda v: [1 / (1 + math.exp(-t)) for t in v], "tanh": lambda v: [math.tanh(t) for t in v],
            "linear": lambda v: list(v), "softmax": lambda v: [math.exp(t) / sum(math.exp(u) for u in v) for t in v]}
    z, a = [None], [list(x)]
    for layer in layers:
        pre = [sum(w * v for w, v in zip(row, a[-1])) + b for row, b in zip(layer["weights"], layer["biases"])]
        z.append(pre)
        a.append(acts[layer["activation"]](pre))
    return z, a


def _brute_paths(layers, z, a, top, bottom):
    """Every path's product from node `top` down to `bottom` (("z" | "a", layer, 0-based i), or
    ("w", layer, j, k) / ("b", layer, j)), by recursion over the graph."""
    def local(l, i, m):  # ∂a(l)i/∂z(l)m
        act, ai = layers[l - 1]["activation"], a[l][i]
        if act == "softmax":
            return ai * ((i == m) - a[l][m])
        if i != m:
            return None
        return {"sigmoid": ai * (1 - ai), "tanh": 1 - ai * ai, "linear": 1.0}[act]

    def walk(kind, l, i):
        if bottom[0] in ("w", "b") and kind == "z" and l == bottom[1] and i == bottom[2]:
            yield a[l - 1][bottom[3]] if bottom[0] == "w" else 1.0
            return
        if (kind, l, i) == tuple(bottom):
            yield 1.0
            return
        if kind == "a" and l > 0:
            for m in range(len(z[l])):
                factor = local(l, i, m)
                if factor is not None:
                    yield from (factor * rest for rest in walk("z", l, m))
        elif kind == "z":
            for m in range(len(a[l - 1])):
                yield from (layers[l - 1]["weights"][i][m] * rest for rest in walk("a", l - 1, m))

    return list(walk(*top))


def _name(node):
    kind, l, i = node[:3]
    if kind in ("w", "b"):
        return f"w{l}{i + 1}{node[3] + 1}" if kind == "w" else f"b{l}{i + 1}"
    return f"x{i + 1}" if (kind, l) == ("a", 0) else f"{kind}{l}{i + 1}"


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_every_path_between_two_nodes_against_brute_force(seed):
    import numpy as np

    rng = np.random.default_rng(seed)
    sizes = [int(rng.integers(1, 4)) for _ in range(int(rng.integers(3, 5)))]
    output = ["sigmoid", "softmax", "linear"][int(rng.integers(0, 3))]
    layers = random_layers(rng, sizes, ["tanh", "sigmoid"][int(rng.integers(0, 2))], output)
    x = rng.uniform(-1, 1, sizes[0]).tolist()
    spec = load_spec(text=yaml.safe_dump({"input": x, "target": [0.5] * sizes[-1], "loss": "mse",
                                          "layers": [{k: v for k, v in l.items() if k != "alpha"} for l in layers]}))
    depth = len(layers)
    nodes = [(kind, l, i) for l in range(depth + 1) for kind in (("a",) if l == 0 else ("z", "a"))
             for i in range(sizes[l])]
    params = [("w", l, j, k) for l in range(1, depth + 1) for j in range(sizes[l]) for k in range(sizes[l - 1])] + \
             [("b", l, j, 0) for l in range(1, depth + 1) for j in range(sizes[l])]
    z, a = _forward(layers, x)
    top = nodes[int(rng.integers(sizes[0], len(nodes)))]  # not an input
    bottom = (nodes + params)[int(rng.integers(0, len(nodes) + len(params)))]
    expected = _brute_paths(layers, z, a, top, bottom)
    quantity = f"d{_name(top)}/d{_name(bottom)}"
    result = spec.compute()
    of, wrt = quantity[1:].split("/d")
    got = trace_partial(result, of, wrt, notation=notation("default"), max_paths=10_000)
    assert got.of and got.path_count == len(expected), (quantity, got.path_count, len(expected))
    down = ("z", *bottom[1:3]) if bottom[0] in ("w", "b") else bottom  # a parameter: the z it feeds, one edge on
    assert count_between(sizes, result.network.softmax_layers, (top[0], top[1], top[2] + 1), down[0], down[1],
                         down[2] + 1) == len(expected)
    assert sorted(p.product for p in got.paths) == pytest.approx(sorted(expected), rel=1e-9, abs=1e-15)
    assert got.gradient == pytest.approx(sum(expected), rel=1e-9, abs=1e-12)
