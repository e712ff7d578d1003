"""Personal networks: every student's own numbers, the same on every machine and Python version.

A student's numbers come from SHAKE-256 of (seed, id, attempt), never Python's `hash()`
or a random generator whose stream may change between numpy versions. The first attempt whose
network is a good problem is the student's: no relu pre-activation within 0.05 of 0, no sigmoid or
tanh saturated (|z| > 4), no question whose true value is within 0.005 of 0 or of the value a
catalogued mistake gives. The handout's net.yaml is written first and read back, so the numbers a
student is shown are exactly the numbers the key is computed from.
"""
from __future__ import annotations

import hashlib
import math
import struct

import numpy as np

from ..core.names import notation as make_notation
from ..core.numbers import exact
from ..errors import NumericalError, Problem, SpecError
from ..spec.reader import Spec, load_spec
from ..spec.yamlwrite import flow_list, string
from .quantities import evaluate

ATTEMPTS = 1_000
SCREENED = 32  # attempts whose first layers are screened at once (most students take fewer)
SATURATED, KINK, NEAR = 4.0, 0.05, 0.005


def draws(seed: str, student: str, attempt: int, count: int) -> list[int]:
    """`count` 64-bit numbers from SHAKE-256 of (seed, id, attempt): a standard, so the same in
    every Python and on every machine."""
    return list(struct.unpack(f">{count}Q", hashed(seed, student, attempt, count)))  # big-endian, unsigned


def hashed(seed: str, student: str, attempt: int, count: int) -> bytes:
    """The bytes of draws(): the first `count` numbers of the attempt's stream (SHAKE's output is a
    prefix of any longer output of the same key, so a few can be read without the rest)."""
    return hashlib.shake_256("\x1f".join((seed, student, str(attempt))).encode("utf-8")).digest(8 * count)


def draw_numbers(assignment, student: str, attempt: int):
    """The drawn numbers of `student` at `attempt`: the input rows, and each layer's weights and
    biases (None where the base spec's stay), in the order the hash positions count them."""
    personal = assignment.personal
    base = personal.spec
    needed = base.inputs.size + sum(layer.weights.size + layer.weights.shape[0] for layer in base.network.layers)
    stream = iter(draws(personal.seed, student, attempt, needed))

    def draw(drawn_range, count):
        return drawn_range.take(stream, count)

    if personal.input is not None:
        samples = [draw(personal.input, base.inputs.shape[1]) for _ in range(base.inputs.shape[0])]
    else:
        samples = base.inputs.tolist()
    layers = []
    for layer in base.network.layers:
        rows, cols = layer.weights.shape
        weights = [draw(personal.weights, cols) for _ in range(rows)]
        if layer.bias_style == "none" or personal.biases is None:
            biases = None
        elif layer.bias_style == "shared":
            biases = draw(personal.biases, 1) * rows
        else:
            biases = draw(personal.biases, rows)
        layers.append((weights, biases))
    return samples, layers


def with_numbers(base: Spec, samples, layers) -> Spec:
    """The base spec with drawn numbers in place (for checking a draw before writing it out)."""
    new_layers = [layer.replace(weights=np.array(weights, dtype=float),
                                biases=layer.biases if biases is None else np.array(biases, dtype=float))
                  for layer, (weights, biases) in zip(base.network.layers, layers)]
    return base.replace(network=base.network.replace(layers=new_layers),
                        inputs=np.array(samples, dtype=float), document=None)


def handout_text(assignment, student: str, numbers) -> str:
    """The net.yaml of `student`: the base spec's shape with the drawn numbers, commented."""
    title = assignment.title or "assignment"
    return spec_text(assignment.personal.spec, numbers,
                     [f"# {title}: the network of {student} (numbers of your own: work them out yourself)",
                      f"name: {string(f'{title} ({student})')}"])


