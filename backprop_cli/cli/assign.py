"""`backprop assign`: every student's handout (their network and a blank answers file)."""
from __future__ import annotations

import click

MAX_ROSTER = 10_000  # students one roster may list


def read_roster(path: str) -> list[str]:
    """The ids of a roster CSV: its `id` column, else its first; UsageError for a bad one."""
    import csv
    import io
    from pathlib import Path

    from ..errors import printable
    from ..grading.assignment import STUDENT_ID
    from ..spec.access import Unreadable, read_limited

    try:
        text = read_limited(Path(path), 8_000_000).decode("utf-8-sig")
    except (Unreadable, UnicodeDecodeError) as exc:
        raise click.BadParameter(f"'{path}': {exc}", param_hint="--roster") from None
    rows = [row for row in csv.reader(io.StringIO(text)) if row and any(cell.strip() for cell in row)]
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    column = header.index("id") if "id" in header else 0
    ids = [row[column].strip() if column < len(row) else "" for row in rows[1 if "id" in header else 0:]]
    if not ids:
        raise click.BadParameter(f"'{path}' lists no students", param_hint="--roster")
    if len(ids) > MAX_ROSTER:
        raise click.BadParameter(f"'{path}' lists {len(ids):,} students (at most {MAX_ROSTER:,})",
                                 param_hint="--roster")
    seen = set()
    for number, student in enumerate(ids, start=2 if "id" in header else 1):
        if not STUDENT_ID.fullmatch(student):
            raise click.BadParameter(f"{path}, row {number}: '{printable(student[:40])}' is not a student id "
                                     "(letters, digits and . _ @ -, at most 64, not starting with . or -)",
                                     param_hint="--roster")
        if student in seen:
            raise click.BadParameter(f"{path}, row {number}: {student} is listed twice", param_hint="--roster")
        seen.add(student)
    return ids


@click.command()
@click.argument("assignment", type=click.Path(dir_okay=False))
@click.option("--roster", required=True, metavar="FILE.csv", help="The students: the column `id`, else the first.")
@click.option("-o", "--output", required=True, metavar="DIR", help="Where the handouts go: DIR/ID/net.yaml and "
              "DIR/ID/answers.yaml for each student.")
def assign(assignment, roster, output):
    """Write each student's handout: their network and a blank answers file.

    With `personal:` in the assignment every student gets their own numbers (the
    same on every machine, from the seed and their id); else everyone gets the
    assignment's network. answers.yaml holds `student: ID`, `spec: net.yaml` and
    every question with an empty value. Keep the assignment file itself out of
    the students' repositories: `backprop check --assignment` grades with it.

    \\b
    Examples:
      backprop assign hw3.yaml --roster roster.csv -o handouts/
      backprop key --assignment hw3.yaml --student alice     (alice's answer key)
    """
    from pathlib import Path

    from ..files import write_atomic
    from ..grading.assignment import load_assignment
    from ..grading.personal import blank_answers

    students = read_roster(roster)
    loaded = load_assignment(assignment)
    base = Path(output)
    for student in students:
        if loaded.personal is not None:
            from ..grading.personal import personal_handout

            text = personal_handout(loaded, student)[0]
        else:
            text = loaded.spec.document.text
        folder = base / student
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise click.ClickException(f"cannot create {folder}: {exc.strerror}") from None
        write_atomic(folder / "net.yaml", text)
        write_atomic(folder / "answers.yaml", blank_answers(loaded, student))
    click.echo(f"wrote {len(students)} handout{'s' if len(students) != 1 else ''} in {output}"
               + (" (each with its own network)" if loaded.personal else ""))
