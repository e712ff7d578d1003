"""grading.roster: the students' ids from a roster CSV, and every refusal."""
import os

import pytest

from backprop_cli.errors import UsageError
from backprop_cli.grading.roster import MAX_ROSTER, load_roster


def roster(tmp_path, text, name="r.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return str(path)


def refused(path) -> str:
    with pytest.raises(UsageError) as info:
        load_roster(path)
    return str(info.value)


def test_id_column_anywhere(tmp_path):
    assert load_roster(roster(tmp_path, "name,ID\nAlice,alice\nBob, bob \n")).ids == ["alice", "bob"]


def test_first_column_without_a_header(tmp_path):
    assert load_roster(roster(tmp_path, "\ufeffa1,x\nb.2@u-c_d\n\n , \n")).ids == ["a1", "b.2@u-c_d"]


def test_quoted_cells(tmp_path):
    assert load_roster(roster(tmp_path, 'id,name\n"carol","Carol, C."\n')).ids == ["carol"]


@pytest.mark.parametrize("text, message", [
    ("", "lists no students"), ("id\n", "lists no students"),
    ("id,name\nalice\n,bob\n", "row 3: '' is not a student id"),
    ("../etc\n", "row 1: '../etc' is not a student id (letters, digits and . _ @ + -, at most 64, not starting "
                 "with . or -)"),
    ("-rf\n", "row 1: '-rf' is not a student id"), ("a/b\n", "row 1: 'a/b' is not a student id"),
    ("a" * 65 + "\n", "row 1: '" + "a" * 40 + "' is not a student id"),
    ("x\x1b[2J\n", "row 1: 'x\\x1b[2J' is not a student id"),
    ("id\nalice\nbob\nalice\n", "row 4: alice is listed twice"),
])
def test_refused(tmp_path, text, message):
    assert message in refused(roster(tmp_path, text))


def test_too_many_students(tmp_path):
    path = roster(tmp_path, "".join(f"s{i}\n" for i in range(MAX_ROSTER + 1)))
    assert refused(path) == f"--roster '{path}' lists 10,001 students (at most 10,000)"


def test_unreadable(tmp_path):
    assert refused(str(tmp_path / "none.csv")) == f"--roster '{tmp_path / 'none.csv'}': no such file"
    assert refused(str(tmp_path)) == f"--roster '{tmp_path}': this is a folder, not a file"
    os.mkfifo(tmp_path / "pipe.csv")
    assert refused(str(tmp_path / "pipe.csv")).endswith("this is not a regular file (a pipe, socket or device)")
    assert "can't decode byte 0xff" in refused(roster(tmp_path, b"id\n\xff\n"))


def test_a_cell_past_csvs_field_limit_is_a_clear_error(tmp_path):
    from backprop_cli.errors import UsageError
    from backprop_cli.grading.roster import load_roster

    (tmp_path / "roster.csv").write_text("id\nalice\n" + "x" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(UsageError, match="not a CSV file"):
        load_roster(str(tmp_path / "roster.csv"))


def test_ids_that_differ_only_in_case_are_one_student(tmp_path):
    # on a file system that does not tell case apart (macOS, Windows) their folders would be one
    assert refused(roster(tmp_path, "id\nalice\nALICE\n")) == \
        f"--roster {tmp_path / 'r.csv'}, row 3: ALICE is listed twice (as alice)"
