"""Computing and presenting one spec: what `grad`, `trace`, `gradcheck`, `draw`, `explore` and
`examples` do, as functions that return plain objects (core.reports) or text."""
from __future__ import annotations

import os

from ..core.computation import EXPRESSION, Computation
from ..core.names import notation as make_notation
from ..core.reports import ExampleList, ExpressionTrace, GradientCheck, Gradients
from ..errors import UsageError, printable

MAX_TRACED = 200  # quantities one trace (or one explorer page) derives, each with its paths: about 1.5 s
MAX_EDITABLE = 10_000  # values a live page embeds, each with a field to edit: about 300 bytes each, 3 MB in all
MAX_EXPLORED_NODES = 2_000  # names an expression's page draws and tabulates: about 1 kB each, 2 MB in all


def load_spec(path=None, *, text: str | None = None, name: str | None = None):
    """Load and validate a spec (a path, `-` for standard input, or text=...): a network, or an
    expression (`expression:` and `at:`); raises SpecError with every problem located."""
    from ..spec.reader import load_spec as read

    return read(path, text=text, name=name)


def load_example(name: str):
    """A bundled example spec by name (`examples()` lists them)."""
    from ..spec.examples import example_file

    return load_spec(example_file(name), name=f"{name}.yaml")


def examples() -> ExampleList:
    """The bundled examples: name, description, and the shape of each (sizes, or an expression's steps)."""
    from ..spec.examples import example_names

    rows = []
    for name in example_names():
        loaded = load_example(name)
        rows.append({"name": name, "description": loaded.description or loaded.name, **loaded.summary()})
    return ExampleList(rows)


def load_expression(text: str | None, at=(), spec=None):
    """An expression from text (`--expr`), or the expression spec `spec` at another point; `at`
    holds NAME=VALUE pairs (or `x=1,y=2`). UsageError for a pair that is not one."""
    from ..spec.expression import expression_from_text, parse_point, with_point

    try:
        point = parse_point(tuple(at))
    except ValueError as exc:
        raise UsageError(f"--at: {exc}") from None
    if text is not None:
        return expression_from_text(text, point)
    if spec.kind != EXPRESSION:
        raise UsageError("--at gives values to an expression's names: use it with --expr TEXT or a spec holding "
                         "`expression:`")
    return with_point(spec, point)


def example_text(name: str) -> str:
    """The YAML of a bundled example, as shipped: a spec to start from."""
    from ..spec.examples import example_file

    with open(example_file(name), encoding="utf-8", newline="") as handle:
        return handle.read()


def compute(spec, learning_rate: float | None = None) -> Computation:
    """Forward and backward pass of a spec (a network: loss, every gradient and node value by name;
    an expression: every step's value and derivative). `learning_rate` overrides the spec's."""
    return spec.compute(learning_rate)


def parameter_names(result, names) -> list[str]:
    """Parameter names as a user gave them (canonical, or the spec's own), checked against the
    network (UsageError), in their canonical compact form."""
    return [result.canonical(name) for name in names]


def _known(result, names, option: str) -> None:
    """Every name is one of the expression's (UsageError naming `option` otherwise)."""
    for name in names:
        try:
            result.index(name)
        except KeyError as exc:
            raise UsageError(f"{option}: {printable(str(exc.args[0]))}") from None


def grad(spec, weights=(), *, inputs: bool = False, learning_rate: float | None = None) -> Gradients:
    """`backprop grad`: value, gradient and update of each parameter (those named in `weights`, or
    all), and with `inputs` the gradient with respect to each input; an expression's derivatives."""
    result = compute(spec, learning_rate)
    if result.kind == EXPRESSION:
        return Gradients(result)
    names = parameter_names(result, weights)
    return Gradients(result, names, result.parameters(names), result.input_rows() if inputs else None)


