"""grading.dependencies: what each quantity is computed from, directly or through others, on the tiny
2-2-1 network (tests/grading/_tiny.py); asked through node_of and ancestors together, so that the
answers are about the chain rule's real dependencies, not how nodes are spelt."""
import pytest

from backprop_cli.grading.dependencies import ancestors, node_of
from backprop_cli.grading.quantities import parse_quantity

from . import _tiny as t


@pytest.fixture
def net(tmp_path):
    result, notation, _, _ = t.read(tmp_path, {"loss": "0.5"})

    def node(text):
        return node_of(result, parse_quantity(text, notation), notation)

    def depends(q, on, through_right=()):
        stops = {node(s) for s in through_right}
        return node(on) in ancestors(result, node(q), {node(on)}, stops)

    return depends


@pytest.mark.parametrize("q, on", [
    ("z11", "x2"), ("a11", "z11"), ("z21", "a12"), ("yhat1", "z11"), ("loss", "yhat1"), ("loss", "x1"),
    ("dL/dyhat1", "yhat1"), ("dL/dz21", "dL/dyhat1"), ("dL/da11", "dL/dz21"), ("dL/dz11", "dL/da11"),
    ("dL/dz11", "z11"), ("dL/dw111", "dL/dz11"), ("dL/dw111", "x1"), ("dL/dw211", "a11"),
    ("dL/dw211", "dL/dz21"), ("dL/db12", "dL/dz12"), ("w111_new", "dL/dw111"), ("b21_new", "dL/db21"),
    ("dL/dw122", "a11"),  # through ŷ: every backward quantity hangs on the whole forward pass
])
def test_a_real_dependency(net, q, on):
    assert net(q, on)


@pytest.mark.parametrize("q, on", [
    ("z12", "a11"), ("a12", "z11"), ("z11", "a11"),  # across a layer's neurons, or backwards in the pass
    ("dL/dw111", "dL/dz12"), ("dL/dw211", "dL/dz11"), ("dL/db11", "dL/db12"),
    ("dL/dz21", "dL/dz11"),  # gradients flow down, never up
    ("w211_new", "dL/dw111"), ("yhat1", "dL/dyhat1"), ("a11", "loss"),
])
def test_no_dependency(net, q, on):
    assert not net(q, on)


def test_a_right_answer_on_the_way_cuts_the_chain(net):
    # ∂L/∂w111 hangs on ŷ1 only through ∂L/∂z11 (and z11's own path back to x): stated right, the chain stops
    assert net("dL/dw111", "yhat1")
    assert not net("dL/dw111", "yhat1", through_right=["dL/dz11"])
    # ∂L/∂w211 still reaches a11 directly, whatever is right above
    assert net("dL/dw211", "a11", through_right=["dL/dz21"])



# the tiny network with a second sample
BATCH = t.SPEC.replace("name: tiny\ninput: [1.0, 0.5]\ntarget: [1.0]\n",
                       "inputs: [[1.0, 0.5], [0.2, -0.4]]\ntargets: [[1.0], [0.0]]\n")


def test_a_batchs_samples_are_nodes_of_their_own(tmp_path):
    from backprop_cli.core.names import notation as make_notation
    from backprop_cli.spec.reader import load_spec

    assert BATCH != t.SPEC
    (tmp_path / "b.yaml").write_text(BATCH, encoding="utf-8")
    result = load_spec(str(tmp_path / "b.yaml")).compute()
    n = make_notation("default", result.network.names)

    def node(text):
        return node_of(result, parse_quantity(text, n), n)

    def depends(q, on):
        return node(on) in ancestors(result, node(q), {node(on)})

    assert node("a11[1]") != node("a11[2]")
    assert depends("yhat1[2]", "a11[2]") and not depends("yhat1[2]", "a11[1]")  # a sample's forward pass is its own
    assert depends("dL/dw211", "a11[1]") and depends("dL/dw211", "a11[2]")  # a gradient sums over the batch
    assert depends("loss", "yhat1[1]") and depends("loss", "yhat1[2]")
