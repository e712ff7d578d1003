"""api.gradescope: the autograder zip, unpacked into a folder laid out as Gradescope's /autograder
and run as Gradescope runs it (run_autograder per submission; setup.sh needs the network and is
only read): a right key gets the full score, every other submission a valid results.json."""
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SPECS

import backprop_cli as bp
import backprop_cli.api.gradescope as gradescope_module
from backprop_cli.errors import UsageError

QUESTIONS = "questions:\n  - {quantity: loss, points: 1}\n  - {quantity: dL/dw212, points: 2}\n"
ALICE = {"users": [{"email": "alice@example.edu", "id": 7, "name": "Alice", "sid": ""}],
         "assignment": {"id": 1, "title": "HW"}}

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="run_autograder is a bash script")


@pytest.fixture
def course(tmp_path):
    """course/hw.yaml on course/net.yaml, its zip, and the zip unpacked in autograder/source."""
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "hw.yaml").write_text("title: HW\nspec: net.yaml\n" + QUESTIONS, encoding="utf-8")
    names = bp.gradescope_bundle(folder / "hw.yaml", tmp_path / "autograder.zip")
    unpack(tmp_path / "autograder.zip", tmp_path / "autograder" / "source")
    return tmp_path, names


def unpack(zipped: Path, folder: Path) -> None:
    """As unzip does: the files and their modes (zipfile's own extract drops the modes)."""
    with zipfile.ZipFile(zipped) as archive:
        archive.extractall(folder)
        for info in archive.infolist():
            if not info.is_dir():
                os.chmod(folder / info.filename, (info.external_attr >> 16) & 0o777)


def key(course) -> str:
    return bp.assignment_key(str(course[0] / "course" / "hw.yaml"), "alice")


def grade(course, answers: str | dict, metadata=ALICE, **env) -> tuple[dict, str]:
    """Lay out one submission (answers.yaml, or {path: text}) and run run_autograder on it as
    Gradescope does; results.json (parsed) and the log."""
    root = course[0] / "autograder"
    shutil.rmtree(root / "submission", ignore_errors=True)
    (root / "submission").mkdir()
    for where, text in ({"answers.yaml": answers} if isinstance(answers, str) else answers).items():
        (root / "submission" / where).parent.mkdir(parents=True, exist_ok=True)
        (root / "submission" / where).write_text(text, encoding="utf-8")
    if metadata is not None:
        (root / "submission_metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    environment = {**os.environ, "AUTOGRADER_ROOT": str(root), "PYTHON": sys.executable,
                   "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""), **env}
    environment.pop("GITHUB_ACTIONS", None)
    run = subprocess.run(["bash", str(root / "source" / "run_autograder")], capture_output=True, text=True,
                         env=environment, cwd=root, timeout=120)
    assert run.returncode == 0, (run.stdout, run.stderr)  # the score is in results.json, always
    text = (root / "results" / "results.json").read_text(encoding="utf-8")
    return json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in results.json")), run.stdout


@pytest.mark.slow
def test_the_zip_holds_the_scripts_the_assignment_and_this_backprop(course):
    tmp, names = course
    assert names[:4] == ["setup.sh", "run_autograder", "assignment/hw.yaml", "assignment/net.yaml"]
    source = tmp / "autograder" / "source"
    package = Path(bp.__file__).parent
    modules = sorted(p.relative_to(package).as_posix() for p in package.rglob("*.py") if "__pycache__" not in p.parts)
    assert [n.removeprefix("backprop_cli/") for n in names if n.startswith("backprop_cli/") and n.endswith(".py")
            and not n.startswith("backprop_cli/specs/")] == [m for m in modules if not m.startswith("specs/")]
    assert (source / "backprop_cli" / "cli" / "main.py").read_bytes() == (package / "cli" / "main.py").read_bytes()
    assert (source / "backprop_cli" / "specs" / "padhai-4-4-2.yaml").is_file()  # the examples travel too
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    assert (source / "assignment" / "hw.yaml").read_text(encoding="utf-8") == \
        (tmp / "course" / "hw.yaml").read_text(encoding="utf-8")


@pytest.mark.slow
def test_setup_and_run_autograder_are_executable_and_setup_names_the_dependencies(course):
    tmp, _ = course
    with zipfile.ZipFile(tmp / "autograder.zip") as archive:
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in archive.infolist()}
    assert modes["setup.sh"] == modes["run_autograder"] == 0o755 and modes["assignment/hw.yaml"] == 0o644
    setup = tmp / "autograder" / "source" / "setup.sh"
    assert os.access(setup, os.X_OK) and os.access(setup.parent / "run_autograder", os.X_OK)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    dependencies = re.findall(r'"([^"]+)"', re.search(r"^dependencies = \[(.*)\]", pyproject, re.M).group(1))
    install = next(line for line in setup.read_text(encoding="utf-8").splitlines() if "pip install" in line)
    assert sorted(shlex.split(install)[-len(dependencies):]) == sorted(dependencies)


