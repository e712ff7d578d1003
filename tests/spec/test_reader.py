"""spec.reader: YAML text -> Spec, checked against PyYAML + the plain-Python oracle, and every refusal located."""
import math
from pathlib import Path

import numpy as np
import pytest
from conftest import EXAMPLES, EXPRESSION_EXAMPLES, SPECS, oracle_problem
from oracle import batch_loss, finite_difference

from backprop_cli.errors import SpecError, UsageError
from backprop_cli.spec.reader import DEFAULT_LEARNING_RATE, Spec, load_spec, parse_spec, read_document
from backprop_cli.spec.yamlsafe import parse

BASE = "input: [1, 2]\ntarget: [1]\nloss: mse\nlayers:\n  - activation: sigmoid\n    weights: [[0.1, 0.2]]\n"


def spec(text: str, base: Path = Path(".")) -> Spec:
    return parse_spec(text, "s.yaml", base)


def refusal(text: str, base: Path = Path(".")) -> str:
    with pytest.raises(SpecError) as info:
        parse_spec(text, "s.yaml", base)
    return str(info.value)


def canonical(key) -> str:
    kind, layer, j, k = key
    return f"{kind}{layer}" + ("" if j is None else str(j)) + ("" if k is None else str(k))


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_match_the_oracle(name):
    layers, inputs, targets, loss, reduction, rate = oracle_problem(SPECS / f"{name}.yaml")
    loaded = load_spec(SPECS / f"{name}.yaml")
    assert loaded.learning_rate == rate and loaded.network.reduction == reduction
    assert loaded.sizes == [len(inputs[0])] + [len(l["weights"]) for l in layers]
    for got, layer in zip(loaded.layers, layers):
        assert got.weights.tolist() == layer["weights"] and got.biases.tolist() == layer["biases"]
        assert got.bias_style == layer["bias_style"]
    result = loaded.compute()
    assert math.isclose(result.loss, batch_loss(layers, inputs, targets, loss, reduction), rel_tol=1e-12)
    expected = finite_difference(layers, inputs, targets, loss, reduction)
    for key, value in expected.items():
        assert math.isclose(result.gradient(canonical(key)), value, rel_tol=1e-5, abs_tol=1e-8), key


def test_mazur_published_numbers():
    result = load_spec(SPECS / "mazur-2-2-2.yaml").compute()
    assert round(result.loss, 9) == 0.298371109
    assert round(result.gradient("w211"), 9) == 0.082167041
    assert round(result.updated("w211"), 8) == 0.35891648


def test_minimal_spec_defaults():
    s = spec(BASE)
    assert s.sizes == [2, 1] and s.layouts == ["to_from"] and not s.batch
    assert s.learning_rate == DEFAULT_LEARNING_RATE == 0.1
    assert s.network.bias_styles == ("each",) and s.layers[0].biases.tolist() == [0.0]
    assert s.name == "" and s.description == "" and s.file == "s.yaml"
    assert s.summary() == {"sizes": [2, 1]}
    z = 0.1 * 1 + 0.2 * 2
    expected = (1 / (1 + math.exp(-z)) - 1) ** 2
    assert math.isclose(s.compute().loss, expected, rel_tol=1e-15)


def test_compute_at_another_rate():
    s = spec(BASE)
    result = s.compute(0.5)
    assert result.learning_rate == 0.5
    assert math.isclose(result.updated("w111"), 0.1 - 0.5 * result.gradient("w111"), rel_tol=1e-15)


@pytest.mark.parametrize("rate", [0, -1, math.inf, math.nan, True, "0.1"])
def test_compute_refuses_a_bad_rate(rate):
    with pytest.raises(UsageError, match="the learning rate must be a finite number above 0, not "):
        spec(BASE).compute(rate)


def test_negative_learning_rate_is_located():
    assert refusal(BASE + "learning_rate: -1\n").startswith("s.yaml:7:16: ")


def test_from_to_layout_transposes():
    s = spec(BASE.replace("[[0.1, 0.2]]", "[[0.1], [0.2]]") + "    layout: from_to\n")
    assert s.layers[0].weights.tolist() == [[0.1, 0.2]] and s.layouts == ["from_to"]
    top = spec("layout: from_to\n" + BASE.replace("[[0.1, 0.2]]", "[[0.1], [0.2]]"))
    assert top.layers[0].weights.tolist() == [[0.1, 0.2]]


def test_batch_and_biases_styles():
    s = spec("inputs: [[1, 2], [3, 4]]\ntargets: [[1], [0]]\nloss: mse\nreduction: sum\nlayers:\n"
             "  - activation: {name: leaky_relu, alpha: 0.2}\n    weights: [[0.1, 0.2], [0.3, 0.4]]\n"
             "    biases: {shared: 0.5}\n  - activation: linear\n    weights: [[1, -1]]\n    biases: none\n")
    assert s.batch and s.inputs.shape == (2, 2) and s.network.reduction == "sum"
    assert s.network.bias_styles == ("shared", "none")
    assert s.layers[0].biases.tolist() == [0.5, 0.5] and s.layers[0].activation.name == "leaky_relu"
    # the oracle: sum of squared errors over the two samples
    layers = [{"activation": "leaky_relu", "alpha": 0.2, "weights": [[0.1, 0.2], [0.3, 0.4]], "biases": [0.5, 0.5]},
              {"activation": "linear", "weights": [[1, -1]], "biases": [0]}]
    assert math.isclose(s.compute().loss, batch_loss(layers, [[1, 2], [3, 4]], [[1], [0]], "mse", "sum"))


