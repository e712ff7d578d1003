"""grading.matching, the cases the mutation run found untested: a candidate that cannot be told from
the right answer is skipped without ending the search, a candidate with no code, the entries'
keys, and at most three sentences named when several match."""
from backprop_cli.grading.answers import Answer, Tolerance
from backprop_cli.grading.matching import matching
from backprop_cli.grading.quantities import parse_quantity


def answer(written: str) -> Answer:
    decimals = len(written.split(".")[1]) if "." in written else 0
    return Answer(parse_quantity("dL/dw111"), float(written), 3, 5, decimals, written)


def test_a_mistake_that_changes_nothing_does_not_stop_the_search():
    # 0.5 at 2 decimals is the right value itself: skipped; the next candidate still matches 0.25
    sentence, entries = matching([(0.5, "no change", "c0"), (0.25, "half the value", "c1")], answer("0.25"), 0.5,
                                 Tolerance())
    assert sentence == "Half the value."
    assert entries == [{"code": "c1", "text": "half the value"}]


def test_a_candidate_without_a_code_has_an_empty_code():
    _, entries = matching([(0.25, "half the value")], answer("0.25"), 0.5, Tolerance())
    assert entries == [{"code": "", "text": "half the value"}]


def test_of_four_matching_mistakes_three_are_named_and_all_four_listed():
    candidates = [(0.25, "one", "a"), (0.251, "two", "b"), (0.249, "three", "c"), (0.2501, "four", "d")]
    sentence, entries = matching(candidates, answer("0.25"), 0.5, Tolerance())
    assert sentence == "More than one known mistake gives this value: one; or two; or three."
    assert [e["code"] for e in entries] == ["a", "b", "c", "d"]
    assert [e["text"] for e in entries] == ["one", "two", "three", "four"]
