"""YAML spec -> Spec (numpy arrays + source locations), validated with located messages: a file
or text read, and its document handed to the reader of its kind (dense layers, layers over
feature maps, or an expression)."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .access import read_text
from .dense import DEFAULT_LEARNING_RATE, Spec, _SpecReader
from .yamlsafe import Document, parse

if TYPE_CHECKING:
    from pathlib import Path

    from .expression import ExpressionSpec

__all__ = ["DEFAULT_LEARNING_RATE", "Spec", "load_spec", "parse_spec", "read_document"]


def load_spec(path: str | os.PathLike | None = None, *, text: str | None = None, name: str | None = None,
              confined: bool = False) -> Spec:
    """Load and validate a spec from a file (`-` is standard input) or from `text`; raises SpecError.
    `confined`: the spec is a student's (in `check`), so its matrix files must lie in its folder."""
    if text is not None:
        return parse_spec(text, name or "<text>", os.getcwd())
    if path is None:
        raise TypeError("load_spec needs a path or text=")
    shown = "<stdin>" if str(path) == "-" else name or str(path)
    base = os.getcwd() if str(path) == "-" else os.path.dirname(os.fspath(path))  # matrix files' folder
    text = read_text(path, shown=shown,
                     hint="give the path of a spec file, or --example NAME (see `backprop examples`)")
    return parse_spec(text, shown, base, confined)


def parse_spec(text: str, file: str, base_dir: str | Path, confined: bool = False) -> Spec:
    """Validate YAML text as a spec; `base_dir` resolves `{file: ...}` matrices."""
    return read_document(parse(text, file), base_dir, confined)


def read_document(doc: Document, base_dir: str | Path, confined: bool = False) -> Spec | ExpressionSpec:
    """Validate an already parsed YAML document as a spec: a network, or (with `expression:`) an
    expression and its point."""
    if isinstance(doc.data, dict) and "expression" in doc.data:
        from .expression import ExpressionReader  # the formula parser only for an expression: start-up

        return ExpressionReader(doc, base_dir, confined).read()
    if isinstance(doc.data, dict) and "sequence" in doc.data:
        from .sequence import SequenceReader  # a recurrent network over time steps (section 9)

        return SequenceReader(doc, base_dir, confined).read()
    if isinstance(doc.data, dict) and _typed(doc.data.get("layers")):
        from .maps import MapReader  # layers over feature maps (section 9) only where a spec has them

        return MapReader(doc, base_dir, confined).read()
    return _SpecReader(doc, base_dir, confined).read()


def _typed(layers) -> bool:
    """Whether a spec's layers name a kind other than dense (a `type:` of section 9)."""
    return isinstance(layers, list) and any(isinstance(entry, dict) and entry.get("type", "dense") != "dense"
                                            for entry in layers)
