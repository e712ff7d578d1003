"""backprop: gradients, chain-rule paths and answer checking for small neural networks.

    from backprop_cli import load_spec, compute
    result = compute(load_spec("net.yaml"))
    result.gradient("w212")

Every command's work is a function here (docs/api.md): grad, trace, gradcheck, draw,
explore_html, examples, key, assignment_key, check, check_class, assign, step, train,
gradescope_bundle. Each is imported from
backprop_cli.api only when first used, so that `import backprop_cli` stays cheap.
"""
from __future__ import annotations

from .core.computation import EXPRESSION, NETWORK, VIEWERS
from .errors import NumericalError, SpecError, UsageError
from .version import __version__

# public name -> the api module that defines it
_API = {
    "load_spec": "computing", "load_example": "computing", "compute": "computing", "grad": "computing",
    "trace": "computing", "gradcheck": "computing", "draw": "computing", "explore_html": "computing",
    "examples": "computing", "example_text": "computing",
    "check": "grading", "check_class": "grading", "key": "grading", "assignment_key": "grading",
    "assignment_keys": "grading", "load_assignment": "grading", "with_roster": "grading", "assign": "grading",
    "step": "training", "train": "training", "trained_spec": "training", "write_updated": "training",
    "gradescope_bundle": "gradescope",
}
__all__ = [*_API, "render", "SpecError", "UsageError", "NumericalError", "__version__"]


def __getattr__(name: str):
    if name == "render":  # a report object in a format: text (rich), json, markdown, latex
        from .report.formats import render

        return render
    if name in _API:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.api.{_API[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _notebook_view(computation) -> str | None:
    """How Jupyter shows a result: the explorer's view of it (core never imports the reporters)."""
    from .api.computing import explore_html
    from .errors import UsageError

    try:
        return explore_html(_Named(computation), result=computation, fragment=True)
    except UsageError:  # a page it cannot show (an optimiser's, L2's): the plain repr
        return None


class _Named:
    """The little of a spec a page needs, for a result shown without its spec."""

    def __init__(self, computation):
        self.name = computation.title
        self.description = getattr(computation, "description", "")


def _derivation_view(item) -> str:
    """A traced quantity in a notebook: its derivation as `trace` prints it; one path: its factors."""
    import html

    from .core.numbers import number
    from .report.derivation import derivation_text

    if item.kind == "path":
        lines = [" → ".join(item.nodes)] + [f"  {f.symbol} = {f.formula} = {number(f.value, 6)}" for f in item.factors]
        text = "\n".join(lines + [f"  product = {number(item.product, 6)}"])
    else:
        text = derivation_text(item, 6, item.paths[0].nodes[0] if item.paths else "L")
    return f"<pre>{html.escape(text)}</pre>"


VIEWERS[NETWORK] = VIEWERS[EXPRESSION] = _notebook_view
VIEWERS["trace"] = VIEWERS["path"] = _derivation_view
