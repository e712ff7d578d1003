"""`backprop trace` on a 12-layer, 32-wide tanh network: the top 20 paths to w111, end to end.

Goal: well under a second. The network has 32^11 ≈ 3.6e16 paths to w111; none is enumerated.
Run: python benchmarks/deep_paths.py [--runs 5]
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
import numpy as np


def deep_spec(layers: int = 12, width: int = 32, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    lines = ["name: deep tanh", f"input: {rng.uniform(-1, 1, width).round(3).tolist()}",
             f"target: {rng.uniform(-1, 1, width).round(3).tolist()}", "loss: squared_error", "layers:"]
    for _ in range(layers):
        weights = rng.normal(0, 1 / width ** 0.5, (width, width)).round(4).tolist()
        lines += ["  - activation: tanh", f"    weights: {weights}"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "deep.yaml"
        spec.write_text(deep_spec())
        command = [sys.executable, "-m", "backprop_cli", "trace", str(spec), "--weight", "w111",
                   "--max-paths", "20"]
        outputs = {}
        for fmt in ("text", "json"):
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                out = subprocess.run(command + ["--format", fmt, "--no-color"], check=True, capture_output=True,
                                     text=True).stdout
                times.append(time.perf_counter() - start)
            outputs[fmt] = out
            print(f"trace 12x32 tanh, top 20 paths to w111 ({fmt:4}): median {statistics.median(times) * 1000:6.0f} ms"
                  f"   best {min(times) * 1000:6.0f} ms   (goal: well under 1000 ms)")
        print("the text report says:", *[l.strip() for l in outputs["text"].splitlines() if "more paths" in l])

        from backprop_cli import compute, load_spec
        from backprop_cli.core.names import notation
        from backprop_cli.core.paths import trace_parameter

        result = compute(load_spec(spec))
        start = time.perf_counter()
        traced = trace_parameter(result, "w111", notation("default"), 20)
        print(f"path search alone: {(time.perf_counter() - start) * 1000:.1f} ms for {traced.path_count:.3g} paths")


if __name__ == "__main__":
    main()
