"""An independent oracle for the layers that couple rows (contract section 9), in plain Python:
an Elman cell unrolled in time (PyTorch's nn.RNN: h_t = act(W_x x_t + W_h h_{t−1} + b)) with dense
layers applied at every step, and batch normalisation in training mode (PyTorch's BatchNorm1d:
x̂ = (x − μ)/√(σ² + eps), biased σ², z = γ·x̂ + β) over a batch. Every value is a node of a scalar
graph with z nodes kept (as a textbook's unrolled graph draws them); the graph gives the loss,
every gradient by one reverse sweep, exact path counts by counting and every path by brute force;
finite differences come from the forward pass alone. Nothing here imports backprop_cli or numpy.
"""
from __future__ import annotations

import math

from oracle import activate, local_derivative, loss_derivative, sample_loss
from oracle_maps import Graph


def _c(kind: str, *indices: int) -> str:
    return kind + ("".join(map(str, indices)) if all(i < 10 for i in indices) else "_".join(map(str, indices)))


def _leaf(g: Graph, name: str, value: float) -> None:
    g.value.setdefault(name, value)
    g.down.setdefault(name, [])


def _dense(g: Graph, l: int, layer: dict, below: list[str], z_name, a_name) -> list[str]:
    """A dense layer on the nodes `below`; z_name(j), a_name(j) name its nodes; returns the a names."""
    w, b = layer["weights"], layer.get("biases", [0.0] * len(layer["weights"]))
    zs = []
    for j, row in enumerate(w):
        z = sum(wk * g.value[a] for wk, a in zip(row, below)) + b[j]
        children = [(a, wk, "") for wk, a in zip(row, below)]
        children += [(_c("w", l, j + 1, k + 1), g.value[a], g.magnitude(a)) for k, a in enumerate(below)]
        children.append((_c("b", l, j + 1), 1.0, ""))
        for k, wk in enumerate(row):
            _leaf(g, _c("w", l, j + 1, k + 1), wk)
        _leaf(g, _c("b", l, j + 1), b[j])
        g.add(z_name(j), z, children)
        zs.append(z)
    return _activate(g, layer["activation"], zs, [z_name(j) for j in range(len(w))], a_name)


def _activate(g: Graph, act: str, zs: list[float], z_names: list[str], a_name) -> list[str]:
    acts = activate(act, zs)
    names = []
    for i in range(len(zs)):
        children = []
        for m in range(len(zs)):
            d = local_derivative(act, zs, acts, i, m)
            if d is not None:
                # 1 − a², a(1 − a) lose their relative digits where a nears ±1 or 0, 1: rounding
                # is measured against a local derivative of at least 1e-6 there
                children.append((z_names[m], d, abs(d) + 1e-6 if act in ("tanh", "sigmoid", "softmax") else ""))
        g.add(a_name(i), acts[i], children)
        names.append(a_name(i))
    return names


def build_sequence(spec: dict) -> Graph:
    """spec: sequence, target | targets, loss, layers (recurrent first, then dense ones, as YAML)."""
    g = Graph()
    seq = spec["sequence"]
    steps, depth = len(seq), len(spec["layers"])
    every = "targets" in spec
    targets = spec["targets"] if every else [None] * (steps - 1) + [spec["target"]]
    rnn = spec["layers"][0]
    wx, wh = rnn["input_weights"], rnn["recurrent_weights"]
    units = len(wh)
    b = rnn.get("biases", [0.0] * units)
    act = rnn.get("activation", "tanh")
    h0 = rnn.get("initial_state", [0.0] * units)
    for j in range(units):
        for k in range(len(wx[0])):
            _leaf(g, _c("wx", 1, j + 1, k + 1), wx[j][k])
        for k in range(units):
            _leaf(g, _c("wh", 1, j + 1, k + 1), wh[j][k])
        _leaf(g, _c("b", 1, j + 1), b[j])
        g.add(f"{_c('h', 1, j + 1)}@0", h0[j])
    losses = []
    for t in range(1, steps + 1):
        xs = []
        for k, v in enumerate(seq[t - 1]):
            g.add(f"x{k + 1}@{t}", float(v))
            xs.append(f"x{k + 1}@{t}")
        zs = []
        last = depth == 1
        for j in range(units):
            prev = [f"{_c('yhat' if last else 'h', *((k + 1,) if last else (1, k + 1)))}@{t - 1}"
                    if t > 1 else f"{_c('h', 1, k + 1)}@0" for k in range(units)]
            z = b[j] + sum(wx[j][k] * g.value[x] for k, x in enumerate(xs)) + \
                sum(wh[j][k] * g.value[p] for k, p in enumerate(prev))
            children = [(x, wx[j][k], "") for k, x in enumerate(xs)]
            children += [(p, wh[j][k], "") for k, p in enumerate(prev) if t > 1]  # h0 is a constant
            children += [(_c("wx", 1, j + 1, k + 1), g.value[x], "") for k, x in enumerate(xs)]
            children += [(_c("wh", 1, j + 1, k + 1), g.value[p], "") for k, p in enumerate(prev)]
            children.append((_c("b", 1, j + 1), 1.0, ""))
            g.add(f"{_c('z', 1, j + 1)}@{t}", z, children)
            zs.append(z)
        names = _activate(g, act, zs, [f"{_c('z', 1, j + 1)}@{t}" for j in range(units)],
                          lambda i, t=t, last=last: f"{_c('yhat', i + 1) if last else _c('h', 1, i + 1)}@{t}")
        for l in range(2, depth + 1):
            last = l == depth
            names = _dense(g, l, spec["layers"][l - 1], names, lambda j, l=l, t=t: f"{_c('z', l, j + 1)}@{t}",
                           lambda j, l=l, t=t, last=last: f"{_c('yhat', j + 1) if last else _c('a', l, j + 1)}@{t}")
        if targets[t - 1] is not None:
            yhat = [g.value[n] for n in names]
            y = [float(v) for v in targets[t - 1]]
            value = sample_loss(spec["loss"], yhat, y)
            g.add(f"L@{t}", value, [(n, loss_derivative(spec["loss"], yhat, y, i), "") for i, n in enumerate(names)])
            losses.append(f"L@{t}")
    g.add("L", sum(g.value[n] for n in losses), [(n, 1.0, "") for n in losses])
    return g


