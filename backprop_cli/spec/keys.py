"""Unknown keys in a YAML mapping, with a "did you mean" hint: one rule for specs and answers files."""
from __future__ import annotations

from ..errors import Problem
from .yamlsafe import Document


def nearest(word: str, known) -> str:
    """A 'did you mean' hint for a misspelt name, or the list of known ones."""
    import difflib  # only when there is a typo to explain

    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "known: " + ", ".join(known)


def unknown_keys(doc: Document, mapping: dict, path: tuple, known, problems: list[Problem]) -> set[tuple]:
    """Report each key of `mapping` that is not `known`; return the (path, known key) pairs written
    with a typo, so that the key is not also reported as missing."""
    misspelt = set()
    for key in mapping:
        if key not in known:
            close = nearest(key, known)
            problems.append(doc.problem(path + (key,), f"unknown key '{key}'", close, at_key=True))
            if close.startswith("did you mean"):
                misspelt.add((path, close.split("'")[1]))
    return misspelt
