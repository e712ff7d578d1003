"""Rewrite every `*.expected` file of the corpus from what backprop prints now.

Run from anywhere: python tests/corpus/regenerate.py. Then read the diff: each expected file is a
promise about a message a user sees, so only a reviewed improvement may change one.
"""
from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from backprop_cli.cli import main

CORPUS = Path(__file__).resolve().parent
SKIP = {"net.yaml", "batch.yaml"}  # valid specs the answers files point at


def cases():
    """(command, relative path) of every invalid input in the corpus."""
    for path in sorted((CORPUS / "specs").glob("*.yaml")):
        yield "grad", path.relative_to(CORPUS.parent)
    for path in sorted((CORPUS / "answers").glob("*.yaml")):
        if path.name not in SKIP:
            yield "check", path.relative_to(CORPUS.parent)


def run(command: str, path: Path):
    """Run one case from the tests folder, so that messages show `corpus/...` paths."""
    here = os.getcwd()
    os.chdir(CORPUS.parent)
    try:
        return CliRunner().invoke(main, [command, str(path)])
    finally:
        os.chdir(here)


if __name__ == "__main__":
    for command, path in cases():
        result = run(command, path)
        (CORPUS.parent / path).with_suffix(".expected").write_text(result.stderr, encoding="utf-8")
        print(f"{result.exit_code}  {path}")
