"""YAML spec -> Spec (numpy arrays + source locations), validated with located messages.

Knows nothing of printing: every problem becomes a `Problem`, and all of them are raised
together as one `SpecError`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..core.functions import ACTIVATIONS, LOSSES, activation
from ..core.network import Layer, Network
from ..errors import Problem, SpecError, quote
from .access import Unreadable, read_limited
from .hints import describe, nearest, plural, unknown_keys
from .matrices import MAX_NEURONS, MAX_PARAMETERS, MatrixFileError, read_matrix
from .yamlsafe import MAX_TEXT_BYTES, Document, decode, parse

TOP_KEYS = ("name", "description", "input", "inputs", "target", "targets", "reduction", "loss",
            "learning_rate", "layers")
LAYER_KEYS = ("activation", "weights", "biases")
MAX_LAYERS = 1_000
MAX_SAMPLES = 1_000_000
MAX_NODE_VALUES = 2_000_000  # samples × neurons: 16 MB an array, a handful of arrays a pass
DEFAULT_LEARNING_RATE = 0.1


@dataclass
class Spec:
    """A validated network spec: the engine's Network plus data, rate and where things were written."""

    network: Network
    inputs: np.ndarray  # (samples, inputs)
    targets: np.ndarray  # (samples, outputs)
    batch: bool  # written as `inputs:` (a batch) rather than `input:`
    learning_rate: float
    name: str = ""
    description: str = ""
    file: str = "<text>"
    document: Document | None = field(default=None, repr=False)
    matrix_files: dict = field(default_factory=dict)  # path -> (file name, shape in the file)

    @property
    def sizes(self) -> list[int]:
        """Neurons per layer, the input layer first."""
        return self.network.sizes

    @property
    def layers(self) -> list[Layer]:
        """The network's layers, the first hidden layer first."""
        return self.network.layers


def load_spec(path: str | Path | None = None, *, text: str | None = None, name: str | None = None,
              confined: bool = False) -> Spec:
    """Load and validate a spec from a file (`-` is standard input) or from `text`; raises SpecError.
    `confined`: the spec is a student's (in `check`), so its matrix files must lie in its folder."""
    if text is not None:
        return parse_spec(text, name or "<text>", Path.cwd())
    if path is None:
        raise TypeError("load_spec needs a path or text=")
    if str(path) == "-":
        import sys

        raw = sys.stdin.buffer.read(MAX_TEXT_BYTES + 1)
        return parse_spec(decode(raw, "<stdin>"), "<stdin>", Path.cwd())
    file = Path(path)
    shown = name or str(path)
    try:
        raw = read_limited(file, MAX_TEXT_BYTES)
    except Unreadable as exc:
        hint = exc.hint or "give the path of a spec file, or --example NAME (see `backprop examples`)"
        raise SpecError([Problem(shown, 1, 1, str(exc), hint)]) from None
    return parse_spec(decode(raw, shown), shown, file.parent, confined)


def parse_spec(text: str, file: str, base_dir: Path, confined: bool = False) -> Spec:
    """Validate YAML text as a spec; `base_dir` resolves `{file: ...}` matrices."""
    return read_document(parse(text, file), base_dir, confined)


def read_document(doc: Document, base_dir: Path, confined: bool = False) -> Spec:
    """Validate an already parsed YAML document as a spec."""
    return _SpecReader(doc, base_dir, confined).read()


