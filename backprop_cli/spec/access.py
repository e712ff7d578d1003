"""Opening the files a spec or answers file names: regular files only, never more than a limit,
and, for files a student controls (`check`), only inside the folder of the file that names them."""
from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


class Unreadable(Exception):
    """A file that may not or cannot be read: what is wrong, and what to write instead."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


def locate(base: Path, name: str, confined: bool) -> Path:
    """The file `name` relative to `base`; when `confined`, refused unless it resolves (symlinks
    followed) inside `base`: no absolute path, no `..` out of it."""
    if "\x00" in name:
        raise Unreadable("a file name cannot hold a NUL character", "name a file beside this one")
    path = base / name
    if not confined:
        return path
    if os.path.isabs(name):
        raise Unreadable("an absolute path is not allowed here", "name a file in this file's folder, e.g. net.yaml")
    try:
        inside, real = base.resolve(), path.resolve()
    except (OSError, RuntimeError) as exc:  # a name too long; a loop of links (RuntimeError in 3.11)
        reason = getattr(exc, "strerror", None) or "a loop of links"
        raise Unreadable(f"cannot use this file name ({reason})", "name a file beside this one") from None
    if real != inside and inside not in real.parents:
        raise Unreadable("the file is outside the folder of the file that names it (through `..` or a link)",
                         "name a file in this file's folder or below it")
    return real


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (never more than limit + 1 are read;
    a FIFO or device is refused without blocking)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise Unreadable("no such file") from None
    except IsADirectoryError:
        raise Unreadable("this is a folder, not a file") from None
    except OSError as exc:
        raise Unreadable(f"cannot read the file ({exc.strerror})") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise Unreadable("this is a folder, not a file")
        if not stat.S_ISREG(mode):
            raise Unreadable("this is not a regular file (a pipe, socket or device)", "name a plain file")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise Unreadable(f"cannot read the file ({exc.strerror})") from None
    finally:
        os.close(fd)
    if size > limit:
        raise Unreadable(f"the file is too large (over {limit:,} bytes)",
                         "put large matrices in .npy files: weights: {file: w1.npy}")
    return b"".join(chunks)


def read_text(path: str | Path, *, shown: str | None = None, confined: bool = False,
              hint: str = "give the path of a spec file") -> str:
    """The text of a file a user named (`-`: standard input): a regular file, at most a spec's
    size, decoded (UTF-8 or UTF-16 with its mark); `confined`, the file itself must stay inside
    its folder (a student's). SpecError at the file's 1:1 with `hint` when it cannot be read: the
    one way the spec, answers and assignment readers open what they are given."""
    from ..errors import Problem, SpecError
    from .yamlsafe import MAX_TEXT_BYTES, decode

    shown = shown or str(path)
    if str(path) == "-":
        import sys

        return decode(sys.stdin.buffer.read(MAX_TEXT_BYTES + 1), "<stdin>")
    try:
        if confined:
            from pathlib import Path

            file = Path(path)
            raw = read_limited(locate(file.parent, file.name, confined=True), MAX_TEXT_BYTES)
        else:
            raw = read_limited(path, MAX_TEXT_BYTES)
    except Unreadable as exc:
        raise SpecError([Problem(shown, 1, 1, str(exc), exc.hint or hint)]) from None
    return decode(raw, shown)
