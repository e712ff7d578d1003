"""The layer kinds over feature maps (contract section 9): convolution and pooling, 1-D and 2-D.

Each kind keeps in one place its forward pass, its backward pass (vectorised, float64, over a batch)
and its path structure: which node of the layer below each of its nodes reads, through which local
derivative, printed how. Maps travel between layers flattened in PyTorch's order (channel, row,
column), as a following dense layer reads them; 1-D maps are 2-D maps of one row.
"""
from __future__ import annotations

import numpy as np

from .functions import activation
from .record import Record

IDENTITY = activation("linear")  # a pooling layer has no z: its output passes as it is


def out_side(side: int, kernel: int, stride: int, padding: int) -> int:
    """PyTorch's output size along one axis: ⌊(side + 2·padding − kernel)/stride⌋ + 1."""
    return (side + 2 * padding - kernel) // stride + 1


class _MapLayer(Record):
    """What every map layer shares: shapes in and out, strides and paddings per axis, windows."""

    dims: int  # 1 or 2
    in_shape: tuple[int, int, int]  # (channels, rows, cols); a 1-D map has one row
    out_shape: tuple[int, int, int]
    strides: tuple[int, int]  # (rows, cols): a 1-D layer's rows stride 1
    paddings: tuple[int, int]

    def maps(self, flat: np.ndarray) -> np.ndarray:
        """A batch of flattened inputs as (samples, channels, rows, cols)."""
        return flat.reshape((flat.shape[0],) + self.in_shape)

    @property
    def outputs(self) -> int:
        """How many values the layer outputs per sample (plain integers: asked for at every step of a trace)."""
        channels, rows, cols = self.out_shape
        return int(channels) * int(rows) * int(cols)

    def _shapes(self, channels: int, kernel: tuple[int, int]) -> None:
        self.strides = (self.stride if self.dims == 2 else 1, self.stride)
        self.paddings = (self.padding if self.dims == 2 else 0, self.padding)
        _, h, w = self.in_shape
        self.out_shape = (channels, out_side(h, kernel[0], self.strides[0], self.paddings[0]),
                          out_side(w, kernel[1], self.strides[1], self.paddings[1]))

    def _read_at(self, maps: np.ndarray, i: int, j: int) -> np.ndarray:
        """What kernel offset (i, j) reads of the (padded) maps at every output position: a strided
        view (samples, channels, out rows, out cols), no copy."""
        _, ho, wo = self.out_shape
        rs, cs = self.strides
        return maps[:, :, i:i + rs * (ho - 1) + 1:rs, j:j + cs * (wo - 1) + 1:cs]

    def _scatter(self, below: np.ndarray, parts) -> None:
        """Add each kernel offset's (samples, channels, out rows, out cols) part back onto the
        (padded) maps below, where that offset read them (overlapping windows add up)."""
        for (i, j), part in parts:
            self._read_at(below, i, j)[...] += part

    def _grid(self, kernel: tuple[int, int]):
        """For every (output position, kernel offset): the input row and column it reads (outside
        the map where it is padding), as arrays over (out rows, out cols, kernel rows, kernel cols)."""
        _, ho, wo = self.out_shape
        ro, co, i, j = np.meshgrid(np.arange(ho), np.arange(wo), np.arange(kernel[0]), np.arange(kernel[1]),
                                   indexing="ij")
        return ro * self.strides[0] + i - self.paddings[0], co * self.strides[1] + j - self.paddings[1]


