"""Issue 24's recurrent and batch-norm layers (and the day's trace and train changes) against hostile
specs (contract sections 8 and 9): one regression test per defect found by attacking them, end to
end through the command line.

Each test passes when the defect is fixed and fails when it is not."""
import pytest
from conftest import invoke

_BATCHNORM = """\
inputs: {inputs}
targets: [[1], [0], [1], [0]]
loss: binary_cross_entropy
layers:
  - activation: linear
    weights: [[0.1, -0.2], [0.3, 0.4], [0.5, 0.2]]
  - type: batchnorm
    activation: relu
  - activation: sigmoid
    weights: [[0.7, -0.6, 0.3]]
"""


def test_a_batch_whose_variance_overflows_is_refused_not_normalised_to_zero(tmp_path):
    # inputs of 1e200: σ² overflowed to inf, so every x̂ was 0 and grad printed every gradient as 0
    # (the true ones are not: batch norm is scale-invariant); trace --format json died with an
    # internal error (exit 3) on the inf in its forward values, after numpy's RuntimeWarning
    spec = tmp_path / "bn.yaml"
    spec.write_text(_BATCHNORM.format(inputs="[[1e200, 1e200], [0, 1], [2, -1], [0.5, 0.5]]"))
    for command in (["grad"], ["trace", "--format", "json"], ["gradcheck"]):
        result = invoke(*command, spec, expect=2)
        assert "variance of batch-norm layer 2" in result.stderr and "overflow" in result.stderr
        assert "RuntimeWarning" not in result.stderr and result.stdout == ""


def test_trace_node_after_zero_updates_is_the_parameter_not_an_internal_error():
    # w212_after0 parsed as a value after K = 0 updates and reached core.updatesteps' own bound:
    # "Internal error (ValueError: ... not 0)", exit 3
    result = invoke("trace", "--example", "padhai-4-4-2", "--node", "w212_after0", expect=0)
    assert "w212" in result.stdout and "Internal error" not in result.stderr
    result = invoke("trace", "--example", "padhai-4-4-2", "--node", "loss_after0", expect=2)
    assert "--node loss_after0: not traced path by path; the loss" in result.stderr


@pytest.mark.slow
def test_many_learning_rates_side_by_side_are_bounded_before_any_array_is_made():
    # --lr A,B,... tiled every parameter and node array once per rate, without a bound: 10 rates of a
    # 1,000,000-parameter network held 670 MB, 1,000 rates would have held 65 GB
    rates = ",".join(f"{0.001 * (i + 1):g}" for i in range(100_001))
    result = invoke("train", "--example", "padhai-4-4-2", "--epochs", "1", "--lr", rates, expect=2)
    assert "100,001 learning rates side by side" in result.stderr and "compare at most" in result.stderr
    assert "Traceback" not in result.output


def test_a_sequences_and_a_batchs_rows_are_hinted_as_time_steps_and_samples_not_weights(tmp_path):
    # a ragged `sequence:` was hinted "every row needs one weight per neuron of the previous layer",
    # an empty one "write one row per neuron", a flat `targets:` "row j holds the weights into neuron j"
    spec = tmp_path / "seq.yaml"
    layers = ("loss: squared_error\nlayers:\n  - type: recurrent\n    input_weights: [[0.1, -0.2]]\n"
              "    recurrent_weights: [[0.5]]\n")
    spec.write_text("sequence: [[1, 0], [0.5]]\ntargets: [0.5, 0.1]\n" + layers)
    result = invoke("grad", spec, expect=2)
    assert "hint: every time step has the same number of values (2)" in result.stderr
    assert "weight" not in result.stderr and "neuron" not in result.stderr
    spec.write_text("sequence: [[1, 0], [0.5, 1]]\ntargets: [0.5, 0.1]\n" + layers)
    assert "row 1 holds time step 1's values" in invoke("grad", spec, expect=2).stderr
    spec.write_text("inputs: [[1, 0], [0.5]]\ntargets: [[1], [0]]\nloss: mse\nlayers:\n  - weights: [[1, 2]]\n")
    assert "hint: every sample has the same number of values (2)" in invoke("grad", spec, expect=2).stderr


