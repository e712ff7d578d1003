"""Commands on one network: grad, trace, gradcheck, draw, and the list of bundled examples."""
from __future__ import annotations

import click

from ..errors import printable
from .options import (
    NON_NEGATIVE,
    POSITIVE,
    TEXT_JSON,
    check_names,
    check_save,
    emit,
    format_option,
    is_expression,
    load,
    output_file,
    refuse_for_expression,
    save_option,
    show,
    spec_options,
    weight_option,
)


@click.command()
@spec_options(lr=True, formats=TEXT_JSON, precision=6, color=True, expr=True)
@weight_option("Only this parameter (w212, w2_1_2, b21, or the spec's own name); repeat for several.")
@click.option("--inputs", "with_inputs", is_flag=True, help="Add the gradient of the loss with respect to each input "
              "(∂L/∂x1, ...); in a batch, each sample's x1[s].")
@save_option
def grad(spec, example, expr, at, learning_rate, fmt, precision, no_color, weights, with_inputs, save):
    """Value, gradient and updated value of each parameter.

    For an expression (--expr, or a spec with `expression:`): its output's value and
    its derivative with respect to every input.

    \b
    Examples:
      backprop grad --example padhai-4-4-2
      backprop grad net.yaml --weight w212 --weight b21
      backprop grad --example cs231n-neuron --inputs
      backprop grad --expr "(x + y)*z" --at x=-2 --at y=5 --at z=-4
      backprop grad net.yaml --format json | jq '.parameters[0]'
    """
    from .. import compute

    check_save(save, fmt)
    loaded = load(spec, example, expr, at, expressions=True)
    if is_expression(loaded):
        refuse_for_expression(learning_rate=learning_rate, weight=weights, with_inputs=with_inputs)
        result = loaded.compute()
        if fmt == "json":
            from ..report.json import dumps, expression_grad_object

            return emit(dumps(expression_grad_object(result)), save)
        from ..report.expression import grad_text

        return show(grad_text(result, precision), no_color, save, loaded.name)
    result = compute(loaded, learning_rate)
    names = check_names(result, weights)
    inputs = result.input_rows() if with_inputs else None
    if fmt == "json":
        from ..report.json import dumps, grad_object

        emit(dumps(grad_object(result, names, inputs)), save)
    else:
        from ..report.text import grad_report

        show(grad_report(result, result.parameters(names), name=loaded.name, precision=precision, inputs=inputs),
             no_color, save, loaded.name)


MAX_TRACED = 200  # parameters one trace shows (each with all its paths): 200 print in about 1.5 s


@click.command()
@spec_options(lr=True, formats=TEXT_JSON + ("markdown", "latex"), precision=6, color=True, notation=True, expr=True)
@weight_option("Trace only this parameter (w212, w2_1_2, b21, or the spec's own name); repeat for several. "
               "Default: all (unless --node is given).")
@click.option("--node", "nodes", multiple=True, metavar="NAME",
              help="Trace every path from the loss to a node quantity instead (z13, a12, x1, yhat2, or the spec's "
                   "own name); repeat for several. In a batch, of sample --sample I (default 1).")
@click.option("--max-paths", type=click.IntRange(0, 10_000), default=8, show_default=True, metavar="N",
              help="Show the N paths of largest |product| per parameter; the rest are counted and summed.")
@click.option("--sample", type=click.IntRange(1), metavar="I", help="Trace sample I (1-based) of a batch alone.")
@click.option("--order", type=click.Choice(["backward", "forward"]), default="backward", show_default=True,
              help="backward: the output layer's parameters first, as textbooks derive them; forward: the input "
                   "layer's first. (JSON keeps the canonical order.)")
