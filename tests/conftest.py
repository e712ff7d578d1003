import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the oracle module

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"


@pytest.fixture
def padhai_text() -> str:
    return (SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8")
