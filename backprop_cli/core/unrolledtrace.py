"""What `trace` reports of a network whose rows are coupled (recurrent over time steps, batch norm
over a batch), read off core.unrolled's graph: every path from L to a parameter, grouped by the step
(or sample) where it is used, its products summing to the gradient; every path to a node quantity
(h11@2, xhat21[3], mu21); and the whole Trace (core.tracing) with each row's values and δ."""
from __future__ import annotations

from ..errors import UsageError
from .paths import Factor, ParameterTrace, Path
from .unrolled import Graph, graph_of, shown_name
from .update import updated


def _omitted(gradient: float, paths: list, total: int) -> float:
    if len(paths) == total:
        return 0.0
    rest = gradient - sum(p.product for p in paths)
    scale = max([abs(gradient)] + [abs(p.product) for p in paths])
    return 0.0 if abs(rest) <= 1e-12 * scale else rest


def _paths(graph: Graph, target: int, k: int, sample: int | None) -> list[Path]:
    """The k largest |product| paths from the loss to `target`, each with its factors."""
    best = graph.best(max(k, 1))
    paths = []
    for r in range(min(k, len(best[target]))):
        nodes, factors = [target], []
        node, rank = target, r
        product = best[target][r][0]
        while node != 0:
            _, upper, e, upper_rank = best[node][rank]
            child, value, formula = graph.edges[upper][e]
            factors.append(Factor(f"∂{graph.names[upper]}/∂{graph.names[child]}", formula, value))
            nodes.append(upper)
            node, rank = upper, upper_rank
        paths.append(Path([graph.names[i] for i in nodes[::-1]], factors[::-1], product, sample))
    return paths


def trace(result, name: str, max_paths: int, node: bool = False) -> ParameterTrace:
    """Every path from L to a parameter (grouped by the step or sample where it is used) or to a
    node quantity of a result over a sequence or through batch norm."""
    graph = graph_of(result)
    counts, adjoints = graph.counts(), graph.adjoints()
    if node:
        canonical, sample = _node_key(result, name)
        shown = shown_name(result.network, canonical) + ("" if sample is None else f"[{sample}]")
        target = graph.ids.get(shown)
        if target is None:
            raise UsageError(f"--node: '{name}' is not a node on any path from the loss"
                             + (" (a recurrent layer's paths go h to h: name its h, as in h11@2)"
                                if getattr(result.network, "sequence", False) else ""))
        paths = _paths(graph, target, max_paths, None)
        gradient = adjoints[target]
        value = _node_value(result, canonical, sample)
        return ParameterTrace(shown, value, gradient, value, result.learning_rate, counts[target], paths,
                              _omitted(gradient, paths, counts[target]), node=True)
    canonical, layer, _, _ = result.parameter_row(name)
    shown = shown_name(result.network, canonical)
    target = graph.ids.get(shown)
    gradient, value = result.gradient(name), result.value(name)
    frozen = result.is_frozen(name)
    after = value if frozen else updated(value, gradient, result.learning_rate)
    if target is None:  # no path reaches it
        return ParameterTrace(shown, value, gradient, after, result.learning_rate, 0, [], 0.0, [], frozen,
                              False, layer, positions=[])
    positions = []
    for upper, local, formula in graph.parents()[target]:
        positions.append((graph.names[upper], formula, counts[upper], adjoints[upper] * local))
    paths = _paths(graph, target, max_paths, None)
    positions.sort(key=lambda row: _row_of(row[0]))  # step by step (or sample by sample), in order
    grouped = "step" if getattr(result.network, "sequence", False) else "sample"
    return ParameterTrace(shown, value, gradient, after, result.learning_rate, counts[target], paths,
                          _omitted(gradient, paths, counts[target]), [], frozen, result.cancelled(name), layer,
                          positions=positions, grouped_by=grouped)


def _row_of(name: str) -> int:
    """The step (x@3) or sample (z11[2]) a node belongs to, for ordering."""
    if "@" in name:
        return int(name.rpartition("@")[2])
    return int(name.rpartition("[")[2].rstrip("]")) if name.endswith("]") else 0


def _node_key(result, name: str) -> tuple[str, int | None]:
    """(canonical name, sample or None) of a node quantity as a user wrote it: h11@2, s1_2 (the
    spec's own name), xhat21[3], mu21 (a batch's μ belongs to no one sample)."""
    from . import mapnames
    from .paths import split_sample

    if getattr(result.network, "sequence", False):
        found = mapnames.find(result.network, name)
        return (name if found is None or found[0] == "p" else mapnames.node_name(result.network, *found)), None
    base, sample = split_sample(name, None)
    found = mapnames.find(result.network, base)
    if found is None or found[0] == "p":
        return base, sample
    canonical = mapnames.node_name(result.network, *found)
    return canonical, None if found[0] in ("mu", "var") else sample


def _node_value(result, canonical: str, sample: int | None) -> float:
    found = result.forward.get(canonical)
    if found is None:
        return float("nan")
    return float(found) if sample is None or not hasattr(found, "__len__") else float(found[sample - 1])


