"""grading.key: answer keys as YAML, read back with PyYAML and compared with the true values."""
import math

import pytest
import yaml
from conftest import SPECS
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_cli.core.names import notation
from backprop_cli.grading.key import answer_key, default_quantities, expression_key, key_values, telling
from backprop_cli.grading.quantities import QuantityError
from backprop_cli.grading.rule import is_exact, rounds_to, same_value
from backprop_cli.spec.reader import load_spec
from backprop_cli.version import __version__


def test_default_quantities_use_the_course_names():
    result = load_spec(SPECS / "mazur-2-2-2.yaml").compute()
    quantities = default_quantities(result)
    assert quantities[:3] == ["loss", "dE_total/dw1", "dE_total/dw2"]
    assert quantities[-1] == "b2_new" and len(quantities) == 1 + 2 * 10


def test_key_values_are_the_true_values():
    spec = load_spec(SPECS / "mazur-2-2-2.yaml")
    result = spec.compute()
    course = notation("default", spec.network.names)
    rows = key_values(result, ["E_total", "dE_total/dw5", "w5_new", "out_o1"], course)
    assert [text for text, _ in rows] == ["E_total", "dE_total/dw5", "w5_new", "out_o1"]
    values = [v for _, v in rows]
    assert values[0] == result.loss and values[1] == result.gradient("w211")
    assert values[2] == result.updated("w211")
    assert math.isclose(values[3], 1 / (1 + math.exp(-float(result.z[2][0, 0]))), rel_tol=1e-12)
    with pytest.raises(QuantityError):
        key_values(result, ["w999"], course)


def test_answer_key_inline_network_reads_back():
    spec = load_spec(SPECS / "padhai-4-4-2.yaml")
    result = spec.compute()
    chosen = notation("default", spec.network.names)
    rows = key_values(result, ["loss", "dL/dw212", "w212_new", "a12"], chosen)
    text = answer_key(rows, 4, chosen, spec_text=spec.document.text)
    assert text.startswith(f"# answer key by backprop {__version__}: values rounded to 4 decimals\nnetwork:\n")
    data = yaml.safe_load(text)
    assert data["network"] == yaml.safe_load(spec.document.text)  # the spec, inline, as written
    for quantity, value in rows:  # at 4 decimals, or more where 4 could not tell it from a trivial value
        assert rounds_to(data["answers"][quantity], value, 0.5e-4)


def test_answer_key_by_path_notation_and_student():
    chosen = notation("padhai")
    text = answer_key([("loss", 0.123456789), ("h12", -0.00001234)], 2, chosen, spec_path="my net.yaml",
                      student="alice")
    assert text.splitlines()[1:] == ['spec: "my net.yaml"', "notation: padhai", "student: alice", "answers:",
                                     "  loss: 0.12",  # −0.00001234 at 2 decimals would read as 0
                                     "  h12: -0.00001  # 5 decimals: at 2 it reads as the trivial value 0"]


def test_telling_writes_more_digits_only_where_a_mistake_would_read_the_same():
    mistakes = {"g": [(-0.0620, "half of it")], "h": []}
    rows = telling([("g", -0.1240), ("h", 0.5)], 1, lambda text, _value: mistakes[text])
    # g at 1 decimal is -0.1, and so is half of it (-0.062): 2 decimals tell them apart
    assert rows == [("g", -0.1240, 2, "half of it"), ("h", 0.5, 1, "")]


def test_telling_counts_copies_of_the_keys_other_values():
    rows = telling([("a", 0.41), ("b", 0.44)], 1, lambda _t, _v: [])
    assert [r[2] for r in rows] == [2, 2] and rows[0][3] == "a copy of b"  # both read 0.4 at 1 decimal


def test_telling_counts_copies_only_of_the_values_a_row_reads():
    # b is computed from a, a from nothing: a at 1 decimal is right whatever b reads as; b may be a's copy
    rows = telling([("a", 0.41), ("b", 0.44)], 1, lambda _t, _v: [], reads={"a": set(), "b": {"a"}})
    assert rows == [("a", 0.41, 1, ""), ("b", 0.44, 2, "a copy of a")]


def test_a_keys_value_that_rounds_like_one_it_never_reads_keeps_the_digits_asked():
    # the softmax classifier's w222_new = 0.48136 and w234_new = 0.48090 both read 0.481, as do its
    # dL/dw111 = 0.13258 and w232_new = 0.13267: none reads the other, so 3 decimals say each rightly
    import backprop_cli as bp

    text = bp.key(bp.load_example("softmax-classifier"), decimals=3)
    lines = {line.split(":")[0].strip(): line for line in text.splitlines()}
    for q in ("w222_new", "w234_new", "dL/dw111", "w232_new"):
        assert "#" not in lines[q], lines[q]


@pytest.mark.slow
@settings(max_examples=50, deadline=None)
@given(st.floats(-1e3, 1e3, allow_nan=False), st.integers(0, 8), st.floats(-1e3, 1e3, allow_nan=False))
def test_a_key_value_always_reads_as_the_truth_and_never_as_the_mistake(value, decimals, mistake):
    (_, _, written, _), = telling([("q", value)], decimals, lambda _t, _v: [(mistake, "m")])
    shown = round(value, written)
    assert written >= decimals and rounds_to(shown, value, 0.5 * 10.0 ** -written)
    if written < 17 and not same_value(mistake, value) and not is_exact(shown, value):
        assert not rounds_to(shown, mistake, 0.5 * 10.0 ** -written)


def test_expression_key_reads_back():
    spec = load_spec(SPECS / "cs231n-circuit.yaml")
    text = expression_key(spec, spec.compute(), (), 3)
    data = yaml.safe_load(text)
    assert data["expression"] == "q = x + y\nf = q * z\n"
    assert data["at"] == {"x": -2.0, "y": 5.0, "z": -4.0}
    assert data["answers"] == {"q": 3.0, "f": -12.0, "df/dx": -4.0, "df/dy": -4.0, "df/dq": -4.0, "df/dz": 3.0}


def test_expression_key_escapes_unprintable_steps():
    from backprop_cli.spec.expression import expression_from_text

    spec = expression_from_text("h = x*2\nf = h + 1", {"x": 0.5})
    spec.text = "h = x*2\x0c\nf = h + 1"  # a form feed: not printable, escaped in a JSON-style string
    text = expression_key(spec, spec.compute(), ["f"], 2)
    assert 'expression: "h = x*2\\x0c\\nf = h + 1"' in text
    assert yaml.safe_load(text)["expression"] == "h = x*2\x0c\nf = h + 1"
    assert yaml.safe_load(text)["answers"] == {"f": 2.0}


@pytest.mark.parametrize("value", [-4.2e-18, 3.0e-25, 1.5e-17])
def test_a_value_no_17_decimals_can_tell_from_0_is_written_exactly(value):
    text = answer_key([("dL/dw111", value)], 4, notation("default"), spec_path="net.yaml")
    written = yaml.safe_load(text)["answers"]["dL/dw111"]
    assert written == value  # repr reads back as the very float: exact, so right by the rule


def test_significant_digits_asked_make_the_key_write_more_decimals():
    text = answer_key([("dL/dw111", 0.000438568)], 2, notation("default"), spec_path="net.yaml",
                      precision=("significant", 3))
    written = text.split("dL/dw111: ")[1].split()[0]
    assert written == "0.000439" and "at least 3 significant digits" in text
