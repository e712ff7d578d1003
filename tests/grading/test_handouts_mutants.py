"""grading.handouts, the cases a mutation run found untested: handouts written again over the last
ones (files there that may be written are written over; one that may not is refused), a matrix
file the instructor's spec reaches through a link is copied, one that went missing since the spec
was read is reported by its path, and a folder that cannot be made is reported with the reason."""
import errno
import os
import re

import pytest

from backprop_cli.errors import UsageError
from backprop_cli.grading import handouts as H

from .test_handouts import NETWORK, QUESTIONS, assignment, shared

__all__ = ["shared"]  # the fixture, shared with test_handouts


def test_handouts_are_written_again_over_the_last_ones(tmp_path, shared):
    H.write_handouts(shared, ["ana"], "out")
    blank = (tmp_path / "out" / "ana" / "answers.yaml").read_text(encoding="utf-8")
    (tmp_path / "out" / "ana" / "answers.yaml").write_text("scribbled over", encoding="utf-8")
    H.write_handouts(shared, ["ana"], "out")  # every target there already, and writable
    assert (tmp_path / "out" / "ana" / "answers.yaml").read_text(encoding="utf-8") == blank


def test_a_file_in_a_handouts_place_that_may_not_be_written_is_refused(tmp_path, shared, monkeypatch):
    H.write_handouts(shared, ["ana"], "out")
    real = os.access  # root may write anyway: access() asked as a user would be answered
    monkeypatch.setattr(H.os, "access", lambda path, mode: real(path, mode) and not (
        mode == os.W_OK and os.path.basename(path) == "answers.yaml"))
    with pytest.raises(UsageError, match="^cannot write out/ana/answers.yaml: it is not writable$"):
        H.write_handouts(shared, ["ana"], "out")


def net_naming(folder, name: str):
    """An assignment whose spec net.yaml (in `folder`) names its second layer's weights `name`."""
    (folder / "net.yaml").write_text(NETWORK.replace("\n  ", "\n")[2:].replace("[[0.5, 0.8]]", f"{{file: {name}}}"),
                                     encoding="utf-8")
    return assignment(folder, "spec: net.yaml\n" + QUESTIONS)


def test_a_matrix_file_the_spec_reaches_through_a_link_is_copied(tmp_path):
    # the instructor's own files: a link out of the spec's folder is theirs to make; the handout
    # holds a copy of what it points to, under the name the spec gives
    (tmp_path / "course").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "w2.csv").write_text("0.5,0.8\n", encoding="utf-8")
    os.symlink(tmp_path / "elsewhere" / "w2.csv", tmp_path / "course" / "w2.csv")
    loaded = net_naming(tmp_path / "course", "w2.csv")
    assert H.matrix_copies(loaded.spec) == {"w2.csv": b"0.5,0.8\n"}


def test_a_matrix_file_gone_since_the_spec_was_read_is_reported_by_its_path(tmp_path):
    (tmp_path / "w2.csv").write_text("0.5,0.8\n", encoding="utf-8")
    loaded = net_naming(tmp_path, "w2.csv")
    os.unlink(tmp_path / "w2.csv")
    with pytest.raises(UsageError, match=f"^cannot copy {re.escape(str(tmp_path / 'w2.csv'))}: "):
        H.matrix_copies(loaded.spec)


def test_a_folder_that_cannot_be_made_is_reported_with_the_reason(tmp_path):
    folder = tmp_path / ("a" * 300)  # longer than a file name may be
    with pytest.raises(UsageError) as caught:
        H.write_all(tmp_path, {folder / "net.yaml": "x"})
    assert str(caught.value) == f"cannot create {folder}: {os.strerror(errno.ENAMETOOLONG)}"
    assert os.listdir(tmp_path) == []
