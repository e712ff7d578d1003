"""cli.main: the `backprop` group: which module each command lives in, and the one place where
errors and results become exit statuses (0, 1, 2, 3, 130) and messages on standard error."""
import importlib

import click
import pytest
from conftest import invoke

import backprop_cli.api.computing as computing
from backprop_cli.cli.main import COMMANDS, main
from backprop_cli.errors import BackpropError, Problem, SpecError
from backprop_cli.version import __version__

GRAD = ("grad", "--example", "padhai-4-4-2", "--format", "json")


def test_every_command_is_listed_sorted_and_found_in_its_module():
    ctx = click.Context(main)
    assert main.list_commands(ctx) == sorted(COMMANDS)
    for name, module in COMMANDS.items():
        command = main.get_command(ctx, name)
        assert isinstance(command, click.Command) and command.name == name
        assert command is getattr(importlib.import_module(f"backprop_cli.cli.{module}"), name)
    assert main.get_command(ctx, "nosuch") is None


def test_help_lists_every_command_and_an_unknown_one_is_a_usage_error():
    out = invoke("--help", expect=0).stdout
    listed = [line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.strip()]
    assert listed == sorted(COMMANDS)
    result = invoke("nosuch", expect=2)
    assert result.stdout == "" and "No such command 'nosuch'" in result.stderr


def test_version():
    assert invoke("--version", expect=0).stdout == f"backprop, version {__version__}\n"


def _raising(exc):
    def call(*_args, **_kwargs):
        raise exc
    return call


def test_a_users_error_is_one_line_exit_2(monkeypatch):
    monkeypatch.setattr(computing, "grad", _raising(BackpropError("the spec is odd")))
    result = invoke(*GRAD, expect=2)
    assert result.stdout == "" and result.stderr == "Error: the spec is odd\n"


def test_control_characters_in_an_error_are_made_printable(monkeypatch):
    monkeypatch.setattr(computing, "grad", _raising(BackpropError("bad \x1b[31m name")))
    result = invoke(*GRAD, expect=2)
    assert "\x1b" not in result.stderr and result.stderr.startswith("Error: bad ")


def test_a_spec_error_prints_each_located_problem(monkeypatch):
    problems = [Problem("net.yaml", 2, 3, "first", ""), Problem("net.yaml", 5, 1, "second", "try this")]
    monkeypatch.setattr(computing, "grad", _raising(SpecError(problems)))
    result = invoke(*GRAD, expect=2)
    assert result.stdout == ""
    assert result.stderr == "".join(f"{p}\n" for p in problems)
    assert result.stderr.startswith("net.yaml:2:3: first\n") and "try this" in result.stderr


def test_an_interrupt_is_exit_130(monkeypatch):
    monkeypatch.setattr(computing, "grad", _raising(KeyboardInterrupt()))
    result = invoke(*GRAD, expect=130)
    assert result.stdout == "" and result.stderr == "Interrupted.\n"


def test_a_reader_gone_away_is_no_error(monkeypatch):
    import sys

    def gone(*_args, **_kwargs):
        # main closes standard error on a broken pipe; keep the test runner's own stream open
        # (click 8.2's CliRunner reads it afterwards)
        monkeypatch.setattr(sys.stderr, "close", lambda: None, raising=False)
        raise BrokenPipeError()

    monkeypatch.setattr(computing, "grad", gone)
    assert invoke(*GRAD).exit_code == 0


@pytest.mark.parametrize("exc", [ValueError("x"), KeyError("k"), RuntimeError("r")])
def test_any_other_exception_is_a_bug_exit_3_naming_the_command(monkeypatch, exc):
    monkeypatch.setattr(computing, "grad", _raising(exc))
    result = invoke(*GRAD, expect=3)
    assert result.stdout == ""
    assert result.stderr.startswith(f"Internal error ({type(exc).__name__}: ")
    assert f"This is a bug in backprop {__version__}" in result.stderr and "--debug" in result.stderr


def test_a_missing_dependency_is_said_as_such_and_one_of_ours_is_a_bug(monkeypatch):
    monkeypatch.setattr(computing, "grad", _raising(ModuleNotFoundError("No module named 'rich'", name="rich")))
    result = invoke(*GRAD, expect=2)
    assert result.stderr.startswith("Error: backprop needs the Python package 'rich', which this Python (")
    monkeypatch.setattr(computing, "grad", _raising(ModuleNotFoundError("x", name="backprop_cli.report.nothing")))
    assert "This is a bug in backprop" in invoke(*GRAD, expect=3).stderr


@pytest.mark.slow
def test_a_commands_returned_status_is_the_exit_status():
    # gradcheck returns 1 when a parameter is over the tolerance; 0 when all agree
    assert invoke("gradcheck", "--example", "padhai-4-4-2", expect=0).stderr == ""
    assert invoke("gradcheck", "--example", "padhai-4-4-2", "--eps", "0.5", "--tol", "1e-12").exit_code == 1


def test_click_usage_errors_keep_clicks_exit_2():
    result = invoke("grad", "--precision", "0", expect=2)
    assert "Invalid value for '--precision'" in result.stderr and result.stdout == ""
