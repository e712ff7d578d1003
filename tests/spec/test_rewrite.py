"""spec.rewrite: new numbers written into the user's own text (comments and layout kept), read back exactly."""
from pathlib import Path

import numpy as np
import pytest
from conftest import EXAMPLES, SPECS
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_cli.errors import UsageError
from backprop_cli.spec.reader import load_spec, parse_spec
from backprop_cli.spec.rewrite import _Edits, check_reads_back, rewrite_spec, updated_matrix_name


def shifted(spec, delta=0.125):
    """Every layer with each weight and bias moved by delta (a shared bias moves as one)."""
    return [layer.replace(weights=layer.weights + delta, biases=layer.biases + delta)
            for layer in spec.layers]


def same_numbers(text, spec_file, layers):
    back = parse_spec(text, spec_file, SPECS)
    for got, want in zip(back.layers, layers):
        assert np.array_equal(got.weights, want.weights)
        if want.bias_style != "none":
            assert np.array_equal(got.biases, want.biases)
        assert got.bias_style == want.bias_style
    return back


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_round_trip_and_keep_comments(name):
    spec = load_spec(SPECS / f"{name}.yaml")
    after = shifted(spec)
    text, files = rewrite_spec(spec, after, None)
    assert files == {}
    same_numbers(text, spec.file, after)
    original = (SPECS / f"{name}.yaml").read_text(encoding="utf-8")
    keep = lambda t: [line.split("#", 1)[1] for line in t.splitlines() if "#" in line]  # noqa: E731
    assert keep(text) == keep(original)
    assert len(text.splitlines()) == len(original.splitlines())


def test_unchanged_layers_change_only_how_numbers_are_spelt():
    text = (SPECS / "mazur-2-2-2.yaml").read_text(encoding="utf-8")
    spec = load_spec(SPECS / "mazur-2-2-2.yaml")
    written = rewrite_spec(spec, spec.layers, None)[0]
    assert written == text.replace("0.20]", "0.2]").replace("0.30]", "0.3]").replace("0.40,", "0.4,") \
        .replace("0.50,", "0.5,").replace("0.60}", "0.6}")


finite = st.floats(-1e6, 1e6, allow_nan=False).filter(lambda v: v != 0 or True)


@settings(max_examples=50, deadline=None)
@given(st.lists(finite, min_size=6, max_size=6), st.sampled_from(["to_from", "from_to"]),
       st.sampled_from(["[0.5]", "0", "{shared: 2}", "none", None]))
@pytest.mark.slow
def test_any_numbers_read_back_exactly(values, layout, biases):
    weights = "[[0.1, 0.2], [0.3, 0.4]]"
    text = ("input: [1, 2]  # x\ntarget: [0, 1]\nloss: mse\nlayers:\n  - activation: linear\n"
            f"    layout: {layout}\n    weights: {weights}\n")
    if biases is not None:
        text += f"    biases: {biases if biases != '[0.5]' else '[0.5, 0.5]'}\n"
    spec = parse_spec(text, "s.yaml", Path("."))
    layer = spec.layers[0]
    new_biases = np.array(values[4:6]) if layer.bias_style == "each" else np.full(2, values[4])
    after = [layer.replace(weights=np.array(values[:4]).reshape(2, 2), biases=new_biases)]
    written, _ = rewrite_spec(spec, after, None)
    same_numbers(written, "s.yaml", after)
    assert written.startswith("input: [1, 2]  # x\n")


def test_missing_biases_are_added_in_the_file_style():
    text = "input: [1, 2]\r\ntarget: [1]\r\nloss: mse\r\nlayers:\r\n  - activation: linear\r\n    weights:\r\n" \
           "      - [0.1, 0.2]\r\n  - {activation: linear, weights: [[1]]}\r\n"
    spec = parse_spec(text, "s.yaml", Path("."))
    after = [layer.replace(biases=np.array([0.25])) for layer in spec.layers]
    written, _ = rewrite_spec(spec, after, None)
    assert written == ("input: [1, 2]\r\ntarget: [1]\r\nloss: mse\r\nlayers:\r\n  - activation: linear\r\n"
                       "    weights:\r\n      - [0.1, 0.2]\r\n    biases: [0.25]\r\n"
                       "  - {activation: linear, weights: [[1.0]], biases: [0.25]}\r\n")


def test_missing_biases_at_the_end_of_a_file_without_a_final_newline():
    text = "input: [1]\ntarget: [1]\nloss: mse\nlayers:\n  - activation: linear\n    weights: [[2]]"
    spec = parse_spec(text, "s.yaml", Path("."))
    written, _ = rewrite_spec(spec, [spec.layers[0].replace(biases=np.array([-0.5]))], None)
    assert written == text.replace("[[2]]", "[[2.0]]") + "\n    biases: [-0.5]\n"


def test_a_scalar_bias_stays_a_scalar_when_all_equal():
    text = "input: [1]\ntarget: [1, 1]\nloss: mse\nlayers:\n  - activation: linear\n    weights: [[2], [3]]\n" \
           "    biases: 0\n"
    spec = parse_spec(text, "s.yaml", Path("."))
    same = rewrite_spec(spec, [spec.layers[0].replace(biases=np.array([0.5, 0.5]))], None)[0]
    assert same.endswith("    biases: 0.5\n")
    differ = rewrite_spec(spec, [spec.layers[0].replace(biases=np.array([0.5, -1.0]))], None)[0]
    assert differ.endswith("    biases: [0.5, -1.0]\n")


