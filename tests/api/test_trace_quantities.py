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
    ("w212_after300", "trace works out at most 100 updates one by one: `backprop key --quantity w212_after300` gives "
                      "its value"),
    ("loss_after200", "`backprop train --epochs K --log steps.csv` writes every update's values"),
    ("loss", "the loss: `backprop trace` prints it"),
])
def test_what_one_pass_does_not_show_is_refused_with_where_to_look(quantity, said):
    out = invoke("trace", "--example", "padhai-4-4-2", "--node", quantity, expect=2)
    assert f"--node {quantity}: not traced path by path; " in out.stderr and said in out.stderr
    assert "Traceback" not in out.stderr


def test_a_name_that_is_nothing_still_gets_the_nodes_hint():
    out = invoke("trace", "--example", "padhai-4-4-2", "--node", "zz1", expect=2)
    assert "'zz1' is not a node of the network: write x{k}, z{layer}{neuron}" in out.stderr


@pytest.mark.slow
def test_a_partial_is_traced_in_every_format():
    out = invoke("trace", "--example", "padhai-4-4-2", "--node", "dyhat1/dz12", expect=0).stdout
    assert "∂ŷ1/∂z12   2 paths" in out and "sum of all paths = ∂ŷ1/∂z12 = 0.0168446" in out
    data = traced("--example", "padhai-4-4-2", "--node", "dyhat1/dz12")
    node, = data["nodes"]
    assert (node["of"], node["name"], node["path_count"]) == ("yhat1", "z12", 2)
    assert node["gradient"] == pytest.approx(sum(p["product"] for p in node["paths"]), rel=1e-12)
    markdown = invoke("trace", "--example", "padhai-4-4-2", "--node", "dyhat1/dz12", "--format", "markdown").stdout
    assert "## ∂ŷ1/∂z12 (2 paths)" in markdown and "= ∂ŷ1/∂z12 = **0.0168446**" in markdown
    latex = invoke("trace", "--example", "padhai-4-4-2", "--node", "dyhat1/dz12", "--format", "latex").stdout
    assert "yhat1" not in latex and r"\partial" in latex
    # w211 = w221 in the notes: ŷ1's two paths to z11 cancel, and trace says so as it does for L
    out = invoke("trace", "--example", "padhai-4-4-2", "--node", "dyhat1/dz11", expect=0).stdout
    assert "sum of all paths = ∂ŷ1/∂z11 = 0" in out and "cancel" in out


def test_a_partial_reads_its_names_in_the_notation_asked():
    # in the PadhAI notes' notation a12 is the pre-activation (our z12) and h12 the activation
    padhai = traced("--example", "padhai-4-4-2", "--notation", "padhai", "--node", "dyhat1/da12")["nodes"][0]
    default = traced("--example", "padhai-4-4-2", "--node", "dyhat1/dz12")["nodes"][0]
    assert padhai["gradient"] == default["gradient"] and padhai["path_count"] == default["path_count"] == 2
    assert traced("--example", "padhai-4-4-2", "--notation", "padhai", "--node", "dh12/dw121")["nodes"][0][
        "gradient"] == traced("--example", "padhai-4-4-2", "--node", "da12/dw121")["nodes"][0]["gradient"]
    # and its value is the one `key` gives
    key = invoke("key", "--example", "mazur-2-2-2", "--quantity", "dout_o1/dw1", "--decimals", "12", expect=0).stdout
    node = traced("--example", "mazur-2-2-2", "--node", "dout_o1/dw1")["nodes"][0]
    assert f"dout_o1/dw1: {node['gradient']:.12f}" in key


# --- a value after K updates, update by update -------------------------------------------------

def _adam_spec(tmp_path):
    from conftest import SPECS

    (tmp_path / "net.yaml").write_text((SPECS / "mazur-2-2-2.yaml").read_text(encoding="utf-8")
                                       + "optimizer: {name: adam}\n", encoding="utf-8")
    return tmp_path / "net.yaml"


@pytest.mark.slow
def test_a_value_after_k_updates_is_worked_update_by_update_as_step_makes_them(tmp_path):
    spec = _adam_spec(tmp_path)
    data = traced(spec, "--node", "w5_after3", "--node", "loss_after3")
    w5, loss = data["updates"]
    assert (w5["name"], w5["updates"], len(w5["steps"])) == ("w5", 3, 3) and loss["steps"] == []
    for k in range(3):  # each update as `step` makes it on the spec the update before wrote
        invoke("step", tmp_path / ("net.yaml" if k == 0 else f"s{k}.yaml"), "-o", tmp_path / f"s{k + 1}.yaml", expect=0)
        before = json.loads(invoke("grad", tmp_path / ("net.yaml" if k == 0 else f"s{k}.yaml"), "--weight", "w5",
                                   "--format", "json", expect=0).stdout)
        row, = before["parameters"]
        step = w5["steps"][k]
        assert (step["value"], step["gradient"], step["updated"]) == (row["value"], row["gradient"], row["updated"])
        assert loss["losses"][k] == w5["losses"][k] == before["loss"]
    after = json.loads(invoke("grad", tmp_path / "s3.yaml", "--weight", "w5", "--format", "json").stdout)
    assert w5["value"] == after["parameters"][0]["value"] and loss["value"] == after["loss"]
    assert w5["steps"][2]["state"]["m"] != 0  # Adam's m after update 3, as the worked lines plug it in
    # the same values `key` gives (its trajectory is the fast training loop)
    key = invoke("key", spec, "--quantity", "w5_after3", "--quantity", "loss_after3", "--decimals", "12").stdout
    assert f"w5_after3: {w5['value']:.12f}" in key and f"loss_after3: {loss['value']:.12f}" in key


def test_many_updates_show_the_first_and_last_and_count_the_rest(tmp_path):
    text = invoke("trace", "--example", "mazur-2-2-2", "--node", "w5_after40", expect=0).stdout
    assert "w5 after 40 updates" in text and "… 34 more updates" in text
    assert [line.split()[1] for line in text.splitlines() if line.startswith("  update ")] == \
        ["1", "2", "3", "38", "39", "40"]
    out = invoke("trace", "--example", "mazur-2-2-2", "--node", "w5_after101", expect=2)
    assert "trace works out at most 100 updates one by one: `backprop key --quantity w5_after101`" in out.stderr


@pytest.mark.slow
@pytest.mark.skipif(not __import__("shutil").which("pdflatex"), reason="pdflatex is not installed")
def test_updates_and_partials_compile_in_latex(tmp_path):
    import subprocess

    spec = _adam_spec(tmp_path)
    tex = invoke("trace", spec, "--node", "w5_after9", "--node", "dout_o1/dw1", "--format", "latex", expect=0).stdout
    assert r"after 9 updates" in tex and r"\dots" in tex
    (tmp_path / "d.tex").write_text(tex, encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "d.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout[-2000:]


def test_a_run_that_diverges_before_k_updates_says_where(tmp_path):
    (tmp_path / "net.yaml").write_text("input: [1.0]\ntarget: [1.0]\nloss: mse\nlearning_rate: 1000\nlayers:\n"
                                       "  - activation: linear\n    weights: [[3.0]]\n    biases: [0]\n")
    out = invoke("trace", tmp_path / "net.yaml", "--node", "w111_after90", expect=2)
    assert "training diverged at update" in out.stderr and "before 90 updates" in out.stderr
    assert "Traceback" not in out.stderr
