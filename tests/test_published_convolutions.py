"""Published worked examples of a convolution's and a max pooling's backward pass, typed in as
specs (`loss: none` with `output_gradient:` is the upstream gradient such exercises give) and
their printed numbers checked."""

import pytest

from backprop_cli import load_spec


def test_lexailabs_conv2d_backward_example_1():
    """prof.lexailabs.com/practice/build-cnn-05-conv2d-backward, "Example 1 — one upstream gradient
    routes to one patch and one kernel": x = arange(16) as 4×4, W = [[1, 2], [3, 4]], grad_out 1 at
    output (0, 0) only; printed dW = [[0, 1], [4, 5]], dx[0:2, 0:2] = [[1, 2], [3, 4]], 0 elsewhere."""
    result = load_spec(text="""
input: [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14, 15]]
loss: none
output_gradient: [1, 0, 0, 0, 0, 0, 0, 0, 0]
layers:
  - type: conv2d
    weights: [[[[1, 2], [3, 4]]]]
    biases: none
""").compute()
    assert [result.gradient(f"w1_1_1_{r}_{c}") for r in (1, 2) for c in (1, 2)] == [0, 1, 4, 5]
    dx = {name: gradient for name, _, gradient in result.input_rows()}
    assert [dx[f"x_{r}_{c}"] for r in (1, 2) for c in (1, 2)] == [1, 2, 3, 4]
    assert sum(abs(g) for g in dx.values()) == 1 + 2 + 3 + 4


def test_cross_validated_2d_max_pool_gradient_propagation():
    """stats.stackexchange.com/questions/414301 ("2D max pool gradient propagation", answer: "Your
    understanding is correct"): two channels [[1, 4], [3, 2]] and [[2, 6], [7, 2]] pooled 2×2 give
    [4, 7]; with upstream gradients g = [1, 2] the input gradients are [[0, 1], [0, 0]] and
    [[0, 0], [2, 0]]."""
    result = load_spec(text="""
input: [[[1, 4], [3, 2]], [[2, 6], [7, 2]]]
loss: none
output_gradient: [1, 2]
layers:
  - type: maxpool2d
    size: 2
""").compute()
    assert result.forward["yhat1"] == 4 and result.forward["yhat2"] == 7
    dx = {name: gradient for name, _, gradient in result.input_rows()}
    assert [dx[f"x_1_{r}_{c}"] for r in (1, 2) for c in (1, 2)] == [0, 1, 0, 0]
    assert [dx[f"x_2_{r}_{c}"] for r in (1, 2) for c in (1, 2)] == [0, 0, 2, 0]
    assert result.trace("x_2_2_1").path_count == 1


@pytest.mark.parametrize("text", ["input: [[1, 2], [3, 4]]\nloss: none\nlayers:\n  - {type: avgpool2d, size: 2}\n"])
def test_average_pooling_spreads_a_quarter(text):
    result = load_spec(text=text).compute()
    assert result.forward["yhat1"] == 2.5
    assert [g for _, _, g in result.input_rows()] == [0.25] * 4
