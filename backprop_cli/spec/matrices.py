"""Matrices in files beside a spec (`weights: {file: w1.npy}`): .npy read without unpickling,
.csv as comma-separated numbers; and written back exactly."""
from __future__ import annotations

import io
import os
import warnings
from typing import TYPE_CHECKING

import numpy as np

from ..core.numbers import exact
from ..errors import quote
from .access import Unreadable, locate, read_limited
from .yamlsafe import MAX_NEURONS, MAX_PARAMETERS

if TYPE_CHECKING:
    from pathlib import Path

MAX_NPY_BYTES = 64 << 20
MAX_CSV_BYTES = 8 << 20  # parsing text is slower than reading .npy: about the same time for each
SUFFIXES = (".npy", ".csv")
MAX_AXES = 4  # a conv2d layer's kernels [out][in][rows][cols], a batch of images; each reader asks its own
_READ_HINT = "a .npy file from numpy.save, or a .csv of numbers separated by commas"


class MatrixFileError(Exception):
    """A matrix file that cannot be used: the message and a hint on what to write instead."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _check_shape(name: str, shape: tuple) -> None:
    values = int(np.prod(shape, dtype=object)) if shape else 1
    if len(shape) > MAX_AXES or values > MAX_PARAMETERS or any(n > MAX_NEURONS for n in shape[:1]):
        raise MatrixFileError(f"'{name}' holds shape {shape}",
                              f"an array of at most {MAX_AXES} axes, {MAX_NEURONS} rows and {MAX_PARAMETERS:,} values")


def _read_npy(name: str, raw: bytes) -> np.ndarray:
    """A .npy file's array, its header checked before any data is allocated; never unpickled."""
    if not raw.startswith(b"\x93NUMPY"):
        raise MatrixFileError(f"'{name}' is not a .npy file (it does not start like one)",
                              "write it with numpy.save(path, array), or use a .csv of numbers")
    stream = io.BytesIO(raw)
    try:
        version = np.lib.format.read_magic(stream)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read_header(stream)
    except (ValueError, TypeError, SyntaxError, OverflowError, MemoryError) as exc:
        raise MatrixFileError(f"cannot read '{name}': {quote(_first_line(exc))}", _READ_HINT) from None
    if not (isinstance(shape, tuple) and all(type(n) is int and n >= 0 for n in shape)):
        raise MatrixFileError(f"cannot read '{name}': its header's shape is not a list of sizes", _READ_HINT)
    if dtype.hasobject:
        raise MatrixFileError(f"'{name}' holds Python objects, not numbers (loading them could run code)",
                              "save plain numbers: numpy.save(path, array.astype(float))")
    _check_shape(name, shape)
    count = int(np.prod(shape)) if shape else 1
    if len(raw) - stream.tell() < count * dtype.itemsize:
        raise MatrixFileError(f"cannot read '{name}': the file is shorter than its header says", _READ_HINT)
    array = np.frombuffer(raw, dtype=dtype, count=count, offset=stream.tell())
    return array.reshape(shape, order="F" if fortran else "C")


def read_matrix(base_dir: str | Path, name: str, confined: bool = False) -> np.ndarray:
    """The finite float64 vector or matrix in file `name` (relative to `base_dir`; when `confined`,
    inside it)."""
    from pathlib import Path  # only a spec with matrix files gets here

    base_dir = Path(base_dir)
    shown = quote(name)  # as messages show it
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in SUFFIXES:
        raise MatrixFileError(f"cannot read '{shown}': only .npy and .csv files hold matrices",
                              "save it with numpy.save(...) or as comma-separated numbers")
    try:
        raw = read_limited(locate(base_dir, name, confined), MAX_NPY_BYTES if suffix == ".npy" else MAX_CSV_BYTES)
    except Unreadable as exc:
        if str(exc) == "no such file":
            raise MatrixFileError(f"no such file '{shown}' (looked in {base_dir})",
                                  "the path is relative to the spec file") from None
        raise MatrixFileError(f"cannot read '{shown}': {exc}", exc.hint or _READ_HINT) from None
    if suffix == ".npy":
        array = _read_npy(shown, raw)
    else:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # an empty file: reported below, not as a warning
                array = np.loadtxt(io.StringIO(raw.decode("utf-8-sig")), delimiter=",", dtype=np.float64,
                                   ndmin=1, comments="#")
        except UnicodeDecodeError:
            raise MatrixFileError(f"'{shown}' is not text", "a .csv of numbers separated by commas") from None
        except ValueError as exc:
            raise MatrixFileError(f"cannot read '{shown}': {quote(_first_line(exc))}", _READ_HINT) from None
        _check_shape(shown, array.shape)
    if not np.issubdtype(array.dtype, np.number) or np.iscomplexobj(array):
        raise MatrixFileError(f"'{shown}' holds {array.dtype} values, not real numbers")
    with np.errstate(over="ignore", invalid="ignore"):
        array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise MatrixFileError(f"'{shown}' holds nan or inf", "every value must be a finite number")
    if array.size == 0 or array.ndim > MAX_AXES:
        raise MatrixFileError(f"'{shown}' holds shape {array.shape}", f"an array of at most {MAX_AXES} axes")
    return array


def write_matrix(path: Path, array: np.ndarray) -> None:
    """Write a matrix as .npy (numpy.save) or .csv (one row per line), atomically and exactly."""
    from ..files import write_atomic  # only `step` and `train -o` write; loading a spec never does

    if path.suffix.lower() == ".npy":
        buffer = io.BytesIO()
        np.save(buffer, array)
        write_atomic(path, buffer.getvalue())
    else:
        rows = array.reshape(-1, 1) if array.ndim == 1 else array
        write_atomic(path, "\n".join(",".join(exact(v) for v in row) for row in rows) + "\n")
