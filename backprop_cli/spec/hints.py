"""How problems are worded: unknown keys with a "did you mean" hint (one rule for specs and answers
files), what kind of value was written, plurals."""
from __future__ import annotations

import functools
from typing import Any

from ..errors import Problem, quote
from .yamlsafe import Document

_MANY = 200  # known names beyond which a misspelt one is compared in full with a few of them only
_COMPARED = 12  # ... with these many: a network's thousand names cost as a dozen
_PREFIX = 20  # ... the longest start looked for
_LISTED = 30  # known names listed when none is near
_SEARCHED = 100_000  # known names beyond which none is searched (a network over maps has millions): the list


def nearest(word: str, known) -> str:
    """A 'did you mean' hint for a misspelt name, or the list of known ones (the first _LISTED).
    Among more than _MANY known names only _COMPARED of those that share its longest start (and are
    as long, give or take one) are compared in full, so that a file of thousands of misspelt names
    costs a millisecond a name, not a tenth of a second; among more than _SEARCHED, none is."""
    import difflib  # only when there is a typo to explain

    word, known = str(word)[:100], tuple(str(k) for k in known)
    candidates = known if len(known) <= _SEARCHED else ()
    if _MANY < len(known) <= _SEARCHED:
        index = _by_start(known)
        for start in range(min(len(word), _PREFIX), -1, -1):
            candidates = [k for size in (len(word), len(word) - 1, len(word) + 1)
                          for k in index.get((word[:start], size), ())]
            if candidates:
                break
        candidates = candidates[:_COMPARED]
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    listed = ", ".join(known[:_LISTED])
    return f"known: {listed}" + (f", ... ({len(known):,} in all)" if len(known) > _LISTED else "")


@functools.lru_cache(maxsize=4)
def _by_start(known: tuple) -> dict:
    """Many known names by (their first 0 to _PREFIX characters, their length)."""
    index: dict = {}
    for name in known:
        for start in range(min(len(name), _PREFIX) + 1):
            index.setdefault((name[:start], len(name)), []).append(name)
    return index


def unknown_keys(doc: Document, mapping: dict, path: tuple, known, problems: list[Problem]) -> set[tuple]:
    """Report each key of `mapping` that is not `known`; return the (path, known key) pairs written
    with a typo, so that the key is not also reported as missing."""
    misspelt = set()
    for key in mapping:
        if key not in known:
            close = nearest(key, known)
            problems.append(doc.problem(path + (key,), f"unknown key '{quote(str(key))}'", close, at_key=True))
            if close.startswith("did you mean"):
                misspelt.add((path, close.split("'")[1]))
    return misspelt


def plural(count: int, noun: str) -> str:
    """'1 neuron', '2 neurons', '2 biases'."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {noun}{'es' if noun.endswith('s') else 's'}"


def describe(value: Any) -> str:
    """What a YAML value is, for a message: 'the number 3', 'a list', 'nothing'."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the truth value {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {quote(str(value), 40)}"
    if isinstance(value, str):
        return f"the text '{quote(value)}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
