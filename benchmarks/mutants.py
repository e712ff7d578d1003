"""A mutation run over grading/: how many small faults put into a module the quick tests catch.

Each mutant is the module with one change: a comparison (< and <=, == and !=, in and not in), an
arithmetic operator, `and` and `or`, a `not` dropped, an `if` negated, a constant moved (True and
False swapped, a number + 1 or × 1.5), min and max swapped. The mutant is written into a copy of
the repository (never this checkout) and the quick tests (`-m "not slow"`) run there; it is killed
when a test fails. With `--coverage`, each mutant first runs only the tests that execute its
statement (measured once, by coverage.py: `pip install coverage`), and only a survivor runs the
whole set; without it, every mutant runs the whole set (about 15 s each).
A survivor is listed with its line: a test the suite lacks, or a change that cannot show
(a cache's size, a boundary where both sides give the same value).
Run: python benchmarks/mutants.py stated possible [--tests tests/grading ...] [--coverage] [--log FILE]
"""
from __future__ import annotations

import argparse
import ast
import copy
import importlib.util
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ["tests/grading", "tests/test_judging.py", "tests/test_grading.py", "tests/test_reach.py"]
COMPARE = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
           ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
ARITHMETIC = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Mult,
              ast.Mod: ast.FloorDiv, ast.Pow: ast.Mult}
SWAPPED = {"min": "max", "max": "min", "minimum": "maximum", "maximum": "minimum", "any": "all", "all": "any"}


def docstrings(tree) -> set[int]:
    """The ids of the docstring constants (never mutated: a docstring changes nothing)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and \
                    isinstance(first.value.value, str):
                found.add(id(first.value))
    return found


def mutations(tree) -> list[tuple[str, int, int, tuple]]:
    """(what changes, line, the node's place in ast.walk order, how) of every mutant of `tree`."""
    skip, found = docstrings(tree), []
    for place, node in enumerate(ast.walk(tree)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Compare):
            found += [(f"{type(op).__name__} -> {COMPARE[type(op)].__name__}", line, place, ("compare", k))
                      for k, op in enumerate(node.ops) if type(op) in COMPARE]
        elif isinstance(node, ast.BinOp) and type(node.op) in ARITHMETIC:
            found.append((f"{type(node.op).__name__} -> {ARITHMETIC[type(node.op)].__name__}", line, place, ("op",)))
        elif isinstance(node, ast.BoolOp):
            found.append(("and <-> or", line, place, ("bool",)))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            found.append(("not dropped", line, place, ("not",)))
        elif isinstance(node, ast.If):
            found.append(("if negated", line, place, ("if",)))
        elif isinstance(node, ast.Constant) and id(node) not in skip and isinstance(node.value, (bool, int, float)):
            value = node.value
            new = (not value) if isinstance(value, bool) else value + 1 if isinstance(value, int) else \
                value * 1.5 if value else 1.0
            found.append((f"{value!r} -> {new!r}", line, place, ("constant", new)))
        elif isinstance(node, ast.Name) and node.id in ("min", "max"):
            found.append((f"{node.id} -> {SWAPPED[node.id]}", line, place, ("name", SWAPPED[node.id])))
        elif isinstance(node, ast.Attribute) and node.attr in SWAPPED:
            found.append((f".{node.attr} -> .{SWAPPED[node.attr]}", line, place, ("attribute", SWAPPED[node.attr])))
    return found


def mutant_source(tree, place: int, how: tuple) -> str:
    """The module's source with one mutation made (on a copy of the tree)."""
    tree = copy.deepcopy(tree)
    nodes = list(ast.walk(tree))
    node, kind = nodes[place], how[0]
    if kind == "compare":
        node.ops[how[1]] = COMPARE[type(node.ops[how[1]])]()
    elif kind == "op":
        node.op = ARITHMETIC[type(node.op)]()
    elif kind == "bool":
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif kind == "not":  # the operand in the UnaryOp's place
        for parent in nodes:
            for field, value in ast.iter_fields(parent):
                if value is node:
                    setattr(parent, field, node.operand)
                elif isinstance(value, list):
                    value[:] = [node.operand if item is node else item for item in value]
    elif kind == "if":
        node.test = ast.UnaryOp(op=ast.Not(), operand=node.test)
    elif kind == "constant":
        node.value = how[1]
    elif kind == "name":
        node.id = how[1]
    else:
        node.attr = how[1]
    return ast.unparse(ast.fix_missing_locations(tree))


def statement_lines(tree) -> dict[int, tuple[int, int]]:
    """For each node (by its ast.walk place), the lines of the innermost statement holding it."""
    spans, places = {}, {id(node): place for place, node in enumerate(ast.walk(tree))}

    def visit(node, statement):
        if isinstance(node, ast.stmt):
            statement = node
        spans[places[id(node)]] = (statement.lineno, statement.end_lineno) if statement else (0, 0)
        for child in ast.iter_child_nodes(node):
            visit(child, statement)

    visit(tree, None)
    return spans


def covering_tests(copy_root: Path, tests: list[str]) -> dict:
    """module file -> line -> the test node ids that execute it (one run under coverage.py)."""
    data_file = copy_root / ".coverage.mutants"
    rc = copy_root / ".coveragerc.mutants"
    rc.write_text(f"[run]\ndynamic_context = test_function\nsource = backprop_cli\ndata_file = {data_file}\n")
    subprocess.run([sys.executable, "-m", "coverage", "run", f"--rcfile={rc}", "-m", "pytest", "-q", "-p",
                    "no:cacheprovider", "-m", "not slow", *tests], cwd=copy_root, env=_env(copy_root),
                   capture_output=True, check=False)
    import coverage

    data = coverage.CoverageData(str(data_file))
    data.read()
    found = {}
    for measured in data.measured_files():
        by_line = data.contexts_by_lineno(measured)
        found[Path(measured).resolve()] = {line: {_node_id(copy_root, c) for c in contexts if c} - {None}
                                           for line, contexts in by_line.items()}
    return found


def _node_id(root: Path, context: str) -> str | None:
    """tests/grading/test_x.py::test_y from coverage's context grading.test_x.test_y."""
    parts = context.split(".")
    for split in range(len(parts) - 1, 0, -1):
        file = Path("tests", *parts[:split]).with_suffix(".py")
        if (root / file).exists():
            return f"{file.as_posix()}::{'::'.join(parts[split:])}"
    return None


def _env(root: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(root)}  # the copy's package, not an installed one


HANGS = 300  # seconds: the whole quick suite takes under a minute, so a run this long is a mutant's endless loop


def exit_code(root: Path, tests: list[str]) -> int:
    """pytest's exit code for the quick tests among `tests` in the copy (a run that hangs, as a
    mutated loop may: 1, a failure, once it has taken HANGS seconds)."""
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-m",
                               "not slow", *tests], cwd=root, env=_env(root), capture_output=True, check=False,
                              timeout=HANGS)
    except subprocess.TimeoutExpired:
        return 1
    return done.returncode


