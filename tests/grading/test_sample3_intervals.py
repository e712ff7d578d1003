"""grading.intervals, survivors of mutation sample 3: a batch's loss[s] is judged on sample s's own
loss alone, and a shared bias's gradient, the sum of its layer's δ, reaches down to the sum of the
δ each rounded as the answer is."""
import backprop_cli

BATCH = """inputs: [[1.0], [2.0], [3.0]]
targets: [[0.0], [0.0], [0.0]]
loss: squared_error
learning_rate: 0.1
layers:
  - activation: linear
    weights: [[1.0]]
    biases: [0.0]
"""
SHARED = """input: [1.0]
target: [0.0, 0.0]
loss: half_squared_error
learning_rate: 0.1
layers:
  - activation: linear
    weights: [[0.1444], [0.1444]]
    biases: {shared: 0.0}
"""


def verdicts(tmp_path, spec: str, answers: str) -> dict:
    (tmp_path / "net.yaml").write_text(spec, encoding="utf-8")
    (tmp_path / "a.yaml").write_text(f"spec: net.yaml\nanswers:\n{answers}", encoding="utf-8")
    (graded,) = backprop_cli.check([str(tmp_path / "a.yaml")]).files
    return {o.answer.quantity.text: o.verdict for o in graded.outcomes}


def test_a_samples_loss_is_judged_on_that_sample_alone(tmp_path):
    """ŷ = x: the samples' own losses are (1 − 0)², (2 − 0)², (3 − 0)² = 1, 4, 9; 2 for sample 2 is
    another sample's range, not its own."""
    assert verdicts(tmp_path, BATCH, "  loss[1]: 1\n  loss[2]: 4\n  loss[3]: 9\n") == {
        "loss[1]": "right", "loss[2]": "right", "loss[3]": "right"}
    assert verdicts(tmp_path, BATCH, "  loss[2]: 2\n")["loss[2]"] == "wrong"


def test_a_shared_bias_gradient_rounded_as_one_goes_is_right(tmp_path):
    """∂L/∂b1 = δ1 + δ2 = 0.1444 + 0.1444 = 0.2888 (true: 0.289); each δ written to 3 decimals,
    0.144 + 0.144 = 0.288: the correct method rounded as one goes, right at 3 significant digits."""
    assert verdicts(tmp_path, SHARED, "  dL/db1: 0.288\n") == {"dL/db1": "right"}
    assert verdicts(tmp_path, SHARED, "  dL/db1: 0.289\n") == {"dL/db1": "right"}
