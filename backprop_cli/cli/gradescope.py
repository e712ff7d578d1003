"""`backprop gradescope`: the autograder zip to upload to Gradescope for an assignment."""
from __future__ import annotations

import click

from .options import output_file


@click.command()
@click.argument("assignment", type=click.Path(dir_okay=False))
@output_file("-o", "--output", metavar="FILE.zip", required=True,
             help_text="The zip to write (replaced whole if it exists), e.g. autograder.zip.")
def gradescope(assignment, output):
    """Build the zip of a Gradescope autograder that grades an assignment.

    Upload the zip as the autograder of a Gradescope programming assignment;
    students submit their answers.yaml. It holds the assignment and every file
    it names (spec:, personal: spec:, the spec's matrix files, roster:), all of
    which must be in the assignment's folder; the backprop that made it; setup.sh
    (Python and the dependencies, once, when Gradescope builds the image); and
    run_autograder, which for each submission grades answers.yaml (at the top of
    the submission, else the one below it) for the student Gradescope names (their
    sid, else their e-mail before the @: a roster must use the same ids) and writes
    results.json, valid even when the submission cannot be read (score 0, and why).

    A personal assignment needs `roster:` (not --roster: the zip must hold it): its
    networks exist only for the students of a roster. To try the zip before
    uploading it, see "Gradescope" in the instructor's guide (AUTOGRADER_ROOT and
    PYTHON run it in a folder of your own).

    \b
    Examples:
      backprop gradescope hw3.yaml -o autograder.zip
      unzip -l autograder.zip          (setup.sh, run_autograder, assignment/, backprop_cli/)
    """
    from ..api.gradescope import gradescope_bundle

    names = gradescope_bundle(assignment, output)
    assignment_files = [n.split("/", 1)[1] for n in names if n.startswith("assignment/") and not n.endswith("/")]
    package = sum(n.startswith("backprop_cli/") for n in names)
    click.echo(f"wrote {output}: {', '.join(assignment_files)}, backprop ({package} files), setup.sh and "
               "run_autograder")
    click.echo("Upload it as the autograder of a Gradescope programming assignment (Configure Autograder, "
               "zip file upload).")
