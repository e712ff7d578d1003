"""Safe YAML reading: YAML 1.2 core-schema scalars, a source location for every value.

PyYAML composes the node tree (which never runs code); we turn nodes into plain Python
values ourselves, so no tag can construct an object, `010` is ten and `1e-3` is a number.
"""
from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from ..errors import Problem, SpecError, quote

# What any accepted file may hold, so that it loads in well under 2 s and 500 MB; larger matrices
# belong in .npy files. Nesting is checked on the text itself, before libyaml's composer (which
# recurses in C and would overflow the stack on 50,000 nested brackets) ever sees it.
MAX_TEXT_BYTES = 1_000_000
MAX_NEURONS = 100_000  # rows of a vector or matrix a spec holds (a layer's neurons)
MAX_PARAMETERS = 4_000_000  # 32 MB a copy in float64: a network this size loads and runs in well under 2 s
MAX_NODES = 50_000
MAX_DEPTH = 64  # nested [ / { levels, or `- ` / `? ` indicators starting one line
MAX_INDENT = 4 * MAX_DEPTH  # columns of indentation and indicators before a line's content
LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # what YAML counts as one line break
_BREAKS = "\r\n\x85\u2028\u2029"
_FLOAT_MAX_DIGITS = 400  # an integer this long is beyond float64 anyway: read it as inf, not int

