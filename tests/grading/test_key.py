"""grading.key: answer keys as YAML, read back with PyYAML and compared with the true values."""
import math

import pytest
import yaml
from conftest import SPECS
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_cli.core.names import notation
from backprop_cli.grading.key import answer_key, default_quantities, expression_key, judgeable_decimals, key_values
from backprop_cli.grading.quantities import QuantityError
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
    for quantity, value in rows:
        assert data["answers"][quantity] == round(value, judgeable_decimals(value, 4))


def test_answer_key_by_path_notation_and_student():
    chosen = notation("padhai")
    text = answer_key([("loss", 0.123456789), ("h12", -0.00001234)], 2, chosen, spec_path="my net.yaml",
                      student="alice")
    assert text.splitlines()[1:] == ['spec: "my net.yaml"', "notation: padhai", "student: alice", "answers:",
                                     "  loss: 0.12", "  h12: 0.0000"]  # never -0


@pytest.mark.parametrize("value, decimals, expected", [
    (0.5, 4, 4), (0.5, 1, 2), (0.01234, 2, 3), (1e-9, 0, 4), (0.0, 0, 0), (123.0, 0, 0), (-0.5, 1, 2), (0.5, 6, 6),
])
def test_judgeable_decimals(value, decimals, expected):
    assert judgeable_decimals(value, decimals) == expected


@settings(max_examples=50, deadline=None)
@given(st.floats(-1e6, 1e6, allow_nan=False), st.integers(0, 8))
def test_judgeable_decimals_property(value, decimals):
    got = judgeable_decimals(value, decimals)
    assert got >= decimals and (got == decimals or got <= 4)
    if got < 4 and value != 0:
        assert 0.5 * 10.0 ** -got <= 0.05 * abs(value)


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
