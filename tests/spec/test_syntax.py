"""spec.syntax: the hint for each kind of YAML syntax error, from what the parser says and the line
from where it stopped (tests/spec/test_yamlsafe.py checks them on whole files)."""
import pytest

from backprop_cli.spec.syntax import syntax_hint


@pytest.mark.parametrize("what, at, hint", [
    ("found a tab character that violates indentation", "b: 2", "indent with spaces, not tabs"),
    ("while scanning a plain scalar", "\tb: 2", "indent with spaces, not tabs"),
    ("block sequence entries are not allowed in this context", "- 0.25  # mine",
     "'- ' starts a list: write a negative number with no space after its minus sign (-0.25)"),
    ("block sequence entries are not allowed in this context", "-   .5", "'- ' starts a list: write a negative "
     "number with no space after its minus sign (-.5)"),
    # a list item that is no number gets the general hint: it is not a minus sign gone astray
    ("block sequence entries are not allowed in this context", "- x", "check the indentation and brackets just "
     "before this point"),
    ("mapping values are not allowed in this context", "c", "a value with ': ' in it needs quotes, or a key is "
     "missing its indentation"),
    ("did not find expected ',' or ']'", "", "close every [ with ] and separate numbers with commas: [0.1, 0.2]"),
    ("expected <block end>, but found '<scalar>'", "x", "check the indentation and brackets just before this point"),
])
def test_each_syntax_error_gets_its_hint(what, at, hint):
    assert syntax_hint(what, at) == hint


def test_the_number_quoted_back_is_made_printable():
    assert "\x1b" not in syntax_hint("block sequence entries are not allowed", "- 1\x1b[31m")
