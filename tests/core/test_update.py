"""core.update: the gradient-descent step, its printed rule and the stepped layers (through
core.packing's flat vector, as Result.stepped_arrays does)."""
import numpy as np
import pytest

from backprop_cli.core.functions import LOSSES, activation
from backprop_cli.core.names import parameter_name
from backprop_cli.core.network import Layer, Network
from backprop_cli.core.packing import Packing
from backprop_cli.core.update import SGD, State, optimizer_step, rule, updated, worked


def stepped_layers(net, weight_grads, bias_grads, rate, frozen):
    """(weights, biases) of every layer after one plain update, `frozen` as (kind, layer, j, k)."""
    net = net.replace(frozen=frozenset(parameter_name(*index) for index in frozen))
    packing = Packing(net)
    after, _ = optimizer_step(SGD, packing.values(net.layers), packing.gradients(weight_grads, bias_grads),
                              State(), rate, packing.frozen)
    return packing.arrays(after)


def test_updated_scalar_and_array():
    assert updated(0.8, -0.5, 0.1) == pytest.approx(0.85)
    assert updated(1.0, 2.0, 0.5) == 0.0
    assert updated(np.array([1.0, 2.0]), np.array([4.0, -2.0]), 0.25).tolist() == [0.0, 2.5]


def test_rule_and_worked_strings():
    assert rule("w212") == "w212 ← w212 − η·∂L/∂w212"
    assert rule("w5", "E_total") == "w5 ← w5 − η·∂E_total/∂w5"
    text = worked("w212", 0.8, 1.0, -0.130377, 0.930377, show=lambda v: f"{v:g}", strong=lambda t: f"**{t}**")
    assert text == "w212 ← w212 − η·∂L/∂w212 = 0.8 − 1 × (-0.130377) = **0.930377**"
    assert worked("b1", 1.0, 0.5, 2.0, 0.0, show=str, loss="f") == "b1 ← b1 − η·∂f/∂b1 = 1.0 − 0.5 × (2.0) = 0.0"


def network(styles):
    return Network([Layer(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.5, -0.5]) if styles[0] != "shared"
                          else np.array([0.5, 0.5]), activation("linear"), styles[0]),
                    Layer(np.array([[1.0, -1.0]]), np.array([0.0]) if styles[1] == "none" else np.array([2.0]),
                          activation("linear"), styles[1])], LOSSES["mse"])


def test_stepped_layers_each_shared_none_and_frozen():
    wg = [None, np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[10.0, -10.0]])]
    bg = [None, np.array([1.0, 3.0]), np.array([5.0])]
    out = stepped_layers(network(("each", "each")), wg, bg, 0.1, [])
    assert out[0][0] == pytest.approx(np.array([[0.9, 1.8], [2.7, 3.6]]))
    assert out[0][1] == pytest.approx([0.4, -0.8])
    assert out[1][0] == pytest.approx(np.array([[0.0, 0.0]])) and out[1][1] == pytest.approx([1.5])
    # shared: moves by η × the sum of its neurons' gradients; none: stays 0
    out = stepped_layers(network(("shared", "none")), wg, bg, 0.1, [])
    assert out[0][1] == pytest.approx([0.5 - 0.1 * 4.0] * 2)
    assert out[1][1].tolist() == [0.0]
    # frozen parameters keep their values
    net = network(("each", "each"))
    out = stepped_layers(net, wg, bg, 0.1, [("w", 1, 2, 1), ("b", 2, 1, None)])
    assert out[0][0][1, 0] == 3.0 and out[0][0][1, 1] == pytest.approx(3.6) and out[0][0][0, 0] == pytest.approx(0.9)
    assert out[1][1].tolist() == [2.0]
    assert out[0][1] == pytest.approx([0.4, -0.8])
    net = network(("shared", "each"))
    out = stepped_layers(net, wg, bg, 0.1, [("b", 1, None, None)])
    assert out[0][1].tolist() == [0.5, 0.5]
    assert net.layers[0].weights[0, 0] == 1.0  # the network itself is left alone


def test_shared_bias_gradient_that_cancels_moves_nothing():
    wg = [None, np.zeros((2, 2)), np.zeros((1, 2))]
    bg = [None, np.array([0.1 + 0.2, -0.3]), np.array([0.0])]
    assert bg[1].sum() != 0.0
    out = stepped_layers(network(("shared", "each")), wg, bg, 1.0, [])
    assert out[0][1].tolist() == [0.5, 0.5]


def test_an_update_that_overflows_is_inf_not_an_error():
    wg = [None, np.array([[1e308, 0.0], [0.0, 0.0]]), np.array([[0.0, 0.0]])]
    bg = [None, np.array([0.0, 0.0]), np.array([0.0])]
    with np.errstate(all="raise"):
        out = stepped_layers(network(("each", "each")), wg, bg, -10.0, [])
    assert out[0][0][0, 0] == np.inf


def test_each_optimisers_worked_lines_plug_in_its_own_numbers():
    from backprop_cli.core.update import OPTIMIZERS, Optimizer, rules, worked_lines

    show = lambda v: f"{v:g}"  # noqa: E731
    for name in OPTIMIZERS:
        opt = Optimizer(name)
        start = State(1, {k: np.array([0.5]) for k in opt.state_names})
        after, state = optimizer_step(opt, np.array([0.8]), np.array([-0.25]), start, 0.1)
        lines = worked_lines(opt, "w212", 0.8, 0.1, -0.25, float(after[0]), show,
                             before=dict.fromkeys(opt.state_names, 0.5),
                             state={k: float(a[0]) for k, a in state.arrays.items()}, step=2)
        assert lines[-1].endswith(f" = {show(float(after[0]))}") and lines[-1].startswith("w212 ← w212 − η·")
        assert len(lines) == len(rules(opt, "w212"))
        assert all(line.startswith(r + " = ") for line, r in zip(lines, rules(opt, "w212")))
        for k, array in state.arrays.items():  # each state line ends in the state's new value
            assert any(line.startswith(f"{k}_w212 ← ") and line.endswith(f" = {show(float(array[0]))}")
                       for line in lines), (name, k)
    adam = worked_lines(Optimizer("adam"), "w", 0.0, 0.1, 4.0, -0.1, show, before={"m": 0, "v": 0},
                        state={"m": 0.4, "v": 0.016}, step=1)  # q4quant's first Adam update
    assert adam == ["m_w ← β1·m_w + (1 − β1)·∂L/∂w = 0.9 × (0) + 0.1 × (4) = 0.4",
                    "v_w ← β2·v_w + (1 − β2)·(∂L/∂w)² = 0.999 × 0 + 0.001 × (4)² = 0.016",
                    "m̂ = m_w/(1 − β1^t) = (0.4)/(1 − 0.9^1) = 4",
                    "v̂ = v_w/(1 − β2^t) = 0.016/(1 − 0.999^1) = 16",
                    "w ← w − η·m̂/(√v̂ + ε) = 0 − 0.1 × (4)/(√16 + 1e-08) = -0.1"]
