"""grading.intervals against an independent model of a student who rounds as they go: a forward
and backward pass written out here in plain Python (the package computes none of it), every
intermediate rounded to a few significant digits or decimals, the answers written the same way.
Whatever such a student writes is reached (right or imprecise), never wrong; and every bundled
network's answer key, at every precision, passes its own check."""
import math
import random

import pytest
import yaml
from conftest import EXAMPLES, SPECS, not_reached

import backprop_cli as bp
from backprop_cli.core.names import notation
from backprop_cli.grading.intervals import Reach
from backprop_cli.grading.quantities import parse_quantity
from backprop_cli.grading.rule import precision_of

ACTIVATIONS = {
    "sigmoid": (lambda z: 1 / (1 + math.exp(-z)), lambda z, a: a * (1 - a)),
    "tanh": (math.tanh, lambda z, a: 1 - a * a),
    "relu": (lambda z: max(z, 0.0), lambda z, a: 1.0 if z > 0 else 0.0),
    "linear": (lambda z: z, lambda z, a: 1.0),
}


def significant(value: float, digits: int) -> float:
    """value rounded to `digits` significant digits, as written by hand."""
    if value == 0:
        return 0.0
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def by_hand(layers, x, y, rate, keep, products=False):
    """The student's pass: each intermediate written down as keep() rounds it; returns every
    quantity they would answer, as they would write it (also via keep). `products`: each product
    w·a and w·δ of a sum is written down (rounded) before adding."""
    term = keep if products else (lambda v: v)
    out, a = {}, [keep(v) for v in x]
    acts = [a]
    zs = []
    for l, layer in enumerate(layers, start=1):
        f, _ = ACTIVATIONS[layer["activation"]]
        z = [keep(sum(term(w * ai) for w, ai in zip(row, a)) + b) for row, b in zip(layer["weights"], layer["biases"])]
        a = [keep(f(v)) for v in z]
        zs.append(z)
        acts.append(a)
        for j, (zv, av) in enumerate(zip(z, a), start=1):
            out[f"z{l}{j}"], out[f"a{l}{j}" if l < len(layers) else f"yhat{j}"] = zv, av
    out["loss"] = keep(sum((p - t) ** 2 for p, t in zip(a, y)))
    grad = [keep(2 * (p - t)) for p, t in zip(a, y)]
    for l in range(len(layers), 0, -1):
        layer = layers[l - 1]
        _, d = ACTIVATIONS[layer["activation"]]
        delta = [g if layer["activation"] == "linear" else keep(g * d(zv, av))
                 for g, zv, av in zip(grad, zs[l - 1], acts[l])]
        for j, dv in enumerate(delta, start=1):
            out[f"dL/dz{l}{j}"] = dv
            out[f"dL/db{l}{j}"] = dv
            out[f"b{l}{j}_new"] = keep(layer["biases"][j - 1] - rate * dv)
            for k, ak in enumerate(acts[l - 1], start=1):
                g = keep(dv * ak)
                out[f"dL/dw{l}{j}{k}"] = g
                out[f"w{l}{j}{k}_new"] = keep(layer["weights"][j - 1][k - 1] - rate * g)
        grad = [keep(sum(term(layer["weights"][j][k] * delta[j]) for j in range(len(delta))))
                for k in range(len(acts[l - 1]))]
    return out


def random_network(rng):
    sizes = [rng.randint(1, 3), rng.randint(1, 3), rng.randint(1, 2)]
    hidden = rng.choice(["sigmoid", "tanh", "relu"])
    output = rng.choice(["sigmoid", "linear"])
    layers = [{"activation": act, "weights": [[round(rng.uniform(-1, 1), 2) for _ in range(sizes[i])]
                                              for _ in range(sizes[i + 1])],
               "biases": [round(rng.uniform(-0.5, 0.5), 2) for _ in range(sizes[i + 1])]}
              for i, act in enumerate([hidden, output])]
    x = [round(rng.uniform(-2, 2), 2) for _ in range(sizes[0])]
    y = [round(rng.uniform(0, 1), 2) for _ in range(sizes[2])]
    return layers, x, y


def spec_text(layers, x, y, rate):
    return yaml.safe_dump({"input": x, "target": y, "loss": "squared_error", "learning_rate": rate,
                           "layers": layers}, sort_keys=False)


