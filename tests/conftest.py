import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the oracle module

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"


@pytest.fixture
def padhai_text() -> str:
    return (SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8")


def pytest_addoption(parser):
    parser.addoption("--fuzz-examples", type=int, default=150,
                     help="how many mutated inputs the fuzz tests try (default 150; try 5000 for a long run)")


@pytest.fixture
def fuzz_examples(request) -> int:
    return request.config.getoption("--fuzz-examples")
