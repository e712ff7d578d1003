"""grading.optimizer_reach, the cases a mutation run found untested: a learning rate other than 1
scales the step (2 doubles it), an optimiser's update is worked from both ends of the gradient's
interval, a negative factor scales an interval whose low end is not ±1, and a denominator whose
interval ends at 0 leaves any step possible."""
import backprop_cli as bp
from backprop_cli.core.names import notation
from backprop_cli.grading.optimizer_reach import WHOLE, _divide, _scale, optimizer_reach
from backprop_cli.grading.quantities import parse_quantity
from backprop_cli.grading.rule import precision_of

from .test_optimizer_reach import SPEC, W


def network(tmp_path, optimizer: str, rate: str = "0.5"):
    """The one linear unit of test_optimizer_reach (w = 0.5), with this optimiser and learning rate."""
    text = SPEC.format(optimizer=f"{{name: {optimizer}}}").replace("learning_rate: 0.5", f"learning_rate: {rate}")
    (tmp_path / "net.yaml").write_text(text, encoding="utf-8")
    result = bp.load_spec(tmp_path / "net.yaml").compute()
    return result, notation("default", result.network.names)


def test_a_learning_rate_of_2_doubles_the_step(tmp_path):
    # plain gradient descent: Δw = −η·g = −2 × 0.16 = −0.32 from a stated g = 0.16; w_new = 0.5 − 0.32
    result, names = network(tmp_path, "sgd", "2")
    assert result.learning_rate == 2
    delta, new = parse_quantity("Δw111", names), parse_quantity("w111_new", names)
    stated = {("gradient", delta.name, None): 0.16}
    low, high = optimizer_reach(result, delta, (0.16, 0.16), precision_of("0.00"), stated)
    assert abs(low + 0.32) < 1e-12 and abs(high + 0.32) < 1e-12
    low, high = optimizer_reach(result, new, (0.16, 0.16), precision_of("0.00"), stated)
    assert abs(low - (W - 0.32)) < 1e-12 and abs(high - (W - 0.32)) < 1e-12


def test_a_learning_rate_of_1_takes_the_direction_as_the_step(tmp_path):
    # η = 1: the step is g itself (nothing to multiply, nothing written down anew)
    result, names = network(tmp_path, "sgd", "1")
    delta = parse_quantity("Δw111", names)
    stated = {("gradient", delta.name, None): (0.1234, 0.1236)}
    assert optimizer_reach(result, delta, (0.1235, 0.1235), precision_of("0.00"), stated) == (-0.1236, -0.1234)


def test_an_optimisers_update_is_worked_from_both_ends_of_the_gradient(tmp_path):
    # momentum from a zero velocity: v = 0.9·0 + g = g, and the step η·v. The file states g as
    # anything from 0.15 to 0.17: v from 0.15 to 0.17, Δw = −0.5·v from −0.085 to −0.075
    result, names = network(tmp_path, "momentum")
    velocity, delta = parse_quantity("velocity_w111", names), parse_quantity("Δw111", names)
    stated = {("gradient", velocity.name, None): (0.15, 0.17)}
    low, high = optimizer_reach(result, velocity, (0.16, 0.16), precision_of("0.000"), stated)
    assert abs(low - 0.15) < 1e-12 and abs(high - 0.17) < 1e-12
    low, high = optimizer_reach(result, delta, (0.16, 0.16), precision_of("0.000"), stated)
    assert abs(low + 0.085) < 1e-12 and abs(high + 0.075) < 1e-12


def test_a_negative_factor_scales_both_ends():
    assert _scale(-2.0, (2.0, 4.0)) == (-8.0, -4.0)
    assert _scale(-0.5, (-4.0, 8.0)) == (-4.0, 2.0)
    assert _scale(3.0, (2.0, 4.0)) == (6.0, 12.0)


def test_a_denominator_whose_interval_ends_at_0_leaves_any_step_possible():
    # √v + ε with ε = 0 and v = 0: a division by an interval holding 0
    assert _divide((1.0, 2.0), (0.0, 0.0)) == WHOLE
    assert _divide((1.0, 2.0), (-1.0, 0.0)) == WHOLE
    assert _divide((1.0, 2.0), (0.5, 2.0)) == (0.5, 4.0)


def adam_after_step_1(tmp_path):
    """The spec under Adam after one step (m = 0.016, v = 2.56e-5 for w111), its Δw111, and the g at
    which the next step peaks: 0.1·(0.999·2.56e-5) = (0.9·0.016)·0.001·g."""
    text = SPEC.format(optimizer="{name: adam}") + "optimizer_state:\n  step: 1\n  w111: {m: 0.016, v: 2.56e-05}\n"
    (tmp_path / "net.yaml").write_text(text, encoding="utf-8")
    result = bp.load_spec(tmp_path / "net.yaml").compute()
    delta = parse_quantity("Δw111", notation("default", result.network.names))
    return result, delta, 0.1 * 0.999 * 2.56e-5 / (0.9 * 0.016 * 0.001)


def adam_step(g: float) -> float:
    """η·m̂/(√v̂ + ε) of the next step from that state, worked by hand for a gradient g."""
    m, v = 0.9 * 0.016 + 0.1 * g, 0.999 * 2.56e-5 + 0.001 * g * g
    return 0.5 * (m / (1 - 0.9 ** 2)) / ((v / (1 - 0.999 ** 2)) ** 0.5 + 1e-8)


def test_adams_step_is_reached_at_its_peak_inside_the_gradients_interval(tmp_path):
    # later in training (m = 0.016, v = 2.56e-5 after step 1) Adam's step η·m̂/(√v̂ + ε), with
    # m = 0.9·0.016 + 0.1·g and v = 0.999·2.56e-5 + 0.001·g², is no monotone function of g: it
    # peaks where 0.1·(0.999·2.56e-5) = (0.9·0.016)·0.001·g, at g = 0.1776 (4.256·η/(1 − 0.9²)·√(1 − 0.999²)
    # there, 4.162 at g = 0.2776, 3.942 at 0.0776). A g stated anywhere in [0.0776, 0.2776] reaches the peak.
    result, delta, peak = adam_after_step_1(tmp_path)
    assert abs(peak - 0.1776) < 1e-4

    assert adam_step(peak) > 1.02 * max(adam_step(peak - 0.1), adam_step(peak + 0.1))
    stated = {("gradient", delta.name, None): (peak - 0.1, peak + 0.1)}
    low, high = optimizer_reach(result, delta, (peak, peak), precision_of("1.00000e-01"), stated)
    assert low <= -adam_step(peak) <= high and low > -adam_step(peak) * (1 + 1e-4)  # the peak, within roundings
    assert high >= -adam_step(peak - 0.1) and high < -adam_step(peak - 0.1) * (1 - 1e-4)  # the lesser end: g = 0.0776


def test_adams_peak_is_reached_wherever_it_lies_inside_the_gradients_interval(tmp_path):
    # the same state, the peak (g = 0.1776) off the interval's middle: [peak − 0.05, peak + 0.15] has its
    # middle at 0.2276, and the step there and at both ends is below the peak's, which a student whose g
    # is 0.1776 reaches all the same
    result, delta, peak = adam_after_step_1(tmp_path)

    sampled = (peak - 0.05, peak + 0.05, peak + 0.15)  # the ends and the middle
    assert adam_step(peak) > 1.0005 * max(adam_step(g) for g in sampled)
    stated = {("gradient", delta.name, None): (peak - 0.05, peak + 0.15)}
    low, _ = optimizer_reach(result, delta, (peak, peak), precision_of("1.00000e-01"), stated)
    assert low <= -adam_step(peak)
