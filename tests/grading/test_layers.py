"""grading.layers: check, key and assignments on section 9's layers. Every name of section 9 is a
quantity whose true value is the engine's (or the plain-Python oracle's); unknown names are not
graded, with the nearest names; keys at every precision pass their own check; each catalogued
mistake injected into random networks is named; carried-forward credit, arithmetic slips and
imprecise answers as the one rule says, on values worked out by hand; a network too large is
refused, located; an assignment on a fixed section-9 network grades, a personal one is refused."""
import copy
import json
import math
import random

import oracle_coupled
import pytest
import yaml
from conftest import SPECS, invoke

from backprop_cli import load_spec
from backprop_cli.api.grading import key
from backprop_cli.core import mapslips, slips
from backprop_cli.core.scalargraph import HIDDEN
from backprop_cli.grading.grades import Grader
from backprop_cli.grading.layers import LayersDiagnoser, graded_result, parse_layer_quantity
from backprop_cli.grading.quantities import QuantityError

EXAMPLES = ["cnn-4x4", "rnn-2-unit-3-steps", "batchnorm-batch-of-4"]


def spec_of(example: str):
    return load_spec(SPECS / f"{example}.yaml")


def graded(example: str):
    return graded_result(spec_of(example))


def truth(result, text: str) -> float:
    return result.truth(parse_layer_quantity(text, result))


def test_cnn_names_are_quantities_with_the_engines_values():
    r = graded("cnn-4x4")
    engine = r.engine
    assert truth(r, "dL/dw1_1_1_2_2") == pytest.approx(engine.gradient("w1_1_1_2_2"), rel=1e-12)
    assert truth(r, "dL/dw3_1_1") == truth(r, "dL/dw311") == pytest.approx(engine.gradient("w311"), rel=1e-12)
    assert truth(r, "a2_1_1_1") == pytest.approx(engine.forward["a2_1_1_1"], rel=1e-12)
    assert truth(r, "w1_1_1_1_1_new") == pytest.approx(engine.updated("w1_1_1_1_1"), rel=1e-12)
    assert truth(r, "loss") == truth(r, "L") == pytest.approx(engine.loss, rel=1e-12)
    assert truth(r, "x_2_3") == 3.0


def test_recurrent_names_are_quantities_with_the_oracles_values():
    r = graded("rnn-2-unit-3-steps")
    oracle = oracle_coupled.build_sequence(yaml.safe_load((SPECS / "rnn-2-unit-3-steps.yaml").read_text()))
    gradients = oracle.gradients("L")
    for name in ("h11@2", "yhat1@3", "L@3", "z12@1"):
        assert truth(r, name) == pytest.approx(oracle.value[name], rel=1e-12), name
    assert truth(r, "dL/dh11@2") == pytest.approx(gradients["h11@2"], rel=1e-12)
    # dL/dwh111@2: the part step 2 contributes, each step's factor from its own values, by hand
    delta = gradients["z11@2"]  # ∂L/∂z11@2, through every later step
    assert truth(r, "dL/dwh111@2") == pytest.approx(delta * oracle.value["h11@1"], rel=1e-12)
    assert sum(truth(r, f"dL/dwh111@{t}") for t in (1, 2, 3)) == pytest.approx(gradients["wh111"], rel=1e-12)


def test_a_rows_own_loss_and_a_specs_own_names_are_quantities(tmp_path):
    r = graded("batchnorm-batch-of-4")
    engine = r.engine
    assert truth(r, "loss[2]") == truth(r, "L[2]") == pytest.approx(engine.per_sample_loss[1], rel=1e-12)
    spec = (SPECS / "rnn-2-unit-3-steps.yaml").read_text() + "names:\n  U11: wx111\n  s1_2: h11@2\n"
    (tmp_path / "net.yaml").write_text(spec)
    named = graded_result(load_spec(tmp_path / "net.yaml"))
    assert truth(named, "s1_2") == truth(named, "h11@2") and truth(named, "dL/dU11") == truth(named, "dL/dwx111")
    assert "dL/dU11: " in key(load_spec(tmp_path / "net.yaml"), spec_path="net.yaml")


