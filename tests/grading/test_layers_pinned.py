"""grading.layers pinned where its mutants lived: the names an answer may use (a spec's `names:`
for every node, compact spellings, refused ones), what is graded as these layers, an update's η·g
a step of its own, and the mistakes made on stated values (none without stated values, no value
changed by a backward mistake). Each expectation is the engine's, by hand, or a verdict that must hold."""
import math

import pytest
from conftest import SPECS

from backprop_cli import load_spec
from backprop_cli.core import mapslips, slips
from backprop_cli.core.scalargraph import HIDDEN
from backprop_cli.grading.grades import Grader
from backprop_cli.grading.layers import (
    STATED,
    LayersDiagnoser,
    LayersResult,
    MistakenReach,
    graded_result,
    parse_layer_quantity,
)
from backprop_cli.grading.quantities import QuantityError
from backprop_cli.grading.rule import precision_of

from . import _tiny as t
from .test_layers import _check, graded, truth


def _named(example: str, names: dict):
    text = (SPECS / f"{example}.yaml").read_text() + "names:\n" + "".join(f"  {k}: {v}\n" for k, v in names.items())
    return graded_result(load_spec(text=text))


def test_a_specs_own_names_for_batch_norm_nodes_are_quantities(tmp_path):
    # section 9: "a spec's names: are accepted" -- for mu, var and xhat as for z and a
    r = _named("batchnorm-batch-of-4", {"m1": "mu21", "s2": "var22", "xh1": "xhat21", "u": "z11"})
    engine = r.engine
    assert truth(r, "m1") == truth(r, "mu21") == pytest.approx(engine.forward["mu21"], rel=1e-12)
    assert truth(r, "s2") == truth(r, "var22") == pytest.approx(engine.forward["var22"], rel=1e-12)
    assert truth(r, "xh1[2]") == truth(r, "xhat21[2]")
    assert truth(r, "dL/dm1") == truth(r, "dL/dmu21")
    assert truth(r, "u[3]") == truth(r, "z11[3]")
    for text in ("xh1", "m1[2]", "m1_new"):  # xhat of no sample, a mean of one sample, a mean updated
        with pytest.raises(QuantityError):
            parse_layer_quantity(text, r)
    # and `check` grades them: the engine's values, written under the spec's names
    (tmp_path / "net.yaml").write_text((SPECS / "batchnorm-batch-of-4.yaml").read_text()
                                       + "names:\n  m1: mu21\n  xh1: xhat21\n")
    (tmp_path / "a.yaml").write_text(f"spec: net.yaml\nanswers:\n  m1: {engine.forward['mu21']:.4f}\n"
                                     f"  xh1[2]: {truth(r, 'xhat21[2]'):.4f}\n")
    assert [o.verdict for o in Grader().grade_file(str(tmp_path / "a.yaml")).outcomes] == ["right", "right"]


def test_compact_spellings_and_a_specs_names_of_map_nodes_are_the_canonical_quantities():
    r = graded("cnn-4x4")
    assert truth(r, "a2111") == truth(r, "a2_1_1_1") == pytest.approx(r.engine.forward["a2_1_1_1"], rel=1e-12)
    assert truth(r, "dL/dz1211") == truth(r, "dL/dz1_2_1_1")
    named = _named("cnn-4x4", {"p1": "a2_1_1_1", "c22": "z1_2_2_2"})
    assert truth(named, "p1") == truth(r, "a2_1_1_1") and truth(named, "dL/dc22") == truth(r, "dL/dz1_2_2_2")
    sequence = _named("rnn-2-unit-3-steps", {"s1_2": "h11@2"})
    assert truth(sequence, "s1_2") == truth(sequence, "h11@2")


def test_hidden_steps_and_a_step_given_twice_are_not_quantities():
    r = graded("cnn-4x4")
    hidden = [n.name for n in r.graph.nodes if n.name.startswith(HIDDEN)]
    assert hidden and r.graph.index(hidden[0]) is not None  # a step of the graph nobody writes down
    for text in (hidden[0], "dL/d" + hidden[0], hidden[-1]):
        with pytest.raises(QuantityError):
            parse_layer_quantity(text, r)
    sequence = _named("rnn-2-unit-3-steps", {"s1_2": "h11@2"})
    for text in ("h11@2@3", "dL/dh11@2@1", "s1_2@3", "h11@2[1]", "s1_2[2]"):  # a step given twice (or a sample)
        with pytest.raises(QuantityError):
            parse_layer_quantity(text, sequence)