def _stacked(layers: int, steps: int) -> str:
    recurrent = ("  - type: recurrent\n    input_weights: [[0.1, 0.1], [0.1, 0.1]]\n"
                 "    recurrent_weights: [[0.2, 0.2], [0.2, 0.2]]\n")
    return (f"sequence: {[[1, 0]] * steps}\ntargets: {[[0.1]] * steps}\nloss: squared_error\nlayers:\n"
            + recurrent * layers + "  - activation: linear\n    weights: [[0.5, 0.5]]\n")


@pytest.mark.slow
def test_gradcheck_over_a_sequence_counts_its_steps_and_loops_so_a_deep_stack_is_refused_up_front(tmp_path):
    # the bound counted one sample's work (the steps were ignored) and none of the recurrence's
    # Python-level loop: 400 stacked recurrent layers over 5 steps ran for minutes
    spec = tmp_path / "stack.yaml"
    spec.write_text(_stacked(400, 5))
    result = invoke("gradcheck", spec, expect=2)
    assert "checking 4,003 parameters one by one" in result.stderr and "a shorter sequence" in result.stderr
    spec.write_text(_stacked(2, 3))
    invoke("gradcheck", spec, expect=0)


def test_a_batch_of_equal_samples_with_eps_0_is_refused_by_its_cause_without_numpy_warnings(tmp_path):
    # σ² = 0 and eps = 0: numpy's RuntimeWarning (with a path into the package) on stderr, then
    # "the loss of sample 1 is nan: an output overflowed", which names neither batch norm nor eps
    spec = tmp_path / "bn.yaml"
    spec.write_text(_BATCHNORM.format(inputs="[[1, 2], [1, 2], [1, 2], [1, 2]]").replace(
        "    activation: relu\n", "    activation: relu\n    eps: 0\n"))
    result = invoke("grad", spec, expect=2)
    assert "feature 1 of batch-norm layer 2 is the same in every sample (σ² = 0) and eps is 0" in result.stderr
    assert "RuntimeWarning" not in result.stderr


def test_a_sequence_whose_output_overflows_names_the_time_step_not_a_sample(tmp_path):
    # over one sequence, "the loss of sample 2 is inf" named a sample the spec does not have
    spec = tmp_path / "seq.yaml"
    spec.write_text("sequence: [[1], [1], [1]]\ntargets: [[0], [0], [0]]\nloss: squared_error\nlayers:\n"
                    "  - type: recurrent\n    input_weights: [[1e300]]\n    recurrent_weights: [[1e300]]\n"
                    "    activation: relu\n")
    result = invoke("grad", spec, expect=2)
    assert "the loss of time step 1 is inf" in result.stderr and "sample" not in result.stderr


def test_trace_node_refusals_over_batch_norm_and_sequences_speak_of_the_network_at_hand():
    # over batch norm, 'xhat21[1]/dz' was told "a recurrent layer's paths go h to h", and every
    # refusal listed a sequence's names; an answers file's dL/dgamma21 or a parameter was only
    # "not a node", without saying those are traced on dense networks or with --weight
    example = ("--example", "batchnorm-batch-of-4")
    assert "recurrent" not in invoke("trace", *example, "--node", "xhat21[1]/dz", expect=2).stderr
    result = invoke("trace", *example, "--node", "dL/dgamma21", expect=2)
    assert "through batch norm write" in result.stderr and "@" not in result.stderr
    assert "traced on dense networks only" in result.stderr
    assert "trace it with --weight gamma21" in invoke("trace", *example, "--node", "gamma21", expect=2).stderr
    result = invoke("trace", "--example", "rnn-2-unit-3-steps", "--node", "dL/dwh111@2", expect=2)
    assert "write x1@2" in result.stderr and "batch norm" not in result.stderr


def test_a_sequence_with_both_target_and_targets_is_refused_not_one_silently_ignored(tmp_path):
    # `target:` (the last step's) beside `targets:` (every step's): target was dropped without a word
    spec = tmp_path / "seq.yaml"
    spec.write_text("sequence: [[1], [2]]\ntarget: [1]\ntargets: [[0], [1]]\nloss: squared_error\nlayers:\n"
                    "  - type: recurrent\n    input_weights: [[0.5]]\n    recurrent_weights: [[0.5]]\n")
    result = invoke("grad", spec, expect=2)
    assert "seq.yaml:3:1: both 'target' and 'targets' are given" in result.stderr and result.stdout == ""
