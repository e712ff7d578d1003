"""grading.roster, survivors of mutation sample 3: a heading row is told from an id even when one
student follows it."""
from backprop_cli.grading.roster import load_roster


def test_a_heading_over_a_single_student_is_a_heading(tmp_path):
    """`username` then `alice`: the first cell names a column, so the roster lists alice alone
    (read by the first column, named by its heading)."""
    path = tmp_path / "r.csv"
    path.write_text("username\nalice\n", encoding="utf-8")
    roster = load_roster(str(path))
    assert roster.ids == ["alice"] and roster.id_column == "username"
    path.write_text("First Name\nalice\n", encoding="utf-8")
    assert load_roster(str(path)).ids == ["alice"]