@pytest.mark.parametrize("example", ["tiny", "cs231n-circuit"])
def test_a_dense_network_or_an_expression_is_graded_as_it_is_not_as_these_layers(example):
    spec = load_spec(text=t.SPEC) if example == "tiny" else load_spec(SPECS / f"{example}.yaml")
    result = graded_result(spec)
    assert not isinstance(result, LayersResult) and result.kind == spec.compute().kind
    assert isinstance(graded("cnn-4x4"), LayersResult)


def test_an_update_with_eta_times_g_rounded_as_a_step_of_its_own_is_right(tmp_path):
    # cnn-4x4, η = 0.5: ∂L/∂w312 = −3.880 (the engine's), rounded to one decimal −3.9; η·g = −1.95
    # written −2.0; w312 − η·g = −0.3 + 2.0 = 1.7 (the truth −0.3 + 1.940 = 1.64 rounds to 1.6)
    r = graded("cnn-4x4")
    assert round(r.engine.gradient("w312"), 1) == -3.9 and r.values[r.index("w312")] == -0.3
    assert round(r.engine.updated("w312"), 1) == 1.6
    outcome, = _check(tmp_path, "cnn-4x4", "spec: net.yaml\nanswers:\n  w312_new: 1.7\n").outcomes
    assert outcome.verdict == "right"
    outcome, = _check(tmp_path, "cnn-4x4", "spec: net.yaml\nanswers:\n  w312_new: -2.24\n").outcomes
    assert outcome.verdict == "wrong"  # w + η·g: the update's sign, however rounded


def test_a_backward_mistake_leaves_every_parameters_value_as_it_is():
    # the mistakes made on stated values change gradients only: a weight's value is its own, exactly
    r = graded("cnn-4x4")
    codes = [slip.code for slip in mapslips.applicable(r.network) if slip.code in STATED]
    assert {"kernel_flipped_backward", "shared_weight_one_position"} <= set(codes)
    for code in codes:
        reach = MistakenReach(r, precision_of("0.1234"), {}, code)
        for name in r.parameter_names:
            value = r.values[r.index(name)]
            assert reach.interval(parse_layer_quantity(name, r)) == (value, value), (code, name)


def _judge(tmp_path, example: str, answers: dict):
    """A Judge of an answers file on an example (as grades.grade does it), and its answers by text."""
    return judge_on(tmp_path, (SPECS / f"{example}.yaml").read_text(), answers)


def judge_on(tmp_path, spec_text: str, answers: dict):
    """_judge on a spec's own text."""
    from backprop_cli.core.names import notation
    from backprop_cli.grading.answers import AnswersReader
    from backprop_cli.grading.judging import Judge

    (tmp_path / "net.yaml").write_text(spec_text)
    body = "".join(f"  {k}: {v}\n" for k, v in answers.items())
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n" + body)
    _, result, read, tolerance, notation_name = AnswersReader().read(str(tmp_path / "a.yaml"))
    truths = {id(a): result.truth(a.quantity) for a in read}
    judge = Judge(result, notation(notation_name, result.network.names), read, truths, tolerance,
                  LayersDiagnoser(result))
    return judge, {a.quantity.text: a for a in read}


@pytest.mark.slow
def test_mistakes_on_stated_values_are_looked_for_only_on_a_gradient_whose_inputs_the_file_states(tmp_path):
    # ∂L/∂a1_1_1_1 on the file's own ∂L/∂a2_1_1_1 (−0.6, wrong): the pooling mistakes made on that value
    answers = {"dL/da2_1_1_1": "-0.6000", "dL/da1_1_1_1": "-0.6000", "a1_1_1_1": "5.0000"}
    judge, read = _judge(tmp_path, "cnn-4x4", answers)
    found = judge.stated_mistakes(read["dL/da1_1_1_1"])
    assert {m[2] for m in found} & {"max_pool_gradient_spread", "max_pool_gradient_averaged"}
    for middle, _sentence, _code, (low, high) in found:  # each with its interval, and the middle of it
        assert low <= middle <= high and middle == (low + high) / 2
    assert judge.stated_mistakes(read["a1_1_1_1"]) == []  # a value: no backward mistake makes it
    # the same gradient alone: nothing stated that it is built from, so no mistake made on stated values
    judge, read = _judge(tmp_path, "cnn-4x4", {"dL/da1_1_1_1": "-0.6000"})
    assert judge.stated_mistakes(read["dL/da1_1_1_1"]) == []
    assert not [key for key in judge._reaches if key[1].startswith("mistake:")]  # and no mistaken pass made
    # a mistake that gives the correct method's own interval is none to name: a1_1_1_1 is 0 as every value
    # of its window is (kernel 1 over [[1, 2], [0, 1]] is 1 − 1, through relu), so it is the window's first
    # maximum, and spreading the pooled gradient gives it what routing gives it
    judge, read = _judge(tmp_path, "cnn-4x4", answers)
    assert [judge.r.engine.forward[f"a1_1_{i}_{j}"] for i in (1, 2) for j in (1, 2)] == [0, 0, 0, 0]
    assert "max_pool_gradient_spread" not in [m[2] for m in judge.stated_mistakes(read["dL/da1_1_1_1"])]


