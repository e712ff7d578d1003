"""The bundled example specs: the repository's specs/, installed as the package data backprop_cli/specs.
Paths here are strings: the commands' common path imports no pathlib (start-up is a feature)."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..errors import UsageError, quote

if TYPE_CHECKING:
    from pathlib import Path

# where they are in a source checkout: the repository's specs/, beside the package
SOURCE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__)))), "specs")
# where an install puts them: the data package backprop_cli/specs (found without importing it)
INSTALLED = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "specs")


def _folder() -> str:
    """Where the example specs are: the installed package data, else (running from a source
    checkout, where pyproject.toml maps the repository's specs/ to backprop_cli.specs only on
    install) the repository's specs/ beside the package."""
    installed = str(INSTALLED)
    if os.path.isfile(os.path.join(installed, "__init__.py")):
        return installed
    source = str(SOURCE)
    if os.path.isfile(os.path.join(source, "__init__.py")) and \
            os.path.isfile(os.path.join(os.path.dirname(source), "pyproject.toml")):
        return source
    raise UsageError("the bundled examples are not installed; reinstall backprop-cli")


def examples_dir() -> Path:
    """The folder of the example specs."""
    from pathlib import Path

    return Path(_folder())


def example_names() -> list[str]:
    """Names of the bundled examples, sorted."""
    return sorted(name[:-5] for name in os.listdir(_folder()) if name.endswith(".yaml"))


def example_file(name: str) -> str:
    """The file of example `name`; UsageError with the nearest name when there is none."""
    known = example_names()
    if name not in known:  # a name we ship, never a path of the user's (too long, a folder, ../x)
        from .hints import nearest

        raise UsageError(f"no example called '{quote(name)}'; {nearest(name[:100], known)} "
                         "(`backprop examples` lists them)")
    return os.path.join(_folder(), f"{name}.yaml")


def example_path(name: str) -> Path:
    """The file of example `name`, as a Path."""
    from pathlib import Path

    return Path(example_file(name))
