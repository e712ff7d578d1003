"""Start-up of `backprop grad --format json` against the floor `python -c "import numpy, yaml, click"`.

Goal: at most 1.3× the floor. Also confirms the JSON path never imports rich.
Run: python benchmarks/startup.py [--runs 20]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

FLOOR = [sys.executable, "-c", "import numpy, yaml, click"]
GRAD_JSON = [sys.executable, "-c",
             "import sys; sys.argv = ['backprop', 'grad', '--example', 'padhai-4-4-2', '--format', 'json'];"
             "from backprop_cli.cli import main; main()"]
NO_RICH = [sys.executable, "-c",
           "import sys, io, contextlib; sys.argv = ['backprop', 'grad', '--example', 'padhai-4-4-2', '--format', 'json'];"
           "from backprop_cli.cli import main\n"
           "with contextlib.redirect_stdout(io.StringIO()):\n"
           "    try: main()\n"
           "    except SystemExit: pass\n"
           "print('rich' in sys.modules)"]


def best_and_median(command: list[str], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    best_and_median(GRAD_JSON, 2)  # warm the file cache and .pyc files
    floor = best_and_median(FLOOR, runs)
    grad = best_and_median(GRAD_JSON, runs)
    rich = subprocess.run(NO_RICH, check=True, capture_output=True, text=True).stdout.strip()
    print(f"floor  import numpy, yaml, click : best {floor[0] * 1000:6.1f} ms  median {floor[1] * 1000:6.1f} ms")
    print(f"backprop grad --format json   : best {grad[0] * 1000:6.1f} ms  median {grad[1] * 1000:6.1f} ms")
    print(f"ratio (median)                : {grad[1] / floor[1]:.2f}x   (goal <= 1.30x)")
    print(f"rich imported on the JSON path: {rich}")


if __name__ == "__main__":
    main()
