"""grading.optimizer_mistakes, survivors of mutation sample 3: a slip is left out only when it moves
the update by less than SLIGHT (1e-6) relative to the values' size, not by an absolute 1e-6."""
from backprop_cli.grading.optimizer_mistakes import optimizer_mistakes
from backprop_cli.spec.reader import load_spec

MOMENTUM = """input: [1.0]
target: [0.0]
loss: squared_error
learning_rate: 0.1
optimizer: {name: momentum, beta: 0.9}
layers:
  - activation: linear
    weights: [[0.01]]
    biases: [0.0]
"""


def test_small_parameters_keep_their_slips(tmp_path):
    """w = 0.01, η = 0.1, β = 0.9, g = 0.001, velocity 0 before: right 0.01 − 0.1·0.001 = 0.0099.
    Plain descent gives 0.0099 too (left out); the value before, 0.01, the averaged velocity's
    0.01 − 0.1·0.1·0.001 = 0.00999 and the sign's 0.0101 differ by 1e-4, 9e-5, 2e-4: about 1e-2 of
    the values, far above 1e-6, so all three are offered."""
    (tmp_path / "net.yaml").write_text(MOMENTUM, encoding="utf-8")
    r = load_spec(str(tmp_path / "net.yaml")).compute()
    slips = {code: value for value, _sentence, code in optimizer_mistakes(r, "w111", 0.001)}
    assert sorted(slips) == ["momentum_averaged", "update_missing", "update_sign"]
    assert abs(slips["update_missing"] - 0.01) < 1e-15
    assert abs(slips["momentum_averaged"] - 0.00999) < 1e-15
    assert abs(slips["update_sign"] - 0.0101) < 1e-15
