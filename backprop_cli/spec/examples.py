"""The bundled example specs: the repository's specs/, installed as the package data backprop_cli/specs."""
from __future__ import annotations

from pathlib import Path

from ..errors import UsageError, quote

SOURCE = Path(__file__).resolve().parents[2] / "specs"  # where they are in a source checkout


def examples_dir() -> Path:
    """Where the example specs are: the installed package data, else (running from a source
    checkout, where pyproject.toml maps the repository's specs/ to backprop_cli.specs only on
    install) the repository's specs/ beside the package."""
    try:
        from .. import specs  # the installed data package (cheaper than importlib.resources at start-up)
    except ImportError:
        if (SOURCE / "__init__.py").is_file() and (SOURCE.parent / "pyproject.toml").is_file():
            return SOURCE
        raise UsageError("the bundled examples are not installed; reinstall backprop-cli") from None
    return Path(specs.__file__).parent


def example_names() -> list[str]:
    """Names of the bundled examples, sorted."""
    return sorted(p.stem for p in examples_dir().glob("*.yaml"))


def example_path(name: str) -> Path:
    """The file of example `name`; UsageError with the nearest name when there is none."""
    known = example_names()
    if name not in known:  # a name we ship, never a path of the user's (too long, a folder, ../x)
        from .hints import nearest

        raise UsageError(f"no example called '{quote(name)}'; {nearest(name[:100], known)} "
                         "(`backprop examples` lists them)")
    return examples_dir() / f"{name}.yaml"
