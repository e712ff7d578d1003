"""`trace --node` with the quantities of an answers file (CONTRACT section 10): what one pass's
paths show is traced as the node or parameter it is about; the rest is refused with where to look."""
import json

import pytest
from conftest import invoke


def traced(*args):
    return json.loads(invoke("trace", *args, "--format", "json", expect=0).stdout)


@pytest.mark.parametrize("quantity", ["delta_w212", "Δw212", "w212_new", "w212_after1", "dL/dw212", "w212"])
def test_an_update_or_gradient_is_traced_as_its_parameter(quantity):
    assert traced("--example", "padhai-4-4-2", "--node", quantity) == \
        traced("--example", "padhai-4-4-2", "--weight", "w212")


def test_the_state_an_optimiser_keeps_is_traced_as_its_parameter(tmp_path):
    from conftest import SPECS

    (tmp_path / "net.yaml").write_text((SPECS / "mazur-2-2-2.yaml").read_text(encoding="utf-8")
                                       + "optimizer: {name: adam}\n", encoding="utf-8")
    by_weight = traced(tmp_path / "net.yaml", "--weight", "w5")
    for quantity in ("m_w5", "v_w5", "delta_w5"):
        assert traced(tmp_path / "net.yaml", "--node", quantity) == by_weight
    text = invoke("trace", tmp_path / "net.yaml", "--node", "m_w5", expect=0).stdout
    assert "m_w5 ← β1·m_w5 + (1 − β1)·∂E_total/∂w5 = 0.9 × (0) + 0.1 × (0.082167) = 0.0082167" in text


def test_one_samples_gradient_is_traced_for_that_sample():
    assert traced("--example", "batch-average", "--node", "dL/dw211[2]") == \
        traced("--example", "batch-average", "--weight", "w211", "--sample", "2")
    out = invoke("trace", "--example", "batch-average", "--node", "dL/dw211[2]", "--sample", "3", expect=2)
    assert "--node dL/dw211[2] is of sample 2, --sample says 3" in out.stderr


def test_a_nodes_gradient_is_traced_as_the_node():
    assert traced("--example", "padhai-4-4-2", "--node", "dL/dz13") == \
        traced("--example", "padhai-4-4-2", "--node", "z13")


@pytest.mark.parametrize("quantity, said", [
    ("w212_after3", "a value after several updates: `backprop key --quantity w212_after3` gives its value"),
    ("loss_after2", "`backprop train --epochs K --log steps.csv` writes every update's values"),
    ("dyhat1/dz21", "a partial derivative between two nodes: `backprop key --quantity dyhat1/dz21` gives its value"),
    ("loss", "the loss: `backprop trace` prints it"),
])
def test_what_one_pass_does_not_show_is_refused_with_where_to_look(quantity, said):
    out = invoke("trace", "--example", "padhai-4-4-2", "--node", quantity, expect=2)
    assert f"--node {quantity}: not traced path by path; " in out.stderr and said in out.stderr
    assert "Traceback" not in out.stderr


def test_a_name_that_is_nothing_still_gets_the_nodes_hint():
    out = invoke("trace", "--example", "padhai-4-4-2", "--node", "zz1", expect=2)
    assert "'zz1' is not a node of the network: write x{k}, z{layer}{neuron}" in out.stderr
