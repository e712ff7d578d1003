"""cli.training: `step` and `train`: where the updated spec goes (-o, -o -, --in-place, --force and
their rules), the learning rates parsed, which API call is made with what, what goes to standard
output and what to standard error, and exit 130 when interrupted."""
import json
from pathlib import Path

import click
import pytest
from conftest import SPECS, invoke

import backprop_cli.api.training as training_api
from backprop_cli.cli.training import _rates, _target
from backprop_cli.spec.reader import load_spec

MAZUR = SPECS / "mazur-2-2-2.yaml"


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "net.yaml").write_text(MAZUR.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def usage(f, *args) -> str:
    with pytest.raises(click.UsageError) as info:
        f(*args)
    return info.value.format_message()


def usage_error(result, message):
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.endswith(f"Error: {message}\n"), result.stderr


@pytest.mark.parametrize("value, rates", [(None, None), ("0.5", [0.5]), ("0.1,0.5,1", [0.1, 0.5, 1.0]),
                                          (" 0.1 , ,2e-1,", [0.1, 0.2])])
def test_rates(value, rates):
    assert _rates(value) == rates


FORM = "write one rate or several separated by commas: 0.1,0.5,1"
POSITIVE = "learning rates are positive numbers: 0.1,0.5,1"


@pytest.mark.parametrize("value, message", [
    ("fast", FORM), ("0.1;0.5", FORM),
    ("0", POSITIVE), ("0.1,-1", POSITIVE), ("inf", POSITIVE), ("nan", POSITIVE), (",", POSITIVE),
])
def test_rates_refused(value, message):
    with pytest.raises(click.BadParameter) as info:
        _rates(value)
    assert info.value.format_message() == f"Invalid value for --lr: {message}"


def test_target_rules(here):
    assert _target("net.yaml", None, None, False, False) is None
    assert _target("net.yaml", None, "-", False, False) == "-"
    assert _target("net.yaml", None, None, True, False) == (here / "net.yaml").resolve()
    assert _target(None, None, None, True, False) == (here / "net.yaml").resolve()  # SPEC defaults to ./net.yaml
    assert _target("net.yaml", None, "new.yaml", False, False) == Path("new.yaml")
    assert usage(_target, "net.yaml", None, "x.yaml", True, False) == "give -o OUT or --in-place, not both"
    assert usage(_target, "net.yaml", None, None, False, True) == \
        "--force replaces an existing -o OUT file; it means nothing without one"
    assert usage(_target, "net.yaml", None, "-", False, True) == \
        "--force replaces an existing -o OUT file; it means nothing without one"
    for spec, example in ((None, "mazur-2-2-2"), ("-", None)):
        assert usage(_target, spec, example, None, True, False) == \
            "--in-place needs a spec file (not --example or standard input)"
    assert usage(_target, "net.yaml", None, "./net.yaml", False, True) == \
        "-o ./net.yaml is the input spec itself; use --in-place to overwrite it"
    (here / "taken.yaml").write_text("mine")
    assert usage(_target, "net.yaml", None, "taken.yaml", False, False) == \
        "taken.yaml exists; add --force to replace it"
    assert _target("net.yaml", None, "taken.yaml", False, True) == Path("taken.yaml")
    assert _target(None, "mazur-2-2-2", "taken.yaml", False, True) == Path("taken.yaml")
    assert usage(_target, "net.yaml", None, "no/x.yaml", False, False) == "-o no/x.yaml: the folder no does not exist"


def test_step_needs_to_be_told_where(here):
    usage_error(invoke("step", "net.yaml"), "say where the updated spec goes: -o OUT, -o - or --in-place")
    usage_error(invoke("step", "net.yaml", "-o", "-", "--format", "json"),
                "-o - writes the spec to standard output; --format json cannot share it")


def test_step_to_a_file_says_so_on_standard_output(here, monkeypatch):
    calls, original = [], training_api.step
    monkeypatch.setattr(training_api, "step", lambda *a, **k: calls.append((a[1:], k)) or original(*a, **k))
    result = invoke("step", "net.yaml", "-o", "after.yaml", "--lr", "0.25", "--precision", "4", expect=0)
    assert calls == [((Path("after.yaml"),), {"learning_rate": 0.25})]
    # Mazur's biases are frozen: 8 weights move; E_total = 0.298371109
    assert result.stdout == ("wrote after.yaml: 8 parameters updated (2 frozen) with η = 0.25 "
                             "(loss before the step 0.2984)\n")
    assert result.stderr == ""
    w5 = load_spec(here / "after.yaml").layers[1].weights[0, 0]
    assert w5 == pytest.approx(0.40 - 0.25 * 0.082167041, abs=1e-9)


def test_step_to_standard_output_keeps_the_message_off_it(here):
    result = invoke("step", "net.yaml", "-o", "-", expect=0)
    assert result.stdout.startswith("# Matt Mazur's")  # the spec's own text, comments and all
    assert result.stderr.startswith("wrote standard output: 8 parameters updated (2 frozen) with η = 0.5")
    assert load_spec(text=result.stdout).layers[1].weights[0, 0] == pytest.approx(0.35891648, abs=1e-8)


def test_step_json_report_with_a_file(here):
    result = invoke("step", "--example", "mazur-2-2-2", "-o", "after.yaml", "--format", "json", expect=0)
    data = json.loads(result.stdout)
    w5 = next(p for p in data["parameters"] if p["name"] in ("w5", "w211"))
    assert w5["updated"] == pytest.approx(0.35891648, abs=1e-8) and (here / "after.yaml").exists()


def test_step_in_place(here):
    invoke("step", "--in-place", expect=0)
    assert load_spec(here / "net.yaml").layers[1].weights[0, 0] == pytest.approx(0.35891648, abs=1e-8)
    assert (here / "net.yaml").read_text(encoding="utf-8").startswith("# Matt Mazur's")


def test_train_refuses_what_it_cannot_do(here):
    usage_error(invoke("train", "net.yaml", "--epochs", "2", "--lr", "0.1,0.5", "-o", "t.yaml"),
                "with several learning rates there are several trained networks; give one rate to write -o/--in-place")
    usage_error(invoke("train", "net.yaml", "--epochs", "2", "--lr", "0.1,0.5", "--in-place"),
                "with several learning rates there are several trained networks; give one rate to write -o/--in-place")
    usage_error(invoke("train", "net.yaml", "--epochs", "2", "-o", "-", "--format", "json"),
                "-o - writes the spec to standard output; --format json cannot share it")
    assert "Missing option '--epochs'" in invoke("train", "net.yaml", expect=2).stderr
    assert "Invalid value for '--epochs'" in invoke("train", "net.yaml", "--epochs", "0", expect=2).stderr


def test_train_passes_epochs_rates_and_until_loss(here, monkeypatch):
    calls, original = [], training_api.train
    monkeypatch.setattr(training_api, "train", lambda *a, **k: calls.append((a[1:], k)) or original(*a, **k))
    data = json.loads(invoke("train", "net.yaml", "--epochs", "3", "--lr", "0.1,0.5", "--until-loss", "1e-9",
                             "--format", "json", expect=0).stdout)
    ((args, kwargs),) = calls
    assert args == (3,) and kwargs["until_loss"] == 1e-9 and kwargs["learning_rates"] == [0.1, 0.5]
    assert [(r["learning_rate"], r["epochs"]) for r in data["runs"]] == [(0.1, 3), (0.5, 3)]
    # the error after the first round at η = 0.5: Mazur's 0.291027774 (see specs/mazur-2-2-2.yaml)
    assert data["runs"][1]["losses"][1] == pytest.approx(0.291027774, abs=1e-9)


def test_train_to_standard_output_sends_the_report_to_standard_error(here):
    result = invoke("train", "net.yaml", "--epochs", "1", "-o", "-", expect=0)
    assert result.stdout.startswith("# Matt Mazur's")
    assert load_spec(text=result.stdout).layers[1].weights[0, 0] == pytest.approx(0.35891648, abs=1e-8)
    assert "0.298371" in result.stderr  # the first loss, in the summary


def test_train_says_where_it_wrote(here):
    result = invoke("train", "net.yaml", "--epochs", "1", "-o", "t.yaml", "--no-color", expect=0)
    assert result.stdout.rstrip().endswith("wrote t.yaml")
    assert load_spec(here / "t.yaml").layers[1].weights[0, 0] == pytest.approx(0.35891648, abs=1e-8)


def test_train_interrupted_exits_130_and_writes_nothing(here, monkeypatch):
    original = training_api.train

    def interrupted(*args, **kwargs):
        training = original(*args, **kwargs)
        training.runs[-1].stopped = "interrupted"
        return training

    monkeypatch.setattr(training_api, "train", interrupted)
    result = invoke("train", "net.yaml", "--epochs", "2", "-o", "t.yaml", expect=130)
    assert "interrupted after epoch 2: nothing written (run again to write t.yaml)" in result.stderr
    assert not (here / "t.yaml").exists()
    assert invoke("train", "net.yaml", "--epochs", "2").exit_code == 130  # with nothing to write too
