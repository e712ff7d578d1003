"""Softmax under cross-entropy taken by the chain rule (∂L/∂ŷi = −yi/ŷi, each Jacobian entry
ŷi(δim − ŷm), δm = Σi ∂L/∂ŷi·∂ŷi/∂zm), bounded term by term (interval_arithmetic.chained_bound):
the ŷi divided by and the ŷi multiplied by are one value, so it cancels. Held against students
written out here in plain Python (the package computes none of it): whatever they write is reached,
never wrong; and against sampled writings of each step, which all fall inside the bound."""
import math
import random

import numpy as np
import pytest
import yaml
from conftest import not_reached
from hypothesis import given, settings
from hypothesis import strategies as st

import backprop_cli as bp
from backprop_cli.grading.interval_arithmetic import chained_bound
from backprop_cli.grading.rule import Precision

HIDDEN = {
    "sigmoid": (lambda z: 1 / (1 + math.exp(-z)), lambda z, a: a * (1 - a)),
    "tanh": (math.tanh, lambda z, a: 1 - a * a),
    "relu": (lambda z: max(z, 0.0), lambda z, a: 1.0 if z > 0 else 0.0),
}


def significant(value: float, digits: int) -> float:
    if value == 0:
        return 0.0
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def chain_student(layers, x, y, keep, divides_by_more_digits, rounds_terms):
    """Every answer of a hidden layer and a softmax output, by hand, each intermediate written as
    keep() rounds it; softmax's δ by the chain rule, ∂L/∂ŷi from ŷ with more digits than the
    Jacobian's (`divides_by_more_digits`), each product gi·Jim rounded before the sum (`rounds_terms`)."""
    hidden, out = layers
    f, slope = HIDDEN[hidden["activation"]]
    z1 = [keep(sum(w * v for w, v in zip(row, x)) + b) for row, b in zip(hidden["weights"], hidden["biases"])]
    a1 = [keep(f(v)) for v in z1]
    z2 = [keep(sum(w * v for w, v in zip(row, a1)) + b) for row, b in zip(out["weights"], out["biases"])]
    top = max(z2)
    exps = [math.exp(v - top) for v in z2]
    exact = [e / sum(exps) for e in exps]
    yhat = [keep(p) for p in exact]
    divisor = exact if divides_by_more_digits else yhat
    g = [keep(-t / p) if t else 0.0 for t, p in zip(y, divisor)]
    jac = [[keep(yhat[i] * ((i == m) - yhat[m])) for m in range(len(z2))] for i in range(len(z2))]
    term = keep if rounds_terms else (lambda v: v)
    d2 = [keep(sum(term(g[i] * jac[i][m]) for i in range(len(z2)) if y[i])) for m in range(len(z2))]
    da1 = [keep(sum(out["weights"][m][k] * d2[m] for m in range(len(d2)))) for k in range(len(a1))]
    d1 = [keep(da * keep(slope(zv, av))) for da, zv, av in zip(da1, z1, a1)]
    answers = {**{f"z1{j}": v for j, v in enumerate(z1, 1)}, **{f"a1{j}": v for j, v in enumerate(a1, 1)},
               **{f"yhat{j}": v for j, v in enumerate(yhat, 1)}, **{f"dL/dz2{j}": v for j, v in enumerate(d2, 1)},
               **{f"dL/da1{k}": v for k, v in enumerate(da1, 1)}, **{f"dL/dz1{j}": v for j, v in enumerate(d1, 1)}}
    for l, deltas, inputs in ((2, d2, a1), (1, d1, x)):
        for j, d in enumerate(deltas, 1):
            answers[f"dL/db{l}{j}"] = d
            for k, v in enumerate(inputs, 1):
                answers[f"dL/dw{l}{j}{k}"] = keep(d * v)
    return answers


