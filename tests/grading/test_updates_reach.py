"""A value after K updates as a student reaches it rounding as they go (training_quantities.updates_reach):
the value after K − 1 updates rounded as the answer is, less the K-th step worked out with each of its
own steps rounded the same way. The
true values come from an independent Adam and momentum written here with floats (PyTorch's definitions)."""
import math

import pytest

import backprop_cli as bp
from backprop_cli.core.names import notation
from backprop_cli.grading.intervals import Reach
from backprop_cli.grading.quantities import parse_quantity
from backprop_cli.grading.rule import precision_of

# f(θ) = θ² as one linear weight on the input 1 with target 0: ∂L/∂w = 2w
SPEC = """\
input: [1.0]
target: [0.0]
loss: squared_error
learning_rate: 0.1
optimizer: {optimizer}
layers:
  - {{activation: linear, weights: [[5.0]], biases: none}}
"""


def adam(k: int, w: float = 5.0, rate: float = 0.1, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8):
    m = v = 0.0
    for t in range(1, k + 1):
        g = 2 * w
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        w -= rate * (m / (1 - b1 ** t)) / (math.sqrt(v / (1 - b2 ** t)) + eps)
    return w


def momentum(k: int, w: float = 5.0, rate: float = 0.1, beta: float = 0.9):
    velocity = 0.0
    for _ in range(k):
        velocity = beta * velocity + 2 * w
        w -= rate * velocity
    return w


def interval(tmp_path, optimizer: str, quantity: str, written: str, frozen: str = ""):
    (tmp_path / "net.yaml").write_text(SPEC.format(optimizer=optimizer) + frozen, encoding="utf-8")
    result = bp.load_spec(tmp_path / "net.yaml").compute()
    names = notation("default", result.network.names)
    return Reach(result, names, precision_of(written)).interval(parse_quantity(quantity, names))


@pytest.mark.parametrize("k", [2, 3, 4])
@pytest.mark.parametrize("written", ["0.0000", "0.000"])
def test_adam_after_k_is_the_rounded_value_before_less_the_rounded_step(tmp_path, k, written):
    decimals = len(written) - 2
    half = 0.5 * 10.0 ** -decimals
    low, high = interval(tmp_path, "{name: adam}", f"w111_after{k}", written)
    before, now = adam(k - 1), adam(k)
    step = before - now
    # the page's way: each written to the answer's decimals, but never fewer than 3 significant digits
    kept = max(decimals, 2 - math.floor(math.log10(step)))
    rounded = round(before, decimals) - round(step, kept)
    assert low <= now <= high and low <= rounded <= high
    # no wider than the roundings of each value written down and of each update's own steps (m, v,
    # m̂, v̂, the root): a couple of units an update, never a blanket widening
    assert high - low <= 2 * k * half
    assert low >= now - 2 * k * half and high <= now + 2 * k * half


def test_adams_first_update_and_its_change_are_its_step_rounded(tmp_path):
    low, high = interval(tmp_path, "{name: adam}", "w111_new", "0.00")
    assert low <= adam(1) <= high and high - low <= 0.01 + 1e-12 and low > 4.88
    d_low, d_high = interval(tmp_path, "{name: adam}", "Δw111", "0.00")
    assert d_low <= adam(1) - 5.0 <= d_high < 0  # the change is −step, never +step


def test_momentum_after_two_updates(tmp_path):
    low, high = interval(tmp_path, "{name: momentum}", "w111_after2", "0.000")
    assert low <= momentum(2) <= high and high - low <= 0.001 + 1e-12
    # the spec's own value before the first update is exact: after 1 only the step is rounded
    low1, high1 = interval(tmp_path, "{name: momentum}", "w111_after1", "0.000")
    assert low1 <= momentum(1) <= high1 and high1 - low1 <= 0.0005 + 1e-12 + 1e-12


def test_a_frozen_parameter_never_moves(tmp_path):
    assert interval(tmp_path, "{name: adam}", "w111_after3", "0.0", "frozen: [w111]\n") == (5.0, 5.0)
    assert interval(tmp_path, "{name: adam}", "Δw111", "0.0", "frozen: [w111]\n") == (0.0, 0.0)


def test_a_frozen_parameters_state_stays_as_it_was(tmp_path):
    # frozen parameters keep their value and their optimiser state, which is none (PyTorch's: not in
    # the optimiser's list; a spec may not state one): 0 after any update
    assert interval(tmp_path, "{name: adam}", "m_w111", "0.00", "frozen: [w111]\n") == (0.0, 0.0)
    assert interval(tmp_path, "{name: momentum}", "velocity_w111", "0.00", "frozen: [w111]\n") == (0.0, 0.0)
