"""Paths against brute-force enumeration (tests/oracle.py), top-k against the sorted full list."""
import json
import re

import numpy as np
import pytest
from conftest import OUTPUT_FOR_LOSS, SPECS, as_network, invoke, random_layers, targets_for
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from oracle import enumerate_paths

from backprop_cli import compute, load_spec
from backprop_cli.core.engine import run
from backprop_cli.core.names import notation, parameter_names, parse_name
from backprop_cli.core.paths import count_paths, trace_parameter

DEFAULT = notation("default")


def oracle_names(nodes, depth):
    """The oracle's (kind, layer, neuron) nodes as the report names them."""
    return tuple(f"yhat{n}" if (kind, layer) == ("a", depth) else f"{kind}{layer}{n}" for kind, layer, n in nodes)


def check_against_brute_force(layers, x, y, loss, max_paths):
    result = run(as_network(layers, loss), np.array([x], float), np.array([y], float))
    for name in parameter_names(result.sizes):
        parsed = parse_name(name)
        k = parsed.indices[2] if parsed.kind == "w" else None
        brute = enumerate_paths(layers, x, y, loss, parsed.indices[0], parsed.indices[1], k)
        traced = trace_parameter(result, name, DEFAULT, max_paths)
        assert traced.path_count == len(brute), name
        assert sum(p for p, _ in brute) == pytest.approx(traced.gradient, rel=1e-9, abs=1e-15), name
        expected = sorted((abs(p) for p, _ in brute), reverse=True)[:max_paths]
        assert [abs(p.product) for p in traced.paths] == pytest.approx(expected, rel=1e-9, abs=1e-300), name
        shown = sum(p.product for p in traced.paths)
        assert shown + traced.omitted_sum == pytest.approx(traced.gradient, rel=1e-9, abs=1e-15)
        by_nodes = {oracle_names(nodes, len(layers)): product for product, nodes in brute}
        for path in traced.paths:  # each shown path exists, with its sign, and is the product of its factors
            assert path.nodes[0] == "L" and path.nodes[-1] == name
            assert path.product == pytest.approx(by_nodes[tuple(path.nodes[1:-1])], rel=1e-9, abs=1e-300)
            assert np.prod([f.value for f in path.factors]) == pytest.approx(path.product, rel=1e-12, abs=1e-300)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), sizes=st.lists(st.integers(1, 3), min_size=2, max_size=4),
       hidden=st.sampled_from(["sigmoid", "tanh", "relu", "leaky_relu", "softmax", "linear"]),
       loss=st.sampled_from(sorted(OUTPUT_FOR_LOSS)), max_paths=st.integers(1, 6))
@pytest.mark.slow
def test_paths_against_brute_force(seed, sizes, hidden, loss, max_paths):
    rng = np.random.default_rng(seed)
    output = OUTPUT_FOR_LOSS[loss][seed % len(OUTPUT_FOR_LOSS[loss])]
    assume(not (output == "softmax" and sizes[-1] == 1 and loss == "binary_cross_entropy"))  # log(1 − 1)
    layers = random_layers(rng, sizes, hidden, output)
    x = rng.uniform(-1, 1, sizes[0]).tolist()
    check_against_brute_force(layers, x, targets_for(rng, loss, 1, sizes[-1])[0], loss, max_paths)


def test_padhai_w131_has_the_four_paths_through_both_outputs_and_both_z2():
    result = compute(load_spec(SPECS / "padhai-4-4-2.yaml"))
    traced = trace_parameter(result, "w131", DEFAULT, 10)
    assert traced.path_count == 4 and traced.omitted_sum == 0
    assert sorted((p.nodes[1], p.nodes[2]) for p in traced.paths) == [
        ("yhat1", "z21"), ("yhat1", "z22"), ("yhat2", "z21"), ("yhat2", "z22")]
    assert all(p.nodes[3:] == ["a13", "z13", "w131"] for p in traced.paths)
    assert sum(p.product for p in traced.paths) == pytest.approx(0.0031594, abs=5e-8)
    cross = [p for p in traced.paths if p.nodes[1][-1] != p.nodes[2][-1]]
    assert {p.factors[1].formula for p in cross} == {"−yhat1·yhat2", "−yhat2·yhat1"}


