"""`backprop explore`: the derivation as a page to click through, for a network or an expression."""
from __future__ import annotations

import click

from ..core.computation import EXPRESSION
from ..errors import printable
from .options import load, output_file, refuse_for_expression, spec_options, weight_option


@click.command()
@spec_options(lr=True, precision=6, notation=True, expr=True, precision_where="the derivations")
@output_file("-o", "--output", metavar="FILE.html", help_text="The page to write (.html); default: the spec's or "
             "example's name with .html, in the current folder.")
@weight_option("Only this parameter (and its derivation); repeat for several. Default: every parameter drawn.")
@click.option("--max-paths", type=click.IntRange(1, 1000), default=8, show_default=True, metavar="N",
              help="Paths shown per parameter (the largest |product|); the rest are counted and summed.")
def explore(spec, example, expr, at, learning_rate, precision, notation, output, weights, max_paths):
    """Write a live page: edit any value, see every path, derivation and update change.

    One self-contained HTML file (inline SVG, CSS and script; nothing is fetched, so it
    works opened from disk and offline). The network is drawn as `draw` draws it;
    clicking a weight's edge, a bias or a name in the list lights every path from the
    loss to it and shows its derivation exactly as `trace` prints it; hovering a neuron
    shows its z, a and δ. Every weight, bias, input, target and the learning rate can be
    edited in the page, which recomputes everything as `trace` would; Step, Reset and
    Download (the values as a spec); a step-through of the forward and backward passes;
    a table of every node. Tab and Enter work too. For an expression, its graph, the
    paths to each input, and its inputs to edit. Feature-map networks are shown as
    `trace` shows them. The data is embedded as `trace --format json` prints it.

    \b
    Examples:
      backprop explore --example padhai-4-4-2          (writes padhai-4-4-2.html)
      backprop explore --example cs231n-sigmoid-circuit -o circuit.html
      backprop explore --expr "exp(exp(x^2))" --at x=0.5 -o chain.html
    """
    from ..api.computing import default_page_name, explore_html

    loaded = load(spec, example, expr, at, expressions=True)
    if output is None:
        output = default_page_name(spec, example, loaded.kind == EXPRESSION)
        from ..files import check_writable

        problem = check_writable(output)
        if problem:
            raise click.UsageError(f"{output}: {problem}; name another page with -o FILE.html")
    if not output.lower().endswith((".html", ".htm")):
        raise click.BadParameter(f"'{output}' must end in .html (or .htm)", param_hint="-o")
    from ..files import input_written_over

    if input_written_over([output], [spec]):  # the default name of a spec saved as .html (-o: options' check)
        raise click.UsageError(f"{printable(output)}, the page's default name, is the spec itself; name the page "
                               "with -o FILE.html")
    if loaded.kind == EXPRESSION:
        refuse_for_expression(learning_rate=learning_rate, weight=weights, notation=notation,
                              hint_for_weight=" (every input of an expression is on its page)")
    import os

    text = explore_html(loaded, weights, max_paths=max_paths, precision=precision, notation=notation,
                        learning_rate=learning_rate, stem=os.path.splitext(os.path.basename(output))[0] or "spec")
    from ..files import write_atomic

    write_atomic(output, text)
    click.echo(f"wrote {output}: {len(text.encode('utf-8')) / 1000:.0f} kB; open it in a browser")