def trace(spec, weights=(), *, nodes=(), max_paths: int = 8, sample: int | None = None, notation: str = "default",
          learning_rate: float | None = None):
    """`backprop trace`: every chain-rule path to each parameter named (all when none and no
    `nodes`) and to each node quantity in `nodes` (z13, x1, x1[2]), the `max_paths` largest shown.
    For an expression, `weights` and `nodes` name its inputs or steps (default: every input)."""
    result = compute(spec, learning_rate)
    if result.kind == EXPRESSION:
        names = list(weights) + list(nodes) or result.traced_names()
        _cap(len(names), "names", "name a few with --node NAME, or see them all with `backprop grad`")
        _known(result, names, "--node")
        return ExpressionTrace(result, [result.trace(name, max_paths) for name in names])
    from ..core.paths import locate_node, split_sample
    from ..core.tracing import build_trace

    if result.network.maps:  # layers over feature maps: their own path structure (core.mappaths)
        from ..core.mappaths import build_trace, locate_node
    if getattr(result.network, "coupled", False):  # recurrent, batch norm: rows coupled (core.unrolled)
        from ..core.unrolledtrace import build_trace, locate_node
    chosen = make_notation(notation, result.network.names)
    partials, updates = [], []
    dense = not result.network.maps and not getattr(result.network, "coupled", False)
    if dense:  # an answers file's quantities (core.partialpaths, core.updatesteps): dense layers
        nodes, weights, partials, updates, sample = _quantities_traced(chosen, nodes, weights, sample)
    names = parameter_names(result, weights)
    if sample is not None and not 1 <= sample <= result.samples:
        raise UsageError(f"--sample {sample}: the spec has {result.samples} sample(s)")
    for node in nodes:
        name, index = split_sample(node, sample)
        try:
            locate_node(result, name, chosen)
            if not 1 <= index <= result.samples:
                raise ValueError(f"{node}: the spec has {result.samples} sample(s)")
        except ValueError as exc:
            raise UsageError(f"--node: {printable(str(exc))}") from None
    wanted = names if weights else [] if nodes or partials or updates else result.traced_names()
    _cap(len(wanted), "parameters", "name a few with --weight NAME, or see them all with `backprop grad --format json`")
    for of, wrt, is_parameter in partials:  # X a node; Y a node or a parameter (names as written)
        try:
            locate_node(result, of, chosen)
            if is_parameter:
                result.parameter_index(wrt)
            else:
                locate_node(result, wrt, chosen)
        except ValueError as exc:
            raise UsageError(f"--node: {printable(str(exc))}") from None
    if not dense:
        return build_trace(result, chosen, wanted, max_paths, sample, spec.name, spec.description, nodes)
    from ..core.updatesteps import trace_updates

    worked = [trace_updates(result, name, k, chosen) for name, k in updates]  # NumericalError: it diverged
    return build_trace(result, chosen, wanted, max_paths, sample, spec.name, spec.description, nodes,
                       [(of, wrt) for of, wrt, _ in partials], worked)


