"""The explorer's two pages, a network's and an expression's: the trace, its JSON, the drawing and
the derivations put together (report/explore.py draws and lays out)."""
from __future__ import annotations

from ..core.numbers import number
from ..errors import UsageError
from .derivation import derivation_text
from .explore import expression_svg, network_svg, page

MAX_EXPLORED = 200  # derivations one page holds (as trace traces at most)


def network_page(result, notation, names: list[str] | None, max_paths: int, precision: int, title: str,
                 description: str, fragment: bool = False) -> str:
    """The page of a network: every drawn parameter (or those named) clickable."""
    from ..core.tracing import build_trace
    from .json import trace_object

    svg, lit = network_svg(result, notation, precision)
    if names is None:  # every parameter whose edge or bias is drawn
        names = [canonical for canonical, _ in _drawn(result, notation, lit)]
        if len(names) > MAX_EXPLORED:
            raise UsageError(f"{len(names):,} parameters are drawn, too many derivations for one page (at most "
                             f"{MAX_EXPLORED}); name some with --weight NAME")
    traced = build_trace(result, notation, names, max_paths, None, title, description)
    derivations = {p.name: derivation_text(p, precision, traced.loss_symbol) for p in traced.ordered("backward")}
    subtitle = (f"{description + ' · ' if description else ''}network {'-'.join(map(str, result.sizes))} · "
                f"{notation.loss} = {number(result.loss, precision)} · η = {number(result.learning_rate, precision)}")
    return page(title=title or "network", subtitle=subtitle, svg=svg, derivations=derivations,
                lit={name: ids for name, ids in lit.items() if name in derivations}, data=trace_object(traced),
                symbol=traced.loss_symbol, fragment=fragment)


def _drawn(result, notation, lit) -> list[tuple[str, str]]:
    """(canonical, printed) names of the parameters whose elements are drawn, in canonical order."""
    from ..core.names import parameter_indices, parameter_name

    pairs = []
    for index in parameter_indices(result.sizes, result.network.bias_styles):
        shown = notation.parameter(*index)
        if shown in lit:
            pairs.append((parameter_name(*index), shown))
    return pairs


def expression_page(result, max_paths: int, precision: int, title: str, fragment: bool = False) -> str:
    """The page of an expression: every input clickable."""
    from .json import expression_trace_object

    inputs = [name for name, _, _ in result.input_rows()]
    if len(inputs) > MAX_EXPLORED:
        raise UsageError(f"the expression has {len(inputs):,} inputs, too many derivations for one page (at most "
                         f"{MAX_EXPLORED})")
    traces = [result.trace(name, max_paths) for name in inputs]
    svg, lit = expression_svg(result, precision)
    out = result.output_name
    derivations = {p.name: derivation_text(p, precision, out) for p in traces}
    steps = len(result.steps())
    subtitle = (f"{result.description + ' · ' if result.description else ''}{steps} step{'s' if steps != 1 else ''}"
                f" · {out} = {number(result.output, precision)}")
    return page(title=title, subtitle=subtitle, svg=svg, derivations=derivations, lit=lit,
                data=expression_trace_object(result, traces), symbol=out, fragment=fragment)
