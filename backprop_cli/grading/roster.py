"""A class roster: who may submit, from a CSV file (a spreadsheet's export, a Canvas gradebook
export, or a bare list of ids), and the roster's own columns, kept for the gradebook."""
from __future__ import annotations

import csv
import difflib
import io
import re
from pathlib import Path

from ..errors import UsageError, printable
from ..spec.access import Unreadable, read_limited

MAX_ROSTER = 10_000  # students one roster may list
MAX_COLUMNS = 1_000  # a roster row's cells: a spreadsheet export has tens; more is not a roster
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")  # also a folder name: no / and no ..
DEFAULT_ID = "id"
_POINTS_POSSIBLE = "points possible"
# first cells that head a column of ids rather than being one (spaces and _ left out)
_HEADINGS = {"name", "student", "students", "username", "user", "login", "loginid", "email", "emailaddress", "github",
             "githubusername", "sid", "studentid", "studentnumber", "handle", "identifier", "netid", "uid", "userid",
             "idnumber", "sisuserid", "sisloginid"}
_CANVAS_TEST_STUDENT = ("Student, Test", "Test Student")  # Canvas's own, in every export, with no SIS ids


class Roster:
    """The ids of the students, in the roster's order, and each one's row (header -> cell)."""

    # a Canvas gradebook export's first columns (its second row, "Points Possible", is no student)
    CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")

    def __init__(self, path: str, ids: list[str], header: list[str], rows: dict[str, dict[str, str]],
                 id_column: str):
        self.path, self.ids, self.header, self.rows, self.id_column = path, ids, header, rows, id_column
        self._folded = {student.lower(): student for student in ids}  # ids differ in more than case

    def __contains__(self, student: str) -> bool:
        return self.canonical(student) is not None

    def canonical(self, student: str) -> str | None:
        """The roster's own spelling of `student` (hw3-Alice's folder is alice), or None: not on it."""
        return self._folded.get(student.lower())

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        return f"<Roster {printable(self.path)}: {len(self.ids)} students by {self.id_column!r}>"

    def nearest(self, student: str, count: int = 3) -> list[str]:
        """The roster ids most like `student` (a typo, a prefix left on, another case)."""
        by_lower = {s.lower(): s for s in self.ids}
        close = difflib.get_close_matches(student.lower(), list(by_lower), n=count, cutoff=0.6)
        contained = [s for s in self.ids if s.lower() in student.lower() and s.lower() not in close]
        return ([by_lower[c] for c in close] + contained)[:count]

    @property
    def from_canvas(self) -> bool:
        """Whether this is a Canvas gradebook export (its columns can be written back)."""
        return all(column in self.header for column in self.CANVAS_COLUMNS)


def _a_heading(cell: str) -> bool:
    """A first cell that names a column ("First Name", "username") rather than being an id."""
    if cell.strip().lower().replace(" ", "").replace("_", "") in _HEADINGS:
        return True
    return not STUDENT_ID.fullmatch(cell) and bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9 _#().-]{0,63}", cell))


def load_roster(path: str, id_column: str | None = None) -> Roster:
    """A roster CSV read whole. The ids are the column `id_column` (given: it must be there),
    else the column `id`, else the first; a first row is a header when it names that column, or
    when its first cell is no student id ("First Name"). A Canvas export's "Points Possible" row
    is skipped. UsageError, naming the row, for a bad or repeated id."""
    try:
        text = read_limited(Path(path), 8_000_000).decode("utf-8-sig")
    except (Unreadable, UnicodeDecodeError) as exc:
        raise UsageError(f"--roster '{printable(path)}': {exc}") from None
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            if len(row) > MAX_COLUMNS:  # checked row by row: a million empty cells must not all be held
                raise UsageError(f"--roster {printable(path)}, row {len(rows) + 1}: {len(row):,} columns (at most "
                                 f"{MAX_COLUMNS:,}); a roster is a few columns, one row a student")
            if row and any(cell.strip() for cell in row):
                rows.append(row)
    except csv.Error as exc:  # e.g. a cell past csv's field limit (131,072 characters)
        raise UsageError(f"--roster '{printable(path)}' is not a CSV file csv can read: {exc}") from None
    header = [cell.strip() for cell in rows[0]] if rows else []
    lowered = [cell.lower() for cell in header]
    wanted = (id_column or DEFAULT_ID).strip().lower()
    if wanted in lowered:
        column, first = lowered.index(wanted), 1
    elif id_column is not None:
        raise UsageError(f"--roster {printable(path)} has no column '{printable(id_column)}'"
                         + (f" (its columns: {printable(', '.join(header))})" if header else "")
                         + "; give --roster-id (or `roster_id:`) one of them")
    else:
        column, first = 0, 1 if len(rows) > 1 and _a_heading(header[0]) else 0
    if first == 0:
        header = []
    canvas = all(column in header for column in Roster.CANVAS_COLUMNS)
    numbered = [(n, row) for n, row in enumerate(rows[first:], start=first + 1)
                if row[0].strip().lower() != _POINTS_POSSIBLE  # Canvas's second row: not a student
                and not (canvas and row[0].strip() in _CANVAS_TEST_STUDENT)]
    if not numbered:
        raise UsageError(f"--roster '{printable(path)}' lists no students")
    if len(numbered) > MAX_ROSTER:
        raise UsageError(f"--roster '{printable(path)}' lists {len(numbered):,} students (at most {MAX_ROSTER:,})")
    students, by_id, folded = [], {}, {}
    for number, row in numbered:
        student = row[column].strip() if column < len(row) else ""
        if not STUDENT_ID.fullmatch(student):
            raise UsageError(f"--roster {printable(path)}, row {number}: '{printable(student[:40])}' is not a student "
                             "id (letters, digits and . _ @ + -, at most 64, not starting with . or -)")
        if student.lower() in folded:  # ALICE and alice: one folder where case is not told apart
            twice = "" if student in by_id else f" (as {folded[student.lower()]})"
            raise UsageError(f"--roster {printable(path)}, row {number}: {student} is listed twice{twice}")
        folded[student.lower()] = student
        students.append(student)
        # the cells a gradebook writes back (a Canvas export's own); not every column of a wide export
        by_id[student] = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)
                          if name in Roster.CANVAS_COLUMNS or i == column}
    return Roster(str(path), students, header, by_id, header[column] if header else DEFAULT_ID)
