"""cli.network: grad, trace, gradcheck, draw and examples: which API call each makes with which
arguments, what each refuses up front (exit 2, its words), and where its output goes."""
import json
from types import SimpleNamespace

import pytest
from conftest import ALL_EXAMPLES, SPECS, invoke

import backprop_cli.api.computing as computing


def record(monkeypatch, name):
    """Replace computing.NAME by a wrapper that records each call and then makes it."""
    calls, original = [], getattr(computing, name)

    def wrapper(*args, **kwargs):
        calls.append((args, kwargs))
        return original(*args, **kwargs)

    monkeypatch.setattr(computing, name, wrapper)
    return calls


def usage_error(result, message):
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.endswith(f"Error: {message}\n"), result.stderr


def test_grad_passes_its_options_to_the_api(monkeypatch):
    calls = record(monkeypatch, "grad")
    out = invoke("grad", "--example", "padhai-4-4-2", "-w", "w212", "--weight", "b21", "--inputs", "--lr", "0.5",
                 "--format", "json", expect=0).stdout
    ((args, kwargs),) = calls
    assert args[0].name == "PadhAI 4-4-2" and tuple(args[1]) == ("w212", "b21")
    assert kwargs == {"inputs": True, "learning_rate": 0.5}
    assert json.loads(out)["learning_rate"] == 0.5


def test_grad_save_is_checked_before_any_work(monkeypatch, tmp_path):
    calls = record(monkeypatch, "grad")
    usage_error(invoke("grad", "--example", "padhai-4-4-2", "--save", tmp_path / "r.pdf"),
                "Invalid value for --save: a text report is saved as .html, .svg or .txt (other formats: any name)")
    assert calls == [] and not (tmp_path / "r.pdf").exists()


def test_grad_json_saved_under_any_name_is_what_was_printed(tmp_path):
    result = invoke("grad", "--example", "padhai-4-4-2", "--format", "json", "--save", tmp_path / "r.pdf", expect=0)
    assert (tmp_path / "r.pdf").read_text(encoding="utf-8") == result.stdout
    assert json.loads(result.stdout)["parameters"]


def test_grad_text_saved_as_txt(tmp_path):
    result = invoke("grad", "--example", "padhai-4-4-2", "-w", "w212", "--precision", "4", "--save",
                    tmp_path / "r.txt", expect=0)
    saved = (tmp_path / "r.txt").read_text(encoding="utf-8")
    last_row = ["w212", "0.8", "-0.1304", "0.9304"]
    assert saved.splitlines()[-1].split() == last_row == result.stdout.splitlines()[-1].split()
    assert result.stderr == ""


@pytest.mark.parametrize("extra, message", [
    (["--lr", "0.1"], "--lr means something for a network, not for an expression"),
    (["-w", "x"], "--weight means something for a network, not for an expression (trace a name of the expression "
                  "with --node NAME)"),
    (["--inputs"], "--inputs means something for a network, not for an expression (an expression always lists its "
                   "inputs)"),
])
def test_grad_refuses_a_networks_options_for_an_expression(extra, message):
    usage_error(invoke("grad", "--expr", "x*y", "--at", "x=1,y=2", *extra), message)


def test_grad_format_choices():
    result = invoke("grad", "--example", "padhai-4-4-2", "--format", "markdown", expect=2)
    assert "Invalid value for '--format'" in result.stderr and "'text', 'json'" in result.stderr


def test_trace_passes_its_options_to_the_api(monkeypatch):
    calls = record(monkeypatch, "trace")
    invoke("trace", "--example", "padhai-4-4-2", "-w", "w212", "--node", "a13", "--max-paths", "3",
           "--notation", "padhai", "--lr", "0.25", "--format", "json", expect=0)
    ((args, kwargs),) = calls
    assert tuple(args[1]) == ("w212",)
    assert kwargs == {"nodes": ("a13",), "max_paths": 3, "sample": None, "notation": "padhai", "learning_rate": 0.25}


@pytest.mark.parametrize("fmt, marker", [("markdown", "∂L/∂w212"), ("latex", "\\frac")])
def test_trace_writes_markdown_and_latex(fmt, marker):
    out = invoke("trace", "--example", "padhai-4-4-2", "-w", "w212", "--format", fmt, expect=0).stdout
    assert marker in out