def test_batch_norm_names_are_quantities_with_the_oracles_values():
    r = graded("batchnorm-batch-of-4")
    oracle = oracle_coupled.build_norm(yaml.safe_load((SPECS / "batchnorm-batch-of-4.yaml").read_text()))
    for name in ("mu21", "var21", "xhat21[2]", "z11[3]", "a23[4]"):
        assert truth(r, name) == pytest.approx(oracle.value[name], rel=1e-12), name
    assert truth(r, "dL/dgamma21") == pytest.approx(oracle.gradients("L")["gamma21"], rel=1e-12)
    assert truth(r, "dL/dxhat21[2]") == pytest.approx(oracle.gradients("L")["xhat21[2]"], rel=1e-12)


@pytest.mark.parametrize("text", ["dL/dw1_1_1_2_3", "h11_new", "dL/dL", "dL/d" + HIDDEN + "5", "zz", "a2_1_1_1_new",
                                  "", " ", "dL/d", "_new", "a2_1_1_1[1]", "x_1_1@99999999999", "\x00", "[2]"])
def test_what_the_network_does_not_have_is_refused(text):
    with pytest.raises(QuantityError):
        parse_layer_quantity(text, graded("cnn-4x4"))


def test_an_unknown_name_is_not_graded_with_the_nearest_and_the_others_are_graded(tmp_path):
    (tmp_path / "net.yaml").write_text((SPECS / "cnn-4x4.yaml").read_text())
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n  dL/dw1_1_1_2_3: 0.1\n  a2_1_1_1: 3\n")
    data = json.loads(invoke("check", tmp_path / "a.yaml", "--format", "json", expect=1).stdout)
    results = {r["quantity"]: r for r in data["files"][0]["results"]}
    assert results["dL/dw1_1_1_2_3"]["verdict"] == "not_graded"
    assert "did you mean 'dL/dw1_1_1_2_2'" in results["dL/dw1_1_1_2_3"]["diagnosis"]
    assert results["a2_1_1_1"]["verdict"] == "wrong" and results["a2_1_1_1"]["expected"] == 0.0


def _check(tmp_path, example: str, text: str):
    (tmp_path / "net.yaml").write_text((SPECS / f"{example}.yaml").read_text())
    (tmp_path / "k.yaml").write_text(text)
    return Grader().grade_file(str(tmp_path / "k.yaml"))


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES)
def test_keys_at_every_precision_pass_their_own_check(tmp_path, example):
    spec = spec_of(example)
    for decimals in range(1, 9):
        report = _check(tmp_path, example, key(spec, decimals=decimals, spec_path="net.yaml"))
        assert [o.verdict for o in report.outcomes if o.verdict != "right"] == [] and not report.refused, decimals
        assert len(report.outcomes) == 1 + 2 * len(graded(example).parameter_names)


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES)
def test_a_key_of_every_named_value_and_derivative_passes_its_own_check(tmp_path, example):
    r = graded(example)
    nodes = [n.name for n in r.graph.nodes if n.constant is None and not n.name.startswith(HIDDEN) and n.name != "L"]
    quantities = ["loss", *nodes, *(f"dL/d{n}" for n in nodes)]
    for decimals in (1, 3, 6):
        report = _check(tmp_path, example, key(spec_of(example), quantities, decimals=decimals, spec_path="net.yaml"))
        assert [o.question.quantity for o in report.outcomes if o.verdict != "right"] == []
        assert len(report.outcomes) == len(quantities)


def _perturbed(example: str, rng) -> dict:
    """The example with every weight, gamma and input drawn again (two decimals)."""
    spec = yaml.safe_load((SPECS / f"{example}.yaml").read_text())

    def redraw(value):
        if isinstance(value, list):
            return [redraw(v) for v in value]
        return round(rng.uniform(-1.5, 1.5), 2) if isinstance(value, (int, float)) else value

    for layer in spec["layers"]:
        for name in ("weights", "input_weights", "recurrent_weights", "gamma"):
            if name in layer:
                layer[name] = redraw(layer[name])
    for name in ("input", "inputs", "sequence"):
        if name in spec:
            spec[name] = redraw(spec[name])
    if example == "cnn-4x4":
        spec["layers"][0]["activation"] = rng.choice(["tanh", "relu"])
        spec["layers"][1]["type"] = rng.choice(["maxpool2d", "avgpool2d"])
    return spec


