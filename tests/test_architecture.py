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

# what each room may import from the package (besides itself): data flows cli -> spec -> core/grading
# -> report, so spec and report both build on core and never on each other
ALLOWED = {
    "errors": set(), "files": {"errors"},
    "core": {"errors"},
    "report": {"core", "errors", "files"},
    "spec": {"core", "errors", "files"},
    "grading": {"spec", "core", "errors", "files", "root"},
    "cli": {"spec", "core", "grading", "report", "errors", "files", "root"},
    "root": {"spec", "core", "report", "errors", "cli"},  # __init__ (the API, lazily) and __main__
}


def room(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "__main__":
        return "root"
    return parts[1]


def _type_checking_only(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def imports(module: str) -> set[str]:
    """Every package module `module` imports, at module level or inside functions; imports for
    type checkers alone (`if TYPE_CHECKING:`) never run and are left out."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking_only(child):
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


def test_the_package_has_its_rooms():
    assert {room(m) for m in MODULES} == set(ALLOWED)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_flow_one_way(module):
    rooms = {room(m) for m in GRAPH[module]} - {room(module)}
    assert rooms <= ALLOWED[room(module)], f"{module} imports from {sorted(rooms - ALLOWED[room(module)])}"


def test_no_import_cycles():
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def walk(module, path):
        state[module] = 1
        for other in sorted(GRAPH[module]):
            if state.get(other) == 1:
                cycle = path[path.index(other):] + [other]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if other not in state:
                walk(other, path + [other])
        state[module] = 2

    for module in sorted(GRAPH):
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


@pytest.mark.parametrize("module", sorted(MODULES))
def test_click_only_in_cli_and_rich_only_in_presentation(module):
    used = third_party(module)
    if "click" in used:
        assert room(module) == "cli", f"{module} imports click"
    if "rich" in used:
        assert room(module) in ("report", "cli"), f"{module} imports rich"


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
