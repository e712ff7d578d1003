"""The suite meets the package as `pip install .` installed it, so a file the package needs but
the wheel does not ship fails here, as it would for a user."""
import json
import os
from importlib import metadata
from pathlib import Path

import pytest
from conftest import ROOT

import backprop_cli


def _editable() -> bool:
    """Whether the package is the checkout itself: installed editable, or not installed at all."""
    try:
        direct = metadata.distribution("backprop-cli").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return True
    return bool(direct and json.loads(direct).get("dir_info", {}).get("editable"))


@pytest.fixture
def installed():
    if _editable():
        if os.environ.get("CI"):
            pytest.fail("CI must test a regular install (pip install '.[test]'), not an editable one")
        pytest.skip("the suite runs on the checkout itself (editable, or not installed); `pip install '.[test]'` "
                    "tests what ships")
    return metadata.distribution("backprop-cli")


def test_the_imported_package_is_the_installed_one(installed):
    imported = Path(backprop_cli.__file__).resolve()
    source = ROOT / "backprop_cli"  # the checkout's source (a venv inside the checkout is fine)
    assert source not in imported.parents, f"tests imported the checkout ({imported}), not the installed package"
    assert imported == Path(installed.locate_file("backprop_cli/__init__.py")).resolve()


def test_the_wheel_ships_every_module_and_example(installed):
    shipped = {str(f) for f in installed.files}
    needed = [str(p.relative_to(ROOT)) for p in (ROOT / "backprop_cli").rglob("*.py")]
    needed += [f"backprop_cli/specs/{p.name}" for p in (ROOT / "specs").glob("*.yaml")]
    assert sorted(set(needed) - shipped) == []


def test_the_version_is_the_distributions(installed):
    assert backprop_cli.__version__ == installed.version
