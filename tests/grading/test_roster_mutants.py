"""grading.roster, the cases the mutation run found untested: a row too short for the id column,
the limits (10,000 students allowed, a file of more than 8,000,000 bytes refused)."""
import pytest

from backprop_cli.errors import UsageError
from backprop_cli.grading.roster import MAX_ROSTER, load_roster


def test_a_row_without_the_id_cell_is_refused_as_an_empty_id(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("name,id\nAlice,alice\nBob\n", encoding="utf-8")
    with pytest.raises(UsageError) as info:
        load_roster(str(path))
    assert str(info.value).startswith(f"--roster {path}, row 3: '' is not a student id")


@pytest.mark.slow
def test_exactly_the_most_students_is_allowed(tmp_path):
    assert MAX_ROSTER == 10_000
    path = tmp_path / "r.csv"
    path.write_text("id\n" + "".join(f"s{i}\n" for i in range(MAX_ROSTER)), encoding="utf-8")
    ids = load_roster(str(path)).ids
    assert len(ids) == MAX_ROSTER and ids[0] == "s0" and ids[-1] == "s9999"


@pytest.mark.slow
def test_a_file_one_byte_over_eight_million_is_refused_and_one_at_it_is_read(tmp_path):
    path = tmp_path / "r.csv"
    body = b"id\nalice\n" + (b" " * 99_999 + b"\n") * 79  # blank rows (spaces only) are skipped

    def padded(size):
        return body + b" " * (size - len(body) - 1) + b"\n"

    path.write_bytes(padded(8_000_000))
    assert path.stat().st_size == 8_000_000
    assert load_roster(str(path)).ids == ["alice"]
    path.write_bytes(padded(8_000_001))
    with pytest.raises(UsageError) as info:
        load_roster(str(path))
    assert str(info.value).startswith(f"--roster '{path}': ")


def test_a_roster_id_column_that_is_not_there_is_named_with_the_columns_there_are(tmp_path):
    (tmp_path / "roster.csv").write_text("id,name\nalice,Alice\n", encoding="utf-8")
    with pytest.raises(UsageError) as info:
        load_roster(str(tmp_path / "roster.csv"), "SIS Login ID")
    assert str(info.value) == (f"--roster {tmp_path / 'roster.csv'} has no column 'SIS Login ID' (its columns: id, "
                               "name); give --roster-id (or `roster_id:`) one of them")


def test_the_nearest_ids_are_the_close_ones_then_those_a_folder_name_contains(tmp_path):
    (tmp_path / "roster.csv").write_text("id\nalice\nbob\nal\n", encoding="utf-8")
    roster = load_roster(str(tmp_path / "roster.csv"))
    # hw3-alice is close to alice (difflib), and contains al too: each named once
    assert roster.nearest("hw3-alice") == ["alice", "al"]
    assert roster.nearest("BOB") == ["bob"]


def test_a_roster_without_a_header_keeps_every_row_and_no_columns(tmp_path):
    (tmp_path / "roster.csv").write_text("alice\nbob\n", encoding="utf-8")
    roster = load_roster(str(tmp_path / "roster.csv"))
    assert roster.ids == ["alice", "bob"] and roster.header == [] and roster.id_column == "id"
    assert not roster.from_canvas


def test_a_canvas_export_leaves_out_points_possible_and_its_test_student_and_keeps_its_own_columns(tmp_path):
    (tmp_path / "roster.csv").write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,HW1 (123)\n"
        "    Points Possible,,,,,10\n"
        '"Student, Test",99,,,Sec 1,0\n'
        '"Liddell, Alice",1,a1,alice,Sec 1,7\n', encoding="utf-8")
    roster = load_roster(str(tmp_path / "roster.csv"), "SIS Login ID")
    assert roster.ids == ["alice"] and roster.from_canvas
    # the cells a gradebook writes back: Canvas's own columns, not the assignment's
    assert roster.rows["alice"] == {"Student": "Liddell, Alice", "ID": "1", "SIS User ID": "a1",
                                    "SIS Login ID": "alice", "Section": "Sec 1"}


def test_a_student_named_like_canvass_test_student_is_kept_outside_a_canvas_export(tmp_path):
    (tmp_path / "roster.csv").write_text('name,id\n"Student, Test",tester\nAlice,alice\n', encoding="utf-8")
    assert load_roster(str(tmp_path / "roster.csv")).ids == ["tester", "alice"]
