"""A network spec of dense layers: the Spec object and the reader that validates a document
into one, every problem located with a hint (spec.maps extends it for layers over feature maps).

Knows nothing of printing: every problem becomes a `Problem`, and all of them are raised
together as one `SpecError`.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.computation import NETWORK
from ..core.engine import run
from ..core.functions import ACTIVATIONS, LOSSES, activation
from ..core.names import NO_NAMES, bias_count
from ..core.network import Layer, Network
from ..core.record import Record
from ..core.result import Result
from ..errors import SpecError, UsageError, quote
from .hints import describe, plural
from .values import ValueReader
from .yamlsafe import MAX_PARAMETERS, Document

TOP_KEYS = ("name", "description", "input", "inputs", "sequence", "target", "targets", "reduction", "loss",
            "output_gradient", "learning_rate", "layout", "layers", "frozen", "names",
            "optimizer", "optimizer_state", "l2")  # the last three: spec.training
LAYER_KEYS = ("type", "activation", "weights", "biases", "layout")  # type: dense (section 9 adds kinds)
LAYOUTS = ("to_from", "from_to")  # weights row j INTO neuron j (PyTorch), or row k FROM neuron k (x @ W)
MAX_LAYERS = 1_000
MAX_SAMPLES = 1_000_000
MAX_NODE_VALUES = 2_000_000  # samples × neurons: 16 MB an array, a handful of arrays a pass
DEFAULT_LEARNING_RATE = 0.1


class Spec(Record):
    """A validated network spec: the engine's Network plus data, rate and where things were written
    (`replace` copies it with fields changed)."""

    FIELDS = ("network", "inputs", "targets", "batch", "learning_rate", "name", "description", "file", "document",
              "matrix_files", "layouts", "base_dir")

    network: Network
    inputs: np.ndarray  # (samples, inputs)
    targets: np.ndarray  # (samples, outputs)
    batch: bool  # written as `inputs:` (a batch) rather than `input:`
    learning_rate: float
    name: str = ""
    description: str = ""
    file: str = "<text>"
    document: Document | None = None
    matrix_files: dict | None = None  # path -> (file name, shape in the file)
    layouts: list[str] | None = None  # each layer's weights as written (LAYOUTS)
    base_dir: str | None = None  # the folder its matrix files are named from

    def __init__(self, network, inputs, targets, batch, learning_rate, name="", description="", file="<text>",
                 document=None, matrix_files=None, layouts=None, base_dir=None):
        self.network, self.inputs, self.targets, self.batch = network, inputs, targets, batch
        self.learning_rate, self.name, self.description, self.file = learning_rate, name, description, file
        self.document = document
        self.matrix_files = {} if matrix_files is None else matrix_files
        self.layouts = [] if layouts is None else layouts
        self.base_dir = base_dir

    def __repr__(self) -> str:
        return f"Spec({self.name or self.file!r}, {self.sizes})"

    kind = NETWORK  # what it computes (core.computation)

    @property
    def sizes(self) -> list[int]:
        """Neurons per layer, the input layer first."""
        return self.network.sizes

    def summary(self) -> dict:
        """What `backprop examples` lists of it: its shape."""
        return {"sizes": self.sizes}

    def compute(self, learning_rate: float | None = None) -> Result:
        """Forward and backward pass at the spec's learning rate (or `learning_rate`): loss, every
        gradient and node value, by name; UsageError for a rate that is not a finite number above 0."""
        rate = self.learning_rate if learning_rate is None else learning_rate
        if isinstance(rate, bool) or not (isinstance(rate, (int, float)) and math.isfinite(rate) and rate > 0):
            raise UsageError(f"the learning rate must be a finite number above 0, not {rate!r}")
        result = self._engine(self.network, self.inputs, self.targets, float(rate))
        result.title = self.name
        return result

    _engine = staticmethod(run)  # the pass that computes it (core.mapnet's over feature maps)

    @property
    def layers(self) -> list[Layer]:
        """The network's layers, the first hidden layer first."""
        return self.network.layers


