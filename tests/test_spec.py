"""The spec loader: YAML 1.2 numbers, every key, files, and one located message per kind of mistake."""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from backprop_cli import SpecError, load_spec
from backprop_cli.spec import yamlsafe


@pytest.fixture(autouse=True, params=["libyaml", "python"])
def yaml_parser(request, monkeypatch):
    """Every spec test runs with libyaml's parser and with PyYAML's pure-Python fallback."""
    if request.param == "python":
        monkeypatch.setattr(yamlsafe, "LOADER", yamlsafe._Loader)

VALID = """\
input: [2, 5]
target: [1]
loss: squared_error
layers:
  - activation: sigmoid
    weights: [[0.1, 0.2], [0.3, 0.4]]
  - activation: linear
    weights: [[0.5, -0.5]]
    biases: [0.1]
"""


def problems(text: str) -> list[str]:
    with pytest.raises(SpecError) as info:
        load_spec(text=text, name="net.yaml")
    return str(info.value).splitlines()


def test_a_valid_spec_loads_with_defaults():
    spec = load_spec(text=VALID)
    assert spec.sizes == [2, 2, 1]
    assert spec.learning_rate == 0.1
    assert spec.network.reduction == "mean"
    assert spec.layers[0].biases.tolist() == [0.0, 0.0]
    assert spec.inputs.shape == (1, 2) and not spec.batch


@pytest.mark.parametrize("written, value", [
    ("1e-3", 1e-3), ("1.0e3", 1000.0), ("5E2", 500.0), (".5", 0.5), ("-.25", -0.25), ("010", 10.0),
    ("0x1F", 31.0), ("0o17", 15.0), ("+3", 3.0), ("-0", 0.0),
])
def test_numbers_follow_yaml_1_2(written, value):
    spec = load_spec(text=VALID.replace("input: [2, 5]", f"input: [2, {written}]"))
    assert spec.inputs[0, 1] == value


@pytest.mark.parametrize("written, message", [
    ("yes", "expected a number, got 'yes'"),
    ("on", "expected a number, got 'on'"),
    ("true", "expected a number, got the truth value"),
    (".nan", "'.nan' (not a number) is not allowed here"),
    (".inf", "'.inf' is not a finite float64 number"),
    ("-.inf", "'-.inf' is not a finite float64 number"),
    ("1e400", "'1e400' is not a finite float64 number"),
    ('"0.5"', "expected a number, got '0.5'"),
    ("null", "expected a number, got empty"),
    ("1" + "0" * 400, "is not a finite float64 number"),
])
def test_words_and_non_finite_numbers_are_refused_where_a_number_belongs(written, message):
    lines = problems(VALID.replace("input: [2, 5]", f"input: [2, {written}]"))
    assert lines[0].startswith("net.yaml:1:12: ")
    assert message in lines[0]
    assert lines[1].startswith("  hint: ")


@pytest.mark.parametrize("edit, expected, hint", [
    (("loss: squared_error", "loss: squared_eror"), "net.yaml:3:7: unknown loss 'squared_eror'",
     "did you mean 'squared_error'?"),
    (("activation: sigmoid", "activation: sigmod"), "net.yaml:5:17: unknown activation 'sigmod'",
     "did you mean 'sigmoid'?"),
    (("  - activation: sigmoid", "  - activaton: sigmoid"), "net.yaml:5:5: unknown key 'activaton'",
     "did you mean 'activation'?"),
    (("target: [1]", "target: [1, 2]"), "net.yaml:2:9: 'target' has 2 values per sample, but the output "
     "layer has 1 neuron", "give one target per output neuron (1)"),
    (("weights: [[0.5, -0.5]]", "weights: [[0.5, -0.5, 1]]"), "net.yaml:8:14: the weights of layer 2 "
     "have 3 columns, but layer 1 has 2 neurons", "expected shape 1×2"),
    (("weights: [[0.1, 0.2], [0.3, 0.4]]", "weights: [[0.1, 0.2], [0.3]]"), "net.yaml:6:27: row 2 of the "
     "weights of layer 1 has 1 number, row 1 has 2", "one weight per neuron of the previous layer"),
    (("biases: [0.1]", "biases: [0.1, 0.2]"), "net.yaml:9:13: layer 2 has 1 neuron but 2 biases",
     "write 1 number, one number for every neuron, `{shared: V}` or `none`"),
    (("loss: squared_error\n", ""), "net.yaml:1:1: 'loss' is missing", "add `loss: squared_error`"),
    (("input: [2, 5]\n", ""), "net.yaml:1:1: 'input' is missing", "`inputs: [[...], ...]` (a batch)"),
    (("input: [2, 5]", "input: [2, 5]\ninputs: [[2, 5]]"), "net.yaml:2:1: both 'input' and 'inputs' are given",
     "keep one"),
    (("input: [2, 5]", "input: 7"), "net.yaml:1:8: 'input' must be a list of numbers, not the number 7",
     "write [0.1, 0.2, ...]"),
    (("input: [2, 5]", "input: []"), "net.yaml:1:8: 'input' is an empty list", "write at least one number"),
    (("loss: squared_error", "loss: squared_error\nreduction: average"), "net.yaml:4:12: unknown reduction",
     "`reduction: mean`"),
    (("loss: squared_error", "loss: squared_error\nloss: mse"), "net.yaml:4:1: duplicate key 'loss'",
     "write each key once"),
    (("layers:\n", "layers: []\nx:\n"), "net.yaml:4:9: 'layers' must be a list of layers", "activation: sigmoid"),
    (("loss: squared_error", "loss: cross_entropy"), "net.yaml:7:17: cross_entropy needs outputs between 0 and 1",
     "use softmax"),
    (("activation: sigmoid", "activation: {name: sigmoid, alpha: 0.1}"), "net.yaml:5:33: 'alpha' belongs to leaky_relu",
     "remove it"),
    (("input: [2, 5]", "input: [2, 5]\nlearning_rate: fast"), "net.yaml:2:16: expected a number, got 'fast'",
     "write a number such as 0.5"),
])
def test_each_kind_of_mistake_is_located_with_a_hint(edit, expected, hint):
    old, new = edit
    assert old in VALID
    lines = problems(VALID.replace(old, new, 1))
    assert any(line.startswith(expected) for line in lines), lines
    assert any(line.startswith("  hint: ") and hint in line for line in lines), lines


