"""A network as the engine sees it: layers of weights and biases, an activation each, a loss."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .functions import Activation, Loss


@dataclass
class Layer:
    """One layer of weights: row j holds the weights into neuron j."""

    weights: np.ndarray  # (neurons, neurons of the previous layer)
    biases: np.ndarray  # (neurons,)
    activation: Activation


@dataclass
class Network:
    """Layers, a loss and how a batch is reduced; what the engine needs and nothing more."""

    layers: list[Layer]
    loss: Loss
    reduction: str = "mean"  # or "sum" over the samples of a batch

    @property
    def sizes(self) -> list[int]:
        """Neurons per layer, the input layer first."""
        return [self.layers[0].weights.shape[1]] + [layer.weights.shape[0] for layer in self.layers]

    @property
    def softmax_layers(self) -> set[int]:
        """The layers (1-based) whose activation couples all their neurons."""
        return {p for p, layer in enumerate(self.layers, start=1) if not layer.activation.elementwise}
