"""Formula text -> core.graph.Graph, by a small parser of its own: the text is never evaluated as
Python (no eval, exec or compile). The grammar, one step per line (`name = formula`) or one formula:

    formula := term (('+' | '-') term)*
    term    := unary (('*' | '/') unary)*
    unary   := ('-' | '+') unary | power
    power   := atom (('^' | '**') unary)?          right-associative: 2^3^2 = 2^9, -x^2 = -(x^2)
    atom    := number | name | function '(' formula (',' formula)* ')' | '(' formula ')'

Nesting inside one formula is bounded (MAX_NESTING), so the recursion is; chains of named steps
are read line by line, so they are not.
"""
from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, replace

from ..core.graph import Graph, Node
from ..core.operations import ALIASES, CONSTANTS, FUNCTIONS, OPERATIONS

MAX_TEXT = 500_000  # characters of expression text: thousands of steps, not a megabyte
MAX_NESTING = 100  # parentheses, calls, unary signs and powers inside one another
MAX_NODES = 50_000
MAX_STEPS = 20_000
# names: ASCII letters, digits and _, and Greek letters (θ1) but π, which prints as the constant;
# numbers: ASCII digits only (Unicode digits such as ١٢ would print as something else)
_LETTER = "A-Za-z_\u0391-\u03a9\u03b1-\u03bf\u03c1-\u03c9"
_TOKEN = re.compile(r"[ \t]*(?:(?P<number>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
                    rf"|(?P<name>[{_LETTER}][{_LETTER}0-9]*)|(?P<op>\*\*|[-+*/^(),=]))")
LINE_BREAK = re.compile(r"\r\n|\r|\n")  # as YAML reads them
_ARITY = {name: OPERATIONS[name].arity for name in FUNCTIONS}


@dataclass
class FormulaError(ValueError):
    """Where (1-based line and column of the text) and what is wrong, and a hint."""

    line: int
    column: int
    message: str
    hint: str = ""
    refers: int = 0  # a column of the same line that the message names ("the '(' at column N")

    def __str__(self) -> str:
        return self.message

    def placed(self, column_in_file: int) -> str:
        """The message with the column it names as the file counts it (the formula may start
        further right in its file than in its own text)."""
        if not self.refers:
            return self.message
        return self.message.replace(f"at column {self.refers}", f"at column {column_in_file}", 1)


@dataclass
class _Token:
    kind: str  # number, name, op, end
    text: str
    column: int  # 1-based


def _tokens(line: str, number: int) -> list[_Token]:
    tokens, at = [], 0
    code = line.split("#", 1)[0].rstrip()
    while at < len(code):
        m = _TOKEN.match(code, at)
        if m is None or m.end() == at:
            # only what the pattern skips is skipped: any other blank (U+00A0, U+2028, \v) is the culprit
            bad = at + len(code[at:]) - len(code[at:].lstrip(" \t")) if code[at:].strip(" \t") else at
            char = code[bad]
            hint = _hint_for(char)
            raise FormulaError(number, bad + 1, f"unexpected '{char}' in the formula" if char.isprintable()
                               else f"unexpected character U+{ord(char):04X} in the formula", hint)
        kind = m.lastgroup
        tokens.append(_Token(kind, m.group(kind), m.start(kind) + 1))
        at = m.end()
    tokens.append(_Token("end", "", len(code) + 1))
    return tokens


def _hint_for(char: str) -> str:
    if char == ".":
        return "attributes (x.y) are not part of a formula; write numbers as 0.5 or .5"
    if char in "[]{}":
        return "lists, indexing and comprehensions are not part of a formula: use ( ) for grouping"
    if char in "'\"":
        return "a formula holds numbers and names, not text in quotes"
    if char == ":":
        return "lambdas and slices are not part of a formula"
    if char == ";":
        return "put each step on a line of its own (a newline, not ;)"
    return ("a formula holds numbers, names (letters a-z, Greek letters, digits and _), + - * / ^ ** ( ) and the "
            "functions " + ", ".join(FUNCTIONS))


def _keyword(line: int, token: _Token) -> FormulaError:
    return FormulaError(line, token.column, f"'{token.text}' is a Python keyword, not part of a formula",
                        "a formula holds numbers, names, operators and the functions " + ", ".join(FUNCTIONS))


