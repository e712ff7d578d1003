"""core.functions: activations and losses against math-module values and central differences."""
import math

import numpy as np
import pytest

from backprop_cli.core.functions import (
    ACTIVATIONS,
    LOSSES,
    Activation,
    activation,
    log_softmax,
    make_leaky_relu,
    softplus,
)

ZS = [-2.5, -0.7, -1e-3, 1e-3, 0.4, 1.9]


def sig(z):
    return 1.0 / (1.0 + math.exp(-z))


def fd(f, z, eps=1e-6):
    return (f(z + eps) - f(z - eps)) / (2 * eps)


EXPECTED = {
    "linear": lambda z: z,
    "sigmoid": sig,
    "tanh": math.tanh,
    "relu": lambda z: z if z > 0 else 0.0,
    "leaky_relu": lambda z: z if z > 0 else 0.01 * z,
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_elementwise_values_and_derivatives(name):
    act = ACTIVATIONS[name]
    z = np.array(ZS)
    a = act.forward(z)
    assert a == pytest.approx([EXPECTED[name](v) for v in ZS], rel=1e-14, abs=1e-300)
    d = act.derivative(z, a)
    assert d == pytest.approx([fd(EXPECTED[name], v) for v in ZS], rel=1e-6)
    assert act.elementwise
    # backward multiplies by the upstream gradient
    g = np.array([[0.5, -2.0, 3.0, 1.0, -1.5, 0.25]])
    assert act.backward(z[None, :], a[None, :], g)[0] == pytest.approx(g[0] * d, rel=1e-14)
    assert act.jacobian(z, a) == pytest.approx(d)


def test_sigmoid_extremes_do_not_overflow():
    with np.errstate(over="raise", invalid="raise"):
        a = ACTIVATIONS["sigmoid"].forward(np.array([-800.0, -40.0, 0.0, 40.0, 800.0]))
    assert a[0] == 0.0 and a[4] == 1.0 and a[2] == 0.5
    assert a[1] == pytest.approx(math.exp(-40) / (1 + math.exp(-40)), rel=1e-14)
    assert a[3] == pytest.approx(1 / (1 + math.exp(-40)), rel=1e-15)


def test_relu_derivative_at_zero_is_zero():
    relu = ACTIVATIONS["relu"]
    z = np.array([-1.0, 0.0, 2.0])
    d = relu.derivative(z, relu.forward(z))
    assert d.tolist() == [0.0, 0.0, 1.0]
    assert d.dtype == np.float64


def test_leaky_relu_derivative_at_zero_is_alpha_as_pytorch():
    # torch.nn.functional.leaky_relu(z, 0.1).backward() at z = 0 gives 0.1 (negative_slope):
    # PyTorch's kernel uses `z > 0 ? grad : grad * slope`
    leaky = activation("leaky_relu", 0.1)
    z = np.array([0.0])
    assert leaky.derivative(z, leaky.forward(z)).tolist() == [0.1]
    assert ACTIVATIONS["leaky_relu"].derivative(z, z).tolist() == [0.01]


def test_leaky_relu_alpha_and_label():
    leaky = make_leaky_relu(0.2)
    z = np.array([-3.0, 2.0])
    assert leaky.forward(z).tolist() == [-3.0 * 0.2, 2.0]
    assert leaky.derivative(z, leaky.forward(z)).tolist() == [0.2, 1.0]
    assert leaky.label == "leaky_relu(alpha=0.2)"
    assert leaky.formula == "max(z, 0.2·z)"
    assert leaky.derivative_formula == "(1 if {z} > 0 else 0.2)"
    assert ACTIVATIONS["relu"].label == "relu"
    assert activation("leaky_relu").alpha == 0.01
    assert activation("leaky_relu", 0.3).alpha == 0.3
    assert activation("relu", 0.3) is ACTIVATIONS["relu"]
    with pytest.raises(KeyError):
        activation("swish")


def softmax_ref(zs):
    e = [math.exp(z) for z in zs]
    return [v / sum(e) for v in e]


def test_softmax_value_jacobian_and_backward():
    sm = ACTIVATIONS["softmax"]
    assert not sm.elementwise and sm.derivative is None
    z = np.array([0.3, -1.2, 2.0, 0.7])
    a = sm.forward(z)
    assert a == pytest.approx(softmax_ref(z.tolist()), rel=1e-14)
    jac = sm.jacobian(z, a)
    eps = 1e-6
    for m in range(4):
        up, down = z.copy(), z.copy()
        up[m] += eps
        down[m] -= eps
        column = (np.array(softmax_ref(up.tolist())) - np.array(softmax_ref(down.tolist()))) / (2 * eps)
        assert jac[:, m] == pytest.approx(column, rel=1e-6, abs=1e-10)
    g = np.array([0.5, -1.0, 2.0, 0.1])
    assert sm.backward(z[None], a[None], g[None])[0] == pytest.approx(jac.T @ g, rel=1e-12)
    # the diagonal keeps its digits where a_i rounds to 1
    z = np.array([0.0, -40.0, -45.0])
    a = sm.forward(z)
    diag = sm.jacobian(z, a)[0, 0]
    assert diag == pytest.approx(math.exp(-40) + math.exp(-45), rel=1e-10)


def test_softmax_of_large_values_is_stable():
    a = ACTIVATIONS["softmax"].forward(np.array([[1000.0, 1000.0]]))
    assert a.tolist() == [[0.5, 0.5]]


def test_log_softmax_and_softplus():
    z = np.array([1.0, 2.0, -3.0])
    ref = [v - math.log(sum(math.exp(u) for u in z)) for v in z]
    assert log_softmax(z) == pytest.approx(ref, rel=1e-14)
    assert log_softmax(np.array([0.0, -2000.0]))[1] == pytest.approx(-2000.0)
    for v in [-30.0, -1.0, 0.0, 0.5, 30.0]:
        assert softplus(np.array(v)) == pytest.approx(math.log1p(math.exp(v)), rel=1e-14)
    assert softplus(np.array(1000.0)) == 1000.0
    assert softplus(np.array(-1000.0)) == 0.0


def test_formulas_and_names():
    assert ACTIVATIONS["sigmoid"].derivative_formula == "{a}(1 − {a})"
    assert ACTIVATIONS["tanh"].derivative_formula == "1 − {a}²"
    assert ACTIVATIONS["relu"].derivative_formula == "(1 if {z} > 0 else 0)"
    assert ACTIVATIONS["linear"].derivative_formula == "1"
    assert ACTIVATIONS["softmax"].cross_formula == "−{ai}·{am}"
    assert all(act.name == name for name, act in ACTIVATIONS.items())
    assert isinstance(ACTIVATIONS["linear"], Activation)
    assert LOSSES["cross_entropy"].derivative_formula == "−{y}/{yhat}"
    assert LOSSES["none"].target == "g" and LOSSES["mse"].target == "y"


def loss_ref(name, p, t):
    if name == "squared_error":
        return sum((a - b) ** 2 for a, b in zip(p, t))
    if name == "half_squared_error":
        return 0.5 * sum((a - b) ** 2 for a, b in zip(p, t))
    if name == "mse":
        return sum((a - b) ** 2 for a, b in zip(p, t)) / len(t)
    if name == "cross_entropy":
        return -sum(b * math.log(a) for a, b in zip(p, t) if b)
    if name == "binary_cross_entropy":
        return -sum(b * math.log(a) + (1 - b) * math.log(1 - a) for a, b in zip(p, t))
    return sum(a * b for a, b in zip(p, t))


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_values_and_gradients(name):
    loss = LOSSES[name]
    yhat = np.array([[0.2, 0.7, 0.4], [0.9, 0.15, 0.35]])
    y = np.array([[0.5, 0.7, 0.1], [0.3, 0.6, 0.25]])
    values = loss.value(yhat, y)
    assert values.shape == (2,)
    grad = loss.gradient(yhat, y)
    for s in range(2):
        assert values[s] == pytest.approx(loss_ref(name, yhat[s].tolist(), y[s].tolist()), rel=1e-13)
        for j in range(3):
            def f(v, s=s, j=j):
                p = yhat[s].tolist()
                p[j] = v
                return loss_ref(name, p, y[s].tolist())
            assert grad[s, j] == pytest.approx(fd(f, yhat[s, j]), rel=1e-6), (s, j)


def test_cross_entropy_zero_targets_ignore_zero_outputs():
    yhat = np.array([[0.0, 1.0]])
    y = np.array([[0.0, 1.0]])
    assert LOSSES["cross_entropy"].value(yhat, y).tolist() == [0.0]
    assert LOSSES["cross_entropy"].gradient(yhat, y).tolist() == [[0.0, -1.0]]
    bce = LOSSES["binary_cross_entropy"]
    assert bce.value(np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]])).tolist() == [0.0]
    assert bce.value(np.array([[0.5]]), np.array([[1.0]]))[0] == pytest.approx(math.log(2))
    assert bce.value(np.array([[0.25]]), np.array([[0.0]]))[0] == pytest.approx(-math.log(0.75))