@pytest.mark.slow
@pytest.mark.parametrize("products", [False, True], ids=["nodes", "products too"])
@pytest.mark.parametrize("seed", range(12))
def test_a_student_who_rounds_as_they_go_is_never_wrong(tmp_path, seed, products):
    rng = random.Random(seed)
    layers, x, y = random_network(rng)
    rate = rng.choice([0.1, 0.5, 1.0])
    digits = rng.choice([3, 4, 5])
    keep = (lambda v: significant(v, digits)) if seed % 2 else (lambda v: round(v, digits))
    answers = by_hand(layers, x, y, rate, keep, products)
    assert not_reached(tmp_path, spec_text(layers, x, y, rate), answers) == []


def test_the_interval_holds_every_rounding_of_the_steps_before(tmp_path):
    # a 1-1-1 sigmoid chain by hand: the interval of dL/dw211 holds what any rounding gives
    (tmp_path / "net.yaml").write_text(spec_text([{"activation": "sigmoid", "weights": [[0.5]], "biases": [0.1]},
                                                  {"activation": "sigmoid", "weights": [[-0.8]], "biases": [0.2]}],
                                                 [1.5], [1.0], 0.5), encoding="utf-8")
    result = bp.load_spec(tmp_path / "net.yaml").compute()
    n = notation("default")
    reach = Reach(result, n, precision_of("0.012"))
    low, high = reach.interval(parse_quantity("dL/dw211", n))
    assert low <= result.gradient("w211") <= high
    for digits in (3, 4):
        for keep in (lambda v, d=digits: round(v, d), lambda v, d=digits: significant(v, d)):
            student = by_hand([{"activation": "sigmoid", "weights": [[0.5]], "biases": [0.1]},
                               {"activation": "sigmoid", "weights": [[-0.8]], "biases": [0.2]}],
                              [1.5], [1.0], 0.5, keep)["dL/dw211"]
            assert low - 0.5e-3 <= student <= high + 0.5e-3


