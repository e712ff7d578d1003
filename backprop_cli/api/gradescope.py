"""The Gradescope autograder as one zip (what `backprop gradescope` writes): the assignment and the
files it names, the source of this very backprop (so that the autograder grades as the instructor's
machine does), setup.sh and run_autograder; checked by loading the copied assignment on its own."""
from __future__ import annotations

import io
import os
import stat
import tempfile
import zipfile
from pathlib import Path

from ..errors import SpecError, UsageError, printable
from ..files import NOT_REGULAR, write_atomic

ASSIGNMENT_FOLDER = "assignment"  # where the assignment's folder goes in the zip (and in /autograder/source)
PACKAGE = "backprop_cli"
DISTRIBUTION = "backprop-cli"
MAX_FILE_BYTES = 64 << 20  # a file the assignment names: at most a matrix file's size
SCRIPT, DATA, FOLDER = 0o100755, 0o100644, 0o040755
STAMP = (1980, 1, 1, 0, 0, 0)  # every entry's time: the same assignment gives the same zip, byte for byte


def gradescope_bundle(assignment, output) -> list[str]:
    """Write `output`, the autograder zip for the assignment file `assignment`, in one piece; return
    the names it holds. SpecError (located) for a file the assignment names outside its folder, or
    a personal assignment without `roster:`; UsageError for an output that is one of the inputs or
    not a regular file."""
    from ..grading.autograder import python_floor, run_script, setup_script
    from ..grading.bundle import assignment_files

    _, files = assignment_files(str(assignment))
    _check_output(Path(output), [Path(str(assignment))] + [f.source for f in files])
    requirements, requires_python = _requirements()
    top = f"{ASSIGNMENT_FOLDER}/{files[0].name}"
    members: dict[str, tuple[int, bytes]] = {
        "setup.sh": (SCRIPT, setup_script(requirements, python_floor(requires_python)).encode()),
        "run_autograder": (SCRIPT, run_script(top).encode()),
    }
    for file in files:
        for folder in file.folders:
            members.setdefault(f"{ASSIGNMENT_FOLDER}/{folder}/", (FOLDER, b""))
        members[f"{ASSIGNMENT_FOLDER}/{file.name}"] = (DATA, _read(file.source, file.name))
    for name, path in _package_files():
        members[f"{PACKAGE}/{name}"] = (DATA, _read(path, name))
    data = _zip(members)
    _verify(data, top)
    write_atomic(output, data)
    return list(members)


def _read(path: Path, name: str) -> bytes:
    from ..spec.access import Unreadable, read_limited

    try:
        return read_limited(path, MAX_FILE_BYTES)
    except Unreadable as exc:
        raise UsageError(f"cannot put {printable(name)} in the zip: {exc}") from None


def _check_output(output: Path, inputs: list[Path]) -> None:
    """Refuse an output that is not a regular file, or that is one of the files read (section 8)."""
    try:
        mode = output.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise UsageError(f"cannot write {printable(str(output))}: {exc.strerror}") from None
    if mode is not None and not stat.S_ISREG(mode):
        raise UsageError(f"cannot write {printable(str(output))}: {NOT_REGULAR}; give the path of the zip to write")
    target = output.resolve()
    if any(target == path.resolve() for path in inputs):
        raise UsageError(f"{printable(str(output))} is one of the assignment's own files: write the zip elsewhere")


def _requirements() -> tuple[list[str], str | None]:
    """backprop's dependencies as its installed metadata gives them (pyproject.toml's, the extras
    left out), and its Requires-Python."""
    from importlib import metadata

    try:
        required = metadata.requires(DISTRIBUTION) or []
        requires_python = metadata.metadata(DISTRIBUTION).get("Requires-Python")
    except metadata.PackageNotFoundError:
        raise UsageError("backprop is not installed, so its dependencies are unknown: install it "
                         "(pip install backprop-cli, or pip install -e . in a checkout)") from None
    return [r for r in required if "extra" not in r.partition(";")[2]], requires_python


def _package_files() -> list[tuple[str, Path]]:
    """The package's modules (relative name, path) and the example specs, its package data: the
    running backprop, whether installed or a checkout."""
    from ..spec.examples import examples_dir

    root = Path(__file__).resolve().parent.parent
    found = {path.relative_to(root).as_posix(): path for path in sorted(root.rglob("*.py"))
             if "__pycache__" not in path.parts}
    try:
        examples = examples_dir()
    except UsageError:  # not installed: grading needs no example
        return sorted(found.items())
    for path in sorted(examples.iterdir()):
        if path.is_file() and path.suffix in (".py", ".yaml", ".npy", ".csv"):
            found.setdefault(f"specs/{path.name}", path)
    return sorted(found.items())


def _zip(members: dict[str, tuple[int, bytes]]) -> bytes:
    """The zip of `members` (name -> (mode, bytes)), in order, modes kept, times fixed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, (mode, content) in members.items():
            info = zipfile.ZipInfo(name, STAMP)
            info.create_system = 3  # Unix: the modes below mean what they say (run_autograder is executable)
            info.external_attr = mode << 16 | (0x10 if name.endswith("/") else 0)
            info.compress_type = zipfile.ZIP_STORED if name.endswith("/") else zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def _verify(data: bytes, assignment: str) -> None:
    """Unpack the zip aside and load its assignment there: a file it needs and the zip lacks fails
    here, before anything is written, not on Gradescope."""
    from ..grading.assignment import load_assignment

    with tempfile.TemporaryDirectory(prefix="backprop-gradescope-") as folder:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.extractall(folder)
        try:
            load_assignment(os.path.join(folder, assignment))
        except SpecError as exc:
            first = exc.problems[0]
            raise UsageError("the assignment copied into the zip does not load on its own (does it name a file "
                             f"in a way the copy cannot follow?): {first.message}") from None