@pytest.mark.slow
def test_the_same_assignment_gives_the_same_zip(course, tmp_path):
    bp.gradescope_bundle(tmp_path / "course" / "hw.yaml", tmp_path / "again.zip")
    assert (tmp_path / "again.zip").read_bytes() == (tmp_path / "autograder.zip").read_bytes()


@pytest.mark.slow
def test_a_right_key_gets_the_full_score_for_the_student_gradescope_names(course):
    results, log = grade(course, key(course))
    assert results["score"] == 3 and [t["status"] for t in results["tests"]] == ["passed", "passed"]
    assert "grading answers.yaml for alice" in log  # no sid: the e-mail's part before the @
    sid = {"users": [{"email": "alice@example.edu", "sid": "s-0042"}]}
    assert "for s-0042" in grade(course, key(course), metadata=sid)[1]


@pytest.mark.slow
def test_a_wrong_answer_scores_less(course):
    wrong = re.sub(r"(dL/dw212: )\S+", r"\g<1>0.5", key(course))
    results, _ = grade(course, wrong)
    assert results["score"] == 1 and [t["status"] for t in results["tests"]] == ["passed", "failed"]


@pytest.mark.slow
def test_the_one_answers_file_below_the_top_is_graded(course):
    assert grade(course, {"my work/answers.yaml": key(course)})[0]["score"] == 3


@pytest.mark.parametrize("layout, says", [
    ([], "holds no file named `answers.yaml`"),
    (["answers.yml"], "holds no file named `answers.yaml`"),
    (["a/answers.yaml", "b/answers.yaml"], "holds 2 files named `answers.yaml`, none at its top"),
])
@pytest.mark.slow
def test_no_answers_file_or_several_score_0_and_say_why(course, layout, says):
    results, _ = grade(course, dict.fromkeys(layout, key(course)))
    assert results["score"] == 0 and says in results["output"] and results["tests"][0]["status"] == "failed"


@pytest.mark.slow
def test_a_personal_assignment_grades_each_student_of_its_roster_on_their_own_network(tmp_path):
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "roster.csv").write_text("id,name\nalice,Alice\nbob,Bob\n", encoding="utf-8")
    (folder / "hw.yaml").write_text("personal: {spec: net.yaml, seed: s1, weights: {from: -1, to: 1, decimals: 1}}\n"
                                    "roster: roster.csv\n" + QUESTIONS, encoding="utf-8")
    names = bp.gradescope_bundle(folder / "hw.yaml", tmp_path / "autograder.zip")
    assert "assignment/roster.csv" in names
    unpack(tmp_path / "autograder.zip", tmp_path / "autograder" / "source")
    course = (tmp_path, names)
    assert grade(course, key(course))[0]["score"] == 3
    bobs = bp.assignment_key(str(folder / "hw.yaml"), "bob").replace("student: bob", "student: alice")
    assert grade(course, bobs)[0]["score"] < 3  # a classmate's numbers are not alice's
    stranger = {"users": [{"email": "carol@example.edu", "sid": ""}]}
    results, _ = grade(course, key(course), metadata=stranger)
    assert results["score"] == 0 and "not on the roster" in json.dumps(results)