@pytest.mark.slow
def test_each_catalogued_mistake_injected_into_random_networks_is_named(tmp_path):
    rng, named, injected = random.Random(24), {}, {}
    for example in EXAMPLES * 6:
        spec = _perturbed(example, rng)
        (tmp_path / "net.yaml").write_text(json.dumps(spec))
        r = graded_result(load_spec(tmp_path / "net.yaml"))
        diagnoser, grader = LayersDiagnoser(r), Grader()
        for code in [s.code for s in mapslips.applicable(r.network) + slips.applicable(r.network)]:
            for name in r.parameter_names:  # the first gradient the mistake changes, written to 4 significant digits
                q = parse_layer_quantity(f"dL/d{name}", r)
                value = {c: v for v, _, c in diagnoser.candidates(q, r.truth(q))}.get(code)
                if value is not None and abs(value - r.truth(q)) > 2e-3:
                    break
            else:
                continue
            decimals = max(4, 3 - math.floor(math.log10(abs(value))))
            (tmp_path / "a.yaml").write_text(f"spec: net.yaml\nanswers:\n  dL/d{name}: {value:.{decimals}f}\n")
            outcome = grader.grade_file(str(tmp_path / "a.yaml")).outcomes[0]
            injected[code] = injected.get(code, 0) + 1
            named[code] = named.get(code, 0) + (code in [d["code"] for d in outcome.diagnoses])
            assert outcome.verdict == "wrong"
    # the stride and padding misplaced: on networks with a stride and padding (test_layers_stride_padding)
    unstrided = {"stride_ignored_backward", "padding_ignored_backward", "padding_ignored"}
    assert set(injected) == {s.code for s in mapslips.CATALOGUE + slips.CATALOGUE} - unstrided
    assert named == injected


RNN_ANSWERS = """spec: net.yaml
answers:
  z11@1: 0.2
  h11@1: 0.25
  z11@2: {z2}
  h11@2: {h2}
"""


@pytest.mark.slow
def test_carried_forward_an_arithmetic_slip_and_imprecise_answers_on_a_recurrent_network(tmp_path):
    # by hand: tanh(0.2) = 0.1974 is written 0.25 (a slip in that step); step 2 built right on it
    h12 = math.tanh(0.3 * 1 + 0.4 * 0 - 0.1)
    z2 = 0.1 * 0.5 - 0.2 * -1 + 0.5 * 0.25 - 0.3 * h12 + 0.1
    text = RNN_ANSWERS.format(z2=f"{z2:.4f}", h2=f"{math.tanh(float(f'{z2:.4f}')):.4f}")
    outcomes = {o.question.quantity: o for o in _check(tmp_path, "rnn-2-unit-3-steps", text).outcomes}
    assert {q: o.verdict for q, o in outcomes.items()} == {
        "z11@1": "right", "h11@1": "wrong", "z11@2": "carried_forward", "h11@2": "carried_forward"}
    assert [d["code"] for d in outcomes["h11@1"].diagnoses] == ["arithmetic"]
    assert "h11@1 = 0.25" in outcomes["z11@2"].diagnosis
    # 0.1 for ∂L/∂wh111@2 = 0.117: reached at 1 decimal, but so are two catalogued mistakes' values
    alone, = _check(tmp_path, "rnn-2-unit-3-steps", "spec: net.yaml\nanswers:\n  dL/dwh111@2: 0.1\n").outcomes
    assert alone.verdict == "imprecise"
    assert {d["code"] for d in alone.diagnoses} >= {"bptt_truncated", "recurrent_factor_wrong_step"}
    # 0 for ŷ1@3 = 0.198 at 0 decimals: reached, but so is the trivial 0
    alone, = _check(tmp_path, "rnn-2-unit-3-steps", "spec: net.yaml\nanswers:\n  yhat1@3: 0\n").outcomes
    assert alone.verdict == "imprecise" and "trivial_value" in [d["code"] for d in alone.diagnoses]


