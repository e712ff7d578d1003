"""Commands on one network or expression: grad, trace, gradcheck, draw, and the bundled examples.
Each is an API call (backprop_cli.api.computing) and a render (report.formats)."""
from __future__ import annotations

import click

from ..core.computation import EXPRESSION
from .options import (
    NON_NEGATIVE,
    POSITIVE,
    TEXT_JSON,
    check_save,
    emit,
    format_option,
    load,
    output_file,
    present,
    refuse_for_expression,
    save_option,
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
    from ..api.computing import grad as gradients

    check_save(save, fmt)
    loaded = load(spec, example, expr, at, expressions=True)
    if loaded.kind == EXPRESSION:
        refuse_for_expression(learning_rate=learning_rate, weight=weights, with_inputs=with_inputs)
    report = gradients(loaded, weights, inputs=with_inputs, learning_rate=learning_rate)
    present(report, fmt, save=save, no_color=no_color, title=loaded.name, precision=precision)


@click.command()
@spec_options(lr=True, formats=TEXT_JSON + ("markdown", "latex"), precision=6, color=True, notation=True, expr=True)
@weight_option("Trace only this parameter (w212, w2_1_2, b21, or the spec's own name); repeat for several. "
               "Default: all (unless --node is given).")
@click.option("--node", "nodes", multiple=True, metavar="NAME",
              help="Trace every path from the loss to a node quantity instead (z13, a12, x1, yhat2, or the spec's "
                   "own name); repeat for several. In a batch, of sample --sample I (default 1). An answers "
                   "file's name works too: dL/dw212, w212_new, Δw212, m_w212 trace the parameter; dyhat1/dz12 "
                   "the paths from ŷ1 down to z12; w212_after3 the 3 updates one by one.")
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
    from ..api.computing import trace as traced

    check_save(save, fmt)
    loaded = load(spec, example, expr, at, expressions=True)
    if loaded.kind == EXPRESSION:
        refuse_for_expression(learning_rate=learning_rate, sample=sample, notation=notation,
                              order=order if order != "backward" else None)
    report = traced(loaded, weights, nodes=nodes, max_paths=max_paths, sample=sample, notation=notation,
                    learning_rate=learning_rate)
    present(report, fmt, save=save, no_color=no_color, title=loaded.name, precision=precision, order=order)


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
    from ..api.computing import gradcheck as check

    report = check(load(spec, example), eps, tol)
    present(report, fmt, no_color=no_color, precision=precision)
    return 1 if report.failed else 0


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
    from ..api.computing import draw as drawn

    if learning_rate is not None and not weight:
        raise click.UsageError("--lr changes only the update written for --weight NAME; give both, or neither")
    loaded = load(spec, example, expr, at, expressions=True)
    if loaded.kind == EXPRESSION:
        refuse_for_expression(learning_rate=learning_rate, gradients=gradients, notation=notation)
    picture = drawn(loaded, output, weight, gradients=gradients, notation=notation, precision=precision,
                    learning_rate=learning_rate)
    edges = f"{picture.highlighted_edges} edge{'s' if picture.highlighted_edges != 1 else ''}"
    note = f" ({edges} on the paths to {weight})" if weight else ""
    nodes = "nodes" if loaded.kind == EXPRESSION else "neurons"
    wide = picture.summarised_layers
    summary = f"; layers {', '.join(map(str, wide))} summarised" if wide else ""
    click.echo(f"wrote {output}: {picture.neurons} {nodes}{note}{summary}")


@click.command()
@click.argument("name", required=False, metavar="[NAME]")
@format_option()
def examples(name, fmt):
    """List the bundled example specs, or print one (NAME) to start from.

    Use one with --example NAME in any command, or save it and edit it:

    \b
    Examples:
      backprop examples
      backprop examples mazur-2-2-2 > net.yaml
    """
    from ..api.computing import example_text
    from ..api.computing import examples as listed

    if name is not None:
        if fmt == "json":
            raise click.UsageError("NAME prints the example's YAML; --format json lists them all")
        return emit(example_text(name), None)
    present(listed(), fmt)