def test_none_loss_gradient_is_the_upstream_gradient_broadcast():
    g = np.array([2.0, -1.0])
    grad = LOSSES["none"].gradient(np.zeros((3, 2)), g)
    assert grad.shape == (3, 2) and grad.tolist() == [[2.0, -1.0]] * 3
    grad[0, 0] = 9.0  # a copy, not a view of g
    assert g[0] == 2.0


def test_softmax_and_log_softmax_shift_each_sample_by_its_own_max():
    z = np.array([[1000.0, 1000.0], [0.0, 0.0], [-1000.0, -1001.0]])
    a = ACTIVATIONS["softmax"].forward(z)
    e = 1 / (1 + math.exp(-1))
    assert a.tolist() == [[0.5, 0.5], [0.5, 0.5], pytest.approx([e, 1 - e])]
    ls = log_softmax(z)
    assert ls[1].tolist() == pytest.approx([math.log(0.5)] * 2)
    assert ls[2].tolist() == pytest.approx([math.log(e), math.log(1 - e)])


def test_losses_are_silent_where_numpy_would_raise():
    with np.errstate(all="raise"):
        yhat, y = np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])
        assert math.isinf(LOSSES["cross_entropy"].value(yhat, y)[0])
        assert math.isinf(LOSSES["cross_entropy"].gradient(yhat, y)[0, 0])
        assert math.isinf(LOSSES["binary_cross_entropy"].value(np.array([[1.0]]), np.array([[0.0]]))[0])
        assert math.isnan(LOSSES["binary_cross_entropy"].gradient(np.array([[1.0]]), np.array([[1.0]]))[0, 0])
        assert math.isinf(LOSSES["binary_cross_entropy"].value(np.array([[0.0]]), np.array([[0.5]]))[0])


def test_zero_times_log_zero_is_silent():
    with np.errstate(all="raise"):
        assert LOSSES["cross_entropy"].value(np.array([[0.0, 1.0]]), np.array([[0.0, 1.0]])).tolist() == [0.0]
        assert LOSSES["binary_cross_entropy"].value(np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]])).tolist() == [0.0]
