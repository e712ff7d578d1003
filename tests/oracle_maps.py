"""An independent oracle for layers over feature maps (contract section 9), in plain Python: every
value of one sample as a node of a scalar graph, written from PyTorch's definitions (Conv1d/Conv2d
as cross-correlation, out[o][r][c] = b[o] + Σ_i Σ_kr Σ_kc w[o][i][kr][kc]·x_pad[i][r·s + kr][c·s + kc];
MaxPool/AvgPool without padding, the first maximum of a window taking its gradient; a map
flattened channel, row, column into a dense layer). The graph gives the loss, every gradient by
one reverse sweep, exact path counts by counting and every path by brute-force enumeration.
Nothing here imports backprop_cli or numpy.
"""
from __future__ import annotations

from oracle import activate, local_derivative, loss_derivative, sample_loss


def _u(kind: str, *indices: int) -> str:
    return kind + "_".join(str(i) for i in indices)


def _compact(kind: str, *indices: int) -> str:
    return kind + ("".join(map(str, indices)) if all(i < 10 for i in indices) else "_".join(map(str, indices)))


class Graph:
    """Scalar nodes: value, and edges down to what each node is computed from (with ∂node/∂child)."""

    def __init__(self):
        self.value: dict[str, float] = {}
        self.down: dict[str, list[tuple[str, float, str]]] = {}  # node -> [(child, local, formula)]
        self.order: list[str] = []  # computed before what uses them
        self.mag: dict[str, float] = {}  # a bound on the terms a value sums: its rounding scale

    def add(self, name: str, value: float, children=()):
        self.value[name] = value
        self.down[name] = list(children)
        self.order.append(name)
        self.mag[name] = max(abs(value), sum(abs(local) * self.magnitude(child) for child, local, _ in children))

    def magnitude(self, name: str) -> float:
        return self.mag.get(name, abs(self.value.get(name, 0.0)))

    def gradients(self, top: str, absolute: bool = False) -> dict[str, float]:
        """∂top/∂node for every node, one reverse sweep; `absolute`: Σ over paths of |product|
        instead (the scale rounding is measured against where paths cancel)."""
        grad = dict.fromkeys(self.value, 0.0)
        grad[top] = 1.0
        for name in reversed(self.order):
            for child, local, bound in self.down[name]:
                bound = bound if isinstance(bound, float) else abs(local)
                grad[child] += grad[name] * (bound if absolute else local)
        return grad

    def count(self, top: str) -> dict[str, int]:
        """How many paths lead from `top` to every node (exact integers)."""
        paths = dict.fromkeys(self.value, 0)
        paths[top] = 1
        for name in reversed(self.order):
            for child, _, _ in self.down[name]:
                paths[child] += paths[name]
        return paths

    def enumerate(self, top: str, target: str) -> list[tuple[list[str], float]]:
        """Every path from `top` to `target` by brute force: (nodes, product)."""
        found = []

        def walk(node, nodes, product):
            if node == target:
                found.append((nodes, product))
                return
            for child, local, _ in self.down[node]:
                walk(child, nodes + [child], product * local)

        walk(top, [top], 1.0)
        return found


def _shape(x, dims):
    """One sample written [rows][cols] / [channels][rows][cols] (2-D) or [length] / [channels][length]
    (1-D) as [channel][row][col], and whether its names carry the channel (more than one)."""
    depth, probe = 0, x
    while isinstance(probe, list):
        depth, probe = depth + 1, probe[0]
    if dims == 2:
        x = [x] if depth == 2 else x
        return [[[float(v) for v in row] for row in ch] for ch in x], len(x) > 1
    x = [x] if depth == 1 else x
    return [[[float(v) for v in ch]] for ch in x], len(x) > 1  # one channel: x_{row}_{col}, x_{pos}


