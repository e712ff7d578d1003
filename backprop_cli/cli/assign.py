"""`backprop assign`: every student's handout (their network and a blank answers file)."""
from __future__ import annotations

import click

from .options import roster_options


@click.command()
@click.argument("assignment", type=click.Path(dir_okay=False))
@roster_options
@click.option("-o", "--output", required=True, metavar="DIR", help="Where the handouts go: DIR/ID/net.yaml and "
              "DIR/ID/answers.yaml for each student.")
def assign(assignment, roster, roster_id, output):
    """Write each student's handout: their network and a blank answers file.

    With `personal:` in the assignment every student gets their own numbers (the
    same on every machine, from the seed and their id); else everyone gets the
    assignment's network, with every file it names copied beside it. answers.yaml
    holds `student: ID`, `spec: net.yaml`, the precision asked and every question
    with an empty value. Nothing is written unless every handout can be. Keep the
    assignment file itself out of the students' repositories: `backprop check
    --assignment` grades with it.

    \b
    Examples:
      backprop assign hw3.yaml -o handouts/                   (the assignment's roster:)
      backprop assign hw3.yaml --roster roster.csv -o handouts/

    Then `backprop key --assignment hw3.yaml --student alice` prints alice's key.
    """
    from ..api.grading import assign as write_handouts
    from ..api.grading import load_assignment

    loaded = load_assignment(assignment)
    students = write_handouts(loaded, roster, output, roster_id=roster_id)
    click.echo(f"wrote {len(students)} handout{'s' if len(students) != 1 else ''} in {output}"
               + (" (each with its own network)" if loaded.personal else ""))