def test_exact_values_are_right_however_few_digits_and_the_sign_is_named(tmp_path):
    r = graded("batchnorm-batch-of-4")
    assert truth(r, "dL/db11") == 0.0  # batch norm subtracts the mean: a bias before it has no gradient
    text = f"spec: net.yaml\nanswers:\n  dL/db11: 0\n  dL/dgamma21: {-truth(r, 'dL/dgamma21'):.4f}\n"
    first, second = _check(tmp_path, "batchnorm-batch-of-4", text).outcomes
    assert first.verdict == "right"
    assert second.verdict == "wrong" and [d["code"] for d in second.diagnoses] == ["sign_flipped"]


@pytest.mark.slow
def test_a_network_too_large_to_grade_is_refused_located(tmp_path):
    spec = yaml.safe_load((SPECS / "cnn-4x4.yaml").read_text())
    spec["input"] = [[(r * k) % 3 for k in range(40)] for r in range(40)]
    spec["layers"][2]["weights"] = [[0.01] * 722, [0.02] * 722]
    (tmp_path / "net.yaml").write_text(json.dumps(spec))
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n  loss: 1\n")
    result = invoke("check", tmp_path / "a.yaml", expect=2)
    assert "a.yaml:1:7: `spec: net.yaml`: this network written out as scalar steps has more than 5,000 nodes" \
        in result.stderr and "Traceback" not in result.stderr
    result = invoke("key", tmp_path / "net.yaml", expect=2)
    assert "more than 5,000 nodes" in result.stderr and "Traceback" not in result.stderr


def test_an_assignment_on_a_fixed_recurrent_network_grades_and_a_personal_one_is_refused(tmp_path):
    (tmp_path / "net.yaml").write_text((SPECS / "rnn-2-unit-3-steps.yaml").read_text())
    (tmp_path / "hw.yaml").write_text("spec: net.yaml\nquestions:\n  - {quantity: h11@2, points: 1}\n"
                                      "  - {quantity: dL/dwh111, points: 2}\n")
    answers = invoke("key", "--assignment", tmp_path / "hw.yaml", expect=0).stdout
    for student, text in (("alice", answers), ("bob", answers.replace("dL/dwh111: 0.3027", "dL/dwh111: -0.3027"))):
        (tmp_path / student).mkdir()
        (tmp_path / student / "answers.yaml").write_text(text)
    data = json.loads(invoke("check", "--assignment", tmp_path / "hw.yaml", tmp_path / "alice" / "answers.yaml",
                             tmp_path / "bob" / "answers.yaml", "--format", "json", expect=1).stdout)
    scores = [submission["score"] for submission in data["files"]]
    assert scores == [3.0, 1.0]
    (tmp_path / "p.yaml").write_text("personal: {spec: net.yaml, seed: s, weights: {from: -1, to: 1, decimals: 1}}\n"
                                     "questions:\n  - {quantity: h11@2}\n")
    result = invoke("key", "--assignment", tmp_path / "p.yaml", "--student", "x", expect=2)
    assert "p.yaml:1:18: personal networks are not drawn for section 9's layers" in result.stderr


def test_notation_other_than_the_default_is_refused_for_these_layers(tmp_path):
    text = "spec: net.yaml\nnotation: padhai\nanswers:\n  loss: 1\n"
    (tmp_path / "net.yaml").write_text((SPECS / "cnn-4x4.yaml").read_text())
    (tmp_path / "a.yaml").write_text(text)
    assert "a.yaml:2:11: section 9's layers are graded in their own names" in \
        invoke("check", tmp_path / "a.yaml", expect=2).stderr
    (tmp_path / "hw.yaml").write_text("spec: net.yaml\nnotation: padhai\nquestions:\n  - {quantity: loss}\n")
    assert "hw.yaml:2:11: section 9's layers are graded in their own names" in \
        invoke("key", "--assignment", tmp_path / "hw.yaml", expect=2).stderr