@pytest.mark.parametrize("seed", range(24))
def test_a_student_who_takes_softmax_by_the_chain_rule_is_never_wrong(tmp_path, seed):
    rng = random.Random(700 + seed)
    inputs, units, outputs = rng.randint(1, 3), rng.randint(2, 3), rng.randint(2, 4)
    layers = [{"activation": act, "weights": [[round(rng.uniform(-1, 1), 2) for _ in range(n_in)] for _ in range(n)],
               "biases": [round(rng.uniform(-0.5, 0.5), 2) for _ in range(n)]}
              for act, n_in, n in ((rng.choice(sorted(HIDDEN)), inputs, units), ("softmax", units, outputs))]
    x = [round(rng.uniform(-2, 2), 2) for _ in range(inputs)]
    y = [0.0] * outputs
    if seed % 3 == 2:  # soft targets (label smoothing): several terms in each δm
        shares = [rng.randint(1, 5) for _ in range(outputs)]
        y = [round(s / sum(shares), 2) for s in shares]
        y[-1] = round(1 - sum(y[:-1]), 2)
    else:
        y[rng.randrange(outputs)] = 1.0
    digits = rng.choice([3, 4, 5])
    keep = (lambda v: significant(v, digits)) if seed % 2 else (lambda v: round(v, digits))
    answers = chain_student(layers, x, y, keep, divides_by_more_digits=seed % 4 == 1, rounds_terms=seed % 5 >= 3)
    spec = yaml.safe_dump({"input": x, "target": y, "loss": "cross_entropy", "learning_rate": 0.5, "layers": layers},
                          sort_keys=False)
    assert not_reached(tmp_path, spec, answers) == []


def written(value: float, precision: Precision, rng: random.Random) -> float:
    """value as a student may write it: rounded at the precision's digit for its size, or one finer,
    or kept."""
    if value == 0 or rng.random() < 0.2:
        return value
    digit = int(precision.digit(abs(value))) + rng.choice([0, 0, 1])
    return round(value, digit)


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from([(3, 3), (4, 3), (2, 5), (4, 4)]), st.integers(2, 4), st.booleans(),
       st.sampled_from([0.0, 1e-4, 3e-3]), st.booleans())
def test_every_writing_of_the_chain_lies_inside_the_bound(seed, digits, outputs, soft, spread, stated):
    # ŷ anywhere in its own interval (the steps before it rounded: `spread` wide), written rounded
    # (the used interval is its rounding), or a value the file states (any two values of what its
    # digits stand for); every sampled writing of ŷ (twice: once to divide by, once in the Jacobian),
    # of gi, of each entry and each term lands inside the bound
    rng = random.Random(seed)
    precision = Precision(digits[0], digits[1])
    z = np.array([rng.uniform(-3, 3) for _ in range(outputs)])
    centre = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    y = np.array([rng.randint(0, 3) for _ in range(outputs)], dtype=float) if soft else np.eye(outputs)[0]
    y = y / y.sum() if y.sum() else np.eye(outputs)[0]
    own = (centre[None] * (1 - spread), centre[None] * (1 + spread))
    used = (centre[None] * (1 - 3 * spread) - 1e-3, centre[None] * (1 + 3 * spread) + 1e-3) if stated \
        else precision.rounded(*own)
    low, high = chained_bound(used, own, np.full(outputs, stated), y[None], precision)
    assert np.all(np.isfinite(low)) or np.any(used[0] <= 0) or np.any(used[1] >= 1)  # (a probability past 0 or 1)
    for _ in range(40):
        if stated:  # the student's own digits of the stated value, any two of them
            in_jacobian = [rng.uniform(lo, hi) for lo, hi in zip(used[0][0], used[1][0])]
            divided_by = [rng.uniform(lo, hi) for lo, hi in zip(used[0][0], used[1][0])]
        else:
            v = [rng.uniform(lo, hi) for lo, hi in zip(own[0][0], own[1][0])]
            in_jacobian = [written(p, precision, rng) for p in v]
            divided_by = [written(p, precision, rng) for p in v]
        for m in range(outputs):
            terms = [written(-t / d, precision, rng) * written(a_i * ((i == m) - in_jacobian[m]), precision, rng)
                     for i, (t, d, a_i) in enumerate(zip(y, divided_by, in_jacobian)) if t]
            if len(terms) > 1:
                terms = [written(term, precision, rng) for term in terms]
            delta = sum(terms)
            assert low[0, m] - 1e-12 <= delta <= high[0, m] + 1e-12, (m, delta, low, high)


