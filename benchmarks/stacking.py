"""A stage of catalogued mistakes made on stated values (grading.judging): stacked as one pass
(grading.stacked) against each mistake made alone, side by side, on networks from a tutorial's
4-4-2 up to a 60-60-4 batch of 60 (random sigmoid networks under squared error; the 12 single
mistakes, then their 62 pairs, on ∂L/∂w121). Stacking saves numpy's calls on a small network and
makes every row's arithmetic twice where rows differ: this sets grading.stacked.STACKED_UP_TO, the
pass size (grading.sharing.pass_size, in floats) past which each mistake is made alone.
Run: python benchmarks/stacking.py [--repeats 2]
"""
from __future__ import annotations

import argparse
import time

import checkout  # noqa: F401 - from a source checkout, the package beside it
import numpy as np

from backprop_cli.core.engine import run
from backprop_cli.core.functions import ACTIVATIONS, LOSSES
from backprop_cli.core.names import notation
from backprop_cli.core.network import Layer, Network
from backprop_cli.grading.intervals import MISTAKES, Reach
from backprop_cli.grading.possible import mistake_pairs
from backprop_cli.grading.quantities import parse_quantity
from backprop_cli.grading.rule import precision_of
from backprop_cli.grading.sharing import pass_size
from backprop_cli.grading.stacked import STACKED_UP_TO

SHAPES = [([4, 4, 2], 1), ([10, 10, 3], 8), ([20, 20, 4], 20), ([30, 30, 4], 20), ([30, 30, 4], 30),
          ([40, 40, 4], 40), ([60, 60, 4], 60)]


def network(sizes: list[int], batch: int, rng):
    layers = [Layer(rng.normal(size=(o, i)) * 0.5, rng.normal(size=o) * 0.1, ACTIVATIONS["sigmoid"])
              for i, o in zip(sizes, sizes[1:])]
    return run(Network(layers, LOSSES["squared_error"]), rng.normal(size=(batch, sizes[0])),
               rng.random((batch, sizes[-1])), 0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    precision = precision_of("0.0123")
    print(f"stacked / alone (CPU, best of {args.repeats}); stacked up to {STACKED_UP_TO:,} floats a pass")
    for sizes, batch in SHAPES:
        result = network(sizes, batch, rng)
        n = notation("default", result.network.names)
        q = parse_quantity("dL/dw121", n)
        ratios = []
        for group in (list(MISTAKES), mistake_pairs(list(MISTAKES))):
            best = {}
            for way in ("stacked", "alone") * args.repeats:
                carried = Reach(result, n, precision, {})
                carried.interval(q)
                start = time.process_time()
                if way == "stacked":
                    Reach(result, n, precision, {}, None, group, forward=carried).row_intervals(q)
                else:
                    for mistake in group:
                        Reach(result, n, precision, {}, None, mistake, forward=carried).interval(q)
                best[way] = min(best.get(way, float("inf")), time.process_time() - start)
            ratios.append(f"{len(group)} mistakes {best['stacked'] * 1000:7.1f} ms / {best['alone'] * 1000:7.1f} ms"
                          f" = {best['stacked'] / best['alone']:.2f}×")
        shape = "-".join(map(str, sizes))
        print(f"  {shape:>8}, batch {batch:2d}: {pass_size(result):7,} floats   " + "   ".join(ratios))


if __name__ == "__main__":
    main()
