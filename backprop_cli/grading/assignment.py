"""Assignment files, the instructor's: the network everyone gets (or how each student gets their
own), the questions with their points, the tolerance and the credit for carried-forward work.
Grading with one uses the assignment's network, whatever a submission's `spec:` says."""
from __future__ import annotations

import functools
import math
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..core.computation import EXPRESSION
from ..core.names import NOTATIONS
from ..errors import Problem, SpecError, UsageError, quote
from ..spec.access import read_text
from ..spec.hints import describe
from ..spec.reader import Spec, load_spec, read_document
from ..spec.values import ValueReader
from ..spec.yamlsafe import Document, as_float, parse
from .answers import Tolerance, read_tolerance, remember
from .layers import LAYERS, LayersDiagnoser, graded_result, parse_layer_quantity
from .quantities import QuantityError, check_quantity, parse_quantity
from .roster import Roster, load_roster

ASSIGNMENT_KEYS = ("title", "spec", "network", "personal", "roster", "roster_id", "repository_prefix", "notation",
                   "tolerance", "precision", "carried_forward", "feedback", "questions")
PERSONAL_KEYS = ("spec", "seed", "weights", "biases", "input")
CARRIED_FORWARD = {"full": 1.0, "half": 0.5, "none": 0.0}
MAX_QUESTIONS = 200
MAX_POINTS = 1_000_000  # a question's: any score of the class stays a finite number (JSON has no inf)
# what every report a student may see says: the expected value and interval too, the verdict and the
# diagnosis, right or not per question, or the score alone (--gradebook and JSON always hold all)
FEEDBACK = ("full", "diagnosis", "verdict", "score")


@dataclass(frozen=True)
class Question:
    """One question: the quantity asked (as the assignment writes it) and its points."""

    quantity: str
    points: float
    line: int


@dataclass(frozen=True)
class Range:
    """Where a personal network's numbers are drawn from: a grid from..to in steps of 10^-decimals."""

    low: float
    high: float
    decimals: int

    def _ends(self) -> tuple[int, int]:
        """The first and last grid points within from..to, in units of 10^-decimals."""
        scale = 10**self.decimals
        return math.ceil(round(self.low * scale, 6)), math.floor(round(self.high * scale, 6))

    def values(self) -> int:
        """How many grid values lie within from..to (0: none)."""
        first, last = self._ends()
        return max(last - first + 1, 0)

    @functools.cached_property
    def _grid(self) -> tuple[int, int, int]:
        """(first grid point, how many, 10^decimals): worked out once, every drawn value uses them."""
        return self._ends()[0], self.values(), 10**self.decimals

    def value(self, draw: int) -> float:
        """The grid's value number `draw` (modulo the grid's size), always within from..to."""
        return self.take(iter((draw,)), 1)[0]

    def take(self, stream, count: int) -> list[float]:
        """value() of each of the next `count` draws of `stream` (a student's network draws a
        thousand numbers an attempt, and grading replays every attempt: one call a row)."""
        first, size, unit = self._grid
        decimals = self.decimals
        return [round((first + next(stream) % size) / unit, decimals) + 0.0 for _ in range(count)]

    def grid(self, draws: np.ndarray) -> np.ndarray | None:
        """value() of each of an array of draws, at once: the same floats (each grid point k/10^d is
        already what round() to d decimals gives); None for a grid whose points float64 cannot
        count exactly (beyond 2^53 units from 0)."""
        first, size, unit = self._grid
        if not (size > 0 and abs(first) + size < 2**53):
            return None
        return ((draws % np.uint64(size)).astype(float) + first) / unit


@dataclass
class Personal:
    """`personal:`: the shape, activations, loss, target and rate from `spec`; per student, the
    weights, biases and input drawn from the ranges with a stable hash of seed and id."""

    spec: Spec
    seed: str
    weights: Range
    biases: Range | None
    input: Range | None


