"""spec.yamlsafe: YAML 1.2 core-schema scalars, locations of every value, and located refusals."""
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_cli.errors import SpecError
from backprop_cli.spec.yamlsafe import (
    KEY,
    MAX_DEPTH,
    MAX_NODES,
    MAX_TEXT_BYTES,
    Document,
    as_float,
    decode,
    nesting_problem,
    parse,
    resolve_scalar,
    scan_nesting,
)


def error(text: str) -> str:
    with pytest.raises(SpecError) as info:
        parse(text, "f.yaml")
    return str(info.value)


@pytest.mark.parametrize("text, value", [
    ("", None), ("null", None), ("Null", None), ("NULL", None), ("~", None),
    ("true", True), ("False", False), ("TRUE", True),
    ("yes", "yes"), ("no", "no"), ("on", "on"),  # YAML 1.1 booleans are words in 1.2
    ("010", 10), ("-7", -7), ("+3", 3), ("0o17", 15), ("0x1F", 31),
    ("1e-3", 0.001), (".5", 0.5), ("2.", 2.0), ("-1.5E2", -150.0),
    (".inf", math.inf), ("-.Inf", -math.inf), ("+.INF", math.inf),
    ("0x", "0x"), ("1_000", "1_000"), ("1,5", "1,5"), ("abc", "abc"),
])
def test_resolve_scalar_core_schema(text, value):
    result = resolve_scalar(text)
    assert result == value and type(result) is type(value)


def test_resolve_scalar_nan():
    assert math.isnan(resolve_scalar(".nan")) and math.isnan(resolve_scalar(".NaN"))


def test_resolve_scalar_huge_numbers_become_inf():
    assert resolve_scalar("9" * 10_000) == math.inf
    assert resolve_scalar("-" + "9" * 10_000) == -math.inf
    assert resolve_scalar("9" * 400) == int("9" * 400)  # at the limit: still an exact int
    assert resolve_scalar("0x" + "f" * 300) == math.inf  # over 1024 bits
    assert resolve_scalar("0x" + "f" * 256) == 16 ** 256 - 1
    assert resolve_scalar("1e400") == math.inf


def _core_schema_kind(text: str) -> str:
    """The YAML 1.2 core schema's resolution, written as the specification writes it (regular
    expressions), to hold the resolver's plain string checks to."""
    import re

    for kind, pattern in (("null", r"null|Null|NULL|~|"), ("bool", r"true|True|TRUE|false|False|FALSE"),
                          ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"),
                          ("float", r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?(\.inf|\.Inf|\.INF)"),
                          ("nan", r"\.nan|\.NaN|\.NAN")):
        if re.fullmatch(pattern, text):
            return kind
    return "str"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0179afAFoxX+-.eEinfINFaNtrueTRUlsS~_ \u0660\u00b2", max_size=8)
       | st.sampled_from([".inf", "-.Inf", "+.INF", ".nan", ".NaN", "0o17", "0x1F", "TRUE", "False", "~", "-0"]))
@pytest.mark.slow
def test_resolve_scalar_follows_the_specifications_patterns(text):
    value, kind = resolve_scalar(text), _core_schema_kind(text)
    expected = {"null": type(None), "bool": bool, "int": int, "float": float, "nan": float, "str": str}[kind]
    assert type(value) is expected, (text, value, kind)
    assert kind != "nan" or math.isnan(value)


@settings(max_examples=50, deadline=None)
@given(st.integers(-10 ** 30, 10 ** 30))
def test_resolve_scalar_integers_round_trip(n):
    assert resolve_scalar(str(n)) == n


