"""A spec whose layers include convolution or pooling (contract section 9): images and sequences
as inputs, the `type:` of each layer and its keys, each problem located, with limits that keep a
hostile spec cheap (kernel, image and channel sizes, and the work of one pass)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.mapnet import Dense, MapNetwork, run
from ..core.mapnet import work as pass_work
from ..core.maps import Conv, Pool, out_side
from ..errors import quote
from .dense import MAX_NODE_VALUES, MAX_SAMPLES, Spec, _SpecReader
from .hints import describe, nearest, plural
from .yamlsafe import MAX_PARAMETERS

KINDS = ("dense", "conv1d", "conv2d", "maxpool1d", "maxpool2d", "avgpool1d", "avgpool2d", "batchnorm")
KEYS = {"conv": ("type", "weights", "biases", "stride", "padding", "activation"),
        "pool": ("type", "size", "stride")}
MAX_SIDE = 1024  # an image's rows or columns, a sequence's length
MAX_CHANNELS = 256
MAX_KERNEL = 16  # a kernel's or pooling window's side; stride and padding below it
MAX_WORK = 50_000_000  # multiply-adds of one forward pass over the batch: a fraction of a second


class MapSpec(Spec):
    """A validated spec of a network over feature maps; inputs are (samples, channels, rows, cols)."""

    def summary(self) -> dict:
        return {"sizes": self.sizes, "layers": [layer.kind for layer in self.network.layers]}

    _engine = staticmethod(run)  # Spec.compute's pass, over feature maps (core.mapnet)


def _depth(value: Any) -> int:
    """How deeply lists nest along the first elements (how many axes the value is written with)."""
    depth = 0
    while isinstance(value, list) and value:
        depth, value = depth + 1, value[0]
    return depth


def _dims(layers: list) -> int:
    """1 or 2: the first map layer's kind decides how the input is read."""
    for entry in layers:
        kind = entry.get("type") if isinstance(entry, dict) else None
        if isinstance(kind, str) and kind[-2:] in ("1d", "2d"):
            return int(kind[-2])
    return 2