@dataclass
class Assignment:
    """A validated assignment file."""

    file: str
    title: str
    questions: list[Question]
    notation: str = "default"
    tolerance: Tolerance = field(default_factory=Tolerance)
    carried_forward: str = "half"
    spec: Spec | None = None  # everyone's network ...
    personal: Personal | None = None  # ... or each student's own
    roster: Roster | None = None  # who may submit (None: anyone, for a shared network)
    roster_id: str | None = None  # `roster_id:`, the column of ids (also of a roster given by --roster)
    repository_prefix: str = ""  # folder `hw3-alice` is student `alice` (GitHub Classroom)
    feedback: str = "full"  # FEEDBACK
    _networks: OrderedDict = field(default_factory=OrderedDict, repr=False)  # student -> (spec, result), a few kept
    _asked: dict = field(default_factory=dict, repr=False)  # notation name -> the questions parsed

    def asked(self, notation) -> list:
        """The questions as Quantities in `notation`, parsed once (every student's network has the
        base spec's names, so one parse serves the class)."""
        if notation.name not in self._asked:
            result = self.graded_on(None)[1] if self.personal is None else None
            if result is not None and result.kind == LAYERS:  # section 9's layers: their own names
                self._asked[notation.name] = [parse_layer_quantity(q.quantity, result) for q in self.questions]
                return self._asked[notation.name]
            self._asked[notation.name] = [parse_quantity(q.quantity, notation) for q in self.questions]
        return self._asked[notation.name]

    def input_files(self) -> list[str]:
        """Every file this assignment reads (none of which a run may write over): itself, its
        network's spec and the matrix files that names, its roster."""
        spec = self.spec or self.personal.spec
        base = Path(spec.file).parent
        return [self.file, spec.file, *(str(base / name) for name, _shape in spec.matrix_files.values()),
                *([self.roster.path] if self.roster is not None else [])]

    @property
    def max_score(self) -> float:
        return sum(q.points for q in self.questions)

    def network_for(self, student: str | None):
        """(spec, result) of the network `student` is graded on; SpecError when a personal
        assignment is not told who."""
        return self.graded_on(student)[:2]

    def graded_on(self, student: str | None):
        """(spec, result, diagnoser) of the network `student` is graded on, worked out once."""
        if self.personal is None:
            return remember(self._networks, None, lambda: _with_diagnoser(self, self.spec))
        if not student:
            raise SpecError([Problem(self.file, 1, 1, "this assignment gives every student their own network, and "
                                     "no student was named", "give --student ID, or grade answers files kept in "
                                     "a folder named after the student")])
        from .personal import personal_network

        return remember(self._networks, student, lambda: personal_network(self, student))


def _with_diagnoser(assignment: Assignment, spec: Spec):
    from ..core.names import notation as make_notation
    from .diagnoses import Diagnoser

    result = graded_result(spec)
    if isinstance(result, str):  # checked when the assignment was read: not reached
        raise SpecError([Problem(assignment.file, 1, 1, result, "")])
    if result.kind == LAYERS:
        return spec, result, LayersDiagnoser(result)
    return spec, result, Diagnoser(result, make_notation(assignment.notation, result.network.names))


def load_assignment(path: str) -> Assignment:
    """Read and validate an assignment file (the instructor's: its paths may go anywhere)."""
    doc = parse(read_text(path, hint="give the path of an assignment file"), path)
    return _AssignmentReader(doc, Path(path).parent).read()