def test_loss_none_output_gradient():
    text = BASE.replace("loss: mse", "loss: none").replace("target: [1]\n", "")
    assert spec(text).targets.tolist() == [[1.0]]
    s = spec(text.replace("loss: none", "loss: none\noutput_gradient: [2.5]"))
    assert s.targets.tolist() == [[2.5]]
    z = 0.5
    assert math.isclose(s.compute().loss, 2.5 / (1 + math.exp(-z)), rel_tol=1e-15)
    assert dict(s.network.names) == {"L": "f"}


def test_names_and_frozen():
    s = spec(BASE + "names: {my_w: w111, E: L}\nfrozen: [my_w]\n")
    assert dict(s.network.names) == {"w111": "my_w", "L": "E"}
    assert s.network.frozen == frozenset({"w111"})
    result = s.compute()
    assert result.updated("w111") == 0.1


def test_matrix_files(tmp_path):
    np.save(tmp_path / "w.npy", np.array([[0.1, 0.2]]))
    (tmp_path / "net.yaml").write_text(BASE.replace("[[0.1, 0.2]]", "{file: w.npy}"))
    s = load_spec(tmp_path / "net.yaml")
    assert s.layers[0].weights.tolist() == [[0.1, 0.2]]
    assert s.matrix_files == {("layers", 0, "weights"): ("w.npy", (1, 2))}


def test_confined_matrix_files(tmp_path):
    inner = tmp_path / "student"
    inner.mkdir()
    np.save(tmp_path / "w.npy", np.array([[0.1, 0.2]]))
    (inner / "net.yaml").write_text(BASE.replace("[[0.1, 0.2]]", "{file: ../w.npy}"))
    assert load_spec(inner / "net.yaml").sizes == [2, 1]
    with pytest.raises(SpecError, match=r"net\.yaml:6:21: cannot read '\.\./w\.npy': the file is outside the folder"):
        load_spec(inner / "net.yaml", confined=True)


def test_load_spec_text_name_and_errors(tmp_path):
    assert load_spec(text=BASE, name="mine").file == "mine"
    with pytest.raises(TypeError):
        load_spec()
    with pytest.raises(SpecError) as info:
        load_spec(tmp_path / "nope.yaml", name="nope.yaml")
    assert str(info.value) == ("nope.yaml:1:1: no such file\n  hint: give the path of a spec file, or --example NAME "
                               "(see `backprop examples`)")


def test_read_document_dispatches_expressions():
    name = EXPRESSION_EXAMPLES[0]
    doc = parse((SPECS / f"{name}.yaml").read_text(encoding="utf-8"), name)
    assert type(read_document(doc, SPECS)).__name__ == "ExpressionSpec"
    assert isinstance(read_document(parse(BASE, "s"), SPECS), Spec)