def test_a_copy_of_the_spec_dict_is_untouched():  # _perturbed draws from its own copy
    before = copy.deepcopy(yaml.safe_load((SPECS / "cnn-4x4.yaml").read_text()))
    _perturbed("cnn-4x4", random.Random(1))
    assert yaml.safe_load((SPECS / "cnn-4x4.yaml").read_text()) == before


def test_an_update_is_judged_on_the_gradient_the_file_states_and_its_own_mistakes_are_named(tmp_path):
    r = graded("rnn-2-unit-3-steps")  # wh111 = 0.5, wh112 = −0.3, η = 0.1
    q = parse_layer_quantity("dL/dwh111", r)
    truncated = {c: v for v, _, c in LayersDiagnoser(r).candidates(q, r.truth(q))}["bptt_truncated"]
    text = (f"spec: net.yaml\nanswers:\n  dL/dwh111: {truncated:.4f}\n"
            f"  wh111_new: {0.5 - 0.1 * round(truncated, 4):.5f}\n"
            f"  wh112_new: {-0.3 + 0.1 * truth(r, 'dL/dwh112'):.5f}\n  wh121_new: 0.1\n")
    stated, carried, sign, made_up = _check(tmp_path, "rnn-2-unit-3-steps", text).outcomes
    assert stated.verdict == "wrong" and [d["code"] for d in stated.diagnoses] == ["bptt_truncated"]
    assert carried.verdict == "carried_forward"  # w − η·g on the stated (mistaken) g
    assert sign.verdict == "wrong" and [d["code"] for d in sign.diagnoses] == ["update_sign"]
    assert made_up.verdict == "wrong"  # 0.2 − η·g is 0.2293: 0.1 is no update at all


def test_a_catalogued_mistake_with_the_sign_flipped_too_is_named_as_a_pair(tmp_path):
    r = graded("cnn-4x4")
    q = parse_layer_quantity("dL/dw1_2_1_1_2", r)
    flipped = {c: v for v, _, c in LayersDiagnoser(r).candidates(q, r.truth(q))}["kernel_flipped_backward"]
    outcome, = _check(tmp_path, "cnn-4x4", f"spec: net.yaml\nanswers:\n  dL/dw1_2_1_1_2: {-flipped:.4f}\n").outcomes
    assert outcome.verdict == "wrong"
    assert [d["code"] for d in outcome.diagnoses] == ["kernel_flipped_backward+sign_flipped"]


@pytest.mark.slow
def test_a_slip_in_a_step_from_the_givens_is_arithmetic_and_the_step_after_it_carried_forward(tmp_path):
    spec = (SPECS / "cnn-4x4.yaml").read_text().replace("activation: relu", "activation: tanh")
    (tmp_path / "net.yaml").write_text(spec)
    # z1_2_1_1 = 0·1 + 1·2 + 1·0 + 0·1 + 0.1 = 2.1 by hand, written 2.3; then tanh(2.3) = 0.9801, right on it
    (tmp_path / "a.yaml").write_text(f"spec: net.yaml\nanswers:\n  z1_2_1_1: 2.3\n  a1_2_1_1: {math.tanh(2.3):.4f}\n")
    z, a = Grader().grade_file(str(tmp_path / "a.yaml")).outcomes
    assert z.expected == pytest.approx(2.1, rel=1e-12)
    assert z.verdict == "wrong" and [d["code"] for d in z.diagnoses] == ["arithmetic"]
    assert a.verdict == "carried_forward" and "z1_2_1_1 = 2.3" in a.diagnosis
    # z1_2_1_1 made up (0.9: no slip writes 2.1 so), the activation done right on it: no credit
    (tmp_path / "a.yaml").write_text(f"spec: net.yaml\nanswers:\n  z1_2_1_1: 0.9\n  a1_2_1_1: {math.tanh(0.9):.4f}\n")
    z, a = Grader().grade_file(str(tmp_path / "a.yaml")).outcomes
    assert (z.verdict, a.verdict) == ("wrong", "wrong") and "no known mistake or slip" in a.diagnosis


