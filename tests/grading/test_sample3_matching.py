"""grading.matching, survivors of mutation sample 3: a value is matched with a mistaken pass's
interval within half a unit (and its 1e-9 slack) on either side, both edges included."""
from backprop_cli.grading.answers import Answer, Tolerance
from backprop_cli.grading.matching import matching
from backprop_cli.grading.quantities import parse_quantity


def given(value: float) -> Answer:
    return Answer(parse_quantity("dL/dw111"), value, 3, 5, 1, "0.2")


def test_the_mistaken_interval_is_matched_up_to_both_edges_inclusive():
    """At 1 decimal (half a unit 0.05) a slip reaching 0.1..0.2 is matched from 0.1 − 0.05·(1 + 1e-9)
    to 0.2 + 0.05·(1 + 1e-9), each edge itself included; just past either edge, not."""
    candidates = [(0.15, "a slip", "slip", (0.1, 0.2))]
    edge = 0.05 * (1 + 1e-9)
    for value in (0.1 - edge, 0.2 + edge):
        assert matching(candidates, given(value), 0.5, Tolerance())[0] == "A slip."
    for value in (0.1 - edge - 1e-6, 0.2 + edge + 1e-6):
        assert matching(candidates, given(value), 0.5, Tolerance()) == (None, [])
