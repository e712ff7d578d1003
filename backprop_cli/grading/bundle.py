"""The files an assignment takes with it to another machine (Gradescope's autograder): itself, the
spec it names (shared or personal), that spec's matrix files, and its roster. Each must lie inside
the assignment's folder, since the copy is that folder alone, kept at the same relative paths."""
from __future__ import annotations

import os
import posixpath
from pathlib import Path

from ..errors import Problem, SpecError, UsageError, quote
from ..spec.access import read_text
from ..spec.yamlsafe import Document, parse
from .assignment import Assignment, load_assignment

ROSTER_HINT = ("add `roster: roster.csv` to the assignment, with the ids Gradescope gives: each student's "
               "sid, else their e-mail address before the @")


class Bundled:
    """A file to copy: `name`, its path relative to the assignment's folder as the copy holds it
    (`/`-separated, normalised), `folders` that its name as written passes through (so a name such
    as `nets/../net.yaml` still resolves in the copy), and `source`, the file to read."""

    def __init__(self, name: str, source: Path, folders: tuple[str, ...] = ()):
        self.name, self.source, self.folders = name, source, folders

    def __repr__(self) -> str:
        return f"Bundled({self.name!r})"


def assignment_files(path: str) -> tuple[Assignment, list[Bundled]]:
    """The assignment at `path`, validated, and every file it takes along (itself first); SpecError,
    located at the key that names it, for a file outside the assignment's folder, and for a personal
    assignment without `roster:` (its networks exist only for the students of a roster)."""
    if str(path) == "-":
        raise UsageError("the assignment must be a file (its folder holds the files it names), not standard input")
    loaded = load_assignment(path)
    doc = parse(read_text(path, hint="give the path of an assignment file"), path)
    data = doc.data  # a mapping: load_assignment read it
    base = Path(path).parent
    collector = _Collector(base)
    collector.files.append(Bundled(Path(path).name, Path(path)))
    personal = data.get("personal")
    if "spec" in data:
        spec, folder = loaded.spec, collector.named(data["spec"], doc, ("spec",), "the spec")
    elif isinstance(personal, dict):
        spec, folder = loaded.personal.spec, collector.named(personal["spec"], doc, ("personal", "spec"), "the spec")
        if "roster" not in data:
            collector.problems.append(doc.problem(("personal",), "a personal assignment needs `roster:` for "
                                                  "Gradescope: the zip grades the students of the roster it names",
                                                  ROSTER_HINT))
    else:  # `network:` inline: its matrix files are named from the assignment's folder
        spec, folder = loaded.spec, ""
    if spec is not None and folder is not None:
        for where, (name, _shape) in sorted(spec.matrix_files.items(), key=lambda item: str(item[0])):
            collector.named(posixpath.join(folder, name) if folder else name, spec.document, where + ("file",),
                            "the matrix file")
    if "roster" in data:  # the name as written (load_assignment keeps the roster read, not its path)
        collector.named(data["roster"], doc, ("roster",), "the roster")
    if collector.problems:
        raise SpecError(collector.problems)
    return loaded, collector.files


class _Collector:
    """Gathers the files named, once each, and the problems of those that cannot travel."""

    def __init__(self, base: Path):
        self.base = base
        self.files: list[Bundled] = []
        self.problems: list[Problem] = []

    def named(self, written, doc: Document, where: tuple, what: str) -> str | None:
        """Take the file `written` (relative to the assignment's folder) along; the folder of its
        normalised name ('' at the top), or None when it cannot be taken."""
        if not isinstance(written, str) or not written:
            return None  # load_assignment reports a name that is not text, for the files it reads
        shown = quote(written)
        if os.path.isabs(written):
            self.problems.append(doc.problem(where, f"{what} '{shown}' is an absolute path, which the autograder "
                                             "does not have", "name it relative to the assignment's folder, and "
                                             "keep it in that folder or below"))
            return None
        try:
            inside, source = self.base.resolve(), (self.base / written).resolve()
        except (OSError, RuntimeError, ValueError) as exc:  # a name too long, a loop of links, a NUL
            reason = getattr(exc, "strerror", None) or str(exc)
            self.problems.append(doc.problem(where, f"{what} '{shown}': cannot use this name ({quote(reason)})",
                                             "name a file in the assignment's folder"))
            return None
        if source != inside and inside not in source.parents:
            self.problems.append(doc.problem(where, f"{what} '{shown}' is outside the assignment's folder (through "
                                             "`..` or a link), and the autograder gets that folder alone",
                                             "copy it into the assignment's folder and name it from there"))
            return None
        normalised = _normalised(written)
        if normalised is None:  # `../hw3/net.yaml` from hw3: inside once resolved, not as written
            self.problems.append(doc.problem(where, f"{what} '{shown}' climbs out of the assignment's folder and "
                                             "back in", "name it from the assignment's folder, without `..`"))
            return None
        name, folders = normalised
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            self.problems.append(doc.problem(where, f"{what} '{shown}' has a name that is not valid UTF-8, which a "
                                             "zip file cannot hold", "rename it"))
            return None
        if all(f.name != name for f in self.files):
            self.files.append(Bundled(name, source, folders))
        return posixpath.dirname(name)


def _normalised(written: str) -> tuple[str, tuple[str, ...]] | None:
    """`written` without `.` and `..`, and every folder the name as written passes through, for the
    copy to hold; None where a `..` goes above the assignment's folder as written."""
    parts: list[str] = []
    folders: list[str] = []
    pieces = written.split("/")
    for piece in pieces[:-1]:
        if piece in ("", "."):
            continue
        if piece == "..":
            if not parts:
                return None
            parts.pop()
            continue
        parts.append(piece)
        folders.append("/".join(parts))
    name = posixpath.normpath("/".join(parts + [pieces[-1]]))
    return name, tuple(dict.fromkeys(folders))
