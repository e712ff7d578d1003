"""grading.dependencies, the cases the mutation run found untested: the loss's inputs, a shared
bias (one parameter fed by every δ of its layer), a softmax in the first layer and at the output,
and a hidden ∂L/∂a fed by every δ of the next layer when the layers' widths differ."""
from backprop_cli.core.names import notation as make_notation
from backprop_cli.grading.dependencies import ancestors, node_of, step_inputs
from backprop_cli.grading.quantities import parse_quantity
from backprop_cli.spec.reader import load_spec


def network(layers: str, input_="[1.0, 0.5]", target="[1.0]", loss="squared_error"):
    text = f"input: {input_}\ntarget: {target}\nloss: {loss}\nlearning_rate: 0.5\nlayers:\n{layers}"
    result = load_spec(text=text).compute()
    notation = make_notation("default", result.network.names)

    def node(q):
        return node_of(result, parse_quantity(q, notation), notation)

    return result, node


SHARED = """\
  - activation: sigmoid
    weights: [[0.4, -0.2], [0.3, 0.6]]
    biases: {shared: 0.1}
  - activation: linear
    weights: [[0.7, -0.5]]
    biases: [0.2]
"""


def test_the_loss_is_computed_from_every_output():
    result, node = network(SHARED)
    assert set(step_inputs(result, ("L",))) == {("value", "a", 2, 0, 0)}
    assert ancestors(result, node("loss"), {node("yhat1")}) == {node("yhat1")}


def test_a_shared_bias_gradient_sums_every_delta_of_its_layer():
    result, node = network(SHARED)
    assert node("dL/db1") == ("b", 1, None, None)
    assert sorted(step_inputs(result, node("dL/db1"))) == [("gradient", "z", 1, 0, 0), ("gradient", "z", 1, 1, 0)]
    assert ancestors(result, node("dL/db1"), {node("dL/dz12")}) == {node("dL/dz12")}
    assert sorted(step_inputs(result, node("dL/db21"))) == [("gradient", "z", 2, 0, 0)]


SOFTMAX_FIRST = """\
  - activation: softmax
    weights: [[0.4, -0.2], [0.3, 0.6]]
    biases: [0.1, -0.1]
"""


def test_a_softmax_in_the_first_layer_takes_every_z_of_its_layer():
    result, node = network(SOFTMAX_FIRST, target="[1.0, 0.0]", loss="cross_entropy")
    # ŷ1 = exp(z11) / (exp(z11) + exp(z12)): it moves with z12 too
    assert sorted(step_inputs(result, node("a11"))) == [("value", "z", 1, 0, 0), ("value", "z", 1, 1, 0)]
    assert ancestors(result, node("yhat1"), {node("z12")}) == {node("z12")}
    # ∂L/∂z11 = Σi ∂L/∂ŷi ∂ŷi/∂z11 with ∂ŷi/∂z11 = ŷi(δi1 − ŷ1): every ∂L/∂a, z and a of the layer
    assert sorted(step_inputs(result, node("dL/dz11"))) == [
        ("gradient", "a", 1, 0, 0), ("gradient", "a", 1, 1, 0), ("value", "a", 1, 0, 0), ("value", "a", 1, 1, 0),
        ("value", "z", 1, 0, 0), ("value", "z", 1, 1, 0)]


SOFTMAX_OUTPUT = """\
  - activation: sigmoid
    weights: [[0.4, -0.2], [0.3, 0.6]]
    biases: [0.1, -0.1]
  - activation: softmax
    weights: [[0.7, -0.5], [0.2, 0.1]]
    biases: [0.2, 0.0]
"""


def test_a_softmax_output_depends_on_the_other_outputs_z():
    result, node = network(SOFTMAX_OUTPUT, target="[1.0, 0.0]", loss="cross_entropy")
    assert ancestors(result, node("yhat1"), {node("z22")}) == {node("z22")}


WIDENING = """\
  - activation: sigmoid
    weights: [[0.4], [0.3]]
    biases: [0.1, -0.1]
  - activation: sigmoid
    weights: [[0.7, -0.5], [0.2, 0.1], [-0.3, 0.4]]
    biases: [0.2, 0.0, 0.1]
"""


def test_a_hidden_activation_gradient_sums_over_every_unit_of_the_next_layer():
    # 1-2-3: ∂L/∂a11 = Σ_{j=1..3} ∂L/∂z2j · w2j1, three terms (not as many as the layer below has)
    result, node = network(WIDENING, input_="[1.0]", target="[1.0, 0.0, 0.5]")
    assert sorted(step_inputs(result, node("dL/da11"))) == [("gradient", "z", 2, m, 0) for m in range(3)]
    assert ancestors(result, node("dL/da11"), {node("dL/dz23")}) == {node("dL/dz23")}


def test_the_search_expands_each_node_once(monkeypatch):
    # from the loss of the tiny 2-2-1 network (sigmoid, linear), every path back to x reaches the
    # same nodes many times over: each is expanded once, however many paths lead to it
    from backprop_cli.grading import dependencies

    result, node = network(SHARED)
    expanded = []
    real = dependencies.step_inputs

    def counting(r, n):
        expanded.append(n)
        return real(r, n)

    monkeypatch.setattr(dependencies, "step_inputs", counting)
    found = ancestors(result, node("dL/dw111"), {node("x1"), node("x2")})
    assert found == {node("x1"), node("x2")}
    assert len(expanded) == len(set(expanded))


def test_the_gradient_of_the_loss_by_itself_has_no_node():
    result, node = network(SHARED)
    assert node("loss") == ("L",)
    assert node("dL/dL") is None


def test_a_delta_reads_a_where_its_slope_is_taken_from_a():
    # σ′ = a(1 − a): ∂L/∂z11 is computed from a11 too (a wrong a11 makes it wrong); relu′ reads z alone;
    # either way δ multiplies by the unit's slope, a step of its own a file may state (σ′ = 0.2395)
    result, node = network(SHARED)
    assert node("a11") in step_inputs(result, node("dL/dz11"))
    assert step_inputs(result, ("slope", 1, 0, 0)) == [("value", "a", 1, 0, 0)]  # σ′ = a11(1 − a11)
    relu = SHARED.replace("activation: sigmoid", "activation: relu")
    result, node = network(relu)
    assert sorted(step_inputs(result, node("dL/dz11"))) == [("gradient", "a", 1, 0, 0), ("slope", 1, 0, 0),
                                                            ("value", "z", 1, 0, 0)]
    assert step_inputs(result, ("slope", 1, 0, 0)) == [("value", "z", 1, 0, 0)]  # relu′: 1 where z11 > 0
