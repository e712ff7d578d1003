"""grading.answers: answers files read with located problems, tolerances, decimals written, the cache."""
from collections import OrderedDict
from pathlib import Path

import pytest
from conftest import SPECS
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_cli.errors import SpecError
from backprop_cli.grading.answers import (
    CACHED_SPECS,
    AnswersReader,
    Tolerance,
    decimals_written,
    read_answers_text,
    read_tolerance,
    remember,
)
from backprop_cli.spec.yamlsafe import parse


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "net.yaml").write_text((SPECS / "mazur-2-2-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def read(folder, text, name="answers.yaml"):
    (folder / name).write_text(text, encoding="utf-8")
    return AnswersReader().read(str(folder / name))


def refusal(folder, text) -> str:
    with pytest.raises(SpecError) as info:
        read(folder, text)
    return str(info.value)


@pytest.mark.parametrize("text, decimals", [
    ("0.130", 3), ("-1.3e-2", 3), ("5", 0), ("1.5E+2", 0), ("1e-5", 5), ("", 0), (".5", 1),
    ("1ex", None),
])
def test_decimals_written(text, decimals):
    assert decimals_written(text) == decimals


def test_tolerance_default_rule_is_half_a_unit_written():
    rule = Tolerance()
    assert rule.allows(0.13, 0.1304, 2) and not rule.allows(0.13, 0.1351, 2)
    assert rule.allows(0.125, 0.1300, 2)  # exactly half a unit
    assert rule.allows(5, 5.4, 0) and not rule.allows(5, 5.6, None)


def test_tolerance_abs_and_rel():
    assert Tolerance(absolute=0.01).allows(1.0, 1.01, 9) and not Tolerance(absolute=0.01).allows(1.0, 1.011, 0)
    assert Tolerance(relative=0.1).allows(90, 100, 0) and not Tolerance(relative=0.1).allows(89, 100, 0)
    both = Tolerance(absolute=0.5, relative=0.01)  # the larger bound
    assert both.allows(10.4, 10, 0) and both.allows(1005, 1000, 0) and not both.allows(1011, 1000, 0)


@pytest.mark.slow
@settings(max_examples=50, deadline=None)
@given(st.floats(-100, 100), st.integers(0, 6))
def test_a_value_rounded_as_written_is_allowed(value, decimals):
    written = f"{value:.{decimals}f}"
    assert Tolerance().allows(float(written), value, decimals_written(written))


@pytest.mark.parametrize("text, tolerance, problem", [
    ("tolerance: {abs: 0.1}\n", Tolerance(0.1, None), None),
    ("tolerance: {rel: 0.01, abs: 0}\n", Tolerance(0.0, 0.01), None),
    ("a: 1\n", Tolerance(), None),
    ("tolerance: 0.1\n", Tolerance(), "t.yaml:1:12: a tolerance is {abs: NUMBER} or {rel: NUMBER}\n"
                                      "  hint: write `tolerance: {abs: 0.005}` or `tolerance: {rel: 0.01}`"),
    ("tolerance: {}\n", Tolerance(), "t.yaml:1:12: a tolerance is {abs: NUMBER} or {rel: NUMBER}"),
    ("tolerance: {abs: 1, x: 2}\n", Tolerance(), "t.yaml:1:12: a tolerance is {abs: NUMBER} or {rel: NUMBER}"),
    ("tolerance: {abs: -1}\n", Tolerance(), "t.yaml:1:18: the abs tolerance must be a number ≥ 0"),
    ("tolerance: {rel: .nan}\n", Tolerance(), "t.yaml:1:18: the rel tolerance must be a number ≥ 0"),
])
def test_read_tolerance(text, tolerance, problem):
    doc = parse(text, "t.yaml")
    problems = []
    assert read_tolerance(doc, doc.data, problems) == tolerance
    assert [str(p) for p in problems][:1] == ([] if problem is None else [str(problems[0])])
    if problem is not None:
        assert str(problems[0]).startswith(problem)


def test_remember_keeps_the_most_recent():
    cache: OrderedDict = OrderedDict()
    made = []
    for key in range(CACHED_SPECS + 1):
        remember(cache, key, lambda key=key: made.append(key) or key * 10)
    assert list(cache) == list(range(1, CACHED_SPECS + 1))
    assert remember(cache, 1, lambda: 1 / 0) == 10  # cached: not made again
    remember(cache, "new", lambda: 0)
    assert 2 not in cache and 1 in cache  # 1 was used last, 2 was the least recent
    assert made == list(range(CACHED_SPECS + 1))


def test_read_a_file_with_a_spec(folder):
    spec, result, answers, tolerance, notation = read(
        folder, "spec: net.yaml\nanswers:\n  E_total: 0.2984\n  dE_total/dw5: 8.2167e-2\n  w5_new: 0.35891648\n")
    assert notation == "default" and tolerance == Tolerance() and spec.name == "Mazur 2-2-2"
    assert [(a.quantity.text, a.given, a.line, a.column, a.decimals, a.written) for a in answers] == [
        ("E_total", 0.2984, 3, 3, 4, "0.2984"), ("dE_total/dw5", 0.082167, 4, 3, 6, "8.2167e-2"),
        ("w5_new", 0.35891648, 5, 3, 8, "0.35891648")]
    assert result.loss == spec.compute().loss


def test_read_an_inline_network_and_an_expression(folder):
    inline = "network:\n" + "".join("  " + line + "\n" for line in
                                    (SPECS / "mazur-2-2-2.yaml").read_text(encoding="utf-8").splitlines())
    spec, _, answers, _, _ = read(folder, inline + "answers:\n  w5: 0.4\n")
    assert spec.name == "Mazur 2-2-2" and answers[0].given == 0.4
    _, result, answers, _, notation = read(folder, "expression: x*y\nat: {x: 2, y: 3}\nanswers:\n  df/dx: 3\n")
    assert result.output == 6.0 and answers[0].given == 3.0 and notation == "default"


@pytest.mark.parametrize("text, message", [
    ("- 1\n", "answers.yaml:1:1: an answers file is a mapping with `spec:` and `answers:`"),
    ("answers:\n  loss: 1\n", "answers.yaml:1:1: give exactly one of `spec:` (a file) and `network:` (inline)"),
    ("spec: 3\nanswers:\n  loss: 1\n", "answers.yaml:1:7: `spec:` must be a file name"),
    ("spec: ../net.yaml\nanswers:\n  loss: 1\n", "answers.yaml:1:7: `spec: ../net.yaml`: the file is outside the "
                                                 "folder of the file that names it"),
    ("spec: /etc/passwd\nanswers:\n  loss: 1\n", "answers.yaml:1:7: `spec: /etc/passwd`: an absolute path is not "
                                                 "allowed here"),
    ("spec: nope.yaml\nanswers:\n  loss: 1\n", "answers.yaml:1:7: no such spec file 'nope.yaml'"),
    ("spec: net.yaml\nanswers: 3\n", "answers.yaml:2:10: `answers:` must map quantities to numbers"),
    ("spec: net.yaml\n", "answers.yaml:1:1: `answers:` must map quantities to numbers"),
    ("spec: net.yaml\nanswer:\n  loss: 1\n", "answers.yaml:2:1: unknown key 'answer'\n  hint: did you mean "
                                             "'answers'?"),
    ("spec: net.yaml\nnotation: greek\nanswers:\n  loss: 1\n", "answers.yaml:2:11: unknown notation 'greek'"),
    ("spec: net.yaml\nanswers:\n  w999: 1\n", "answers.yaml:3:3: the network has no parameter w999"),
    ("spec: net.yaml\nanswers:\n  w99: 1\n", "answers.yaml:3:3: unknown quantity 'w99'"),
    ("spec: net.yaml\nanswers:\n  w5: abc\n", "answers.yaml:3:7: the answer to w5 must be a finite number, not "
                                              "'abc'\n  hint: write a number such as -0.130 or 1.3e-2"),
    ("spec: net.yaml\nanswers:\n  w5:\n", "answers.yaml:3:6: the answer to w5 must be a finite number, not nothing"),
    ("spec: net.yaml\nanswers:\n  w5: [1]\n", "answers.yaml:3:7: the answer to w5 must be a finite number, not a "
                                              "list\n"),
    ("spec: net.yaml\nanswers:\n  w5: {a: 1}\n", "answers.yaml:3:7: the answer to w5 must be a finite number, not "
                                                 "a mapping\n"),
    ("spec: net.yaml\nanswers:\n  w5: " + "9" * 10_000 + "\n", "answers.yaml:3:7: the answer to w5 must be a finite "
                                                               "number, not '999"),
    ("spec: net.yaml\nexpression: x\nat: {x: 1}\nanswers:\n  y: 1\n",
     "answers.yaml:2:1: give `expression:` or a network (`spec:`/`network:`), not both"),
])
@pytest.mark.slow
def test_refusals(folder, text, message):
    assert message in refusal(folder, text)


@pytest.mark.slow
def test_too_many_answers(folder):
    lines = "".join(f"  x{i}: 1\n" for i in range(1001))
    assert "answers.yaml:3:3: 1,001 answers in one file\n  hint: at most 1,000" in \
        refusal(folder, "spec: net.yaml\nanswers:\n" + lines)



def test_a_key_repeated_counts_toward_the_answers_a_file_may_give(folder):
    # graded, each repeat is a line of the report: a thousand of one key are a thousand answers
    (folder / "answers.yaml").write_text("spec: net.yaml\nanswers:\n" + "  E_total: 1\n" * 1001, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        AnswersReader().read_all(str(folder / "answers.yaml"))
    assert "answers.yaml:3:3: 1,001 answers in one file\n  hint: at most 1,000" in str(info.value)
    (folder / "answers.yaml").write_text("spec: net.yaml\nanswers:\n" + "  E_total: 1\n" * 1000, encoding="utf-8")
    assert len(AnswersReader().read_all(str(folder / "answers.yaml"))[3]) == 999  # the first graded, 999 not

def test_a_linked_answers_file_must_stay_in_its_folder(folder, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("other") / "answers.yaml"
    elsewhere.write_text("spec: net.yaml\nanswers:\n  w5: 0.4\n")
    (folder / "sub").mkdir()
    (folder / "sub" / "answers.yaml").symlink_to(elsewhere)
    with pytest.raises(SpecError, match="outside the folder"):
        read_answers_text(str(folder / "sub" / "answers.yaml"))


def test_the_spec_is_loaded_once_per_reader(folder):
    (folder / "a.yaml").write_text("spec: net.yaml\nanswers:\n  w5: 0.4\n")
    (folder / "b.yaml").write_text("spec: ./net.yaml\nanswers:\n  w5: 0.4\n")
    reader = AnswersReader()
    first = reader.read(str(folder / "a.yaml"))
    second = reader.read(str(folder / "b.yaml"))
    assert first[0] is second[0] and len(reader.cache) == 1
    assert reader.read_text("spec: net.yaml\nanswers:\n  w5: 0.4\n", "x.yaml", Path(folder))[0] is first[0]
