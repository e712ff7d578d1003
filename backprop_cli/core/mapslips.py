"""The catalogued mistakes of convolution and pooling (contract section 5's catalogue, section 9's
layers), each an operation on the network written out as scalar steps (core.scalargraph): a
kernel flipped (convolution for PyTorch's cross-correlation) in the forward pass or in the
backward pass alone, a shared weight's gradient taken at one position only, max pooling's gradient
spread over the window or averaged over it rather than routed to its maximum, average pooling's
1/size² left out, a kernel weight's gradient read with the stride left out or from the input
without its zero border (the padding misplaced), a feature map computed without its padding; and
three of the dense catalogue's, on any of section 9's networks: an activation's derivative left
out or taken on z, squared error's factor 2 lost. Each gives every node's value and derivative as
a student making that mistake computes them, on any network of these layers, not on the examples
it was written from.
"""
from __future__ import annotations

import math

from .maps import out_side
from .operations import OPERATIONS
from .slips import Slip

CATALOGUE = (
    Slip("kernel_flipped", "conv",
         "the kernel flipped: a convolution where PyTorch's Conv layers compute a cross-correlation (w1_1_1_1_1 "
         "multiplies the window's first value, not its last)"),
    Slip("kernel_flipped_backward", "conv",
         "the kernel flipped in the backward pass: each weight's gradient is the one of the weight at the "
         "flipped kernel position"),
    Slip("shared_weight_one_position", "conv",
         "a shared weight's gradient taken at one position only (the first that adds anything): it sums over "
         "every position where the kernel is used"),
    Slip("max_pool_gradient_spread", "maxpool",
         "max pooling's gradient passed to every value of the window: it goes to the window's maximum alone"),
    Slip("max_pool_gradient_averaged", "maxpool",
         "max pooling's gradient averaged over the window, as average pooling's: it goes to the window's "
         "maximum alone"),
    Slip("avg_pool_factor_missing", "avgpool",
         "average pooling's 1/size² (1/size in 1-D) left out of the gradient"),
    Slip("stride_ignored_backward", "strided",
         "the stride left out of a kernel weight's gradient: Σ δ[r][c]·x_pad[r + kr][c + kc] where the forward "
         "pass read x_pad[r·stride + kr][c·stride + kc]"),
    Slip("padding_ignored_backward", "padded",
         "the padding misplaced in a kernel weight's gradient: the input read without its zero border at the "
         "padded indices, x[r·stride + kr][c·stride + kc] where x_pad's belongs (shifted by the padding)"),
    Slip("padding_ignored", "unpadded",
         "a feature map computed without its padding: this is the value the unpadded map has at this position"),
    # the dense catalogue's own, made on these layers' steps as well
    Slip("activation_derivative_missing", "activation",
         "the activation's derivative ∂a/∂z left out of the chain (taken as 1)"),
    Slip("derivative_on_z", "squashing",
         "σ′ or tanh′ evaluated on z as if it were a: z(1 − z), 1 − z²"),
    Slip("factor_2_lost", "squared",
         "this is half the true value: the factor 2 of ∂L/∂ŷ = 2(ŷ − y) was lost"),
)
ACTIVATIONS = ("sigmoid", "tanh", "relu")  # an elementwise activation a step of the graph applies
BY_CODE = {slip.code: slip for slip in CATALOGUE}


def applicable(network) -> list[Slip]:
    """The catalogued mistakes a network's layers admit (and that change something on them)."""
    kinds = {layer.kind[:4] if layer.kind.startswith("conv") else layer.kind[:7] for layer in network.layers}
    for layer in network.layers:
        if layer.kind.startswith("conv"):
            _, rows, cols = layer.out_shape
            if (layer.strides[0] > 1 and rows > 1) or (layer.strides[1] > 1 and cols > 1):
                kinds.add("strided")  # one output position along an axis: its stride is never used
            if max(layer.paddings) > 0:
                kinds.add("padded")
                if min(_unpadded_shape(layer)) > 0:
                    kinds.add("unpadded")
    used = {layer.activation.name for layer in network.layers}
    if used & set(ACTIVATIONS):
        kinds.add("activation")
    if used & {"sigmoid", "tanh"}:
        kinds.add("squashing")
    if network.loss.name in ("squared_error", "mse"):
        kinds.add("squared")
    return [slip for slip in CATALOGUE if slip.kind in kinds]


