"""An independent oracle for the optimisers: torch.optim's update steps as PyTorch's own
single-tensor code writes them (torch/optim/sgd.py, adagrad.py, rmsprop.py, adam.py: float64,
no foreach), one parameter at a time in plain Python (math), on gradients summed over every
chain-rule path by tests/oracle.py's brute-force enumeration. Nothing here imports the package."""
import math

from oracle import batch_loss, enumerate_paths

DEFAULTS = {"sgd": {}, "momentum": {"beta": 0.9}, "nesterov": {"beta": 0.9}, "adagrad": {"eps": 1e-10},
            "rmsprop": {"alpha": 0.99, "eps": 1e-8}, "adam": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}}


def parameters(layers):
    """Canonical order: per layer, the weights row by row, then the biases: (kind, layer, j, k)."""
    out = []
    for l, layer in enumerate(layers, start=1):
        out += [("w", l, j + 1, k + 1) for j in range(len(layer["weights"])) for k in range(len(layer["weights"][0]))]
        out += [("b", l, j + 1, None) for j in range(len(layer["weights"]))]
    return out


def get(layers, p):
    kind, l, j, k = p
    return layers[l - 1]["weights"][j - 1][k - 1] if kind == "w" else layers[l - 1]["biases"][j - 1]


def put(layers, p, value):
    kind, l, j, k = p
    if kind == "w":
        layers[l - 1]["weights"][j - 1][k - 1] = value
    else:
        layers[l - 1]["biases"][j - 1] = value


def gradient(layers, inputs, targets, loss, reduction, l2):
    """dL/dp for every parameter: the sum of every path's product, per sample, reduced; + λ·w."""
    scale = 1.0 / len(inputs) if reduction == "mean" else 1.0
    out = {}
    for p in parameters(layers):
        kind, l, j, k = p
        total = math.fsum(product for x, y in zip(inputs, targets)
                          for product, _ in enumerate_paths(layers, x, y, loss, l, j, k if kind == "w" else None))
        out[p] = total * scale + (l2 * get(layers, p) if kind == "w" else 0.0)
    return out


def loss_with_l2(layers, inputs, targets, loss, reduction, l2):
    return batch_loss(layers, inputs, targets, loss, reduction) + l2 / 2 * sum(
        w * w for layer in layers for row in layer["weights"] for w in row)


def torch_step(name, settings, value, grad, state, t, lr):
    """One parameter's update as torch.optim does it; `state` a dict updated in place; t = 1, 2, ..."""
    s = {**DEFAULTS[name], **settings}
    if name == "sgd":
        return value + (-lr) * grad  # param.add_(grad, alpha=-lr)
    if name in ("momentum", "nesterov"):
        if t == 1 and "buf" not in state:
            state["buf"] = grad  # torch.clone(grad)
        else:
            state["buf"] = state["buf"] * s["beta"] + grad  # buf.mul_(momentum).add_(grad, alpha=1 - dampening)
        direction = grad + s["beta"] * state["buf"] if name == "nesterov" else state["buf"]
        return value + (-lr) * direction
    if name == "adagrad":
        state["sum"] = state.get("sum", 0.0) + grad * grad  # state_sum.addcmul_(grad, grad, value=1)
        return value + (-lr) * (grad / (math.sqrt(state["sum"]) + s["eps"]))  # addcdiv_(grad, std, value=-clr)
    if name == "rmsprop":
        state["square_avg"] = state.get("square_avg", 0.0) * s["alpha"] + (1 - s["alpha"]) * grad * grad
        return value + (-lr) * (grad / (math.sqrt(state["square_avg"]) + s["eps"]))
    # adam: exp_avg.lerp_(grad, 1 - beta1); exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    m = state.get("exp_avg", 0.0)
    state["exp_avg"] = m + (1 - s["beta1"]) * (grad - m)
    state["exp_avg_sq"] = state.get("exp_avg_sq", 0.0) * s["beta2"] + (1 - s["beta2"]) * grad * grad
    bias_correction1, bias_correction2 = 1 - s["beta1"] ** t, 1 - s["beta2"] ** t
    step_size = lr / bias_correction1
    denom = math.sqrt(state["exp_avg_sq"]) / math.sqrt(bias_correction2) + s["eps"]
    return value + (-step_size) * (state["exp_avg"] / denom)


def train(layers, inputs, targets, loss, reduction, name, settings, lr, steps, frozen=(), l2=0.0):
    """`steps` updates of every parameter not in `frozen` (outside torch.optim's parameter list):
    the layers after them, each parameter's state, and the loss after each step (losses[0]: before)."""
    layers = [{**layer, "weights": [list(r) for r in layer["weights"]], "biases": list(layer["biases"])}
              for layer in layers]
    states = {p: {} for p in parameters(layers)}
    losses = [loss_with_l2(layers, inputs, targets, loss, reduction, l2)]
    for t in range(1, steps + 1):
        grads = gradient(layers, inputs, targets, loss, reduction, l2)
        for p, g in grads.items():
            if p not in frozen:
                put(layers, p, torch_step(name, settings, get(layers, p), g, states[p], t, lr))
        losses.append(loss_with_l2(layers, inputs, targets, loss, reduction, l2))
    return layers, states, losses


def tool_state(name, state):
    """The oracle's state in the tool's names (velocity, m, v)."""
    key = {"momentum": {"buf": "velocity"}, "nesterov": {"buf": "velocity"}, "adagrad": {"sum": "v"},
           "rmsprop": {"square_avg": "v"}, "adam": {"exp_avg": "m", "exp_avg_sq": "v"}}.get(name, {})
    return {key[k]: v for k, v in state.items()}
