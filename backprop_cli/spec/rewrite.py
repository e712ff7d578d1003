"""Writing an updated spec back into the user's own text: only the numbers change.

Comments, key order, flow or block style and every untouched value stay as written. Numbers are
written as Python's shortest round-trip repr, so they read back exactly.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ..core.numbers import exact
from ..errors import UsageError
from .reader import Spec
from .yamlsafe import LINE_BREAK
from .yamlwrite import flow_list, string


class _Edits:
    """Replacements at (line, column) spans of the original text, applied from the end backwards."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0] + [m.end() for m in LINE_BREAK.finditer(text)]  # where each line begins
        self.edits: list[tuple[int, int, str]] = []

    def offset(self, at: tuple[int, int]) -> int:
        return self.starts[at[0] - 1] + at[1] - 1

    def replace(self, start: tuple[int, int], old: str, new: str) -> None:
        begin = self.offset(start)
        if self.text[begin:begin + len(old)] != old:  # the spans must match what was read
            raise AssertionError(f"rewrite: expected {old!r} at {start}, found {self.text[begin:begin + len(old)]!r}")
        self.edits.append((begin, begin + len(old), new))

    def replace_scalar(self, doc, path, new: str) -> None:
        """The scalar at `path` replaced whole, quotes and all (`file: "net-w1.npy"`, as step writes it)."""
        begin, end = self.offset(doc.locations[path]), self.offset(doc.ends[path])
        if doc.texts[path] not in self.text[begin:end]:  # the span must hold what was read
            raise AssertionError(f"rewrite: expected {doc.texts[path]!r} within {self.text[begin:end]!r}")
        self.edits.append((begin, end, new))

    def insert(self, offset: int, new: str) -> None:
        self.edits.append((offset, offset, new))

    def apply(self) -> str:
        text = self.text
        for begin, end, new in sorted(self.edits, reverse=True):
            text = text[:begin] + new + text[end:]
        return text


def updated_matrix_name(original: str, output: Path, taken: set[Path], read_from: str = "") -> str:
    """A new file name for a matrix beside `output`: after-w1.npy (never an existing file). A name
    this function gave when writing `read_from` (net-w1.npy, net-w1-2.npy beside net.yaml) is named
    from its matrix again (after-w1.npy), so stepping a spec again and again never grows a name."""
    base = Path(original)
    matrix = base.stem
    if read_from:
        ours = re.fullmatch(rf"{re.escape(Path(read_from).stem)}-(.+?)(?:-\d+)?", matrix)
        matrix = ours.group(1) if ours else matrix
    stem = f"{output.stem}-{matrix}"
    candidate, n = output.parent / f"{stem}{base.suffix}", 2
    while candidate.exists() or candidate in taken:
        candidate, n = output.parent / f"{stem}-{n}{base.suffix}", n + 1
    taken.add(candidate)
    return candidate.name


def _named_from(spec: Spec, doc, edits: _Edits, output: Path, moved: set) -> None:
    """The matrix files an update leaves as they are (an input, a target) named from the output's
    folder, which may not be the spec's: `-o elsewhere/net.yaml` still reads them."""
    import os

    if spec.base_dir is None:
        return
    base, there = Path(spec.base_dir).resolve(), output.parent.resolve()
    if base == there:
        return
    for path, (name, _shape) in spec.matrix_files.items():
        reference = path + ("file",)
        if path in moved or reference not in doc.texts or os.path.isabs(name):
            continue
        try:
            new = Path(os.path.relpath(base / name, there)).as_posix()
        except ValueError:  # another drive (Windows): no relative path
            new = (base / name).as_posix()
        edits.replace_scalar(doc, reference, string(new))


