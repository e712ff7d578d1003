"""Writing YAML by hand, the one place it is done (a rewritten spec, a personal handout, an answer
key): numbers and lists of numbers that read back exactly, and strings that read back as written."""
from __future__ import annotations

from ..core.numbers import exact

# characters a YAML stream may hold as they are (YAML 1.1's printable set, as PyYAML reads it),
# less the BOM and the line breaks PyYAML folds inside a quoted scalar (NEL, LS, PS)
_RAW = ((0xA0, 0xD7FF), (0xE000, 0xFFFD), (0x10000, 0x10FFFF))
_FOLDED = {0x85, 0x2028, 0x2029, 0xFEFF}
_SHORT = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def flow_list(values) -> str:
    """[1.5, -0.25, ...]: every number as exact() writes it, so that it reads back the same float."""
    return "[" + ", ".join(exact(v) for v in values) + "]"


def string(text: str, *, ascii_only: bool = False) -> str:
    """`text` as a double-quoted YAML string: any character, a line break, a colon or a quote
    inside reads back as written (what YAML may not hold raw is escaped; `ascii_only`: all but
    printable ASCII)."""
    out = []
    for char in text:
        code = ord(char)
        if char in _SHORT:
            out.append(_SHORT[char])
        elif 0x20 <= code <= 0x7E or (not ascii_only and code not in _FOLDED
                                       and any(low <= code <= high for low, high in _RAW)):
            out.append(char)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'