@pytest.mark.parametrize("pool, answers, code", [
    # average pooling: ∂L/∂a1_1_1_1 = ∂L/∂a2_1_1_1 / 4, written with the 1/4 left out, on the file's own wrong value
    ("avgpool2d", {"dL/da2_1_1_1": -0.6, "dL/da1_1_1_1": -0.6}, "avg_pool_factor_missing"),
    # max pooling: a value that is not its window's maximum given the pooled gradient all the same
    ("maxpool2d", {"dL/da2_1_1_1": -0.6, "dL/da1_1_1_2": -0.6}, "max_pool_gradient_spread"),
    # tanh: ∂L/∂z = ∂L/∂a·(1 − a²) written ∂L/∂a, on the file's own wrong ∂L/∂a
    ("avgpool2d", {"dL/da1_1_1_2": -0.2, "dL/dz1_1_1_2": -0.2}, "activation_derivative_missing"),
])
@pytest.mark.slow
def test_a_mistake_made_on_the_files_own_wrong_values_is_named(tmp_path, pool, answers, code):
    spec = (SPECS / "cnn-4x4.yaml").read_text().replace("activation: relu", "activation: tanh") \
        .replace("type: maxpool2d", f"type: {pool}")
    (tmp_path / "net.yaml").write_text(spec)
    lines = "".join(f"  {k}: {v:.4f}\n" for k, v in answers.items())
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n" + lines)
    stated, built = Grader().grade_file(str(tmp_path / "a.yaml")).outcomes
    assert stated.verdict == "wrong" and stated.expected != pytest.approx(list(answers.values())[0], abs=0.01)
    assert built.verdict == "wrong" and [d["code"] for d in built.diagnoses] == [code]


def test_the_factor_2_lost_on_the_files_own_output(tmp_path):
    r = graded("rnn-2-unit-3-steps")
    yhat = truth(r, "yhat1@3") + 0.2  # written wrong; ∂L@3/∂ŷ = 2(ŷ − y) with the 2 lost, on it
    text = f"spec: net.yaml\nanswers:\n  yhat1@3: {yhat:.4f}\n  dL/dyhat1@3: {round(yhat, 4) + 0.2:.4f}\n"
    stated, built = _check(tmp_path, "rnn-2-unit-3-steps", text).outcomes
    assert stated.verdict == "wrong"
    assert built.verdict == "wrong" and [d["code"] for d in built.diagnoses] == ["factor_2_lost"]


