"""grading.dependencies: what each quantity is computed from, directly or through others, on the tiny
2-2-1 network (tests/grading/_tiny.py); asked through node_of and ancestors together, so that the
answers are about the chain rule's real dependencies, not how nodes are spelt."""
import pytest

from backprop_cli.grading.dependencies import ancestors, computed_from, node_of, shape_of
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
    ("dz21/dw211", "a11"), ("dz21/dw212", "z12"),  # ∂z21/∂w211 is a11 itself
])
def test_a_real_dependency(net, q, on):
    assert net(q, on)


@pytest.mark.parametrize("q, on", [
    ("z12", "a11"), ("a12", "z11"), ("z11", "a11"),  # across a layer's neurons, or backwards in the pass
    ("dL/dw111", "dL/dz12"), ("dL/dw211", "dL/dz11"), ("dL/db11", "dL/db12"),
    ("dL/dz21", "dL/dz11"),  # gradients flow down, never up
    ("w211_new", "dL/dw111"), ("yhat1", "dL/dyhat1"), ("a11", "loss"),
    ("dz21/dw211", "a12"), ("dz21/dw211", "dL/dz21"),  # a local derivative reads its input alone
])
def test_no_dependency(net, q, on):
    assert not net(q, on)


def test_a_right_answer_on_the_way_cuts_the_chain(net):
    # ∂L/∂w111 hangs on ŷ1 only through ∂L/∂z11 (and z11's own path back to x): stated right, the chain stops
    assert net("dL/dw111", "yhat1")
    assert not net("dL/dw111", "yhat1", through_right=["dL/dz11"])
    # ∂L/∂w211 still reaches a11 directly, whatever is right above
    assert net("dL/dw211", "a11", through_right=["dL/dz21"])




def test_computed_from_follows_every_step_back_but_never_sideways(tmp_path):
    # what a value may be a copy of: the quantities it is computed from, through others too (w211_new
    # reads ∂L/∂w211, which reads a11, which reads z11); a neighbour in the same layer is no source
    result, notation, _, _ = t.read(tmp_path, {"loss": "0.5"})
    texts = ["z11", "a11", "a12", "dL/dw211", "w211_new", "w212_new", "loss"]
    found = computed_from(result, shape_of(result, notation), {q: parse_quantity(q, notation) for q in texts})
    assert found["w211_new"] == {"z11", "a11", "a12", "dL/dw211"}  # (∂L/∂w211 hangs on ŷ, so on a12 too)
    assert found["a12"] == set() and found["a11"] == {"z11"}  # a11 and a12 beside each other
    assert "w211_new" not in found["w212_new"] and "loss" not in found["dL/dw211"]  # the loss feeds no gradient


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


def _one_search(result, node, wanted, stops, inputs):
    """ancestors() as it was written first, one depth-first search a node: the oracle for below()."""
    seen, stack, found = {node}, [node], set()
    while stack:
        for source in inputs(result, stack.pop()):
            if source not in seen:
                seen.add(source)
                if source in wanted:
                    found.add(source)
                if source not in stops:
                    stack.append(source)
    return found


def _every_node(result, roots, inputs):
    seen, stack = set(roots), list(roots)
    while stack:
        for source in inputs(result, stack.pop()):
            if source not in seen:
                seen.add(source)
                stack.append(source)
    return sorted(seen, key=repr)


@pytest.mark.parametrize("seed", range(6))
def test_one_pass_for_every_answer_finds_what_one_search_each_finds(seed):
    import json
    import random

    from backprop_cli.core.names import notation as make_notation
    from backprop_cli.grading.dependencies import below, step_inputs
    from backprop_cli.spec.reader import load_spec

    rng = random.Random(seed)
    sizes = [rng.randint(1, 3) for _ in range(rng.randint(3, 4))]
    layers = [{"activation": rng.choice(["sigmoid", "tanh", "softmax"] if i == len(sizes) - 2 else ["sigmoid", "relu"]),
               "weights": [[rng.choice([-0.5, 0.3, 0.7]) for _ in range(sizes[i])] for _ in range(sizes[i + 1])],
               "biases": [0.1] * sizes[i + 1]} for i in range(len(sizes) - 1)]
    batch = rng.random() < 0.5
    spec = {"loss": "squared_error", "learning_rate": 0.5, "layers": layers}
    spec.update({"inputs": [[0.5] * sizes[0]] * 2, "targets": [[1.0] * sizes[-1]] * 2} if batch else
                {"input": [0.5] * sizes[0], "target": [1.0] * sizes[-1]})
    result = load_spec(text=json.dumps(spec)).compute()
    notation = make_notation("default", result.network.names)
    top = [node_of(result, parse_quantity(q, notation), notation) for q in ("dL/dw111", "dL/db11")]
    nodes = _every_node(result, top, step_inputs)
    for _ in range(5):
        wanted = {n for n in nodes if rng.random() < 0.4}
        stops = {n for n in nodes if rng.random() < 0.2}
        roots = rng.sample(nodes, min(len(nodes), 8))
        assert below(result, roots, wanted, stops) == {
            root: _one_search(result, root, wanted, stops, step_inputs) for root in roots}


