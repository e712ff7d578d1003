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
])
def test_parse(text, kind, indices):
    assert parse_name(text) == Name(kind, indices)


@pytest.mark.parametrize("text", ["w21", "w2123", "w0_1_1", "b2", "q12", "w2_1", "", "yhat", "w1_0_1"])
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