def test_a_stated_probability_past_1_leaves_the_centred_form_alone():
    # a file's ŷ = 1.2 makes ŷ(1 − ŷ) negative: no relative rounding to speak of, so no bound
    low, high = chained_bound((np.array([[1.19, -0.3]]), np.array([[1.21, -0.1]])),
                                      (np.array([[0.7, 0.3]]),) * 2, np.array([True, True]),
                                      np.array([[0.0, 1.0]]), Precision(2, 3))
    assert np.all(low == -np.inf) and np.all(high == np.inf)


def test_a_value_built_on_a_slipped_output_is_carried_forward_not_right(tmp_path):
    # a student of a simulated class (tanh, softmax, a batch of 2, rounding to 4 decimals as they go)
    # who slipped ŷ1[1] (0.6721 for 0.6397) and did every later step right on it: dL/db11 0.0854 for
    # 0.0829148. The centred form, counting each ŷ twice as two independent values in −y/ŷ and the
    # Jacobian, reached 0.0854 from the true values (accepted [0.08034, 0.08547]): judged right
    (tmp_path / "net.yaml").write_text(
        "inputs: [[0.6, 2, 0, 1.4], [-2, 1, 0, -0.3]]\ntargets: [[0, 1], [0, 1]]\nloss: cross_entropy\n"
        "learning_rate: 1\nlayers:\n  - activation: tanh\n    weights: [[0.1, 0.5, 0.9, 0], [-0.76, 0.5, -0.5, 0.1]]\n"
        "    biases: [0.4, -0.06]\n  - activation: softmax\n    weights: [[0.8, 0.5], [0.47, 0.72]]\n"
        "    biases: [0.2, -0.2]\n", encoding="utf-8")
    (tmp_path / "answers.yaml").write_text(
        "spec: net.yaml\nanswers:\n  z11[1]: 1.4600\n  a11[1]: 0.8977\n  yhat1[1]: 0.6721\n  yhat2[1]: 0.3602\n"
        "  z11[2]: 0.7000\n  a11[2]: 0.6044\n  yhat1[2]: 0.5959\n  yhat2[2]: 0.4041\n  dL/db11: 0.0854\n",
        encoding="utf-8")
    outcomes = {o.answer.quantity.text: o for o in bp.check([str(tmp_path / "answers.yaml")]).files[0].outcomes}
    assert outcomes["yhat1[1]"].verdict == "wrong"
    assert outcomes["dL/db11"].verdict == "carried_forward", outcomes["dL/db11"]


def test_the_output_delta_of_a_softmax_network_is_narrowed_by_the_chain_rule_bound():
    # relu hidden layer, softmax output, judged at 3 significant digits: ŷ spreads ±0.36% (z rounded
    # as it goes), and the bound's own terms (two writings of ŷ2, −1/ŷ2 and the Jacobian entry
    # rounded) add about 0.6%: δ within ±1.2%. The centred form alone counted ŷ2 twice: ±2.2%, and
    # dL/dz12 = 0.29·δ1 + 0.5·δ2, which cancels, ±7.3% (now under ±5%)
    from backprop_cli.core.names import notation
    from backprop_cli.grading.intervals import Reach
    from backprop_cli.grading.quantities import evaluate, parse_quantity
    from backprop_cli.grading.rule import precision_of
    from backprop_cli.spec.reader import load_spec

    spec = load_spec(text="input: [3, 2.4, -1]\ntarget: [0, 1]\nloss: cross_entropy\nlayers:\n"
                     "  - {activation: relu, weights: [[0.4, 0.3, -0.6], [0.8, 0, 0.15]], biases: [-0.1, 0.46]}\n"
                     "  - {activation: softmax, weights: [[0.8, 0.29], [0.3, 0.5]], biases: [-0.1, -0.3]}\n")
    result, names = spec.compute(), notation("default")
    reach = Reach(result, names, precision_of("0.698"))
    for quantity, spread in (("dL/dz21", 0.012), ("dL/dz22", 0.012), ("dL/dz12", 0.05)):
        q = parse_quantity(quantity, names)
        low, high = reach.interval(q)
        truth = evaluate(result, q, names)
        assert low <= truth <= high and (high - low) / 2 <= spread * abs(truth), (quantity, low, high, truth)