def test_one_pass_over_an_expression_finds_what_one_search_each_finds():
    from backprop_cli.grading.dependencies import below
    from backprop_cli.grading.expression_reach import ExpressionShape
    from backprop_cli.spec.expression import expression_from_text

    steps = "\n".join(["h0 = x", "h1 = sin(h0) * y", "h2 = h1 + h0", "h3 = h2 * h1", "h4 = exp(h3) + h2",
                       "f = h4 * h0"])
    result = expression_from_text(steps, {"x": 0.5, "y": 2.0}).compute()
    shape = ExpressionShape(result)
    nodes = _every_node(result, [("value", result.index("f")), ("gradient", result.index("x"))], shape.inputs)
    assert len(nodes) > 12

    def value(name):
        return "value", result.index(name)

    for wanted, stops in ((set(nodes), set()), (set(nodes), {value("h2")}),
                          ({value("h0"), ("gradient", result.index("h4"))}, {value("h3"), value("h1")})):
        assert below(result, nodes, wanted, stops, shape.inputs) == {
            n: _one_search(result, n, wanted, stops, shape.inputs) for n in nodes}


def test_at_most_max_visited_nodes_are_looked_past(monkeypatch):
    # a bound on the work of one pass: past it, a node is taken to read nothing
    from backprop_cli.grading import dependencies
    from backprop_cli.grading.expression_reach import ExpressionShape
    from backprop_cli.spec.expression import expression_from_text

    steps = "\n".join(["h0 = x"] + [f"h{k + 1} = sin(h{k})" for k in range(9)])
    result = expression_from_text(steps, {"x": 0.5}).compute()
    shape = ExpressionShape(result)
    chain = [("value", result.index(f"h{k}")) for k in range(10)]
    top, everything = chain[-1], set(chain)
    assert dependencies.below(result, [top], everything, inputs=shape.inputs)[top] == set(chain[:-1])
    monkeypatch.setattr(dependencies, "MAX_VISITED", 4)  # three nodes looked past: h9, h8 and h7
    assert dependencies.below(result, [top], everything, inputs=shape.inputs)[top] == set(chain[6:-1])


def test_a_wrong_answer_with_no_node_follows_from_nothing(tmp_path):
    # w111_after2 has no node of one pass: it is judged, and said to follow from no earlier answer
    import json

    from conftest import invoke

    t.folder(tmp_path)
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n  dL/dw111: 0.5\n  w111_after2: 0.1\n  a11: 3\n",
                                     encoding="utf-8")
    results = json.loads(invoke("check", tmp_path / "a.yaml", "--format", "json", expect=1).stdout)
    verdicts = {r["quantity"]: r["verdict"] for r in results["files"][0]["results"]}
    assert verdicts == {"dL/dw111": "wrong", "w111_after2": "wrong", "a11": "wrong"}


def test_an_outputs_loss_gradient_reads_its_own_output_alone():
    # ∂L/∂ŷ1 = 2(ŷ1 − y1): not ŷ2 (every loss is a sum over the outputs); ∂L/∂z11 reads both through
    # the δs above it (Mazur's 2-2-2, its own names for them)
    from conftest import SPECS

    from backprop_cli import load_spec
    from backprop_cli.core.names import notation as make_notation

    result = load_spec(SPECS / "mazur-2-2-2.yaml").compute()
    names = make_notation("default", result.network.names)

    def depends(q, on):
        node = node_of(result, parse_quantity(q, names), names)
        return node_of(result, parse_quantity(on, names), names) in ancestors(result, node, {
            node_of(result, parse_quantity(on, names), names)})

    assert depends("dL/dyhat1", "yhat1") and not depends("dL/dyhat1", "yhat2")
    assert depends("dL/dz11", "yhat2") and depends("dL/dz11", "yhat1")
