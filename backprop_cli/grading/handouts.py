"""Handouts (`backprop assign`): every student's net.yaml, the matrix files it names and a blank
answers.yaml. All of them are rendered in memory and every path they go to is checked before the
first is written: nothing is written unless every handout can be."""
from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path, PurePath

from ..errors import UsageError, printable
from ..files import NOT_REGULAR, identity, write_atomic
from ..spec.access import Unreadable, locate, read_limited
from ..spec.matrices import MAX_CSV_BYTES, MAX_NPY_BYTES
from ..spec.reader import Spec, load_spec
from ..spec.rewrite import own_text
from ..spec.yamlwrite import string
from .personal import blank_answers, personal_handout, prepare, same_numbers, spec_text

NET, ANSWERS = "net.yaml", "answers.yaml"


def network_text(assignment) -> str:
    """The network everyone gets, as a spec that loads on its own: the file `spec:` names, or the
    inline `network:` mapping's own text (numbers and comments as written), as written; else (an
    inline network whose text cannot stand alone) the network written out with the same numbers."""
    spec = assignment.spec
    text = own_text(spec.document) if spec.file == assignment.file else spec.document.text
    return text if text is not None else written_out(assignment, spec)


def written_out(assignment, spec: Spec) -> str:
    """`spec` written anew, every number inline, checked to read back with the very same numbers."""
    heading = [f"# {assignment.title or 'assignment'}: the network"]
    heading += [f"{key}: {string(value)}" for key, value in (("name", spec.name), ("description", spec.description))
                if value]
    text = spec_text(spec, (spec.inputs.tolist(), [(layer.weights.tolist(), None) for layer in spec.layers]), heading)
    if not same_numbers(load_spec(text=text, name="net.yaml"), spec):  # pragma: no cover - exact() round-trips
        raise AssertionError("the network written out does not read back as it was")
    return text


def matrix_copies(spec: Spec) -> dict[str, bytes]:
    """Each file the spec names (`weights: {file: w1.npy}`), by the name the handout's net.yaml
    gives it, read from beside the spec; UsageError for a name that would leave the handout's folder."""
    base = Path(spec.file).parent  # where the spec's `{file: ...}` names were read from
    copies: dict[str, bytes] = {}
    for path, (name, _shape) in spec.matrix_files.items():
        parts = PurePath(name).parts
        if PurePath(name).is_absolute() or ".." in parts:
            line, column = spec.document.where(path + ("file",))
            raise UsageError(f"{spec.file}:{line}:{column}: '{printable(name)}' would lie outside the student's "
                             f"folder, and every file a handout's net.yaml names is copied beside it (name a file "
                             "in the spec's folder or below it, without `..`)")
        try:
            limit = MAX_NPY_BYTES if name.lower().endswith(".npy") else MAX_CSV_BYTES
            copies["/".join(parts)] = read_limited(locate(base, name, confined=False), limit)
        except Unreadable as exc:
            raise UsageError(f"cannot copy {printable(str(base / name))}: {exc}") from None
    return copies


def write_handouts(assignment, students: list[str], output: str | Path, inputs=()) -> None:
    """Write OUTPUT/ID/net.yaml (with the files it names) and OUTPUT/ID/answers.yaml for every
    student. Every path is checked and every handout rendered first (UsageError or SpecError before
    anything is written); `inputs` are the run's other input files (the roster), never written over."""
    shared: dict[str, str | bytes] = {}
    if assignment.personal is None:
        shared = {NET: network_text(assignment), **matrix_copies(assignment.spec)}
    base = Path(output)
    names = [NET, *(name for name in shared if name != NET), ANSWERS]
    sources = [*assignment.input_files(), *inputs]
    check_output(base, [base / student / name for student in students for name in names], sources)
    prepare(assignment, students)  # a large class's personal problems drawn on every core first
    files = {}
    for student in students:
        net = shared.get(NET) or personal_handout(assignment, student)[0]
        for name in names:
            files[base / student / name] = net if name == NET else \
                blank_answers(assignment, student) if name == ANSWERS else shared[name]
    write_all(base, files)


def check_output(base: Path, targets: list[Path], inputs) -> None:
    """UsageError, before anything is written, unless every target can be written: its folders can
    be made (none is a file) and written in, it is not a folder, a device, a FIFO or a socket, and
    it is none of the run's `inputs`."""
    probe = base
    while not os.path.lexists(probe) and probe.parent != probe:
        probe = probe.parent  # the nearest existing folder: where `base` is made
    if not probe.is_dir():
        raise UsageError(f"cannot write handouts in {_shown(base)}: it is not a folder" if probe == base else
                         f"cannot create {_shown(base)}: {_shown(probe)} is not a folder")
    if probe != base and not os.access(probe, os.W_OK | os.X_OK):
        raise UsageError(f"cannot create {_shown(base)}: the folder {_shown(probe)} is not writable")
    folders = sorted({folder for target in targets for folder in _folders(base, target)}, key=lambda p: len(p.parts))
    files = set(targets)
    for folder in folders:
        if folder in files:
            raise UsageError(f"{_shown(folder)} would be a file and a folder at once")
        if os.path.lexists(folder) and not folder.is_dir():
            raise UsageError(f"cannot make the folder {_shown(folder)}: a file is in its place")
        if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
            raise UsageError(f"cannot write in {_shown(folder)}: the folder is not writable")
    own = {identity(path) for path in inputs} - {None}
    for target in targets:
        try:
            mode = os.stat(target).st_mode
        except OSError:
            continue  # nothing there (or a dangling link): a new file
        if stat.S_ISDIR(mode):
            raise UsageError(f"cannot write {_shown(target)}: it is a folder")
        if not stat.S_ISREG(mode):
            raise UsageError(f"cannot write {_shown(target)}: {NOT_REGULAR}")
        if identity(target) in own:
            raise UsageError(f"cannot write {_shown(target)}: it is one of this run's inputs (the assignment, its "
                             "network, a file it names, or the roster); write the handouts elsewhere")
        if not os.access(target, os.W_OK):
            raise UsageError(f"cannot write {_shown(target)}: it is not writable")


def _folders(base: Path, target: Path) -> list[Path]:
    """The folders from `base` down to the one holding `target`."""
    return [base.joinpath(*target.relative_to(base).parts[:n]) for n in range(len(target.relative_to(base).parts))]


def _shown(path: Path) -> str:
    return printable(str(path))


def write_all(base: Path, files: dict[Path, str | bytes]) -> None:
    """Make the folders and write the files (each whole: files.write_atomic). Should a write fail
    all the same (a full disk), what this run made is removed again before the UsageError."""
    made: list[Path] = []
    try:
        missing = [folder for folder in (base, *base.parents) if not os.path.lexists(folder)]
        below = {folder for path in files for folder in _folders(base, path)}
        for folder in [*reversed(missing), *sorted(below, key=lambda p: len(p.parts))]:
            if not os.path.lexists(folder):
                try:
                    folder.mkdir()
                except OSError as exc:
                    raise UsageError(f"cannot create {_shown(folder)}: {exc.strerror or exc}") from None
                made.append(folder)
        for path, content in files.items():
            new = not os.path.lexists(path)
            write_atomic(path, content)
            if new:
                made.append(path)
    except UsageError as exc:
        for path in reversed(made):
            with contextlib.suppress(OSError):
                path.rmdir() if path.is_dir() else path.unlink()
        undone = " (the files and folders this run had made are removed again)" if made else ""
        raise UsageError(f"{exc}{undone}") from None
