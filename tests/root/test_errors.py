"""backprop_cli.errors: printable/quote (terminal-safe user text), Problem's format, SpecError's order."""
import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_cli.errors import (
    QUOTE_LIMIT,
    BackpropError,
    NumericalError,
    Problem,
    SpecError,
    UsageError,
    printable,
    quote,
)


def test_printable_leaves_plain_text_alone():
    assert printable("weights: [0.1, 0.2] é → ŷ") == "weights: [0.1, 0.2] é → ŷ"


@pytest.mark.parametrize("text, shown", [
    ("a\nb", "a\\x0ab"),
    ("a\rb", "a\\x0db"),
    ("\x1b[31mred", "\\x1b[31mred"),
    ("tab\there", "tab\\x09here"),
    ("del\x7f", "del\\x7f"),
    ("c1\x85", "c1\\x85"),
    ("ls\u2028ps\u2029", "ls\\x2028ps\\x2029"),
    ("net \u202egnp.exe", "net \\x202egnp.exe"),  # a right-to-left override shown, not obeyed
    ("a\u2066b\u2069", "a\\x2066b\\x2069"),
    ("\x00", "\\x00"),
])
def test_printable_escapes_control_characters(text, shown):
    assert printable(text) == shown


def test_printable_defuses_workflow_commands():
    assert printable("::error file=x::boom") == "\\x3a:error file=x::boom"
    assert printable("##[error]boom") == "#\\x23[error]boom"
    assert printable("a ::b") == "a ::b"  # only a leading :: is a command
    # the runner trims leading white space, Unicode's too, before it reads a command
    assert printable(" ::stop-commands::x") == " \\x3a:stop-commands::x"
    assert printable("\u00a0\u3000::error::x") == "\u00a0\u3000\\x3a:error::x"


def test_printable_shows_undecodable_file_name_bytes():
    name = b"bad\xffname".decode("utf-8", "surrogateescape")
    shown = printable(name)
    assert shown == "bad\\udcffname"
    shown.encode("utf-8")  # a lone surrogate would make printing it fail


@settings(max_examples=50, deadline=None)
@given(st.text() | st.tuples(st.text(" \u00a0\u3000\u2003\u205f", max_size=3), st.text()).map(
    lambda parts: parts[0] + "::" + parts[1]))
@pytest.mark.slow
def test_printable_never_leaves_a_line_break_or_escape(text):
    shown = printable(text)
    assert not any(ch in shown for ch in "\n\r\x1b\x85\u2028\u2029\x00")
    assert not shown.lstrip().startswith("::")
    assert "##[" not in shown


def test_quote_limit_and_ellipsis():
    assert QUOTE_LIMIT == 60
    assert quote("x" * 60) == "x" * 60
    assert quote("x" * 61) == "x" * 59 + "…"
    assert quote("abcdef", 4) == "abc…"
    assert quote("a\nb") == "a\\x0ab"


@settings(max_examples=50, deadline=None)
@given(st.text(), st.integers(1, 80))
def test_quote_is_never_longer_than_its_limit(text, limit):
    assert len(quote(text, limit)) <= limit


def test_quote_huge_text():
    assert len(quote("9" * 10_000)) == QUOTE_LIMIT


def test_problem_str_with_and_without_hint():
    assert str(Problem("net.yaml", 3, 7, "unknown key 'lose'")) == "net.yaml:3:7: unknown key 'lose'"
    assert str(Problem("net.yaml", 3, 7, "bad", "did you mean 'loss'?")) == \
        "net.yaml:3:7: bad\n  hint: did you mean 'loss'?"


def test_problem_str_escapes_every_part():
    text = str(Problem("a\nb.yaml", 1, 2, "x\x1by", "h\ni"))
    assert text == "a\\x0ab.yaml:1:2: x\\x1by\n  hint: h\\x0ai"
    assert text.count("\n") == 1


def test_problem_is_frozen():
    problem = Problem("f", 1, 1, "m")
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.line = 2  # type: ignore[misc]


def test_spec_error_sorts_problems_in_file_order():
    problems = [Problem("b.yaml", 1, 1, "third"), Problem("a.yaml", 2, 1, "second"),
                Problem("a.yaml", 1, 5, "first-b"), Problem("a.yaml", 1, 2, "first-a")]
    error = SpecError(problems)
    assert [p.message for p in error.problems] == ["first-a", "first-b", "second", "third"]
    assert str(error) == "\n".join(str(p) for p in error.problems)
    assert str(error).splitlines()[0] == "a.yaml:1:2: first-a"


def test_error_hierarchy():
    for cls in (SpecError, UsageError, NumericalError):
        assert issubclass(cls, BackpropError)
    assert issubclass(BackpropError, Exception)
    assert not issubclass(UsageError, SpecError)


@pytest.mark.parametrize("text, shown", [
    ("![x](http://evil/a.png)", "\\!\\[x\\](http\\://evil/a.png)"),
    ("[click](javascript:x)", "\\[click\\](javascript:x)"),
    ("see www.evil.com", "see www\\.evil.com"), ("HTTPS://x.y/z", "HTTPS\\://x.y/z"),
    ("mail a@b.co", "mail a\\@b.co"), ("mailto:a", "mailto\\:a"), ("0.5 is right.", "0.5 is right."),
    ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"), ("a|b", "a\\|b"),
    ("**bold** _it_ `code` # h", "\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\# h"), ("&amp;", "&amp;amp;"),
    ("line\nbreak", "line\\\\x0abreak"),
])
def test_markdown_text_keeps_no_link_image_html_or_cell_of_a_students(text, shown):
    from backprop_cli.errors import markdown_text

    assert markdown_text(text) == shown
