"""spec.values: ValueReader's numbers, vectors, matrices, files, texts and choices, with located problems."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_cli.spec.values import ValueReader
from backprop_cli.spec.yamlsafe import parse


def reader(text: str, base=None, confined=False) -> ValueReader:
    return ValueReader(parse(text, "v.yaml"), base, confined)


def messages(r: ValueReader) -> list[str]:
    return [str(p) for p in r.problems]


@pytest.mark.parametrize("written, value", [("0.5", 0.5), ("-1", -1.0), ("1e-3", 1e-3), ("010", 10.0),
                                            ("0x10", 16.0), ("1.7976931348623157e308", 1.7976931348623157e308)])
def test_number_accepts(written, value):
    r = reader(f"x: {written}\n")
    assert r._number(("x",), r.doc.data["x"]) == value and r.problems == []


@pytest.mark.parametrize("written, message", [
    ("yes", "v.yaml:1:4: expected a number, got 'yes'\n  hint: write a number such as 0.5, -1 or 1e-3 "
            "('yes' is a word in YAML 1.2, not a truth value or number)"),
    ("abc", "v.yaml:1:4: expected a number, got 'abc'\n  hint: write a number such as 0.5, -1 or 1e-3"),
    ("", "v.yaml:1:3: expected a number, got empty\n  hint: write a number such as 0.5, -1 or 1e-3"),
    ("true", "v.yaml:1:4: expected a number, got the truth value true\n  hint: write a number such as 0.5, -1 or 1e-3"),
    ("'1'", "v.yaml:1:4: expected a number, got '1'\n  hint: write a number such as 0.5, -1 or 1e-3"),
    (".nan", "v.yaml:1:4: '.nan' (not a number) is not allowed here\n  hint: write a finite number"),
    ("1e999", "v.yaml:1:4: '1e999' is not a finite float64 number\n  hint: write a number below 1.8e308 in size"),
    ("-.inf", "v.yaml:1:4: '-.inf' is not a finite float64 number\n  hint: write a number below 1.8e308 in size"),
    ("9" * 10_000, "v.yaml:1:4: '" + "9" * 39 + "…' is not a finite float64 number\n"
                   "  hint: write a number below 1.8e308 in size"),
])
def test_number_refuses(written, message):
    r = reader(f"x: {written}\n")
    assert r._number(("x",), r.doc.data["x"]) is None
    assert messages(r) == [message]


def test_number_overflowing_int_from_python():
    r = reader("x: 1\n")
    assert r._number(("x",), 10 ** 400) is None
    assert "is not a finite float64 number" in messages(r)[0]


@settings(max_examples=50, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_number_round_trips_any_finite_float(x):
    r = reader(f"x: {x!r}\n")
    assert r._number(("x",), r.doc.data["x"]) == x


def test_vector():
    r = reader("x: [1, 2.5, -3]\n")
    vector = r._vector(("x",), r.doc.data["x"], "'x'")
    assert vector.dtype == np.float64 and vector.tolist() == [1.0, 2.5, -3.0] and r.problems == []


@pytest.mark.parametrize("text, message", [
    ("x: []\n", "v.yaml:1:4: 'x' is an empty list\n  hint: write at least one number: [0.5]"),
    ("x: 3\n", "v.yaml:1:4: 'x' must be a list of numbers, not the number 3\n  hint: write [0.1, 0.2, ...]"),
    ("x: [1, b]\n", "v.yaml:1:8: expected a number, got 'b'\n  hint: write a number such as 0.5, -1 or 1e-3"),
    ("x: [0,35, 0.2]\n", "v.yaml:1:5: '0,35' reads as two numbers, 0 and 35: a decimal comma?\n  hint: write 0.35 "
                         "(a point marks decimals), and a comma and a space between numbers: [0.35, 0.2]"),
    ("x: [0.1, 0,5]\n", "v.yaml:1:10: '0,5' reads as two numbers, 0 and 5: a decimal comma?"),
    ("x: {fil: a.npy}\n", "v.yaml:1:4: 'x' is a mapping: values from a file are written {file: NAME.npy}\n"
                          "  hint: write a list of numbers, or `x: {file: x.npy}` (.npy or .csv, "
                          "relative to the spec)"),
])
def test_vector_refuses(text, message):
    r = reader(text)
    assert r._vector(("x",), r.doc.data["x"], "'x'") is None
    assert messages(r)[0].startswith(message)


@pytest.mark.parametrize("text", ["x: [1,2,3]\n", "x: [1, 2, 3]\n", "x: [-1,2]\n", "x:\n  - 1\n  - 2\n"])
def test_no_decimal_comma_in_a_consistent_style(text):
    r = reader(text)
    assert r._vector(("x",), r.doc.data["x"], "'x'") is not None and r.problems == []


@pytest.mark.slow
def test_vector_too_long():
    from backprop_cli.spec.yamlsafe import MAX_NEURONS

    r = reader("x: [" + ", ".join(["1"] * 10) + "]\n")
    assert r._vector(("x",), [1.0] * (MAX_NEURONS + 1), "'x'") is None
    assert messages(r) == [f"v.yaml:1:4: 'x' has {MAX_NEURONS + 1} values\n"
                           f"  hint: at most {MAX_NEURONS} neurons a layer"]


def test_matrix():
    r = reader("W: [[1, 2], [3, 4]]\n")
    assert r._matrix(("W",), r.doc.data["W"], "W").tolist() == [[1, 2], [3, 4]]


@pytest.mark.parametrize("text, message", [
    ("W: [[1, 2], [3]]\n", "v.yaml:1:13: row 2 of W has 1 number, row 1 has 2\n"
                           "  hint: every row needs one weight per neuron of the previous layer"),
    ("W: [1]\n", "v.yaml:1:5: row 1 of W must be a list of numbers, not the number 1\n"
                 "  hint: write each row as [0.1, 0.2, ...]: row j holds the weights into neuron j"),
    ("W: 2\n", "v.yaml:1:4: W must be a list of rows, not the number 2\n"
               "  hint: write one row per neuron: [[0.1, 0.2], [0.3, 0.4]]"),
    ("W: [[1, x]]\n", "v.yaml:1:9: expected a number, got 'x'"),
])
def test_matrix_refuses(text, message):
    r = reader(text)
    assert r._matrix(("W",), r.doc.data["W"], "W") is None
    assert messages(r)[0].startswith(message)


def test_empty_matrix_says_empty():
    r = reader("W: []\n")
    assert r._matrix(("W",), r.doc.data["W"], "W") is None
    assert "empty" in messages(r)[0]


def test_matrix_and_vector_from_files(tmp_path):
    (tmp_path / "w.csv").write_text("1,2\n3,4\n")
    np.save(tmp_path / "row.npy", np.array([[5.0, 6.0]]))
    np.save(tmp_path / "v.npy", np.array([7.0, 8.0]))
    np.save(tmp_path / "m.npy", np.ones((2, 2)))
    r = reader("W: {file: w.csv}\nb: {file: row.npy}\nv: {file: v.npy}\nm: {file: m.npy}\n", tmp_path)
    assert r._matrix(("W",), r.doc.data["W"], "W").tolist() == [[1, 2], [3, 4]]
    assert r._vector(("b",), r.doc.data["b"], "b").tolist() == [5, 6]  # one row is a vector
    assert r._matrix(("v",), r.doc.data["v"], "v").tolist() == [[7, 8]]  # a vector is one row
    assert r._vector(("m",), r.doc.data["m"], "the biases") is None
    assert messages(r) == ["v.yaml:4:4: the biases must be a vector, the file holds shape (2, 2)"]
    assert r.matrix_files == {("W",): ("w.csv", (2, 2)), ("b",): ("row.npy", (1, 2)), ("v",): ("v.npy", (2,)),
                              ("m",): ("m.npy", (2, 2))}


def test_file_problems_are_located_at_the_file_name(tmp_path):
    r = reader("W: {file: nope.csv}\nV: {file: 3}\n", tmp_path)
    assert r._matrix(("W",), r.doc.data["W"], "W") is None
    assert r._matrix(("V",), r.doc.data["V"], "V") is None
    assert messages(r) == [f"v.yaml:1:11: no such file 'nope.csv' (looked in {tmp_path})\n"
                           "  hint: the path is relative to the spec file",
                           "v.yaml:2:4: 'V' is a mapping: values from a file are written {file: NAME.npy}\n"
                           "  hint: write a list of numbers, or `V: {file: V.npy}` (.npy or .csv, "
                           "relative to the spec)"]


def test_text():
    r = reader("name: 1.50\nd: ~\nbad: [1]\nflag: true\n")
    assert r._text(r.doc.data, "name") == "1.50"  # as written, not 1.5
    assert r._text(r.doc.data, "d") == "" and r._text(r.doc.data, "missing") == ""
    assert r._text(r.doc.data, "bad") == "" and r._text(r.doc.data, "flag") == ""
    assert messages(r) == ["v.yaml:3:6: 'bad' must be text, not a list\n  hint: write bad: some words",
                           "v.yaml:4:7: 'flag' must be text, not the truth value true\n  hint: write flag: some words"]


def test_choice():
    known = {"mse": 1, "none": 2}
    r = reader("loss: msee\nother: 3\n")
    assert r._choice({"loss": "mse"}, "loss", known) == "mse"
    assert r._choice(r.doc.data, "loss", known) is None
    assert r._choice(r.doc.data, "other", known) is None
    assert r._choice(r.doc.data, "missing", known) is None
    assert messages(r) == ["v.yaml:1:7: unknown loss 'msee'\n  hint: did you mean 'mse'?",
                           "v.yaml:2:8: 'other' must be a name, not the number 3\n  hint: known: mse, none",
                           "v.yaml:1:1: 'missing' is missing\n  hint: add `missing: mse` (known: mse, none)"]


def test_missing_is_silent_after_a_typo():
    r = reader("lose: mse\n")
    r._unknown_keys(r.doc.data, (), ("loss", "input"))
    r.missing((), "loss", "'loss' is missing", "add it")
    r.missing((), "input", "'input' is missing", "add it")
    assert messages(r) == ["v.yaml:1:1: unknown key 'lose'\n  hint: did you mean 'loss'?",
                           "v.yaml:1:1: 'input' is missing\n  hint: add it"]


def test_fail_at_key():
    r = reader("a:\n  b: 1\n")
    r.fail(("a", "b"), "m", at_key=True)
    r.fail(("a", "b"), "m")
    assert messages(r) == ["v.yaml:2:3: m", "v.yaml:2:6: m"]