def test_every_problem_is_reported_at_once_in_file_order():
    text = VALID.replace("[2, 5]", "[2, yes]").replace("squared_error", "squared_eror").replace(
        "activation: linear", "activation: lineer")
    lines = [l for l in problems(text) if not l.startswith("  hint")]
    assert [l.split(": ")[0] for l in lines] == ["net.yaml:1:12", "net.yaml:3:7", "net.yaml:7:17"]


def test_a_misspelt_key_is_not_also_reported_missing():
    lines = problems(VALID.replace("  - activation: sigmoid", "  - activaton: sigmoid"))
    assert not any("has no 'activation'" in line for line in lines)


@pytest.mark.parametrize("text, expected", [
    ("", "net.yaml:1:1: the file is empty"),
    ("[1, 2]", "net.yaml:1:1: a spec is a mapping of keys, not a list"),
    ("input: [1\n", "net.yaml:2:1: YAML syntax: while parsing a flow sequence"),
    ("input:\n\t- 1\n", "net.yaml:2:1: YAML syntax"),
    ("!!python/object/apply:os.system ['true']",
     "net.yaml:1:1: YAML tags such as '!!python/object/apply:os.system' are not allowed"),
    ("input: !!float 1", "net.yaml:1:8: YAML tags such as '!!float' are not allowed"),
    ("a: &x [1, 2]\nb: *x\n", "net.yaml:1:4: anchors and aliases (&name, *name) are not allowed"),
    ("[" * 3000 + "]" * 3000, "net.yaml:1:65: the document is nested or indented too deeply"),
    ("[" * 50_000, "net.yaml:1:65: the document is nested or indented too deeply"),  # libyaml would crash
    ("a:\n" + "- " * 50_000 + "1", "net.yaml:2:"),
    ("x: '" + "[" * 100 + "'\ny: [1]  # " + "{" * 100 + "\n", "net.yaml:1:1: unknown key 'x'"),
    ("input: [1, \x07]", "net.yaml:1:12: the file holds a control character YAML does not allow (U+0007)"),
])
def test_broken_documents(text, expected):
    assert problems(text)[0].startswith(expected)


def test_alias_bomb_is_refused_quickly():
    lines = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for i in range(1, 12):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 9) + "]")
    assert "anchors and aliases" in problems("\n".join(lines))[0]


