"""core.computation: the protocol and the notebook viewers."""
import pytest

from backprop_cli.core import computation
from backprop_cli.core.computation import EXPRESSION, KINDS, NETWORK, Computation, html_view


class Fake:
    kind = "fake-kind"
    title = ""
    output_symbol = "f"

    def value(self, name):
        return 0.0

    def input_rows(self):
        return []

    def traced_names(self):
        return []


def test_kinds_and_protocol():
    assert (NETWORK, EXPRESSION) == ("network", "expression") and KINDS == ("network", "expression")
    assert isinstance(Fake(), Computation)
    assert not isinstance(object(), Computation)


def test_html_view_uses_the_registered_viewer(monkeypatch):
    fake = Fake()
    assert html_view(fake) is None
    monkeypatch.setitem(computation.VIEWERS, "fake-kind", lambda c: f"<b>{c.output_symbol}</b>")
    assert html_view(fake) == "<b>f</b>"


def test_all_paths_are_listed_up_to_the_bound_and_refused_beyond():
    from backprop_cli.core.computation import MAX_ALL_PATHS, all_paths

    assert all_paths("w111", MAX_ALL_PATHS) == MAX_ALL_PATHS
    with pytest.raises(ValueError, match="w111 has 100001 paths; ask for the largest few with max_paths="):
        all_paths("w111", MAX_ALL_PATHS + 1)