def build_norm(spec: dict) -> Graph:
    """spec: inputs, targets, loss, reduction, layers (dense and batchnorm, as YAML)."""
    g = Graph()
    inputs, targets = spec["inputs"], spec["targets"]
    n, depth = len(inputs), len(spec["layers"])
    rows = []
    for s, x in enumerate(inputs):
        for k, v in enumerate(x):
            g.add(f"x{k + 1}[{s + 1}]", float(v))
        rows.append([f"x{k + 1}[{s + 1}]" for k in range(len(x))])
    for l, layer in enumerate(spec["layers"], start=1):
        last = l == depth
        out = ((lambda j, s: f"{_c('yhat', j + 1)}[{s + 1}]") if last else
               (lambda j, s, l=l: f"{_c('a', l, j + 1)}[{s + 1}]"))
        if layer.get("type") != "batchnorm":
            rows = [_dense(g, l, layer, below, lambda j, l=l, s=s: f"{_c('z', l, j + 1)}[{s + 1}]",
                           lambda j, s=s, out=out: out(j, s)) for s, below in enumerate(rows)]
            continue
        features = len(rows[0])
        eps = layer.get("eps", 1e-5)
        gamma = layer.get("gamma", [1.0] * features)
        beta = layer.get("beta", [0.0] * features)
        act = layer.get("activation", "linear")
        zs = [[0.0] * features for _ in range(n)]
        for j in range(features):
            xs = [g.value[rows[s][j]] for s in range(n)]
            mu = sum(xs) / n
            g.add(_c("mu", l, j + 1), mu, [(rows[s][j], 1.0 / n, "") for s in range(n)])
            var = sum((v - mu) ** 2 for v in xs) / n
            g.add(_c("var", l, j + 1), var, [(rows[s][j], 2 * (xs[s] - mu) / n, "") for s in range(n)]
                  + [(_c("mu", l, j + 1), -2 * sum(v - mu for v in xs) / n, "")])
            root = math.sqrt(var + eps)
            _leaf(g, _c("gamma", l, j + 1), gamma[j])
            _leaf(g, _c("beta", l, j + 1), beta[j])
            for s in range(n):
                xhat = (xs[s] - mu) / root
                g.add(f"{_c('xhat', l, j + 1)}[{s + 1}]", xhat,
                      [(rows[s][j], 1 / root, ""), (_c("mu", l, j + 1), -1 / root, ""),
                       (_c("var", l, j + 1), -0.5 * (xs[s] - mu) * (var + eps) ** -1.5, "")])
                z = gamma[j] * xhat + beta[j]
                g.add(f"{_c('z', l, j + 1)}[{s + 1}]", z,
                      [(f"{_c('xhat', l, j + 1)}[{s + 1}]", gamma[j], ""), (_c("gamma", l, j + 1), xhat, ""),
                       (_c("beta", l, j + 1), 1.0, "")])
                zs[s][j] = z
        rows = [_activate(g, act, zs[s], [f"{_c('z', l, j + 1)}[{s + 1}]" for j in range(features)],
                          lambda j, s=s, out=out: out(j, s)) for s in range(n)]
    scale = 1.0 / n if spec.get("reduction", "mean") == "mean" else 1.0
    losses = []
    for s in range(n):
        yhat = [g.value[name] for name in rows[s]]
        y = [float(v) for v in targets[s]]
        g.add(f"L[{s + 1}]", sample_loss(spec["loss"], yhat, y),
              [(name, loss_derivative(spec["loss"], yhat, y, i), "") for i, name in enumerate(rows[s])])
        losses.append(f"L[{s + 1}]")
    g.add("L", scale * sum(g.value[name] for name in losses), [(name, scale, "") for name in losses])
    return g


def loss_of(spec: dict) -> float:
    return (build_sequence if "sequence" in spec else build_norm)(spec).value["L"]


def finite_difference(spec: dict, path: tuple, eps: float = 1e-6) -> float:
    """Central difference of the loss in the number at `path` of the spec (keys and indices)."""
    *outer, last = path
    holder = spec
    for key in outer:
        holder = holder[key]
    original = holder[last]
    try:
        holder[last] = original + eps
        up = loss_of(spec)
        holder[last] = original - eps
        down = loss_of(spec)
    finally:
        holder[last] = original
    return (up - down) / (2 * eps)