_IMPLICIT = "backprop:implicit"
_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN_TAGS = {_IMPLICIT, _STR_TAG, "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}

# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution); the plain forms are
# sets and digit checks, not regular expressions: compiling nine of them cost every start-up
_NULL = {"", "null", "Null", "NULL", "~"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_DECIMAL, _OCTAL, _HEX = frozenset("0123456789"), frozenset("01234567"), frozenset("0123456789abcdefABCDEF")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INF = {".inf", ".Inf", ".INF"}
_NAN = {".nan", ".NaN", ".NAN"}

Path = tuple  # a key path into the document: ("layers", 0, "weights", 1, 2)
KEY = "<key>"  # path + (KEY,) locates the key itself rather than its value


class _Loader(Reader, Scanner, Parser, Composer, BaseResolver):
    """Composes nodes only; implicit tags are marked so that explicit ones can be refused."""

    def __init__(self, text: str):
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        BaseResolver.__init__(self)

    def resolve(self, _kind, _value, _implicit):
        return _IMPLICIT


try:  # libyaml's parser is about ten times faster; it builds the same nodes with the same marks
    from yaml.cyaml import CParser

    class _FastLoader(CParser, BaseResolver):
        """The C parser with the same implicit-tag marking as `_Loader`."""

        def __init__(self, text: str):
            CParser.__init__(self, text)
            BaseResolver.__init__(self)

        def resolve(self, _kind, _value, _implicit):
            return _IMPLICIT

    LOADER = _FastLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    LOADER = _Loader


class Document:
    """A YAML document as plain values, with where each value was written.

    A plain class rather than a dataclass (same fields, equality and repr): a dataclass compiles
    its generated methods at every start-up, and every spec is read through this one."""

    __match_args__ = ("file", "data", "locations", "texts", "text", "ends", "aliases")

    def __init__(self, file: str, data: Any, locations: dict[Path, tuple[int, int]] | None = None,
                 texts: dict[Path, str] | None = None, text: str = "",
                 ends: dict[Path, tuple[int, int]] | None = None, aliases: int = 0):
        self.file = file
        self.data = data
        self.locations = {} if locations is None else locations
        self.texts = {} if texts is None else texts  # a scalar as the user wrote it
        self.text = text  # the whole document as written
        self.ends = {} if ends is None else ends  # where each value ends
        self.aliases = aliases  # aliases met (one message says it, however many there are)
        self.repeats, self.repeated = None, []  # a mapping's path; its repeated (key, where, written): see parse

    def _fields(self) -> tuple:
        return self.file, self.data, self.locations, self.texts, self.text, self.ends, self.aliases

    def __eq__(self, other):
        return self._fields() == other._fields() if other.__class__ is self.__class__ else NotImplemented

    __hash__ = None  # mutable, as the dataclass was

    def __repr__(self) -> str:
        return (f"Document(file={self.file!r}, data={self.data!r}, locations={self.locations!r}, "
                f"texts={self.texts!r}, text={self.text!r}, ends={self.ends!r}, aliases={self.aliases!r})")

    def where(self, path: Path) -> tuple[int, int]:
        """Line and column of `path`, or of its nearest written ancestor."""
        while path not in self.locations and path:
            if path + (KEY,) in self.locations:  # an aliased value: its key is what was written here
                return self.locations[path + (KEY,)]
            path = path[:-1]
        return self.locations.get(path, (1, 1))

    def subdocument(self, prefix: Path) -> Document:
        """The value at `prefix` as a document of its own, keeping this file's locations."""
        n = len(prefix)
        data = self.data
        for key in prefix:
            data = data[key]
        return Document(self.file, data,
                        {p[n:]: at for p, at in self.locations.items() if p[:n] == prefix},
                        {p[n:]: t for p, t in self.texts.items() if p[:n] == prefix}, self.text,
                        {p[n:]: at for p, at in self.ends.items() if p[:n] == prefix})

    def problem(self, path: Path, message: str, hint: str = "", *, at_key: bool = False) -> Problem:
        line, column = self.where(path + (KEY,) if at_key and path + (KEY,) in self.locations else path)
        return Problem(self.file, line, column, message, hint)


def resolve_scalar(text: str) -> Any:
    """The YAML 1.2 core-schema value of a plain scalar."""
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    unsigned = text[1:] if text[0] in "+-" else text  # text is not "": that is null
    if unsigned and set(unsigned) <= _DECIMAL:
        # Python refuses to parse over 4,300 digits; a number that long is an overflow anyway
        return float(text) if len(text) > _FLOAT_MAX_DIGITS else int(text)
    if text[:2] == "0o" and len(text) > 2 and set(text[2:]) <= _OCTAL:
        return _int_or_inf(int(text[2:], 8))
    if text[:2] == "0x" and len(text) > 2 and set(text[2:]) <= _HEX:
        return _int_or_inf(int(text[2:], 16))
    if _FLOAT.fullmatch(text):
        try:
            return float(text)
        except OverflowError:  # pragma: no cover - float() returns inf instead
            return float("inf")
    if unsigned in _INF:
        return float("-inf") if text.startswith("-") else float("inf")
    if text in _NAN:
        return float("nan")
    return text


def _int_or_inf(value: int) -> int | float:
    return value if value.bit_length() <= 1024 else float("inf")


def as_float(value: Any) -> float | None:
    """A YAML number as float64 (±inf when it overflows); None for anything that is not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


def nesting_problem(text: str) -> tuple[int, int] | None:
    """Where the text nests deeper than MAX_DEPTH (line, column), or None."""
    # too few brackets to nest that deep, and no line begins with that many columns of indentation
    # and indicators (splitlines breaks at YAML's line breaks and a few more, so a line's beginning
    # is never missed): nothing can be too deep, and the character-by-character scan is skipped
    if text.count("[") + text.count("{") <= MAX_DEPTH and \
            max((len(line) - len(line.lstrip(" -?:\t")) for line in text.splitlines()), default=0) <= MAX_DEPTH:
        return None
    return scan_nesting(text)


def scan_nesting(text: str) -> tuple[int, int] | None:
    """nesting_problem character by character: a cheap scan that errs
    towards counting: a quote starts only where YAML starts a quoted scalar (after a space or an
    indicator, never inside a word), escapes inside quotes are honoured, and brackets inside
    quotes and comments do not count; anything unsure counts."""
    depth, line, line_start, quote = 0, 1, 0, ""
    indent, indicators, at_line_start, previous = 0, 0, True, "\n"
    i, size = 0, len(text)
    while i < size:
        char = text[i]
        if char == "\r" and text[i + 1:i + 2] == "\n":
            i += 1  # \r\n is one line break: the \n ends the line
            continue
        if char in _BREAKS:  # every break YAML knows, not only \n: a file may use \r alone
            line, line_start, indent, indicators, at_line_start, previous = line + 1, i + 1, 0, 0, True, "\n"
            if quote == "\n" or not depth:  # a comment ends; a quote left open is counted through
                quote = ""
            i += 1
            continue
        if quote == '"':
            if char == "\\":
                i += 1  # an escaped character, a quote included
            elif char == '"':
                quote = ""
        elif quote == "'":
            if char == "'":
                if text[i + 1:i + 2] == "'":
                    i += 1  # '' is a quote inside the quoted text
                else:
                    quote = ""
        elif quote:  # a comment
            pass
        elif char == "#" and previous in " \t\n":
            quote = "\n"
        elif char in "'\"" and previous in " \t\n:[{,-?":
            quote = char
        elif char in "[{":
            if depth or previous in " \t\n:-,?!":
                depth += 1
                if depth > MAX_DEPTH:
                    return line, i - line_start + 1
        elif char in "]}" and depth:
            depth -= 1
        if at_line_start:
            if char in " -?:\t":
                # block nesting needs a column of indentation per level, or an indicator (`- `, `? `)
                indent += 1
                indicators += char in "-?:"
                if indicators > MAX_DEPTH or indent > MAX_INDENT:
                    return line, i - line_start + 1
            else:
                at_line_start = False
        if char not in " \t" or previous not in " \t":
            previous = char
        i += 1
    return None


def decode(raw: bytes, file: str) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; a located error otherwise."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:  # the BOM by hand: the utf-8-sig codec is one more module every start-up would import
        encoding, raw = "utf-8", raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise SpecError([Problem(file, line, column,
                                 f"the file is not valid {encoding.upper()} text "
                                 f"(byte 0x{raw[exc.start]:02x})",
                                 "save the file as UTF-8 text")]) from None


def parse(text: str, file: str, repeats: Path | None = None) -> Document:
    """Parse one YAML document; raise SpecError with the location of any problem. A key repeated in
    the mapping at path `repeats` is no problem (an answers file's `answers:`: one answer's): its first
    value stands, unless left empty (a handout's blank), and each later one, checked as any value is,
    is kept in `repeated` as (key, where, what was written)."""
    if len(text) > MAX_TEXT_BYTES:
        raise SpecError([Problem(file, 1, 1, f"the file is too large (over {MAX_TEXT_BYTES:,} characters)",
                                 f"a spec holds at most {MAX_TEXT_BYTES:,} characters; "
                                 "put large matrices in .npy files: weights: {file: w1.npy}")])
    deep = nesting_problem(text)
    if deep is not None:
        raise SpecError([Problem(file, *deep, f"the document is nested or indented too deeply (over {MAX_DEPTH} "
                                 "levels here)", "a spec needs a few levels of lists and mappings")])
    loader = None
    try:
        loader = LOADER(text)  # the reader checks for forbidden characters right here
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or "invalid YAML"
        if exc.context and exc.problem:
            what = f"{exc.context}, {exc.problem}"
        lines = LINE_BREAK.split(text)
        if exc.problem == "could not find expected ':'" and exc.context_mark is not None:
            # the key without its colon is where the scanner started, not where it gave up
            key = exc.context_mark
            written = lines[key.line][key.column:].strip() if key.line < len(lines) else ""
            word, _, rest = written.partition(" ")
            raise SpecError([Problem(file, key.line + 1, key.column + 1,
                                     f"'{quote(written[:40])}' is missing the colon after its key",
                                     f"write `{quote(word[:30])}: {quote(rest.strip()[:30])}`" if rest.strip()
                                     else "a line of a mapping is `key: value`")]) from None
        from .syntax import syntax_hint  # (only a file that does not parse needs it)

        at = lines[mark.line][mark.column:] if mark.line < len(lines) else ""
        raise SpecError([Problem(file, mark.line + 1, mark.column + 1, f"YAML syntax: {what}",
                                 syntax_hint(what, at))]) from None
    except yaml.reader.ReaderError as exc:
        line, column = _position(text, exc.position)
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        raise SpecError([Problem(file, line, column,
                                 f"the file holds a control character YAML does not allow (U+{code:04X})",
                                 "remove control characters; save the file as plain UTF-8 text")]) from None
    except yaml.YAMLError as exc:
        raise SpecError([Problem(file, 1, 1, f"YAML: {quote(str(exc))}", "")]) from None
    except RecursionError:
        raise SpecError([Problem(file, 1, 1, "the document is nested too deeply",
                                 "a spec needs at most three levels of lists")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    doc = Document(file, None, text=text)
    doc.repeats = repeats
    if node is None:
        raise SpecError([Problem(file, 1, 1, "the file is empty",
                                 "a spec is a mapping with input, target, loss and layers; "
                                 "see `backprop examples`")])
    problems: list[Problem] = []
    try:
        lines = LINE_BREAK.split(text) if "&" in text else None  # only then can a value carry an anchor
        doc.data = _convert(node, (), doc, problems, set(), lines)
    except RecursionError:
        raise SpecError([Problem(file, 1, 1, "the document is nested too deeply",
                                 "a spec needs at most three levels of lists")]) from None
    if doc.aliases > 1:
        first = next(i for i, p in enumerate(problems) if p.message.startswith("anchors and aliases"))
        problems[first] = problems[first].replace(message=problems[first].message + f" ({doc.aliases} in this file)")
    if problems:
        raise SpecError(problems)
    return doc


def _position(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def _anchored(node, lines: list[str] | None) -> bool:
    """Whether the node is written with an anchor (`&name value`): its text starts with `&`."""
    if lines is None:
        return False
    line = lines[node.start_mark.line] if node.start_mark.line < len(lines) else ""
    return line[node.start_mark.column:node.start_mark.column + 1] == "&"


def _convert(node, path: Path, doc: Document, problems: list[Problem], seen: set[int], lines=None) -> Any:
    aliased = id(node) in seen  # an alias: the composer reuses the anchored node
    if not aliased:
        doc.locations[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        doc.ends[path] = (node.end_mark.line + 1, node.end_mark.column + 1)
    if aliased or _anchored(node, lines):
        # an anchor is refused alone too: no use in a spec, and step could not rewrite it in place
        doc.aliases += 1
        if doc.aliases == 1:
            problems.append(doc.problem(path, "anchors and aliases (&name, *name) are not allowed",
                                        "write the values out in full"))
        if aliased:
            return None
    seen.add(id(node))
    if len(seen) > MAX_NODES:
        raise SpecError([doc.problem(path, "the document has too many values",
                                     f"at most {MAX_NODES}; put large matrices in .npy files")])
    if node.tag not in _PLAIN_TAGS:
        shown = node.tag.replace("tag:yaml.org,2002:", "!!")
        problems.append(doc.problem(path, f"YAML tags such as '{quote(shown)}' are not allowed",
                                    "remove the tag (the word starting with !)"))
        return None
    if isinstance(node, ScalarNode):
        doc.texts[path] = node.value
        if not node.style and node.tag == _IMPLICIT:  # plain: None (Python parser) or "" (libyaml)
            return resolve_scalar(node.value)
        return node.value
    if isinstance(node, SequenceNode):
        return [_convert(item, path + (i,), doc, problems, seen, lines) for i, item in enumerate(node.value)]
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key_at = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key_node, ScalarNode):
                problems.append(Problem(doc.file, *key_at, "a key must be a plain word",
                                        "write keys such as `weights:` or `loss:`"))
                continue
            key = key_node.value
            child = path + (key,)
            if key in result and path == doc.repeats and result[key] is not None:  # kept for the reader
                _convert(value_node, aside := (*child, KEY, len(doc.repeated)), doc, problems, seen, lines)  # checked
                doc.repeated.append((key, key_at, doc.texts.get(aside, "")))
                continue
            if key in result and path != doc.repeats:  # (an empty first value at `repeats` gives way to this one)
                problems.append(Problem(doc.file, *key_at, f"duplicate key '{quote(key)}'", "write each key once"))
                continue
            doc.locations[child + (KEY,)] = key_at
            result[key] = _convert(value_node, child, doc, problems, seen, lines)
        return result
    raise AssertionError(f"unknown node {node!r}")  # pragma: no cover
