"""Matrices in files beside a spec (`weights: {file: w1.npy}`): .npy read without unpickling,
.csv as comma-separated numbers; and written back exactly."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from ..core.numbers import exact
from ..errors import quote

MAX_NEURONS = 100_000
MAX_PARAMETERS = 50_000_000
MAX_MATRIX_FILE_BYTES = 1 << 30
SUFFIXES = (".npy", ".csv")
_READ_HINT = "a .npy file from numpy.save, or a .csv of numbers separated by commas"


class MatrixFileError(Exception):
    """A matrix file that cannot be used: the message and a hint on what to write instead."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def read_matrix(base_dir: Path, name: str) -> np.ndarray:
    """The finite float64 vector or matrix in file `name` (relative to `base_dir`)."""
    file = base_dir / name
    name = quote(name)  # as messages show it
    suffix = file.suffix.lower()
    if suffix not in SUFFIXES:
        raise MatrixFileError(f"cannot read '{name}': only .npy and .csv files hold matrices",
                              "save it with numpy.save(...) or as comma-separated numbers")
    try:
        size = file.stat().st_size
        if size > MAX_MATRIX_FILE_BYTES:
            raise MatrixFileError(f"'{name}' is too large ({size} bytes)", "at most 1 GiB")
        if suffix == ".npy":
            with open(file, "rb") as handle:
                if handle.read(6) != b"\x93NUMPY":
                    raise MatrixFileError(f"'{name}' is not a .npy file (it does not start like one)",
                                          "write it with numpy.save(path, array), or use a .csv of numbers")
            header = np.load(file, allow_pickle=False, mmap_mode="r")  # reads the header only
            if header.size > MAX_PARAMETERS or any(n > MAX_NEURONS for n in header.shape[:1]):
                raise MatrixFileError(f"'{name}' holds shape {header.shape}",
                                      f"at most {MAX_NEURONS} rows and {MAX_PARAMETERS} values")
            array = np.array(header)
        else:
            array = np.loadtxt(file, delimiter=",", dtype=np.float64, ndmin=1, comments="#")
    except FileNotFoundError:
        raise MatrixFileError(f"no such file '{name}' (looked in {base_dir})",
                              "the path is relative to the spec file") from None
    except ValueError as exc:
        if "Python objects" in str(exc) or "pickle" in str(exc):
            raise MatrixFileError(f"'{name}' holds Python objects, not numbers (loading them could run code)",
                                  "save plain numbers: numpy.save(path, array.astype(float))") from None
        raise MatrixFileError(f"cannot read '{name}': {_first_line(exc)}", _READ_HINT) from None
    except (OSError, EOFError) as exc:
        raise MatrixFileError(f"cannot read '{name}': {_first_line(exc)}", _READ_HINT) from None
    if not np.issubdtype(array.dtype, np.number) or np.iscomplexobj(array):
        raise MatrixFileError(f"'{name}' holds {array.dtype} values, not real numbers")
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise MatrixFileError(f"'{name}' holds nan or inf", "every value must be a finite number")
    if array.size == 0 or array.ndim > 2:
        raise MatrixFileError(f"'{name}' holds shape {array.shape}", "a vector or a matrix")
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
