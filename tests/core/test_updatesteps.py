"""core.updatesteps: a value after K updates, update by update, as K `step`s make it."""
import pytest
from conftest import SPECS

from backprop_cli import load_spec
from backprop_cli.core.engine import run
from backprop_cli.core.names import notation
from backprop_cli.core.training import stepped
from backprop_cli.core.update import Optimizer
from backprop_cli.core.updatesteps import MAX_TRACED_UPDATES, trace_updates
from backprop_cli.errors import NumericalError


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_each_update_is_the_one_a_step_makes_from_the_last(optimizer):
    spec = load_spec(SPECS / "padhai-4-4-2.yaml")
    result = spec.compute()
    result = run(result.network.replace(optimizer=Optimizer(optimizer)), spec.inputs, spec.targets, 0.5)
    worked = trace_updates(result, "w212", 4, notation("default"))
    current = result
    for k, step in enumerate(worked.steps):  # an independent walk: checked pass, update, checked pass
        assert worked.losses[k] == current.loss
        assert (step.value, step.gradient, step.updated) == (current.value("w212"), current.gradient("w212"),
                                                             current.updated("w212"))
        assert step.optimizer.name == optimizer and (step.state == () if optimizer == "sgd" else step.state[0] == k + 1)
        current = run(current.network.replace(layers=stepped(current), state=current.stepped_state()),
                      spec.inputs, spec.targets, 0.5)
    assert worked.value == current.value("w212") and worked.losses[-1] == current.loss
    loss = trace_updates(result, None, 4, notation("default"))
    assert loss.steps == [] and loss.losses == worked.losses and loss.value == current.loss and loss.name == "L"


def test_at_most_a_hundred_updates_and_a_divergence_says_where():
    spec = load_spec(text="input: [1.0]\ntarget: [1.0]\nloss: mse\nlearning_rate: 1000\nlayers:\n"
                          "  - activation: linear\n    weights: [[3.0]]\n    biases: [0]\n")
    with pytest.raises(ValueError, match=f"at most {MAX_TRACED_UPDATES} updates"):
        trace_updates(spec.compute(), "w111", MAX_TRACED_UPDATES + 1, notation("default"))
    with pytest.raises(NumericalError, match=r"training diverged at update \d+ \(learning rate 1000\), before 90"):
        trace_updates(spec.compute(), "w111", 90, notation("default"))
