"""Issue 23's convolution and pooling against hostile specs (contract sections 3, 8 and 9): one
regression test per defect found by attacking the map layers, end to end through the command line.

Each test passes when the defect is fixed and fails when it is not."""
import json

import numpy as np
import pytest
from conftest import SPECS, invoke


def _image(tmp_path, side: int) -> str:
    np.save(tmp_path / "image.npy", np.random.default_rng(0).standard_normal((side, side)))
    return "input: {file: image.npy}\nloss: none\n"


def test_a_pooling_windows_reads_count_as_work_so_a_wide_stride_1_pool_is_refused_cheaply(tmp_path):
    # 1,000×1,000 values and 985×985 pooled ones are within 2,000,000 values, but 16×16 windows at
    # stride 1 read 248 million values: before, 4 GB and 20 s of copied windows for grad
    spec = tmp_path / "pool.yaml"
    spec.write_text(_image(tmp_path, 1000) + "layers:\n  - type: maxpool2d\n    size: 16\n    stride: 1\n")
    result = invoke("grad", spec, expect=2)
    assert "pool.yaml:4:5:" in result.stderr and "248,377,600 multiply-adds" in result.stderr


@pytest.mark.slow
def test_gradcheck_refuses_a_map_network_too_large_to_nudge_one_parameter_at_a_time(tmp_path):
    # 257 parameters of a 16×16 kernel over a 456×456 image, within every limit of a pass: four
    # passes of 50 million multiply-adds a parameter ran for many minutes
    kernel = np.random.default_rng(1).standard_normal((1, 1, 16, 16)).round(2).tolist()
    spec = tmp_path / "conv.yaml"
    spec.write_text(_image(tmp_path, 456) + f"layers:\n  - type: conv2d\n    weights: {kernel}\n")
    result = invoke("gradcheck", spec, expect=2)
    assert "257 parameters" in result.stderr and "`backprop grad` gives every gradient" in result.stderr


def test_gradcheck_still_checks_a_small_map_network(tmp_path):
    assert invoke("gradcheck", "--example", "cnn-4x4", "--format", "json", expect=0)


def _wide(tmp_path, entries: str) -> str:
    """A 100×1,000 image pooled 1×1 into a dense layer of 2×100,000 weights: 200,002 parameters."""
    np.save(tmp_path / "image.npy", np.zeros((100, 1000)))
    np.save(tmp_path / "dense.npy", np.zeros((2, 100_000)))
    return ("input: {file: image.npy}\ntarget: [0, 1]\nloss: mse\nlayers:\n  - type: avgpool2d\n    size: 1\n"
            "  - activation: linear\n    weights: {file: dense.npy}\n" + entries)


@pytest.mark.slow
def test_a_long_frozen_list_over_many_parameters_is_read_in_linear_time(tmp_path):
    # each entry was looked up in a list of every parameter's name: 40,000 entries × 200,002
    # parameters ran for minutes; and each misspelt one was hinted with a list of them all
    spec = tmp_path / "frozen.yaml"
    spec.write_text(_wide(tmp_path, "frozen: [" + ", ".join(f"w2_2_{i}" for i in range(1, 40_001)) + ", w9_1_1]\n"))
    result = invoke("grad", spec, expect=2)
    assert "'w9_1_1' is not a parameter of this network" in result.stderr
    assert "(200,003 in all)" in result.stderr and len(result.stderr) < 5_000


@pytest.mark.slow
def test_a_misspelt_name_over_a_large_network_gets_a_short_hint(tmp_path):
    # the hint listed every parameter and node of the network: 8.7 MB for one misspelt `names:` entry
    spec = tmp_path / "names.yaml"
    spec.write_text(_wide(tmp_path, "names: {k: zzz}\n"))
    result = invoke("grad", spec, expect=2)
    assert "'zzz' is not a parameter or node of this network" in result.stderr
    assert "in all)" in result.stderr and len(result.stderr) < 5_000


@pytest.mark.slow
def test_trace_refuses_a_network_of_too_many_edges_before_naming_its_every_value(tmp_path, monkeypatch):
    # too many edges were refused only after a row of the forward pass had been built and named
    # for each value (402,417 of them over a 456×456 image: 10 to 20 s to say no)
    from backprop_cli.core import mappaths

    def named(*_args):
        raise AssertionError("a value named before the refusal")

    monkeypatch.setattr(mappaths._Namer, "node", named)
    kernel = np.random.default_rng(1).standard_normal((1, 1, 16, 16)).round(2).tolist()
    spec = tmp_path / "conv.yaml"
    spec.write_text(_image(tmp_path, 130) + f"layers:\n  - type: conv2d\n    weights: {kernel}\n")
    result = invoke("trace", spec, "--weight", "w1_1_1_1_1", expect=2)
    assert "3,385,600 edges: too many to trace path by path" in result.stderr


