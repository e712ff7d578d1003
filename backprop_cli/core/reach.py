"""Which neurons and edges lie on the paths from L down to a layer's pre-activations: the one
answer that pictures and pages light up (core.paths counts and ranks the paths themselves)."""
from __future__ import annotations


def reached(sizes: list[int], softmax_layers: set[int], layer: int, neurons) -> dict[int, set[int]]:
    """For each layer p from `layer` up to the output, the neurons (0-based) whose activation
    a(p) lies on a path from L down to z(layer) of `neurons`: a softmax layer couples every a(p)
    to every z(p); above the first layer every neuron is reached (each z depends on every a below)."""
    depth = len(sizes) - 1
    found, current = {}, set(neurons)
    for p in range(layer, depth + 1):
        if p in softmax_layers:
            current = set(range(sizes[p]))
        found[p] = current
        if p < depth:
            current = set(range(sizes[p + 1]))
    return found


def edges_on_paths(sizes: list[int], softmax_layers: set[int], layer: int, neurons) -> set[tuple[int, int, int]]:
    """The weights' edges (layer, to, from; 0-based neurons) above `layer` on those paths."""
    reach = reached(sizes, softmax_layers, layer, neurons)
    return {(p + 1, m, k) for p in range(layer, len(sizes) - 1) for m in range(sizes[p + 1]) for k in reach[p]}


def parameter_neurons(sizes: list[int], layer: int, j: int | None) -> list[int]:
    """The neurons (0-based) whose z a parameter of `layer` feeds: its own (1-based j), or every
    neuron of the layer for a shared bias (j None)."""
    return list(range(sizes[layer])) if j is None else [j - 1]