def sweep(result, replaced: dict | None = None, added=()) -> list[float]:
    """∂output/∂node of every node of an ExpressionResult, its local factors `replaced` ((user,
    operand) -> factor, None to drop the edge) and edges `added` ((user, operand, factor))."""
    replaced = replaced or {}
    by_user: dict[int, list[tuple[int, float]]] = {}
    for edge in result.edges:
        factor = replaced.get((edge.user, edge.operand), edge.value)
        if factor is not None:
            by_user.setdefault(edge.user, []).append((edge.operand, factor))
    for user, operand, factor in added:
        by_user.setdefault(user, []).append((operand, factor))
    n = len(result.graph.nodes)
    adjoint = [0.0] * n
    adjoint[result.graph.output] = 1.0
    for user in range(n - 1, -1, -1):  # every operand comes before its user: users in reverse order
        for operand, factor in by_user.get(user, ()):
            adjoint[operand] += adjoint[user] * factor
    return adjoint


def mistaken(result, written, code: str, flipped=None) -> tuple[list[float], list[float]]:
    """(values, derivatives) of every node of `result` (an ExpressionResult written out by
    core.scalargraph, with what it `written` down) when mistake `code` is made; `flipped`: the
    same network written out with every kernel flipped (for `kernel_flipped`)."""
    values, derivatives = result.values, result.derivatives
    if code == "kernel_flipped":
        return flipped.values, flipped.derivatives
    if code == "kernel_flipped_backward":
        changed = list(derivatives)
        for node, other in written.flips.items():
            changed[node] = derivatives[other]
        return values, changed
    if code == "shared_weight_one_position":
        changed = list(derivatives)
        for name, uses in written.uses.items():
            parts = [derivatives[product] * values[below] for product, below in uses]
            changed[result.graph.index(name)] = next((part for part in parts if part != 0), 0.0)
        return values, changed
    if code in ("max_pool_gradient_spread", "max_pool_gradient_averaged"):
        replaced, added = {}, []
        for pooled, members, mode, chosen in written.pools:
            if mode != "max":
                continue
            replaced[pooled, chosen] = None
            factor = 1.0 if code == "max_pool_gradient_spread" else 1.0 / len(members)
            added += [(pooled, member, factor) for member in members]
        return values, sweep(result, replaced, added)
    if code == "avg_pool_factor_missing":
        replaced = {(pooled, chosen): 1.0 for pooled, _, mode, chosen in written.pools if mode == "avg"}
        return values, sweep(result, replaced)
    if code in ("activation_derivative_missing", "derivative_on_z"):
        replaced = {}
        for i, node in enumerate(result.graph.nodes):
            if node.op in ACTIVATIONS:
                z = values[node.operands[0]]
                on_z = z * (1 - z) if node.op == "sigmoid" else 1 - z * z if node.op == "tanh" else None
                factor = 1.0 if code == "activation_derivative_missing" else on_z
                if factor is not None:
                    replaced[i, node.operands[0]] = factor
        return values, sweep(result, replaced)
    if code in REREAD:
        changed = list(derivatives)
        for weight, pairs in reread(written, code).items():
            changed[weight] = math.fsum(derivatives[z] * values[x] for z, x in pairs)
        return values, changed
    if code == "padding_ignored":
        return unpadded(result, written), derivatives
    if code == "factor_2_lost":  # ∂(d²)/∂d = d, not 2d: each of the product's two edges half its factor
        return values, sweep(result, {(square, d): values[d] / 2 for square, d in written.squares})
    raise KeyError(code)


