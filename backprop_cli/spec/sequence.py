"""A spec over a sequence (contract section 9): `sequence:` (one input vector per time step),
`target:` (the last step's) or `targets:` (one per step, the losses summed), a `type: recurrent`
layer and dense layers applied at every step; each problem located, with limits that keep a
hostile spec cheap (steps, units, and the paths a trace would weigh)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.coupled import Recurrent
from ..core.functions import activation
from ..core.sequence import SequenceNetwork, run
from ..errors import quote
from .hints import describe, nearest, plural
from .maps import MapReader, MapSpec

KINDS = ("dense", "recurrent")
RECURRENT_KEYS = ("type", "input_weights", "recurrent_weights", "biases", "initial_state", "activation")
RECURRENT_ACTIVATIONS = ("tanh", "relu")  # nn.RNN's nonlinearity
MAX_STEPS = 1_000  # each step is a Python-level step of the recurrence
MAX_UNITS = 256
MAX_VALUES = 2_000_000  # steps × every layer's values


class SequenceSpec(MapSpec):
    """A validated spec over a sequence; `inputs` is (steps, inputs), `targets` (steps, outputs)."""

    def summary(self) -> dict:
        return {"sizes": self.sizes, "layers": [layer.kind for layer in self.network.layers],
                "steps": self.network.steps}

    _engine = staticmethod(run)


class SequenceReader(MapReader):
    """Reads a spec holding `sequence:`, collecting every problem."""

    SPEC = SequenceSpec
    steps = 0

    def _inputs(self, data: dict) -> tuple[np.ndarray | None, bool]:
        for key in ("input", "inputs"):
            if key in data:
                self.fail((key,), f"'{key}' and 'sequence' are both given", "a recurrent network reads "
                          "`sequence:` (one input vector per time step); remove `" + key + ":`", at_key=True)
        value = data["sequence"]
        if isinstance(value, list) and value and isinstance(value[0], list) and value[0] and \
                isinstance(value[0][0], list):
            self.fail(("sequence",), "'sequence' holds lists of vectors: a batch of sequences, which section 9 "
                      "does not take", "one sequence: a list of input vectors, `sequence: [[1, 0], [0.5, -1]]`",
                      at_key=True)
            return None, False
        matrix = self._matrix(("sequence",), value, "'sequence'", rows_of="time step")
        if matrix is None:
            return None, False
        steps, width = matrix.shape
        if steps > MAX_STEPS:
            self.fail(("sequence",), f"'sequence' has {steps:,} steps", f"at most {MAX_STEPS:,}")
            return None, False
        self.steps, self.input_shape, self.samples = steps, (width, steps), 1
        return matrix, False

    def _targets(self, data: dict, loss: str | None) -> np.ndarray | None:
        if data.get("reduction", "sum") != "sum":  # (read beside the targets: both say how L is made)
            self.fail(("reduction",), "over a sequence the steps' losses are summed (section 9), so "
                      f"`reduction: {quote(str(data['reduction']))}` cannot be taken",
                      "remove `reduction:` (or write `reduction: sum`)")
        if "target" in data and "targets" in data:
            self.fail(("targets",), "both 'target' and 'targets' are given", "keep one: 'target' for the last step "
                      "only, 'targets' for one target per step (the losses summed)", at_key=True)
            return None
        if loss == "none" or "targets" not in data:
            return super()._targets(data, loss)
        matrix = self._matrix(("targets",), data["targets"], "'targets'", rows_of="time step")
        if matrix is not None and self.steps and matrix.shape[0] != self.steps:
            self.fail(("targets",), f"'targets' has {plural(matrix.shape[0], 'row')}, but the sequence has "
                      f"{plural(self.steps, 'step')}", "one target per step (or `target:` for the last step only)")
            return None
        return matrix

    def _layers(self, data: dict, default_layout: str) -> tuple[list, list[str]]:
        entries = data.get("layers")
        if not isinstance(entries, list):
            return super()._layers(data, default_layout)  # its messages for a missing or wrong `layers:`
        # without a readable sequence the layers are still read, each problem reported
        width, layers, layouts = (self.input_shape[0] if self.input_shape else None), [], []
        for i, entry in enumerate(entries):
            path = ("layers", i)
            if not isinstance(entry, dict):
                self.fail(path, f"layer {i + 1} must be a mapping, not {describe(entry)}",
                          "write `- type: recurrent` ...")
                width = None
                continue
            kind = entry.get("type", "dense")
            if kind not in KINDS:
                self.fail(path + ("type",), f"layer type '{quote(str(kind))}' does not take a sequence" if
                          isinstance(kind, str) else f"a layer's type is a word, not {describe(kind)}",
                          "over `sequence:` the layers are `recurrent` and `dense` (applied at every step)"
                          + (f"; {nearest(kind, KINDS)}" if isinstance(kind, str) and nearest(kind, KINDS) else ""))
                width = None
                continue
            if kind == "recurrent":
                layer = self._recurrent(entry, path, width, i + 1)
            else:
                layout = self._layout(entry, path, default_layout)
                self._unknown_keys(entry, path, ("type", "activation", "weights", "biases", "layout"))
                layer = self._dense(entry, path, None if width is None else (width,), layout, i + 1)
            width = None if layer is None else layer.outputs
            if layer is not None:
                layers.append(layer)
                layouts.append("to_from")
        if layers and not any(layer.kind == "recurrent" for layer in layers) and len(layers) == len(entries):
            self.fail(("sequence",), "`sequence:` is read by a recurrent layer, but none is given",
                      "add a layer `- type: recurrent` (or use `input:` for a network without one)", at_key=True)
        if layers and self.input_shape:
            values = self.steps * (self.input_shape[0] + sum(layer.outputs for layer in layers))
            if values > MAX_VALUES:
                self.fail(("sequence",), f"{self.steps:,} steps through these layers are {values:,} values",
                          f"at most {MAX_VALUES:,}: a shorter sequence or fewer units", at_key=True)
        return layers, layouts

    def _recurrent(self, entry: dict, path: tuple, width, number: int):
        self._unknown_keys(entry, path, RECURRENT_KEYS)
        name = entry.get("activation", "tanh")
        act = None
        if name not in RECURRENT_ACTIVATIONS:
            self.fail(path + ("activation",), f"a recurrent layer's activation is tanh or relu (nn.RNN's "
                      f"nonlinearity), not {quote(str(name)) if isinstance(name, str) else describe(name)}",
                      "write `activation: tanh` (the default) or `activation: relu`")
        else:
            act = activation(name)
        found = {}
        for key, what in (("input_weights", "W_x"), ("recurrent_weights", "W_h")):
            if key not in entry:
                self.missing(path, key, f"layer {number} (recurrent) has no '{key}'",
                             f"add `{key}: [[...]]` ({what}: row j = the weights INTO unit j)")
                continue
            found[key] = self._matrix(path + (key,), entry[key], f"the {key.replace('_', ' ')} of layer {number}")
        wx, wh = found.get("input_weights"), found.get("recurrent_weights")
        if wx is None or wh is None:
            return None
        units = wh.shape[0]
        if units > MAX_UNITS:
            self.fail(path + ("recurrent_weights",), f"layer {number} has {units:,} units", f"at most {MAX_UNITS}")
            return None
        if wh.shape != (units, units):
            self.fail(path + ("recurrent_weights",), f"the recurrent weights of layer {number} are "
                      f"{wh.shape[0]}×{wh.shape[1]}, but W_h is square (units × units)",
                      f"expected shape {units}×{units}: row j = from every unit's previous state into unit j")
            return None
        if wx.shape[0] != units:
            self.fail(path + ("input_weights",), f"the input weights of layer {number} have "
                      f"{plural(wx.shape[0], 'row')}, but the layer has {plural(units, 'unit')} (W_h is "
                      f"{units}×{units})", f"one row per unit: {units}×{wx.shape[1]}")
            return None
        if width is not None and wx.shape[1] != width:
            below = "the sequence's steps have" if number == 1 else f"layer {number - 1} has"
            self.fail(path + ("input_weights",), f"the input weights of layer {number} have "
                      f"{plural(wx.shape[1], 'column')}, but {below} {plural(width, 'value')}",
                      f"expected shape {units}×{width}: one row per unit, one column per input")
            return None
        biases = self._biases(path + ("biases",), entry.get("biases", 0), units, number)
        if biases is not None and biases[1] == "shared":
            self.fail(path + ("biases",), "a recurrent layer has one bias per unit, not a shared one",
                      f"write {plural(units, 'number')}, one number for all, or `none`")
            return None
        initial = None
        if "initial_state" in entry:
            initial = self._vector(path + ("initial_state",), entry["initial_state"], f"the initial state of layer "
                                   f"{number}")
            if initial is not None and len(initial) != units:
                self.fail(path + ("initial_state",), f"the initial state of layer {number} has "
                          f"{plural(len(initial), 'value')}, but the layer has {plural(units, 'unit')}",
                          f"h0: one value per unit ({units}); default zeros")
                return None
            if initial is None:
                return None
        if biases is None or width is None or act is None:
            return None
        return Recurrent(np.hstack([wx, wh]), biases[0], act, wx.shape[1], initial, biases[1])

    def _check_shapes(self, data: dict, _inputs, targets, layers: list, _layouts: list[str]) -> None:
        width = layers[-1].outputs
        key = "targets" if "targets" in data else "target" if "target" in data else "output_gradient"
        if targets.shape[1] != width:
            self.fail((key,), f"'{key}' has {plural(targets.shape[1], 'value')} per step, but the output layer "
                      f"has {plural(width, 'value')}", f"give one value per output ({width})")

    def _network(self, layers: list, loss, _reduction: str):  # the steps' losses are summed
        return SequenceNetwork(layers, loss, self.input_shape, 0, "sum", every_step="targets" in self.doc.data)

    def read(self):
        spec = super().read()
        if spec.targets.shape[0] != self.steps:  # `target:` (the last step's): the same row at every step,
            spec = spec.replace(targets=np.repeat(spec.targets[-1:], self.steps, axis=0))  # only the last read
        return spec

    REFUSED = "a network over a sequence trains by plain gradient descent only"


def reads_sequence(data: Any) -> bool:
    """Whether a spec document is over a sequence (`sequence:`)."""
    return isinstance(data, dict) and "sequence" in data
