"""Start-up of `backprop grad` against its import floor, side by side: `grad --format json`
against `python -c "import numpy, yaml, click"`, and `grad` (text) against the same floor plus
rich's console and table, which the text report needs.

Goals (the issue's): JSON at most 1.15× its floor, text at most 1.20×. Also confirms the JSON path
never imports rich.
Run: python benchmarks/startup.py [--runs 20]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import checkout  # noqa: F401 - from a source checkout, the package beside it

FLOOR = [sys.executable, "-c", "import numpy, yaml, click"]
TEXT_FLOOR = [sys.executable, "-c", "import numpy, yaml, click, rich.console, rich.table, rich.text"]
GRAD_JSON = [sys.executable, "-c",
             "import sys; sys.argv = ['backprop', 'grad', '--example', 'padhai-4-4-2', '--format', 'json'];"
             "from backprop_cli.cli import main; main()"]
GRAD_TEXT = [sys.executable, "-c",
             "import sys; sys.argv = ['backprop', 'grad', '--example', 'padhai-4-4-2'];"
             "from backprop_cli.cli import main; main()"]
NO_RICH = [sys.executable, "-c",
           "import sys, io, contextlib;"
           "sys.argv = ['backprop', 'grad', '--example', 'padhai-4-4-2', '--format', 'json'];"
           "from backprop_cli.cli import main\n"
           "with contextlib.redirect_stdout(io.StringIO()):\n"
           "    try: main()\n"
           "    except SystemExit: pass\n"
           "print('rich' in sys.modules)"]


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def alternating(first: list[str], second: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Both commands, run by run in turn, so that a busy moment of the machine hits both alike."""
    a, b = [], []
    for _ in range(runs):
        a.append(timed(first))
        b.append(timed(second))
    return a, b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40)
    runs = parser.parse_args().runs
    # pip compiles an installed package; an editable checkout under PYTHONDONTWRITEBYTECODE=1 would
    # recompile our modules on every start, which no installed user pays
    import compileall

    import backprop_cli

    compileall.compile_dir(str(Path(backprop_cli.__file__).parent), quiet=1)
    rich = subprocess.run(NO_RICH, check=True, capture_output=True, text=True).stdout.strip()
    for label, floor_command, command, goal in (("grad --format json", FLOOR, GRAD_JSON, 1.15),
                                                ("grad (text)", TEXT_FLOOR, GRAD_TEXT, 1.20)):
        alternating(floor_command, command, 2)  # warm the file cache
        floor_times, times = alternating(floor_command, command, runs)
        floor = min(floor_times), statistics.median(floor_times)
        ours = min(times), statistics.median(times)
        print(f"{label}: floor best {floor[0] * 1000:6.1f} ms median {floor[1] * 1000:6.1f} ms; "
              f"backprop best {ours[0] * 1000:6.1f} ms median {ours[1] * 1000:6.1f} ms")
        # each run against the floor's run just before it: a busy stretch of the machine slows both
        paired = statistics.median(t / f for t, f in zip(times, floor_times))
        print(f"  ratio median {ours[1] / floor[1]:.2f}x, best {ours[0] / floor[0]:.2f}x, paired median "
              f"{paired:.2f}x   (goal <= {goal:.2f}x)")
    print(f"rich imported on the JSON path: {rich}")


if __name__ == "__main__":
    main()