@save_option
def trace(spec, example, expr, at, learning_rate, fmt, precision, no_color, notation, weights, nodes, max_paths, sample,
          order, save):
    """Every chain-rule path from the loss to each parameter.

    For each parameter: every path L → ŷ → z → a → … → w with each factor's symbol,
    formula and value, the path's product, the sum over paths (= the gradient) and the
    update w ← w − η·∂L/∂w. Before that: the forward pass, the loss and the per-neuron
    δ = ∂L/∂z that every path reuses. Paths whose product is 0 are counted in one line
    naming the factor that is 0; a gradient whose paths cancel is printed as 0.

    \b
    Examples:
      backprop trace --example padhai-4-4-2 --weight w212
      backprop trace --example mazur-2-2-2 --weight w5 --weight w1
      backprop trace --example padhai-4-4-2 --node z13 --node x1
      backprop trace net.yaml --notation padhai --format latex > derivation.tex
      backprop trace big.yaml --weight w111 --max-paths 10
      backprop trace --expr "exp(exp(x^2))" --at x=0.5
    """
    from .. import compute
    from ..core.names import layer_parameter_counts
    from ..core.names import notation as make_notation
    from ..core.paths import locate_node
    from ..core.tracing import build_trace, split_sample

    check_save(save, fmt)
    loaded = load(spec, example, expr, at, expressions=True)
    if is_expression(loaded):
        refuse_for_expression(learning_rate=learning_rate, sample=sample, notation=notation,
                              order=order if order != "backward" else None)
        return _trace_expression(loaded, weights + nodes, max_paths, fmt, precision, no_color, save)
    result = compute(loaded, learning_rate)
    names = check_names(result, weights)
    if sample is not None and sample > result.samples:
        raise click.BadParameter(f"the spec has {result.samples} sample(s)", param_hint="--sample")
    chosen = make_notation(notation, result.network.names)
    for node in nodes:
        name, index = split_sample(node, sample)
        try:
            locate_node(result, name, chosen)
            if not 1 <= index <= result.samples:
                raise ValueError(f"{node}: the spec has {result.samples} sample(s)")
        except ValueError as exc:
            raise click.BadParameter(printable(str(exc)), param_hint="--node") from None
    if not weights:  # every parameter, unless --node alone asks for nodes only
        names = [] if nodes else None
    count = len(names) if names is not None else sum(layer_parameter_counts(result.sizes, result.network.bias_styles))
    if count > MAX_TRACED:
        raise click.UsageError(f"the network has {count:,} parameters, too many to trace at once (at most "
                               f"{MAX_TRACED:,}); name a few with --weight NAME, or see them all with "
                               "`backprop grad --format json`")
    traced = build_trace(result, chosen, names, max_paths, sample, loaded.name, loaded.description, nodes)
    if fmt == "json":
        from ..report.json import dumps, trace_object

        emit(dumps(trace_object(traced)), save)
    elif fmt == "markdown":
        from ..report.markdown import trace_markdown

        emit(trace_markdown(traced, precision, order), save)
    elif fmt == "latex":
        from ..report.latex import trace_latex

        emit(trace_latex(traced, precision, order), save)
    else:
        from ..report.text import trace_report

        show(trace_report(traced, precision, order), no_color, save, loaded.name)


def _trace_expression(loaded, nodes, max_paths, fmt, precision, no_color, save) -> None:
    """trace for an expression: every input (or the names given with --node), all its paths."""
    result = loaded.compute()
    names = list(nodes) or [name for name, _, _ in result.input_rows()]
    if len(names) > MAX_TRACED:
        raise click.UsageError(f"the expression has {len(names):,} inputs, too many to trace at once (at most "
                               f"{MAX_TRACED}); name a few with --node NAME, or see them all with `backprop grad`")
    for name in names:
        try:
            result.index(name)
        except KeyError as exc:
            raise click.BadParameter(printable(str(exc.args[0])), param_hint="--node") from None
    traces = [result.trace(name, max_paths) for name in names]
    if fmt == "json":
        from ..report.json import dumps, expression_trace_object

        return emit(dumps(expression_trace_object(result, traces)), save)
    from ..report import expression as report

    if fmt == "markdown":
        return emit(report.trace_markdown(result, traces, precision), save)
    if fmt == "latex":
        return emit(report.trace_latex(result, traces, precision), save)
    return show(report.trace_text(result, traces, precision), no_color, save, loaded.name)


@click.command()
@spec_options(formats=TEXT_JSON, precision=6, color=True)
@click.option("--eps", type=POSITIVE, metavar="FLOAT", default=1e-6, show_default=True,
              help="Step of the central difference (L(p + eps) − L(p − eps)) / 2eps.")
@click.option("--tol", type=NON_NEGATIVE, metavar="FLOAT", default=1e-6, show_default=True,
              help="Largest relative error |a − b| / max(|a|, |b|, floor) that counts as agreement.")
