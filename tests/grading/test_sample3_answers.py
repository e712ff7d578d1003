"""grading.answers, survivors of mutation sample 3: the bounds of `precision:` (0 decimals up to the
15 a float64 holds) and where a non-mapping `answers:` is reported."""
import sys

from backprop_cli.grading.answers import read_precision
from backprop_cli.spec.yamlsafe import parse

from .test_answers_mutants import refusal


def precision(text: str):
    doc = parse(text, "a.yaml")
    problems = []
    return read_precision(doc, doc.data, problems), [p.message for p in problems]


def test_zero_decimals_is_a_precision_one_may_ask_for():
    """`precision: {decimals: 0}` (answers in whole numbers) is valid; 0 significant digits is not."""
    assert precision("precision: {decimals: 0}\n") == (("decimals", 0), [])
    got, said = precision("precision: {significant: 0}\n")
    assert got is None and said == ["`significant:` is a whole number from 1 to 15"]


def test_a_precision_may_ask_for_no_more_digits_than_a_float64_holds():
    """The most a precision asks is float64's decimal digits (sys.float_info.dig, 15): one more is refused."""
    digits = sys.float_info.dig
    assert precision(f"precision: {{decimals: {digits}}}\n") == (("decimals", digits), [])
    assert precision(f"precision: {{significant: {digits}}}\n") == (("significant", digits), [])
    got, said = precision(f"precision: {{decimals: {digits + 1}}}\n")
    assert got is None and said == [f"`decimals:` is a whole number from 0 to {digits}"]


def test_an_answers_key_that_is_no_mapping_is_reported_at_its_value(tmp_path):
    """`answers: 3` is refused where it is written (line 2, at the value), not at the top of the file."""
    error = refusal(tmp_path, "spec: net.yaml\nanswers: 3\n")
    assert [(p.line, p.column, p.message) for p in error.problems] == [
        (2, 10, "`answers:` must map quantities to numbers")]