def locate_node(result, name: str, notation=None):  # noqa: ARG001 - core.mappaths.locate_node's signature
    """What a node quantity names (h11@2, xhat21[3], mu21); ValueError when the network has none."""
    from . import mapnames

    found = mapnames.find(result.network, name.partition("[")[0] if not getattr(result.network, "sequence", False)
                          else name)
    if found is None or found[0] == "p":
        written = ("write x1@2, z11@2, h11@2, yhat1@3 or L@3" if getattr(result.network, "sequence", False)
                   else "through batch norm write x1[s], z21[s], a21[s], mu21, var21 or xhat21[s]")
        if found is not None:
            raise ValueError(f"'{name}' is a parameter, not a node: trace it with --weight {name}")
        answers = ("; an answers file's dL/d…, Δ…, …_new and …_after names are traced on dense networks only "
                   "(a parameter: --weight NAME)" if any(mark in name for mark in ("/", "Δ", "_new", "_after")) else "")
        raise ValueError(f"'{name}' is not a node of the network: {written}{answers}")
    return found


def build_trace(result, notation, names, max_paths: int, sample: int | None = None, title: str = "",
                description: str = "", nodes=()):
    """What `trace` reports (core.tracing's Trace): the forward values by name, each row's (step's or
    sample's) δ, and each parameter's or node's paths."""
    from .tracing import NeuronRow, Trace

    net = result.network
    if sample is not None and not getattr(net, "sequence", False):
        raise UsageError(f"--sample {sample}: batch norm couples the samples (sample {sample}'s loss reaches every "
                         f"sample's values through μ and σ²), so no sample is traced alone; trace the batch, or "
                         f"--node NAME[{sample}] for one sample's node")
    graph_of(result)  # a network too large to trace is refused before its every value is named
    depth = len(net.layers)
    sequence = getattr(net, "sequence", False)
    rows_of = range(result.steps) if sequence else range(result.samples)
    if sequence:
        from .seqnames import node_name as seq_name

        def name_of(what: str, layer: int, j: int, row: int) -> str:
            return shown_name(net, seq_name(net, what, layer, j, row + 1))

        def column(array, row, j):
            return [float(array[row, j])]

        shown_samples, per_sample = [1], [result.loss]
    else:
        from . import mapnames

        def name_of(what: str, layer: int, j: int, _row: int) -> str:
            return shown_name(net, mapnames.node_name(net, what, layer, j))

        def column(array, _row, j):
            return [float(array[s, j]) for s in range(result.samples)]

        rows_of = [0]
        shown_samples, per_sample = list(range(1, result.samples + 1)), [float(v) for v in result.per_sample_loss]
    inputs, neurons = [], []
    for row in rows_of:
        inputs += [(name_of("a", 0, k, row), column(result.a[0], row, k)) for k in range(result.sizes[0])]
        for l in range(1, depth + 1):
            for j in range(result.sizes[l]):
                neurons.append(NeuronRow(l, name_of("z", l, j, row), name_of("a", l, j, row),
                                         column(result.z[l], row, j), column(result.a[l], row, j),
                                         column(result.targets, row, j) if l == depth else None,
                                         column(result.grad_a[l], row, j), column(result.deltas[l], row, j)))
    wanted = result.traced_names() if names is None else names
    traced = [trace(result, name, max_paths) for name in wanted]
    for node in nodes:
        locate_node(result, node)
        traced.append(trace(result, node, max_paths, node=True))
    labels = [layer.kind + " " + layer.activation.label if layer.kind != "dense" else layer.activation.label
              for layer in net.layers]
    reduction = "sum over the steps" if sequence and net.every_step else "last step" if sequence else net.reduction
    formula = net.loss.formula
    if sequence:  # the loss is a step's (the last's), or their sum
        formula = (f"Σt L@t, L@t = {formula}" if net.every_step else f"L@{result.steps} = {formula}")
    traced_out = Trace(title, description, result.sizes, labels, net.loss.name, formula, result.loss,
                       per_sample, result.learning_rate, reduction, shown_samples, inputs, neurons, traced,
                       notation.name, 1 if sequence else result.samples, notation.loss, net.loss.target)
    traced_out.extra = _extra(result)
    return traced_out


def _extra(result) -> list:
    """The named values outside the neuron table: each step's loss L@t (when every step has one), and
    each batch-norm layer's μ and σ² (one a batch) and x̂ (one a sample)."""
    from . import mapnames

    net = result.network
    if getattr(net, "sequence", False):
        if not net.every_step:
            return []
        return [(len(net.layers), shown_name(net, f"L@{t + 1}"), float(result.per_sample_loss[t]))
                for t in range(result.steps)]
    found = []
    for name, value in result.forward.items():
        what = mapnames.find(net, name, course=False)
        if what is not None and what[0] in mapnames.NORM_NODES:
            shown = shown_name(net, name)
            found.append((what[1], shown, float(value) if what[0] != "xhat" else [float(v) for v in value]))
    return found