def run_module(root: Path, module: str, tests: list[str], coverage_of: dict | None, log,
               chosen=None) -> tuple[int, int]:
    """Runs `module`'s mutants (only those whose numbers `chosen(count)` returns, if given)."""
    path = root / "backprop_cli" / "grading" / f"{module}.py"
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    spans, lines = statement_lines(tree), (coverage_of or {}).get(path.resolve(), {})
    caught = 0
    mutants = mutations(tree)
    numbers = sorted(chosen(len(mutants))) if chosen else range(len(mutants))
    try:
        for number in numbers:
            what, line, place, how = mutants[number]
            path.write_text(mutant_source(tree, place, how), encoding="utf-8")
            first, last = spans[place]
            selected = sorted(set().union(*(lines.get(n, set()) for n in range(first, last + 1))))
            # the covering tests kill it only by failing (a test id they cannot find is no kill); the
            # whole set by any error too (a mutant that breaks an import stops the tests)
            dead = bool(selected) and exit_code(root, selected) == 1 or exit_code(root, tests) != 0
            caught += dead
            log.write(json.dumps({"module": module, "mutant": number, "line": line, "change": what,
                                  "killed": bool(dead)}) + "\n")
            log.flush()
            if not dead:
                print(f"  survived: {module}.py #{number} line {line}: {what}", flush=True)
    finally:
        path.write_text(source, encoding="utf-8")
    return caught, len(numbers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="+", help="modules of backprop_cli/grading, e.g. stated possible")
    parser.add_argument("--tests", nargs="+", default=TESTS, help="the tests a mutant must fail (quick ones run)")
    parser.add_argument("--coverage", action="store_true", help="run each mutant's covering tests first")
    parser.add_argument("--log", default=None, help="a JSON line per mutant is written here")
    parser.add_argument("--only", nargs="+", type=int, default=None, metavar="N",
                        help="only these mutants (the #N a survivor is listed with; one module)")
    parser.add_argument("--sample", type=float, default=None, metavar="FRACTION",
                        help="a random share of each module's mutants, e.g. 0.1 (an estimate of the rate)")
    parser.add_argument("--seed", type=int, default=0, help="the sample's seed")
    args = parser.parse_args()
    if args.only and len(args.modules) != 1:
        parser.error("--only names mutants of one module")
    if args.sample is not None and not 0 < args.sample <= 1:
        parser.error("--sample is a fraction in (0, 1]")
    chosen = None
    if args.only:
        def chosen(count):
            wrong = [n for n in args.only if not 0 <= n < count]
            if wrong:
                sys.exit(f"{args.modules[0]}.py has mutants #0 to #{count - 1}, not {wrong}")
            return set(args.only)
    elif args.sample is not None:
        picker = random.Random(args.seed)

        def chosen(count):
            return picker.sample(range(count), max(1, round(args.sample * count)))
    if args.coverage and importlib.util.find_spec("coverage") is None:  # before the copy and the long first run
        parser.error("--coverage needs coverage.py: pip install coverage")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "copy"
        shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(".git", ".venv*", "__pycache__", "*.egg-info"))
        coverage_of = covering_tests(root, args.tests) if args.coverage else None
        log = open(args.log, "w", encoding="utf-8") if args.log else open(os.devnull, "w")  # noqa: SIM115
        with log:
            total_caught = total = 0
            for module in args.modules:
                caught, count = run_module(root, module, args.tests, coverage_of, log, chosen)
                total_caught, total = total_caught + caught, total + count
                print(f"{module}.py: {caught} of {count} mutants killed ({100 * caught / max(count, 1):.0f}%)",
                      flush=True)
    if len(args.modules) > 1:
        print(f"all: {total_caught} of {total} killed ({100 * total_caught / max(total, 1):.1f}%)")


if __name__ == "__main__":
    main()