class _SpecReader(ValueReader):
    """Reads one document into a Spec, collecting every problem instead of stopping at the first.
    A kind of network with other layers (spec.maps) overrides the inputs, layers, shapes and network."""

    SPEC = Spec

    def _inputs(self, data: dict) -> tuple[np.ndarray | None, bool]:
        return self._samples(data, "input", "inputs")

    def _network(self, layers: list, loss, reduction: str):
        return Network(layers, loss, reduction)

    def _training(self, data: dict, network, course):
        """`network` with the spec's optimizer, its state and l2 (spec.training)."""
        from .training import read_training

        return read_training(self, data, network, course)

    def read(self) -> Spec:
        data = self.doc.data
        if not isinstance(data, dict):
            self.fail((), f"a spec is a mapping of keys, not {describe(data)}",
                      "start with `input:`, `target:`, `loss:` and `layers:`; see `backprop examples`")
            raise SpecError(self.problems)
        self._unknown_keys(data, (), TOP_KEYS)
        name = self._text(data, "name")
        description = self._text(data, "description")
        inputs, batch = self._inputs(data)
        loss = self._choice(data, "loss", LOSSES)
        targets = self._targets(data, loss)
        reduction = data.get("reduction", "mean")
        if reduction not in ("mean", "sum"):
            self.fail(("reduction",), f"unknown reduction '{quote(str(reduction))}'",
                      "write `reduction: mean` or `reduction: sum`")
        rate = DEFAULT_LEARNING_RATE
        if "learning_rate" in data:
            rate = self._number(("learning_rate",), data["learning_rate"])
            if rate is not None and rate <= 0:
                written = quote(self.doc.texts.get(("learning_rate",), str(rate)), 40)
                self.fail(("learning_rate",), f"the learning rate must be above 0, not {written}",
                          "write a positive number such as 0.1 (η in w ← w − η·∂L/∂w)")
        layout = self._layout(data, ())
        layers, layouts = self._layers(data, layout)
        if self.problems:
            raise SpecError(self.problems)
        if loss == "none":  # ∂f/∂ŷ: the upstream gradient, 1 for every output unless given
            targets = self._output_gradient(data, layers[-1].outputs, inputs.shape[0])
            if self.problems:
                raise SpecError(self.problems)
        self._check_shapes(data, inputs, targets, layers, layouts)
        if self.problems:
            raise SpecError(self.problems)
        network = self._network(layers, LOSSES[loss], reduction)
        self._check_loss_domain(network, targets)
        course, frozen = NO_NAMES, frozenset()
        if "names" in data or "frozen" in data or loss == "none":  # the course module only where it is used
            from .course import read_frozen, read_names

            course = read_names(self, data, network)
            frozen = read_frozen(self, data, network, course)
        if self.problems:
            raise SpecError(self.problems)
        network = network.replace(frozen=frozen, names=course)
        if "optimizer" in data or "optimizer_state" in data or "l2" in data:
            network = self._training(data, network, course)
            if self.problems:
                raise SpecError(self.problems)
        return self.SPEC(network, inputs, targets, batch, float(rate), name, description, self.doc.file,
                    self.doc, self.matrix_files, layouts, str(self.base_dir))

    def _targets(self, data: dict, loss: str | None) -> np.ndarray | None:
        if loss != "none":
            if "output_gradient" in data:
                self.fail(("output_gradient",), f"'output_gradient' belongs to `loss: none`, not to {loss}",
                          "remove it: a loss's own derivative is the output's gradient", at_key=True)
            return self._samples(data, "target", "targets")[0]
        for key in ("target", "targets"):
            if key in data:
                self.fail((key,), f"`loss: none` has no '{key}': there is no loss to compare the output with",
                          "remove it; `output_gradient: [...]` gives ∂f/∂ŷ (default 1 for every output)", at_key=True)
        return None

    def _output_gradient(self, data: dict, outputs: int, samples: int) -> np.ndarray | None:
        if "output_gradient" not in data:
            return np.ones((samples, outputs))
        vector = self._vector(("output_gradient",), data["output_gradient"], "'output_gradient'")
        if vector is not None and len(vector) != outputs:
            self.fail(("output_gradient",), f"'output_gradient' has {plural(len(vector), 'value')}, but the output "
                      f"layer has {plural(outputs, 'neuron')}", f"give one ∂f/∂ŷ per output neuron ({outputs})")
            return None
        return None if vector is None else np.tile(vector, (samples, 1))

    def _layout(self, mapping: dict, path: tuple, default: str = "to_from") -> str:
        if "layout" not in mapping:
            return default
        value = mapping["layout"]
        if value not in LAYOUTS:
            self.fail(path + ("layout",), f"unknown layout '{quote(str(value))}'",
                      "`layout: to_from` (row j = weights INTO neuron j, as PyTorch's nn.Linear) or `layout: "
                      "from_to` (row k = weights FROM neuron k, as a notebook's x @ W1)")
            return default
        return value

    # -- the parts of a spec ------------------------------------------------------------
    def _samples(self, data: dict, single: str, batch: str) -> tuple[np.ndarray | None, bool]:
        if single in data and batch in data:
            self.fail((batch,), f"both '{single}' and '{batch}' are given", f"keep one: '{single}' for one sample, "
                      f"'{batch}' for a batch", at_key=True)
            return None, False
        written = data.get(batch if batch in data else single)
        rows = isinstance(written, list) and bool(written) and all(isinstance(row, list) for row in written)
        if batch in data and isinstance(written, list) and written and not rows:
            self.fail((batch,), f"'{batch}' holds one list of numbers, but it is a batch: a list of rows",
                      f"for one sample write `{single}: [...]`; for a batch, one row per sample: "
                      f"`{batch}: [[...], [...]]`", at_key=True)
            return None, True
        if single in data and rows:
            self.fail((single,), f"'{single}' holds a list of rows, but it is one sample",
                      f"for a batch write `{batch}:` with one row per sample; for one sample, `{single}: [...]`",
                      at_key=True)
            return None, False
        if single in data:
            vector = self._vector((single,), data[single], f"'{single}'")
            return (None if vector is None else vector.reshape(1, -1)), False
        if batch in data:
            matrix = self._matrix((batch,), data[batch], f"'{batch}'", rows_of="sample")
            if matrix is not None and matrix.shape[0] > MAX_SAMPLES:
                self.fail((batch,), f"'{batch}' has {matrix.shape[0]} samples", f"at most {MAX_SAMPLES}")
                return None, True
            return matrix, True
        self.missing((), single, f"'{single}' is missing",
                     f"add `{single}: [...]` (one sample) or `{batch}: [[...], ...]` (a batch)")
        return None, False

    def _layers(self, data: dict, default_layout: str) -> tuple[list[Layer], list[str]]:
        layers_value = data.get("layers")
        if "layers" not in data:
            self.missing((), "layers", "'layers' is missing", "add `layers:` with one entry per layer of weights")
            return [], []
        if not isinstance(layers_value, list) or not layers_value:
            what = "an empty list" if layers_value == [] else describe(layers_value)
            self.fail(("layers",), f"'layers' must be a list of layers, not {what}",
                      "write `layers:` then `  - activation: sigmoid` and `    weights: [[...]]` per layer")
            return [], []
        if len(layers_value) > MAX_LAYERS:
            self.fail(("layers",), f"{len(layers_value)} layers", f"at most {MAX_LAYERS}")
            return [], []
        layers, layouts = [], []
        for i, entry in enumerate(layers_value):
            path = ("layers", i)
            if not isinstance(entry, dict):
                self.fail(path, f"layer {i + 1} must be a mapping, not {describe(entry)}",
                          "write `- activation: NAME` and `  weights: [[...]]`")
                continue
            self._unknown_keys(entry, path, LAYER_KEYS)
            act = self._activation(entry, path)
            layout = self._layout(entry, path, default_layout)
            weights = None
            if "weights" not in entry:
                self.missing(path, "weights", f"layer {i + 1} has no 'weights'",
                             "add `weights: [[...]]`, one row per neuron")
            else:
                weights = self._matrix(path + ("weights",), entry["weights"], f"the weights of layer {i + 1}")
            if weights is not None:
                if layout == "from_to":
                    weights = np.ascontiguousarray(weights.T)  # the engine's rows are INTO a neuron
                bias = self._biases(path + ("biases",), entry.get("biases", 0), weights.shape[0], i + 1)
                if bias is not None and act is not None:
                    layers.append(Layer(weights, bias[0], act, bias[1]))
                    layouts.append(layout)
        return layers, layouts

    def _activation(self, entry: dict, path: tuple):
        value = entry.get("activation")
        if "activation" not in entry:
            self.missing(path, "activation", f"layer {path[1] + 1} has no 'activation'",
                         "add `activation: sigmoid` (known: " + ", ".join(ACTIVATIONS) + ")")
            return None
        alpha = None
        apath = path + ("activation",)
        if isinstance(value, dict):
            self._unknown_keys(value, apath, ("name", "alpha"))
            if "alpha" in value:
                alpha = self._number(apath + ("alpha",), value["alpha"])
                if alpha is None:
                    return None
            name = self._choice(value, "name", ACTIVATIONS, apath)
            if name is not None and alpha is not None and name != "leaky_relu":
                self.fail(apath + ("alpha",), f"'alpha' belongs to leaky_relu, not {name}", "remove it", at_key=True)
                return None
        else:
            name = self._choice(entry, "activation", ACTIVATIONS, path)
        return None if name is None else activation(name, alpha)

    def _biases(self, path: tuple, value: Any, neurons: int, layer: int) -> tuple[np.ndarray, str] | None:
        """The biases of every neuron and the layer's bias style (names.BIAS_STYLES)."""
        if value == "none":
            return np.zeros(neurons), "none"
        if isinstance(value, dict) and "file" not in value:  # {shared: V}, or a misspelling of it
            if "shared" not in value:
                self._unknown_keys(value, path, ("shared", "file"))
                if not value:
                    self.fail(path, "empty biases mapping", "write `{shared: 0.35}` or `{file: b.npy}`")
                return None
            self._unknown_keys(value, path, ("shared",))
            number = self._number(path + ("shared",), value["shared"])
            return None if number is None else (np.full(neurons, number), "shared")
        if not isinstance(value, (list, dict)):
            if isinstance(value, str):
                self.fail(path, f"unknown biases '{quote(value)}'", "write a number, a list, `{shared: 0.35}` (one "
                          "bias for the layer) or `none` (no biases)")
                return None
            number = self._number(path, value)
            return None if number is None else (np.full(neurons, number), "each")
        vector = self._vector(path, value, f"the biases of layer {layer}")
        if vector is not None and len(vector) != neurons:
            self.fail(path, f"layer {layer} has {plural(neurons, 'neuron')} but {plural(len(vector), 'bias')}",
                      f"write {plural(neurons, 'number')}, one number for every neuron, `{{shared: V}}` or `none`")
            return None
        return None if vector is None else (vector, "each")

    def _check_shapes(self, data: dict, inputs, targets, layers: list[Layer], layouts: list[str]) -> None:
        width = inputs.shape[1]
        for i, (layer, layout) in enumerate(zip(layers, layouts)):
            rows, cols = layer.weights.shape
            if cols != width:
                source = "the input has" if i == 0 else f"layer {i} has"
                what = "value" if i == 0 else "neuron"
                previous = "input" if i == 0 else f"neuron of layer {i}"
                if layout == "to_from":
                    self.fail(("layers", i, "weights"), f"the weights of layer {i + 1} have "
                              f"{plural(cols, 'column')}, but {source} {plural(width, what)}",
                              f"expected shape {rows}×{width}: one row per neuron, one column per {previous}")
                else:
                    self.fail(("layers", i, "weights"), f"the weights of layer {i + 1} have "
                              f"{plural(cols, 'row')} (layout: from_to), but {source} {plural(width, what)}",
                              f"expected shape {width}×{rows}: one row per {previous}, one column per neuron")
            width = rows
        parameters = sum(layer.weights.size + bias_count(layer.weights.shape[0], layer.bias_style) for layer in layers)
        if parameters > MAX_PARAMETERS:
            self.fail(("layers",), f"the network has {parameters} parameters", f"at most {MAX_PARAMETERS}")
        values = inputs.shape[0] * (inputs.shape[1] + sum(layer.weights.shape[0] for layer in layers))
        if values > MAX_NODE_VALUES:  # every sample's z and a are kept, and their gradients
            key = "inputs" if "inputs" in data else "input"
            self.fail((key,), f"{inputs.shape[0]:,} samples through {values // inputs.shape[0]:,} neurons are "
                      f"{values:,} node values", f"at most {MAX_NODE_VALUES:,}: fewer samples, or a narrower network")
        key = "targets" if "targets" in data else "target"
        if targets.shape[1] != width:
            self.fail((key,), f"'{key}' has {plural(targets.shape[1], 'value')} per sample, but the output layer has "
                      f"{plural(width, 'neuron')}", f"give one target per output neuron ({width})")
        if targets.shape[0] != inputs.shape[0]:
            self.fail((key,), f"{plural(inputs.shape[0], 'input sample')} but {plural(targets.shape[0], 'target')}",
                      "give one target row per input row")

    def _check_loss_domain(self, network: Network, targets: np.ndarray) -> None:
        name = network.loss.name
        out = network.layers[-1].activation.name
        if name in ("cross_entropy", "binary_cross_entropy"):
            key = "targets" if "targets" in self.doc.data else "target"
            if np.any(targets < 0) or (name == "binary_cross_entropy" and np.any(targets > 1)):
                self.fail((key,), f"{name} needs targets between 0 and 1",
                          "targets are probabilities (one-hot for cross_entropy)")
            if out not in ("softmax", "sigmoid"):
                self.fail(("layers", len(network.layers) - 1, "activation"),
                          f"{name} needs outputs between 0 and 1, but the output activation is {out}",
                          "use softmax (cross_entropy) or sigmoid (binary_cross_entropy) on the output layer")
