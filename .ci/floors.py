"""Print pip constraints pinning every dependency of pyproject.toml (runtime and the test extra)
to the lowest version it allows, so that CI can prove those floors true."""
import re
import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())["project"]
requirements = project["dependencies"] + project["optional-dependencies"]["test"]
for requirement in requirements:
    match = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9][0-9.]*)", requirement.replace(" ", ""))
    if match is None:
        sys.exit(f"floors.py: '{requirement}' is not NAME>=VERSION, so it has no lowest version to test")
    print(f"{match.group(1)}=={match.group(2)}")
