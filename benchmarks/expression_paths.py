"""`backprop trace --max-paths 5` on a 100-step formula h(k+1) = sin(h(k)) + cos(h(k)): 2^100 paths
from the output to x, counted exactly and the five largest found, end to end (whole process).

Goal: under 1 s. Printed beside the floor every command pays, a process that imports numpy,
yaml and click and exits, so that the ratio says what the expression work costs.
Run: python benchmarks/expression_paths.py [--runs 5] [--steps 100]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

import checkout  # noqa: F401 - from a source checkout, the package beside it


def median_seconds(command: list[str], runs: int) -> tuple[float, str]:
    times, out = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--steps", type=int, default=100)
    args = parser.parse_args()
    text = "h0 = x\n" + "\n".join(f"h{k + 1} = sin(h{k}) + cos(h{k})" for k in range(args.steps))
    trace = [sys.executable, "-m", "backprop_cli", "trace", "--expr", text, "--at", "x=0.3", "--max-paths", "5"]
    floor = [sys.executable, "-c", "import numpy, yaml, click"]
    for fmt in ("json", "text"):
        seconds, out = median_seconds(trace + ["--format", fmt, "--no-color"], args.runs)
        floor_seconds, _ = median_seconds(floor, args.runs)
        print(f"trace {args.steps}-step sin+cos, 5 largest paths ({fmt:4}): median {seconds * 1000:5.0f} ms   "
              f"floor {floor_seconds * 1000:4.0f} ms   ratio {seconds / floor_seconds:4.2f}   (goal: under 1000 ms)")
        if fmt == "json":
            x = json.loads(out)["inputs"][0]
            print(f"  paths to x: {x['path_count']} (= 2^{args.steps}: {x['path_count'] == 2 ** args.steps}); "
                  f"largest |product| {abs(x['paths'][0]['product']):.3g}; ∂y/∂x = {x['gradient']:.6g}")

    from backprop_cli.spec.expression import expression_from_text

    start = time.perf_counter()
    result = expression_from_text(text, {"x": 0.3}).compute()
    traced = result.trace("x", 5)
    print(f"parse, sweep and path search alone: {(time.perf_counter() - start) * 1000:.1f} ms for "
          f"{traced.path_count:.3g} paths")


if __name__ == "__main__":
    main()