def build(spec: dict, x, y) -> Graph:
    """The graph of one sample: spec holds dims, layers (as the YAML writes them) and loss."""
    dims, g = spec["dims"], Graph()
    maps, many = _shape(x, dims)
    names = []  # current layer's names, as [channel][row][col] or a flat list
    for c, ch in enumerate(maps):
        for r, row in enumerate(ch):
            for k, v in enumerate(row):
                spot = ((c + 1,) if many else ()) + (((r + 1), k + 1) if dims == 2 else (k + 1,))
                g.add("x_" + "_".join(map(str, spot)), v)
    names = [[["x_" + "_".join(map(str, ((c + 1,) if many else ()) + ((r + 1, k + 1) if dims == 2 else (k + 1,))))
               for k in range(len(maps[c][r]))] for r in range(len(maps[c]))] for c in range(len(maps))]
    flat = None  # after a dense layer: a list of names
    depth = len(spec["layers"])
    for l, layer in enumerate(spec["layers"], start=1):
        kind = layer.get("type", "dense")
        last = l == depth
        if kind == "dense":
            below = flat if flat is not None else [n for ch in names for row in ch for n in row]
            w = layer["weights"]
            b = layer.get("biases", [0.0] * len(w))
            zs = []
            for j, row in enumerate(w):
                z = sum(wk * g.value[a] for wk, a in zip(row, below)) + b[j]
                children = [(a, wk, "") for wk, a in zip(row, below)]
                children += [(_compact("w", l, j + 1, k + 1), g.value[a], g.magnitude(a)) for k, a in enumerate(below)]
                children += [(_compact("b", l, j + 1), 1.0, "")]
                for k, wk in enumerate(row):
                    g.value.setdefault(_compact("w", l, j + 1, k + 1), wk)
                    g.down.setdefault(_compact("w", l, j + 1, k + 1), [])
                g.value.setdefault(_compact("b", l, j + 1), b[j])
                g.down.setdefault(_compact("b", l, j + 1), [])
                g.add(_compact("z", l, j + 1), z, children)
                zs.append(z)
            posts = [_compact("yhat", j + 1) if last else _compact("a", l, j + 1) for j in range(len(w))]
            flat = _activate(g, layer["activation"], zs, [_compact("z", l, j + 1) for j in range(len(w))], posts)
            names = None
            continue
        if kind.startswith("conv"):
            names = _conv(g, layer, names, l, dims, last)
        else:
            names = _pool(g, layer, names, l, dims, kind, last)
    out = flat if flat is not None else [n for ch in names for row in ch for n in row]
    yhat = [g.value[n] for n in out]
    loss = spec["loss"]
    # ∂L/∂ŷ is itself a difference (ŷ − y): its rounding scale is what it subtracts
    scale = [abs(loss_derivative(loss, [abs(v) for v in yhat], [-abs(t) for t in y], i))
             if loss in ("squared_error", "half_squared_error", "mse") else abs(loss_derivative(loss, yhat, y, i))
             for i in range(len(out))]
    g.add("L", sample_loss(loss, yhat, y), [(n, loss_derivative(loss, yhat, y, i), scale[i])
                                            for i, n in enumerate(out)])
    return g


def _activate(g, act, zs, znames, posts):
    acts = activate(act, zs)
    out = []
    for j, v in enumerate(acts):
        if act == "softmax":
            children = [(znames[m], local_derivative(act, zs, acts, j, m), "") for m in range(len(zs))]
        else:
            children = [(znames[j], local_derivative(act, zs, acts, j, j), "")]
        g.add(posts[j], v, children)
        out.append(posts[j])
    return out


def _spot(dims, c, r, k):
    return (c, r, k) if dims == 2 else (c, k)


