"""grading.assignment, survivors of mutation sample 3: a personal range's grid lays out no value
outside from..to, even when from..to holds no grid point at all."""
import numpy as np

from backprop_cli.grading.assignment import Range


def test_an_empty_grid_lays_out_no_value():
    """0.11..0.19 at 1 decimal holds no grid point (0.1 and 0.2 are outside): grid() gives no value."""
    empty = Range(0.11, 0.19, 1)
    assert empty.values() == 0
    laid = empty.grid(np.array([0, 5, 7], dtype=np.uint64))
    assert laid is None or all(0.11 <= value <= 0.19 for value in laid)


def test_a_grid_lays_out_its_values_within_from_to():
    """0.1..0.3 at 1 decimal: the points 0.1, 0.2, 0.3, drawn modulo 3."""
    assert Range(0.1, 0.3, 1).grid(np.array([0, 1, 2, 3, 7], dtype=np.uint64)).tolist() == [0.1, 0.2, 0.3, 0.1, 0.2]