def _quantities_traced(notation, nodes, weights, sample):
    """--node NAME for a quantity of an answers file that is not a node: a parameter (w212), its
    gradient (dL/dw212, of one sample: dL/dw212[2]), its update and what the optimiser keeps (w212_new,
    Δw212, m_w212, ...) are traced as the parameter, whose trace ends with those update lines;
    dL/dz13 is the node z13; dX/dY the partials (X, Y, Y a parameter); w212_after3 and loss_after3
    the updates (name or None, K). The loss itself, or too many updates, is refused with where to look.
    Returns (nodes, parameters, partials, updates, sample)."""
    from ..core.updatesteps import MAX_TRACED_UPDATES
    from ..grading.quantities import QuantityError, parse_quantity

    kept_nodes, traced, partials, updates = [], list(weights), [], []
    for node in nodes:
        try:
            q = parse_quantity(node, notation)
        except QuantityError:
            q = None
        kind = q.kind.split(":", 1)[0] if q is not None else "value"
        parameter = q is not None and q.name.kind in ("w", "b")
        if kind in ("value", "gradient") and not parameter and q is not None and q.name.kind != "L":
            kept_nodes.append(node.split("/", 1)[1][1:] if kind == "gradient" else node)  # dL/dz13 → z13, as written
            continue
        if kind in ("value", "gradient", "updated", "delta", "state", "partial") and (parameter or kind == "partial"):
            if q.sample is not None:
                if sample not in (None, q.sample):
                    raise UsageError(f"--node {printable(node)} is of sample {q.sample}, --sample says {sample}")
                sample = q.sample
            if kind == "partial":
                partials.append((q.kind.split(":", 1)[1], str(q.name), parameter))
            else:
                traced.append(str(q.name))
            continue
        if q is None or kind == "value" and q.name.kind != "L":
            kept_nodes.append(node)  # located below, with its hint
            continue
        count = int(q.kind.split(":")[1]) if kind == "after" else None
        if count == 0 and parameter:  # w212_after0 is w212 itself
            traced.append(str(q.name))
            continue
        if count is not None and 1 <= count <= MAX_TRACED_UPDATES:
            updates.append((str(q.name) if parameter else None, count))
            continue
        where = {"after": f"trace works out at most {MAX_TRACED_UPDATES} updates one by one: `backprop key "
                          f"--quantity {printable(node)}` gives its value, and `backprop train --epochs K --log "
                          "steps.csv` writes every update's values",
                 }.get(kind if count else "value",
                       "the loss: `backprop trace` prints it (with --sample I, one sample's own loss)")
        raise UsageError(f"--node {printable(node)}: not traced path by path; {where}")
    return kept_nodes, traced, partials, updates, sample


def _cap(count: int, what: str, hint: str) -> None:
    if count > MAX_TRACED:
        raise UsageError(f"{count:,} {what}: too many to trace at once (at most {MAX_TRACED:,}); {hint}")


def gradcheck(spec, eps: float = 1e-6, tol: float = 1e-6) -> GradientCheck:
    """`backprop gradcheck`: every backprop gradient against a central finite difference."""
    from ..core.gradcheck import gradcheck as check
    from ..core.gradcheck import gradcheck_maps

    _network_only(spec, "gradcheck")
    result = compute(spec)
    checks = gradcheck_maps(result, eps, tol) if result.network.maps else check(result, eps, tol)
    return GradientCheck(checks, eps, tol, spec.name)


def _network_only(spec, command: str) -> None:
    if spec.kind == EXPRESSION:
        raise UsageError(f"this spec holds an expression, and `{command}` needs a network "
                         "(grad, trace, key, draw and explore take expressions)")


def draw(spec, output: str, weight: str | None = None, *, gradients: bool = False, notation: str = "default",
         precision: int = 4, learning_rate: float | None = None):
    """`backprop draw`: the network (or an expression's graph) as a picture (.svg or .png), the
    paths to `weight` lit; returns what was drawn (neurons, highlighted edges, summarised layers)."""
    from ..report.figures import check_figure_target

    check_figure_target(output, "-o")
    result = compute(spec, learning_rate)
    if result.kind == EXPRESSION:
        from ..report.draw_graph import draw_graph

        if weight:
            _known(result, [weight], "--weight")
        return draw_graph(result, output, weight, spec.name, precision)
    from ..report.draw import draw_network

    names = parameter_names(result, (weight,) if weight else ())
    if getattr(result.network, "coupled", False):  # recurrent, batch norm: the graph unrolled (core.unrolled)
        from ..report.draw_unrolled import draw_unrolled

        return draw_unrolled(result, make_notation(notation, result.network.names), output,
                             names[0] if names else None, spec.name, precision)
    if result.network.maps:  # feature maps as grids, a weight's receptive field lit
        from ..report.draw_maps import draw_maps

        return draw_maps(result, make_notation(notation, result.network.names), output, names[0] if names else None,
                         gradients, spec.name, precision)
    return draw_network(result, make_notation(notation, result.network.names), output, names[0] if names else None,
                        gradients, spec.name, precision)


