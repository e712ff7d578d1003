"""spec.course: a spec's `names:` (the course's own names) and `frozen:`, read against its network."""
from pathlib import Path

import numpy as np
import pytest
from conftest import SPECS

from backprop_cli.core.functions import LOSSES, activation
from backprop_cli.core.names import NO_NAMES
from backprop_cli.core.network import Layer, Network
from backprop_cli.errors import SpecError
from backprop_cli.spec.course import MAX_NAMES, RESERVED, _canonical, node_names, read_frozen, read_names
from backprop_cli.spec.reader import load_spec, parse_spec
from backprop_cli.spec.values import ValueReader
from backprop_cli.spec.yamlsafe import parse

BASE = "input: [1, 2]\ntarget: [1]\nloss: mse\nlayers:\n  - activation: sigmoid\n    weights: [[0.1, 0.2]]\n"
NONE = BASE.replace("loss: mse", "loss: none").replace("target: [1]\n", "")


def network(sizes=(2, 3, 1), loss="mse"):
    layers = [Layer(np.zeros((sizes[i + 1], sizes[i])), np.zeros(sizes[i + 1]), activation("sigmoid"))
              for i in range(len(sizes) - 1)]
    return Network(layers, LOSSES[loss])


def loaded(text: str):
    s = parse_spec(text, "s.yaml", Path("."))
    return dict(s.network.names), s.network.frozen


def refusal(text: str) -> str:
    with pytest.raises(SpecError) as info:
        parse_spec(text, "s.yaml", Path("."))
    return str(info.value)


def test_node_names():
    assert node_names(network()) == ["x1", "x2", "z11", "z12", "z13", "a11", "a12", "a13", "z21", "yhat1", "y1", "L"]
    assert node_names(network((1, 1))) == ["x1", "z11", "yhat1", "y1", "L"]


@pytest.mark.parametrize("name, depth, canonical", [
    ("w2_1_1", 2, "w211"), ("h11", 2, "a11"), ("a21", 2, "yhat1"), ("a11", 2, "a11"), ("E_total", 2, "E_total"),
    ("L", 2, "L"), ("b1", 2, "b1"),
])
def test_canonical(name, depth, canonical):
    assert _canonical(name, depth) == canonical


def test_mazur_names_and_frozen_biases():
    s = load_spec(SPECS / "mazur-2-2-2.yaml")
    assert s.network.names["w211"] == "w5" and s.network.names["L"] == "E_total"
    assert s.network.names["z11"] == "net_h1" and s.network.names["yhat2"] == "out_o2"
    assert s.network.frozen == frozenset({"b1", "b2"})


def test_names_accepted_in_any_spelling():
    assert loaded(BASE + "names: {w: w1_1_1, out: a11, E: L, y_true: y1, θ1: w112}\n")[0] == \
        {"w111": "w", "yhat1": "out", "L": "E", "y1": "y_true", "w112": "θ1"}


def test_a_swap_of_canonical_names_is_allowed():
    assert loaded(BASE + "names: {w112: w111, w111: w112}\n")[0] == {"w111": "w112", "w112": "w111"}


def test_loss_none_names_the_output_f():
    assert loaded(NONE)[0] == {"L": "f"}
    assert loaded(NONE + "names: {out: L}\n")[0] == {"L": "out"}