def spec_text(base: Spec, numbers, heading: list[str]) -> str:
    """`base` written out as a spec that loads on its own, every number inline as exact() writes
    it: `numbers` is (input rows, per layer (weights, biases or None for the base's own)), and
    `heading` the lines before them (a comment, `name:`). The one writer of a spec from scratch."""
    samples, drawn = numbers
    net = base.network
    lines = list(heading)
    if base.batch:
        lines += ["inputs:"] + [f"  - {flow_list(s)}" for s in samples]
    else:
        lines.append(f"input: {flow_list(samples[0])}")
    if net.loss.name == "none":
        lines.append(f"output_gradient: {flow_list(base.targets[0])}")
    elif base.batch:
        lines += ["targets:"] + [f"  - {flow_list(t)}" for t in base.targets]
    else:
        lines.append(f"target: {flow_list(base.targets[0])}")
    lines += [f"loss: {net.loss.name}", f"reduction: {net.reduction}", f"learning_rate: {exact(base.learning_rate)}",
              "layers:"]
    for i, (layer, (weights, biases)) in enumerate(zip(net.layers, drawn), start=1):
        act = layer.activation
        written = act.name if act.alpha is None else f"{{name: {act.name}, alpha: {exact(act.alpha)}}}"
        lines += [f"  - activation: {written}    # layer {i}", "    weights:    # row j = weights INTO neuron j"]
        lines += [f"      - {flow_list(row)}" for row in weights]
        values = layer.biases if biases is None else biases
        if layer.bias_style == "none":
            lines.append("    biases: none")
        elif layer.bias_style == "shared":
            lines.append(f"    biases: {{shared: {exact(values[0])}}}")
        else:
            lines.append(f"    biases: {flow_list(values)}")
    if net.frozen:
        lines.append(f"frozen: [{', '.join(sorted(net.frozen))}]")
    if net.optimizer.name != "sgd":  # the update the questions ask about: Adam's m_w212 needs it written
        settings = "".join(f", {key}: {exact(value)}" for key, value in net.optimizer.settings.items())
        lines.append(f"optimizer: {{name: {net.optimizer.name}{settings}}}")
    if net.l2:
        lines.append(f"l2: {exact(net.l2)}")
    if net.state is not None and net.optimizer.state_names:
        from ..spec.training import state_text

        lines.append(state_text(net, net.state, "\n").rstrip("\n"))
    # the spec's own names, less the `f` a `loss: none` spec gets for L without writing it
    names = [f"  {own}: {canonical}" for canonical, own in net.names.items()
             if not (canonical == "L" and own == "f" and net.loss.name == "none")]
    if names:  # an empty `names:` would not load
        lines += ["names:", *names]
    return "\n".join(lines) + "\n"


def personal_numbers(assignment, student: str, checked: list | None = None):
    """`student`'s drawn numbers: the first attempt that makes a good problem; SpecError if none.
    `checked` receives (spec, result, diagnoser) of it, which grading reuses."""
    base = assignment.personal.spec
    for start in range(0, ATTEMPTS, SCREENED):
        for attempt in screened(assignment, student, range(start, min(start + SCREENED, ATTEMPTS))):
            numbers = draw_numbers(assignment, student, attempt)
            spec = with_numbers(base, *numbers)
            good = good_problem(assignment, spec)
            if good is not None:
                if checked is not None:
                    checked += [spec, *good]
                return numbers
    raise SpecError([Problem(assignment.file, 1, 1, f"no good problem for {student} in {ATTEMPTS} attempts",
                             "widen the ranges of `personal:`, or ask other questions")])


def personal_network(assignment, student: str) -> tuple:
    """`student`'s network to grade with, as (spec, result, diagnoser)."""
    prepared = assignment.__dict__.get("_prepared", {}).pop(student, None)
    if prepared is not None:  # drawn ahead, on another core (prepare)
        from .diagnoses import Diagnoser

        spec = with_numbers(assignment.personal.spec, *prepared)
        result = spec.compute()
        return spec, result, Diagnoser(result, make_notation(assignment.notation, result.network.names))
    checked: list = []
    personal_numbers(assignment, student, checked)
    return tuple(checked)


PARALLEL_FROM = 50  # students from which drawing their problems is shared among the cores


def prepare(assignment, students: list[str]) -> None:
    """Draw many students' problems ahead on every core (the same numbers as one at a time: each
    depends on seed and id alone). Anything that goes wrong leaves them to be drawn one by one."""
    if assignment.personal is None or len(students) < PARALLEL_FROM:
        return
    from .forked import on_every_core

    def numbers_of(student: str):
        try:
            return personal_numbers(assignment, student)
        except SpecError:
            return None  # drawn again in the main process, which reports it

    drawn = on_every_core(numbers_of, students)
    if drawn is not None:
        assignment.__dict__["_prepared"] = {student: numbers for student, numbers in zip(students, drawn) if numbers}