def test_a_mistake_that_changes_nothing_is_no_candidate():
    r = graded("cnn-4x4")  # a1_1_1_1 is its window's first maximum (above): spreading the gradient changes nothing
    q = parse_layer_quantity("dL/da1_1_1_1", r)
    codes = {code: value for value, _, code in LayersDiagnoser(r).candidates(q, r.truth(q))}
    assert "max_pool_gradient_spread" not in codes
    assert codes["max_pool_gradient_averaged"] == pytest.approx(r.truth(q) / 4, rel=1e-12)


def test_the_batch_norm_slips_values_of_its_nodes_are_candidates():
    # unbiased_variance: Σ(x − μ)²/(n − 1), 4/3 of the biased variance over the batch of 4, by hand
    r = graded("batchnorm-batch-of-4")
    diagnoser = LayersDiagnoser(r)

    def candidate(text, code):
        q = parse_layer_quantity(text, r)
        return {c: v for v, _, c in diagnoser.candidates(q, r.truth(q))}.get(code)

    var, eps = truth(r, "var21"), 1e-5
    assert candidate("var21", "unbiased_variance") == pytest.approx(var * 4 / 3, rel=1e-9)
    assert candidate("xhat21[2]", "unbiased_variance") == \
        pytest.approx(truth(r, "xhat21[2]") * math.sqrt(var + eps) / math.sqrt(var * 4 / 3 + eps), rel=1e-9)


def test_a_nodes_value_written_for_its_gradient_is_no_recurrent_mistake(tmp_path):
    # the engine's mistaken results name parameters' gradients and nodes' values, never a node's gradient
    r = graded("rnn-2-unit-3-steps")
    outcome, = _check(tmp_path, "rnn-2-unit-3-steps",
                      f"spec: net.yaml\nanswers:\n  dL/dh11@2: {truth(r, 'h11@2'):.4f}\n").outcomes
    assert outcome.verdict == "wrong"
    assert not {d["code"] for d in outcome.diagnoses} & {s.code for s in slips.CATALOGUE}


def test_every_name_offered_for_did_you_mean_is_a_quantity():
    for example in ("cnn-4x4", "rnn-2-unit-3-steps", "batchnorm-batch-of-4"):
        r = graded(example)
        known = r.known()
        assert "loss" in known and f"{r.parameter_names[0]}_new" in known
        for text in known:
            parse_layer_quantity(text, r)  # none refused: no hidden step, no constant


@pytest.mark.slow
def test_an_update_at_a_learning_rate_of_1_is_w_minus_g(tmp_path):
    text = (SPECS / "rnn-2-unit-3-steps.yaml").read_text().replace("learning_rate: 0.1", "learning_rate: 1")
    assert "learning_rate: 1\n" in text
    (tmp_path / "net.yaml").write_text(text)
    r = graded_result(load_spec(tmp_path / "net.yaml"))
    w, g = r.values[r.index("wh111")], r.engine.gradient("wh111")  # wh111 = 0.5, its gradient 0.3027
    truncated = slips.mistaken(r.spec, "bptt_truncated").gradient("wh111")  # 0.3020: a stated gradient, wrong
    (tmp_path / "a.yaml").write_text(f"spec: net.yaml\nanswers:\n  wh111_new: {0.5 - g:.4f}\n"
                                     f"  wh112_new: {-0.3 + r.engine.gradient('wh112'):.4f}\n")
    right, sign = Grader().grade_file(str(tmp_path / "a.yaml")).outcomes
    assert w == 0.5 and g > 0.3 and right.verdict == "right"
    assert sign.verdict == "wrong" and "update_sign" in [d["code"] for d in sign.diagnoses]
    # w − g on the file's own (mistaken) gradient: carried forward; w − 2g: no update at η = 1
    (tmp_path / "a.yaml").write_text(f"spec: net.yaml\nanswers:\n  dL/dwh111: {truncated:.4f}\n"
                                     f"  wh111_new: {0.5 - round(truncated, 4):.4f}\n")
    assert [o.verdict for o in Grader().grade_file(str(tmp_path / "a.yaml")).outcomes] == ["wrong", "carried_forward"]
    (tmp_path / "a.yaml").write_text(f"spec: net.yaml\nanswers:\n  wh111_new: {0.5 - 2 * g:.4f}\n")
    assert [o.verdict for o in Grader().grade_file(str(tmp_path / "a.yaml")).outcomes] == ["wrong"]


