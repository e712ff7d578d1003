"""Random small recurrent and batch-norm networks as spec mappings (hypothesis strategies), every
loss with an output activation it suits, for the oracle tests of tests/core."""
from __future__ import annotations

from hypothesis import strategies as st

numbers = st.floats(-1.5, 1.5, allow_nan=False).map(lambda v: round(v, 3))
LOSSES = ("squared_error", "half_squared_error", "mse", "cross_entropy", "binary_cross_entropy")


def matrix(draw, rows: int, cols: int) -> list:
    return [[draw(numbers) for _ in range(cols)] for _ in range(rows)]


def _output(draw, loss: str, width: int, outputs: int) -> dict:
    act = {"cross_entropy": "softmax", "binary_cross_entropy": "sigmoid"}.get(loss) or draw(
        st.sampled_from(["linear", "sigmoid", "tanh"]))
    return {"activation": act, "weights": matrix(draw, outputs, width),
            "biases": [draw(numbers) for _ in range(outputs)]}


def _target(draw, loss: str, outputs: int) -> list:
    if loss == "cross_entropy":
        hot = draw(st.integers(0, outputs - 1))
        return [1.0 if j == hot else 0.0 for j in range(outputs)]
    if loss == "binary_cross_entropy":
        return [draw(st.sampled_from([0.0, 1.0, 0.25])) for _ in range(outputs)]
    return [draw(numbers) for _ in range(outputs)]


@st.composite
def sequences(draw):
    loss = draw(st.sampled_from(LOSSES))
    inputs, units, steps = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 4))
    outputs = 2 if loss == "cross_entropy" else draw(st.integers(1, 2))
    rnn = {"type": "recurrent", "activation": draw(st.sampled_from(["tanh", "relu"])),
           "input_weights": matrix(draw, units, inputs), "recurrent_weights": matrix(draw, units, units),
           "biases": [draw(numbers) for _ in range(units)]}
    if draw(st.booleans()):
        rnn["initial_state"] = [draw(numbers) for _ in range(units)]
    spec = {"sequence": matrix(draw, steps, inputs), "loss": loss, "learning_rate": 0.1,
            "layers": [rnn, _output(draw, loss, units, outputs)]}
    if draw(st.booleans()):
        spec["targets"] = [_target(draw, loss, outputs) for _ in range(steps)]
    else:
        spec["target"] = _target(draw, loss, outputs)
    return spec


@st.composite
def batches(draw):
    loss = draw(st.sampled_from(LOSSES))
    n, inputs, hidden = draw(st.integers(2, 4)), draw(st.integers(1, 2)), draw(st.integers(1, 3))
    outputs = 2 if loss == "cross_entropy" else draw(st.integers(1, 2))
    norm = {"type": "batchnorm", "gamma": [draw(numbers) for _ in range(hidden)],
            "beta": [draw(numbers) for _ in range(hidden)], "activation": draw(st.sampled_from(["relu", "tanh",
                                                                                                "linear"]))}
    if draw(st.booleans()):
        norm["eps"] = draw(st.sampled_from([1e-5, 0.001, 0.1]))
    layers = [{"activation": "linear", "weights": matrix(draw, hidden, inputs)}, norm,
              _output(draw, loss, hidden, outputs)]
    return {"inputs": matrix(draw, n, inputs), "targets": [_target(draw, loss, outputs) for _ in range(n)],
            "loss": loss, "reduction": draw(st.sampled_from(["mean", "sum"])), "layers": layers}
