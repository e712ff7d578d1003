"""Personal networks: every student's own numbers, the same on every machine and Python version.

A student's numbers come from SHA-256 of (seed, id, attempt, position), never Python's `hash()`
or a random generator whose stream may change between numpy versions. The first attempt whose
network is a good problem is the student's: no relu pre-activation within 0.05 of 0, no sigmoid or
tanh saturated (|z| > 4), no question whose true value is within 0.005 of 0 or of the value a
catalogued mistake gives. The handout's net.yaml is written first and read back, so the numbers a
student is shown are exactly the numbers the key is computed from.
"""
from __future__ import annotations

import hashlib

import numpy as np

from ..core.names import notation as make_notation
from ..core.numbers import exact
from ..errors import Problem, SpecError
from ..spec.reader import Spec, load_spec
from .quantities import evaluate, parse_quantity

ATTEMPTS = 1_000
SATURATED, KINK, NEAR = 4.0, 0.05, 0.005


def _draw(seed: str, student: str, attempt: int, position: int) -> int:
    key = "\x1f".join((seed, student, str(attempt), str(position))).encode("utf-8")
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "big")


def _row(values) -> str:
    return "[" + ", ".join(exact(v) for v in values) + "]"


def handout_text(assignment, student: str, attempt: int) -> str:
    """The net.yaml of `student` at `attempt`: the base spec's shape with drawn numbers, commented."""
    personal = assignment.personal
    base = personal.spec
    counter = iter(range(10**9))

    def draw(drawn_range, count):
        return [drawn_range.value(_draw(personal.seed, student, attempt, next(counter))) for _ in range(count)]

    net = base.network
    title = assignment.title or "assignment"
    lines = [f"# {title}: the network of {student} (numbers of your own: work them out yourself)",
             f"name: {_quoted(f'{title} ({student})')}"]
    if personal.input is not None:
        samples = [draw(personal.input, base.inputs.shape[1]) for _ in range(base.inputs.shape[0])]
    else:
        samples = base.inputs.tolist()
    if base.batch:
        lines += ["inputs:"] + [f"  - {_row(s)}" for s in samples]
    else:
        lines.append(f"input: {_row(samples[0])}")
    if net.loss.name == "none":
        lines.append(f"output_gradient: {_row(base.targets[0])}")
    elif base.batch:
        lines += ["targets:"] + [f"  - {_row(t)}" for t in base.targets]
    else:
        lines.append(f"target: {_row(base.targets[0])}")
    lines += [f"loss: {net.loss.name}", f"reduction: {net.reduction}", f"learning_rate: {exact(base.learning_rate)}",
              "layers:"]
    for i, layer in enumerate(net.layers, start=1):
        act = layer.activation
        written = act.name if act.alpha is None else f"{{name: {act.name}, alpha: {exact(act.alpha)}}}"
        lines += [f"  - activation: {written}    # layer {i}", "    weights:    # row j = weights INTO neuron j"]
        rows, cols = layer.weights.shape
        lines += [f"      - {_row(draw(personal.weights, cols))}" for _ in range(rows)]
        if layer.bias_style == "none":
            lines.append("    biases: none")
        elif personal.biases is None:
            values = layer.biases[:1] if layer.bias_style == "shared" else layer.biases
            lines.append(f"    biases: {{shared: {exact(values[0])}}}" if layer.bias_style == "shared"
                         else f"    biases: {_row(values)}")
        elif layer.bias_style == "shared":
            lines.append(f"    biases: {{shared: {exact(draw(personal.biases, 1)[0])}}}")
        else:
            lines.append(f"    biases: {_row(draw(personal.biases, rows))}")
    if net.frozen:
        lines.append(f"frozen: [{', '.join(sorted(net.frozen))}]")
    if net.names:
        lines += ["names:"] + [f"  {own}: {canonical}" for canonical, own in net.names.items()
                               if not (canonical == "L" and own == "f" and net.loss.name == "none")]
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def personal_spec(assignment, student: str) -> Spec:
    """`student`'s network: the first attempt that makes a good problem; SpecError if none does."""
    for attempt in range(ATTEMPTS):
        text = handout_text(assignment, student, attempt)
        spec = load_spec(text=text, name=f"net.yaml of {student}")
        if good_problem(assignment, spec):
            return spec
    raise SpecError([Problem(assignment.file, 1, 1, f"no good problem for {student} in {ATTEMPTS} attempts",
                             "widen the ranges of `personal:`, or ask other questions")])


def good_problem(assignment, spec: Spec) -> bool:
    """No kink or saturation to fall into, and no question whose answer is nearly 0 or nearly what
    a catalogued mistake gives (so that a right answer and a mistake can be told apart)."""
    from ..core.engine import run
    from .diagnoses import Diagnoser

    result = run(spec.network, spec.inputs, spec.targets, spec.learning_rate)
    for l, layer in enumerate(spec.network.layers, start=1):
        z = np.abs(result.z[l])
        if layer.activation.name in ("relu", "leaky_relu") and np.any(z < KINK):
            return False
        if layer.activation.name in ("sigmoid", "tanh") and np.any(z > SATURATED):
            return False
    notation = make_notation(assignment.notation, result.network.names)
    diagnoser = Diagnoser(result, notation)
    for question in assignment.questions:
        q = parse_quantity(question.quantity, notation)
        expected = evaluate(result, q, notation)
        if abs(expected) <= NEAR:
            return False
        for value, _ in diagnoser.candidates(q, expected):
            # a "mistake" that gives the true value here is no mistake in this network
            if np.isfinite(value) and 1e-12 * max(1.0, abs(expected)) < abs(value - expected) <= NEAR:
                return False
    return True


def blank_answers(assignment, student: str) -> str:
    """A student's answers.yaml: who, the network beside it, and every question left empty."""
    lines = [f"# {assignment.title or 'assignment'}: fill in each value (a number), keep the names as they are",
             f"student: {_quoted(student)}", "spec: net.yaml", "answers:"]
    lines += [f"  {question.quantity}:" for question in assignment.questions]
    return "\n".join(lines) + "\n"
