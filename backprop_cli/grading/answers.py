"""Answers files: read one (its spec, tolerance, notation and answers), every problem located."""
from __future__ import annotations

import math
import os
import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from ..core.computation import EXPRESSION
from ..core.names import NOTATIONS, describe_notations
from ..core.names import notation as make_notation
from ..core.result import Result
from ..errors import QUOTE_LIMIT, Problem, SpecError, quote
from ..spec.access import Unreadable, locate, read_text
from ..spec.expression import ExpressionReader
from ..spec.hints import unknown_keys
from ..spec.reader import Spec, load_spec, read_document
from ..spec.yamlsafe import KEY, LINE_BREAK, Document, as_float, parse
from .expression import parse_expression_quantity
from .layers import LAYERS, graded_result, parse_layer_quantity
from .quantities import Quantity, QuantityError, check_quantity, parse_quantity

ANSWER_KEYS = ("spec", "network", "expression", "at", "tolerance", "precision", "answers", "notation", "student")
MAX_ANSWERS = 1_000  # answers one file may give (a homework asks a few dozen)
ANSWERS_AT = ("answers",)  # where a file's answers are: a key repeated there is that answer's verdict alone

@dataclass
class Answer:
    """One answer as written: quantity, number, where, and how many decimals it was given to."""

    quantity: Quantity
    given: float
    line: int
    column: int
    decimals: int | None  # None when written as an integer-free exponent form without decimals
    written: str = ""  # the number as the file writes it (a report shows it so: 0.150000000, not 0.15)


@dataclass
class Refused:
    """An answer that gets a verdict of its own and no grade: a value that cannot be read as a
    number (`unreadable`), or a quantity the network does not have (`not_graded`)."""

    key: str  # the quantity as written
    verdict: str  # "unreadable", "not_answered" (left empty) or "not_graded"
    line: int
    column: int
    written: str
    hint: str  # what to write instead
    again: bool = False  # a second answer to a quantity answered already (not_graded: only the first counts)


@dataclass
class Tolerance:
    """How a file's answers are judged: abs and/or rel (with neither, the default rule from the
    digits written); and the precision asked of every answer, ("decimals" | "significant", N)."""

    absolute: float | None = None
    relative: float | None = None
    precision: tuple[str, int] | None = None

    def allows(self, given: float, expected: float, decimals: int | None) -> bool:
        """Whether `given` counts as `expected`."""
        error = abs(given - expected)
        if self.absolute is None and self.relative is None:  # to the precision written (grading/judging.py
            # adds what carries rounding, for grading; matching a mistake's value uses this alone)
            from .rule import MAX_DECIMALS, rounds_to

            return rounds_to(given, expected, 0.5 * 10.0 ** -min(decimals or 0, MAX_DECIMALS))
        bound = max(self.absolute or 0.0, (self.relative or 0.0) * abs(expected))
        return error <= bound * (1 + 1e-12)


def read_answers_text(path: str) -> str:
    """A submitted answers file's text, read confined to its folder (it may itself be a link, and
    must stay there too); SpecError when it cannot be read."""
    return read_text(path, confined=True, hint="give the path of an answers file")


def read_tolerance(doc: Document, data: dict, problems: list[Problem]) -> Tolerance:
    """`tolerance:` of an answers or assignment file: {abs: N} and/or {rel: N}, or the default
    rule; with its `precision:`."""
    value, precision = data.get("tolerance"), read_precision(doc, data, problems)
    if value is None:
        return Tolerance(precision=precision)
    hint = "write `tolerance: {abs: 0.005}` or `tolerance: {rel: 0.01}`"
    if not isinstance(value, dict) or not value or set(value) - {"abs", "rel"}:
        problems.append(doc.problem(("tolerance",), "a tolerance is {abs: NUMBER} or {rel: NUMBER}", hint))
        return Tolerance(precision=precision)
    numbers = {}
    for key, written in value.items():
        number = as_float(written)
        if number is None or not math.isfinite(number) or number < 0:
            problems.append(doc.problem(("tolerance", key), f"the {key} tolerance must be a number ≥ 0", hint))
        else:
            numbers[key] = number
    return Tolerance(numbers.get("abs"), numbers.get("rel"), precision)


MAX_PRECISION = 15  # digits a precision may ask for: float64 holds no more