def test_invalid_utf8_and_utf16(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_bytes(b"input: [1]\nname: \xff\xfe\x00bad")
    with pytest.raises(SpecError, match=r"net.yaml:2:7: the file is not valid UTF-8 text"):
        load_spec(path, name="net.yaml")
    path.write_bytes(VALID.encode("utf-16"))
    assert load_spec(path).sizes == [2, 2, 1]


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(SpecError, match="no such file"):
        load_spec(tmp_path / "nope.yaml")
    with pytest.raises(SpecError, match="a folder, not a file"):
        load_spec(tmp_path)


def test_matrices_from_npy_and_csv(tmp_path):
    np.save(tmp_path / "w1.npy", np.array([[0.1, 0.2], [0.3, 0.4]]))
    (tmp_path / "b2.csv").write_text("0.1\n")
    (tmp_path / "x.csv").write_text("# the batch\n2,5\n1,1\n")
    text = (VALID.replace("weights: [[0.1, 0.2], [0.3, 0.4]]", "weights: {file: w1.npy}")
            .replace("biases: [0.1]", "biases: {file: b2.csv}")
            .replace("input: [2, 5]", "inputs: {file: x.csv}").replace("target: [1]", "targets: [[1], [0]]"))
    (tmp_path / "net.yaml").write_text(text)
    spec = load_spec(tmp_path / "net.yaml")
    inline = load_spec(text=VALID)
    assert np.array_equal(spec.layers[0].weights, inline.layers[0].weights)
    assert spec.layers[1].biases.tolist() == [0.1]
    assert spec.inputs.tolist() == [[2, 5], [1, 1]] and spec.batch


@pytest.mark.parametrize("setup, expected", [
    (lambda d: None, "net.yaml:6:21: no such file 'w1.npy'"),
    (lambda d: (d / "w1.npy").write_bytes(b"not numpy"), "net.yaml:6:21: 'w1.npy' is not a .npy file"),
    (lambda d: (d / "w1.npy").write_bytes(b"\x93NUMPY\x09\x00"), "net.yaml:6:21: cannot read 'w1.npy'"),
    (lambda d: np.save(d / "w1.npy", np.array([[np.nan, 1], [1, 1]])), "net.yaml:6:21: 'w1.npy' holds nan or inf"),
    (lambda d: np.save(d / "w1.npy", np.array([["a", "b"]])), "net.yaml:6:21: 'w1.npy' holds <U1 values"),
    (lambda d: np.save(d / "w1.npy", np.array([{"x": 1}], dtype=object)),
     "net.yaml:6:21: 'w1.npy' holds Python objects"),
])
def test_bad_matrix_files(tmp_path, setup, expected):
    setup(tmp_path)
    (tmp_path / "net.yaml").write_text(VALID.replace("weights: [[0.1, 0.2], [0.3, 0.4]]", "weights: {file: w1.npy}"))
    with pytest.raises(SpecError) as info:
        load_spec(tmp_path / "net.yaml", name="net.yaml")
    assert str(info.value).startswith(expected)


def test_batch_with_sum_reduction_and_scalar_bias():
    text = VALID.replace("input: [2, 5]", "inputs: [[2, 5], [1, 0]]").replace(
        "target: [1]", "targets: [[1], [0]]\nreduction: sum").replace("biases: [0.1]", "biases: 0.1")
    spec = load_spec(text=text)
    assert spec.batch and spec.inputs.shape == (2, 2) and spec.network.reduction == "sum"
    assert spec.layers[1].biases.tolist() == [0.1]


def test_leaky_relu_alpha():
    spec = load_spec(text=VALID.replace("activation: sigmoid", "activation: {name: leaky_relu, alpha: 0.2}"))
    assert spec.layers[0].activation.alpha == 0.2


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text_loads_or_is_refused_with_a_located_message(text):
    try:
        load_spec(text=text, name="net.yaml")
    except SpecError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == "net.yaml" and problem.line >= 1 and problem.column >= 1


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(VALID) - 1), st.integers(0, len(VALID)), st.text(max_size=8))
def test_edited_valid_specs_load_or_are_refused_with_a_located_message(start, length, insert):
    text = VALID[:start] + insert + VALID[start + length:]
    try:
        spec = load_spec(text=text, name="net.yaml")
    except SpecError as exc:
        assert all(p.line >= 1 and p.column >= 1 for p in exc.problems)
    else:
        assert spec.sizes[0] == spec.inputs.shape[1]


@pytest.mark.slow
def test_absurd_sizes_are_refused():
    from backprop_cli.spec.yamlsafe import MAX_NODES, MAX_TEXT_BYTES

    wide = "[" + ",".join(["0"] * (MAX_NODES + 1)) + "]"
    assert "the document has too many values" in problems(VALID.replace("[2, 5]", wide, 1))[0]
    huge = VALID + "#" * MAX_TEXT_BYTES
    assert "the file is too large" in problems(huge)[0]


def _yaml_depth(node, depth=1) -> int:
    children = node.value if isinstance(node.value, list) else []
    flat = [c for pair in children for c in (pair if isinstance(pair, tuple) else (pair,))]
    return max((_yaml_depth(c, depth + 1) for c in flat), default=depth)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(pieces=st.lists(st.sampled_from(["[", "]", "{", "}", "'", '"', "\\", "a", " ", ",", ": ", "- ", "#", "\n",
                                        "? ", "''", "[" * 70, "- " * 70, "x'", "!!seq ", "\r", "\r\n",
                                        "\u2028"]), max_size=60))
@pytest.mark.slow
def test_the_nesting_scan_never_misses_what_yaml_would_nest(pieces):
    """Whatever the scan lets through, PyYAML's pure-Python parser nests no deeper than the limit."""
    import yaml as pyyaml

    from backprop_cli.spec.yamlsafe import MAX_INDENT, nesting_problem

    text = "".join(pieces)
    assume(nesting_problem(text) is None)
    try:
        node = pyyaml.compose(text, Loader=pyyaml.SafeLoader)
    except (pyyaml.YAMLError, RecursionError):
        return  # not YAML (or refused by the parser itself): nothing reached a composer's depth
    assert node is None or _yaml_depth(node) <= MAX_INDENT + 1, text  # far below what crashes libyaml
