"""spec.matrices: .npy and .csv matrices beside a spec, read safely and written back exactly."""
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from backprop_cli.spec.matrices import (
    MAX_NEURONS,
    MAX_PARAMETERS,
    MatrixFileError,
    _check_shape,
    read_matrix,
    write_matrix,
)


def refused(base, name, confined=False) -> MatrixFileError:
    with pytest.raises(MatrixFileError) as info:
        read_matrix(base, name, confined)
    return info.value


def test_csv_matrix_and_vector(tmp_path):
    (tmp_path / "w.csv").write_text("# weights\n1,2\n3,4.5\n")
    assert read_matrix(tmp_path, "w.csv").tolist() == [[1.0, 2.0], [3.0, 4.5]]
    (tmp_path / "b.CSV").write_bytes(b"\xef\xbb\xbf0.5,-1e-3\n")
    array = read_matrix(tmp_path, "b.CSV")
    assert array.dtype == np.float64 and array.tolist() == [0.5, -0.001]


def test_npy_any_numeric_dtype_becomes_float64(tmp_path):
    np.save(tmp_path / "i.npy", np.array([[1, 2]], dtype=np.int8))
    array = read_matrix(tmp_path, "i.npy")
    assert array.dtype == np.float64 and array.tolist() == [[1.0, 2.0]]
    np.save(tmp_path / "f.npy", np.asfortranarray(np.arange(6.0).reshape(2, 3)))
    assert read_matrix(tmp_path, "f.npy").tolist() == [[0, 1, 2], [3, 4, 5]]


def test_npy_version_2_header(tmp_path):
    with open(tmp_path / "v2.npy", "wb") as handle:
        np.lib.format.write_array(handle, np.array([1.5, 2.5]), version=(2, 0))
    assert read_matrix(tmp_path, "v2.npy").tolist() == [1.5, 2.5]


@pytest.mark.parametrize("name, content, message, hint", [
    ("w.txt", b"1", "cannot read 'w.txt': only .npy and .csv files hold matrices",
     "save it with numpy.save(...) or as comma-separated numbers"),
    ("e.csv", b"", "'e.csv' holds shape (0,)", "an array of at most 4 axes"),
    ("n.csv", b"1,nan\n", "'n.csv' holds nan or inf", "every value must be a finite number"),
    ("t.csv", b"1,x\n", "cannot read 't.csv': could not convert string 'x' to float64 at row 0, column 2.",
     "a .npy file from numpy.save, or a .csv of numbers separated by commas"),
    ("b.csv", b"\xff\xfe", "'b.csv' is not text", "a .csv of numbers separated by commas"),
    ("p.npy", b"not npy", "'p.npy' is not a .npy file (it does not start like one)",
     "write it with numpy.save(path, array), or use a .csv of numbers"),
    ("h.npy", b"\x93NUMPY\x01\x00\x10\x00{'descr': 1}    \n", None, None),
])
def test_refused_files(tmp_path, name, content, message, hint):
    (tmp_path / name).write_bytes(content)
    exc = refused(tmp_path, name)
    if message is None:
        assert str(exc).startswith("cannot read 'h.npy': ")
    else:
        assert str(exc) == message and exc.hint == hint


def test_npy_objects_are_never_unpickled(tmp_path):
    np.save(tmp_path / "o.npy", np.array([1, "a"], dtype=object), allow_pickle=True)
    exc = refused(tmp_path, "o.npy")
    assert str(exc) == "'o.npy' holds Python objects, not numbers (loading them could run code)"


def test_npy_non_numbers(tmp_path):
    np.save(tmp_path / "c.npy", np.array([1 + 2j]))
    assert str(refused(tmp_path, "c.npy")) == "'c.npy' holds complex128 values, not real numbers"
    np.save(tmp_path / "s.npy", np.array(["a"]))
    assert str(refused(tmp_path, "s.npy")) == "'s.npy' holds <U1 values, not real numbers"
    np.save(tmp_path / "inf.npy", np.array([1.0, np.inf]))
    assert str(refused(tmp_path, "inf.npy")) == "'inf.npy' holds nan or inf"


