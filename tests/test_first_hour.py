"""What a newcomer meets in the first hour: an example to start from, a page written without -o,
ln and e^x as courses write them, and the commonest slips in a spec pointed at where they are."""
import json
import math

import pytest
from conftest import SPECS, invoke


def test_examples_name_prints_the_yaml_to_start_from():
    result = invoke("examples", "mazur-2-2-2")
    assert result.exit_code == 0 and result.output == (SPECS / "mazur-2-2-2.yaml").read_text(encoding="utf-8")
    missing = invoke("examples", "mazur-2-2")
    assert missing.exit_code == 2 and "mazur-2-2-2" in missing.stderr  # the nearest name


def test_explore_without_o_writes_a_page_named_after_the_spec(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("explore", "--example", "mazur-2-2-2")
    assert result.exit_code == 0 and "wrote mazur-2-2-2.html" in result.output
    assert 'data-param="w5"' in (tmp_path / "mazur-2-2-2.html").read_text(encoding="utf-8")
    (tmp_path / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert "wrote net.html" in invoke("explore", "net.yaml").output


def test_ln_is_log_and_e_to_a_power_is_traced_as_such():
    ln = json.loads(invoke("grad", "--expr", "ln(x)*2", "--at", "x=3", "--format", "json", expect=0).output)
    assert ln["output"] == pytest.approx(2 * math.log(3), rel=1e-15)
    assert ln["inputs"][0]["gradient"] == pytest.approx(2 / 3, rel=1e-15)
    traced = json.loads(invoke("trace", "--expr", "e^h", "--at", "h=2", "--format", "json", expect=0).output)
    factor = traced["inputs"][0]["paths"][0]["factors"][0]
    assert factor["formula"] == "e^h" and factor["value"] == pytest.approx(math.exp(2), rel=1e-15)
    assert "log(e)" not in invoke("trace", "--expr", "e^(x^2)", "--at", "x=0.5").output


def _spec(tmp_path, text):
    path = tmp_path / "net.yaml"
    path.write_text(text, encoding="utf-8")
    return invoke("grad", str(path))


def test_a_missing_colon_is_reported_at_its_line(tmp_path):
    result = _spec(tmp_path, "input: [1, 2]\ntarget [1]\nloss: squared_error\nlayers:\n"
                             "  - activation: sigmoid\n    weights: [[0.1, 0.2]]\n")
    assert result.exit_code == 2
    assert f"{tmp_path / 'net.yaml'}:2:1:" in result.stderr and "write `target: [1]`" in result.stderr


def test_a_decimal_comma_is_reported_where_it_is(tmp_path):
    result = _spec(tmp_path, "input: [1, 2]\ntarget: [1]\nloss: squared_error\nlayers:\n"
                             "  - activation: sigmoid\n    weights: [[0,1, 0.2]]\n")
    assert result.exit_code == 2 and ":6:16:" in result.stderr and "write 0.1" in result.stderr
    # a list written without spaces throughout is a style, not a decimal comma
    fine = _spec(tmp_path, "input: [1,2]\ntarget: [1]\nloss: squared_error\nlayers:\n"
                           "  - activation: sigmoid\n    weights: [[1,2]]\n")
    assert fine.exit_code == 0


def test_targets_for_one_sample_is_hinted_as_target(tmp_path):
    result = _spec(tmp_path, "input: [1, 2]\ntargets: [1]\nloss: squared_error\nlayers:\n"
                             "  - activation: sigmoid\n    weights: [[0.1, 0.2]]\n")
    assert result.exit_code == 2 and ":2:1:" in result.stderr and "`target: [...]`" in result.stderr
    rows = _spec(tmp_path, "inputs: [[1, 2]]\ntarget: [[1]]\nloss: squared_error\nlayers:\n"
                           "  - activation: sigmoid\n    weights: [[0.1, 0.2]]\n")
    assert rows.exit_code == 2 and "`targets:`" in rows.stderr
