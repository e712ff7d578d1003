"""cli.options: what commands share: reading the spec (file, `-`, example, ./net.yaml, --expr),
refusing a network's options for an expression, finite-number options, --save's suffixes, and
printing or saving a report."""
import json

import click
import pytest
from conftest import SPECS, invoke

from backprop_cli.cli import options
from backprop_cli.core.computation import EXPRESSION


def usage(callable_, *args, **kwargs) -> str:
    with pytest.raises(click.UsageError) as info:
        callable_(*args, **kwargs)
    return info.value.format_message()


def in_command(name, f):
    with click.Context(click.Command(name), info_name=name):
        return f()


def test_load_refuses_two_sources():
    assert usage(options.load, "net.yaml", "padhai-4-4-2") == "give a SPEC file or --example NAME, not both"
    assert usage(options.load, "net.yaml", None, "x*2", ("x=1",)) == "give one of SPEC, --example NAME or --expr TEXT"
    assert usage(options.load, None, "padhai-4-4-2", "x*2") == "give one of SPEC, --example NAME or --expr TEXT"


def test_load_defaults_to_net_yaml_here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert usage(options.load, None, None) == ("no SPEC given and there is no ./net.yaml; give a spec file, "
                                               "or try --example padhai-4-4-2")
    (tmp_path / "net.yaml").write_text((SPECS / "mazur-2-2-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert options.load(None, None).name == "Mazur 2-2-2"


def test_load_an_example_a_file_and_an_expression(tmp_path):
    assert options.load(None, "mazur-2-2-2").name == "Mazur 2-2-2"
    (tmp_path / "n.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert options.load(str(tmp_path / "n.yaml"), None).sizes == [4, 4, 2]
    loaded = options.load(None, None, "x*y", ("x=2,y=3",), expressions=True)
    assert loaded.kind == EXPRESSION and loaded.at == {"x": 2.0, "y": 3.0}


def test_an_expression_where_a_network_is_needed_names_the_command():
    message = in_command("gradcheck", lambda: usage(options.load, None, "cs231n-circuit"))
    assert message == ("cs231n-circuit holds an expression, and `gradcheck` needs a network "
                       "(grad, trace, key, draw and explore take expressions)")
    assert options.load(None, "cs231n-circuit", expressions=True).kind == EXPRESSION
    # through the command line as well
    result = invoke("step", "--example", "cs231n-circuit", "-o", "-", expect=2)
    assert "cs231n-circuit holds an expression, and `step` needs a network" in result.stderr


@pytest.mark.parametrize("given, message", [
    ({"learning_rate": 0.5}, "--lr means something for a network, not for an expression"),
    ({"weight": ("w1",)}, "--weight means something for a network, not for an expression (trace a name of the "
                          "expression with --node NAME)"),
    ({"with_inputs": True}, "--inputs means something for a network, not for an expression (an expression always "
                            "lists its inputs)"),
    ({"sample": 2}, "--sample means something for a network, not for an expression"),
    ({"max_paths": 3}, "--max-paths means something for a network, not for an expression"),
])
def test_refuse_for_expression(given, message):
    assert usage(options.refuse_for_expression, **given) == message


def test_what_changes_nothing_for_an_expression_is_let_through():
    options.refuse_for_expression(learning_rate=None, weight=(), with_inputs=False, notation="default", sample=None)
    assert usage(options.refuse_for_expression, notation="padhai") == \
        "--notation means something for a network, not for an expression"
    assert usage(options.refuse_for_expression, hint_for_weight=" (see its page)", weight=("x",)) == \
        "--weight means something for a network, not for an expression (see its page)"


@pytest.mark.parametrize("save, fmt", [(None, "text"), ("r.txt", "text"), ("r.HTML", "text"), ("r.svg", "text"),
                                       ("r.pdf", "json"), ("notes", "markdown")])
def test_check_save_accepts(save, fmt):
    options.check_save(save, fmt)


@pytest.mark.parametrize("save", ["r.pdf", "r", "r.json"])
def test_check_save_refuses_what_a_text_report_cannot_be_saved_as(save):
    with pytest.raises(click.BadParameter) as info:
        options.check_save(save, "text")
    assert info.value.format_message() == ("Invalid value for --save: a text report is saved as .html, .svg or "
                                           ".txt (other formats: any name)")


def test_finite_number_options():
    assert options.POSITIVE.convert("0.25", None, None) == 0.25
    assert options.NON_NEGATIVE.convert("0", None, None) == 0.0
    for bad in ("0", "-1"):
        with pytest.raises(click.BadParameter):
            options.POSITIVE.convert(bad, None, None)
    with pytest.raises(click.BadParameter) as info:
        options.NON_NEGATIVE.convert("inf", None, None)
    assert info.value.format_message() == "Invalid value: 'inf' is not a finite number"
    result = invoke("grad", "--example", "padhai-4-4-2", "--lr", "nan", expect=2)
    assert "'nan' is not a finite number" in result.stderr


def test_emit_adds_one_final_newline_and_saves_the_same_text(tmp_path, capsys):
    options.emit("a: 1", str(tmp_path / "k.yaml"))
    options.emit("b: 2\n", None)
    assert capsys.readouterr().out == "a: 1\nb: 2\n"
    assert (tmp_path / "k.yaml").read_text(encoding="utf-8") == "a: 1\n"


def _report():
    from backprop_cli.api.computing import grad, load_example

    return grad(load_example("padhai-4-4-2"), ["w212"])


def test_present_json_prints_and_saves_it(tmp_path, capsys):
    options.present(_report(), "json", save=str(tmp_path / "r.json"))
    out = capsys.readouterr().out
    data = json.loads(out)
    assert [p["name"] for p in data["parameters"]] == ["w212"]
    assert data["parameters"][0]["gradient"] == pytest.approx(-0.1303767, abs=5e-8)
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == out


@pytest.mark.parametrize("suffix, marker", [(".txt", "w212"), (".html", "<html"), (".svg", "<svg")])
def test_present_text_saves_by_the_suffix(tmp_path, capsys, suffix, marker):
    options.present(_report(), "text", save=str(tmp_path / f"r{suffix}"), no_color=True, title="t", precision=4)
    shown = capsys.readouterr().out
    assert "-0.1304" in shown
    saved = (tmp_path / f"r{suffix}").read_text(encoding="utf-8")
    assert marker in saved and "0.1304" in saved


def test_a_command_has_only_the_options_that_change_something():
    # gradcheck has no learning rate and step no --expr: they are refused, not ignored
    refused = invoke("gradcheck", "--example", "padhai-4-4-2", "--lr", "1", expect=2).stderr
    assert "No such option" in refused and "--lr" in refused  # click words it differently by version
    refused = invoke("step", "--expr", "x", "-o", "-", expect=2).stderr
    assert "No such option" in refused and "--expr" in refused