def test_padhai_notes_single_path_is_half_the_true_w212_gradient():
    result = compute(load_spec(SPECS / "padhai-4-4-2.yaml"))
    traced = trace_parameter(result, "w212", DEFAULT, 10)
    # the PadhAI notes follow only L → ŷ1 → z21: its update line's −0.065 is that one path
    assert traced.paths[0].product == pytest.approx(-0.0652, abs=5e-5)
    assert traced.gradient == pytest.approx(-0.13038, abs=5e-6)


def test_path_counts_are_exact_for_a_deep_wide_network():
    sizes = [32] * 13
    assert count_paths(sizes, set(), 1, 1) == 32 ** 11
    assert count_paths(sizes, {12}, 1, 1) == 32 ** 12
    assert count_paths([4, 4, 2], {2}, 1, 3) == 4


@pytest.mark.slow
def test_top_k_on_a_deep_network_against_enumeration_of_a_small_one():
    rng = np.random.default_rng(7)
    layers = random_layers(rng, [3, 3, 3, 3, 2], "tanh", "softmax")
    check_against_brute_force(layers, [0.3, -0.2, 0.9], [1.0, 0.0], "squared_error", 5)


def test_batch_paths_carry_the_mean_factor_and_sum_to_the_gradient():
    spec = load_spec(SPECS / "batch-average.yaml")
    result = compute(spec)
    traced = trace_parameter(result, "w111", DEFAULT, 100)
    assert traced.path_count == 3 * 1
    assert {p.sample for p in traced.paths} == {1, 2, 3}
    assert all(p.factors[0].value == pytest.approx(1 / 3) for p in traced.paths)
    assert sum(p.product for p in traced.paths) == pytest.approx(result.gradient("w111"), rel=1e-12)
    assert [g for _, g in traced.per_sample] == pytest.approx(result.per_sample_gradient("w111").tolist())
    one = trace_parameter(result, "w111", DEFAULT, 100, sample=2)
    assert one.gradient == pytest.approx(result.per_sample_gradient("w111")[1]) and one.path_count == 1


def runner_output(*args):
    return invoke(*args, expect=0).output


def test_json_holds_the_documented_shape_and_agrees_with_text():
    data = json.loads(runner_output("trace", "--example", "padhai-4-4-2", "-w", "w131", "--format", "json"))
    (p,) = data["parameters"]
    assert {"name", "value", "gradient", "updated", "path_count", "paths", "omitted_sum"} <= set(p)
    assert p["path_count"] == 4 and p["omitted_sum"] == 0
    first = p["paths"][0]
    assert first["nodes"][0] == "L" and first["nodes"][-1] == "w131"
    assert set(first["factors"][0]) == {"symbol", "formula", "value"}
    assert first["factors"][0]["symbol"] == "∂L/∂yhat1" and first["factors"][0]["formula"] == "2(yhat1 − y1)"
    assert abs(first["product"]) >= abs(p["paths"][-1]["product"])
    assert sum(path["product"] for path in p["paths"]) == pytest.approx(p["gradient"], rel=1e-12)
    text = runner_output("trace", "--example", "padhai-4-4-2", "-w", "w131", "--precision", "6")
    for path in p["paths"]:
        assert f"{path['product']:.6g}" in text
    assert f"{p['gradient']:.6g}" in text and f"{p['updated']:.6g}" in text
    assert data["forward"]["z13"] == pytest.approx(2.1)


def test_max_paths_reports_the_rest_as_a_sum():
    data = json.loads(runner_output("trace", "--example", "padhai-4-4-2", "-w", "w111", "--max-paths", "1",
                                    "--format", "json"))
    (p,) = data["parameters"]
    assert len(p["paths"]) == 1 and p["path_count"] == 4
    assert p["paths"][0]["product"] + p["omitted_sum"] == pytest.approx(p["gradient"], abs=1e-15)
    text = runner_output("trace", "--example", "padhai-4-4-2", "-w", "w111", "--max-paths", "1")
    assert "… and 3 more paths, summing to" in text


