"""The catalogued mistakes of convolution and pooling (contract section 5's catalogue, section 9's
layers), each an operation on the network written out as scalar steps (core.scalargraph): a
kernel flipped (convolution for PyTorch's cross-correlation) in the forward pass or in the
backward pass alone, a shared weight's gradient taken at one position only, max pooling's gradient
spread over the window or averaged over it rather than routed to its maximum, average pooling's
1/size² left out; and three of the dense catalogue's, on any of section 9's networks: an
activation's derivative left out or taken on z, squared error's factor 2 lost. Each gives every
node's value and derivative as a student making that mistake computes them, on any network of
these layers, not on the examples it was written from.
"""
from __future__ import annotations

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
    """The catalogued mistakes a network's layers admit."""
    kinds = {layer.kind[:4] if layer.kind.startswith("conv") else layer.kind[:7] for layer in network.layers}
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
    if code == "factor_2_lost":  # ∂(d²)/∂d = d, not 2d: each of the product's two edges half its factor
        return values, sweep(result, {(square, d): values[d] / 2 for square, d in written.squares})
    raise KeyError(code)