@settings(max_examples=50, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_resolve_scalar_floats_round_trip(x):
    assert resolve_scalar(repr(x)) == x


def test_as_float():
    assert as_float(3) == 3.0 and type(as_float(3)) is float
    assert as_float(True) is None
    assert as_float("1") is None and as_float(None) is None
    assert as_float(10 ** 400) == math.inf and as_float(-(10 ** 400)) == -math.inf


def test_parse_values_and_locations():
    doc = parse("layers:\n  - weights: [[1, 2]]\n    name: x\n", "f.yaml")
    assert doc.data == {"layers": [{"weights": [[1, 2]], "name": "x"}]}
    assert doc.file == "f.yaml"
    assert doc.locations[("layers", 0, "weights", 0, 1)] == (2, 19)
    assert doc.locations[("layers", 0, "name", KEY)] == (3, 5)
    assert doc.locations[("layers", 0, "name")] == (3, 11)
    assert doc.texts[("layers", 0, "weights", 0, 0)] == "1"
    assert doc.ends[("layers", 0, "weights")] == (2, 22)


def test_where_falls_back_to_the_nearest_ancestor():
    doc = parse("layers:\n  - weights: [[1, 2]]\n", "f.yaml")
    assert doc.where(("layers", 0, "weights", 0, 9)) == (2, 15)
    assert doc.where(("nothing", "here")) == (1, 1)
    assert Document("f", None).where(("x",)) == (1, 1)


def test_problem_at_key_or_value():
    doc = parse("a:\n  name: x\n", "f.yaml")
    assert str(doc.problem(("a", "name"), "m", "h", at_key=True)) == "f.yaml:2:3: m\n  hint: h"
    assert str(doc.problem(("a", "name"), "m")) == "f.yaml:2:9: m"


def test_subdocument_keeps_file_locations():
    doc = parse("layers:\n  - weights: [[1, 2]]\n    name: x\n", "f.yaml")
    sub = doc.subdocument(("layers", 0))
    assert sub.data == {"weights": [[1, 2]], "name": "x"}
    assert sub.where(("name",)) == (3, 11)
    assert sub.texts == {("weights", 0, 0): "1", ("weights", 0, 1): "2", ("name",): "x"}
    assert sub.text == doc.text


def test_quoted_scalars_stay_text():
    assert parse("a: '1'\nb: \"true\"\nc: 1\n", "f").data == {"a": "1", "b": "true", "c": 1}


def test_line_breaks_crlf_and_cr():
    assert parse("a: 1\r\nb: [1,\r\n 2]\r\n", "f").data == {"a": 1, "b": [1, 2]}
    assert parse("a: 1\rb: 2\r", "f").data == {"a": 1, "b": 2}


@pytest.mark.parametrize("text, message", [
    ("", "f.yaml:1:1: the file is empty\n  hint: a spec is a mapping with input, target, loss and layers; "
         "see `backprop examples`"),
    ("# only a comment\n", "f.yaml:1:1: the file is empty"),
    ("a: 1\na: 2\n", "f.yaml:2:1: duplicate key 'a'\n  hint: write each key once"),
    ("? [1]\n: 2\n", "f.yaml:1:3: a key must be a plain word\n  hint: write keys such as `weights:` or `loss:`"),
    ("a: !!python/object 1\n", "f.yaml:1:4: YAML tags such as '!!python/object' are not allowed\n"
                                "  hint: remove the tag (the word starting with !)"),
    ("a: &x 1\nb: *x\nc: *x\n", "f.yaml:1:4: anchors and aliases (&name, *name) are not allowed (3 in this file)\n"
                               "  hint: write the values out in full"),
    ("a: 1\n\tb: 2\n", "f.yaml:2:1: YAML syntax: while scanning a plain scalar, found a tab character that "
                       "violates indentation\n  hint: indent with spaces, not tabs"),
    ("a: 1\nb: [1, 2\n", "f.yaml:3:1: YAML syntax: while parsing a flow sequence, did not find expected ',' or ']'\n"
                         "  hint: close every [ with ] and separate numbers with commas: [0.1, 0.2]"),
    ("a: b: c\n", "f.yaml:1:5: YAML syntax: mapping values are not allowed in this context\n"
                  "  hint: a value with ': ' in it needs quotes, or a key is missing its indentation"),
    ("input: [1, 2]\nloss mse\ntarget: [1]\n", "f.yaml:2:1: 'loss mse' is missing the colon after its key\n"
                                               "  hint: write `loss: mse`"),
    ("loss: mse\nlayers\n  - x\n", "f.yaml:2:1: 'layers' is missing the colon after its key\n"
                                   "  hint: a line of a mapping is `key: value`"),
    ("a: \x07\n", "f.yaml:1:4: the file holds a control character YAML does not allow (U+0007)\n"
                  "  hint: remove control characters; save the file as plain UTF-8 text"),
    ("a: 1\n--- \nb: 2\n", "f.yaml:2:1: YAML syntax: expected a single document in the stream"),
    ("a:\n  b: - 0.25 # my answer\n", "f.yaml:2:6: YAML syntax: block sequence entries are not allowed in this "
                                     "context\n  hint: '- ' starts a list: write a negative number with no space "
                                     "after its minus sign (-0.25)"),
])
def test_parse_errors_are_located(text, message):
    assert error(text).startswith(message)


def test_keys_repeated_where_asked_are_kept_aside_and_the_first_value_stands():
    doc = parse("a:\n  x: 1\n  y: 2\n  x: 3\nb: {x: 4}\n", "f", repeats=("a",))
    assert doc.data == {"a": {"x": 1, "y": 2}, "b": {"x": 4}}
    assert doc.repeated == [("x", (4, 3), "3")]
    with pytest.raises(SpecError) as info:  # a key repeated anywhere else is refused as ever
        parse("a: {x: 1}\nb:\n  x: 1\n  x: 2\n", "f", repeats=("a",))
    assert "f:4:3: duplicate key 'x'" in str(info.value)


def test_anchor_alone_is_refused_without_count():
    assert error("a: &x 1\n") == ("f.yaml:1:4: anchors and aliases (&name, *name) are not allowed\n"
                                 "  hint: write the values out in full")


def test_every_problem_is_reported_in_order():
    problems = None
    try:
        parse("a: 1\na: 2\nb: !foo x\n", "f.yaml")
    except SpecError as exc:
        problems = exc.problems
    assert [(p.line, p.column) for p in problems] == [(2, 1), (3, 4)]


def test_too_large():
    assert error("x" * (MAX_TEXT_BYTES + 1)).startswith("f.yaml:1:1: the file is too large (over 1,000,000 characters)")


def test_deep_flow_nesting_is_refused_before_parsing():
    text = "x: " + "[" * 50_000 + "]" * 50_000 + "\n"
    assert error(text) == ("f.yaml:1:68: the document is nested or indented too deeply (over 64 levels here)\n"
                           "  hint: a spec needs a few levels of lists and mappings")


def test_deep_indentation_is_refused():
    assert error("a: 1\n" + " " * 300 + "b: 2\n").startswith("f.yaml:2:257: the document is nested or indented")


@pytest.mark.slow
def test_too_many_nodes():
    text = "a: [" + ", ".join(["1"] * (MAX_NODES + 1)) + "]\n"
    assert "the document has too many values" in error(text)


def test_nesting_problem_ignores_quotes_and_comments():
    deep = "[" * (MAX_DEPTH + 1)
    assert nesting_problem(f"x: '{deep}'\n") is None
    assert nesting_problem(f'x: "\\"{deep}"\n') is None
    assert nesting_problem(f"x: 1 # {deep}\n") is None
    assert nesting_problem(f"x: a{deep}\n") is None  # inside a word: not a flow collection
    assert nesting_problem("[" * MAX_DEPTH + "]" * MAX_DEPTH) is None
    assert nesting_problem("x: " + deep) == (1, 4 + MAX_DEPTH)
    assert nesting_problem("a: 1\n\nx: " + deep) == (3, 4 + MAX_DEPTH)


# runs of brackets, indentation and indicators long enough to cross MAX_DEPTH, and every line break
_NESTING_RUNS = st.tuples(st.sampled_from(["[", "{", "]", "}", " ", "-", "?", ":", "\t", "'", '"', "#", "a", "- ",
                                           "\n", "\r", "\r\n", "\x85", "\u2028", "\u2029", "\x0b"]),
                          st.integers(1, 2 * MAX_DEPTH)).map(lambda run: run[0] * run[1])


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(_NESTING_RUNS, max_size=8).map("".join))
def test_the_quick_nesting_check_never_passes_what_the_scan_refuses(text):
    assert nesting_problem(text) == scan_nesting(text)


