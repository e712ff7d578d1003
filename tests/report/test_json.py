"""report.json: JSON reports read back with json.loads and checked against the oracle and the API."""
import json
import math
from types import SimpleNamespace

import pytest
from conftest import SPECS, oracle_problem
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import forward as oracle_forward

from backprop_cli.api import computing as C
from backprop_cli.api.training import train
from backprop_cli.report import json as J


def test_dumps_round_trips_floats_exactly():
    obj = {"a": 0.1 + 0.2, "b": [1e-320, -0.0, 1.7976931348623157e308], "c": "ŷ"}
    text = J.dumps(obj)
    assert json.loads(text) == obj and "ŷ" in text and text.startswith("{\n  ")


@settings(max_examples=50, deadline=None)
@given(st.recursive(st.floats(allow_nan=False, allow_infinity=False) | st.text() | st.integers(),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                 max_size=3), max_leaves=8))
@pytest.mark.slow
def test_dumps_property(obj):
    text = J.dumps(obj)
    assert json.loads(text) == obj and "##[" not in text


def test_dumps_huge_ints_and_long_output():
    big = 10 ** 10_000 + 7
    import sys

    before = sys.get_int_max_str_digits()
    text = J.dumps({"count": big})
    assert sys.get_int_max_str_digits() == before  # put back
    assert text == '{\n  "count": 1' + "0" * 9_999 + '7\n}'
    long = J.dumps(list(range(50_000)))
    assert "\n" not in long and json.loads(long) == list(range(50_000))  # over INDENTED_UP_TO: one line


def test_dumps_refuses_nan_and_escapes_workflow_commands():
    with pytest.raises(ValueError):
        J.dumps({"x": float("nan")})
    text = J.dumps({"name": "##[error]x"})
    assert "##[" not in text and json.loads(text) == {"name": "##[error]x"}
    surrogate = b"bad\xff".decode("utf-8", "surrogateescape")
    text = J.dumps({"path": surrogate})
    text.encode("utf-8")  # printable: the undecodable byte is a JSON escape
    assert '"bad\\udcff"' in text and json.loads(text) == {"path": surrogate}


def test_grad_object():
    result = C.compute(C.load_example("mazur-2-2-2"))
    obj = json.loads(J.dumps(J.grad_object(result, ["w211"], result.input_rows())))
    assert obj["loss"] == result.loss and obj["learning_rate"] == 0.5
    assert obj["parameters"] == [{"name": "w5", "value": 0.4, "gradient": result.gradient("w211"),
                                  "updated": result.updated("w211")}]
    assert [i["name"] for i in obj["inputs"]] == ["i1", "i2"]
    assert len(J.grad_object(result, None)["parameters"]) == 10 and "inputs" not in J.grad_object(result, None)


def test_trace_object_against_the_oracle():
    layers, inputs, targets, *_ = oracle_problem(SPECS / "padhai-4-4-2.yaml")
    zs, acts = oracle_forward(layers, inputs[0])
    traced = C.trace(C.load_example("padhai-4-4-2"), ["w212", "b11"], nodes=["z11"], max_paths=100)
    obj = json.loads(J.dumps(J.trace_object(traced)))
    assert obj["samples"] == [1] and math.isclose(obj["forward"]["z21"], zs[1][0], rel_tol=1e-12)
    assert math.isclose(obj["forward"]["a13"], acts[1][2], rel_tol=1e-12)
    assert sorted(p["name"] for p in obj["parameters"]) == ["b11", "w212"]
    for p in obj["parameters"]:
        assert math.isclose(sum(path["product"] for path in p["paths"]) + p["omitted_sum"], p["gradient"],
                            rel_tol=1e-9, abs_tol=1e-15)
        assert p["frozen"] is False and "updated" in p
        for path in p["paths"]:
            assert math.isclose(math.prod(f["value"] for f in path["factors"]), path["product"], rel_tol=1e-12)
    assert [n["name"] for n in obj["nodes"]] == ["z11"] and "updated" not in obj["nodes"][0]


def test_trace_object_of_a_batch_has_per_sample_values():
    traced = C.trace(C.load_example("batch-average"), ["w211"])
    obj = json.loads(J.dumps(J.trace_object(traced)))
    assert obj["samples"] == [1, 2, 3] and obj["forward"]["x1"] == [0.0, 1.0, 1.0]
    per = obj["parameters"][0]["per_sample"]
    assert [s["sample"] for s in per] == [1, 2, 3]
    assert math.isclose(sum(s["gradient"] for s in per) / 3, obj["parameters"][0]["gradient"], rel_tol=1e-12)


def test_expression_objects():
    result = C.compute(C.load_example("cs231n-circuit"))
    assert J.expression_grad_object(result) == {"output": -12.0, "output_name": "f", "inputs": [
        {"name": "x", "value": -2.0, "gradient": -4.0}, {"name": "y", "value": 5.0, "gradient": -4.0},
        {"name": "z", "value": -4.0, "gradient": 3.0}]}
    obj = J.expression_trace_object(result, [result.trace("x"), result.trace("q")])
    assert [s["name"] for s in obj["steps"]] == ["q", "f"] and obj["inputs"][0]["path_count"] == 1
    assert "paths" not in obj["inputs"][1] and [n["name"] for n in obj["nodes"]] == ["q"]
    assert obj["kinks"] == result.kinks


def test_check_object():
    quantity = SimpleNamespace(text="dL/dw1")
    outcome = SimpleNamespace(answer=SimpleNamespace(quantity=quantity, given=0.5, line=3), expected=0.25,
                              ok=False, diagnosis="sign", verdict=None, accepted=(0.24, 0.26),
                              diagnoses=[{"code": "sign_flipped", "text": "sign"}])
    report = SimpleNamespace(path="a.yaml", outcomes=[outcome], passed=0, failed=1, refused=[])
    assert J.check_object([report], [("b.yaml", ["p"])]) == {
        "files": [{"path": "a.yaml", "results": [{"quantity": "dL/dw1", "given": 0.5, "expected": 0.25, "ok": False,
                                                  "line": 3, "diagnosis": "sign",
                                                  "diagnoses": [{"code": "sign_flipped", "text": "sign"}],
                                                  "verdict": "wrong",
                                                  "accepted": [0.24, 0.26]}]}],
        "passed": 0, "failed": 1, "invalid": [{"path": "b.yaml", "problems": ["p"]}]}


def test_training_and_gradcheck_objects():
    spec = C.load_example("mazur-2-2-2")
    one = J.training_object(train(spec, 2).runs, None)
    assert one["epochs"] == 2 and len(one["losses"]) == 3 and one["loss"] == one["losses"][-1]
    assert one["runs"][0]["learning_rate"] == 0.5 and round(one["losses"][1], 9) == 0.291027774
    two = J.training_object(train(spec, 1, learning_rates=[0.1, 0.2]).runs, 0.01)
    assert "loss" not in two and [r["learning_rate"] for r in two["runs"]] == [0.1, 0.2]
    check = C.gradcheck(spec)
    obj = J.gradcheck_object(check.checks, 1e-6, 1e-6)
    assert obj["passed"] is True and len(obj["parameters"]) == 10 and obj["parameters"][0]["status"] == "ok"
