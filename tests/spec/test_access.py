"""spec.access: locating files a spec names (confined to its folder for a student's), reading a
regular file of bounded size, and read_text's located errors."""
import io
import os
import sys

import pytest

from backprop_cli.errors import SpecError
from backprop_cli.spec.access import Unreadable, locate, read_limited, read_text
from backprop_cli.spec.yamlsafe import MAX_TEXT_BYTES


def unreadable(fn, *args, **kwargs) -> Unreadable:
    with pytest.raises(Unreadable) as info:
        fn(*args, **kwargs)
    return info.value


def test_locate_unconfined_is_a_plain_join(tmp_path):
    assert locate(tmp_path, "../x.npy", confined=False) == tmp_path / "../x.npy"
    assert locate(tmp_path, "/abs.npy", confined=False) == tmp_path / "/abs.npy"


def test_locate_confined_inside(tmp_path):
    (tmp_path / "sub").mkdir()
    assert locate(tmp_path, "sub/w.npy", confined=True) == (tmp_path / "sub" / "w.npy").resolve()
    assert locate(tmp_path, "sub/../w.npy", confined=True) == (tmp_path / "w.npy").resolve()
    assert locate(tmp_path, ".", confined=True) == tmp_path.resolve()


def test_locate_refuses_nul(tmp_path):
    exc = unreadable(locate, tmp_path, "a\x00b", False)
    assert str(exc) == "a file name cannot hold a NUL character" and exc.hint == "name a file beside this one"


def test_locate_confined_refuses_absolute_and_escapes(tmp_path):
    exc = unreadable(locate, tmp_path, "/etc/passwd", True)
    assert str(exc) == "an absolute path is not allowed here"
    assert exc.hint == "name a file in this file's folder, e.g. net.yaml"
    exc = unreadable(locate, tmp_path / "inner", "../secret.npy", True)
    assert str(exc) == "the file is outside the folder of the file that names it (through `..` or a link)"
    assert exc.hint == "name a file in this file's folder or below it"


def test_locate_confined_refuses_a_link_out(tmp_path):
    (tmp_path / "outside.npy").write_text("x")
    inner = tmp_path / "inner"
    inner.mkdir()
    os.symlink(tmp_path / "outside.npy", inner / "link.npy")
    assert "outside the folder" in str(unreadable(locate, inner, "link.npy", True))
    os.symlink(inner / "w.npy", inner / "inside.npy")  # a link that stays inside is fine
    assert locate(inner, "inside.npy", True) == (inner / "w.npy").resolve()


def test_locate_confined_link_loop(tmp_path):
    os.symlink(tmp_path / "b", tmp_path / "a")
    os.symlink(tmp_path / "a", tmp_path / "b")
    exc = unreadable(locate, tmp_path, "a", True)
    assert str(exc).startswith("cannot use this file name (")
    assert exc.hint == "name a file beside this one"


def test_locate_confined_name_too_long_stays_inside(tmp_path):
    # resolve() is not strict: a name too long for the system is located, and refused when read
    path = locate(tmp_path, "x" * 5000, True)
    assert path == tmp_path.resolve() / ("x" * 5000)
    assert str(unreadable(read_limited, path, 10)) == "cannot read the file (File name too long)"


def test_read_limited_reads_a_regular_file(tmp_path):
    (tmp_path / "f").write_bytes(b"abc\x00\xff")
    assert read_limited(tmp_path / "f", 5) == b"abc\x00\xff"
    (tmp_path / "empty").write_bytes(b"")
    assert read_limited(tmp_path / "empty", 0) == b""


def test_read_limited_refuses_one_byte_over(tmp_path):
    (tmp_path / "f").write_bytes(b"abcdef")
    exc = unreadable(read_limited, tmp_path / "f", 5)
    assert str(exc) == "the file is too large (over 5 bytes)"
    assert exc.hint == "put large matrices in .npy files: weights: {file: w1.npy}"