@pytest.mark.parametrize("change, message", [
    (lambda t: "- 1\n", "s.yaml:1:1: a spec is a mapping of keys, not a list\n  hint: start with `input:`, `target:`, "
                        "`loss:` and `layers:`; see `backprop examples`"),
    (lambda t: t.replace("loss: mse", "loss: mse\nreduction: avg"),
     "s.yaml:4:12: unknown reduction 'avg'\n  hint: write `reduction: mean` or `reduction: sum`"),
    (lambda t: t.replace("input:", "inputs:"),
     "s.yaml:1:1: 'inputs' holds one list of numbers, but it is a batch: a list of rows\n  hint: for one sample "
     "write `input: [...]`; for a batch, one row per sample: `inputs: [[...], [...]]`"),
    (lambda t: t.replace("input: [1, 2]", "input: [[1, 2]]"),
     "s.yaml:1:1: 'input' holds a list of rows, but it is one sample\n  hint: for a batch write `inputs:` with one "
     "row per sample; for one sample, `input: [...]`"),
    (lambda t: t + "inputs: [[1, 2]]\n", "s.yaml:7:1: both 'input' and 'inputs' are given"),
    (lambda t: t + "    biases: [1, 2]\n", "s.yaml:7:13: layer 1 has 1 neuron but 2 biases\n  hint: write 1 number, "
                                           "one number for every neuron, `{shared: V}` or `none`"),
    (lambda t: t + "    biases: nope\n", "s.yaml:7:13: unknown biases 'nope'\n  hint: write a number, a list, "
                                         "`{shared: 0.35}` (one bias for the layer) or `none` (no biases)"),
    (lambda t: t + "    biases: {}\n", "s.yaml:7:13: empty biases mapping\n  hint: write `{shared: 0.35}` or "
                                       "`{file: b.npy}`"),
    (lambda t: t + "    biases: {shard: 1}\n", "s.yaml:7:14: unknown key 'shard'\n  hint: did you mean 'shared'?"),
    (lambda t: t.replace("[[0.1, 0.2]]", "[[0.1, 0.2, 0.3]]"),
     "s.yaml:6:14: the weights of layer 1 have 3 columns, but the input has 2 values\n  hint: expected shape 1×2: "
     "one row per neuron, one column per input"),
    (lambda t: t.replace("[[0.1, 0.2]]", "[[0.1, 0.2, 0.3]]") + "    layout: from_to\n",
     "s.yaml:6:14: the weights of layer 1 have 1 row (layout: from_to), but the input has 2 values\n"
     "  hint: expected shape 2×3: one row per input, one column per neuron"),
    (lambda t: t.replace("target: [1]", "target: [1, 2]"),
     "s.yaml:2:9: 'target' has 2 values per sample, but the output layer has 1 neuron\n"
     "  hint: give one target per output neuron (1)"),
    (lambda t: t.replace("loss: mse", "loss: none"),
     "s.yaml:2:1: `loss: none` has no 'target': there is no loss to compare the output with"),
    (lambda t: t + "output_gradient: [1]\n", "s.yaml:7:1: 'output_gradient' belongs to `loss: none`, not to mse"),
    (lambda t: t.replace("loss: mse", "loss: none").replace("target: [1]\n", "output_gradient: [1, 2]\n"),
     "s.yaml:2:18: 'output_gradient' has 2 values, but the output layer has 1 neuron\n"
     "  hint: give one ∂f/∂ŷ per output neuron (1)"),
    (lambda t: t.replace("sigmoid", "{name: sigmoid, alpha: 0.2}"),
     "s.yaml:5:33: 'alpha' belongs to leaky_relu, not sigmoid\n  hint: remove it"),
    (lambda t: t.replace("sigmoid", "sigmoyd"), "s.yaml:5:17: unknown activation 'sigmoyd'\n"
                                                "  hint: did you mean 'sigmoid'?"),
    (lambda t: t.replace("    weights: [[0.1, 0.2]]\n", ""), "s.yaml:5:5: layer 1 has no 'weights'\n"
                                                            "  hint: add `weights: [[...]]`, one row per neuron"),
    (lambda t: t.replace("  - activation: sigmoid\n    weights", "  - weights"), "s.yaml:5:5: layer 1 has no "
                                                                               "'activation'"),
    (lambda t: t.replace("  - activation: sigmoid\n    weights: [[0.1, 0.2]]\n", "  - 3\n"),
     "s.yaml:5:5: layer 1 must be a mapping, not the number 3"),
    (lambda t: t + "    layout: sideways\n", "s.yaml:7:13: unknown layout 'sideways'"),
    (lambda t: t.replace("loss: mse", "loss: binary_cross_entropy").replace("[1]", "[2]"),
     "s.yaml:2:9: binary_cross_entropy needs targets between 0 and 1\n"
     "  hint: targets are probabilities (one-hot for cross_entropy)"),
    (lambda t: t.replace("loss: mse", "loss: cross_entropy").replace("sigmoid", "relu"),
     "s.yaml:5:17: cross_entropy needs outputs between 0 and 1, but the output activation is relu"),
    (lambda t: t + "frozen: [w999]\n", "s.yaml:7:10: 'w999' is not a parameter of this network\n"
                                       "  hint: known: w111, w112, b11, biases"),
    (lambda t: t + "lose: 1\n", "s.yaml:7:1: unknown key 'lose'\n  hint: did you mean 'loss'?"),
    (lambda t: t + "name: [1]\n", "s.yaml:7:7: 'name' must be text, not a list"),
    (lambda t: "input: [1]\n", "s.yaml:1:1: 'loss' is missing\n  hint: add `loss: squared_error` (known: "
                               "squared_error, half_squared_error, mse, cross_entropy, binary_cross_entropy, none)\n"
                               "s.yaml:1:1: 'target' is missing\n  hint: add `target: [...]` (one sample) or "
                               "`targets: [[...], ...]` (a batch)\ns.yaml:1:1: 'layers' is missing\n"
                               "  hint: add `layers:` with one entry per layer of weights"),
])
def test_refusals_are_located(change, message):
    assert message in refusal(change(BASE))


def test_misspelt_key_is_not_also_missing():
    assert refusal(BASE.replace("loss: mse", "lose: mse")) == ("s.yaml:3:1: unknown key 'lose'\n"
                                                                "  hint: did you mean 'loss'?")


def test_every_problem_is_reported_at_once():
    text = BASE.replace("sigmoid", "sigmoyd").replace("[1]", "[x]") + "learning_rate: .nan\n"
    lines = [line for line in refusal(text).splitlines() if not line.startswith("  hint")]
    assert [line.split(":")[1] for line in lines] == ["2", "5", "7"]


def test_huge_and_hostile_values():
    assert "is not a finite float64 number" in refusal(BASE.replace("[1]", "[" + "9" * 10_000 + "]"))
    message = refusal(BASE.replace("loss: mse", "loss: \"\\e[31mx\\u2028\""))
    assert "\x1b" not in message and "\u2028" not in message and "'\\x1b[31mx\\x2028'" in message
