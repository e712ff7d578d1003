"""`backprop check` on a class of 200 answer files in one call (goal: well under two seconds).

Each student's file holds 12 answers on the PadhAI notes' network, some right, some with the notes'
own mistakes, so the diagnoses run too.
Run: python benchmarks/grade_class.py [--students 200] [--runs 3]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SPEC = Path(__file__).resolve().parent.parent / "specs" / "padhai-4-4-2.yaml"
RIGHT = {"loss": "0.1055", "z13": "2.1", "a12": "0.8022", "dL/dz21": "-0.1625", "dL/dw212": "-0.1304",
         "dL/dw131": "0.0032", "dL/dw121": "-0.0309", "dL/db21": "-0.1625", "w212_new": "0.9304",
         "w131_new": "-0.3032", "w222_new": "0.0696", "b21_new": "0.1625"}
WRONG = {"dL/dw212": "-0.0652", "a12": "1.4", "w212_new": "0.6696", "dL/dw121": "0.0309"}


def write_class(directory: Path, students: int) -> list[str]:
    """One folder per student, each with its own copy of the network (a submission may only name
    files inside its folder), so every spec is loaded: the worst case for a class."""
    paths = []
    for i in range(students):
        folder = directory / f"student{i:03d}"
        folder.mkdir()
        answers = dict(RIGHT)
        if i % 3 == 0:
            answers.update(WRONG)
        (folder / "net.yaml").write_text(SPEC.read_text(encoding="utf-8"), encoding="utf-8")
        lines = ["spec: net.yaml", "answers:"] + [f"  {q}: {v}" for q, v in answers.items()]
        (folder / "answers.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(str(folder / "answers.yaml"))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_class(Path(tmp), args.students)
        command = [sys.executable, "-m", "backprop_cli", "check", *paths, "--quiet", "--junit",
                   str(Path(tmp) / "report.xml")]
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
        print(done.stdout.strip().splitlines()[-1], f"(exit {done.returncode})")
        print(f"check, {args.students} files in one call: median {statistics.median(times):.2f} s, "
              f"best {min(times):.2f} s   (goal: well under 2 s)")


if __name__ == "__main__":
    main()
