"""spec.hints: 'did you mean', unknown keys, plurals, and how a YAML value is described."""
import pytest

from backprop_cli.errors import Problem
from backprop_cli.spec.hints import describe, nearest, plural, unknown_keys
from backprop_cli.spec.yamlsafe import parse


def test_nearest_close_match_and_list():
    assert nearest("sigmod", ["sigmoid", "tanh"]) == "did you mean 'sigmoid'?"
    assert nearest("qqq", ["sigmoid", "tanh"]) == "known: sigmoid, tanh"
    assert nearest(3, ("a",)) == "known: a"  # a non-text key
    assert nearest("x" * 10_000 + "sigmoid", ["sigmoid"]) == "known: sigmoid"  # only 100 characters compared


def test_unknown_keys_reports_at_the_key_and_returns_typos():
    doc = parse("input: [1]\nlose: mse\nzzz: 1\n", "s.yaml")
    problems: list[Problem] = []
    misspelt = unknown_keys(doc, doc.data, (), ("input", "loss"), problems)
    assert [str(p) for p in problems] == [
        "s.yaml:2:1: unknown key 'lose'\n  hint: did you mean 'loss'?",
        "s.yaml:3:1: unknown key 'zzz'\n  hint: known: input, loss",
    ]
    assert misspelt == {((), "loss")}


def test_unknown_keys_nested_path_and_hostile_key():
    doc = parse("layers:\n  - weigths: 1\n    \"a\\nb\": 2\n", "s.yaml")
    problems: list[Problem] = []
    misspelt = unknown_keys(doc, doc.data["layers"][0], ("layers", 0), ("weights",), problems)
    assert str(problems[0]) == "s.yaml:2:5: unknown key 'weigths'\n  hint: did you mean 'weights'?"
    assert str(problems[1]).startswith("s.yaml:3:5: unknown key 'a\\x0ab'")
    assert misspelt == {(("layers", 0), "weights")}


def test_unknown_keys_none_unknown():
    doc = parse("a: 1\n", "s")
    problems: list[Problem] = []
    assert unknown_keys(doc, doc.data, (), ("a",), problems) == set() and problems == []


@pytest.mark.parametrize("count, noun, text", [
    (1, "neuron", "1 neuron"), (2, "neuron", "2 neurons"), (0, "value", "0 values"),
    (2, "bias", "2 biases"), (1, "bias", "1 bias"), (-1, "row", "-1 rows"),
])
def test_plural(count, noun, text):
    assert plural(count, noun) == text


@pytest.mark.parametrize("value, text", [
    (None, "nothing"), (True, "the truth value true"), (False, "the truth value false"),
    (3, "the number 3"), (0.5, "the number 0.5"), ("abc", "the text 'abc'"),
    ("a\nb", "the text 'a\\x0ab'"), ([1], "a list"), ({}, "a mapping"), ((1,), "tuple"),
    (float("inf"), "the number inf"),
])
def test_describe(value, text):
    assert describe(value) == text


def test_describe_long_values_are_cut():
    assert describe("x" * 100) == "the text '" + "x" * 59 + "…'"
    assert describe(1.2345678901234567e+300) == "the number 1.2345678901234567e+300"
    assert describe(10 ** 50) == "the number " + "1" + "0" * 38 + "…"
