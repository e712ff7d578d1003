"""core.reports: the plain report objects."""
from types import SimpleNamespace

import pytest

from backprop_cli.core.reports import ExampleList, ExpressionTrace, GradientCheck, Gradients, Training


def test_gradients_kind_follows_its_computation():
    g = Gradients(SimpleNamespace(kind="expression"))
    assert g.kind == "expression" and g.names is None and g.rows == [] and g.inputs is None
    assert ExpressionTrace(None, []).kind == "expression"


def test_gradient_check_failed_only_on_a_fail():
    ok, kink, fail = (SimpleNamespace(status=s) for s in ("ok", "kink", "fail"))
    assert not GradientCheck([ok, kink], 1e-6, 1e-6).failed
    assert GradientCheck([ok, fail, kink], 1e-6, 1e-6).failed
    assert not GradientCheck([], 1e-6, 1e-6).failed
    assert GradientCheck([], 1e-6, 1e-5).title == ""


def test_training_interrupted_is_the_last_run_s():
    assert not Training([]).interrupted
    assert Training([SimpleNamespace(stopped="epochs"), SimpleNamespace(stopped="interrupted")]).interrupted
    assert not Training([SimpleNamespace(stopped="interrupted"), SimpleNamespace(stopped="until-loss")]).interrupted
    assert Training([]).until_loss is None
    assert ExampleList([{"name": "x"}]).rows == [{"name": "x"}]


def test_a_report_is_read_only_compared_by_its_fields_and_shown_by_them():
    g = Gradients("result", ["w1"])
    assert g == Gradients("result", ["w1"]) and g != Gradients("result", ["w2"])
    assert g.rows == [] and Gradients("r").rows is not Gradients("r").rows
    assert repr(g) == "Gradients(computation='result', names=['w1'], rows=[], inputs=None)"
    with pytest.raises(AttributeError, match="read-only"):
        g.names = None
