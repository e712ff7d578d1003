"""A class roster: the students' ids from a CSV file (its `id` column, else its first)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import UsageError, printable
from ..spec.access import Unreadable, read_limited
from .assignment import STUDENT_ID

MAX_ROSTER = 10_000  # students one roster may list


def read_roster(path: str) -> list[str]:
    """The ids of a roster CSV: its `id` column, else its first; UsageError for a bad one."""
    try:
        text = read_limited(Path(path), 8_000_000).decode("utf-8-sig")
    except (Unreadable, UnicodeDecodeError) as exc:
        raise UsageError(f"--roster '{path}': {exc}") from None
    try:
        rows = [row for row in csv.reader(io.StringIO(text)) if row and any(cell.strip() for cell in row)]
    except csv.Error as exc:  # e.g. a cell past csv's field limit (131,072 characters)
        raise UsageError(f"--roster '{printable(path)}' is not a CSV file csv can read: {exc}") from None
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    column = header.index("id") if "id" in header else 0
    ids = [row[column].strip() if column < len(row) else "" for row in rows[1 if "id" in header else 0:]]
    if not ids:
        raise UsageError(f"--roster '{path}' lists no students")
    if len(ids) > MAX_ROSTER:
        raise UsageError(f"--roster '{path}' lists {len(ids):,} students (at most {MAX_ROSTER:,})")
    seen = set()
    for number, student in enumerate(ids, start=2 if "id" in header else 1):
        if not STUDENT_ID.fullmatch(student):
            raise UsageError(f"--roster {path}, row {number}: '{printable(student[:40])}' is not a student id "
                             "(letters, digits and . _ @ -, at most 64, not starting with . or -)")
        if student in seen:
            raise UsageError(f"--roster {path}, row {number}: {student} is listed twice")
        seen.add(student)
    return ids