def test_decode():
    assert decode("a: é".encode("utf-16"), "f") == "a: é"
    assert decode(b"\xef\xbb\xbfa: 1", "f") == "a: 1"
    assert decode("ŷ".encode(), "f") == "ŷ"
    with pytest.raises(SpecError) as info:
        decode(b"a: 1\nb: \xff\n", "f.yaml")
    assert str(info.value) == ("f.yaml:2:4: the file is not valid UTF-8 text (byte 0xff)\n"
                               "  hint: save the file as UTF-8 text")
    with pytest.raises(SpecError, match=r"not valid UTF-16 text"):
        decode(b"\xff\xfea\x00\x00\xd8", "f")


@pytest.mark.slow
@settings(max_examples=50, deadline=None)
@given(st.text(max_size=200))
def test_parse_never_raises_anything_but_spec_error(text):
    try:
        parse(text, "f.yaml")
    except SpecError as exc:
        assert all(p.file == "f.yaml" and p.line >= 1 and p.column >= 1 for p in exc.problems)


@settings(max_examples=50, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text("abc xyz", min_size=1),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text("abkey", min_size=1),
                                                                                  inner, max_size=3),
                    max_leaves=10))
@pytest.mark.slow
def test_round_trip_through_pyyaml_json_style(value):
    import json

    text = json.dumps({"v": value})  # JSON is YAML 1.2
    assert parse(text, "f").data == {"v": value}
