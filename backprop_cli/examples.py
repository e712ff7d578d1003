"""The bundled example specs (the repository's specs/, installed as backprop_cli/specs)."""
from __future__ import annotations

from pathlib import Path

from .errors import UsageError


def examples_dir() -> Path:
    """Where the example specs are: inside the installed package, or the checkout's specs/."""
    installed = Path(__file__).parent / "specs"
    return installed if installed.is_dir() else Path(__file__).parent.parent / "specs"


def example_names() -> list[str]:
    """Names of the bundled examples, sorted."""
    return sorted(p.stem for p in examples_dir().glob("*.yaml"))


def example_path(name: str) -> Path:
    """The file of example `name`; UsageError with the nearest name when there is none."""
    path = examples_dir() / f"{name}.yaml"
    if not path.is_file():
        import difflib

        names = example_names()
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "known: " + ", ".join(names)
        raise UsageError(f"no example called '{name}'; {hint} (`backprop examples` lists them)")
    return path
