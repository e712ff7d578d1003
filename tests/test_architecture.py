"""The house rules, read from the source: imports flow one way with no cycle, click and rich stay
in their rooms, modules stay readable, and a short flag means one thing in every command."""
import ast

import click
import pytest
from conftest import ROOT

from backprop_cli.cli.main import COMMANDS, main

PACKAGE = ROOT / "backprop_cli"
MODULES = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
           for p in sorted(PACKAGE.rglob("*.py"))}
DATA = {"backprop_cli.specs"}  # the examples: package data installed from the top-level specs/

# what each room may import from the package (besides itself): data flows cli -> api -> spec/grading
# -> core -> report, so spec and report both build on core and never on each other, and the CLI is
# a client of the API. No exceptions are listed: an edge that breaks a rule fails the test.
ALLOWED = {
    "version": set(), "errors": set(), "files": {"errors"},
    "core": {"errors"},
    "report": {"core", "errors", "files"},
    "spec": {"core", "errors", "files"},
    "grading": {"spec", "core", "errors", "files", "version"},
    "api": {"spec", "core", "grading", "report", "errors", "files"},
    "cli": {"api", "core", "report", "errors", "files", "version"},
    "root": {"api", "core", "report", "errors", "cli", "version"},  # __init__ (the API's names, lazily) and __main__
}
# the parts of core that only name, format or hold what was computed: all that presenting rooms
# (report, cli) may use of it; computing (engine, paths, tracing, training, ...) is the API's call
NAMING = {"backprop_cli.core.names", "backprop_cli.core.numbers", "backprop_cli.core.update",
          "backprop_cli.core.computation", "backprop_cli.core.reports", "backprop_cli.core.reach",
          "backprop_cli.core.mapnames"}
# what the CLI may use of the reporters: the registry of formats and the terminal's own helpers
CLI_REPORTS = {"backprop_cli.report.formats", "backprop_cli.report.text", "backprop_cli.report.progress",
               "backprop_cli.report.csvlog", "backprop_cli.report.figures"}


def room(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "__main__":
        return "root"
    return parts[1]


def _type_checking_only(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def imports(module: str, type_checking: bool = False) -> set[str]:
    """Every package module `module` imports, at module level or inside functions; imports for
    type checkers alone (`if TYPE_CHECKING:`) never run and are left out, unless `type_checking`."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking_only(child) and not type_checking:
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                for alias in child.names:  # `from ..core import functions` imports a module
                    full = f"{base}.{alias.name}"
                    found.add(full if full in MODULES or full in DATA else base)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {name for name in found if name in MODULES and name != module}


GRAPH = {module: imports(module) for module in MODULES}
# for cycles, even an import for type checkers counts: two modules that need each other are one
TYPED_GRAPH = {module: imports(module, type_checking=True) for module in MODULES}


def test_the_package_has_its_rooms():
    assert {room(m) for m in MODULES} == set(ALLOWED)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_flow_one_way(module):
    rooms = {room(m) for m in GRAPH[module]} - {room(module)}
    assert rooms <= ALLOWED[room(module)], f"{module} imports from {sorted(rooms - ALLOWED[room(module)])}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if room(m) in ("report", "cli")))
def test_presenting_rooms_never_compute(module):
    computing = {m for m in GRAPH[module] if room(m) == "core"} - NAMING
    assert not computing, f"{module} computes: it imports {sorted(computing)} (ask the API for the result)"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if room(m) == "cli"))
def test_the_cli_reaches_reports_only_through_the_registry(module):
    other = {m for m in GRAPH[module] if room(m) == "report"} - CLI_REPORTS
    assert not other, f"{module} picks reporters itself: {sorted(other)} (add them to report.formats)"


@pytest.mark.slow
def test_nothing_asks_what_a_computation_is_by_its_attributes():
    """Kinds are told apart by the protocol (core.computation's `kind`), never by duck typing."""
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "hasattr" and len(node.args) == 2:
                what = node.args[1]
                assert not (isinstance(what, ast.Constant) and what.value in ("graph", "network", "compute")), \
                    f"{module}:{node.lineno} tells kinds apart with hasattr(..., {what.value!r})"


def test_no_import_cycles():
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def walk(module, path):
        state[module] = 1
        for other in sorted(TYPED_GRAPH[module]):
            if state.get(other) == 1:
                cycle = path[path.index(other):] + [other]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if other not in state:
                walk(other, path + [other])
        state[module] = 2

    for module in sorted(TYPED_GRAPH):
        if module not in state:
            walk(module, [module])


def third_party(module: str) -> set[str]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.slow
@pytest.mark.parametrize("module", sorted(MODULES))
def test_click_only_in_cli_and_rich_only_in_presentation(module):
    used = third_party(module)
    if "click" in used:
        assert room(module) == "cli", f"{module} imports click"
    if "rich" in used:
        assert room(module) in ("report", "cli"), f"{module} imports rich"


@pytest.mark.slow
@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_are_short_and_say_their_job_first(module):
    text = MODULES[module].read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 400, f"{module} has {len(text.splitlines())} lines"
    assert ast.get_docstring(ast.parse(text)), f"{module} does not open with a line on its job"


def test_a_short_flag_means_one_thing_everywhere():
    meaning: dict[str, set[str]] = {}
    ctx = click.Context(main)
    for name in COMMANDS:
        for param in main.get_command(ctx, name).params:
            longs = [o for o in param.opts + param.secondary_opts if o.startswith("--")]
            for short in (o for o in param.opts if len(o) == 2 and o.startswith("-")):
                meaning.setdefault(short, set()).update(longs)
    assert meaning, "no short flags found: the test reads nothing"
    assert {short: longs for short, longs in meaning.items() if len(longs) != 1} == {}


def test_every_command_module_is_listed():
    defined = {node.name for path in (PACKAGE / "cli").glob("*.py")
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.FunctionDef) and any(
                   isinstance(d, ast.Call) and getattr(d.func, "attr", "") == "command" for d in node.decorator_list)}
    assert defined == set(COMMANDS)


def _holds_logic(path) -> bool:
    return any(isinstance(node, (ast.FunctionDef, ast.ClassDef)) for node in ast.parse(path.read_text("utf-8")).body)


@pytest.mark.parametrize("module", sorted(m for m, p in MODULES.items() if _holds_logic(p)))
def test_every_module_with_logic_has_its_own_test_module(module):
    """Tests mirror the package: backprop_cli/ROOM/NAME.py is tested by tests/ROOM/test_NAME.py
    (the top-level modules by tests/root/, the package's __init__ by tests/root/test_init.py)."""
    parts = module.split(".")[1:] or ["init"]
    room, name = (parts[0], parts[1]) if len(parts) == 2 else ("root", parts[0].replace("__init__", "init"))
    expected = ROOT / "tests" / room / f"test_{name}.py"
    assert expected.is_file(), f"{module} holds logic but has no {expected.relative_to(ROOT)}"