def test_stated_values_are_used_as_written(tmp_path):
    result = bp.load_example("mazur-2-2-2").compute()
    n = notation("default", result.network.names)
    q = parse_quantity("dE_total/dw5", n)
    on_truth = Reach(result, n, precision_of("0.08217")).interval(q)
    stated = {("value", parse_quantity("out_h1", n).name, None): 0.7}  # out_h1 stated wrong: 0.7, not 0.5933
    base = Reach(result, n, precision_of("0.08217"))
    step = Reach(result, n, precision_of("0.08217"), stated, base).interval(q)
    # the step alone: dE/dw5 = δ(o1) · out_h1 with δ(o1) as the truth gives it, out_h1 = 0.7
    assert step[0] > on_truth[1] and step[0] == pytest.approx(on_truth[0] * 0.7 / 0.59327, rel=0.01)
    # carried through: out_h1 = 0.7 changes net_o1, out_o1 and δ(o1) too
    carried = Reach(result, n, precision_of("0.08217"), stated).interval(q)
    assert carried[0] > on_truth[1] and abs(carried[0] - step[0]) > 1e-4


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES)
def test_a_key_passes_its_own_check_at_every_precision(tmp_path, example):
    spec = bp.load_spec(SPECS / f"{example}.yaml")
    (tmp_path / "net.yaml").write_text((SPECS / f"{example}.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for decimals in range(7):
        key = bp.key(bp.load_spec(tmp_path / "net.yaml"), decimals=decimals, spec_path="net.yaml")
        (tmp_path / f"key{decimals}.yaml").write_text(key, encoding="utf-8")
    run = bp.check([str(tmp_path / f"key{d}.yaml") for d in range(7)])
    assert run.invalid == [] and spec is not None
    bad = [(report.path, o.answer.quantity.text, o.answer.written, o.verdict, o.diagnosis)
           for report in run.files for o in report.outcomes if o.verdict != "right"]
    assert bad == []


@pytest.mark.parametrize("with_it", ["sign_flipped", "derivative_on_z", "updated_weights_used", "one_path_only"])
def test_a_hidden_activation_never_applied_changes_the_forward_pass_and_a_pair_shares_it(with_it):
    # a = z carried forward: mazur's hidden outputs become their net inputs, and ŷ, the loss and every
    # gradient move with them; a pair with a backward mistake reuses that forward pass, giving what its
    # own forward pass gives, float for float
    result = bp.load_example("mazur-2-2-2").compute()
    n = notation("default", result.network.names)
    stated = {("value", parse_quantity("out_h1", n).name, None): 0.7}
    p = precision_of("0.08217")
    carried = Reach(result, n, p, stated)
    never = Reach(result, n, p, stated, None, "activation_not_applied", forward=carried)
    names = ["out_h2", "out_o1", "E_total", "dE_total/dw5", "dE_total/dw1", "dE_total/dout_h2"]
    moved = [never.interval(parse_quantity(q, n)) != carried.interval(parse_quantity(q, n)) for q in names]
    assert all(moved)
    for k, name in enumerate(("out_h1", "out_h2")):  # a = z itself (what the mistake gives, stated or not)
        low, high = never.interval(parse_quantity(name, n))
        assert low <= result.z[1][0, k] <= high < result.a[1][0, k]
    pair = f"activation_not_applied+{with_it}"
    alone = Reach(result, n, p, stated, None, pair)
    shared = Reach(result, n, p, stated, None, pair, forward=never)
    for q in names:
        assert shared.interval(parse_quantity(q, n)) == alone.interval(parse_quantity(q, n))


def softmax_by_hand(layer, a, y, keep, round_terms):
    """A student's softmax output under cross-entropy, by the chain rule: ŷ, ∂L/∂ŷi = −yi/ŷi, each
    Jacobian entry ŷi(δim − ŷm) and δm = Σi ∂L/∂ŷi·∂ŷi/∂zm, every one written down as keep() rounds
    it (`round_terms`: each product gi·Jim too, before the sum)."""
    z = [keep(sum(w * v for w, v in zip(row, a)) + b) for row, b in zip(layer["weights"], layer["biases"])]
    top = max(z)
    exps = [math.exp(v - top) for v in z]
    yhat = [keep(e / sum(exps)) for e in exps]
    g = [keep(-t / p) if t else 0.0 for t, p in zip(y, yhat)]
    jac = [[keep(yhat[i] * ((i == m) - yhat[m])) for m in range(len(z))] for i in range(len(z))]
    term = keep if round_terms else (lambda v: v)
    delta = [keep(sum(term(g[i] * jac[i][m]) for i in range(len(z)))) for m in range(len(z))]
    return z, yhat, delta


@pytest.mark.parametrize("seed", range(16))
def test_a_student_who_takes_softmax_through_the_chain_rule_rounding_as_they_go_is_never_wrong(tmp_path, seed):
    # the fused ŷ − y is one route; the chain rule through ∂L/∂ŷ and softmax's Jacobian, every entry
    # written down rounded, is another, and it is the correct method too
    rng = random.Random(100 + seed)
    inputs, outputs = rng.randint(1, 3), rng.randint(2, 3)
    layer = {"activation": "softmax", "weights": [[round(rng.uniform(-1, 1), 2) for _ in range(inputs)]
                                                  for _ in range(outputs)],
             "biases": [round(rng.uniform(-0.5, 0.5), 2) for _ in range(outputs)]}
    x = [round(rng.uniform(-2, 2), 2) for _ in range(inputs)]
    y = [0.0] * outputs
    y[rng.randrange(outputs)] = 1.0
    digits = rng.choice([3, 4, 5])
    keep = (lambda v: significant(v, digits)) if seed % 2 else (lambda v: round(v, digits))
    z, yhat, delta = softmax_by_hand(layer, x, y, keep, round_terms=seed % 4 >= 2)
    answers = {**{f"yhat{j}": v for j, v in enumerate(yhat, start=1)},
               **{f"dL/dz1{j}": v for j, v in enumerate(delta, start=1)},
               **{f"dL/dw1{j}{k}": keep(d * xk) for j, d in enumerate(delta, start=1)
                  for k, xk in enumerate(x, start=1)}}
    spec = yaml.safe_dump({"input": x, "target": y, "loss": "cross_entropy", "learning_rate": 0.5, "layers": [layer]},
                          sort_keys=False)
    assert not_reached(tmp_path, spec, answers) == []


def _every_quantity(result, n):
    """The loss, every node's value and gradient (the first sample's), every parameter's gradient
    and update: what an answers file can ask of a network."""
    from backprop_cli.grading.key import default_quantities
    from backprop_cli.grading.quantities import QuantityError

    sample = "[1]" if result.samples > 1 else ""
    nodes = [f"{kind}{l}{j}{sample}" for l, size in enumerate(result.sizes[1:], start=1) for j in range(1, size + 1)
             for kind in ("z", "a", "dL/dz", "dL/da")]
    found = []
    for text in ["loss", *nodes, *default_quantities(result)]:
        try:
            found.append(parse_quantity(text, n))
        except QuantityError:
            continue  # a name this network does not have (a of the output: it is ŷ)
    return found


@pytest.mark.slow
@pytest.mark.parametrize("example", ["chain-3-layer", "padhai-4-4-2", "batch-average", "softmax-classifier"])
def test_a_pass_asked_in_any_order_gives_what_the_whole_pass_gives(example):
    # the backward pass is made a layer at a time, as far as a question asks: whatever is asked
    # first (a forward value, the last layer's gradient, the first layer's), every interval is the
    # float the pass made in full at once gives; for each mistake, on the true values, on stated ones
    # carried through, and on the step alone (which makes its base pass as far as it reads)
    from backprop_cli.grading.intervals import MISTAKES

    result = bp.load_example(example).compute()
    n = notation("default", result.network.names)
    quantities = _every_quantity(result, n)
    stated = {(q.kind, q.name, q.sample): result.gradient(str(q.name)) * 1.3 if q.kind == "gradient" and
              q.is_parameter else 0.42 for q in quantities[3:6]}  # three values or gradients, made wrong
    p = precision_of("0.0123")
    for mistake in ("", *MISTAKES, "sign_flipped+updated_weights_used", "factor_2_lost+one_path_only"):
        def made(order, mistake=mistake, **kinds):
            if order == "alone":  # each quantity the first a fresh pass (and its fresh base) is asked
                return {str(q.name) + q.kind: Reach(result, n, p, mistake=mistake, **fresh(kinds)).interval(q)
                        for q in quantities}
            reach = Reach(result, n, p, mistake=mistake, **fresh(kinds))
            if order == "whole":
                reach._gradients()
            asked = quantities if order != "reversed" else quantities[::-1]
            return {str(q.name) + q.kind: reach.interval(q) for q in asked}

        for kinds in ({}, {"stated": stated}, {"stated": stated, "base": (result, n, p)}):
            whole = made("whole", **kinds)
            orders = ("forward first", "reversed", "alone") if mistake in ("", "updated_weights_used") else \
                ("forward first", "reversed")
            for order in orders:
                assert made(order, **kinds) == whole, (example, mistake, order)


def fresh(kinds: dict) -> dict:
    """The keywords of a pass, with a new base pass (asked nothing yet) where it has one."""
    return {**kinds, "base": Reach(*kinds["base"])} if "base" in kinds else kinds


@pytest.mark.parametrize("seed", range(12))
def test_local_derivatives_and_weight_changes_rounded_as_you_go_are_never_wrong(tmp_path, seed):
    # the same student also writes each σ′ or tanh′ (from their own rounded a), each ∂z/∂w (the a it
    # multiplies) and each Δw = −η·∂L/∂w (their rounded gradient times η, rounded): steps like any other,
    # reached by the correct method rounding as they go, so never wrong
    rng = random.Random(100 + seed)
    layers, x, y = random_network(rng)
    rate = rng.choice([0.1, 0.5, 1.0])
    digits = rng.choice([3, 4, 5])
    keep = (lambda v: significant(v, digits)) if seed % 2 else (lambda v: round(v, digits))
    done = by_hand(layers, x, y, rate, keep)
    answers, a_prev = {}, [keep(v) for v in x]
    for l, layer in enumerate(layers, start=1):
        _, derivative = ACTIVATIONS[layer["activation"]]
        top = "yhat" if l == len(layers) else f"a{l}"
        for j in range(1, len(layer["weights"]) + 1):
            a, z = done[f"{top}{j}" if top == "yhat" else f"a{l}{j}"], done[f"z{l}{j}"]
            if layer["activation"] in ("sigmoid", "tanh"):
                answers[f"d{top}{j if top == 'yhat' else ''}{'' if top == 'yhat' else j}/dz{l}{j}"] = \
                    keep(derivative(z, a))
            for k, ak in enumerate(a_prev, start=1):
                if l > 1:
                    answers[f"dz{l}{j}/dw{l}{j}{k}"] = ak
                answers[f"Δw{l}{j}{k}"] = keep(-keep(rate * done[f"dL/dw{l}{j}{k}"]))
        a_prev = [done[f"a{l}{j}"] if l < len(layers) else None for j in range(1, len(layer["weights"]) + 1)]
    assert not_reached(tmp_path, spec_text(layers, x, y, rate), answers) == []


def test_softmax_jacobian_entries_from_rounded_outputs_are_right_and_a_flipped_one_is_wrong(tmp_path):
    # ∂ŷi/∂zm = ŷi(δim − ŷm) written from the student's own ŷ, rounded to 3 significant digits as
    # they went: the diagonal ŷ1(1 − ŷ1) and the cross −ŷ1·ŷ2 are right; the cross entry without its
    # minus sign, and tanh′ taken as 1 − z² (on z, not a), are wrong
    result = bp.load_example("softmax-classifier").compute()
    y1, y2, y3 = (significant(float(v), 3) for v in result.a[2][0])  # 0.511, 0.295, 0.194
    a11, z11 = significant(float(result.a[1][0][0]), 3), significant(float(result.z[1][0][0]), 3)
    (tmp_path / "net.yaml").write_text((SPECS / "softmax-classifier.yaml").read_text(encoding="utf-8"),
                                       encoding="utf-8")
    answers = {"dyhat1/dz21": significant(y1 * (1 - y1), 3), "dyhat1/dz22": significant(-y1 * y2, 3),
               "dyhat2/dz21": significant(y1 * y2, 3), "da11/dz11": significant(1 - z11 * z11, 3),
               "dz21/dw211": a11,
               "dyhat1/dz23": significant(-y1 * y3, 3)}  # −0.0991, where the true −0.0992357 is −0.0992
    lines = "".join(f"  {q}: {v!r}\n" for q, v in answers.items())
    (tmp_path / "answers.yaml").write_text("spec: net.yaml\nanswers:\n" + lines, encoding="utf-8")
    got = {o.answer.quantity.text: o.verdict for o in bp.check([str(tmp_path / "answers.yaml")]).files[0].outcomes}
    assert got == {"dyhat1/dz21": "right", "dyhat1/dz22": "right", "dyhat2/dz21": "wrong", "da11/dz11": "wrong",
                   "dz21/dw211": "right", "dyhat1/dz23": "right"}


@pytest.mark.parametrize("spec, answers", [
    ("batch-average", {"da21/dz21[2]": "1e308", "a11[2]": "1e308"}),  # σ′ from a stated a past float64
    ("batch-average", {"dL/dx1[2]": "1e308", "dL/dz11[2]": "1e308"}),  # Σ δ·w on stated δs past float64
    ("mazur-2-2-2", {"dout_h1/dnet_h1": "1e308", "out_h1": "1e308"}),
    ("rnn-2-unit-3-steps", {"h11@2": "1e200", "dL/dh11@1": "0.5"}),  # tanh′ of a stated state, written out
    ("batchnorm-batch-of-4", {"loss": "1e308", "a31[2]": "1e308"}),  # σ′ of a stated output, written out
])
def test_stated_values_past_float64_are_judged_without_a_warning(tmp_path, spec, answers):
    # (found by an attacker: each overflowed to a RuntimeWarning, an internal error under -W error and
    # a numpy line on stderr otherwise; pytest turns warnings into errors here)
    (tmp_path / "net.yaml").write_text((SPECS / f"{spec}.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    lines = "".join(f"  {q}: {v}\n" for q, v in answers.items())
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n" + lines, encoding="utf-8")
    run = bp.check([str(tmp_path / "a.yaml")])
    assert run.invalid == [] and len(run.files[0].outcomes) == len(answers)
    assert all(o.verdict == "wrong" for o in run.files[0].outcomes if o.answer.given != 0.5)