def test_read_limited_big_file_message_uses_thousands(tmp_path):
    (tmp_path / "f").write_bytes(b"x" * 1_000_001)
    assert str(unreadable(read_limited, tmp_path / "f", 1_000_000)) == "the file is too large (over 1,000,000 bytes)"


def test_read_limited_missing_folder_fifo(tmp_path):
    assert str(unreadable(read_limited, tmp_path / "missing", 10)) == "no such file"
    assert str(unreadable(read_limited, tmp_path, 10)) == "this is a folder, not a file"
    os.mkfifo(tmp_path / "pipe")
    exc = unreadable(read_limited, tmp_path / "pipe", 10)  # returns at once: no writer, no blocking
    assert str(exc) == "this is not a regular file (a pipe, socket or device)" and exc.hint == "name a plain file"


def test_read_limited_device():
    exc = unreadable(read_limited, "/dev/zero", 10)
    assert str(exc) == "this is not a regular file (a pipe, socket or device)"


def test_read_limited_not_a_folder(tmp_path):
    (tmp_path / "file").write_text("x")
    assert str(unreadable(read_limited, tmp_path / "file" / "below", 10)) == "cannot read the file (Not a directory)"


def test_read_text_decodes(tmp_path):
    (tmp_path / "s.yaml").write_bytes("\ufeffname: ŷ\n".encode("utf-8"))
    assert read_text(tmp_path / "s.yaml") == "name: ŷ\n"
    (tmp_path / "u.yaml").write_bytes("name: é\n".encode("utf-16"))
    assert read_text(str(tmp_path / "u.yaml")) == "name: é\n"


def test_read_text_errors_are_located_with_hint(tmp_path):
    with pytest.raises(SpecError) as info:
        read_text(tmp_path / "nope.yaml", shown="nope.yaml")
    assert str(info.value) == "nope.yaml:1:1: no such file\n  hint: give the path of a spec file"
    with pytest.raises(SpecError) as info:
        read_text(tmp_path, hint="my hint")
    assert str(info.value) == f"{tmp_path}:1:1: this is a folder, not a file\n  hint: my hint"


def test_read_text_fifo_keeps_its_own_hint(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    with pytest.raises(SpecError) as info:
        read_text(tmp_path / "pipe.yaml", shown="p")
    assert str(info.value) == "p:1:1: this is not a regular file (a pipe, socket or device)\n  hint: name a plain file"


def test_read_text_too_large(tmp_path):
    (tmp_path / "big.yaml").write_bytes(b"#" * (MAX_TEXT_BYTES + 1))
    with pytest.raises(SpecError, match=r"big\.yaml:1:1: the file is too large \(over 1,000,000 bytes\)"):
        read_text(tmp_path / "big.yaml", shown="big.yaml")


def test_read_text_confined_refuses_a_link_out(tmp_path):
    (tmp_path / "secret.yaml").write_text("a: 1\n")
    inner = tmp_path / "inner"
    inner.mkdir()
    os.symlink(tmp_path / "secret.yaml", inner / "answers.yaml")
    assert read_text(inner / "answers.yaml") == "a: 1\n"  # not confined: followed
    with pytest.raises(SpecError, match="outside the folder"):
        read_text(inner / "answers.yaml", confined=True)


def test_read_text_bad_encoding_is_located(tmp_path):
    (tmp_path / "s.yaml").write_bytes(b"a: 1\n\xc3(\n")
    with pytest.raises(SpecError, match=r"s\.yaml:2:1: the file is not valid UTF-8 text \(byte 0xc3\)"):
        read_text(tmp_path / "s.yaml", shown="s.yaml")


def test_read_text_stdin(monkeypatch):
    class Stdin:
        buffer = io.BytesIO("input: [1]\n".encode("utf-16"))

    monkeypatch.setattr(sys, "stdin", Stdin)
    assert read_text("-") == "input: [1]\n"