def read_precision(doc: Document, data: dict, problems: list[Problem]) -> tuple[str, int] | None:
    """`precision:` of an assignment or answers file: {decimals: N} or {significant: N}, the digits
    every answer is written with (fewer is imprecise unless exact); None when not given."""
    value = data.get("precision")
    if value is None:
        return None
    hint = "write `precision: {decimals: 4}` or `precision: {significant: 3}`"
    if not isinstance(value, dict) or len(value) != 1 or set(value) - {"decimals", "significant"}:
        problems.append(doc.problem(("precision",), "a precision is {decimals: N} or {significant: N}", hint))
        return None
    (unit, count), = value.items()
    least = 1 if unit == "significant" else 0
    if isinstance(count, bool) or not isinstance(count, int) or not least <= count <= MAX_PRECISION:
        problems.append(doc.problem(("precision", unit), f"`{unit}:` is a whole number from {least} to "
                                    f"{MAX_PRECISION}", hint))
        return None
    return unit, count


def decimals_written(text: str) -> int | None:
    """Decimals of a number as written: '0.130' -> 3, '-1.3e-2' -> 3, '5' -> 0."""
    mantissa, _, exponent = text.lower().partition("e")
    digits = len(mantissa.split(".", 1)[1]) if "." in mantissa else 0
    try:
        return max(digits - int(exponent or 0), 0)
    except ValueError:
        return None


CACHED_SPECS = 8  # specs kept loaded at once: a class shares a few, so memory stays bounded


def remember(cache: OrderedDict, key, make):
    """cache[key], made by make() when missing; beyond CACHED_SPECS the least recently used goes."""
    if key in cache:
        cache.move_to_end(key)
    else:
        cache[key] = make()
        if len(cache) > CACHED_SPECS:
            cache.popitem(last=False)
    return cache[key]