class Conv(_MapLayer):
    """PyTorch's Conv1d/Conv2d: cross-correlation (no kernel flip), stride, zero padding, several
    input and output channels; weights [out][in][rows][cols] (1-D: one row), a bias per output channel."""

    FIELDS = ("weights", "biases", "activation", "in_shape", "stride", "padding", "dims", "bias_style")
    has_z = True

    def __init__(self, weights, biases, activation, in_shape, stride=1, padding=0, dims=2, bias_style="each"):
        self.weights, self.biases, self.activation = weights, biases, activation
        self.in_shape, self.stride, self.padding, self.dims = tuple(in_shape), stride, padding, dims
        self.bias_style = bias_style
        self._shapes(weights.shape[0], weights.shape[2:])

    @property
    def kind(self) -> str:
        return f"conv{self.dims}d"

    @property
    def written_weights(self) -> np.ndarray:
        """The weights in the spec's shape: [out][in][rows][cols], or [out][in][length] in 1-D."""
        return self.weights if self.dims == 2 else self.weights[:, :, 0, :]

    def __repr__(self) -> str:
        return f"Conv({self.kind}, {self.weights.shape}, stride {self.stride}, padding {self.padding})"

    def _padded(self, maps: np.ndarray) -> np.ndarray:
        rows, cols = self.paddings
        return np.pad(maps, ((0, 0), (0, 0), (rows, rows), (cols, cols))) if cols else maps

    def _columns(self, padded: np.ndarray) -> np.ndarray:
        """im2col: what every output position reads, as one contiguous (samples, in channels ×
        kernel rows × kernel cols, out rows × out cols) array, one strided copy a kernel offset
        (whole rows at a time: fast, where copying a 6-D window view element by element is not)."""
        samples, channels = padded.shape[:2]
        kh, kw = self.weights.shape[2:]
        _, ho, wo = self.out_shape
        columns = np.empty((samples, channels, kh, kw, ho, wo))
        for i in range(kh):
            for j in range(kw):
                columns[:, :, i, j] = self._read_at(padded, i, j)
        return columns.reshape(samples, channels * kh * kw, ho * wo)

    def forward(self, flat: np.ndarray) -> np.ndarray:
        """z = W ⋆ a + b for a batch, flattened (samples, out channels × rows × cols)."""
        columns = self._columns(self._padded(self.maps(flat)))
        # Σ over input channel and kernel offset, one matrix product a sample (BLAS): (samples, out, positions)
        z = np.matmul(self.weights.reshape(self.weights.shape[0], -1), columns)
        z += self.biases[:, None]
        return z.reshape(flat.shape[0], -1)

    def backward(self, delta: np.ndarray, flat: np.ndarray, below: bool = True) -> tuple:
        """(∂L/∂a below per sample, ∂L/∂W and ∂L/∂b summed over the batch) from δ = ∂L/∂z; without
        `below`, None for the first (the input's gradient, which training never needs)."""
        out, channels, kh, kw = self.weights.shape
        samples = flat.shape[0]
        _, ho, wo = self.out_shape
        delta = delta.reshape(samples, out, ho * wo)
        padded = self._padded(self.maps(flat))
        columns = self._columns(padded)
        # a shared weight's gradient sums over every position where it is used, and over the batch
        weight_grad = np.matmul(delta, columns.transpose(0, 2, 1)).sum(axis=0).reshape(self.weights.shape)
        bias_grad = delta.sum(axis=(0, 2))
        if not below:
            return None, weight_grad, bias_grad
        # col2im: each kernel offset's share of ∂L/∂a, added back where that offset read
        parts = np.matmul(self.weights.reshape(out, -1).T, delta).reshape(samples, channels, kh, kw, ho, wo)
        grad = np.zeros_like(padded)
        self._scatter(grad, (((i, j), parts[:, :, i, j]) for i in range(kh) for j in range(kw)))
        (rows, cols), (h, w) = self.paddings, self.in_shape[1:]
        grad = grad[:, :, rows:rows + h, cols:cols + w]
        return np.ascontiguousarray(grad).reshape(samples, -1), weight_grad, bias_grad

    def edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The path structure: for every (z node, weight) pair whose input pixel lies in the map,
        (z index, a index below, flat weight index); ∂z/∂a along it is that weight."""
        out, channels, kh, kw = self.weights.shape
        _, h, w = self.in_shape
        _, ho, wo = self.out_shape
        rows, cols = self._grid((kh, kw))
        inside = (rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)
        # arrays over (out channel, out rows, out cols, in channel, kernel rows, kernel cols)
        o = np.arange(out)[:, None, None, None, None, None]
        c = np.arange(channels)[None, None, None, :, None, None]
        ro, co = np.meshgrid(np.arange(ho), np.arange(wo), indexing="ij")
        z_index = o * ho * wo + (ro * wo + co)[None, :, :, None, None, None]
        a_index = c * h * w + (rows * w + cols)[None, :, :, None, :, :]
        weight = ((o * channels + c) * kh + np.arange(kh)[:, None]) * kw + np.arange(kw)
        shape = (out, ho, wo, channels, kh, kw)
        keep = np.broadcast_to(inside[None, :, :, None, :, :], shape)
        return (np.broadcast_to(z_index, shape)[keep], np.broadcast_to(a_index, shape)[keep],
                np.broadcast_to(weight, shape)[keep])

    def uses(self, out: int, channel: int, row: int, col: int) -> list[tuple[int, int]]:
        """Every use of weight [out][channel][row][col] (0-based): (z index, a index below, or −1
        where the kernel lies on padding), position by position in row-major order."""
        _, h, w = self.in_shape
        _, ho, wo = self.out_shape
        found = []
        for ro in range(ho):
            for co in range(wo):
                r = ro * self.strides[0] + row - self.paddings[0]
                c = co * self.strides[1] + col - self.paddings[1]
                inside = 0 <= r < h and 0 <= c < w
                found.append((out * ho * wo + ro * wo + co, channel * h * w + r * w + c if inside else -1))
        return found


class Pool(_MapLayer):
    """PyTorch's MaxPool/AvgPool 1-D and 2-D: a square window of `size`, `stride` (default size),
    no padding; max pooling passes the gradient to the first maximum in row-major order."""

    FIELDS = ("mode", "size", "in_shape", "stride", "dims")
    has_z = False
    activation = IDENTITY  # no activation of its own: the pooled value is the layer's a
    bias_style = "none"
    padding = 0
    weights = written_weights = biases = None  # no parameters

    def __init__(self, mode, size, in_shape, stride=None, dims=2):
        self.mode, self.size, self.in_shape, self.dims = mode, size, tuple(in_shape), dims
        self.stride = size if stride is None else stride
        self._shapes(self.in_shape[0], self.window)

    @property
    def kind(self) -> str:
        return f"{self.mode}pool{self.dims}d"

    @property
    def window(self) -> tuple[int, int]:
        """The window's rows and columns (one row in 1-D)."""
        return (self.size if self.dims == 2 else 1), self.size

    def __repr__(self) -> str:
        return f"Pool({self.kind}, size {self.size}, stride {self.stride})"

    def _offsets(self, flat: np.ndarray):
        """Each window offset k (row-major) with the (samples, channels, out rows, out cols) values it
        reads: strided views, so that no copy of every window is made (a hostile window is 16×16)."""
        maps = self.maps(flat)
        kh, kw = self.window
        for i in range(kh):
            for j in range(kw):
                yield i * kw + j, self._read_at(maps, i, j)

    def _firsts(self, flat: np.ndarray):
        """Each window offset k with its (samples, channels, out rows, out cols) mask of the windows
        whose first maximum in row-major order (or first nan, as argmax and PyTorch) is at k: one
        comparison with the pooled maximum an offset, no copy of every window."""
        pooled = self.forward(flat).reshape((flat.shape[0],) + self.out_shape)
        nan = bool(np.isnan(pooled).any())
        taken = np.zeros(pooled.shape, dtype=bool)
        for k, values in self._offsets(flat):
            hit = values == pooled
            if nan:  # a window holding a nan pools to nan: its first nan is the maximum
                hit |= values != values
            hit &= ~taken
            taken |= hit
            yield k, hit

    def first(self, flat: np.ndarray) -> np.ndarray:
        """The offset of each window's first maximum in row-major order (as argmax, and PyTorch),
        (samples, channels, out rows, out cols)."""
        arg = np.zeros((flat.shape[0],) + self.out_shape, dtype=np.intp)
        for k, hit in self._firsts(flat):
            np.putmask(arg, hit, k)
        return arg

    def forward(self, flat: np.ndarray) -> np.ndarray:
        """The pooled maps of a batch, flattened."""
        pooled = None
        for _, values in self._offsets(flat):
            if pooled is None:
                pooled = values.copy()
            elif self.mode == "max":
                np.maximum(pooled, values, out=pooled)
            else:
                pooled += values
        if self.mode == "avg":
            pooled /= self.window[0] * self.window[1]
        return pooled.reshape(flat.shape[0], -1)

    def local(self, flat: np.ndarray) -> np.ndarray:
        """∂(pooled)/∂(each window value) per sample: 1 at the first maximum and 0 elsewhere, or
        1/size (1-D) and 1/size² (2-D) for the mean; (samples, channels, rows, cols, window)."""
        size = self.window[0] * self.window[1]
        shape = (flat.shape[0],) + self.out_shape + (size,)
        if self.mode == "avg":
            return np.full(shape, 1.0 / size)
        return (np.arange(size) == self.first(flat)[..., None]).astype(np.float64)

    def backward(self, grad: np.ndarray, flat: np.ndarray) -> np.ndarray:
        """∂L/∂a below per sample from ∂L/∂(pooled)."""
        samples = flat.shape[0]
        grad = grad.reshape((samples,) + self.out_shape)
        kh, kw = self.window
        below = np.zeros((samples,) + self.in_shape)
        if self.mode == "avg":
            share = grad / (kh * kw)
            self._scatter(below, (((k // kw, k % kw), share) for k in range(kh * kw)))
        else:  # each window's gradient added to its first maximum, where that offset read (windows may overlap)
            targets = dict(self._offsets(below.reshape(samples, -1)))
            # grad × mask where every gradient is finite (inf × 0 would be nan): twice as fast as np.where,
            # which is twice as fast as a masked np.add into a strided view
            share = np.empty_like(grad) if np.isfinite(grad).all() else None
            for k, hit in self._firsts(flat):
                targets[k] += np.where(hit, grad, 0.0) if share is None else np.multiply(grad, hit, out=share)
        return below.reshape(samples, -1)

    def edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The path structure: (pooled index, a index below, offset in the window) for every
        value of every window."""
        channels, h, w = self.in_shape
        _, ho, wo = self.out_shape
        kh, kw = self.window
        rows, cols = self._grid(self.window)
        c = np.arange(channels)[:, None, None, None, None]
        ro, co = np.meshgrid(np.arange(ho), np.arange(wo), indexing="ij")
        pooled = c * ho * wo + (ro * wo + co)[None, :, :, None, None]
        below = c * h * w + (rows * w + cols)[None]
        offset = (np.arange(kh)[:, None] * kw + np.arange(kw))[None, None, None]
        shape = below.shape
        return (np.broadcast_to(pooled, shape).ravel(), below.ravel(), np.broadcast_to(offset, shape).ravel())

    def factor_formula(self, value: float) -> str:
        """How a course writes ∂(pooled)/∂(window value): 1 or 0 for max, 1/size² for the mean."""
        if self.mode == "avg":
            return f"1/{self.size}²" if self.dims == 2 else f"1/{self.size}"
        return "1 (the window's maximum)" if value == 1 else "0 (not the window's maximum)"