def test_explore_refuses_a_network_too_large_to_show_before_tracing_it(tmp_path, monkeypatch):
    # the page's 4,096-value limit was checked after every parameter had been traced: a 400-layer
    # network of 16×16 maps took 12 s to be refused
    from backprop_cli.core import mappaths

    def traced(*_args, **_kwargs):
        raise AssertionError("traced before the refusal")

    monkeypatch.setattr(mappaths, "build_trace", traced)
    np.save(tmp_path / "image.npy", np.ones((16, 16)))
    layer = "  - type: conv2d\n    weights: [[[[0.1, 0.2], [0.2, 0.1]]]]\n    padding: 1\n"
    spec = tmp_path / "deep.yaml"
    spec.write_text("input: {file: image.npy}\nloss: none\nlayers:\n" + layer * 20)
    result = invoke("explore", spec, "-o", tmp_path / "deep.html", expect=2)
    assert "too many values to show: " in result.stderr and not (tmp_path / "deep.html").exists()


class _Counted(list):
    """A list that counts how often it is gone through."""

    passes = 0

    def __iter__(self):
        _Counted.passes += 1
        return super().__iter__()


@pytest.mark.slow
def test_a_deep_networks_trace_report_goes_through_its_neurons_once_not_once_a_layer(tmp_path):
    # text and Markdown picked each layer's rows out of every neuron of the network, for each layer
    # twice: 400 conv layers of 16×16 maps (102,656 values, within every limit) took 20 s in text
    from backprop_cli.api.computing import load_spec, trace
    from backprop_cli.report import markdown, text

    layer = "  - type: conv2d\n    weights: [[[[0.1, 0.2, 0.1], [0.2, 0.1, 0.2], [0.1, 0.2, 0.1]]]]\n    padding: 1\n"
    spec = load_spec(text="input: [[1, 2, 0], [0, 1, 3], [2, 1, 1]]\nloss: none\nlayers:\n" + layer * 30)
    for report in (lambda t: text.trace_report(t, 4), lambda t: markdown.trace_markdown(t, 4)):
        traced = trace(spec, ["w1_1_1_1_1"])
        traced.neurons = _Counted(traced.neurons)
        _Counted.passes = 0
        report(traced)
        assert _Counted.passes <= 2


def test_conv1d_weights_written_flat_are_hinted_as_weights_not_as_an_image(tmp_path):
    # conv1d weights have three axes, as an image does: the hint said "an image: [rows][cols] ..."
    spec = tmp_path / "flat.yaml"
    spec.write_text("input: [1, 2, 0, 1, 3]\ntarget: [1]\nloss: mse\nlayers:\n  - type: conv1d\n"
                    "    weights: [1, -1]\n  - activation: linear\n    weights: [[1, 1, 1, 1]]\n")
    result = invoke("grad", spec, expect=2)
    assert "flat.yaml:6:14: the weights of layer 1 must be nested 3 lists deep" in result.stderr
    assert "hint: write `weights:` as [out channels][in channels][length]" in result.stderr
    assert "an image" not in result.stderr


def test_a_quoted_number_or_a_type_that_is_not_a_word_is_described_as_written(tmp_path):
    # `stride: '1'` was refused as "not 1", and `type: null` as "unknown layer type 'None'"
    cnn = (SPECS / "cnn-4x4.yaml").read_text(encoding="utf-8")
    spec = tmp_path / "quoted.yaml"
    spec.write_text(cnn.replace("    stride: 1 ", "    stride: '1' ").replace("type: maxpool2d ", "type: null "))
    result = invoke("grad", spec, expect=2)
    assert "'stride' must be a whole number from 1 to 16, not the text '1'" in result.stderr
    assert "a layer's type is a word, not nothing" in result.stderr and "None" not in result.stderr


@pytest.mark.parametrize("command", [("step",), ("train", "--epochs", "2")])
def test_an_update_written_to_another_folder_still_names_the_specs_input_file(tmp_path, command):
    # `input: {file: image.npy}` was copied as written into elsewhere/out.yaml, where no image.npy
    # is: the spec step and train -o wrote did not load
    np.save(tmp_path / "image.npy", np.arange(16.0).reshape(4, 4) / 10)
    np.save(tmp_path / "dense.npy", np.full((2, 4), 0.1))
    spec = tmp_path / "net.yaml"
    spec.write_text("input: {file: image.npy}\ntarget: [1, 0]\nloss: mse\nlayers:\n  - type: maxpool2d\n    size: 2\n"
                    "  - activation: linear\n    weights: {file: dense.npy}\n")
    (tmp_path / "elsewhere").mkdir()
    out = tmp_path / "elsewhere" / "out.yaml"
    invoke(*command, spec, "-o", out, expect=0)
    assert 'input: {file: "../image.npy"}' in out.read_text()
    assert 'weights: {file: "out-dense.npy"}' in out.read_text()
    assert invoke("grad", out, expect=0)