def explore_html(spec, weights=(), *, result=None, max_paths: int = 8, precision: int = 6, notation: str = "default",
                 learning_rate: float | None = None, fragment: bool = False, stem: str = "spec") -> str:
    """The page `backprop explore` writes, as text (`fragment`: the view alone, for a notebook):
    every parameter drawn (or those in `weights`) with its derivation, or an expression's inputs;
    `stem` the name its Download suggests (stem.yaml)."""
    from ..core.tracing import build_trace
    from ..report import explore_pages

    result = result if result is not None else compute(spec, learning_rate)
    if result.kind == EXPRESSION:
        names = result.traced_names()
        _cap(len(names), "inputs", "an expression's page derives every input")
        shown = sum(node.constant is None for node in result.graph.nodes)
        if shown > MAX_EXPLORED_NODES:  # every name is drawn, tabulated and stepped through on the page
            raise UsageError(f"the expression has {shown:,} names, too many to show on one page (at most "
                             f"{MAX_EXPLORED_NODES:,}); `backprop trace` shows them all")
        traced = ExpressionTrace(result, [result.trace(name, max_paths) for name in names])
        return explore_pages.expression_page(traced, precision, spec.name or "untitled expression", fragment,
                                             max_paths, spec, stem)
    from ..report.explore import network_svg

    network = result.network
    if network.optimizer.name != "sgd" or network.l2:  # the page recomputes plain descent, without L2
        raise UsageError("explore's page recomputes plain gradient descent without an L2 term, so it cannot show "
                         f"this spec's {'l2' if network.l2 else network.optimizer.name}: use trace for its "
                         "derivation, or remove `optimizer:` and `l2:` to explore the network")
    chosen = make_notation(notation, result.network.names)
    if getattr(result.network, "coupled", False):  # recurrent, batch norm: as trace shows it (core.unrolled)
        from ..core.unrolledtrace import build_trace as build_unrolled_trace
        from ..report.draw_unrolled import unrolled_page

        names = parameter_names(result, weights) or result.traced_names()
        _cap(len(names), "parameters drawn", "name some with --weight NAME")
        traced = build_unrolled_trace(result, chosen, names, max_paths, None, spec.name, spec.description)
        return unrolled_page(result, chosen, traced, precision, names, fragment)
    if result.network.maps:  # shown as trace shows it (core.mappaths), each weight's receptive field lit
        from ..core.mappaths import build_trace as build_maps_trace
        from ..report.explore_maps import check_size, maps_page

        check_size(result.network)  # before every parameter's paths are traced for the page
        names = parameter_names(result, weights) or result.traced_names()
        _cap(len(names), "parameters drawn", "name some with --weight NAME")
        traced = build_maps_trace(result, chosen, names, max_paths, None, spec.name, spec.description)
        return maps_page(result, chosen, traced, precision, names, fragment)
    values = sum(l.weights.size + l.biases.size for l in network.layers) + result.a[0].size + result.targets.size
    if values > MAX_EDITABLE:  # the page embeds every value with its field, not only those drawn
        raise UsageError(f"too many values to show: {values:,} weights, biases, inputs and targets (at most "
                         f"{MAX_EDITABLE:,} on a live page); `backprop trace --weight NAME` shows a weight's paths")
    drawing = network_svg(result, chosen, precision)  # drawn once: for the parameters shown, and the page
    names = parameter_names(result, weights) or explore_pages.drawn_parameters(result, chosen, drawing[1])
    _cap(len(names), "parameters drawn", "name some with --weight NAME")
    traced = build_trace(result, chosen, names, max_paths, None, spec.name, spec.description)
    return explore_pages.network_page(result, chosen, traced, precision, fragment, drawing, names, max_paths, spec,
                                      stem)


def default_page_name(spec_path: str | None, example: str | None, expression: bool) -> str:
    """Where `explore` writes when no -o is given: the spec's (or example's) name, .html, here."""
    stem = example or (os.path.splitext(os.path.basename(spec_path))[0] if spec_path not in (None, "-")
                       else "expression" if expression else "net")
    return f"{stem}.html"