REREAD = ("stride_ignored_backward", "padding_ignored_backward")  # a weight's gradient summed over other inputs


def _unpadded_shape(layer) -> tuple[int, int]:
    """A conv layer's output rows and columns without its padding (≤ 0 where there are none)."""
    _, h, w = layer.in_shape
    kh, kw = layer.weights.shape[2:]
    return out_side(h, kh, layer.strides[0], 0), out_side(w, kw, layer.strides[1], 0)


def reread(written, code: str) -> dict[int, list[tuple[int, int]]]:
    """For `stride_ignored_backward` (conv layers with a stride > 1) or `padding_ignored_backward`
    (padding > 0): each kernel weight's variable -> the (z node, input node) pairs whose δ·x its
    mistaken gradient sums, over every output position [o][r][c] and row: the input at
    x_pad[i][r + kr][c + kc] (the stride left out) or at x[i][r·s + kr][c·s + kc] of the map
    without its zero border (the padding misplaced); a position outside the map adds 0."""
    found: dict[int, list[tuple[int, int]]] = {}
    for layer, l, inputs, z, _ in written.convs:
        (sr, sc), (pr, pc) = layer.strides, layer.paddings
        if (code == "stride_ignored_backward" and max(sr, sc) == 1) or \
                (code == "padding_ignored_backward" and max(pr, pc) == 0):
            continue
        out, channels, kh, kw = layer.weights.shape
        _, h, w = layer.in_shape
        _, ho, wo = layer.out_shape
        for flat in range(out * channels * kh * kw):
            o, rest = divmod(flat, channels * kh * kw)
            i, rest = divmod(rest, kh * kw)
            kr, kc = divmod(rest, kw)
            pairs = found.setdefault(written.parameters[l, "w", flat], [])
            for r in range(ho):
                for c in range(wo):
                    if code == "stride_ignored_backward":
                        row, col = r + kr - pr, c + kc - pc
                    else:
                        row, col = r * sr + kr, c * sc + kc
                    if 0 <= row < h and 0 <= col < w:
                        pairs.append((z[(o * ho + r) * wo + c], inputs[(i * h + row) * w + col]))
    return found


def unpadded(result, written) -> list[float]:
    """Every node's value with each padded conv layer's maps computed without the padding: z (and
    an elementwise activation's a) at each position the unpadded map has; every other node as it is."""
    values = result.values
    override: dict[int, float] = {}
    shown: set[int] = set()
    for layer, _, inputs, z, a in written.convs:
        if max(layer.paddings) == 0 or min(_unpadded_shape(layer)) <= 0:
            continue
        out, channels, kh, kw = layer.weights.shape
        _, h, w = layer.in_shape
        (sr, sc), (hu, wu), (_, ho, wo) = layer.strides, _unpadded_shape(layer), layer.out_shape
        weights, biases = layer.weights, layer.biases.reshape(-1)
        for o in range(out):
            bias = 0.0 if layer.bias_style == "none" else float(biases[0 if layer.bias_style == "shared" else o])
            for r in range(min(hu, ho)):
                for c in range(min(wu, wo)):
                    total = math.fsum(float(weights[o, i, kr, kc]) * values[inputs[(i * h + r * sr + kr) * w
                                                                                 + c * sc + kc]]
                                      for i in range(channels) for kr in range(kh) for kc in range(kw))
                    node = (o * ho + r) * wo + c
                    override[z[node]] = total + bias
                    if layer.activation.name != "softmax":
                        shown.add(a[node])
    if not override:
        return values
    again = list(values)
    for i, node in enumerate(result.graph.nodes):
        if i in override:
            again[i] = override[i]
        elif node.op is not None and node.constant is None:
            try:
                again[i] = float(OPERATIONS[node.op].value(*(again[j] for j in node.operands)))
            except (ArithmeticError, ValueError):
                again[i] = math.nan
    return [again[i] if i in override or i in shown else v for i, v in enumerate(values)]
