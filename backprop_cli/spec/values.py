"""Reading a YAML document's scalars, vectors and matrices with located problems: the base of the
spec reader (and of anything else that reads numbers a user wrote)."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import Problem, quote
from .hints import describe, nearest, plural, unknown_keys
from .yamlsafe import MAX_NEURONS, Document

if TYPE_CHECKING:
    from pathlib import Path


class ValueReader:
    """Collects every problem of one document instead of stopping at the first."""

    def __init__(self, doc: Document, base_dir: str | Path, confined: bool):
        self.doc = doc
        self.base_dir = base_dir
        self.confined = confined
        self.problems: list[Problem] = []
        self.matrix_files: dict = {}
        self.misspelt: set[tuple] = set()  # (path, known key) already reported as a typo

    def fail(self, path: tuple, message: str, hint: str = "", *, at_key: bool = False) -> None:
        self.problems.append(self.doc.problem(path, message, hint, at_key=at_key))

    # -- keys and scalars ---------------------------------------------------------------
    def _unknown_keys(self, mapping: dict, path: tuple, known: tuple) -> None:
        self.misspelt |= unknown_keys(self.doc, mapping, path, known, self.problems)

    def missing(self, path: tuple, key: str, message: str, hint: str) -> None:
        """Report a missing key, unless it is there under a misspelt name already reported."""
        if (path, key) not in self.misspelt:
            self.fail(path, message, hint)

    def _text(self, data: dict, key: str) -> str:
        value = data.get(key, "")
        if value is None:
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.fail((key,), f"'{key}' must be text, not {describe(value)}", f"write {key}: some words")
            return ""
        return str(self.doc.texts.get((key,), value))

    def _choice(self, data: dict, key: str, known: dict, path: tuple = ()) -> str | None:
        if key not in data:
            self.missing(path, key, f"'{key}' is missing", "add `" + key + ": " + next(iter(known)) + "` (known: "
                      + ", ".join(known) + ")")
            return None
        value = data[key]
        if not isinstance(value, str):
            self.fail(path + (key,), f"'{key}' must be a name, not {describe(value)}", "known: " + ", ".join(known))
            return None
        if value not in known:
            self.fail(path + (key,), f"unknown {key} '{quote(value)}'", nearest(value, known))
            return None
        return value

    def _number(self, path: tuple, value: Any) -> float | None:
        written = quote(self.doc.texts.get(path, repr(value)), 40)
        if isinstance(value, bool) or value is None or not isinstance(value, (int, float)):
            hint = "write a number such as 0.5, -1 or 1e-3"
            if isinstance(value, str) and value.lower() in ("yes", "no", "on", "off", "y", "n"):
                hint += f" ('{written}' is a word in YAML 1.2, not a truth value or number)"
            what = "empty" if value is None else describe(value) if isinstance(value, bool) else f"'{written}'"
            self.fail(path, f"expected a number, got {what}", hint)
            return None
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if math.isnan(number):
            self.fail(path, f"'{written}' (not a number) is not allowed here", "write a finite number")
            return None
        if math.isinf(number):
            self.fail(path, f"'{written}' is not a finite float64 number", "write a number below 1.8e308 in size")
            return None
        return number

    # -- vectors and matrices -----------------------------------------------------------
    def _vector(self, path: tuple, value: Any, what: str) -> np.ndarray | None:
        if isinstance(value, dict):
            array = self._from_file(path, value)
            if array is None:
                return None
            if array.ndim == 2 and 1 in array.shape:
                array = array.reshape(-1)
            if array.ndim != 1:
                self.fail(path, f"{what} must be a vector, the file holds shape {array.shape}", "")
                return None
            return array
        if not isinstance(value, list):
            self.fail(path, f"{what} must be a list of numbers, not {describe(value)}", "write [0.1, 0.2, ...]")
            return None
        numbers = [self._number(path + (i,), v) for i, v in enumerate(value)]
        if any(n is None for n in numbers) or self._decimal_comma(path, len(value)):
            return None
        if not numbers:
            self.fail(path, f"{what} is an empty list", "write at least one number: [0.5]")
            return None
        if len(numbers) > MAX_NEURONS:
            self.fail(path, f"{what} has {len(numbers)} values", f"at most {MAX_NEURONS} neurons a layer")
            return None
        return np.array(numbers, dtype=np.float64)

    def _decimal_comma(self, path: tuple, count: int) -> bool:
        """Refuse `[0,35, 0.2]`: two whole numbers joined by a comma without a space, in a list
        written with spaces after its other commas or with decimals elsewhere, is a decimal comma
        read as two numbers (YAML's decimal mark is a point)."""
        texts = [self.doc.texts.get(path + (i,), "") for i in range(count)]
        places = [self.doc.locations.get(path + (i,)) for i in range(count)]
        joined = [i for i in range(count - 1) if places[i] and places[i + 1] and places[i][0] == places[i + 1][0]
                  and texts[i].lstrip("+-").isdigit() and texts[i + 1].isdigit()
                  and places[i + 1][1] == places[i][1] + len(texts[i]) + 1]
        if not joined:
            return False
        spaced = any(places[i] and places[i + 1] and places[i + 1][1] > places[i][1] + len(texts[i]) + 1
                     for i in range(count - 1))
        if not (spaced or any("." in t for t in texts)):
            return False  # [1,2,3] throughout: a style, not a mistake
        i = joined[0]
        self.fail(path + (i,), f"'{quote(texts[i])},{quote(texts[i + 1])}' reads as two numbers, {quote(texts[i])} "
                  f"and {quote(texts[i + 1])}: a decimal comma?",
                  f"write {quote(texts[i])}.{quote(texts[i + 1])} (a point marks decimals), and a comma and a space "
                  "between numbers: [0.35, 0.2]")
        return True

    def _matrix(self, path: tuple, value: Any, what: str, rows_of: str | None = None) -> np.ndarray | None:
        """A matrix of numbers; its rows are a layer's neurons (weights), or `rows_of` (a batch's
        samples, a sequence's time steps), which the hints name instead."""
        if isinstance(value, dict):
            array = self._from_file(path, value)
            if array is not None and array.ndim == 1:
                array = array.reshape(1, -1)
            if array is not None and array.ndim != 2:
                self.fail(path, f"{what} must be a matrix, the file holds shape {array.shape}", "")
                return None
            return array
        if not isinstance(value, list) or not value:
            self.fail(path, f"{what} is an empty list" if value == [] else
                      f"{what} must be a list of rows, not {describe(value)}",
                      f"write one row per {rows_of or 'neuron'}: [[0.1, 0.2], [0.3, 0.4]]")
            return None
        if len(value) > MAX_NEURONS:
            self.fail(path, f"{what} has {len(value)} rows", f"at most {MAX_NEURONS} neurons a layer")
            return None
        rows = []
        for i, row in enumerate(value):
            if not isinstance(row, list):
                self.fail(path + (i,), f"row {i + 1} of {what} must be a list of numbers, not {describe(row)}",
                          f"write each row as [0.1, 0.2, ...]: row {i + 1} holds {rows_of} {i + 1}'s values" if rows_of
                          else "write each row as [0.1, 0.2, ...]: row j holds the weights into neuron j")
                return None
            rows.append(self._vector(path + (i,), row, f"row {i + 1} of {what}"))
        if any(r is None for r in rows):
            return None
        widths = {len(r) for r in rows}
        if len(widths) > 1:
            first = len(rows[0])
            for i, r in enumerate(rows):
                if len(r) != first:
                    self.fail(path + (i,), f"row {i + 1} of {what} has {plural(len(r), 'number')}, row 1 has {first}",
                              f"every {rows_of} has the same number of values ({first})" if rows_of
                              else "every row needs one weight per neuron of the previous layer")
            return None
        return np.array(rows, dtype=np.float64)

    def _from_file(self, path: tuple, value: dict) -> np.ndarray | None:
        if set(value) != {"file"} or not isinstance(value.get("file"), str):
            key = next((p for p in reversed(path) if isinstance(p, str)), "weights")
            self.fail(path, f"'{key}' is a mapping: values from a file are written {{file: NAME.npy}}",
                      f"write a list of numbers, or `{key}: {{file: {key}.npy}}` (.npy or .csv, relative to the spec)")
            return None
        from .matrices import MatrixFileError, read_matrix  # only a spec with matrix files needs them

        name = value["file"]
        try:
            array = read_matrix(self.base_dir, name, self.confined)
        except MatrixFileError as exc:
            self.fail(path + ("file",), str(exc), exc.hint)
            return None
        self.matrix_files[path] = (name, array.shape)
        return array

