"""A network as the engine sees it: layers of weights and biases, an activation each, a loss."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .functions import Activation, Loss
from .names import NO_NAMES
from .record import Record
from .update import SGD, Optimizer, State


class Layer(Record):
    """One layer of weights: row j holds the weights into neuron j (`replace` copies it with fields
    changed)."""

    FIELDS = ("weights", "biases", "activation", "bias_style")

    weights: np.ndarray  # (neurons, neurons of the previous layer)
    biases: np.ndarray  # (neurons,): every neuron's, also when the layer shares one or has none
    activation: Activation
    bias_style: str = "each"  # names.BIAS_STYLES: a bias per neuron, one shared, or none (all 0)

    def __init__(self, weights, biases, activation, bias_style="each"):
        self.weights, self.biases, self.activation, self.bias_style = weights, biases, activation, bias_style

    def __repr__(self) -> str:
        return f"Layer({self.weights.shape[0]} neurons, {self.activation.name}, biases {self.bias_style})"

    @property
    def written_weights(self) -> np.ndarray:
        """The weights as the spec writes them (layout to_from)."""
        return self.weights

    @property
    def outputs(self) -> int:
        """How many neurons the layer has."""
        return self.weights.shape[0]


class Network(Record):
    """Layers, a loss and how a batch is reduced; what the engine needs and nothing more."""

    FIELDS = ("layers", "loss", "reduction", "frozen", "names", "optimizer", "state", "l2")
    maps = False  # dense layers only (core.mapnet's MapNetwork is the network over feature maps)

    layers: list[Layer]
    loss: Loss
    reduction: str = "mean"  # or "sum" over the samples of a batch
    frozen: frozenset = frozenset()  # canonical names of the parameters an update leaves alone
    # the course's own names (canonical default-notation name -> its name); only for reading and printing
    names: Mapping[str, str] = NO_NAMES
    optimizer: Optimizer = SGD  # how an update moves the parameters (core.update)
    state: State | None = None  # the optimiser's state before the next update; None: the start
    l2: float = 0.0  # λ: the loss gains (λ/2)·Σw² over the weights

    def __init__(self, layers, loss, reduction="mean", frozen=frozenset(), names=NO_NAMES, optimizer=SGD,
                 state=None, l2=0.0):
        self.layers, self.loss, self.reduction, self.frozen, self.names = layers, loss, reduction, frozen, names
        self.optimizer, self.state, self.l2 = optimizer, state, l2

    def __repr__(self) -> str:
        return f"Network({self.sizes}, {self.loss.name}, {self.reduction})"

    @property
    def bias_styles(self) -> tuple[str, ...]:
        """Each layer's bias style, the first layer first."""
        return tuple(layer.bias_style for layer in self.layers)

    @property
    def sizes(self) -> list[int]:
        """Neurons per layer, the input layer first."""
        return [self.layers[0].weights.shape[1]] + [layer.weights.shape[0] for layer in self.layers]

    def parameter_names(self) -> list[str]:
        """Every parameter's canonical name, in canonical order."""
        from .names import parameter_names

        return parameter_names(self.sizes, self.bias_styles)

    @property
    def l2_term(self) -> float:
        """(λ/2)·Σw² over every weight: the loss's L2 term (0 without `l2:`)."""
        if not self.l2:
            return 0.0
        return 0.5 * self.l2 * sum(float(np.sum(layer.weights * layer.weights)) for layer in self.layers)

    @property
    def softmax_layers(self) -> set[int]:
        """The layers (1-based) whose activation couples all their neurons."""
        return {p for p, layer in enumerate(self.layers, start=1) if not layer.activation.elementwise}
