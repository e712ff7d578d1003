"""Which of the catalogue's whole-pass mistakes (grading.intervals.MISTAKES) are worth trying on a
gradient, the weights a backward sum read one path only or transposed takes, how mistakes pair, and
when the digits written tell a mistake's value from the right one.

A mistake that cannot change a gradient on this network (factor_2_lost without squared error, a
transpose of a matrix that is not square) would only give the right interval again; leaving it out
saves a pass. The judge (grading.judging) asks these rules; they are kept apart so that each can be
tested alone."""
from __future__ import annotations

import numpy as np

# slips of process, made beside any other mistake: tried first, paired with every other
PROCESS = ("sign_flipped", "factor_2_lost", "updated_weights_used", "batch_not_averaged")
# two ways of getting one factor wrong: made together, the pass makes only the first of them
SAME_FACTOR = ({"activation_derivative_missing", "derivative_on_z"}, {"one_path_only", "matrix_transposed"},
               {"one_path_only", "updated_weights_used"}, {"matrix_transposed", "updated_weights_used"})


def one_path_only(weights: np.ndarray, unit: int = 0) -> np.ndarray | None:
    """The weights a backward sum ∂L/∂a = Σ δ·w reads when it keeps one unit fed only, the first (or
    `unit`: -1, the last) (one_path_only); None where a unit feeds one, and nothing changes."""
    if weights.shape[0] < 2:
        return None
    kept = np.zeros_like(weights)
    kept[unit] = weights[unit]
    return kept


def read_the_other_way(weights: np.ndarray) -> np.ndarray | None:
    """w_jk taken as w_kj (matrix_transposed): the transpose of a square matrix; None where the
    matrix is not square, or is its own transpose, and nothing changes."""
    if weights.shape[0] != weights.shape[1] or np.allclose(weights, weights.T):
        return None
    return weights.T


def possible_mistakes(result, q) -> list[str]:
    """The mistakes of intervals.MISTAKES that can change gradient `q` on this result's network."""
    net = result.network
    layers = net.layers
    activations = {layer.activation.name for layer in layers}
    possible = ["sign_flipped"]
    if net.loss.name == "squared_error":
        possible.append("factor_2_lost")
    if activations & {"sigmoid", "tanh", "relu", "leaky_relu"}:
        possible.append("activation_derivative_missing")
    if activations & {"sigmoid", "tanh"}:
        possible.append("derivative_on_z")
    if net.softmax_layers:
        possible.append("softmax_cross_paths_missing")
    # a backward sum over a later layer's units exists only past the first layer, and only below the
    # last layer's step: the last layer's own parameters never read it (their pass is the right one)
    if len(layers) > 1 and not (q.is_parameter and q.name.indices[0] == len(layers)):
        possible.append("updated_weights_used")
        if any(one_path_only(layer.weights) is not None for layer in layers[1:]):
            possible.append("one_path_only")
        if any(read_the_other_way(layer.weights) is not None for layer in layers[1:]):
            possible.append("matrix_transposed")
    if q.is_parameter:
        if q.name.kind == "w" and q.name.indices[0] > 1:  # layer 1's weights multiply x, never an a
            possible.append("pre_activation_for_activation")
        if result.samples > 1 and result.scale != 1:  # a batch averaged, which a student may sum
            possible.append("batch_not_averaged")
        if result.samples > 1 and q.name.kind == "b" and q.sample is None:  # a bias's sum over the batch
            possible.append("bias_not_summed")
    # last: a step's own mistake is named before a = z, which changes every step after it
    return possible + forward_mistakes(result)


def forward_mistakes(result) -> list[str]:
    """The mistakes of intervals.MISTAKES that change a forward value (z, a, ŷ, the loss) on this
    result's network: a hidden activation never applied."""
    layers = result.network.layers
    hidden = layers[:-1]
    return ["activation_not_applied"] if hidden and all(layer.activation.elementwise for layer in hidden) and \
        {layer.activation.name for layer in hidden} - {"linear"} else []


def mistake_pairs(possible: list[str]) -> list[str]:
    """Two mistakes at once: every two possible mistakes, each pair once ("a+b", never also "b+a",
    never "a+a"), those with a slip of process (PROCESS) first; never two ways of getting one
    factor wrong (SAME_FACTOR), which the pass would make as one."""
    process = [m for m in PROCESS if m in possible]
    pairs = [(m, other) for i, other in enumerate(process) for m in possible if m not in process[:i + 1]]
    others = [m for m in possible if m not in process]
    pairs += [(a, b) for i, a in enumerate(others) for b in others[i + 1:]]
    return [f"{a}+{b}" for a, b in pairs if {a, b} not in SAME_FACTOR]


def told_apart(mistake: tuple[float, float], right: tuple[float, float], half: float) -> bool:
    """Whether a mistake's interval and the correct method's are told apart at the digits written:
    each widened by half a unit of the answer's last digit, they do not meet."""
    (low, high), (right_low, right_high) = mistake, right
    return high + half < right_low - half or low - half > right_high + half


def explained_within(found: list, given: float, half: float) -> bool:
    """Whether one of the mistakes found (each with its interval last) gives `given` to within half
    a unit of the answer's last digit: then no pair of mistakes is needed to explain it."""
    return any(low - half <= given <= high + half for *_, (low, high) in found)