def test_padhai_notation_names_pre_activations_a_and_activations_h():
    data = json.loads(runner_output("trace", "--example", "padhai-4-4-2", "-w", "w131", "--notation", "padhai",
                                    "--format", "json"))
    nodes = data["parameters"][0]["paths"][0]["nodes"]
    assert nodes[2].startswith("a2") and nodes[3] == "h13" and nodes[4] == "a13"


def test_text_report_snapshot():
    from regenerate import SNAPSHOTS, trace_snapshot

    assert trace_snapshot() == (SNAPSHOTS / "trace-padhai-w212.txt").read_text(encoding="utf-8")


def test_markup_and_escapes_in_a_spec_name_are_printed_literally(padhai_text):
    text = padhai_text.replace("name: PadhAI 4-4-2", 'name: "[red]evil[/red] \\e[31m"')
    out = invoke("trace", "-", "-w", "w212", input=text).output
    assert "[red]evil[/red]" in out
    assert "\x1b" not in out


def test_markdown_and_latex_hold_the_numbers():
    md = runner_output("trace", "--example", "padhai-4-4-2", "-w", "w212", "--format", "markdown")
    assert "| ∂ŷ2/∂z21 | −ŷ2·ŷ1 | -0.176918 |" in md and "**-0.130377**" in md
    tex = runner_output("trace", "--example", "padhai-4-4-2", "-w", "w212", "--format", "latex")
    assert tex.count(r"\begin{align*}") == tex.count(r"\end{align*}") == 1
    assert r"\frac{\partial \hat{y}_{2}}{\partial z_{21}} &= -\hat{y}_{2}\cdot \hat{y}_{1} = -0.176918" in tex
    assert "0.930377" in tex and tex.strip().endswith(r"\end{document}")


def test_sample_out_of_range_is_a_usage_error():
    result = invoke("trace", "--example", "batch-average", "--sample", "4")
    assert result.exit_code == 2 and "3 sample(s)" in result.output


# CI installs pdflatex (.ci/run), so there the test never skips; elsewhere it may
@pytest.mark.skipif(__import__("shutil").which("pdflatex") is None and not __import__("os").environ.get("CI"),
                    reason="pdflatex is not installed")