def gradcheck(spec, example, fmt, precision, no_color, eps, tol):
    """Compare every backprop gradient with a central finite difference.

    Exit status 1 when any parameter is over the tolerance. A parameter whose
    finite difference crosses a relu kink (z = 0) is reported as a kink, not a
    failure: there the derivative is one-sided and the difference means nothing.

    \b
    Examples:
      backprop gradcheck --example padhai-4-4-2
      backprop gradcheck net.yaml --eps 1e-5 --tol 1e-5 --format json
    """
    from .. import compute
    from ..core.gradcheck import gradcheck as run_gradcheck

    loaded = load(spec, example)
    checks = run_gradcheck(compute(loaded), eps, tol)
    if fmt == "json":
        from ..report.json import dumps, gradcheck_object

        emit(dumps(gradcheck_object(checks, eps, tol)), None)
    else:
        from ..report.text import gradcheck_report

        show(gradcheck_report(checks, name=loaded.name, eps=eps, tol=tol, precision=precision), no_color, None, "")
    return 1 if any(c.status == "fail" for c in checks) else 0


@click.command()
@spec_options(lr=True, precision=4, notation=True, precision_where="the picture", expr=True)
@output_file("-o", "--output", required=True, metavar="FILE.svg|png", help_text="The picture to write (.svg or .png).")
@weight_option("Highlight every path from the loss to this parameter and write its update.", multiple=False)
@click.option("--gradients", is_flag=True, help="Write each weight's gradient beside its value.")
def draw(spec, example, expr, at, learning_rate, precision, notation, output, weight, gradients):
    """Draw the network: values on neurons and edges, the paths to a weight highlighted.

    Edge width shows |w|, colour its sign (blue +, red −). Layers of more than
    ten neurons are summarised (the first five, a gap, the last four). An
    expression is drawn as its graph, layered by depth, each node with its value
    and derivative; --weight NAME lights the paths to one of its names. Needs
    matplotlib: pip install '.[plot]'.

    \b
    Examples:
      backprop draw net.yaml -o net.svg
      backprop draw --example padhai-4-4-2 --weight w131 -o w131.png
      backprop draw --expr "(x + y)*z" --at x=-2,y=5,z=-4 --weight x -o circuit.svg
    """
    from .. import compute
    from ..core.names import notation as make_notation
    from ..report.draw import draw_network
    from ..report.figures import check_figure_target

    check_figure_target(output, "-o")
    if learning_rate is not None and not weight:
        raise click.UsageError("--lr changes only the update written for --weight NAME; give both, or neither")
    loaded = load(spec, example, expr, at, expressions=True)
    if is_expression(loaded):
        refuse_for_expression(learning_rate=learning_rate, gradients=gradients, notation=notation)
        return _draw_expression(loaded, output, weight, precision)
    result = compute(loaded, learning_rate)
    names = check_names(result, (weight,) if weight else ())
    picture = draw_network(result, make_notation(notation, result.network.names), output,
                           names[0] if names else None, gradients, loaded.name, precision)
    edges = f"{picture.highlighted_edges} edge{'s' if picture.highlighted_edges != 1 else ''}"
    note = f" ({edges} on the paths to {result.shown_name(names[0])})" if names else ""
    wide = picture.summarised_layers
    summary = f"; layers {', '.join(map(str, wide))} summarised" if wide else ""
    click.echo(f"wrote {output}: {picture.neurons} neurons{note}{summary}")


def _draw_expression(loaded, output: str, weight: str | None, precision: int) -> None:
    from ..report.draw_graph import draw_graph

    result = loaded.compute()
    if weight:
        try:
            result.index(weight)
        except KeyError as exc:
            raise click.BadParameter(printable(str(exc.args[0])), param_hint="--weight") from None
    picture = draw_graph(result, output, weight, loaded.name, precision)
    edges = f"{picture.highlighted_edges} edge{'s' if picture.highlighted_edges != 1 else ''}"
    note = f" ({edges} on the paths to {weight})" if weight else ""
    click.echo(f"wrote {output}: {picture.neurons} nodes{note}")


@click.command()
@format_option()
def examples(fmt):
    """List the bundled example specs (use one with --example NAME)."""
    from ..spec.examples import example_names, example_path
    from ..spec.reader import load_spec

    rows = []
    for name in example_names():
        loaded = load_spec(example_path(name))
        shape = {"expression": [n.name for n in loaded.graph.nodes if n.op]} if hasattr(loaded, "graph") \
            else {"sizes": loaded.sizes}
        rows.append({"name": name, "description": loaded.description or loaded.name, **shape})
    if fmt == "json":
        from ..report.json import dumps

        emit(dumps(rows), None)
    else:
        from ..report.listing import examples_listing

        emit(examples_listing(rows), None)
