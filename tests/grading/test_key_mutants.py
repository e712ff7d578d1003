"""grading.key, the cases the mutation run found untested: an expression key's header line, its
quantities written as quoted strings, and a step that is neither printable nor ASCII escaped to
ASCII."""
import yaml

from backprop_cli.grading.key import expression_key
from backprop_cli.spec.expression import expression_from_text
from backprop_cli.version import __version__


def test_an_expression_key_starts_with_its_header_and_quotes_its_quantities():
    spec = expression_from_text("h = x*2\nf = h + 1", {"x": 0.5})
    text = expression_key(spec, spec.compute(), ["h", "df/dx"], 2)
    lines = text.splitlines()
    assert lines[0] == f"# answer key by backprop {__version__}: values rounded to 2 decimals"
    assert lines[1:4] == ["expression: |", "  h = x*2", "  f = h + 1"]
    # h = 2·0.5 = 1; df/dx = 2; the keys written as double-quoted strings
    assert lines[-2:] == ['  "h": 1.00', '  "df/dx": 2.00']
    assert yaml.safe_load(text)["answers"] == {"h": 1.0, "df/dx": 2.0}


def test_an_unprintable_step_is_written_in_ascii_alone():
    spec = expression_from_text("h = x*2\nf = h + 1", {"x": 0.5})
    spec.text = "h = x*2 \u00b7\x0c\nf = h + 1"  # a middle dot (not ASCII) and a form feed (not printable)
    text = expression_key(spec, spec.compute(), ["f"], 2)
    assert text.isascii()
    assert 'expression: "h = x*2 \\xb7\\x0c\\nf = h + 1"' in text
    assert yaml.safe_load(text)["expression"] == "h = x*2 \u00b7\x0c\nf = h + 1"


def test_an_inline_spec_keeps_its_blank_lines_blank():
    from backprop_cli.core.names import notation
    from backprop_cli.grading.key import answer_key

    spec_text = "input: [1.0]\n\ntarget: [0.5]\n"
    text = answer_key([("loss", 0.125)], 3, notation("default"), spec_text=spec_text)
    assert text.splitlines()[1:6] == ["network:", "  input: [1.0]", "", "  target: [0.5]", "answers:"]
    assert yaml.safe_load(text)["network"] == {"input": [1.0], "target": [0.5]}


def test_a_key_is_written_with_at_least_the_decimals_an_assignment_asks():
    from backprop_cli.core.names import notation
    from backprop_cli.grading.key import answer_key

    rows = [("loss", 0.123456789)]
    asked = answer_key(rows, 2, notation("default"), spec_path="net.yaml", precision=("decimals", 4))
    assert "values rounded to 4 decimals" in asked.splitlines()[0] and "  loss: 0.1235" in asked.splitlines()
    # significant digits asked: the decimals stay as given, the header says both
    sig = answer_key(rows, 2, notation("default"), spec_path="net.yaml", precision=("significant", 3))
    assert sig.splitlines()[0].endswith("values rounded to 2 decimals (at least 3 significant digits)")
    assert "  loss: 0.123" in sig.splitlines()