def personal_handout(assignment, student: str) -> tuple[str, Spec]:
    """`student`'s net.yaml and the spec read back from it, which must hold the very numbers the
    grading uses (exact() writes each float so that it reads back the same)."""
    prepared = assignment.__dict__.get("_prepared", {}).pop(student, None)  # drawn ahead (prepare)
    numbers = prepared if prepared is not None else personal_numbers(assignment, student)
    text = handout_text(assignment, student, numbers)
    spec = load_spec(text=text, name=f"net.yaml of {student}")
    graded = with_numbers(assignment.personal.spec, *numbers)
    if not same_numbers(spec, graded):  # pragma: no cover - exact() round-trips every float
        raise AssertionError(f"the handout of {student} does not read back as drawn")
    return text, spec


def same_numbers(spec: Spec, other: Spec) -> bool:
    """Whether two specs hold the very same numbers: inputs, targets, rate, weights and biases."""
    return (np.array_equal(spec.inputs, other.inputs) and np.array_equal(spec.targets, other.targets)
            and spec.learning_rate == other.learning_rate and len(spec.layers) == len(other.layers)
            and all(np.array_equal(a.weights, b.weights) and np.array_equal(a.biases, b.biases)
                    for a, b in zip(spec.layers, other.layers)))


def falls_in(activation: str, z: np.ndarray, margin: float = 0.0) -> np.ndarray:
    """Whether a layer's |z| puts a unit where a student's step falls: a relu within KINK of its
    kink, a sigmoid or tanh saturated past SATURATED (each bound moved outwards by `margin`, relative);
    for each row of `z` (one draw's |z| a row)."""
    if activation in ("relu", "leaky_relu"):
        return np.any(z < KINK * (1 - margin), axis=-1)
    if activation in ("sigmoid", "tanh"):
        return np.any(z > SATURATED * (1 + margin), axis=-1)
    return np.zeros(z.shape[:-1], dtype=bool)


def screened(assignment, student: str, attempts: range) -> list[int]:
    """The attempts among `attempts` whose first layer first_layers_refused lets through, worked out
    for all of them at once on the raw numbers, before any is drawn in full: most attempts end here."""
    personal = assignment.personal
    base = personal.spec
    layer = base.network.layers[0]
    rows, cols = layer.weights.shape
    drawn_input = personal.input is not None
    biases = "none" if personal.biases is None else layer.bias_style
    # the first numbers of each attempt's stream: the input rows, then layer 1's weights and biases
    # (draw_numbers' order)
    sizes = (base.inputs.size if drawn_input else 0, rows * cols, {"none": 0, "shared": 1}.get(biases, rows))
    raw = b"".join(hashed(personal.seed, student, attempt, sum(sizes)) for attempt in attempts)
    stream = np.frombuffer(raw, dtype=">u8").reshape(len(attempts), sum(sizes))
    inputs, weights, bias = np.split(stream, np.cumsum(sizes)[:2], axis=1)
    samples = personal.input.grid(inputs) if drawn_input else base.inputs[None]
    weights = personal.weights.grid(weights)
    bias = layer.biases[None] if biases == "none" else personal.biases.grid(bias)
    if samples is None or weights is None or bias is None:  # a grid too wide to lay out in float64
        return list(attempts)
    refused = first_layers_refused(layer.activation.name, samples.reshape(-1, *base.inputs.shape),
                                   weights.reshape(-1, rows, cols), bias)
    return [attempt for attempt, no in zip(attempts, refused) if not no]


def first_layers_refused(activation: str, samples: np.ndarray, weights: np.ndarray, biases: np.ndarray):
    """For each of many draws (the first axis of each array), whether its first layer alone makes a
    draw that good_problem refuses (a saturated or kinked unit). On the safe side of each bound by a
    margin (an order of summing differs in the last bits), it never refuses a draw good_problem would take."""
    with np.errstate(all="ignore"):
        z = np.abs(samples @ np.swapaxes(weights, 1, 2) + biases[:, None, :])
    return falls_in(activation, z.reshape(len(z), -1), margin=1e-9)


def reads_only_zeros(asked: list, spec: Spec) -> bool:
    """Whether an asked ∂L/∂w of a first-layer weight reads an input that is 0 in every sample it
    sums: then it is exactly 0 (δ·x, with no L2 term), as good_problem would find after the whole
    pass (inputs drawn as whole numbers from 0 are 0 one time in a few)."""
    if spec.network.l2:
        return False
    for q in asked:
        if q.kind == "gradient" and q.is_parameter and q.name.kind == "w" and q.name.indices[0] == 1:
            column = spec.inputs[:, q.name.indices[2] - 1]
            if q.sample is not None and not 1 <= q.sample <= len(column):
                continue
            if not np.any(column if q.sample is None else column[q.sample - 1]):
                return True
    return False


