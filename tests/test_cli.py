"""Commands driven through click's CliRunner; numbers checked against the engine's oracle tests."""
import json

import pytest
from conftest import EXAMPLES, invoke

from backprop_cli import __version__


def test_version_and_help():
    assert __version__ in invoke("--version").output
    out = invoke("--help").output
    assert "grad" in out and "examples" in out
    assert "--weight" in invoke("grad", "--help").output


def test_grad_json_has_the_documented_shape():
    result = invoke("grad", "--example", "padhai-4-4-2", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert set(data) == {"loss", "learning_rate", "parameters"}
    assert data["learning_rate"] == 1.0
    names = [p["name"] for p in data["parameters"]]
    assert names[:5] == ["w111", "w112", "w113", "w114", "w121"] and names[16:20] == ["b11", "b12", "b13", "b14"]
    assert names[-2:] == ["b21", "b22"] and len(names) == 30
    w212 = next(p for p in data["parameters"] if p["name"] == "w212")
    assert w212["value"] == 0.8
    assert w212["gradient"] == pytest.approx(-0.1303767, abs=5e-8)
    assert w212["updated"] == pytest.approx(0.93038, abs=5e-6)


def test_grad_weight_filter_lr_and_underscored_names():
    data = json.loads(invoke("grad", "--example", "padhai-4-4-2", "-w", "w2_1_2", "-w", "b21",
                             "--lr", "0.5", "--format", "json").output)
    assert [p["name"] for p in data["parameters"]] == ["w212", "b21"]
    assert data["learning_rate"] == 0.5
    assert data["parameters"][0]["updated"] == pytest.approx(0.8 + 0.5 * 0.1303767, abs=5e-8)


def test_grad_text_report():
    result = invoke("grad", "--example", "padhai-4-4-2", "--precision", "4", "-w", "w212")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["PadhAI", "4-4-2", "loss", "0.1055", "η", "1"]
    assert lines[-1].split() == ["w212", "0.8", "-0.1304", "0.9304"]
    assert "\x1b[" not in result.output  # not a terminal: no colour codes


def test_unknown_weight_is_a_usage_error():
    result = invoke("grad", "--example", "padhai-4-4-2", "-w", "w312")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "no parameter w312" in result.stderr and "layer 2: w211..w224" in result.stderr


def test_invalid_spec_exits_2_with_located_messages_and_no_stdout(tmp_path):
    (tmp_path / "net.yaml").write_text("input: [1, yes]\ntarget: [1]\nloss: mse\nlayers: []\n")
    result = invoke("grad", str(tmp_path / "net.yaml"))
    assert result.exit_code == 2 and result.stdout == ""
    assert f"{tmp_path / 'net.yaml'}:1:12: expected a number, got 'yes'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_spec_defaults_to_net_yaml_and_dash_reads_stdin(padhai_text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invoke("grad").exit_code == 2  # no ./net.yaml yet
    (tmp_path / "net.yaml").write_text(padhai_text, encoding="utf-8")
    from_file = invoke("grad", "--format", "json").output
    from_stdin = invoke("grad", "-", "--format", "json", input=padhai_text).output
    assert json.loads(from_file) == json.loads(from_stdin)


def test_examples_lists_every_bundled_spec():
    out = invoke("examples").output
    for name in EXAMPLES:
        assert name in out
    assert "PadhAI notes' worked example" in out


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_loads_and_runs(name):
    result = invoke("grad", "--example", name, "--format", "json")
    assert result.exit_code == 0 and json.loads(result.output)["parameters"]


def test_unknown_example_suggests_the_nearest():
    result = invoke("grad", "--example", "padhai")
    assert result.exit_code == 2 and "did you mean 'padhai-4-4-2'" in result.stderr


def test_markup_in_a_spec_name_is_printed_literally(padhai_text):
    text = padhai_text.replace("name: PadhAI 4-4-2", "name: '[bold red]x[/] \\x1b'")
    result = invoke("grad", "-", input=text)
    assert "[bold red]x[/]" in result.output


def test_internal_error_is_one_line_and_exit_3(monkeypatch):
    import backprop_cli.api.computing

    monkeypatch.setattr(backprop_cli.api.computing, "compute", lambda *a, **k: 1 / 0)
    result = invoke("grad", "--example", "padhai-4-4-2")
    assert result.exit_code == 3
    assert "Internal error (ZeroDivisionError" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    debug = invoke("--debug", "grad", "--example", "padhai-4-4-2")
    assert isinstance(debug.exception, ZeroDivisionError)


@pytest.mark.slow
def test_python_m_entry_point(tmp_path):
    import subprocess
    import sys

    # from an empty folder, so that `-m` finds the installed package, not a checkout's source
    out = subprocess.run([sys.executable, "-m", "backprop_cli", "grad", "--example", "padhai-4-4-2",
                          "-w", "w131", "--format", "json"], capture_output=True, text=True, check=True,
                         cwd=tmp_path).stdout
    assert json.loads(out)["parameters"][0]["gradient"] == pytest.approx(0.0031594, abs=5e-8)


@pytest.mark.parametrize("args", [
    ["grad", "--example", "padhai-4-4-2", "--save", "{missing}/r.txt"],
    ["check", "{answers}", "--junit", "{missing}/r.xml"],
    ["train", "--example", "padhai-4-4-2", "--epochs", "2", "--log", "{missing}/e.csv"],
    ["train", "--example", "padhai-4-4-2", "--epochs", "2", "--plot", "{missing}/l.png"],
    ["draw", "--example", "padhai-4-4-2", "-o", "{missing}/n.svg"],
    ["step", "--example", "padhai-4-4-2", "-o", "{missing}/n.yaml"],
])
def test_an_output_that_cannot_be_written_is_refused_before_any_work(tmp_path, padhai_text, args):
    (tmp_path / "net.yaml").write_text(padhai_text, encoding="utf-8")
    (tmp_path / "answers.yaml").write_text("spec: net.yaml\nanswers:\n  loss: 0.1055\n", encoding="utf-8")
    filled = [a.format(missing=tmp_path / "no-such-folder", answers=tmp_path / "answers.yaml") for a in args]
    result = invoke(*filled)
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and "does not exist" in result.stderr and "Internal error" not in result.stderr
    assert not (tmp_path / "no-such-folder").exists()


@pytest.mark.parametrize("args, words", [
    (["step", "--example", "padhai-4-4-2", "-o", "-", "--force"], "--force"),
    (["train", "--example", "padhai-4-4-2", "--epochs", "1", "--force"], "--force"),
    (["draw", "--example", "padhai-4-4-2", "-o", "{tmp}/n.svg", "--lr", "0.5"], "--lr"),
])
def test_an_option_that_would_change_nothing_is_refused(tmp_path, args, words):
    result = invoke(*[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2 and words in result.stderr


def test_written_files_get_the_usual_mode_and_a_replaced_file_keeps_its_own(tmp_path):
    import os
    import stat

    from backprop_cli.files import write_atomic

    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.txt", "x")
        (tmp_path / "kept.txt").write_text("old")
        os.chmod(tmp_path / "kept.txt", 0o640)
        write_atomic(tmp_path / "kept.txt", "new")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "kept.txt").stat().st_mode) == 0o640
    assert (tmp_path / "kept.txt").read_text() == "new" and not list(tmp_path.glob(".*.tmp"))