class _SpecReader:
    """Reads one document into a Spec, collecting every problem instead of stopping at the first."""

    def __init__(self, doc: Document, base_dir: Path, confined: bool):
        self.doc = doc
        self.base_dir = base_dir
        self.confined = confined
        self.problems: list[Problem] = []
        self.matrix_files: dict = {}
        self.misspelt: set[tuple] = set()  # (path, known key) already reported as a typo

    def fail(self, path: tuple, message: str, hint: str = "", *, at_key: bool = False) -> None:
        self.problems.append(self.doc.problem(path, message, hint, at_key=at_key))

    def read(self) -> Spec:
        data = self.doc.data
        if not isinstance(data, dict):
            self.fail((), f"a spec is a mapping of keys, not {describe(data)}",
                      "start with `input:`, `target:`, `loss:` and `layers:`; see `backprop examples`")
            raise SpecError(self.problems)
        self._unknown_keys(data, (), TOP_KEYS)
        name = self._text(data, "name")
        description = self._text(data, "description")
        inputs, batch = self._samples(data, "input", "inputs")
        targets, _ = self._samples(data, "target", "targets")
        reduction = data.get("reduction", "mean")
        if reduction not in ("mean", "sum"):
            self.fail(("reduction",), f"unknown reduction '{quote(str(reduction))}'",
                      "write `reduction: mean` or `reduction: sum`")
        loss = self._choice(data, "loss", LOSSES)
        rate = DEFAULT_LEARNING_RATE
        if "learning_rate" in data:
            rate = self._number(("learning_rate",), data["learning_rate"])
        layers = self._layers(data)
        if self.problems:
            raise SpecError(self.problems)
        self._check_shapes(data, inputs, targets, layers)
        if self.problems:
            raise SpecError(self.problems)
        network = Network(layers, LOSSES[loss], reduction)
        self._check_loss_domain(network, targets)
        if self.problems:
            raise SpecError(self.problems)
        return Spec(network, inputs, targets, batch, float(rate), name, description, self.doc.file,
                    self.doc, self.matrix_files)

    # -- keys and scalars ---------------------------------------------------------------
    def _unknown_keys(self, mapping: dict, path: tuple, known: tuple) -> None:
        self.misspelt |= unknown_keys(self.doc, mapping, path, known, self.problems)

    def missing(self, path: tuple, key: str, message: str, hint: str) -> None:
        """Report a missing key, unless it is there under a misspelt name already reported."""
        if (path, key) not in self.misspelt:
            self.fail(path, message, hint)

    def _text(self, data: dict, key: str) -> str:
        value = data.get(key, "")
        if value is None:
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.fail((key,), f"'{key}' must be text, not {describe(value)}", f"write {key}: some words")
            return ""
        return str(self.doc.texts.get((key,), value))

    def _choice(self, data: dict, key: str, known: dict, path: tuple = ()) -> str | None:
        if key not in data:
            self.missing(path, key, f"'{key}' is missing", "add `" + key + ": " + next(iter(known)) + "` (known: "
                      + ", ".join(known) + ")")
            return None
        value = data[key]
        if not isinstance(value, str):
            self.fail(path + (key,), f"'{key}' must be a name, not {describe(value)}", "known: " + ", ".join(known))
            return None
        if value not in known:
            self.fail(path + (key,), f"unknown {key} '{quote(value)}'", nearest(value, known))
            return None
        return value

    def _number(self, path: tuple, value: Any) -> float | None:
        written = quote(self.doc.texts.get(path, repr(value)), 40)
        if isinstance(value, bool) or value is None or not isinstance(value, (int, float)):
            hint = "write a number such as 0.5, -1 or 1e-3"
            if isinstance(value, str) and value.lower() in ("yes", "no", "on", "off", "y", "n"):
                hint += f" ('{written}' is a word in YAML 1.2, not a truth value or number)"
            what = "empty" if value is None else describe(value) if isinstance(value, bool) else f"'{written}'"
            self.fail(path, f"expected a number, got {what}", hint)
            return None
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if math.isnan(number):
            self.fail(path, f"'{written}' (not a number) is not allowed here", "write a finite number")
            return None
        if math.isinf(number):
            self.fail(path, f"'{written}' is not a finite float64 number", "write a number below 1.8e308 in size")
            return None
        return number

    # -- vectors and matrices -----------------------------------------------------------
    def _vector(self, path: tuple, value: Any, what: str) -> np.ndarray | None:
        if isinstance(value, dict):
            array = self._from_file(path, value)
            if array is None:
                return None
            if array.ndim == 2 and 1 in array.shape:
                array = array.reshape(-1)
            if array.ndim != 1:
                self.fail(path, f"{what} must be a vector, the file holds shape {array.shape}", "")
                return None
            return array
        if not isinstance(value, list):
            self.fail(path, f"{what} must be a list of numbers, not {describe(value)}", "write [0.1, 0.2, ...]")
            return None
        numbers = [self._number(path + (i,), v) for i, v in enumerate(value)]
        if any(n is None for n in numbers):
            return None
        if not numbers:
            self.fail(path, f"{what} is an empty list", "write at least one number: [0.5]")
            return None
        if len(numbers) > MAX_NEURONS:
            self.fail(path, f"{what} has {len(numbers)} values", f"at most {MAX_NEURONS} neurons a layer")
            return None
        return np.array(numbers, dtype=np.float64)

    def _matrix(self, path: tuple, value: Any, what: str) -> np.ndarray | None:
        if isinstance(value, dict):
            array = self._from_file(path, value)
            if array is not None and array.ndim == 1:
                array = array.reshape(1, -1)
            if array is not None and array.ndim != 2:
                self.fail(path, f"{what} must be a matrix, the file holds shape {array.shape}", "")
                return None
            return array
        if not isinstance(value, list) or not value:
            self.fail(path, f"{what} must be a list of rows, not {describe(value)}",
                      "write one row per neuron: [[0.1, 0.2], [0.3, 0.4]]")
            return None
        if len(value) > MAX_NEURONS:
            self.fail(path, f"{what} has {len(value)} rows", f"at most {MAX_NEURONS} neurons a layer")
            return None
        rows = []
        for i, row in enumerate(value):
            if not isinstance(row, list):
                self.fail(path + (i,), f"row {i + 1} of {what} must be a list of numbers, not {describe(row)}",
                          "write each row as [0.1, 0.2, ...]: row j holds the weights into neuron j")
                return None
            rows.append(self._vector(path + (i,), row, f"row {i + 1} of {what}"))
        if any(r is None for r in rows):
            return None
        widths = {len(r) for r in rows}
        if len(widths) > 1:
            first = len(rows[0])
            for i, r in enumerate(rows):
                if len(r) != first:
                    self.fail(path + (i,), f"row {i + 1} of {what} has {plural(len(r), 'number')}, row 1 has {first}",
                              "every row needs one weight per neuron of the previous layer")
            return None
        return np.array(rows, dtype=np.float64)

    def _from_file(self, path: tuple, value: dict) -> np.ndarray | None:
        if set(value) != {"file"} or not isinstance(value.get("file"), str):
            key = next((p for p in reversed(path) if isinstance(p, str)), "weights")
            self.fail(path, f"'{key}' is a mapping: values from a file are written {{file: NAME.npy}}",
                      f"write a list of numbers, or `{key}: {{file: {key}.npy}}` (.npy or .csv, relative to the spec)")
            return None
        name = value["file"]
        try:
            array = read_matrix(self.base_dir, name, self.confined)
        except MatrixFileError as exc:
            self.fail(path + ("file",), str(exc), exc.hint)
            return None
        self.matrix_files[path] = (name, array.shape)
        return array

    # -- the parts of a spec ------------------------------------------------------------
    def _samples(self, data: dict, single: str, batch: str) -> tuple[np.ndarray | None, bool]:
        if single in data and batch in data:
            self.fail((batch,), f"both '{single}' and '{batch}' are given", f"keep one: '{single}' for one sample, "
                      f"'{batch}' for a batch", at_key=True)
            return None, False
        if single in data:
            vector = self._vector((single,), data[single], f"'{single}'")
            return (None if vector is None else vector.reshape(1, -1)), False
        if batch in data:
            matrix = self._matrix((batch,), data[batch], f"'{batch}'")
            if matrix is not None and matrix.shape[0] > MAX_SAMPLES:
                self.fail((batch,), f"'{batch}' has {matrix.shape[0]} samples", f"at most {MAX_SAMPLES}")
                return None, True
            return matrix, True
        self.missing((), single, f"'{single}' is missing",
                     f"add `{single}: [...]` (one sample) or `{batch}: [[...], ...]` (a batch)")
        return None, False

    def _layers(self, data: dict) -> list[Layer]:
        layers_value = data.get("layers")
        if "layers" not in data:
            self.missing((), "layers", "'layers' is missing", "add `layers:` with one entry per layer of weights")
            return []
        if not isinstance(layers_value, list) or not layers_value:
            self.fail(("layers",), f"'layers' must be a list of layers, not {describe(layers_value)}",
                      "write `layers:` then `  - activation: sigmoid` and `    weights: [[...]]` per layer")
            return []
        if len(layers_value) > MAX_LAYERS:
            self.fail(("layers",), f"{len(layers_value)} layers", f"at most {MAX_LAYERS}")
            return []
        layers = []
        for i, entry in enumerate(layers_value):
            path = ("layers", i)
            if not isinstance(entry, dict):
                self.fail(path, f"layer {i + 1} must be a mapping, not {describe(entry)}",
                          "write `- activation: NAME` and `  weights: [[...]]`")
                continue
            self._unknown_keys(entry, path, LAYER_KEYS)
            act = self._activation(entry, path)
            weights = None
            if "weights" not in entry:
                self.missing(path, "weights", f"layer {i + 1} has no 'weights'",
                             "add `weights: [[...]]`, one row per neuron")
            else:
                weights = self._matrix(path + ("weights",), entry["weights"], f"the weights of layer {i + 1}")
            if weights is not None:
                bias = self._biases(path + ("biases",), entry.get("biases", 0), weights.shape[0], i + 1)
                if bias is not None and act is not None:
                    layers.append(Layer(weights, bias, act))
        return layers

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

    def _biases(self, path: tuple, value: Any, neurons: int, layer: int) -> np.ndarray | None:
        if not isinstance(value, (list, dict)):
            number = self._number(path, value)
            return None if number is None else np.full(neurons, number)
        vector = self._vector(path, value, f"the biases of layer {layer}")
        if vector is not None and len(vector) != neurons:
            self.fail(path, f"layer {layer} has {plural(neurons, 'neuron')} but {plural(len(vector), 'bias')}",
                      f"write {plural(neurons, 'number')}, or one number for every neuron")
            return None
        return vector

    def _check_shapes(self, data: dict, inputs, targets, layers: list[Layer]) -> None:
        width = inputs.shape[1]
        for i, layer in enumerate(layers):
            rows, cols = layer.weights.shape
            if cols != width:
                source = "the input has" if i == 0 else f"layer {i} has"
                what = "value" if i == 0 else "neuron"
                self.fail(("layers", i, "weights"),
                          f"the weights of layer {i + 1} have {plural(cols, 'column')}, "
                          f"but {source} {plural(width, what)}",
                          f"expected shape {rows}×{width}: one row per neuron, one column per "
                          f"{'input' if i == 0 else f'neuron of layer {i}'}")
            width = rows
        parameters = sum(layer.weights.size + layer.biases.size for layer in layers)
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
