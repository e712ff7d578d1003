"""The layer kinds over feature maps, each against numbers worked by hand from PyTorch's definitions."""

import numpy as np
import pytest

from backprop_cli.core.functions import activation
from backprop_cli.core.maps import Conv, Pool, out_side

IMAGE = np.array([[1.0, 2, 0], [0, 1, 3], [2, 1, 1]])


def test_convolution_is_cross_correlation_without_a_kernel_flip():
    conv = Conv(np.array([[[[1.0, 2], [3, 4]]]]), np.array([0.5]), activation("linear"), (1, 3, 3))
    z = conv.forward(IMAGE.reshape(1, -1)).reshape(2, 2)
    # z11 = 1·1 + 2·2 + 3·0 + 4·1 + 0.5 (a flipped kernel would give 4·1 + 3·2 + 2·0 + 1·1 + 0.5)
    assert z.tolist() == [[9.5, 17.5], [12.5, 14.5]]


def test_stride_and_padding_place_the_kernel_as_pytorch_does():
    conv = Conv(np.ones((1, 1, 2, 2)), np.zeros(1), activation("linear"), (1, 3, 3), stride=2, padding=1)
    assert conv.out_shape == (1, 2, 2) == (1, out_side(3, 2, 2, 1), out_side(3, 2, 2, 1))
    # windows start at (−1, −1), (−1, 1), (1, −1), (1, 1): zeros outside the image
    assert conv.forward(IMAGE.reshape(1, -1)).reshape(2, 2).tolist() == [[1, 2], [2, 6]]


def test_several_channels_sum_over_the_input_channels():
    image = np.stack([IMAGE, 2 * IMAGE])
    weights = np.array([[[[1.0]], [[1.0]]], [[[1.0]], [[-0.5]]]])  # 2 out × 2 in, 1×1 kernels
    z = Conv(weights, np.zeros(2), activation("linear"), (2, 3, 3)).forward(image.reshape(1, -1)).reshape(2, 3, 3)
    assert np.array_equal(z[0], 3 * IMAGE) and np.array_equal(z[1], 0 * IMAGE)


def test_a_shared_weights_gradient_sums_over_every_position():
    conv = Conv(np.array([[[[1.0, 2], [3, 4]]]]), np.zeros(1), activation("linear"), (1, 3, 3))
    delta = np.array([[1.0, 10, 100, 1000]])  # ∂L/∂z at the four positions
    below, weight_grad, bias_grad = conv.backward(delta, IMAGE.reshape(1, -1))
    # ∂L/∂w11 = Σ_p δp · (pixel under w11 at p) = 1·1 + 10·2 + 100·0 + 1000·1
    assert weight_grad[0, 0, 0, 0] == 1021 and bias_grad[0] == 1111
    # ∂L/∂x22 (centre) = Σ over the four positions of δp · (the weight over it): 1·4 + 10·3 + 100·2 + 1000·1
    assert below.reshape(3, 3)[1, 1] == 1234


def test_max_pooling_routes_the_gradient_to_the_first_maximum():
    pool = Pool("max", 2, (1, 2, 4))
    maps = np.array([[3.0, 3, 1, 2], [0, 3, 2, 0]])  # window 1: three maxima; window 2: 2 at (1, 4) first
    assert pool.forward(maps.reshape(1, -1)).tolist() == [[3, 2]]
    below = pool.backward(np.array([[1.0, 5.0]]), maps.reshape(1, -1)).reshape(2, 4)
    assert below.tolist() == [[1, 0, 0, 5], [0, 0, 0, 0]]


def test_average_pooling_spreads_one_over_size_squared():
    pool = Pool("avg", 2, (1, 2, 4), stride=2)
    maps = np.arange(8.0).reshape(1, -1)
    assert pool.forward(maps).tolist() == [[2.5, 4.5]]
    assert pool.backward(np.array([[4.0, 8.0]]), maps).reshape(2, 4).tolist() == [[1, 1, 2, 2], [1, 1, 2, 2]]
    assert pool.factor_formula(0.25) == "1/2²" and Pool("avg", 3, (1, 1, 6), dims=1).factor_formula(1) == "1/3"


def test_one_dimensional_layers_are_maps_of_one_row():
    conv = Conv(np.array([[[[1.0, -1]]]]), np.zeros(1), activation("linear"), (1, 1, 5), stride=2, padding=1, dims=1)
    assert conv.out_shape == (1, 1, 3)  # the padding and stride act along the sequence only
    assert conv.forward(np.array([[1.0, 2, 4, 8, 16]])).tolist() == [[-1, -2, -8]]
    pool = Pool("max", 2, (1, 1, 5), stride=1, dims=1)
    assert pool.forward(np.array([[1.0, 2, 4, 8, 16]])).tolist() == [[2, 4, 8, 16]]


@pytest.mark.parametrize("padding", [0, 1])
def test_the_path_structure_lists_each_kernel_reading_a_pixel_inside_the_map(padding):
    conv = Conv(np.ones((2, 1, 2, 2)), np.zeros(2), activation("linear"), (1, 3, 3), padding=padding)
    z_index, a_index, weight = conv.edges()
    assert len(z_index) == (2 * 4 * 4 if not padding else 2 * 9 * 4)  # padding 1: 16 windows, 36 inside reads
    dense = np.zeros((conv.outputs, 9))
    np.add.at(dense, (z_index, a_index), conv.weights.reshape(-1)[weight])
    image = np.arange(9.0)
    assert np.allclose(dense @ image, conv.forward(image.reshape(1, -1))[0])  # the same linear map


def test_pooling_edges_are_every_value_of_every_window():
    pool = Pool("max", 2, (2, 3, 3), stride=1)
    pooled, below, offset = pool.edges()
    assert len(pooled) == 2 * 4 * 4 and set(offset.tolist()) == {0, 1, 2, 3}
    assert below[pooled == 5].tolist() == [9 + 1, 9 + 2, 9 + 4, 9 + 5]  # channel 2's window at (1, 2)


@pytest.mark.parametrize("size, stride", [(2, 2), (2, 1), (3, 2), (3, 3)])
def test_max_pooling_finds_the_first_maximum_as_argmax_over_every_window(size, stride):
    # oracle: every window copied out and np.argmax (the first maximum, or the first nan), its
    # gradient added back where it read; ties (relu's zeros) and a nan included, windows tiling or overlapping
    rng = np.random.default_rng(size * 10 + stride)
    maps = np.maximum(rng.integers(-2, 3, (3, 2, 7, 7)).astype(float), 0.0)
    maps[1, 0, 2, 3] = np.nan
    pool = Pool("max", size, (2, 7, 7), stride=stride)
    _, ho, wo = pool.out_shape
    windows = np.lib.stride_tricks.sliding_window_view(maps, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    windows = windows[:, :, :ho, :wo].reshape(3, 2, ho, wo, size * size)
    expected = windows.argmax(axis=-1)
    flat = maps.reshape(3, -1)
    assert pool.first(flat).tolist() == expected.tolist()
    grad = rng.normal(size=(3, 2, ho, wo))
    below = np.zeros_like(maps)
    for s, c, r, q in np.ndindex(grad.shape):
        k = expected[s, c, r, q]
        below[s, c, r * stride + k // size, q * stride + k % size] += grad[s, c, r, q]
    # overlapping windows add their shares in another order than the oracle's: rounding only
    assert np.allclose(pool.backward(grad.reshape(3, -1), flat), below.reshape(3, -1), rtol=1e-15, atol=1e-15)