class AnswersReader:
    """Reads one answers file; `SpecError` with every located problem. Everything a student's file
    names is read confined to that file's folder (see spec/access.py)."""

    def __init__(self):
        self.cache: OrderedDict[str, tuple[Spec, Result]] = OrderedDict()  # resolved path -> loaded
        # a spec's text -> its result: a class's copies of one net.yaml are graded on one result (its
        # mistaken passes, and the passes on true values, made once: grading.judging)
        self.results: OrderedDict[str, Result] = OrderedDict()

    def read(self, path: str) -> tuple[Spec, Result, list[Answer], Tolerance, str]:
        """(spec, result, answers, tolerance, notation) of a file whose every answer can be graded."""
        spec, result, answers, _, tolerance, notation_name = self.read_all(path, strict=True)
        return spec, result, answers, tolerance, notation_name

    def read_all(self, path: str, strict: bool = False):
        """(spec, result, answers, refused, tolerance, notation): the file's answers that can be
        graded, and those that cannot (section 5: one answer, one verdict) unless `strict`, where
        they make the file invalid."""
        return self.read_text(read_answers_text(path), path, Path(path).parent, strict)

    def read_text(self, text: str, path: str, base: Path, strict: bool = True):
        doc = parse(text, path, repeats=None if strict else ANSWERS_AT)
        problems: list[Problem] = []
        data = doc.data
        if not isinstance(data, dict):
            raise SpecError([doc.problem((), "an answers file is a mapping with `spec:` and `answers:`",
                                         "see `backprop key --help` for an example")])
        # known keys written with a typo, already reported
        misspelt = {key for _, key in unknown_keys(doc, data, (), ANSWER_KEYS, problems)}
        notation_name = data.get("notation", "default")
        if notation_name not in NOTATIONS:
            problems.append(doc.problem(("notation",), f"unknown notation '{quote(str(notation_name))}'",
                                        f"write {describe_notations('`notation: {}`')}"))
            notation_name = "default"
        tolerance = read_tolerance(doc, data, problems)
        if "expression" in data:  # answers about an expression written in this file
            spec, result = self._expression(doc, data, base, problems)
            chosen = None
        else:
            spec, result = self._spec(doc, data, base, problems)
            chosen = None if result.kind == LAYERS else make_notation(notation_name, result.network.names)
            if result.kind == LAYERS and notation_name != "default":
                problems.append(doc.problem(("notation",), "section 9's layers are graded in their own names "
                                            "(a2_1_1_1, h11@2, xhat21[2]) only", "leave `notation:` out"))
        refused: list[Refused] | None = None if strict else []
        answers = self.read_answers(doc, data, result, chosen, problems, misspelt, refused)
        if problems:
            raise SpecError(problems)
        return spec, result, answers, refused or [], tolerance, notation_name

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
            try:
                target = locate(base, name, confined=True)
            except Unreadable as exc:
                problems.append(doc.problem(("spec",), f"`spec: {quote(name)}`: {exc}", exc.hint))
                raise SpecError(problems) from None
            if not os.path.lexists(target):  # anything else (a folder, a pipe) is said by load_spec
                problems.append(doc.problem(("spec",), f"no such spec file '{quote(name)}' (looked in {base})",
                                            "the path is relative to the answers file"))
                raise SpecError(problems)

            def load():
                spec = load_spec(target, name=str(base / name) if str(base) != "." else name, confined=True)
                if getattr(spec, "matrix_files", None) or spec.document is None:  # its numbers are not all in its text
                    return spec, graded_result(spec)
                return spec, remember(self.results, spec.document.text, lambda: graded_result(spec))

            spec, result = remember(self.cache, str(target), load)
            if isinstance(result, str):  # section 9's layers that cannot be graded answer by answer
                problems.append(doc.problem(("spec",), f"`spec: {quote(name)}`: {result}",
                                            "grade a smaller network, or one of dense layers"))
                raise SpecError(problems)
            if spec.kind == EXPRESSION:
                problems.append(doc.problem(("spec",), f"`spec: {quote(name)}` holds an expression",
                                            "an answers file about an expression holds it itself: `expression:` "
                                            "and `at:` instead of `spec:`"))
                raise SpecError(problems)
            return spec, result
        inline = data["network"]
        if not isinstance(inline, dict):
            problems.append(doc.problem(("network",), "`network:` must hold a spec mapping",
                                        "indent the spec under it"))
            raise SpecError(problems)
        # the inline spec keeps this file's locations, so its errors point at these lines
        spec = read_document(doc.subdocument(("network",)), base, confined=True)
        result = graded_result(spec)
        if isinstance(result, str):
            problems.append(doc.problem(("network",), f"the network: {result}",
                                        "grade a smaller network, or one of dense layers"))
            raise SpecError(problems)
        return spec, result

    def _expression(self, doc: Document, data: dict, base: Path, problems: list[Problem]):
        if "spec" in data or "network" in data:
            problems.append(doc.problem(("expression",), "give `expression:` or a network (`spec:`/`network:`), "
                                        "not both", "an answers file is about one of them", at_key=True))
            raise SpecError(problems)
        try:
            spec = ExpressionReader(doc, base, True).read(known=ANSWER_KEYS)
            return spec, spec.compute()
        except SpecError as exc:
            raise SpecError(problems + exc.problems) from None

    def read_answers(self, doc: Document, data: dict, result: Result, notation, problems: list[Problem],
                     misspelt: set[str], refused: list | None = None) -> list[Answer]:
        """The answers that can be graded; each that cannot is a problem, or, given `refused`, a
        Refused entry there (its verdict of its own) while the others are graded."""
        answers_value = data.get("answers")
        if "answers" not in data and "answers" in misspelt:
            return []  # reported as a misspelt key already
        if not isinstance(answers_value, dict) or not answers_value:
            problems.append(doc.problem(("answers",) if "answers" in data else (),
                                        "`answers:` must map quantities to numbers",
                                        "write `answers:` then lines such as `  dL/dw212: -0.130`"))
            return []
        given = len(answers_value) + len(doc.repeated)  # (a key repeated is an answer more to report)
        if given > MAX_ANSWERS:
            problems.append(doc.problem(("answers",), f"{given:,} answers in one file",
                                        f"at most {MAX_ANSWERS:,}"))
            return []
        answers, first_at, known = [], {}, set()
        for key, value in answers_value.items():
            path = ("answers", key)
            try:
                if result.kind == LAYERS:  # section 9's layers, written out as scalar steps
                    q = parse_layer_quantity(key, result)
                elif notation is None:  # an expression
                    q = parse_expression_quantity(key, result)
                else:
                    q = parse_quantity(key, notation)
                    check_quantity(result, q, notation)
            except QuantityError as exc:
                if refused is None:
                    problems.append(doc.problem(path, str(exc), exc.hint, at_key=True))
                else:
                    line, column = doc.where(path + (KEY,))
                    hint = exc.hint if exc.known else _nearest_quantity(str(key), result, notation) or exc.hint
                    refused.append(Refused(str(key), "not_graded", line, column, "", f"{exc}; {hint}"))
                continue
            known.add(key)  # a quantity of this network: a second answer to it is said to be one
            written = doc.texts.get(path, "")
            number = as_float(value)
            if number is None or not math.isfinite(number):
                what = "nothing" if value is None else f"'{quote(written)}'" if written else \
                    "an empty text ('')" if value == "" else "a list" if isinstance(value, list) else "a mapping"
                hint = _how_to_write(written, isinstance(value, str)) or _one_item(doc, path, value) \
                    or "write a number such as -0.130 or 1.3e-2"
                if refused is None:
                    problems.append(doc.problem(path, f"the answer to {key} must be a finite number, not {what}", hint))
                elif value is None:  # left empty, as a handout gives it: not answered, as an assignment says
                    line, column = doc.where(path + (KEY,))
                    refused.append(Refused(str(key), "not_answered", line, column, "", "not answered"))
                else:
                    line, column = doc.where(path)
                    refused.append(Refused(str(key), "unreadable", line, column, written,
                                           f"not a number: {what}; {hint}"))
                continue
            line, column = doc.where(path + (KEY,))
            same = (q.kind, q.name, q.sample)  # `a12` and `"a12 "`, `w212_new` and `w2_1_2_new`: one quantity
            if same in first_at:
                why = _answered_already(key, first_at[same])
                if refused is None:
                    problems.append(doc.problem(path, why, "give each quantity one answer", at_key=True))
                else:
                    refused.append(Refused(str(key), "not_graded", line, column, written, why, again=True))
                continue
            first_at[same] = line
            answers.append(Answer(q, number, line, column, decimals_written(written), written))
        for key, (line, column), written in doc.repeated:  # the very key again (parse kept the first)
            if refused is not None and key in known:  # (an unknown one is not graded once, and said so)
                first = doc.where(ANSWERS_AT + (key, KEY))[0]
                refused.append(Refused(str(key), "not_graded", line, column, written, _answered_already(key, first),
                                       again=True))
        return answers




