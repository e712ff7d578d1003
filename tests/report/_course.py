"""A small class graded through the API, for the tests of the reports that present it (not a test module)."""
import io
import os
from pathlib import Path

import yaml
from conftest import SPECS

from backprop_cli.api import grading as G
from backprop_cli.api.computing import load_spec
from backprop_cli.report.text import make_console

QUESTIONS = "questions:\n  - {quantity: a12, points: 1}\n  - {quantity: dL/dz21, points: 2}\n" \
            "  - {quantity: dL/dw212, points: 2}\n"


def class_run(folder: Path, students=("alice", "bob", "=cmd"), invalid=("nobody",)):
    """alice answers everything right, bob gets a12 wrong and leaves dL/dw212 out; the third's
    folder is named like a spreadsheet formula, not a student id (invalid); `invalid` students
    have no file at all."""
    (folder / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "hw.yaml").write_text('title: "HW | 3 <b>"\nspec: net.yaml\n' + QUESTIONS, encoding="utf-8")
    key = yaml.safe_load(G.key(load_spec(folder / "net.yaml"), ["a12", "dL/dz21", "dL/dw212"], decimals=4))
    key = key["answers"]
    answers = {students[0]: key, students[1]: {"a12": key["a12"] + 1, "dL/dz21": key["dL/dz21"]},
               students[2]: key}
    paths = []
    for student, given in answers.items():
        (folder / student).mkdir()
        lines = "".join(f"  {q}: {v}\n" for q, v in given.items())
        (folder / student / "answers.yaml").write_text(f"spec: net.yaml\nanswers:\n{lines}", encoding="utf-8")
        (folder / student / "net.yaml").write_text((folder / "net.yaml").read_text())
        paths.append(str(folder / student / "answers.yaml"))
    paths += [str(folder / name / "answers.yaml") for name in invalid]
    here = os.getcwd()
    os.chdir(folder)
    try:
        return G.check_class("hw.yaml", [os.path.relpath(p, folder) for p in paths])
    finally:
        os.chdir(here)


def plain(renderable, width=200) -> str:
    """A rich renderable as plain text."""
    out = io.StringIO()
    make_console(no_color=True, file=out, width=width).print(renderable)
    return out.getvalue()
