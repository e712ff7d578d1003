"""Hints for YAML that does not parse: what the parser says, turned into what to write instead.
Asked only when a file fails to parse."""
from __future__ import annotations

import re

from ..errors import quote


def syntax_hint(what: str, at: str) -> str:
    """A hint for a YAML syntax error: `what` the parser says, `at` the line from where it stopped."""
    if at.startswith("\t") or "tab" in what:
        return "indent with spaces, not tabs"
    if "block sequence entries are not allowed" in what and re.match(r"-\s+[.\d]", at):
        number = re.match(r"-\s+([^\s#]*)", at).group(1)
        return f"'- ' starts a list: write a negative number with no space after its minus sign (-{quote(number)})"
    if "mapping values are not allowed" in what:
        return "a value with ': ' in it needs quotes, or a key is missing its indentation"
    if "expected ',' or ']'" in what or "flow sequence" in what:
        return "close every [ with ] and separate numbers with commas: [0.1, 0.2]"
    return "check the indentation and brackets just before this point"
