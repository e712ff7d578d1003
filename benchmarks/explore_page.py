"""`backprop explore` against `backprop trace --format json` on the same spec, whole process, run
alternately; and the page's size. Goal: at most 1.3x the time, at most 300 kB (the 4-4-2 example).
Run: python benchmarks/explore_page.py [--runs 7] [--example padhai-4-4-2]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--example", default="padhai-4-4-2")
    args = parser.parse_args()
    base = [sys.executable, "-m", "backprop_cli"]
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "page.html"
        commands = {"trace --format json": base + ["trace", "--example", args.example, "--format", "json"],
                    "explore": base + ["explore", "--example", args.example, "-o", str(page)]}
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):  # alternately, so that a busy moment hits both
            for name, command in commands.items():
                start = time.perf_counter()
                subprocess.run(command, check=True, capture_output=True)
                times[name].append(time.perf_counter() - start)
        medians = {name: statistics.median(values) for name, values in times.items()}
        for name, value in medians.items():
            print(f"{name:20} median {value * 1000:5.0f} ms   best {min(times[name]) * 1000:5.0f} ms")
        print(f"ratio explore / trace json: {medians['explore'] / medians['trace --format json']:.2f} (goal ≤ 1.3)")
        print(f"page: {page.stat().st_size / 1000:.0f} kB (goal ≤ 300 kB)")


if __name__ == "__main__":
    main()
