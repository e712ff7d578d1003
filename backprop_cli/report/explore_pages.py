"""The explorer's two pages, a network's and an expression's: the traces the API made, their JSON,
the drawing and the derivations put together (report/explore.py draws and lays out)."""
from __future__ import annotations

from ..core.numbers import number
from .derivation import derivation_text
from .explore import expression_svg, network_svg, page
from .explore_live import expression_model, network_model


def network_page(result, notation, traced, precision: int, fragment: bool = False, drawing=None,
                 names: list[str] | None = None, max_paths: int = 8, spec=None, stem: str = "spec") -> str:
    """The page of a network: every traced parameter (core.tracing.Trace) clickable; `drawing` is
    network_svg's (svg, lit) at this precision when the caller has drawn it already; `names` the
    traced parameters, as build_trace was given them (then the page is live: every value editable)."""
    from .json import trace_object

    svg, lit = drawing if drawing is not None else network_svg(result, notation, precision)
    derivations = {p.name: derivation_text(p, precision, traced.loss_symbol) for p in traced.ordered("backward")}
    description = traced.description
    shape = "-".join(map(str, result.sizes))
    subtitle = [f"{description + ' · ' if description else ''}network {shape} · {notation.loss} = ",
                ("loss", number(result.loss, precision)), " · η = ", ("lr", number(result.learning_rate, precision))]
    model = None if names is None else network_model(result, notation, names, max_paths, precision, spec)
    return page(title=traced.title or f"untitled network {'-'.join(map(str, result.sizes))}", subtitle=subtitle,
                svg=svg, derivations=derivations,
                lit={name: ids for name, ids in lit.items() if name in derivations}, data=trace_object(traced),
                symbol=traced.loss_symbol, fragment=fragment, model=model, stem=stem)


def drawn_parameters(result, notation, lit: dict | None = None) -> list[str]:
    """Canonical names of the parameters whose elements the page draws (wide layers are
    summarised), in canonical order; `lit` is the drawing's, when the caller has drawn it."""
    from ..core.names import parameter_indices, parameter_name

    lit = lit if lit is not None else network_svg(result, notation, 1)[1]
    return [parameter_name(*index) for index in parameter_indices(result.sizes, result.network.bias_styles)
            if notation.parameter(*index) in lit]


def expression_page(traced, precision: int, title: str, fragment: bool = False, max_paths: int = 8, spec=None,
                    stem: str = "expression") -> str:
    """The page of an expression (core.reports.ExpressionTrace): every input clickable and editable."""
    from .json import expression_trace_object

    result, traces = traced.computation, traced.traces
    svg, lit = expression_svg(result, precision)
    out = result.output_name
    derivations = {p.name: derivation_text(p, precision, out) for p in traces}
    steps = len(result.steps())
    subtitle = [f"{result.description + ' · ' if result.description else ''}{steps} step{'s' if steps != 1 else ''}"
                f" · {out} = ", ("loss", number(result.output, precision))]
    model = expression_model(result, max_paths, precision, spec)
    return page(title=title, subtitle=subtitle, svg=svg, derivations=derivations, lit=lit,
                data=expression_trace_object(result, traces), symbol=out, fragment=fragment, model=model, stem=stem,
                what="input")
