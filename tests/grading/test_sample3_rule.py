"""grading.rule, survivors of mutation sample 3: decimals_to_tell never looks past 17 decimals, the
most a key writes (key.MAX_FIXED), so from 17 no candidate is said to need more digits."""
from backprop_cli.grading.key import MAX_FIXED
from backprop_cli.grading.rule import decimals_to_tell


def test_from_the_most_decimals_no_candidate_needs_more():
    """1e-20 reads 0 at 16 and at 17 decimals, as a trivial 0 does: starting at 16 the 0 is what
    needed more digits; starting at 17 (MAX_FIXED) nothing more is tried, so none is named."""
    assert MAX_FIXED == 17
    assert decimals_to_tell(1e-20, [(0.0, "a trivial 0")], 16) == (17, "a trivial 0")
    assert decimals_to_tell(1e-20, [(0.0, "a trivial 0")], 17) == (17, "")
    assert decimals_to_tell(0.1234, [(0.1231, "a slip")], 2) == (4, "a slip")  # apart at 4 decimals


def test_a_candidate_is_confusable_only_when_it_rounds_to_the_same_digits():
    """0.1212 (0.12 at 2 decimals) against a slip of 0.126: the slip rounds to 0.13 (0.6 of a unit
    from 0.12), so 2 decimals tell them apart; against 0.124 (rounds to 0.12 too) it takes 3."""
    assert decimals_to_tell(0.1212, [(0.126, "a slip")], 2) == (2, "")
    assert decimals_to_tell(0.1212, [(0.124, "a slip")], 2) == (3, "a slip")
