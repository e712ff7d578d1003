"""Gradescope's two scripts for one assignment: setup.sh, which builds the autograder's image once
(Python, backprop's dependencies, the bundled backprop), and run_autograder, which grades each
submission and always leaves a valid results.json (Gradescope's autograder specification)."""
from __future__ import annotations

import re
import shlex

from ..version import __version__

SETUP = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu, with network).
# Made by `backprop gradescope` (backprop @VERSION@). It installs Python and pip, makes a virtual
# environment in /autograder/venv with backprop's dependencies, puts the backprop of this zip
# (source/backprop_cli: the version that made it) on that environment's path, and starts it once,
# so that a broken image fails here, where the instructor sees it, and not on every submission.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
export DEBIAN_FRONTEND=noninteractive

apt-get update -qq
apt-get install -y -qq python3 python3-pip python3-venv >/dev/null
python3 -c 'import sys; sys.exit(sys.version_info < @FLOOR_TUPLE@)' || {
    echo "backprop needs Python @FLOOR@ or later: choose a newer Ubuntu as the autograder's base image" >&2
    exit 1
}
python3 -m venv "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install -q @REQUIREMENTS@
site="$("$ROOT/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "$ROOT/source" >"$site/backprop-autograder.pth"
"$ROOT/venv/bin/python" -c 'import numpy, yaml, click, rich, backprop_cli.api.grading'
"$ROOT/venv/bin/python" -m backprop_cli --version
"""

RUN = r"""#!/usr/bin/env bash
# Gradescope runs this for every submission. Made by `backprop gradescope` (backprop @VERSION@) for
# @ASSIGNMENT_SHOWN@. It grades the student's answers.yaml against that assignment with the backprop
# of this zip and leaves results/results.json, valid whatever happens: no answers.yaml, or a crash,
# scores 0 with a message saying why. It exits 0: the score is in results.json.
#
# The student is users[0].sid of submission_metadata.json, else the part of users[0].email before
# the @ (the ids a `roster:` must use). The answers file is answers.yaml at the top of the
# submission, else the one answers.yaml anywhere below it.
#
#   AUTOGRADER_ROOT  the folder laid out as Gradescope's /autograder (default /autograder)
#   PYTHON           the Python that runs backprop (default: setup.sh's /autograder/venv, else python3)
set -uo pipefail

ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
SUBMISSION="$ROOT/submission"
RESULTS="$ROOT/results/results.json"
ASSIGNMENT=@ASSIGNMENT@
SEE_LOG="Your instructor can see why in the autograder's output."
if [ -z "${PYTHON:-}" ]; then
    if [ -x "$ROOT/venv/bin/python" ]; then PYTHON="$ROOT/venv/bin/python"; else PYTHON=python3; fi
fi

# results.json by hand: score 0, a test named $1 saying $2 (this script's own words: no quote or
# backslash in them, so nothing to escape), and $2 in the log the instructor sees
give_zero() {
    local test
    printf -v test '{"name": "%s", "score": 0, "status": "failed", "output": "%s", "output_format": "md"}' "$1" "$2"
    printf '{"score": 0, "output": "%s", "output_format": "md", "tests": [%s]}\n' "$2" "$test" >"$RESULTS"
    echo "score 0: $2"
    exit 0
}

mkdir -p "$ROOT/results" || exit 0
rm -f "$RESULTS"
if ! "$PYTHON" -I -c '' 2>/dev/null; then
    echo "no Python to run: PYTHON=$PYTHON"
    give_zero "Autograder" "The autograder failed: it cannot start Python. $SEE_LOG"
fi

student="$("$PYTHON" -I - "$ROOT/submission_metadata.json" <<'PY'
import json, sys
try:
    with open(sys.argv[1], encoding="utf-8") as handle:
        user = (json.load(handle).get("users") or [{}])[0] or {}
except (OSError, ValueError, AttributeError, IndexError) as exc:
    sys.exit(f"cannot read {sys.argv[1]}: {exc}")
sid = str(user.get("sid") or "").strip()
chosen = sid or str(user.get("email") or "").split("@")[0].strip()
print(chosen.splitlines()[0] if chosen else "")
PY
)"
if [ -z "$student" ]; then
    give_zero "Student" "Gradescope named no student for this submission (no sid and no e-mail): $SEE_LOG"
fi

if [ -f "$SUBMISSION/answers.yaml" ]; then
    answers="$SUBMISSION/answers.yaml"
else
    found=()
    while IFS= read -r -d '' file; do
        found+=("$file")
    done < <(find "$SUBMISSION" -mindepth 2 -name answers.yaml -type f -not -path '*/__MACOSX/*' -print0 2>/dev/null)
    case ${#found[@]} in
        0) give_zero "answers.yaml" 'Your submission holds no file named `answers.yaml`: upload the answers.yaml '\
'of your handout, under that name.' ;;
        1) answers="${found[0]}" ;;
        *) give_zero "answers.yaml" "Your submission holds ${#found[@]} files named \`answers.yaml\`, none at its "\
"top: upload one." ;;
    esac
fi

cd "$SOURCE" || give_zero "Autograder" "The autograder failed: its source folder is missing. $SEE_LOG"
echo "grading ${answers#"$SUBMISSION/"} for $student"
PYTHONPATH="$SOURCE${PYTHONPATH:+:$PYTHONPATH}" "$PYTHON" -m backprop_cli check --no-color \
    --assignment "$SOURCE/$ASSIGNMENT" --student="$student" --gradescope "$RESULTS" -- "$answers" 2>&1
status=$?

# whatever check did, results.json must be valid JSON with a finite score, or it is replaced
if "$PYTHON" -I - "$RESULTS" <<'PY'
import json, math, sys
def refuse(constant):
    raise ValueError(f"{constant} is not JSON")
with open(sys.argv[1], encoding="utf-8") as handle:
    score = json.load(handle, parse_constant=refuse)["score"]
sys.exit(0 if type(score) in (int, float) and math.isfinite(score) else 1)
PY
then
    [ "$status" -le 2 ] || echo "backprop check exited with status $status (a bug in backprop); its results.json stands"
    exit 0
fi
give_zero "Autograder" "The autograder failed on this submission (backprop check exited with $status). $SEE_LOG"
"""


def python_floor(requires_python: str | None) -> tuple[int, int]:
    """The lowest Python a `Requires-Python` such as `>=3.10` (or `~=3.11`, `==3.12.*`) allows
    ((3, 10) when it says none)."""
    found = re.search(r"(?:>=|~=|==)\s*(\d+)\.(\d+)", requires_python or "")
    return (int(found.group(1)), int(found.group(2))) if found else (3, 10)


def setup_script(requirements: list[str], floor: tuple[int, int]) -> str:
    """setup.sh: apt's Python (at least `floor`), a venv with `requirements` (pip's specifiers, as
    pyproject.toml gives them) and the bundled backprop on its path."""
    return (SETUP.replace("@VERSION@", __version__)
            .replace("@FLOOR_TUPLE@", repr(tuple(floor))).replace("@FLOOR@", ".".join(map(str, floor)))
            .replace("@REQUIREMENTS@", " ".join(shlex.quote(r) for r in requirements)))


def run_script(assignment: str) -> str:
    """run_autograder for the assignment at `assignment`, relative to /autograder/source."""
    shown = "".join(c if c.isprintable() else "?" for c in assignment)  # a comment: one line
    return (RUN.replace("@VERSION@", __version__).replace("@ASSIGNMENT_SHOWN@", shown)
            .replace("@ASSIGNMENT@", shlex.quote(assignment)))