def rewrite_spec(spec: Spec, layers_after, output: Path | None, state=None) -> tuple[str, dict[Path, np.ndarray]]:
    """The spec's text with every weight and bias replaced by `layers_after`'s values (and the
    optimiser's `optimizer_state:` by `state`, unless plain gradient descent, which keeps none),
    and the matrix files to write beside `output` (path -> array)."""
    doc = spec.document
    edits = _Edits(doc.text)
    files: dict[Path, np.ndarray] = {}
    taken: set[Path] = set()
    moved: set[tuple] = set()  # the matrices written anew beside the output
    for i, after in enumerate(layers_after):
        base = ("layers", i)
        for key, new in _as_written(spec, i, after):
            path = base + (key,)
            if key == "biases" and after.bias_style == "shared":  # {shared: V}: one number
                shared = path + ("shared",)
                edits.replace(doc.locations[shared], doc.texts[shared], exact(new[0]))
                continue
            if path in spec.matrix_files:
                original, shape = spec.matrix_files[path]
                if output is None:
                    raise UsageError(f"layer {i + 1}'s {key} come from '{original}': the updated values go to "
                                     "a new file beside the output, so give -o FILE, not standard output")
                name = updated_matrix_name(original, output, taken, spec.file)
                files[output.parent / name] = new.reshape(shape)  # the shape the file had
                edits.replace_scalar(doc, path + ("file",), string(name))
                moved.add(path)
            elif path in doc.texts:  # a scalar: `biases: 0`
                text = exact(new[0]) if np.all(new == new[0]) else flow_list(new)
                edits.replace(doc.locations[path], doc.texts[path], text)
            elif path in doc.locations:  # a list or matrix written out
                for index in np.ndindex(new.shape):
                    element = path + tuple(int(x) for x in index)
                    edits.replace(doc.locations[element], doc.texts[element], exact(new[index]))
            else:  # no `biases:` key (they were 0): add one after the weights
                _insert_biases(doc, edits, base, new, key, getattr(after, "written_after", "weights"))
    if output is not None:
        _named_from(spec, doc, edits, output, moved)
    if _writes_state(spec, state):
        _replace_state(doc, edits, spec.network, state)
    text = edits.apply()
    check_reads_back(text, spec, layers_after, state)
    return text, files


def _writes_state(spec: Spec, state) -> bool:
    """Whether the updated spec holds `optimizer_state:`: always for an optimiser that keeps one;
    for plain descent, which keeps none, only if the spec counts its steps (`{step: 3}` goes on)."""
    return state is not None and (spec.network.optimizer.name != "sgd"
                                  or ("optimizer_state",) in spec.document.locations)


def _replace_state(doc, edits: _Edits, network, state) -> None:
    """`optimizer_state:` written anew at the end of the document (an old one removed, whole lines)."""
    from .training import state_text

    first = LINE_BREAK.search(doc.text)
    newline = first.group() if first else "\n"
    if ("optimizer_state",) in doc.locations:
        line = doc.locations[("optimizer_state",)][0]  # the key's line: the value starts on it or below
        key_line = min(loc[0] for p, loc in doc.locations.items() if p[:1] == ("optimizer_state",))
        start = edits.starts[min(line, key_line) - 1]
        end = edits.offset(_last_written(doc, edits, ("optimizer_state",)))
        after = LINE_BREAK.search(doc.text, end)
        edits.edits.append((start, after.end() if after else len(doc.text), ""))
    end = _DOCUMENT_END.search(doc.text)  # a `...` line ends the document: the state goes before it
    if end:
        edits.insert(end.start(), state_text(network, state, newline))
        return
    ending = "" if not doc.text or LINE_BREAK.fullmatch(doc.text[-1]) or doc.text.endswith("\r\n") else newline
    edits.insert(len(doc.text), ending + state_text(network, state, newline))


_DOCUMENT_END = re.compile(r"^\.\.\.(?=[ \t]|#|\r|\n|$)", re.M)


def _as_written(spec: Spec, index: int, after) -> list[tuple[str, np.ndarray]]:
    """A layer's weights (as its layout writes them) and biases (unless it has none) to write."""
    if hasattr(after, "written"):  # recurrent, batch norm: their own keys (core.coupled)
        return after.written()
    if after.written_weights is None:  # a pooling layer: nothing to update
        return []
    layout = spec.layouts[index] if spec.layouts else "to_from"
    weights = after.written_weights.T if layout == "from_to" else after.written_weights
    return [("weights", weights)] + ([("biases", after.biases)] if after.bias_style != "none" else [])


_TAG = re.compile(r"!\S*\s*")


def _first_char(doc, edits: _Edits, path: tuple) -> str:
    """The first character of the value at `path`, past a tag such as `!!seq`."""
    start = edits.offset(doc.locations[path])
    tag = _TAG.match(doc.text, start)
    return doc.text[tag.end() if tag else start:][:1]


