"""backprop_cli.files: atomic writes with the right mode, why a path cannot be written, the folder lock."""
import os
import stat
import threading
import time

import pytest

from backprop_cli.errors import UsageError
from backprop_cli.files import _mode_for, check_writable, folder_lock, write_atomic


def test_write_text_and_bytes_round_trip(tmp_path):
    write_atomic(tmp_path / "a.txt", "héllo\nwörld")
    assert (tmp_path / "a.txt").read_bytes() == "héllo\nwörld".encode()
    write_atomic(str(tmp_path / "b.bin"), b"\x00\xff\x01")
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\xff\x01"


def test_write_replaces_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "r.md"
    target.write_text("old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.md"]


def test_write_keeps_mode_of_replaced_file(tmp_path):
    target = tmp_path / "m.txt"
    target.write_text("old")
    os.chmod(target, 0o640)
    write_atomic(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_new_file_mode_follows_umask(tmp_path):
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "n.txt", "x")
        assert _mode_for(tmp_path / "missing") == 0o640
        assert os.umask(0o027) == 0o027  # _mode_for put the umask back
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "n.txt").stat().st_mode) == 0o640  # not mkstemp's 0600


def test_write_into_missing_folder_is_a_usage_error(tmp_path):
    target = tmp_path / "nope" / "x.txt"
    with pytest.raises(UsageError, match=r"^cannot write .*nope/x\.txt: No such file or directory$"):
        write_atomic(target, "x")


def test_write_over_a_folder_is_a_usage_error_and_cleans_up(tmp_path):
    (tmp_path / "dir").mkdir()
    with pytest.raises(UsageError, match="cannot write"):
        write_atomic(tmp_path / "dir", "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir"]  # the temporary file was removed
    assert (tmp_path / "dir").is_dir()


def test_write_interrupted_removes_temporary(tmp_path, monkeypatch):
    def boom(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "k.txt", "x")
    assert list(tmp_path.iterdir()) == []


def test_check_writable(tmp_path):
    assert check_writable(tmp_path / "new.txt") is None
    (tmp_path / "existing.txt").write_text("x")
    assert check_writable(tmp_path / "existing.txt") is None
    assert check_writable(tmp_path) == f"{tmp_path} is a folder"
    assert check_writable(tmp_path / "no" / "x.txt") == f"the folder {tmp_path / 'no'} does not exist"


def test_check_writable_read_only(tmp_path, monkeypatch):
    (tmp_path / "f.txt").write_text("x")
    folder_ok = {str(tmp_path): True}
    monkeypatch.setattr(os, "access", lambda p, mode: folder_ok.get(str(p), False))
    assert check_writable(tmp_path / "f.txt") == f"{tmp_path / 'f.txt'} is not writable"
    folder_ok[str(tmp_path)] = False
    assert check_writable(tmp_path / "f.txt") == f"the folder {tmp_path} is not writable"


@pytest.mark.slow
def test_folder_lock_excludes_a_second_holder(tmp_path):
    order = []
    path = tmp_path / "f.yaml"

    def second():
        with folder_lock(path):
            order.append("second")

    with folder_lock(path):
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.05)
        order.append("first")
    thread.join(2)
    assert order == ["first", "second"]


def test_folder_lock_releases_on_error(tmp_path):
    path = tmp_path / "f.yaml"
    with pytest.raises(ValueError), folder_lock(path):
        raise ValueError
    with folder_lock(path):  # would block forever if the lock were kept
        pass


def test_only_a_regular_file_is_ever_replaced(tmp_path):
    import os

    from backprop_cli.files import check_writable

    os.mkfifo(tmp_path / "pipe")
    assert check_writable(tmp_path / "pipe") == \
        f"{tmp_path / 'pipe'}: it is not a regular file (a folder, device, pipe or socket)"
    assert check_writable("/dev/null") == "/dev/null: it is not a regular file (a folder, device, pipe or socket)"
    assert check_writable(tmp_path / "new.xml") is None


def test_an_output_that_is_an_input_is_found_under_any_spelling(tmp_path):
    import os

    from backprop_cli.files import input_written_over

    (tmp_path / "answers.yaml").write_text("x")
    (tmp_path / "sub").mkdir()
    os.symlink(tmp_path / "answers.yaml", tmp_path / "link.yaml")
    inputs = [str(tmp_path / "answers.yaml"), None]
    assert input_written_over([None, tmp_path / "report.xml"], inputs) is None
    assert input_written_over([tmp_path / "link.yaml"], inputs) == str(tmp_path / "link.yaml")
    assert input_written_over([tmp_path / "sub" / ".." / "answers.yaml"], inputs) is not None


def test_write_atomic_never_puts_a_file_in_place_of_a_device_fifo_or_folder(tmp_path):
    import os

    from backprop_cli.errors import UsageError
    from backprop_cli.files import write_atomic

    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "folder").mkdir()
    targets = [tmp_path / "pipe", tmp_path / "folder"]
    if os.geteuid() == 0:  # a device of our own: on a build with the defect, /dev/null itself would go
        os.mknod(tmp_path / "null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        targets.append(tmp_path / "null")
    for target in targets:
        with pytest.raises(UsageError, match="it is not a regular file"):
            write_atomic(target, "x")
    assert (tmp_path / "folder").is_dir() and not (tmp_path / "pipe").is_file()
    os.symlink(tmp_path / "gone", tmp_path / "dangling")  # a link to nothing: written, as before
    write_atomic(tmp_path / "dangling", "x")


def test_a_ctrl_c_while_files_are_written_waits_until_they_all_are():
    import signal

    from backprop_cli.files import deferred_interrupt

    before = signal.getsignal(signal.SIGINT)
    with deferred_interrupt() as late:
        os.kill(os.getpid(), signal.SIGINT)  # no KeyboardInterrupt here
        time.sleep(0.01)
        assert late.came
    assert signal.getsignal(signal.SIGINT) is before
