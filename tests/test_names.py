import pytest

from backprop_cli.core.names import (
    Name,
    canonical_key,
    format_name,
    notation,
    parameter_indices,
    parameter_names,
    parse_name,
)


@pytest.mark.parametrize("text, kind, indices", [
    ("w212", "w", (2, 1, 2)), ("w2_1_2", "w", (2, 1, 2)), ("w2_10_3", "w", (2, 10, 3)), ("b21", "b", (2, 1)),
    ("b2_1", "b", (2, 1)), ("z13", "z", (1, 3)), ("a12", "a", (1, 2)), ("h21", "h", (2, 1)),
    ("yhat1", "yhat", (1,)), ("yhat12", "yhat", (12,)), ("x4", "x", (4,)), ("L", "L", ()),
    ("b2", "b", (2,)),  # layer 2's shared bias
])
def test_parse(text, kind, indices):
    assert parse_name(text) == Name(kind, indices)


@pytest.mark.parametrize("text", ["w21", "w2123", "w0_1_1", "b123", "b10", "q12", "w2_1", "", "yhat", "w1_0_1"])
def test_not_names(text):
    assert parse_name(text) is None


def test_format_round_trips_and_prefers_the_compact_form():
    assert format_name("w", 2, 1, 2) == "w212"
    assert format_name("w", 2, 10, 3) == "w2_10_3"
    assert format_name("yhat", 12) == "yhat12"
    for name in parameter_names([12, 3, 2]):
        assert str(parse_name(name)) == name


def test_canonical_order():
    assert parameter_names([2, 2, 1]) == ["w111", "w112", "w121", "w122", "b11", "b12", "w211", "w212", "b21"]
    indices = list(parameter_indices([3, 12, 2]))
    assert sorted(indices, key=lambda i: canonical_key(*i)) == indices


def test_notations():
    assert notation("default").pre_name(2, 1) == "z21" and notation("default").post_name(1, 3, 2) == "a13"
    assert notation("padhai").pre_name(2, 1) == "a21" and notation("padhai").post_name(1, 3, 2) == "h13"
    assert notation("padhai").post_name(2, 1, 2) == "yhat1"


def test_bias_styles_name_one_bias_per_neuron_one_per_layer_or_none():
    styles = ("shared", "none")
    assert parameter_names([2, 2, 1], styles) == ["w111", "w112", "w121", "w122", "b1", "w211", "w212"]
    indices = list(parameter_indices([3, 4, 2], ("each", "shared")))
    assert sorted(indices, key=lambda i: canonical_key(*i)) == indices
    assert [str(parse_name(n)) for n in parameter_names([3, 4, 2], ("shared", "each"))] == \
        parameter_names([3, 4, 2], ("shared", "each"))


def test_course_names_replace_the_canonical_ones_in_either_notation():
    course = {"z11": "net_h1", "a11": "out_h1", "yhat1": "out_o1", "L": "E_total", "w211": "w5"}
    for letters in ("default", "padhai"):
        n = notation(letters, course)
        assert (n.pre_name(1, 1), n.post_name(1, 1, 2), n.post_name(2, 1, 2)) == ("net_h1", "out_h1", "out_o1")
        assert (n.loss, n.parameter("w", 2, 1, 1), n.parameter("w", 2, 1, 2)) == ("E_total", "w5", "w212")
    assert notation("padhai", course).pre_name(1, 2) == "a12"
