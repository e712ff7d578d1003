"""What every kind of computation answers, whatever it is (a network's pass, an expression's
graph, the layer kinds to come): the one protocol that commands, reports, grading and the
explorer ask, instead of looking at an object's attributes to guess what it is.

A notebook shows a computation through a viewer that the API registers here (core never
imports the reporters); without one, a computation shows its short text.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

NETWORK, EXPRESSION = "network", "expression"
KINDS = (NETWORK, EXPRESSION)  # the families of reports: each kind has its own text, JSON, pictures and page


@runtime_checkable
class Computation(Protocol):
    """A forward and backward pass that reports, grades and pages can present."""

    kind: str  # one of KINDS: which family of reports presents it
    title: str  # the spec's name, or ""

    @property
    def output_symbol(self) -> str:
        """What is differentiated, as reports print it: L (a network's loss), f, y (an expression's output)."""

    def value(self, name: str) -> float:
        """The value of a named quantity: a parameter, or an expression's variable or step."""

    def input_rows(self) -> list[tuple[str, float, float]]:
        """(name, value, ∂output/∂input) of every input."""

    def traced_names(self) -> list[str]:
        """What `trace` covers when nothing is named: every parameter, or every input of an expression."""


# how a notebook shows a computation, by kind: kind -> function returning HTML (set by the API)
VIEWERS: dict[str, Callable[[Computation], str]] = {}


MAX_ALL_PATHS = 100_000  # the most paths a result lists when all are asked for


def all_paths(name: str, total: int) -> int:
    """`total`, the paths a parameter has, when all of them may be listed; ValueError beyond
    MAX_ALL_PATHS, saying to ask for the largest few."""
    if total > MAX_ALL_PATHS:
        raise ValueError(f"{name} has {total} paths; ask for the largest few with max_paths=")
    return total


def html_view(computation: Computation) -> str | None:
    """The HTML a notebook shows for `computation` (None: its plain repr)."""
    viewer = VIEWERS.get(computation.kind)
    return viewer(computation) if viewer is not None else None
