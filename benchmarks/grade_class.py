"""`backprop check` on a class in one call.

Shared network (default): 200 answer files of 12 answers each on the PadhAI notes' network, some
right, some with the notes' own mistakes, so the diagnoses run too (goal: well under two seconds).
--personal: 1,000 students of an assignment with `personal:` and a roster, each graded on their
own network (their handout written by `backprop assign`), with the text report (goal: at most
10 s, 500 MB; the wrong third write the notes' wrong numbers, made-up numbers on their networks, the
worst case for naming mistakes; with --own-mistakes they make the notes' mistakes on their own
networks instead); with --every-report also the JSON, the summary, JUnit, a gradebook in each format,
the GitHub annotations and job summary, at `feedback: diagnosis`, five roster students missing
and two strangers. Each run is timed beside a floor, every core running one fixed piece of work at
once: the class's time in floors compares runs made on days the machine runs at other speeds.
Run: python benchmarks/grade_class.py [--students 200] [--runs 3] [--personal [--every-report] [--own-mistakes]]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import checkout  # noqa: F401 - from a source checkout, the package beside it

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


ASSIGNMENT = """title: benchmark
personal:
  spec: net.yaml
  seed: bench
  weights: {from: -1, to: 1, decimals: 1}
  biases: {from: -0.5, to: 0.5, decimals: 1}
  input: {from: 0, to: 5, decimals: 0}
roster: roster.csv
questions:
""" + "".join(f"  - {{quantity: {q}, points: 1}}\n" for q in RIGHT)


def own_mistakes(result, rows: dict) -> dict:
    """The notes' four mistakes made on a student's own network: a12 written as z12 (the activation
    not applied), ∂L/∂w212 with the factor 2 lost, ∂L/∂w121 with its sign flipped, and w212 updated
    the wrong way on that halved gradient."""
    half = rows["dL/dw212"] / 2
    return {"a12": f"{rows['z12']:.4f}", "dL/dw212": f"{half:.4f}", "dL/dw121": f"{-rows['dL/dw121']:.4f}",
            "w212_new": f"{rows['w212'] + result.learning_rate * half:.4f}"}


def write_personal_class(directory: Path, students: int, own: bool = False) -> tuple[list[str], Path]:
    """Handouts by `backprop assign`, each answers file filled with its student's key (a third of
    them then given the notes' mistakes: the notes' own wrong numbers, made up on any other network;
    with `own`, the same mistakes made on the student's own network)."""
    (directory / "net.yaml").write_text(SPEC.read_text(encoding="utf-8"), encoding="utf-8")
    assignment = directory / "hw.yaml"
    assignment.write_text(ASSIGNMENT, encoding="utf-8")
    (directory / "roster.csv").write_text("id\n" + "".join(f"s{i:04d}\n" for i in range(students)))
    subprocess.run([sys.executable, "-m", "backprop_cli", "assign", str(assignment), "--roster",
                    str(directory / "roster.csv"), "-o", str(directory / "class")], check=True, capture_output=True)
    from backprop_cli.core.names import notation
    from backprop_cli.grading.assignment import load_assignment
    from backprop_cli.grading.key import key_values

    loaded = load_assignment(str(assignment))
    paths = []
    for i in range(students):
        _, result = loaded.network_for(f"s{i:04d}")
        rows = dict(key_values(result, [*RIGHT, "z12", "w212"], notation("default")))
        answers = {q: f"{rows[q]:.4f}" for q in RIGHT}
        if i % 3 == 0:
            answers.update(own_mistakes(result, rows) if own else WRONG)
        path = directory / "class" / f"s{i:04d}" / "answers.yaml"
        path.write_text("spec: net.yaml\nanswers:\n" + "".join(f"  {q}: {v}\n" for q, v in answers.items()))
        paths.append(str(path))
    return paths, assignment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--personal", action="store_true")
    parser.add_argument("--every-report", action="store_true")
    parser.add_argument("--own-mistakes", action="store_true",
                        help="with --personal: the wrong third make the notes' mistakes on their own networks")
    args = parser.parse_args()
    if args.personal:
        return personal(args.students or 1000, args.runs, args.every_report, args.own_mistakes)
    args.students = args.students or 200
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


# a fixed piece of work like grading's (small numpy arrays and Python between them), run on every core
# at once beside each run: the machine's speed swings by half within a day, its ratio to this less so
FLOOR = """
import numpy as np
a, s = np.linspace(0.1, 1.6, 16), 0.0
for i in range(60_000):
    b = np.where(a > 0.5, a * 1.5, a) + i
    s += float(b.sum()) % 7.0 + abs(i % 13 - 6) ** 0.5
"""


def floor_time() -> float:
    """Seconds for every core (2 here) to run FLOOR at once, each in its own process."""
    import os

    start = time.perf_counter()
    workers = [subprocess.Popen([sys.executable, "-c", FLOOR]) for _ in range(min(os.cpu_count() or 1, 8))]
    for worker in workers:
        worker.wait()
    return time.perf_counter() - start


def personal(students: int, runs: int, every_report: bool, own: bool = False) -> None:
    import os
    import resource

    with tempfile.TemporaryDirectory() as tmp:
        paths, assignment = write_personal_class(Path(tmp), students, own)
        command = [sys.executable, "-m", "backprop_cli", "check", "--assignment", str(assignment)]
        env = dict(os.environ)
        reports = "text report" + (", the wrong third's mistakes made on their own networks" if own else "")
        if every_report:
            paths = paths[5:]  # five roster students hand nothing in, two strangers do
            for stranger in ("s9999x", "mallory"):
                (Path(tmp) / "class" / stranger).mkdir()
                (Path(tmp) / "class" / stranger / "answers.yaml").write_text("answers:\n  loss: 0.1\n")
                paths.append(str(Path(tmp) / "class" / stranger / "answers.yaml"))
            out = Path(tmp) / "out"
            out.mkdir()
            command += ["--feedback", "diagnosis", "--summary", "--junit", str(out / "class.xml"),
                        "--gradebook", str(out / "grades.csv")]
            env.update(GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(out / "summary.md"))
            reports = "text, summary, JUnit, gradebook, annotations and job summary, at feedback: diagnosis"
        times, cpu, floors = [], [], []
        for _ in range(runs):
            floors.append(floor_time())
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run(command + paths, capture_output=True, text=True, env=env)
            times.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the run's workers are its children, waited for
            cpu.append(after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime)
        memory = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(done.stdout.strip().splitlines()[-1], f"(exit {done.returncode})")
        if every_report:  # the JSON and the other gradebook formats: one more call each is not needed
            json_run = subprocess.run(command + ["--format", "json"] + paths, capture_output=True, text=True, env=env)
            print(f"  JSON {len(json_run.stdout) / 1e6:.1f} MB, gradebook "
                  f"{len((out / 'grades.csv').read_text().splitlines()) - 1} rows, JUnit "
                  f"{(out / 'class.xml').stat().st_size / 1e6:.1f} MB")
        print(f"check --assignment, {students} personal networks and a roster in one call, {reports}: median "
              f"{statistics.median(times):.2f} s, best {min(times):.2f} s, peak {memory:.0f} MB"
              "   (goal: ≤ 10 s, ≤ 500 MB)")
        print(f"  CPU {statistics.median(cpu):.1f} s a run (median); the floor (every core running the same fixed "
              f"work at once) {statistics.median(floors):.2f} s: the class takes "
              f"{statistics.median(t / f for t, f in zip(times, floors)):.1f} floors (median of the runs' ratios)")


if __name__ == "__main__":
    main()