def test_matrix_files_get_new_files_beside_the_output(tmp_path):
    np.save(tmp_path / "w1.npy", np.array([[0.1, 0.2]]))
    (tmp_path / "net.yaml").write_text("input: [1, 2]\ntarget: [1]\nloss: mse\nlayers:\n  - activation: linear\n"
                                       "    weights: {file: w1.npy}\n")
    (tmp_path / "out-w1.npy").write_bytes(b"taken")
    spec = load_spec(tmp_path / "net.yaml")
    after = shifted(spec)
    text, files = rewrite_spec(spec, after, tmp_path / "out.yaml")
    assert text.endswith("    weights: {file: \"out-w1-2.npy\"}\n    biases: [0.125]\n")
    assert list(files) == [tmp_path / "out-w1-2.npy"]
    assert np.array_equal(files[tmp_path / "out-w1-2.npy"], after[0].weights)
    with pytest.raises(UsageError, match="layer 1's weights come from 'w1.npy': the updated values go to a new "
                                         "file beside the output, so give -o FILE, not standard output"):
        rewrite_spec(spec, after, None)


def test_updated_matrix_name(tmp_path):
    taken: set = set()
    assert updated_matrix_name("sub/w1.npy", tmp_path / "after.yaml", taken) == "after-w1.npy"
    assert updated_matrix_name("w1.npy", tmp_path / "after.yaml", taken) == "after-w1-2.npy"
    (tmp_path / "after-b.csv").write_text("1")
    assert updated_matrix_name("b.csv", tmp_path / "after.yaml", taken) == "after-b-2.csv"
    # a name it gave beside the spec read is named from its matrix again; a user's own name is kept
    assert updated_matrix_name("net-w1-7.npy", tmp_path / "later.yaml", taken, "dir/net.yaml") == "later-w1.npy"
    assert updated_matrix_name("net-w1.npy", tmp_path / "later.yaml", taken, "net.yaml") == "later-w1-2.npy"
    assert updated_matrix_name("layer-1.npy", tmp_path / "later.yaml", taken, "net.yaml") == "later-layer-1.npy"
    assert updated_matrix_name("net-.npy", tmp_path / "later.yaml", taken, "net.yaml") == "later-net-.npy"


def test_edits_apply_from_the_end_and_check_spans():
    edits = _Edits("ab\ncd\r\nef")
    edits.replace((2, 1), "cd", "XYZ")
    edits.replace((1, 2), "b", "")
    edits.insert(len("ab\ncd\r\nef"), "!")
    assert edits.apply() == "a\nXYZ\r\nef!"
    with pytest.raises(AssertionError):
        edits.replace((3, 1), "zz", "q")


def test_check_reads_back_refuses_a_mismatch():
    spec = load_spec(SPECS / "mazur-2-2-2.yaml")
    text = (SPECS / "mazur-2-2-2.yaml").read_text(encoding="utf-8")
    check_reads_back(text, spec, spec.layers)  # the same numbers: fine
    with pytest.raises(UsageError, match="cannot write the update into this spec's layout without breaking it"):
        check_reads_back(text, spec, shifted(spec))


INLINE_BLOCK = ('title: "HW"   # the title\n'
                "network:   # everyone's network\n"
                "# typed in as printed\n"
                "  input: [2, 5]\n"
                "  target: [1]\n"
                "  learning_rate: 1e-1\n"
                "  loss: squared_error\n"
                "  layers:\n"
                "    - activation: sigmoid\n"
                "      weights: [[0.1, -.3], [5E-1, 0.2]]   # W1\n"
                "\n"
                "    - activation: linear\n"
                "      weights: [[0.5,\n"
                "        0.8]]\n"
                "    # end of the network\n"
                "# the questions\n"
                "questions: []\n")


def _network(text):
    from backprop_cli.spec.yamlsafe import parse

    return parse(text, "hw.yaml").subdocument(("network",))


def test_own_text_of_an_inline_block_mapping_keeps_numbers_and_comments_as_written():
    from backprop_cli.spec.rewrite import own_text

    text = own_text(_network(INLINE_BLOCK))
    assert text == ("# typed in as printed\ninput: [2, 5]\ntarget: [1]\nlearning_rate: 1e-1\nloss: squared_error\n"
                    "layers:\n  - activation: sigmoid\n    weights: [[0.1, -.3], [5E-1, 0.2]]   # W1\n\n"
                    "  - activation: linear\n    weights: [[0.5,\n      0.8]]\n  # end of the network\n")
    assert parse_spec(text, "net.yaml", ".").layers[0].weights.tolist() == [[0.1, -0.3], [0.5, 0.2]]


def test_own_text_of_a_flow_mapping_and_its_line_breaks():
    from backprop_cli.spec.rewrite import own_text

    flow = ("network: {input: [1], target: [2],   # one\n"
            "  loss: mse, layers: [{activation: linear, weights: [[3]]}]}  # x\n")
    assert own_text(_network(flow + "questions: []\n")) == flow[len("network: "):flow.index("  # x")] + "\n"
    crlf = INLINE_BLOCK.replace("\n", "\r\n")
    assert own_text(_network(crlf)) == own_text(_network(INLINE_BLOCK)).replace("\n", "\r\n")


def test_own_text_is_none_where_the_text_cannot_stand_alone():
    from backprop_cli.spec.rewrite import own_text

    assert own_text(_network(INLINE_BLOCK).subdocument(("layers", 0, "weights"))) is None  # not a mapping
    outdented = INLINE_BLOCK.replace("        0.8]]", "0.8]]")  # a flow sequence's lines may go left of its key
    assert _network(outdented).data["layers"][1]["weights"] == [[0.5, 0.8]]
    assert own_text(_network(outdented)) is None