class _Parser:
    """Parses the lines of one expression into one graph."""

    def __init__(self):
        self.graph = Graph()
        self.names: dict[str, int] = {}  # variable or step name -> node
        self.steps: set[str] = set()
        self.line = 1

    def node(self, node: Node) -> int:
        if len(self.graph.nodes) >= MAX_NODES:
            raise FormulaError(self.line, node.column, f"the expression has more than {MAX_NODES:,} operations",
                               "split it, or simplify it")
        node.line = self.line
        return self.graph.add(node)

    # -- one formula ---------------------------------------------------------------------
    def formula(self, tokens: list[_Token], at: int, depth: int) -> tuple[int, int]:
        return self._chain(tokens, at, depth, self.term, {"+": "add", "-": "sub"})

    def term(self, tokens, at, depth):
        return self._chain(tokens, at, depth, self.unary, {"*": "mul", "/": "div"})

    def _chain(self, tokens, at, depth, operand, operations: dict[str, str]):
        """operand (op operand)*, left-associative: a loop, so a long sum needs no recursion."""
        left, at = operand(tokens, at, depth)
        while tokens[at].text in operations:
            op = tokens[at]
            right, at = operand(tokens, at + 1, depth)
            left = self.node(Node("", operations[op.text], (left, right), column=op.column))
        return left, at

    def unary(self, tokens, at, depth):
        self.nest(tokens[at], depth)
        if tokens[at].text in ("-", "+"):
            sign = tokens[at]
            operand, at = self.unary(tokens, at + 1, depth + 1)
            if sign.text == "+":
                return operand, at
            return self.node(Node("", "neg", (operand,), column=sign.column)), at
        return self.power(tokens, at, depth)

    def power(self, tokens, at, depth):
        base, at = self.atom(tokens, at, depth)
        if tokens[at].text in ("^", "**"):
            op = tokens[at]
            exponent, at = self.unary(tokens, at + 1, depth + 1)
            if self.graph.nodes[base].name == "e" and self.graph.nodes[base].constant is not None:
                # e^h is exp(h): traced as e^h, not through the general power's h·log(e)
                return self.node(Node("", "exp", (exponent,), column=op.column)), at
            return self.node(Node("", "pow", (base, exponent), column=op.column)), at
        return base, at

    def atom(self, tokens, at, depth):
        token = tokens[at]
        if token.kind == "number":
            value = float(token.text)
            if value == float("inf"):
                raise FormulaError(self.line, token.column, f"'{token.text[:20]}' is beyond float64",
                                   "write a number below 1.8e308")
            return self.node(Node(token.text, constant=value, column=token.column)), at + 1
        if token.kind == "name":
            if tokens[at + 1].text == "(":
                return self.call(tokens, at, depth)
            if token.text in FUNCTIONS or token.text in ALIASES:
                raise FormulaError(self.line, token.column, f"'{token.text}' is a function",
                                   f"call it: {token.text}(x)")
            if keyword.iskeyword(token.text):
                raise _keyword(self.line, token)
            if token.text in CONSTANTS:
                return self.node(Node(token.text, constant=CONSTANTS[token.text], column=token.column)), at + 1
            if token.text not in self.names:
                self.names[token.text] = self.node(Node(token.text, column=token.column))
            return self.names[token.text], at + 1
        if token.text == "(":
            self.nest(token, depth)
            inner, at = self.formula(tokens, at + 1, depth + 1)
            self.expect(tokens[at], ")", "a ')' to close the '(' at column " + str(token.column), token.column)
            return inner, at + 1
        raise FormulaError(self.line, token.column, "expected a number, a name or '('"
                           if token.kind != "end" else "the formula ends too early",
                           "e.g. x^2, exp(-x), (x + y)*z")

    def call(self, tokens, at, depth):
        name = tokens[at]
        if name.text in ALIASES:  # ln(x) is log(x)
            name = replace(name, text=ALIASES[name.text])
        if name.text not in FUNCTIONS:
            raise FormulaError(self.line, name.column, f"unknown function '{name.text[:40]}'",
                               "the functions are " + ", ".join(FUNCTIONS))
        self.nest(name, depth)
        args, at = [], at + 2
        while True:
            arg, at = self.formula(tokens, at, depth + 1)
            args.append(arg)
            if tokens[at].text != ",":
                break
            at += 1
        self.expect(tokens[at], ")", f"a ')' to close {name.text}(")
        if len(args) != _ARITY[name.text]:
            want = _ARITY[name.text]
            raise FormulaError(self.line, name.column, f"{name.text} takes {want} argument{'s' if want != 1 else ''}, "
                               f"not {len(args)}", f"write {name.text}(a, b)" if want == 2 else f"write {name.text}(x)")
        return self.node(Node("", name.text, tuple(args), column=name.column)), at + 1

    def nest(self, token: _Token, depth: int) -> None:
        if depth >= MAX_NESTING:
            raise FormulaError(self.line, token.column, f"the formula nests more than {MAX_NESTING} levels deep",
                               "name the inner parts as steps, one per line: h1 = ..., h2 = ...")

    def expect(self, token: _Token, text: str, what: str, refers: int = 0) -> None:
        if token.text != text:
            found = f"'{token.text}'" if token.kind != "end" else "the end of the line"
            raise FormulaError(self.line, token.column, f"expected {what}, found {found}",
                               "check the parentheses and the operators between terms", refers)

    # -- steps ------------------------------------------------------------------------------
    def step(self, line: str, number: int, named: bool) -> None:
        self.line = number
        tokens = _tokens(line, number)
        name = None
        if named:
            if len(tokens) < 3 or tokens[0].kind != "name" or tokens[1].text != "=":
                raise FormulaError(number, tokens[0].column, "expected a step: name = formula",
                                   "with several lines, each is a named step, e.g. h1 = x^2; the last is the output")
            name = tokens[0]
            self.check_step_name(name)
            tokens = tokens[2:]
        root, at = self.formula(tokens, 0, 0)
        if tokens[at].kind != "end":
            extra = tokens[at]
            hint = ("one step per line" if extra.text == "=" else
                    "put an operator between the two: x*y, not x y")
            raise FormulaError(number, extra.column, f"unexpected '{extra.text[:40]}' after the formula", hint)
        if name is not None:
            if name.text in self.names:  # it was read as a variable of its own formula: y = y + 1
                raise FormulaError(number, name.column, f"the step '{name.text}' uses its own name",
                                   "a step is computed from names defined before it; use another name")
            self.name_step(root, name.text, name.column)

    def check_step_name(self, name: _Token) -> None:
        if keyword.iskeyword(name.text):
            raise _keyword(self.line, name)
        if name.text in FUNCTIONS or name.text in ALIASES or name.text in CONSTANTS:
            raise FormulaError(self.line, name.column, f"'{name.text}' is a function or constant, not a step name",
                               "choose another name, e.g. h1")
        if name.text in self.steps:
            raise FormulaError(self.line, name.column, f"'{name.text}' is already a step",
                               "each step gets a name of its own")
        if name.text in self.names:
            raise FormulaError(self.line, name.column, f"'{name.text}' is used before this step defines it",
                               "put the steps in order: a step comes before any step using it")

    def name_step(self, root: int, name: str, column: int) -> None:
        node = self.graph.nodes[root]
        if node.op is None or node.name:  # a variable, constant or another step: a step of its own
            root = self.node(Node("", "same", (root,), column=column))
            node = self.graph.nodes[root]
        node.name = name
        self.names[name] = root
        self.steps.add(name)

    def finish(self, named: bool) -> Graph:
        graph = self.graph
        output = graph.output
        if not named:  # one formula: its result is y (f, or out, when those are its variables; else f2, f3, ...)
            out_name = next(n for n in ("y", "f", "out", "output", *(f"f{i}" for i in range(2, len(self.names) + 3)))
                            if n not in self.names)
            if graph.nodes[output].op is None:
                output = self.node(Node("", "same", (output,)))
            graph.nodes[output].name = out_name
            self.names[out_name] = output
        elif output != self.names.get(graph.nodes[output].name):
            raise AssertionError("the last node is the last step")  # pragma: no cover
        taken, count = set(self.names), 0
        for node in graph.nodes:  # unnamed intermediate results: h1, h2, ... in evaluation order
            if node.op is not None and not node.name:
                count += 1
                while f"h{count}" in taken:
                    count += 1
                node.name = f"h{count}"
        if named:
            graph.steps = frozenset(self.steps)
        return graph


def parse_expression(text: str) -> Graph:
    """The graph of `text` (one formula, or named steps one per line); FormulaError on the first
    problem, located by line and column of `text`."""
    if len(text) > MAX_TEXT:
        raise FormulaError(1, 1, f"the expression is {len(text):,} characters long", f"at most {MAX_TEXT:,}")
    lines = [(n, line) for n, line in enumerate(LINE_BREAK.split(text), start=1) if line.split("#", 1)[0].strip()]
    if not lines:
        raise FormulaError(1, 1, "the expression is empty", "write a formula such as exp(x^2), or steps h1 = x^2")
    if len(lines) > MAX_STEPS:
        raise FormulaError(lines[MAX_STEPS][0], 1, f"more than {MAX_STEPS:,} steps", "split the expression")
    named = len(lines) > 1 or re.match(rf"[ \t]*[{_LETTER}][{_LETTER}0-9]*[ \t]*=", lines[0][1]) is not None
    parser = _Parser()
    for number, line in lines:
        parser.step(line, number, named)
    return parser.finish(named)