def too_near(q, expected: float, loss: str) -> bool:
    """Whether a question's true value alone refuses a draw: within NEAR of 0; or, a gradient under
    squared error, within 2·NEAR of 0, where the first value the catalogue gives it, its half (the
    factor 2 lost), is within NEAR of it (refused here, before the candidates find it)."""
    return abs(expected) <= (2 * NEAR if q.kind == "gradient" and loss == "squared_error" else NEAR)


def good_problem(assignment, spec: Spec):
    """The checked network's (result, diagnoser) when it is a good problem, else None: no kink or
    saturation to fall into, and no question whose answer is nearly 0 or nearly what a catalogued
    mistake gives (so that a right answer and a mistake can be told apart)."""
    from ..core.engine import forward
    from .diagnoses import DRAWING_PASSES, PASS_NEEDED, Diagnoser

    with np.errstate(over="ignore", invalid="ignore"):
        z_values, _ = forward(spec.network, spec.inputs)  # the forward pass alone first: most draws fail here
    for l, layer in enumerate(spec.network.layers, start=1):
        z = np.abs(z_values[l])
        if not np.all(np.isfinite(z)):  # overflowed (inf − inf is nan, which no bound below catches)
            return None
        if falls_in(layer.activation.name, z.ravel()):
            return None
    notation = make_notation(assignment.notation, spec.network.names)
    if reads_only_zeros(assignment.asked(notation), spec):
        return None
    result = spec.compute()
    diagnoser = Diagnoser(result, notation)
    # a value after K updates trains the network K epochs: asked last, once every cheaper question
    # has passed (most draws fail before it); an update works out every parameter's step: after the rest
    questions = sorted(assignment.asked(notation), key=lambda q: (q.kind.startswith("after:"), q.kind == "updated"))
    for trained in (False, True):
        asked = []
        for q in questions:
            if q.kind.startswith("after:") != trained:
                continue
            try:
                expected = evaluate(result, q, notation)
            except NumericalError:  # training these numbers diverges: no problem to hand out
                return None
            if too_near(q, expected, spec.network.loss.name):  # cheap checks first: most draws fail here
                return None
            asked.append((q, expected))
        # every question's candidates in turn, one at a time: the cheap ones of all come before the
        # first mistaken pass is made, and each pass (in DRAWING_PASSES' order) only once no question
        # has a value left without a new pass (any order refuses the same draws)
        streams = [(expected, diagnoser.candidates(q, expected, drawing=True)) for q, expected in asked]
        waiting: dict[str, list] = {}  # pass -> the questions whose next value needs it
        while streams or waiting:
            if not streams:
                streams = waiting.pop(min(waiting, key=DRAWING_PASSES.index))
            going = []  # the questions with candidates left
            for expected, stream in streams:
                candidate = next(stream, None)
                if candidate is None:
                    continue
                if candidate[2] == PASS_NEEDED:
                    waiting.setdefault(candidate[1], []).append((expected, stream))
                    continue
                going.append((expected, stream))
                value = candidate[0]
                # a "mistake" that gives the true value here is no mistake in this network
                if math.isfinite(value) and 1e-12 * max(1.0, abs(expected)) < abs(value - expected) <= NEAR:
                    return None
            streams = going
    return result, diagnoser


def blank_answers(assignment, student: str) -> str:
    """A student's answers.yaml: who, the network beside it, and every question left empty."""
    lines = [f"# {assignment.title or 'assignment'}: fill in each value (a number), keep the names as they are",
             f"student: {string(student)}", "spec: net.yaml"]
    if assignment.notation != "default":  # the names the questions are asked in, for `check` without the assignment
        lines.append(f"notation: {assignment.notation}")
    if assignment.tolerance.precision is not None:  # asked of every answer: printed where it is answered
        unit, count = assignment.tolerance.precision
        lines.append(f"precision: {{{unit}: {count}}}  # write every answer with at least this many")
    lines.append("answers:")
    lines += [f"  {question.quantity}:" for question in assignment.questions]
    return "\n".join(lines) + "\n"
