"""Rewrite every expected-output file from what backprop prints now: the corpus's `*.expected`
messages and the `snapshots/` reports.

Run from anywhere: python tests/regenerate.py. Then read the diff: each file is a promise about
what a user sees, so only a reviewed improvement may change one.
"""
from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from backprop_cli.cli import main

TESTS = Path(__file__).resolve().parent
CORPUS = TESTS / "corpus"
SNAPSHOTS = TESTS / "snapshots"
VALID = {"net.yaml", "batch.yaml"}  # valid specs the corpus's answers files point at


def corpus_cases():
    """(command, path relative to tests/) of every invalid input in the corpus, sorted."""
    for path in sorted((CORPUS / "specs").glob("*.yaml")):
        yield "grad", path.relative_to(TESTS)
    for path in sorted((CORPUS / "answers").glob("*.yaml")):
        if path.name not in VALID:
            yield "check", path.relative_to(TESTS)


def verdict_cases():
    """Paths (relative to tests/) of answers files whose bad answers get verdicts of their own
    (unreadable, not_graded) while the rest of the file is graded."""
    for path in sorted((CORPUS / "verdicts").glob("*.yaml")):
        if path.name not in VALID:
            yield path.relative_to(TESTS)


def run_case(command: str, path: Path):
    """Run one case from tests/, so that messages show `corpus/...` paths."""
    here = os.getcwd()
    os.chdir(TESTS)
    try:
        return CliRunner().invoke(main, [command, str(path), *(["--no-color"] if command == "check" else [])])
    finally:
        os.chdir(here)


def trace_snapshot() -> str:
    """What `backprop trace --example padhai-4-4-2 -w w212` prints when not a terminal (never wrapped)."""
    result = CliRunner().invoke(main, ["trace", "--example", "padhai-4-4-2", "-w", "w212"])
    assert result.exit_code == 0, result.output
    return "\n".join(line.rstrip() for line in result.stdout.splitlines()) + "\n"


SNAPSHOT_MAKERS = {"trace-padhai-w212.txt": trace_snapshot}


if __name__ == "__main__":
    for command, path in corpus_cases():
        result = run_case(command, path)
        (TESTS / path).with_suffix(".expected").write_text(result.stderr, encoding="utf-8")
        print(f"{result.exit_code}  {path}")
    for path in verdict_cases():
        result = run_case("check", path)
        (TESTS / path).with_suffix(".expected").write_text(result.stdout, encoding="utf-8")
        print(f"{result.exit_code}  {path}")
    for name, make in SNAPSHOT_MAKERS.items():
        (SNAPSHOTS / name).write_text(make(), encoding="utf-8")
        print(f"   snapshots/{name}")
