"""grading.autograder: setup.sh and run_autograder as text (what they do when run is tested on a
folder laid out as Gradescope's, in tests/api/test_gradescope.py)."""
import shlex
import shutil
import subprocess

import pytest

from backprop_cli.grading.autograder import python_floor, run_script, setup_script
from backprop_cli.version import __version__

REQUIREMENTS = ["click>=8.2.0", "numpy>=1.24.0", "rich>=13.0.0", "pyyaml>=6.0", 'tomli>=1; python_version < "3.11"']


@pytest.mark.parametrize("given, floor", [(">=3.10", (3, 10)), (">= 3.12, <4", (3, 12)), (None, (3, 10)),
                                          ("~=3.11", (3, 11)), ("==3.12.*", (3, 12))])
def test_the_lowest_python(given, floor):
    assert python_floor(given) == floor


def test_setup_installs_python_the_dependencies_and_the_bundled_backprop():
    script = setup_script(REQUIREMENTS, (3, 11))
    assert script.startswith("#!/usr/bin/env bash\n") and f"backprop {__version__}" in script
    assert "apt-get install -y -qq python3 python3-pip python3-venv" in script
    assert "sys.version_info < (3, 11)" in script and "Python 3.11 or later" in script
    install = next(line for line in script.splitlines() if "pip install" in line)
    assert shlex.split(install)[-len(REQUIREMENTS):] == REQUIREMENTS  # each one word, markers and all
    assert 'echo "$ROOT/source" >"$site/backprop-autograder.pth"' in script
    assert script.rstrip().endswith("-m backprop_cli --version")


@pytest.mark.parametrize("assignment", ["assignment/hw3.yaml", "assignment/it's \"hw\" $(x).yaml"])
def test_run_autograder_names_the_assignment_as_one_word(assignment):
    script = run_script(assignment)
    line = next(line for line in script.splitlines() if line.startswith("ASSIGNMENT="))
    assert shlex.split(line.removeprefix("ASSIGNMENT=")) == [assignment]
    assert f"\n# {assignment}. It grades" in script


def test_a_name_with_a_line_break_stays_in_its_comment_and_its_quotes():
    script = run_script("assignment/a\nrm -rf x.yaml")
    assert "\n# assignment/a?rm -rf x.yaml. It grades" in script
    assert "\nASSIGNMENT='assignment/a\nrm -rf x.yaml'\n" in script


def test_run_autograder_says_where_the_student_and_the_answers_come_from():
    script = run_script("assignment/hw.yaml")
    assert 'ROOT="${AUTOGRADER_ROOT:-/autograder}"' in script and "PYTHON" in script
    assert "users[0].sid" in script and "before\n# the @" in script
    assert '--student="$student" --gradescope "$RESULTS" -- "$answers"' in script


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
@pytest.mark.parametrize("script", [setup_script(REQUIREMENTS, (3, 10)), run_script("assignment/hw 3.yaml")])
def test_bash_reads_both_scripts(script, tmp_path):
    (tmp_path / "script").write_text(script, encoding="utf-8")
    checked = subprocess.run(["bash", "-n", str(tmp_path / "script")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
