"""How problems are worded: unknown keys with a "did you mean" hint (one rule for specs and answers
files), what kind of value was written, plurals."""
from __future__ import annotations

from typing import Any

from ..errors import Problem, quote
from .yamlsafe import Document

MAX_COMPARED = 2_000  # known names a misspelling is compared with: a hint costs a few milliseconds
MAX_LISTED = 100  # known names a hint lists: a network over maps has millions


def nearest(word: str, known) -> str:
    """A 'did you mean' hint for a misspelt name, or the list of known ones (the first MAX_LISTED
    and how many in all). Among more than MAX_COMPARED names (every node of a large network), no
    search: the hint is the list, and costs nothing however many problems ask for one."""
    import difflib  # only when there is a typo to explain

    known = known if isinstance(known, (list, tuple)) else list(known)
    if len(known) <= MAX_COMPARED:
        close = difflib.get_close_matches(str(word)[:100], list(known), n=1, cutoff=0.6)
        if close:
            return f"did you mean '{close[0]}'?"
    listed = ", ".join(known[:MAX_LISTED])
    return "known: " + listed + (f", … ({len(known):,} in all)" if len(known) > MAX_LISTED else "")


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