@pytest.mark.slow
def test_made_up_states_buy_at_most_a_tenth_of_the_later_steps_points(tmp_path):
    """A class that invents h@1 and works h@2, h@3 out right on it (by hand, from the spec's numbers)."""
    wx, wh, b = [[0.1, -0.2], [0.3, 0.4]], [[0.5, -0.3], [0.2, 0.1]], [0.1, -0.1]
    xs = [[0.5, -1], [0.2, 0.3]]

    def step(h, x):
        return [math.tanh(sum(wx[j][k] * x[k] + wh[j][k] * h[k] for k in range(2)) + b[j]) for j in range(2)]

    rng, credited, later = random.Random(11), 0, 0
    (tmp_path / "net.yaml").write_text((SPECS / "rnn-2-unit-3-steps.yaml").read_text())
    grader = Grader()
    for _ in range(40):
        h1 = [round(rng.uniform(-1, 1), 3) for _ in range(2)]
        h2 = [round(v, 4) for v in step(h1, xs[0])]
        h3 = step(h2, xs[1])
        lines = [f"  h1{j + 1}@{t}: {h[j]:.4f}\n" for t, h in ((1, h1), (2, h2), (3, h3)) for j in range(2)]
        (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n" + "".join(lines))
        outcomes = grader.grade_file(str(tmp_path / "a.yaml")).outcomes[2:]
        later += len(outcomes)
        credited += sum(o.verdict in ("right", "carried_forward") for o in outcomes)
    assert credited <= later / 10
    # the same hand computation from the true h@1 (x@1 = [1, 0], h@0 = 0) earns every point
    h1 = [round(v, 4) for v in step([0, 0], [1, 0])]
    h2 = [round(v, 4) for v in step(h1, xs[0])]
    lines = [f"  h1{j + 1}@{t}: {h[j]:.4f}\n" for t, h in ((1, h1), (2, h2), (3, step(h2, xs[1]))) for j in range(2)]
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n" + "".join(lines))
    assert {o.verdict for o in grader.grade_file(str(tmp_path / "a.yaml")).outcomes} == {"right"}


def test_an_update_after_a_kernel_flipped_backward_is_named_and_a_right_one_is_right(tmp_path):
    # cnn-4x4, η = 0.5: w1_2_1_1_2's gradient taken at the flipped position (w1_2_1_2_1's), then the
    # update done right on it; the values from `grad`'s own JSON, flipped by hand
    out = invoke("grad", "--example", "cnn-4x4", "--format", "json").stdout
    rows = {p["name"]: p for p in json.loads(out)["parameters"]}
    rate = 0.5
    weight, flipped = rows["w1_2_1_1_2"], rows["w1_2_1_2_1"]
    assert abs(weight["gradient"] - flipped["gradient"]) > 0.5  # the mistake shows at 3 decimals
    mistaken = weight["value"] - rate * flipped["gradient"]
    right = weight["value"] - rate * weight["gradient"]
    assert right == pytest.approx(weight["updated"], rel=1e-12)
    report = _check(tmp_path, "cnn-4x4", "spec: net.yaml\nanswers:\n"
                    f"  w1_2_1_1_2_new: {mistaken:.3f}\n  w1_2_1_2_2_new: {rows['w1_2_1_2_2']['updated']:.3f}\n"
                    f"  w1_2_1_2_1_new: {rows['w1_2_1_2_1']['value'] + rate * rows['w1_2_1_2_1']['gradient']:.3f}\n")
    verdicts = {g.answer.quantity.text: g for g in report.outcomes}
    assert verdicts["w1_2_1_1_2_new"].verdict == "wrong"
    assert "kernel_flipped_backward" in [d["code"] for d in verdicts["w1_2_1_1_2_new"].diagnoses]
    assert verdicts["w1_2_1_2_2_new"].verdict == "right"
    assert verdicts["w1_2_1_2_1_new"].verdict == "wrong"  # w + η·g: the update's sign
    assert "update_sign" in [d["code"] for d in verdicts["w1_2_1_2_1_new"].diagnoses]


CNN_VARIANTS = {
    "relu, max pooling, softmax": lambda text: text,
    "sigmoid, average pooling, squared error": lambda text: text.replace("activation: relu", "activation: sigmoid")
    .replace("maxpool2d", "avgpool2d").replace("loss: cross_entropy", "loss: squared_error")
    .replace("activation: softmax", "activation: sigmoid"),
    "stride 2, padding 1": lambda text: text.replace("stride: 1 ", "stride: 2 ").replace("padding: 0 ", "padding: 1 "),
    "tanh, max pooling, softmax": lambda text: text.replace("activation: relu", "activation: tanh"),
}


@pytest.mark.slow
@pytest.mark.parametrize("variant", sorted(CNN_VARIANTS))
def test_a_mistake_made_on_stated_values_gives_the_catalogues_value_when_they_are_the_true_ones(variant):
    # the two ways a backward mistake is made: on intervals over the file's stated values (grading),
    # and on the true values (core.mapslips, held to oracles in tests/core/test_mapslips.py); with every
    # forward value stated to 12 decimals, the first must close in on the second for every gradient
    from backprop_cli.core.names import Name
    from backprop_cli.grading.layers import STATED, MistakenReach
    from backprop_cli.grading.rule import precision_of

    text = CNN_VARIANTS[variant]((SPECS / "cnn-4x4.yaml").read_text())
    if variant.startswith("stride"):
        assert "stride: 2 " in text and "padding: 1 " in text
    r = graded_result(load_spec(text=text))
    stated = {("value", Name(n.name, ()), None): r.values[i] for i, n in enumerate(r.graph.nodes)
              if n.constant is None and not n.name.startswith(HIDDEN) and n.name != "L" and not r.is_parameter(n.name)}
    codes = [slip.code for slip in mapslips.applicable(r.network) if slip.code in STATED]
    assert len(codes) >= 5
    for code in codes:
        reach = MistakenReach(r, precision_of("0.123456789012"), stated, code)
        _, derivatives = mapslips.mistaken(r, r.written, code)
        for name in r.parameter_names:
            low, high = reach.interval(parse_layer_quantity("dL/d" + name, r))
            assert low - 1e-9 <= derivatives[r.index(name)] <= high + 1e-9 and high - low < 1e-9, (code, name)


@pytest.mark.parametrize("example", ["rnn-2-unit-3-steps", "batchnorm-batch-of-4", "cnn-4x4"])
def test_the_engines_node_gradients_by_name_are_the_written_out_steps(example):
    # engine.backward names ∂L/∂(node) as engine.forward names the node: each value is the derivative
    # of L along the scalar steps the network is written out as (a batch's node: one sample's share)
    r = graded(example)
    checked = 0
    for name, value in r.engine.backward.items():
        for suffix, v in ([("", value)] if isinstance(value, float) else
                          [(f"[{s + 1}]", float(x)) for s, x in enumerate(value)]):
            if r.index(name + suffix) is not None:
                assert v == pytest.approx(r.derivative(name + suffix), rel=1e-12, abs=1e-15), name + suffix
                checked += 1
    assert checked >= 10


def test_a_recurrent_slip_is_named_on_a_nodes_gradient_and_the_step_after_it_carried(tmp_path):
    # bptt_truncated: ∂L/∂h11@2 from step 2's own loss alone, Σj ∂L/∂z2j@2 · w2j1 (the oracle's output δ
    # at step 2 is the same either way), where the true one adds the path back from step 3; then
    # ∂L/∂z11@2 = that × (1 − h11@2²), done right on it, is carried forward
    spec = yaml.safe_load((SPECS / "rnn-2-unit-3-steps.yaml").read_text())
    oracle = oracle_coupled.build_sequence(spec)
    truncated = oracle.gradients("L")["z21@2"] * spec["layers"][1]["weights"][0][0]
    assert abs(truncated - oracle.gradients("L")["h11@2"]) > 0.01  # the path back through step 3 matters
    h = oracle.value["h11@2"]
    answers = f"  dL/dh11@2: {truncated:.4g}\n  dL/dz11@2: {float(f'{truncated:.4g}') * (1 - h * h):.4g}\n"
    got = {o.question.quantity: o for o in _check(tmp_path, "rnn-2-unit-3-steps", "spec: net.yaml\nanswers:\n"
                                                  + answers).outcomes}
    assert [d["code"] for d in got["dL/dh11@2"].diagnoses] == ["bptt_truncated"], got["dL/dh11@2"].diagnosis
    assert got["dL/dz11@2"].verdict == "carried_forward", got["dL/dz11@2"].diagnosis


def test_batch_norms_constant_statistics_are_named_on_the_gradient_of_its_input(tmp_path):
    # batchnorm_mu_var_constant: ∂L/∂a13[1] through x̂23[1] alone, ∂L/∂x̂23[1]/√(σ²23 + eps), none
    # through μ23 or σ²23 (the oracle's values)
    oracle = oracle_coupled.build_norm(yaml.safe_load((SPECS / "batchnorm-batch-of-4.yaml").read_text()))
    direct = oracle.gradients("L")["xhat23[1]"] / math.sqrt(oracle.value["var23"] + 1e-5)
    assert abs(direct - oracle.gradients("L")["a13[1]"]) > 0.01
    got, = _check(tmp_path, "batchnorm-batch-of-4", f"spec: net.yaml\nanswers:\n  dL/da13[1]: {direct:.4g}\n").outcomes
    assert got.verdict == "wrong" and [d["code"] for d in got.diagnoses] == ["batchnorm_mu_var_constant"]