def _last_written(doc, edits: _Edits, path: tuple) -> tuple[int, int]:
    """Where the value at `path` ends as written. A flow collection's end is its closing bracket;
    a block collection's end mark lies at the next key, so its last scalar ends it instead."""
    if _first_char(doc, edits, path) in ("[", "{") or path in doc.texts:
        return doc.ends[path]
    return max(end for p, end in doc.ends.items() if p[:len(path)] == path and p in doc.texts)


def _insert_biases(doc, edits: _Edits, base: tuple, values: np.ndarray, key: str = "biases",
                   after: str = "weights") -> None:
    """A `key:` (biases; batch norm's gamma or beta left at their defaults) written after `after`."""
    end = edits.offset(_last_written(doc, edits, base + (after,)))
    if _first_char(doc, edits, base) == "{":  # a flow mapping {activation: ..., weights: [...]}
        edits.insert(end, f", {key}: {flow_list(values)}")
        return
    # a block mapping: a new line at the layer's own indentation, after the weights' last line,
    # with the file's own line break
    indent = " " * (doc.locations[base][1] - 1)
    after = LINE_BREAK.search(doc.text, end)
    first = LINE_BREAK.search(doc.text)
    newline = after.group() if after else first.group() if first else "\n"
    if after:
        edits.insert(after.end(), f"{indent}{key}: {flow_list(values)}{newline}")
    else:
        edits.insert(len(doc.text), f"{newline}{indent}{key}: {flow_list(values)}{newline}")


def check_reads_back(text: str, spec: Spec, layers_after, state=None) -> None:
    """Refuse to write a spec that would not load with the new numbers (a layout not foreseen)."""
    from ..errors import SpecError
    from .yamlsafe import parse

    try:
        data = parse(text, spec.file).data
        if _writes_state(spec, state):
            from .training import same_state

            if not same_state(data["optimizer_state"], spec.network, state):
                raise ValueError("optimizer_state")
        layers = data["layers"]
        for i, after in enumerate(layers_after):
            for key, new in _as_written(spec, i, after):
                if ("layers", i, key) in spec.matrix_files:
                    continue
                value = layers[i][key]
                written = np.array(value["shared"] if isinstance(value, dict) else value, dtype=float)
                if not np.array_equal(np.broadcast_to(written, new.shape), new):
                    raise ValueError(key)
    except (SpecError, ValueError, TypeError, KeyError, IndexError):
        raise UsageError("cannot write the update into this spec's layout without breaking it; write "
                         "`biases: 0` under each layer's weights and run again") from None


def own_text(doc) -> str | None:
    """The text of a mapping read as a document of its own (Document.subdocument: an assignment's
    inline `network:`) as the user wrote it, comments included, as a YAML document by itself:
    a flow mapping as it stands, a block mapping dedented. None where the text would not say the
    same on its own (an alias to an anchor outside it, say), for the caller to write it anew."""
    from ..errors import SpecError
    from .yamlsafe import parse

    if doc.locations.get(()) is None or doc.ends.get(()) is None:
        return None
    edits = _Edits(doc.text)
    (line, column), start, end = doc.locations[()], edits.offset(doc.locations[()]), edits.offset(doc.ends[()])
    body = doc.text[start:end]
    if body.startswith("{"):  # a flow mapping: `network: {input: [1], ...}`
        text = body.rstrip() + "\n"
    else:  # a block mapping: its lines, with the comments just above its first key, less its indentation
        first = line - 1
        while first > 1 and _comment_or_blank(doc.text[edits.starts[first - 1]:edits.starts[first]]):
            first -= 1  # comment lines between `network:` and the first key belong to the network
        indent = column - 1
        lines = LINE_BREAK.split(doc.text[edits.starts[first]:start] + body)
        while lines and _comment_or_blank(lines[-1]) and not lines[-1].startswith(" " * indent):
            lines.pop()  # a comment after the network at the outer level belongs to what follows
        kept = []
        for text in lines:
            if text.startswith(" " * indent):
                kept.append(text[indent:])
            elif _comment_or_blank(text):
                kept.append(text.strip())
            else:
                return None
        newline = LINE_BREAK.search(doc.text).group()  # the file's own line break (there is one here)
        text = newline.join(kept).rstrip() + newline
    try:
        same = parse(text, doc.file).data == doc.data
    except SpecError:
        return None
    return text if same else None


def _comment_or_blank(line: str) -> bool:
    return line.strip() == "" or line.strip().startswith("#")
