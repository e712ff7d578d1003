"""Lets a benchmark run from a source checkout: when backprop_cli is not installed, the repository
it sits in provides it, to this process and to the commands it starts (PYTHONPATH)."""
import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if importlib.util.find_spec("backprop_cli") is None:
    sys.path.insert(0, str(ROOT))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