@pytest.mark.parametrize("extra, message", [
    (["--sample", "1"], "--sample means something for a network, not for an expression"),
    (["--order", "forward"], "--order means something for a network, not for an expression"),
    (["--notation", "padhai"], "--notation means something for a network, not for an expression"),
    (["--lr", "1"], "--lr means something for a network, not for an expression"),
])
def test_trace_refuses_a_networks_options_for_an_expression(extra, message):
    usage_error(invoke("trace", "--expr", "x^2", "--at", "x=3", *extra), message)


def test_trace_backward_is_the_default_order_for_an_expression():
    assert invoke("trace", "--expr", "x^2", "--at", "x=3", "--order", "backward", expect=0).stdout


def test_trace_order_decides_which_parameter_comes_first():
    def first(order):
        out = invoke("trace", "--example", "mazur-2-2-2", "-w", "w1", "-w", "w5", "--order", order, expect=0).stdout
        return min(("w1", out.find("∂E_total/∂w1 ")), ("w5", out.find("∂E_total/∂w5 ")), key=lambda p: p[1])[0]

    assert first("backward") == "w5" and first("forward") == "w1"


def test_gradcheck_passes_eps_and_tol_and_returns_1_on_failure(monkeypatch):
    calls = record(monkeypatch, "gradcheck")
    result = invoke("gradcheck", "--example", "padhai-4-4-2", "--eps", "1e-4", "--tol", "1e-3", "--format", "json",
                    expect=0)
    assert calls[0][0][1:] == (1e-4, 1e-3)
    assert json.loads(result.stdout)
    assert invoke("gradcheck", "--example", "padhai-4-4-2", "--eps", "0.5", "--tol", "1e-12").exit_code == 1
    assert "Invalid value for '--eps'" in invoke("gradcheck", "--example", "padhai-4-4-2", "--eps", "0",
                                                 expect=2).stderr


@pytest.mark.parametrize("picture, weight, words", [
    (SimpleNamespace(neurons=10, highlighted_edges=3, summarised_layers=[]), "w212",
     "wrote {out}: 10 neurons (3 edges on the paths to w212)\n"),
    (SimpleNamespace(neurons=7, highlighted_edges=1, summarised_layers=[1, 2]), "w212",
     "wrote {out}: 7 neurons (1 edge on the paths to w212); layers 1, 2 summarised\n"),
    (SimpleNamespace(neurons=10, highlighted_edges=0, summarised_layers=[]), None, "wrote {out}: 10 neurons\n"),
])
def test_draw_says_what_it_wrote(monkeypatch, tmp_path, picture, weight, words):
    seen = []
    monkeypatch.setattr(computing, "draw", lambda loaded, output, w, **kw: seen.append((output, w, kw)) or picture)
    out = tmp_path / "n.svg"
    result = invoke("draw", "--example", "padhai-4-4-2", "-o", out, *(["-w", weight] if weight else []),
                    "--gradients", "--precision", "3", expect=0)
    assert result.stdout == words.format(out=out)
    assert seen == [(str(out), weight, {"gradients": True, "notation": "default", "precision": 3,
                                        "learning_rate": None})]


def test_draw_an_expression_counts_nodes_and_refuses_gradients(monkeypatch, tmp_path):
    monkeypatch.setattr(computing, "draw", lambda *a, **k: SimpleNamespace(neurons=4, highlighted_edges=2,
                                                                           summarised_layers=[]))
    out = invoke("draw", "--expr", "x*y", "--at", "x=1,y=2", "-o", tmp_path / "e.svg", "-w", "x", expect=0).stdout
    assert out == f"wrote {tmp_path / 'e.svg'}: 4 nodes (2 edges on the paths to x)\n"
    usage_error(invoke("draw", "--expr", "x*y", "--at", "x=1,y=2", "-o", tmp_path / "e.svg", "--gradients"),
                "--gradients means something for a network, not for an expression")


def test_draw_needs_an_output():
    assert "Missing option '-o' / '--output'" in invoke("draw", "--example", "padhai-4-4-2", expect=2).stderr


def test_examples_lists_as_json_and_prints_one():
    data = json.loads(invoke("examples", "--format", "json", expect=0).stdout)
    listed = json.dumps(data)
    assert all(name in listed for name in ALL_EXAMPLES)
    assert invoke("examples", "cs231n-circuit", expect=0).stdout == \
        (SPECS / "cs231n-circuit.yaml").read_text(encoding="utf-8")
    usage_error(invoke("examples", "mazur-2-2-2", "--format", "json"),
                "NAME prints the example's YAML; --format json lists them all")
