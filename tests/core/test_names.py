"""core.names: names of parameters and nodes, notations; exact expected strings."""
import pytest

from backprop_cli.core.names import (
    NOTATIONS,
    Name,
    bias_count,
    canonical_key,
    canonical_name,
    describe_notations,
    describe_parameters,
    format_name,
    layer_parameter_counts,
    notation,
    parameter_indices,
    parameter_name,
    parameter_names,
    parse_name,
)


def test_format_name():
    assert format_name("w", 2, 1, 2) == "w212"
    assert format_name("w", 2, 10, 2) == "w2_10_2"
    assert format_name("x", 12) == "x12"
    assert format_name("L") == "L"
    assert format_name("z", 9, 9) == "z99"
    assert str(Name("b", (1, 10))) == "b1_10"


@pytest.mark.parametrize("text,parsed", [
    ("w212", Name("w", (2, 1, 2))), ("w2_10_2", Name("w", (2, 10, 2))), ("b21", Name("b", (2, 1))),
    ("b2", Name("b", (2,))), ("b2_1", Name("b", (2, 1))), ("x12", Name("x", (12,))), ("yhat3", Name("yhat", (3,))),
    ("z13", Name("z", (1, 3))), ("h21", Name("h", (2, 1))), ("L", Name("L", ())), ("  a12 ", Name("a", (1, 2))),
    ("y2", Name("y", (2,))),
    ("w21", None), ("w2123", None), ("w0_1_1", None), ("z1", None), ("q12", None), ("w2_1", None), ("b1_2_3", None),
    ("x0", None), ("", None), ("w" + "1" * 70, None), ("W212", None), ("b", None)])
def test_parse_name(text, parsed):
    assert parse_name(text) == parsed


def test_notations():
    default, padhai = notation("default"), notation("padhai")
    assert NOTATIONS == ("default", "padhai")
    assert (default.pre, default.post, padhai.pre, padhai.post) == ("z", "a", "a", "h")
    assert default.pre_name(2, 1) == "z21" and padhai.pre_name(2, 1) == "a21"
    assert default.post_name(1, 3, 2) == "a13" and padhai.post_name(1, 3, 2) == "h13"
    assert default.post_name(2, 1, 2) == "yhat1" and padhai.post_name(0, 2, 2) == "x2"
    assert default.parameter("w", 2, 1, 2) == "w212" and default.parameter("b", 3, None) == "b3"
    assert default.loss == "L"
    with pytest.raises(ValueError, match="unknown notation 'tex'; known: default, padhai"):
        notation("tex")


def test_a_course_s_own_names():
    course = {"w211": "w5", "L": "E_total", "z11": "net_h1", "a12": "out_h2", "yhat1": "out_o1", "x1": "i1"}
    n = notation("padhai", course)
    assert n.parameter("w", 2, 1, 1) == "w5" and n.parameter("w", 2, 1, 2) == "w212"
    assert n.loss == "E_total"
    assert n.pre_name(1, 1) == "net_h1" and n.pre_name(1, 2) == "a12"
    assert n.post_name(1, 2, 2) == "out_h2" and n.post_name(1, 1, 2) == "h11"
    assert n.post_name(2, 1, 2) == "out_o1" and n.post_name(0, 1, 2) == "i1" and n.post_name(0, 2, 2) == "x2"
    assert n.show("b11") == "b11"
    assert canonical_name(course, " w5 ") == "w211"
    assert canonical_name(course, "w212") == "w212"
    assert canonical_name({}, " w5") == "w5"
    assert n == notation("padhai")  # the course's names do not take part in equality


def test_describe_notations():
    assert describe_notations() == "default notation (z, a) or padhai notation (a, h)"
    assert describe_notations("`notation: {}`") == "`notation: default` (z, a) or `notation: padhai` (a, h)"


def test_parameter_names_and_order():
    assert parameter_name("w", 2, 1, 2) == "w212" and parameter_name("b", 2, None) == "b2"
    assert parameter_name("b", 1, 3) == "b13"
    assert parameter_names([2, 2, 1]) == ["w111", "w112", "w121", "w122", "b11", "b12", "w211", "w212", "b21"]
    assert parameter_names([2, 2, 1], ("shared", "none")) == ["w111", "w112", "w121", "w122", "b1", "w211", "w212"]
    indices = list(parameter_indices([1, 2], ("each",)))
    assert indices == [("w", 1, 1, 1), ("w", 1, 2, 1), ("b", 1, 1, None), ("b", 1, 2, None)]
    shuffled = [indices[i] for i in (3, 1, 2, 0)]
    assert sorted(shuffled, key=lambda i: canonical_key(*i)) == indices
    assert canonical_key("b", 1, None, None) == (1, True, 0, 0)
    assert canonical_key("w", 2, 3, 1) == (2, False, 3, 1)
    assert parameter_names([11, 1])[10] == "w1_1_11"


def test_counts():
    assert [bias_count(4, s) for s in ("each", "shared", "none")] == [4, 1, 0]
    assert layer_parameter_counts([3, 4, 2]) == [16, 10]
    assert layer_parameter_counts([3, 4, 2], ("shared", "none")) == [13, 8]


def test_describe_parameters():
    assert describe_parameters([2, 3, 1]) == "layer 1: w111..w132, b11..b13; layer 2: w211..w213, b21..b21"
    assert describe_parameters([2, 3, 1], ("shared", "none")) == \
        "layer 1: w111..w132, b1 (shared); layer 2: w211..w213 (no biases)"


def test_names_of_64_characters_or_more_are_refused():
    name = "w1_1_" + "0" * 58 + "1"
    assert len(name) == 64 and parse_name(name) is None
    assert parse_name(name[:-2] + "1") == Name("w", (1, 1, 1))  # 63 characters
