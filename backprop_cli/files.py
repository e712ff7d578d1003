"""Writing files whole: written aside, then renamed, with the permissions a user expects."""
from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from .errors import UsageError


def _mode_for(target: Path) -> int:
    """The mode a new file gets from the umask, or the mode of the file being replaced."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)  # reading the umask means setting it; put it straight back
        return 0o666 & ~umask


def write_atomic(path: str | Path, content) -> None:
    """Write `path` (text, bytes, or an iterable of pieces of either) so that readers see the old
    file or the new one, never half of it. Only a
    regular file is ever replaced: a rename would put a file in place of a device, FIFO, socket or
    folder (commands check first; this is the last word, whatever --force says)."""
    target = Path(path)
    if os.path.lexists(target) and not (target.is_file() or os.path.islink(target) and not target.exists()):
        raise UsageError(f"cannot write {path}: {NOT_REGULAR}")
    temporary = None
    try:
        import tempfile  # only a run that writes pays for its import (start-up)
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            for piece in [content] if isinstance(content, (str, bytes)) else content:  # or pieces of text
                handle.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
        os.chmod(temporary, _mode_for(target))  # mkstemp makes 0600; a report is not a secret
        os.replace(temporary, target)
    except BaseException as exc:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
        if isinstance(exc, OSError):  # a missing or read-only folder, a full disk: the user's to fix
            raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


NOT_REGULAR = "it is not a regular file (a folder, device, pipe or socket)"  # all that is ever replaced


def check_writable(path: str | Path) -> str | None:
    """Why `path` cannot be written (its folder missing or read-only; a folder, a device, a FIFO or
    a socket in its place: only a regular file is ever replaced), or None."""
    target = Path(path)
    folder = target.parent
    if target.is_dir():
        return f"{path} is a folder"
    if target.exists() and not target.is_file():
        return f"{path}: {NOT_REGULAR}"
    if not folder.is_dir():
        return f"the folder {folder} does not exist"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {folder} is not writable"
    if target.exists() and not os.access(target, os.W_OK):
        return f"{path} is not writable"
    return None


def identity(path) -> tuple[int, int] | None:
    """What makes two paths one file (device and inode), or None for no such file."""
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    return found.st_dev, found.st_ino


def input_written_over(outputs, inputs) -> str | None:
    """The first output path that is one of the run's input files (a link or another spelling of
    it included), or None: a report must never replace what it reports on."""
    own = {identity(path) for path in inputs if path is not None} - {None}
    return next((str(path) for path in outputs if path is not None and identity(path) in own), None)


class Deferred:
    """Whether a Ctrl-C came while the files of a run were being written (deferred_interrupt)."""

    came = False


@contextlib.contextmanager
def deferred_interrupt():
    """Write a run's files with Ctrl-C held back until all are written, so that an interrupt at
    any moment leaves either nothing or every requested file whole (the caller says which came)."""
    import signal
    import threading

    deferred = Deferred()
    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        yield deferred
        return

    def hold(_signum, _frame):
        deferred.came = True

    before = signal.signal(signal.SIGINT, hold)
    try:
        yield deferred
    finally:
        signal.signal(signal.SIGINT, before)


@contextlib.contextmanager
def folder_lock(path: str | Path):
    """Hold an exclusive lock on the folder of `path` while a file there is read, changed and
    written back, so that two `--in-place` runs never lose an update. (The folder, not the file:
    the file is replaced by a rename, and a lock on the old file would not stop a second reader.)"""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock, as before
        yield
        return
    fd = os.open(Path(path).parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