@pytest.mark.slow
def test_grad_reads_every_parameters_row_without_looking_its_name_up(tmp_path, monkeypatch):
    # each of a network's rows was found by name three times (value, gradient, update): with a
    # dense layer of 4,000,000 weights reading a pooled image, grad took 70 s (now 11 s)
    from backprop_cli.core import mapnames

    calls = []
    find = mapnames.find
    monkeypatch.setattr(mapnames, "find", lambda *args, **kwargs: calls.append(args[1]) or find(*args, **kwargs))
    spec = tmp_path / "wide.yaml"
    spec.write_text(_wide(tmp_path, "frozen: [w2_1_1]\n"))
    rows = invoke("grad", spec, "--format", "json", expect=0)
    assert len(calls) < 100
    parameters = json.loads(rows.stdout)["parameters"]
    assert len(parameters) == 200_002 and parameters[0]["name"] == "w211"
    assert parameters[0]["updated"] == parameters[0]["value"]  # frozen
    assert parameters[-1]["name"] == "b22" and parameters[-1]["updated"] == -0.1 * parameters[-1]["gradient"]


@pytest.mark.slow
@pytest.mark.parametrize("spec_name", ["cnn-4x4.yaml", "padhai-4-4-2.yaml"])
def test_an_explore_page_holds_no_control_character_from_the_specs_name(tmp_path, spec_name):
    # `name:` and `description:` went into the page's title and heading with their control
    # characters (BEL, ESC), which HTML forbids
    text = (SPECS / spec_name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith(("name:", "description:"))]
    spec = tmp_path / "net.yaml"
    spec.write_text('name: "bell\\u0007 <b>x</b>"\ndescription: "esc\\u001b[31m"\n' + "\n".join(lines) + "\n")
    invoke("explore", spec, "-o", tmp_path / "page.html", expect=0)
    page = (tmp_path / "page.html").read_bytes()
    assert not [c for c in page if c < 32 and c not in (9, 10, 13)]
    assert b"bell\\x07 &lt;b&gt;x&lt;/b&gt;" in page


@pytest.mark.parametrize("output", [("step", "-o", "image.npy", "--force"),
                                    ("train", "--epochs", "1", "--log", "image.npy"),
                                    ("grad", "--format", "json", "--save", "dense.npy")])
def test_an_output_that_is_one_of_the_specs_matrix_files_is_refused(tmp_path, monkeypatch, output):
    # `step -o image.npy --force` replaced the spec's input image with YAML text, `train --log` with
    # CSV: an output that is one of the run's inputs is refused before anything is written
    monkeypatch.chdir(tmp_path)
    np.save(tmp_path / "image.npy", np.arange(16.0).reshape(4, 4) / 10)
    np.save(tmp_path / "dense.npy", np.full((2, 4), 0.1))
    (tmp_path / "net.yaml").write_text("input: {file: image.npy}\ntarget: [1, 0]\nloss: mse\nlayers:\n"
                                       "  - type: maxpool2d\n    size: 2\n  - activation: linear\n"
                                       "    weights: {file: dense.npy}\n")
    before = {name: (tmp_path / name).read_bytes() for name in ("image.npy", "dense.npy")}
    result = invoke(output[0], "net.yaml", *output[1:], expect=2)
    assert "is a matrix file the spec reads" in result.stderr
    assert before == {name: (tmp_path / name).read_bytes() for name in before}


def _deep(tmp_path, layers: int) -> str:
    np.save(tmp_path / "image.npy", np.ones((16, 16)))
    layer = "  - type: conv2d\n    weights: [[[[0.1, 0.2, 0.1], [0.2, 0.1, 0.2], [0.1, 0.2, 0.1]]]]\n    padding: 1\n"
    return "input: {file: image.npy}\nloss: none\nlayers:\n" + layer * layers


@pytest.mark.slow
def test_max_paths_too_large_for_the_network_is_refused_before_the_search_allocates(tmp_path):
    # the k best partial paths were kept for every value of every level: --max-paths 10000 over a
    # million values asked numpy for 74.5 GiB (exit 3, MemoryError), over 30 layers of 16×16 for 4 GB
    spec = tmp_path / "deep.yaml"
    spec.write_text(_deep(tmp_path, 30))
    result = invoke("trace", spec, "--weight", "w1_1_1_1_1", "--max-paths", "10000", expect=2)
    assert "ask for fewer with --max-paths" in result.stderr
    assert invoke("trace", spec, "--weight", "w1_1_1_1_1", "--format", "json", expect=0)


@pytest.mark.slow
def test_max_paths_beyond_the_paths_a_value_has_costs_nothing(tmp_path):
    # a pooled map's values have one path each: 10,000 best of them are that one
    spec = tmp_path / "pool.yaml"
    spec.write_text(_image(tmp_path, 64) + "layers:\n  - type: avgpool2d\n    size: 1\n")
    result = invoke("trace", spec, "--node", "x_1_1", "--max-paths", "10000", "--format", "json", expect=0)
    node = json.loads(result.stdout)["nodes"][0]
    assert node["path_count"] == 1 and len(node["paths"]) == 1