def test_npy_shapes(tmp_path):
    # up to 4 axes (a conv2d layer's kernels, a batch of images); each spec reader asks its own number
    np.save(tmp_path / "four.npy", np.zeros((2, 1, 3, 3)))
    assert read_matrix(tmp_path, "four.npy").shape == (2, 1, 3, 3)
    np.save(tmp_path / "five.npy", np.zeros((2, 2, 2, 2, 2)))
    exc = refused(tmp_path, "five.npy")
    assert str(exc) == "'five.npy' holds shape (2, 2, 2, 2, 2)"
    assert exc.hint == f"an array of at most 4 axes, {MAX_NEURONS} rows and {MAX_PARAMETERS:,} values"
    np.save(tmp_path / "z.npy", np.zeros((0,)))
    assert str(refused(tmp_path, "z.npy")) == "'z.npy' holds shape (0,)"


def test_npy_truncated_and_lying_header(tmp_path):
    np.save(tmp_path / "i.npy", np.arange(4.0))
    raw = (tmp_path / "i.npy").read_bytes()
    (tmp_path / "short.npy").write_bytes(raw[:-1])
    assert str(refused(tmp_path, "short.npy")) == "cannot read 'short.npy': the file is shorter than its header says"
    # a header claiming a huge shape is refused before anything is allocated
    header = raw[: raw.index(b"\n") + 1].replace(b"(4,)", b"(10**12,)".replace(b"10**12", b"9" * 12))
    (tmp_path / "huge.npy").write_bytes(header[:8] + len(header[10:]).to_bytes(2, "little") + header[10:])
    assert str(refused(tmp_path, "huge.npy")).startswith("'huge.npy' holds shape (999999999999,)")


def test_check_shape():
    _check_shape("x", (MAX_NEURONS, 1))
    _check_shape("x", ())
    _check_shape("x", (2, 2, 2, 2))
    for shape in [(MAX_NEURONS + 1, 1), (2, 2, 2, 2, 2), (2000, 2001)]:
        with pytest.raises(MatrixFileError):
            _check_shape("x", shape)
    with pytest.raises(MatrixFileError, match=r"holds shape \(1, 10000000\)"):
        _check_shape("x", (1, 10_000_000))


def test_missing_folder_fifo_and_confinement(tmp_path):
    exc = refused(tmp_path, "missing.npy")
    assert str(exc) == f"no such file 'missing.npy' (looked in {tmp_path})"
    assert exc.hint == "the path is relative to the spec file"
    (tmp_path / "dir.npy").mkdir()
    assert str(refused(tmp_path, "dir.npy")) == "cannot read 'dir.npy': this is a folder, not a file"
    os.mkfifo(tmp_path / "pipe.csv")
    exc = refused(tmp_path, "pipe.csv")
    assert str(exc) == "cannot read 'pipe.csv': this is not a regular file (a pipe, socket or device)"
    assert exc.hint == "name a plain file"
    inner = tmp_path / "inner"
    inner.mkdir()
    np.save(tmp_path / "out.npy", np.ones(2))
    assert read_matrix(inner, "../out.npy").tolist() == [1.0, 1.0]
    assert "outside the folder" in str(refused(inner, "../out.npy", confined=True))
    assert str(refused(inner, "/etc/x.npy", confined=True)) == \
        "cannot read '/etc/x.npy': an absolute path is not allowed here"


def test_hostile_name_is_quoted(tmp_path):
    exc = refused(tmp_path, "a\x1b[31m" + "x" * 100 + ".csv")
    assert "\x1b" not in str(exc) and "\\x1b" in str(exc) and "…" in str(exc)


finite = st.floats(-1e300, 1e300, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 4)), elements=finite),
       st.sampled_from([".npy", ".csv"]))
@pytest.mark.slow
def test_write_then_read_is_exact(tmp_path_factory, array, suffix):
    folder = tmp_path_factory.mktemp("m")
    write_matrix(folder / f"w{suffix}", array)
    back = read_matrix(folder, f"w{suffix}")
    if suffix == ".npy" or min(array.shape) > 1:
        assert back.shape == array.shape
    else:  # a .csv of one row or one column reads as a vector (the spec reader knows which it is)
        assert back.shape == (array.size,)
    assert np.array_equal(back.ravel(), array.ravel())


def test_write_vector_csv_is_one_per_line(tmp_path):
    write_matrix(tmp_path / "b.csv", np.array([0.1, -2.0]))
    assert (tmp_path / "b.csv").read_text() == "0.1\n-2.0\n"  # exact(): the shortest repr
    assert read_matrix(tmp_path, "b.csv").tolist() == [0.1, -2.0]
