"""Answer files (CONTRACT section 5): parse, grade against the true values, diagnose mistakes.

A diagnosis recomputes what a common mistake would have produced (the softmax cross paths left
out, a lost factor 2, ...) and names the one the given answer matches.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .engine import Layer, Network, Result, backward, run
from .errors import Problem, SpecError
from .functions import Activation
from .names import notation as make_notation
from .paths import softmax_layers
from .quantities import Quantity, QuantityError, chain_position, check_quantity, evaluate, parse_quantity
from .spec import Spec, nearest, read_document
from .yamlsafe import KEY, Document, decode, parse

ANSWER_KEYS = ("spec", "network", "tolerance", "answers", "notation")
WIDEN = 0.01  # the default rule's relative widening, for rounded intermediate steps


@dataclass
class Answer:
    """One answer as written: quantity, number, where, and how many decimals it was given to."""

    quantity: Quantity
    given: float
    line: int
    column: int
    decimals: int | None  # None when written as an integer-free exponent form without decimals


@dataclass
class Outcome:
    """One graded answer."""

    answer: Answer
    expected: float
    ok: bool
    diagnosis: str | None = None


@dataclass
class FileReport:
    """The grading of one answers file."""

    path: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def passed(self) -> int:
        """How many answers are right."""
        return sum(o.ok for o in self.outcomes)

    @property
    def failed(self) -> int:
        """How many answers are wrong."""
        return sum(not o.ok for o in self.outcomes)


@dataclass
class Tolerance:
    """abs and/or rel; with neither, the default rule from the decimals written."""

    absolute: float | None = None
    relative: float | None = None

    def allows(self, given: float, expected: float, decimals: int | None) -> bool:
        """Whether `given` counts as `expected`."""
        error = abs(given - expected)
        if self.absolute is None and self.relative is None:
            half_unit = 0.5 * 10.0 ** -(decimals or 0)
            return error <= half_unit + WIDEN * abs(expected) + 1e-12 * abs(expected)
        bound = max(self.absolute or 0.0, (self.relative or 0.0) * abs(expected))
        return error <= bound * (1 + 1e-12)


def decimals_written(text: str) -> int | None:
    """Decimals of a number as written: '0.130' -> 3, '-1.3e-2' -> 3, '5' -> 0."""
    mantissa, _, exponent = text.lower().partition("e")
    digits = len(mantissa.split(".", 1)[1]) if "." in mantissa else 0
    try:
        return max(digits - int(exponent or 0), 0)
    except ValueError:
        return None


class AnswersReader:
    """Reads one answers file; `SpecError` with every located problem."""

    def __init__(self, cache: dict):
        self.cache = cache  # resolved spec path -> (Spec, Result); shared by a whole class

    def read(self, path: str) -> tuple[Spec, Result, list[Answer], Tolerance, str]:
        file = Path(path)
        try:
            raw = file.read_bytes()
        except FileNotFoundError:
            raise SpecError([Problem(path, 1, 1, "no such file", "give the path of an answers file")]) from None
        except OSError as exc:
            raise SpecError([Problem(path, 1, 1, f"cannot read the file ({exc.strerror})", "")]) from None
        return self.read_text(decode(raw, path), path, file.parent)

    def read_text(self, text: str, path: str, base: Path):
        doc = parse(text, path)
        problems: list[Problem] = []
        data = doc.data
        if not isinstance(data, dict):
            raise SpecError([doc.problem((), "an answers file is a mapping with `spec:` and `answers:`",
                                         "see `backprop key --help` for an example")])
        misspelt = set()  # known keys written with a typo, already reported
        for key in data:
            if key not in ANSWER_KEYS:
                hint = nearest(key, ANSWER_KEYS)
                problems.append(doc.problem((key,), f"unknown key '{key}'", hint, at_key=True))
                if hint.startswith("did you mean"):
                    misspelt.add(hint.split("'")[1])
        notation_name = data.get("notation", "default")
        if notation_name not in ("default", "padhai"):
            problems.append(doc.problem(("notation",), f"unknown notation {notation_name!r}",
                                        "write `notation: default` (z, a) or `notation: padhai` (a, h)"))
            notation_name = "default"
        tolerance = self._tolerance(doc, data, problems)
        spec, result = self._spec(doc, data, base, problems)
        answers = self._answers(doc, data, result, make_notation(notation_name), problems, misspelt)
        if problems:
            raise SpecError(problems)
        return spec, result, answers, tolerance, notation_name

    def _tolerance(self, doc: Document, data: dict, problems: list[Problem]) -> Tolerance:
        value = data.get("tolerance")
        if value is None:
            return Tolerance()
        hint = "write `tolerance: {abs: 0.005}` or `tolerance: {rel: 0.01}`"
        if not isinstance(value, dict) or not value or set(value) - {"abs", "rel"}:
            problems.append(doc.problem(("tolerance",), "a tolerance is {abs: NUMBER} or {rel: NUMBER}", hint))
            return Tolerance()
        numbers = {}
        for key, number in value.items():
            if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number) or number < 0:
                problems.append(doc.problem(("tolerance", key), f"the {key} tolerance must be a number ≥ 0", hint))
            else:
                numbers[key] = float(number)
        return Tolerance(numbers.get("abs"), numbers.get("rel"))

    def _spec(self, doc: Document, data: dict, base: Path, problems: list[Problem]):
        if ("spec" in data) == ("network" in data):
            problems.append(doc.problem((), "give exactly one of `spec:` (a file) and `network:` (inline)",
                                        "write `spec: net.yaml`, relative to this answers file"))
            raise SpecError(problems)
        if "spec" in data:
            name = data["spec"]
            if not isinstance(name, str) or not name:
                problems.append(doc.problem(("spec",), "`spec:` must be a file name", "write `spec: net.yaml`"))
                raise SpecError(problems)
            target = (base / name).resolve()
            key = str(target)
            if key not in self.cache:
                from .spec import load_spec

                if not target.is_file():
                    problems.append(doc.problem(("spec",), f"no such spec file '{name}' (looked in {base})",
                                                "the path is relative to the answers file"))
                    raise SpecError(problems)
                spec = load_spec(target, name=str(base / name) if str(base) != "." else name)
                self.cache[key] = (spec, run(spec.network, spec.inputs, spec.targets, spec.learning_rate))
            return self.cache[key]
        inline = data["network"]
        if not isinstance(inline, dict):
            problems.append(doc.problem(("network",), "`network:` must hold a spec mapping", "indent the spec under it"))
            raise SpecError(problems)
        # the inline spec keeps this file's locations, so its errors point at these lines
        spec = read_document(doc.subdocument(("network",)), base)
        return spec, run(spec.network, spec.inputs, spec.targets, spec.learning_rate)

    def _answers(self, doc: Document, data: dict, result: Result, notation, problems: list[Problem],
                 misspelt: set[str]) -> list[Answer]:
        answers_value = data.get("answers")
        if "answers" not in data and "answers" in misspelt:
            return []  # reported as a misspelt key already
        if not isinstance(answers_value, dict) or not answers_value:
            problems.append(doc.problem(("answers",) if "answers" in data else (),
                                        "`answers:` must map quantities to numbers",
                                        "write `answers:` then lines such as `  dL/dw212: -0.130`"))
            return []
        answers = []
        for key, value in answers_value.items():
            path = ("answers", key)
            try:
                q = parse_quantity(key)
                check_quantity(result, q, notation)
            except QuantityError as exc:
                problems.append(doc.problem(path, str(exc), exc.hint, at_key=True))
                continue
            written = doc.texts.get(path, "")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                what = "nothing" if value is None else f"'{written}'" if written else "a list or mapping"
                problems.append(doc.problem(path, f"the answer to {key} must be a finite number, not {what}",
                                            "write a number such as -0.130 or 1.3e-2"))
                continue
            line, column = doc.where(path + (KEY,))
            answers.append(Answer(q, float(value), line, column, decimals_written(written)))
        return answers


# -- diagnoses ------------------------------------------------------------------------------
def _softmax_without_cross_terms(act: Activation) -> Activation:
    # the mistake: ∂ŷi/∂zm taken as 0 for i ≠ m, i.e. softmax treated as elementwise
    return dataclasses.replace(act, derivative=lambda z, a: a * (1.0 - a))


def _variant(result: Result, change) -> Result:
    """The same forward and backward pass with one mistake made (a changed network)."""
    net = change(result.network)
    return run(net, result.a[0], result.targets, result.learning_rate)


def _no_cross_paths(net: Network) -> Network:
    layers = [Layer(l.weights, l.biases, _softmax_without_cross_terms(l.activation) if not l.activation.elementwise
                    else l.activation) for l in net.layers]
    return Network(layers, net.loss, net.reduction)


def _through_updated_weights(result: Result) -> Result:
    """Backward pass through weights already updated (the forward pass used the old ones)."""
    updated = [Layer(l.weights - result.learning_rate * result.weight_grads[i + 1], l.biases, l.activation)
               for i, l in enumerate(result.network.layers)]
    depth = len(updated)
    grad_a, deltas, weight_grads, bias_grads = backward(updated, result.z, result.a, result.grad_a[depth],
                                                        result.deltas[depth], result.scale)
    return dataclasses.replace(result, deltas=deltas, grad_a=grad_a, weight_grads=weight_grads,
                               bias_grads=bias_grads, _cache={})


class Diagnoser:
    """Recomputes common mistakes lazily and names the one an answer matches. The recomputed
    passes live in the Result's cache, so every answers file on one spec shares them."""

    def __init__(self, result: Result, notation):
        self.result, self.notation = result, notation

    def _get(self, key: str) -> Result | None:
        r = self.result
        cached = "mistake:" + key
        if cached not in r._cache:
            if key == "cross":
                r._cache[cached] = _variant(r, _no_cross_paths) if softmax_layers(r.network) else None
            else:  # "stale"
                r._cache[cached] = _through_updated_weights(r) if len(r.network.layers) > 1 else None
        return r._cache[cached]

    def candidates(self, q: Quantity, expected: float):
        """(value a mistake gives, the sentence that names it), most specific first."""
        r, n = self.result, self.notation
        loss = r.network.loss.name
        if q.kind == "updated":
            value, gradient = r.value(str(q.name)), r.gradient(str(q.name))
            yield value + r.learning_rate * gradient, ("this adds η·∂L/∂w; the update subtracts it: "
                                                        "w ← w − η·∂L/∂w")
            yield value, "this is the value before the update: w ← w − η·∂L/∂w was not applied"
            yield value - r.learning_rate * gradient / 2, "the update used half the gradient (a lost factor 2 in ∂L/∂ŷ)"
            return
        if q.kind == "value":
            if q.name.kind in (n.pre, n.post) and q.name.kind != "x":
                swapped = dataclasses.replace(q.name, kind=n.post if q.name.kind == n.pre else n.pre)
                other = dataclasses.replace(q, name=swapped)
                try:
                    yield evaluate(r, other, n), (f"this is {swapped}, the {'activation' if q.name.kind == n.pre else 'pre-activation'}"
                                                  f"; {q.name} is the {'pre-activation' if q.name.kind == n.pre else 'activation'}")
                except QuantityError:
                    pass
            return
        # gradients
        cross = self._get("cross")
        if cross is not None:
            yield evaluate(cross, q, n), ("the softmax cross paths are missing: every ŷi depends on every zm "
                                          "(∂ŷi/∂zm = −ŷi·ŷm for i ≠ m), so those paths belong in the sum")
        if loss == "squared_error":
            yield expected / 2, "this is half the true value: the factor 2 of ∂L/∂ŷ = 2(ŷ − y) was lost"
        yield -expected, "the sign is flipped: ∂L/∂ŷ uses (ŷ − y), not (y − ŷ)"
        if r.samples > 1:
            if r.network.reduction == "mean":
                yield expected * r.samples, f"this is the sum over the batch; the loss is the mean, so divide by n = {r.samples}"
            else:
                yield expected / r.samples, "this is the batch mean; the spec says `reduction: sum`, so add the samples"
        if q.is_parameter and q.name.kind == "w" and q.name.indices[0] > 1:
            l, j, k = q.name.indices
            pre_input = (r.deltas[l][:, j - 1] * r.z[l - 1][:, k - 1]).sum() * r.scale
            yield float(pre_input), (f"this multiplies by the pre-activation {n.pre_name(l - 1, k)} where the "
                                     f"activation {n.post_name(l - 1, k, len(r.sizes) - 1)} belongs (∂z/∂w is the input to the weight)")
        stale = self._get("stale")
        if stale is not None:
            yield evaluate(stale, q, n), ("this backpropagates through weights already updated; use the weights "
                                          "of the forward pass until every gradient is computed")

    def diagnose(self, answer: Answer, expected: float, tolerance: Tolerance) -> str | None:
        """The sentence for the mistake the given answer matches, if exactly one fits."""
        for value, sentence in self.candidates(answer.quantity, expected):
            if not np.isfinite(value) or tolerance.allows(value, expected, answer.decimals):
                continue  # indistinguishable from the right answer: no diagnosis from it
            if tolerance.allows(answer.given, value, answer.decimals):
                return sentence[0].upper() + sentence[1:] + "."
        return None


def grade(result: Result, answers: list[Answer], tolerance: Tolerance, notation_name: str) -> list[Outcome]:
    """Grade every answer; diagnose the wrong ones, else point at the first wrong step before them."""
    n = make_notation(notation_name)
    diagnoser = Diagnoser(result, n)
    outcomes = []
    for answer in answers:
        expected = evaluate(result, answer.quantity, n)
        ok = tolerance.allows(answer.given, expected, answer.decimals)
        outcomes.append(Outcome(answer, expected, ok, None if ok else diagnoser.diagnose(answer, expected, tolerance)))
    depth = len(result.sizes) - 1
    wrong = sorted((o for o in outcomes if not o.ok), key=lambda o: chain_position(o.answer.quantity, n, depth))
    if wrong:
        first = wrong[0]
        for o in wrong[1:]:
            if o.diagnosis is None:
                o.diagnosis = (f"Follows from the earlier wrong step {first.answer.quantity.text} (line "
                               f"{first.answer.line}): fix that first.")
    return outcomes