def _conv(g, layer, names, l, dims, last):
    w = layer["weights"] if dims == 2 else [[[kernel] for kernel in per_out] for per_out in layer["weights"]]
    out_ch, in_ch, kh, kw = len(w), len(w[0]), len(w[0][0]), len(w[0][0][0])
    b = layer.get("biases", [0.0] * out_ch)
    s, p = layer.get("stride", 1), layer.get("padding", 0)
    rs, rp = (s, p) if dims == 2 else (1, 0)
    h, wd = len(names[0]), len(names[0][0])
    ho, wo = (h + 2 * rp - kh) // rs + 1, (wd + 2 * p - kw) // s + 1
    for o in range(out_ch):
        for i in range(in_ch):
            for a in range(kh):
                for c in range(kw):
                    wname = _u("w", l, *((o + 1, i + 1, a + 1, c + 1) if dims == 2 else (o + 1, i + 1, c + 1)))
                    g.value[wname], g.down[wname] = w[o][i][a][c], []
        g.value[_u("b", l, o + 1)], g.down[_u("b", l, o + 1)] = b[o], []
    zs = [[[None] * wo for _ in range(ho)] for _ in range(out_ch)]
    for o in range(out_ch):
        for r in range(ho):
            for k in range(wo):
                total, children = b[o], [(_u("b", l, o + 1), 1.0, "")]
                for i in range(in_ch):
                    for a in range(kh):
                        for c in range(kw):
                            rr, cc = r * rs + a - rp, k * s + c - p
                            wname = _u("w", l, *((o + 1, i + 1, a + 1, c + 1) if dims == 2 else (o + 1, i + 1, c + 1)))
                            pixel = g.value[names[i][rr][cc]] if 0 <= rr < h and 0 <= cc < wd else 0.0
                            total += w[o][i][a][c] * pixel
                            inside = 0 <= rr < h and 0 <= cc < wd
                            children.append((wname, pixel, g.magnitude(names[i][rr][cc]) if inside else 0.0))
                            if 0 <= rr < h and 0 <= cc < wd:
                                children.append((names[i][rr][cc], w[o][i][a][c], ""))
                zname = _u("z", l, *_spot(dims, o + 1, r + 1, k + 1))
                g.add(zname, total, children)
                zs[o][r][k] = zname
    act = layer["activation"]
    out = [[[None] * wo for _ in range(ho)] for _ in range(out_ch)]
    flat_z = [zs[o][r][k] for o in range(out_ch) for r in range(ho) for k in range(wo)]
    values = [g.value[n] for n in flat_z]
    acts = activate(act, values)
    j = 0
    for o in range(out_ch):
        for r in range(ho):
            for k in range(wo):
                name = _compact("yhat", j + 1) if last else _u("a", l, *_spot(dims, o + 1, r + 1, k + 1))
                g.add(name, acts[j], [(flat_z[j], local_derivative(act, values, acts, j, j), "")])
                out[o][r][k] = name
                j += 1
    return out


def _pool(g, layer, names, l, dims, kind, last):
    size = layer["size"]
    s = layer.get("stride", size)
    kh, rs = (size, s) if dims == 2 else (1, 1)
    h, wd = len(names[0]), len(names[0][0])
    ho, wo = (h - kh) // rs + 1, (wd - size) // s + 1
    out, j = [], 0
    for c in range(len(names)):
        out.append([])
        for r in range(ho):
            out[c].append([])
            for k in range(wo):
                window = [names[c][r * rs + a][k * s + b] for a in range(kh) for b in range(size)]
                values = [g.value[n] for n in window]
                if kind.startswith("max"):
                    best = max(values)
                    first = values.index(best)  # the first maximum, row-major
                    children = [(n, 1.0 if t == first else 0.0, "") for t, n in enumerate(window)]
                    value = best
                else:
                    value = sum(values) / len(values)
                    children = [(n, 1.0 / len(values), "") for n in window]
                name = _compact("yhat", j + 1) if last else _u("a", l, *_spot(dims, c + 1, r + 1, k + 1))
                g.add(name, value, children)
                out[c][r].append(name)
                j += 1
    return out


def gradients(spec: dict, inputs: list, targets: list, reduction: str = "mean",
              absolute: bool = False) -> tuple[float, dict[str, float]]:
    """The batch's loss and ∂L/∂(every parameter and input of sample 1), by the graphs' reverse
    sweeps (`absolute`: the sums of |product| over the paths instead)."""
    n = len(inputs)
    scale = 1.0 / n if reduction == "mean" else 1.0
    loss, total = 0.0, {}
    for s, (x, y) in enumerate(zip(inputs, targets)):
        g = build(spec, x, y)
        loss += g.value["L"] * scale
        grads = g.gradients("L", absolute)
        for name, v in grads.items():
            if name[0] in "wb" or (s == 0 and name.startswith("x")):
                total[name] = total.get(name, 0.0) + (abs(v) if absolute else v) * scale
    return loss, total