@pytest.mark.parametrize("names, message", [
    ("{w: w999}", "s.yaml:7:12: 'w999' is not a parameter or node of this network\n"
                  "  hint: known: w111, w112, b11, x1, x2, z11, yhat1, y1, L"),
    ("{w: w1111}", "s.yaml:7:12: 'w1111' is not a parameter or node of this network\n  hint: did you mean 'w111'?"),
    ("{1abc: w111}", "s.yaml:7:9: '1abc' cannot be a name\n  hint: a name is letters, digits and _ (at most 40), "
                     "starting with a letter, not `loss` and not ending in `_new`"),
    ("{w_new: w111}", "s.yaml:7:9: 'w_new' cannot be a name"),
    ("{loss: w111}", "s.yaml:7:9: 'loss' cannot be a name"),
    ("{" + "a" * 41 + ": w111}", "s.yaml:7:9: '" + "a" * 41 + "' cannot be a name"),
    ("{a: w111, b: w111}", "s.yaml:7:18: w111 is already named 'a'\n  hint: give each quantity one name"),
    ("{w112: w111}", "s.yaml:7:9: 'w112' is already the name of another quantity of this network\n"
                     "  hint: rename w112 too, or choose a name that is not a canonical one"),
    ("[1]", "s.yaml:7:8: 'names' must be a mapping, not a list\n  hint: write one `course_name: canonical_name` per "
            "line, e.g. `w5: w211` or `E_total: L`"),
    ("{a: 3}", "s.yaml:7:12: '3' is not a parameter or node of this network\n  hint: write the canonical name it "
               "replaces, e.g. `w5: w211`, `net_h1: z11`, `E_total: L`"),
    ('{"a\\nb": w111}', "s.yaml:7:9: 'a\\x0ab' cannot be a name"),
])
def test_names_refused(names, message):
    assert refusal(BASE + f"names: {names}\n").startswith(message)


def test_f_is_taken_by_a_circuit_output():
    assert refusal(NONE + "names: {f: w111}\n").startswith(
        "s.yaml:6:9: 'f' is the circuit's output here (`loss: none`)\n"
        "  hint: choose another name, or rename the output too (`out: L`)")


@pytest.mark.slow
def test_too_many_names():
    text = BASE + "names: {" + ", ".join(f"n{i}: w111" for i in range(MAX_NAMES + 1)) + "}\n"
    assert refusal(text) == "s.yaml:7:8: 'names' has 10,001 entries\n  hint: at most 10,000"


def test_reserved():
    assert RESERVED == ("loss", "biases", "weights")


@pytest.mark.parametrize("frozen, expected", [
    ("biases", {"b11"}), ("[biases, w111]", {"b11", "w111"}), ("[w1_1_2]", {"w112"}), ("[]", set()),
])
def test_frozen(frozen, expected):
    assert loaded(BASE + f"frozen: {frozen}\n")[1] == frozenset(expected)


def test_frozen_by_course_name():
    assert loaded(BASE + "names: {my: w112}\nfrozen: [my]\n") == ({"w112": "my"}, frozenset({"w112"}))


@pytest.mark.parametrize("frozen, message", [
    ("3", "s.yaml:7:9: 'frozen' must be a list of parameter names or `biases`, not the number 3\n"
          "  hint: write `frozen: [b1, w5]` (parameter names, or `biases` for all of them)"),
    ("[3]", "s.yaml:7:10: '3' is not a parameter of this network\n"
            "  hint: write `frozen: [b1, w5]` (parameter names, or `biases` for all of them)"),
    ("[z11]", "s.yaml:7:10: 'z11' is not a parameter of this network"),
    ("[w999]", "s.yaml:7:10: 'w999' is not a parameter of this network\n  hint: known: w111, w112, b11, biases"),
])
def test_frozen_refused(frozen, message):
    assert refusal(BASE + f"frozen: {frozen}\n").startswith(message)


def test_frozen_typo_of_a_course_name():
    assert refusal(BASE + "names: {my: w112}\nfrozen: [myy]\n") == \
        "s.yaml:8:10: 'myy' is not a parameter of this network\n  hint: did you mean 'my'?"


def test_read_names_and_frozen_directly():
    doc = parse("names: {w: w111}\nfrozen: [w]\n", "d.yaml")
    reader = ValueReader(doc, Path("."), False)
    net = network((2, 1))
    course = read_names(reader, doc.data, net)
    assert dict(course) == {"w111": "w"} and reader.problems == []
    with pytest.raises(TypeError):
        course["x"] = "y"  # read-only
    assert read_frozen(reader, doc.data, net, course) == frozenset({"w111"})
    assert read_names(reader, {}, net) is NO_NAMES
    assert read_frozen(reader, {}, net, course) == frozenset()


def test_read_names_returns_none_after_a_problem():
    doc = parse("names: {w: w111, v: nope}\n", "d.yaml")
    reader = ValueReader(doc, Path("."), False)
    assert read_names(reader, doc.data, network((2, 1))) is NO_NAMES
    assert len(reader.problems) == 1