@pytest.mark.slow
def test_an_unreadable_answers_file_scores_0_with_checks_own_reason(course):
    results, _ = grade(course, "answers: [unclosed\n")
    assert results["score"] == 0 and results["tests"]


@pytest.mark.slow
def test_no_student_named_scores_0(course):
    results, _ = grade(course, key(course), metadata={"users": [{"email": "", "sid": ""}]})
    assert results["score"] == 0 and "named no student" in results["output"]
    assert grade(course, key(course), metadata=None)[0]["score"] == 0  # no metadata file at all


@pytest.mark.parametrize("main, score", [
    ("raise SystemExit(3)", 0),  # a crash before results.json is written
    ("import sys, pathlib; pathlib.Path(sys.argv[sys.argv.index('--gradescope') + 1]).write_text("
     "'{\"score\": NaN}')", 0),  # JSON that is not JSON
    ("import sys, pathlib; pathlib.Path(sys.argv[sys.argv.index('--gradescope') + 1]).write_text("
     "'{\"score\": 42}')", 42),  # proof that the zip's own backprop runs, and its results.json stands
])
@pytest.mark.slow
def test_whatever_check_does_results_json_is_valid(course, main, score):
    (course[0] / "autograder" / "source" / "backprop_cli" / "__main__.py").write_text(main, encoding="utf-8")
    results, _ = grade(course, key(course))
    assert results["score"] == score
    if score == 0:
        assert "The autograder failed on this submission" in results["output"]


@pytest.mark.slow
def test_no_python_scores_0(course):
    results, log = grade(course, key(course), PYTHON=str(course[0] / "nosuch-python"))
    assert results["score"] == 0 and "cannot start Python" in results["output"] and "nosuch-python" in log


@pytest.mark.slow
def test_an_output_that_is_an_input_or_no_regular_file_is_refused(course, tmp_path):
    hw = tmp_path / "course" / "hw.yaml"
    before = hw.read_bytes()
    with pytest.raises(UsageError, match="one of the assignment's own files"):
        bp.gradescope_bundle(hw, tmp_path / "course" / "net.yaml")
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(UsageError, match="not a regular file"):
        bp.gradescope_bundle(hw, tmp_path / "fifo")
    assert stat.S_ISFIFO(os.stat(tmp_path / "fifo").st_mode) and hw.read_bytes() == before


@pytest.mark.slow
def test_a_zip_whose_assignment_would_not_load_is_never_written(course, tmp_path, monkeypatch):
    import backprop_cli.grading.bundle as bundle

    original = bundle.assignment_files
    monkeypatch.setattr(bundle, "assignment_files", lambda path: (lambda got: (got[0], got[1][:1]))(original(path)))
    with pytest.raises(UsageError, match="does not load on its own"):
        bp.gradescope_bundle(tmp_path / "course" / "hw.yaml", tmp_path / "broken.zip")
    assert not (tmp_path / "broken.zip").exists()


def test_dependencies_come_from_the_installed_metadata(monkeypatch):
    from importlib import metadata

    required, floor = gradescope_module._requirements()
    assert "numpy" in " ".join(required) and not any("extra" in r for r in required) and floor
    monkeypatch.setattr(metadata, "requires", lambda _name: (_ for _ in ()).throw(metadata.PackageNotFoundError()))
    with pytest.raises(UsageError, match="not installed"):
        gradescope_module._requirements()


def test_without_the_examples_installed_the_package_still_travels(monkeypatch):
    import backprop_cli.spec.examples as examples

    monkeypatch.setattr(examples, "examples_dir", lambda: (_ for _ in ()).throw(UsageError("not installed")))
    names = [name for name, _ in gradescope_module._package_files()]
    assert "cli/main.py" in names and not any(name.startswith("specs/") and name.endswith(".yaml") for name in names)