@pytest.mark.parametrize("code", ["bptt_truncated", "recurrent_factor_wrong_step"])
def test_a_recurrent_slips_gradient_and_update_are_the_mistaken_engines(code):
    # the gradient as the engine computes it with the slip made, and the update done right on it
    # (wh111 = 0.5, η = 0.1)
    r = graded("rnn-2-unit-3-steps")
    wrong = slips.mistaken(r.spec, code).gradient("wh111")
    assert wrong != pytest.approx(r.engine.gradient("wh111"), rel=1e-6)  # the slip changes it
    diagnoser = LayersDiagnoser(r)

    def candidate(text):
        q = parse_layer_quantity(text, r)
        return {c: v for v, _, c in diagnoser.candidates(q, r.truth(q))}.get(code)

    assert candidate("dL/dwh111") == pytest.approx(wrong, rel=1e-12)
    assert candidate("wh111_new") == pytest.approx(0.5 - 0.1 * wrong, rel=1e-12)


def test_only_a_parameter_has_an_updated_value_and_the_hint_names_the_first_weight():
    # section 9 writes an update w1_1_1_1_1_new: the hint shows the network's first weight so
    for example, first in (("cnn-4x4", "w1_1_1_1_1"), ("rnn-2-unit-3-steps", "wx111")):
        r = graded(example)
        with pytest.raises(QuantityError) as refused:
            parse_layer_quantity(("a2_1_1_1" if example == "cnn-4x4" else "h11@2") + "_new", r)
        assert refused.value.hint == f"write {first}_new" and "only weights and biases" in str(refused.value)


@pytest.mark.slow
def test_an_update_at_a_learning_rate_of_2_rounds_eta_times_g_as_a_step_of_its_own(tmp_path):
    # cnn-4x4 at η = 2, w1_2_1_2_1 = 1 (kernel 2's [[0, 1], [1, 0]]), ∂L/∂w = 0.662430: w ← 1 − 1.32486 =
    # −0.32486. Written to 3 decimals, g is 0.662 or 0.663 and η·g a step of its own, 1.32 or 1.33: −0.320
    # and −0.330 are reached; −0.300 and −0.350 are not
    text = (SPECS / "cnn-4x4.yaml").read_text().replace("learning_rate: 0.5", "learning_rate: 2")
    assert "learning_rate: 2\n" in text
    (tmp_path / "net.yaml").write_text(text)
    r = graded_result(load_spec(tmp_path / "net.yaml"))
    assert r.values[r.index("w1_2_1_2_1")] == 1.0 and r.engine.learning_rate == 2
    for given, verdict in (("-0.320", "right"), ("-0.330", "right"), ("-0.300", "wrong"), ("-0.350", "wrong")):
        (tmp_path / "a.yaml").write_text(f"spec: net.yaml\nanswers:\n  w1_2_1_2_1_new: {given}\n")
        (update,) = Grader().grade_file(str(tmp_path / "a.yaml")).outcomes
        assert update.verdict == verdict, (given, update.verdict, update.accepted)
    # on a stated gradient no mistake explains (0.92545), 1 − 2 × 0.92545 = −0.8509 written −0.9 follows from it:
    # no credit. (It was judged imprecise once, "reached only rounding every step to 1 significant digit",
    # while every rounding finer than the answer's digit was taken to move a value by half of the next digit)
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n  dL/dw1_2_1_2_1: 0.92545\n  w1_2_1_2_1_new: -0.9\n")
    stated, update = Grader().grade_file(str(tmp_path / "a.yaml")).outcomes
    assert stated.verdict == "wrong"  # 0.92545 is not the true gradient
    assert update.verdict == "wrong" and "earns no carried-forward credit" in update.diagnosis
