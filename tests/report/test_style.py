"""report.style: how a wide layer is summarised, and the table style."""
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_cli.report.style import HEAD, SUMMARY, TAIL, WIDE, summarised, table


def test_constants():
    assert (HEAD, TAIL, WIDE) == (5, 4, 10) and SUMMARY == "first 5 and last 4"


def test_narrow_layers_are_shown_whole():
    assert summarised([]) == []
    assert summarised(list(range(10))) == list(range(10))
    assert summarised("abc") == ["a", "b", "c"]


def test_wide_layers_keep_head_gap_tail():
    assert summarised(list(range(11))) == [0, 1, 2, 3, 4, None, 7, 8, 9, 10]


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 300))
def test_summary_property(n):
    items = list(range(n))
    shown = summarised(items)
    if n <= WIDE:
        assert shown == items
    else:
        assert len(shown) == HEAD + 1 + TAIL and shown[HEAD] is None
        assert shown[:HEAD] == items[:HEAD] and shown[HEAD + 1:] == items[-TAIL:]


def test_table_house_style():
    t = table(title="T")
    assert t.show_edge is False and t.box is None and t.header_style == "bold"
    assert t.padding == (0, 2, 0, 2) and t.title == "T"