@pytest.mark.parametrize("example, name, max_paths", [
    ("padhai-4-4-2", None, "3"), ("batch-average", None, "3"),
    ("softmax-classifier", '"η-Ω net \\n\\n ## 100% $x$ € 𝔼 é"', "200"),  # Unicode, blank lines; 4 pages
])
@pytest.mark.slow
def test_latex_compiles(tmp_path, example, name, max_paths):
    import subprocess

    text = (SPECS / f"{example}.yaml").read_text(encoding="utf-8")
    if name is not None:
        text = re.sub(r"(?m)^name: .*$", lambda _: f"name: {name}", text)
    tex = invoke("trace", "-", "--notation", "padhai", "--format", "latex", "--max-paths", max_paths,
                 input=text, expect=0).stdout
    (tmp_path / "d.tex").write_text(tex, encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "d.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout[-2000:]


def test_python_api_paths_and_forward_values():
    result = compute(load_spec(SPECS / "padhai-4-4-2.yaml"))
    paths = result.paths("w131")
    assert len(paths) == 4 and sum(p.product for p in paths) == pytest.approx(result.gradient("w131"), rel=1e-12)
    assert abs(paths[0].product) >= abs(paths[-1].product)
    assert result.forward["z13"] == pytest.approx(2.1) and result.forward["yhat1"] == pytest.approx(0.770336, abs=1e-6)
    assert result.forward["L"] == result.loss and result.forward["x2"] == 5.0
    batch = compute(load_spec(SPECS / "batch-average.yaml"))
    assert batch.forward["z11"].shape == (3,)
    deep = run(as_network(random_layers(np.random.default_rng(1), [9] * 8, "tanh", "linear"), "mse"),
               np.ones((1, 9)), np.ones((1, 9)))
    with pytest.raises(ValueError, match="paths; ask for the largest few"):
        deep.paths("w111")
    assert len(deep.paths("w111", max_paths=3)) == 3


def test_wide_layers_are_summarised_in_text_but_complete_in_json(tmp_path):
    rows = ", ".join(["[0.1, -0.2]"] * 14)
    (tmp_path / "net.yaml").write_text(f"input: [1, 2]\ntarget: [1]\nloss: mse\nlayers:\n"
                                       f"  - activation: tanh\n    weights: [{rows}]\n"
                                       f"  - activation: linear\n    weights: [[{', '.join(['0.3'] * 14)}]]\n")
    text = runner_output("trace", str(tmp_path / "net.yaml"), "-w", "w211")
    assert "show their first 5 and last 4" in text
    shown = ["z11", "z12", "z13", "z14", "z15", "z1_11", "z1_12", "z1_13", "z1_14"]
    hidden = ["z16", "z17", "z18", "z19", "z1_10"]
    for name in shown:  # once in the forward table, once in the backward table
        assert len(re.findall(rf"\b{name}\b", text)) == 2, name
    assert not any(re.search(rf"\b{name}\b", text) for name in hidden)
    data = json.loads(runner_output("trace", str(tmp_path / "net.yaml"), "-w", "w211", "--format", "json"))
    assert "z16" in data["forward"] and "z1_14" in data["forward"]


def test_a_big_network_is_summarised_or_refused_never_slow(tmp_path):
    import numpy as np

    rng = np.random.default_rng(0)
    np.save(tmp_path / "w1.npy", rng.uniform(-0.1, 0.1, (30, 40)))
    (tmp_path / "net.yaml").write_text("input: {file: x.csv}\ntarget: [1, 0]\nloss: mse\nlayers:\n"
                                       "  - activation: tanh\n    weights: {file: w1.npy}\n"
                                       "  - activation: linear\n    weights: {file: w2.csv}\n")
    (tmp_path / "x.csv").write_text(",".join(["0.5"] * 40) + "\n")
    (tmp_path / "w2.csv").write_text("\n".join(",".join(["0.1"] * 30) for _ in range(2)) + "\n")
    count = 30 * 41 + 2 * 31
    refused = invoke("trace", tmp_path / "net.yaml")
    assert refused.exit_code == 2 and f"{count:,} parameters" in refused.stderr and "--weight" in refused.stderr
    text = invoke("grad", tmp_path / "net.yaml", expect=0).stdout
    assert f"{count:,} parameters: each layer shows its first 5 and last 4" in text
    shown = [line.split()[0] for line in text.splitlines()[4:] if line.strip() and line.split()[0][0] in "wb"]
    assert shown[:5] == ["w111", "w112", "w113", "w114", "w115"] and shown[5:9] == ["b1_27", "b1_28", "b1_29", "b1_30"]
    assert len(shown) == 2 * 9
    data = json.loads(invoke("grad", tmp_path / "net.yaml", "--format", "json", expect=0).stdout)
    assert len(data["parameters"]) == count


def test_a_batch_paths_first_factor_is_its_own_samples_loss_and_target():
    data = json.loads(invoke("trace", "--example", "batch-average", "-w", "w211", "--format", "json",
                             expect=0).stdout)
    for path in data["parameters"][0]["paths"]:
        s = path["sample"]
        own = path["factors"][1]  # after ∂L/∂L[s] = 1/n
        assert own["symbol"].startswith(f"∂L[{s}]/∂yhat1[{s}]") and own["formula"].endswith(f"y1[{s}]")


def test_save_takes_any_name_for_json_markdown_latex_but_a_known_one_for_text(tmp_path):
    invoke("trace", "--example", "padhai-4-4-2", "-w", "w212", "--format", "latex", "--save", tmp_path / "d.tex",
           expect=0)
    assert (tmp_path / "d.tex").read_text(encoding="utf-8").startswith(r"\documentclass")
    refused = invoke("grad", "--example", "padhai-4-4-2", "--save", tmp_path / "r.tex")
    assert refused.exit_code == 2 and refused.stdout == "" and ".html, .svg or .txt" in refused.stderr


def test_one_sample_traced_alone_says_so():
    text = invoke("trace", "--example", "batch-average", "-w", "w111", "--sample", "2", expect=0).stdout
    assert "sample 2 of 3 alone" in text.splitlines()[2]
    assert "sample 2 of" not in invoke("trace", "--example", "batch-average", "-w", "w111", expect=0).stdout