class _AssignmentReader(ValueReader):
    """Reads an assignment file; the instructor's, so the paths it names may go anywhere."""

    def __init__(self, doc: Document, base: Path):
        super().__init__(doc, base, confined=False)
        self._graded: tuple = (None, None)  # (spec, what it is graded on): _spec checks it, _questions parses on it

    def _graded_result(self, spec: Spec):
        """graded_result(spec), worked out once while the assignment is read (section 9's layers are
        written out as scalar steps for it)."""
        if self._graded[0] is not spec:
            self._graded = (spec, graded_result(spec))
        return self._graded[1]

    def read(self) -> Assignment:
        data = self.doc.data
        if not isinstance(data, dict):
            self.fail((), f"an assignment is a mapping of keys, not {describe(data)}",
                      "write `title:`, `spec:` (or `personal:`) and `questions:`")
            raise SpecError(self.problems)
        self._unknown_keys(data, (), ASSIGNMENT_KEYS)
        title = str(data.get("title") or "")
        notation = data.get("notation", "default")
        if notation not in NOTATIONS:
            self.fail(("notation",), f"unknown notation '{quote(str(notation))}'",
                      " or ".join(f"`notation: {n}`" for n in NOTATIONS))
            notation = "default"  # the questions are still read, for their own problems
        carried = data.get("carried_forward", "half")
        if carried not in CARRIED_FORWARD:
            self.fail(("carried_forward",), f"unknown carried_forward '{quote(str(carried))}'",
                      "write full, half or none")
        tolerance = read_tolerance(self.doc, data, self.problems)
        sources = [key for key in ("spec", "network", "personal") if key in data]
        spec = personal = None
        if len(sources) != 1:
            self.fail((), "give exactly one of `spec:`, `network:` (inline) and `personal:`",
                      "`spec: net.yaml` gives everyone that network; `personal:` gives each student their own")
        elif sources[0] == "personal":
            personal = self._personal(data["personal"])
        else:
            spec = self._spec(data, sources[0])
        if spec is not None and spec.network.maps and notation != "default":
            self.fail(("notation",), "section 9's layers are graded in their own names (a2_1_1_1, h11@2, xhat21[2]) "
                      "only", "leave `notation:` out")
        questions = self._questions(data.get("questions"), spec or (personal.spec if personal else None), notation)
        feedback = data.get("feedback", "full")
        if feedback not in FEEDBACK:
            self.fail(("feedback",), f"unknown feedback '{quote(str(feedback))}'", "write " + ", ".join(FEEDBACK))
        prefix = data.get("repository_prefix", "")
        if not isinstance(prefix, str):
            self.fail(("repository_prefix",), "`repository_prefix:` is the text before the student's id in a "
                      "folder's name", "e.g. `repository_prefix: hw3-`")
        roster = self._roster(data)
        if self.problems:
            raise SpecError(self.problems)
        return Assignment(self.doc.file, title, questions, notation, tolerance, carried, spec, personal, roster,
                          data.get("roster_id"), prefix, feedback)

    def _roster(self, data: dict) -> Roster | None:
        name, column = data.get("roster"), data.get("roster_id")
        if column is not None and (not isinstance(column, str) or not column.strip()):
            self.fail(("roster_id",), "`roster_id:` names the roster's column of ids", "e.g. `roster_id: SIS Login ID`")
            return None
        if name is None:  # `roster_id:` alone names the column of the roster --roster gives
            return None
        if not isinstance(name, str) or not name:
            self.fail(("roster",), "`roster:` must be a file name", "write `roster: roster.csv`")
            return None
        try:
            return load_roster(str(self.base_dir / name), column)
        except UsageError as exc:
            self.fail(("roster",), str(exc).removeprefix("--roster "), "a CSV with a column of student ids")
            return None

    def _spec(self, data: dict, key: str, path: tuple = ()) -> Spec | None:
        try:
            if key == "network":
                return read_document(self.doc.subdocument(path + ("network",)), self.base_dir)
            name = data[key]
            if not isinstance(name, str) or not name:
                self.fail(path + (key,), "`spec:` must be a file name", "write `spec: net.yaml`")
                return None
            spec = load_spec(self.base_dir / name, name=str(self.base_dir / name))
        except SpecError as exc:
            self.problems += exc.problems
            return None
        if spec.kind != EXPRESSION and spec.network.maps:
            graded = self._graded_result(spec)
            if isinstance(graded, str):
                self.fail(path + (key,), f"the assignment's network: {graded}", "use a smaller network")
                return None
        if spec.kind == EXPRESSION:
            self.fail(path + (key,), "an assignment's network must be a network, not an expression",
                      "expressions are graded with answers files holding `expression:`")
            return None
        return spec

    def _personal(self, value) -> Personal | None:
        path = ("personal",)
        if not isinstance(value, dict):
            self.fail(path, f"`personal:` must be a mapping, not {describe(value)}",
                      "write `spec:`, `seed:` and `weights: {from: -1, to: 1, decimals: 1}` under it")
            return None
        self._unknown_keys(value, path, PERSONAL_KEYS)
        spec = self._spec(value, "spec", path) if "spec" in value else None
        if spec is not None and spec.network.maps:
            self.fail(path + ("spec",), "personal networks are not drawn for section 9's layers (convolution, "
                      "pooling, recurrent, batch norm) yet", "give the class one network: `spec:` beside "
                      "`questions:`, not under `personal:`")
            return None
        if "spec" not in value:
            self.fail(path, "`personal:` needs `spec:` (the shape, activations, loss, target and rate)",
                      "write `spec: net.yaml` under `personal:`")
        seed = value.get("seed")
        if not isinstance(seed, (str, int)) or isinstance(seed, bool) or str(seed) == "":
            self.fail(path + ("seed",) if "seed" in value else path, "`seed:` must be some text, e.g. hw3-2026",
                      "the seed and a student's id fix that student's numbers")
        weights = self._range(value, "weights", required=True)
        biases = self._range(value, "biases")
        inputs = self._range(value, "input")
        if spec is None or weights is None or self.problems:
            return None
        return Personal(spec, str(seed), weights, biases, inputs)

    def _range(self, value: dict, key: str, required: bool = False) -> Range | None:
        path = ("personal", key)
        if key not in value:
            if required:
                self.fail(("personal",), f"`personal:` needs `{key}:`", f"write `{key}: {{from: -1, to: 1, "
                          "decimals: 1}`")
            return None
        spec = value[key]
        hint = f"write `{key}: {{from: -1, to: 1, decimals: 1}}`"
        if not isinstance(spec, dict) or set(spec) != {"from", "to", "decimals"}:
            self.fail(path, f"`{key}:` is a range: from, to and decimals", hint)
            return None
        low, high, decimals = (as_float(spec[k]) for k in ("from", "to", "decimals"))
        if None in (low, high, decimals) or not all(map(math.isfinite, (low, high, decimals))) or \
                decimals != int(decimals) or not 0 <= decimals <= 6 or low > high:
            self.fail(path, f"`{key}:` needs numbers from ≤ to, and 0 to 6 decimals", hint)
            return None
        if abs(low) > 1e9 or abs(high) > 1e9:
            self.fail(path, f"`{key}:` reaches beyond ±1e9", "personal numbers a student works by hand are small: "
                      "write a range such as from: -1, to: 1")
            return None
        drawn = Range(low, high, int(decimals))
        if drawn.values() == 0:
            self.fail(path, f"`{key}:` holds no number with {int(decimals)} decimals between {spec['from']} and "
                      f"{spec['to']}", "widen the range, or allow more decimals")
            return None
        if drawn.values() > 10**9:
            self.fail(path, f"`{key}:` spans {drawn.values():,} values", "fewer decimals, or a narrower range")
            return None
        return drawn

    def _questions(self, value, spec: Spec | None, notation_name: str) -> list[Question]:
        if not isinstance(value, list) or not value:
            self.fail(("questions",) if value is not None else (), "`questions:` must list what is asked",
                      "write `questions:` then lines such as `  - {quantity: dL/dw212, points: 2}`")
            return []
        if len(value) > MAX_QUESTIONS:
            self.fail(("questions",), f"{len(value)} questions", f"at most {MAX_QUESTIONS}")
            return []
        result = self._graded_result(spec) if spec is not None else None
        result = None if isinstance(result, str) else result
        from ..core.names import notation as make_notation

        questions, seen = [], set()
        for i, item in enumerate(value):
            path = ("questions", i)
            if not isinstance(item, dict) or "quantity" not in item:
                self.fail(path, "a question is {quantity: Q, points: P}", "e.g. `- {quantity: a12, points: 1}`")
                continue
            self._unknown_keys(item, path, ("quantity", "points"))
            points = as_float(item.get("points", 1))
            if points is None or not math.isfinite(points) or not 0 <= points <= MAX_POINTS:
                self.fail(path + ("points",), f"points must be a number from 0 to {MAX_POINTS:,}", "e.g. `points: 2`")
                continue
            text = str(item["quantity"])
            if result is not None:
                try:
                    if result.kind == LAYERS:
                        q = parse_layer_quantity(text, result)
                    else:
                        q = parse_quantity(text, make_notation(notation_name, result.network.names))
                        check_quantity(result, q, make_notation(notation_name, result.network.names))
                except QuantityError as exc:
                    self.fail(path + ("quantity",), str(exc), exc.hint)
                    continue
                if (q.kind, q.name, q.sample) in seen:
                    self.fail(path + ("quantity",), f"{text} is asked twice", "ask each quantity once")
                    continue
                seen.add((q.kind, q.name, q.sample))
            line, _ = self.doc.where(path)
            questions.append(Question(text, float(points), line))
        return questions
