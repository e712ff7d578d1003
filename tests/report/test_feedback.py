"""report.feedback: what a student may see of a graded question at each feedback level."""
from types import SimpleNamespace

import pytest

from backprop_cli.report.feedback import (
    question_markdown,
    said_of,
    shows_diagnosis,
    shows_expected,
    shows_questions,
    verdict_text,
)


def answer(verdict="wrong", written="0.81", diagnosis="The sign is flipped."):
    return SimpleNamespace(verdict=verdict, answer=SimpleNamespace(written=written, given=0.81), expected=0.5,
                           accepted=(0.49, 0.51), diagnosis=diagnosis)


def test_feedback_keeps_code_spans_closed():
    r = SimpleNamespace(verdict="wrong", answer=SimpleNamespace(written="1`2\n", given=1.0), expected=0.5,
                        accepted=None, diagnosis="used w`s\x1b")
    # the diagnosis is Markdown-safe: its backquote and the backslash of \x1b are escaped, and so shown
    assert question_markdown(r, "full", 3) == "Given `1'2\\x0a`, expected `0.5`.\n\nused w\\`s\\\\x1b"


@pytest.mark.parametrize("level, said", [
    ("full", "Given `0.81`, expected `0.5`.\n\nAccepted: from `0.49` to `0.51`.\n\nThe sign is flipped."),
    ("diagnosis", "Given `0.81`: wrong.\n\nThe sign is flipped."),
    ("verdict", "Not right."),
    ("score", "Not right."),
])
def test_each_level_says_what_it_allows_and_no_more(level, said):
    assert question_markdown(answer(), level, 3) == said


def test_the_levels_in_order_show_less_and_less():
    levels = ("full", "diagnosis", "verdict", "score")
    assert [shows_expected(v) for v in levels] == [True, False, False, False]
    assert [shows_diagnosis(v) for v in levels] == [True, True, False, False]
    assert [shows_questions(v) for v in levels] == [True, True, True, False]


def test_a_verdict_below_diagnosis_is_right_or_not():
    assert verdict_text(answer("carried_forward"), "diagnosis") == "carried forward"
    assert verdict_text(answer("carried_forward"), "verdict") == "not right"
    assert verdict_text(answer("right"), "verdict") == "right"
    assert verdict_text(answer("not_answered"), "verdict") == "not answered"
    assert question_markdown(answer("not_answered"), "diagnosis", 3) == "Not answered."
    assert question_markdown(SimpleNamespace(verdict="unreadable", answer=None, diagnosis="write 0.35"),
                             "diagnosis", 3) == "Unreadable: write 0.35"


@pytest.mark.parametrize("level", ["full", "diagnosis", "verdict"])
def test_an_unreadable_value_is_said_so_with_how_to_write_it_at_every_level_with_questions(level):
    # `0,35` told only "not right" at `verdict` leaves a student with a right answer no way to see why:
    # the hint is about the student's own text, and tells nothing of the expected value
    unread = SimpleNamespace(verdict="unreadable", answer=None, diagnosis="not a number: '0,35'; write 0.35")
    assert question_markdown(unread, level, 3) == "Unreadable: not a number: '0,35'; write 0.35"
    assert verdict_text(unread, level) == "unreadable"
    assert said_of(unread, level) == "unreadable: not a number: '0,35'; write 0.35"
    assert said_of(answer("carried_forward"), level) == verdict_text(answer("carried_forward"), level)


def test_markdown_says_so_of_an_interval_far_wider_than_the_expected_value():
    # `1e308` for 0.082167 (Gradescope, the job summary): as the text report's "far wider than the true value"
    vast = SimpleNamespace(verdict="wrong", answer=SimpleNamespace(written="1e308", given=1e308),
                           expected=0.082167, accepted=(-5e299, 5e299), diagnosis=None)
    said = question_markdown(vast, "full", 6)
    assert said == ("Given `1e308`, expected `0.082167`.\n\n"
                    "Accepted: from `-5e+299` to `5e+299`, far wider than the expected value.")
    assert "far wider" not in question_markdown(answer(), "full", 3)  # an ordinary interval says it alone
    assert "far wider" not in question_markdown(vast, "diagnosis", 6)  # the expected value is not shown there