class MapReader(_SpecReader):
    """Reads a spec with layers over feature maps, collecting every problem."""

    SPEC = MapSpec
    REFUSED = "a network with convolution or pooling layers trains by plain gradient descent only"
    input_shape: tuple | None = None
    samples = 1
    dims = 2

    # -- tensors ------------------------------------------------------------------------------
    def _tensor(self, path: tuple, value: Any, axes: int, what: str, hint: str | None = None) -> np.ndarray | None:
        """A nested list (or {file: ...}) of exactly `axes` axes, rectangular, every number finite;
        `hint` says how it is written (by default, as an input of that many axes)."""
        if isinstance(value, dict):
            array = self._from_file(path, value)
            if array is not None and array.ndim != axes:
                self.fail(path, f"{what} must have {axes} axes, the file holds shape {array.shape}", "")
                return None
            return array
        shape: list[int] = []
        probe = value
        for _ in range(axes):
            if not isinstance(probe, list) or not probe:
                self.fail(path, f"{what} must be nested {axes} lists deep, not {describe(probe)} at depth "
                          f"{len(shape) + 1}", hint or _shape_hint(axes))
                return None
            shape.append(len(probe))
            probe = probe[0]
        if math.prod(shape) > MAX_PARAMETERS:
            self.fail(path, f"{what} holds {math.prod(shape):,} values", f"at most {MAX_PARAMETERS:,}")
            return None
        flat: list = []
        ok = self._collect(path, value, shape, flat, what)
        return np.array(flat, dtype=np.float64).reshape(shape) if ok else None

    def _collect(self, path: tuple, value: Any, shape: list[int], flat: list, what: str) -> bool:
        if not shape:
            number = self._number(path, value)
            flat.append(number)
            return number is not None
        if not isinstance(value, list) or len(value) != shape[0]:
            written = f"{len(value)} {'entry' if len(value) == 1 else 'entries'}" if isinstance(value, list) else \
                describe(value)
            self.fail(path, f"{what}: {written} here, but {shape[0]} in the first of its kind",
                      "every row the same length: a rectangular array")
            return False
        ok = True
        for i, v in enumerate(value):  # every element, so that every problem is reported
            ok = self._collect(path + (i,), v, shape[1:], flat, what) and ok
        return ok

    def _int(self, entry: dict, path: tuple, key: str, default: int, low: int, high: int) -> int | None:
        if key not in entry:
            return default
        value = entry[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            # text written in quotes ('2') reads as the number it spells: say it is text
            written = describe(value) if isinstance(value, str) else quote(self.doc.texts.get(path + (key,),
                                                                                               repr(value)), 40)
            self.fail(path + (key,), f"'{key}' must be a whole number from {low} to {high}, not {written}",
                      f"write `{key}: {default or low}`")
            return None
        return value

    # -- the parts of a spec that differ ---------------------------------------------------------
    def _inputs(self, data: dict) -> tuple[np.ndarray | None, bool]:
        self.dims = _dims(data.get("layers") or [])
        from .norm import vectors

        if vectors(data.get("layers") or []):  # batch norm among dense layers: samples are vectors
            self.dims = 0
            self.REFUSED = "a network with batch-norm layers trains by plain gradient descent only"
            inputs, batch = self._samples(data, "input", "inputs")
            if inputs is not None:
                self.samples, self.input_shape = inputs.shape[0], (inputs.shape[1], 1, 1)
            return inputs, batch
        single, batch = ("input", "inputs")
        if single in data and batch in data:
            self.fail((batch,), f"both '{single}' and '{batch}' are given", "keep one", at_key=True)
            return None, False
        key = batch if batch in data else single
        if key not in data:
            self.missing((), single, f"'{single}' is missing", f"add `{single}:` ({_shape_hint(self.dims + 1)})")
            return None, False
        value, extra = data[key], int(key == batch)
        allowed = (self.dims + extra, self.dims + 1 + extra)
        if isinstance(value, dict):  # an array file: an image, a batch of them, or sequences
            value = self._from_file((key,), value)
            if value is None:
                return None, bool(extra)
        written = value.ndim if isinstance(value, np.ndarray) else _depth(value)
        axes = written if written in allowed else allowed[0]
        if written not in allowed:
            what = "one sample" if not extra else "a batch (one entry per sample)"
            self.fail((key,), f"'{key}' has {written} axes (lists deep), but {what} of "
                      f"{'an image' if self.dims == 2 else 'a sequence'} is {allowed[0]} or {allowed[1]}",
                      _shape_hint(self.dims + 1) + (", one per sample" if extra else ""), at_key=True)
            return None, bool(extra)
        array = value if isinstance(value, np.ndarray) else self._tensor((key,), value, axes, f"'{key}'")
        if array is None:
            return None, bool(extra)
        if not extra:
            array = array[None]
        if axes == allowed[0]:  # one channel, written without its axis
            array = array[:, None]
        if self.dims == 1:
            array = array[:, :, None, :]
        samples, channels, rows, cols = array.shape
        self.samples = samples
        if samples > MAX_SAMPLES or channels > MAX_CHANNELS or max(rows, cols) > MAX_SIDE:
            self.fail((key,), f"'{key}' holds {samples} sample(s) of {channels} channel(s), {rows}×{cols}",
                      f"at most {MAX_CHANNELS} channels and {MAX_SIDE} values a side")
            return None, bool(extra)
        self.input_shape = (channels, rows, cols)
        return array, bool(extra)

    def _layers(self, data: dict, default_layout: str) -> tuple[list, list[str]]:
        entries = data.get("layers")
        if not isinstance(entries, list):
            return super()._layers(data, default_layout)  # its messages for a missing or wrong `layers:`
        shape, layers, layouts = self.input_shape, [], []
        for i, entry in enumerate(entries):
            path = ("layers", i)
            if not isinstance(entry, dict):
                self.fail(path, f"layer {i + 1} must be a mapping, not {describe(entry)}", "write `- type: conv2d` ...")
                shape = None
                continue
            kind = entry.get("type", "dense")
            if kind not in KINDS:
                self.fail(path + ("type",), f"unknown layer type '{quote(kind)}'" if isinstance(kind, str) else
                          f"a layer's type is a word, not {describe(kind)}",
                          nearest(str(kind), KINDS) if isinstance(kind, str) else "known: " + ", ".join(KINDS))
                shape = None
                continue
            layout = self._layout(entry, path, default_layout) if kind == "dense" else "to_from"
            layer = self._layer(entry, path, kind, shape, layout, i + 1)
            if layer is not None and not self._affordable(layers + [layer], path):
                return layers, layouts  # the layers after would cost as much to check
            # the next layer reads a map (channels, rows, cols), or a dense layer's vector (neurons,)
            shape = None if layer is None else layer.out_shape if layer.dims else (layer.outputs,)
            if layer is not None:
                layers.append(layer)
                layouts.append(layout)  # how step writes the weights back
        return layers, layouts

    def _layer(self, entry: dict, path: tuple, kind: str, shape, layout: str, number: int):
        if kind == "batchnorm":
            return self._batchnorm(entry, path, shape, number)
        if kind == "dense":
            self._unknown_keys(entry, path, ("type", "activation", "weights", "biases", "layout"))
            return self._dense(entry, path, shape, layout, number)
        family = "conv" if kind.startswith("conv") else "pool"
        self._unknown_keys(entry, path, KEYS[family])
        if shape is not None and len(shape) == 1:  # after a dense layer: a vector, not a map
            self.fail(path + ("type",), f"layer {number} ({kind}) needs a feature map, but layer {number - 1} is "
                      "dense (a vector)", "put conv and pooling layers before the dense ones")
            return None
        dims = int(kind[-2])
        if dims != self.dims:
            self.fail(path + ("type",), f"layer {number} is {kind}, but the network's maps are {self.dims}-D",
                      f"use the {self.dims}-D kinds throughout (conv{self.dims}d, maxpool{self.dims}d, ...)")
            return None
        if family == "pool":
            size = self._int(entry, path, "size", 2, 1, MAX_KERNEL)
            stride = self._int(entry, path, "stride", size or 1, 1, MAX_KERNEL)
            if "size" not in entry:
                self.missing(path, "size", f"layer {number} ({kind}) has no 'size'", "add `size: 2`")
                return None
            if size is None or stride is None or shape is None:
                return None
            if size > shape[2] or (dims == 2 and size > shape[1]):
                self.fail(path + ("size",), f"a window of {size} is larger than the map it pools "
                          f"({_side(shape, dims)})", "a smaller `size:`")
                return None
            return Pool(kind[:3], size, shape, stride, dims)
        return self._conv(entry, path, kind, dims, shape, number)

    def _conv(self, entry: dict, path: tuple, kind: str, dims: int, shape, number: int):
        act = self._activation(entry, path) if "activation" in entry else self._linear()
        stride = self._int(entry, path, "stride", 1, 1, MAX_KERNEL)
        padding = self._int(entry, path, "padding", 0, 0, MAX_KERNEL - 1)
        if "weights" not in entry:
            self.missing(path, "weights", f"layer {number} ({kind}) has no 'weights'", _weights_hint(dims, "add"))
            return None
        weights = self._tensor(path + ("weights",), entry["weights"], dims + 2, f"the weights of layer {number}",
                               _weights_hint(dims))
        if weights is None or act is None or stride is None or padding is None:
            return None
        if not act.elementwise:
            self.fail(path + ("activation",), f"{act.name} couples a whole layer; a feature map's activation "
                      "applies to each value", "relu, tanh, sigmoid, leaky_relu or linear; softmax on a dense layer")
            return None
        if dims == 1:
            weights = weights[:, :, None, :]
        out, channels, kh, kw = weights.shape
        if out > MAX_CHANNELS or max(kh, kw) > MAX_KERNEL:
            self.fail(path + ("weights",), f"the weights of layer {number} are {out} kernels of {kh}×{kw}",
                      f"at most {MAX_CHANNELS} output channels and kernels of {MAX_KERNEL} a side")
            return None
        if padding >= max(kh, kw):
            self.fail(path + ("padding",), f"padding {padding} is as wide as the kernel ({kw})",
                      "padding below the kernel's side: every output then reads the map")
            return None
        if isinstance(entry.get("biases"), list) and len(entry["biases"]) != out:
            self.fail(path + ("biases",), f"layer {number} has {plural(out, 'output channel')} but "
                      f"{plural(len(entry['biases']), 'bias')}", "one bias per output channel, one number for all, "
                      "or `none`")
            return None
        biases = self._biases(path + ("biases",), entry.get("biases", 0), out, number)
        if biases is None or shape is None:
            return None
        if biases[1] == "shared":
            self.fail(path + ("biases",), "a conv layer has one bias per output channel, not a shared one",
                      f"write {plural(out, 'number')}, one number for all, or `none`")
            return None
        if channels != shape[0]:
            self.fail(path + ("weights",), f"the weights of layer {number} read {plural(channels, 'channel')}, but "
                      f"{'the input has' if number == 1 else f'layer {number - 1} outputs'} {shape[0]}",
                      f"weights [{out}][{shape[0]}]" + ("[rows][cols]" if dims == 2 else "[length]"))
            return None
        rows_out = out_side(shape[1], kh, stride, padding) if dims == 2 else 1
        if out_side(shape[2], kw, stride, padding) < 1 or rows_out < 1:
            self.fail(path + ("weights",), f"a kernel of {kh}×{kw} does not fit the map it reads "
                      f"({_side(shape, dims)}, padding {padding})", "a smaller kernel, or more padding")
            return None
        return Conv(weights, biases[0], act, shape, stride, padding, dims, biases[1])

    def _batchnorm(self, entry: dict, path: tuple, shape, number: int):
        from .norm import read_batchnorm  # batch norm's keys (section 9) only where a spec has it

        return read_batchnorm(self, entry, path, shape, number)

    def _linear(self):
        from ..core.functions import activation

        return activation("linear")  # PyTorch's Conv has no activation of its own

    def _dense(self, entry: dict, path: tuple, shape, layout: str, number: int):
        act = self._activation(entry, path)
        if "weights" not in entry:
            self.missing(path, "weights", f"layer {number} has no 'weights'",
                         "add `weights: [[...]]`, one row per neuron")
            return None
        weights = self._matrix(path + ("weights",), entry["weights"], f"the weights of layer {number}")
        if weights is None or act is None:
            return None
        if layout == "from_to":
            weights = np.ascontiguousarray(weights.T)
        bias = self._biases(path + ("biases",), entry.get("biases", 0), weights.shape[0], number)
        if bias is None or shape is None:
            return None
        width = int(np.prod(shape))
        if weights.shape[1] != width:
            below = (f"layer {number - 1} has {plural(width, 'neuron')}" if len(shape) == 1 else
                     f"the map below flattens to {width} values ({'×'.join(map(str, shape))}: channel, row, column)")
            self.fail(path + ("weights",), f"the weights of layer {number} have {plural(weights.shape[1], 'column')}, "
                      f"but {below}", f"expected shape {weights.shape[0]}×{width}")
            return None
        return Dense(weights, bias[0], act, bias[1])

    def _affordable(self, layers: list, path: tuple) -> bool:
        """Whether a pass through `layers` keeps within the limits; else a problem at the last."""
        parameters = sum(layer.weights.size + len(layer.biases) for layer in layers if layer.weights is not None)
        values = self.samples * (int(np.prod(self.input_shape)) + sum(layer.outputs for layer in layers))
        work = pass_work(layers, self.samples)
        if parameters > MAX_PARAMETERS:
            self.fail(path, f"the network has {parameters:,} parameters", f"at most {MAX_PARAMETERS:,}")
        elif values > MAX_NODE_VALUES or work > MAX_WORK:
            through = f"layers 1–{len(layers)}" if len(layers) > 1 else "layer 1"
            self.fail(path + ("weights",) if "weights" in self.doc.data["layers"][path[1]] else path,
                      f"{self.samples:,} sample(s) through {through} are {values:,} values and "
                      f"{work:,} multiply-adds a pass", f"at most {MAX_NODE_VALUES:,} and {MAX_WORK:,}: fewer "
                      "samples, or smaller maps or kernels")
        else:
            return True
        return False

    def _check_shapes(self, data: dict, inputs, targets, layers: list, _layouts: list[str]) -> None:
        samples = inputs.shape[0]
        width = layers[-1].outputs
        tkey = "targets" if "targets" in data else "target"
        if targets.shape[1] != width:
            self.fail((tkey,), f"'{tkey}' has {plural(targets.shape[1], 'value')} per sample, but the output layer "
                      f"has {plural(width, 'value')}", f"give one target per output ({width})")
        if targets.shape[0] != samples:
            self.fail((tkey,), f"{plural(samples, 'input sample')} but {plural(targets.shape[0], 'target')}",
                      "give one target per input sample")

    def _network(self, layers: list, loss, reduction: str):
        return MapNetwork(layers, loss, self.input_shape, self.dims, reduction)

    def _training(self, data: dict, network, _course):
        """Plain gradient descent only: `optimizer: sgd` is taken; another optimiser, its state or
        an L2 term is refused where it is written (training over maps is plain descent)."""
        from .training import read_optimizer

        optimizer = read_optimizer(self, data)
        refused = self.REFUSED
        if optimizer is not None and optimizer.name != "sgd":
            self.fail(("optimizer",), f"`optimizer: {optimizer.name}` is not taken here: {refused}",
                      "remove `optimizer:` (or write `optimizer: sgd`); optimisers train dense networks")
        if "optimizer_state" in data:
            self.fail(("optimizer_state",), f"'optimizer_state' is not taken here: {refused}, which keeps no state",
                      "remove `optimizer_state:`", at_key=True)
        if "l2" in data:
            l2 = self._number(("l2",), data["l2"])
            if l2:  # `l2: 0` asks for nothing
                self.fail(("l2",), f"`l2:` is not taken here: {refused}, without an L2 term",
                          "remove `l2:`; an L2 term is taken by networks of dense layers")
        return network


def _side(shape, dims: int) -> str:
    return f"{shape[1]}×{shape[2]}" if dims == 2 else f"length {shape[2]}"


def _shape_hint(axes: int) -> str:
    return {2: "a sequence: [length] or [channels][length]", 3: "an image: [rows][cols] or [channels][rows][cols]"}.get(
        axes, "nested lists: [out][in][rows][cols] for conv2d weights, [out][in][length] for conv1d")


def _weights_hint(dims: int, verb: str = "write") -> str:
    return (f"{verb} `weights:` as [out channels][in channels][rows][cols]" if dims == 2 else
            f"{verb} `weights:` as [out channels][in channels][length]")