def _one_item(doc: Document, path, value) -> str:
    """A hint for a list of one number written `- 0.0822`: a minus sign with a space after it."""
    item = doc.texts.get(path + (0,), "").strip()
    if not (isinstance(value, list) and len(value) == 1 and len(item) <= QUOTE_LIMIT and _NUMBER.fullmatch(item)):
        return ""
    line, column = doc.where(path + (0,))
    before = LINE_BREAK.split(doc.text)[line - 1][:column - 1].rstrip()
    meant = item if item[0] in "+-" else f"-{item}"
    return f"'- ' starts a list: write the number itself, with no space after a minus sign ({meant})" \
        if before.endswith("-") else ""


def _answered_already(key, first_line: int) -> str:
    return f"{key} is answered already, on line {first_line}: only that answer is graded"


# characters that look like a number's own but are not ASCII: minus signs and dashes, full-width digits
_LOOKALIKES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2010": "-", "\ufe63": "-", "\uff0d": "-",
                             "\uff0b": "+", "\uff0e": ".", **{chr(0xFF10 + i): str(i) for i in range(10)}})
# each written so that a string of digits is read one way only: a long one costs its length, not its square
_NUMBER = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?")
_PERCENT = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+) *%")


def _how_to_write(written: str, text_value: bool = False) -> str:
    """A hint for a value that is not a number but nearly one: a decimal comma, a percent sign, a
    typographic minus or full-width digits, quotes."""
    text = written.strip()
    if len(text) > QUOTE_LIMIT:  # a hint writes the value back: never more of it than a message may quote
        return ""
    plain = text.translate(_LOOKALIKES)
    odd = " in plain characters (-, +, 0-9): a word processor's − or ０ is another one" if plain != text else ""
    if odd and _NUMBER.fullmatch(plain):
        return f"write {plain}{odd}"
    if re.fullmatch(r"[-+]?[0-9]+,[0-9]+", plain):
        return f"write {plain.replace(',', '.')}: a point marks decimals" + (f"; and{odd}" if odd else "")
    if _PERCENT.fullmatch(plain):
        return f"write the number itself, {float(plain.rstrip('%').strip()) / 100:g}, not a percentage"
    if text_value and _NUMBER.fullmatch(text):  # quoted: text to YAML
        return f"write {text} without quotes: in quotes it is text"
    return ""


def _nearest_quantity(key: str, result, notation) -> str:
    """'did you mean ...' among the quantities this network (or expression) has."""
    from ..spec.hints import nearest

    if result.kind == LAYERS:
        known = result.known()
    elif notation is None:  # an expression: its names and their derivatives
        names = [n.name for n in result.graph.nodes if n.constant is None]
        known = names + [f"d{result.output_name}/d{n}" for n in names]
    else:
        params = [row[0] for row in result.parameters()] if len(result.parameters()) <= 500 else []
        nodes = list(result.forward)  # on a batch, each with its sample: `a11` alone names none
        nodes = [f"{n}[{s}]" for n in nodes for s in range(1, result.samples + 1)] if result.samples > 1 else nodes
        loss = notation.loss
        known = ["loss", *nodes, *params, *(f"d{loss}/d{n}" for n in nodes + params), *(f"{p}_new" for p in params)]
    hint = nearest(key, known)
    return hint if hint.startswith("did you mean") and hint != f"did you mean '{key}'?" else ""
