"""Many mistaken passes made as one (grading.stacked): each row of a stacked pass gives, float for
float, what its mistake's pass made alone gives, for every quantity a mistake is named on, on every
bundled network and on random ones, on stated values carried through, with intermediates rounded
as an answer is and as coarsely as it is written."""
import dataclasses
import math
import random

import pytest
import yaml
from conftest import EXAMPLES

import backprop_cli as bp
from backprop_cli.core.names import notation
from backprop_cli.grading.intervals import MISTAKES, Reach
from backprop_cli.grading.possible import mistake_pairs
from backprop_cli.grading.rule import NO_FLOOR, precision_of
from backprop_cli.grading.stacked import Row, choose, per_row

from .test_intervals import _every_quantity


def _named_on(result, n):
    """The quantities a mistake made on stated values is named on (judging.Judge.stated_mistakes):
    values and gradients, but not ∂L/∂L nor a parameter's own value."""
    return [q for q in _every_quantity(result, n) if q.kind in ("gradient", "value")
            and not (q.kind == "gradient" and q.name.kind == "L") and not (q.kind == "value" and q.is_parameter)]


def _same(a, b) -> bool:
    return all(x == y or math.isnan(x) and math.isnan(y) for x, y in zip(a, b))


def _rows_are_their_own_passes(result, stated: dict, written: str) -> None:
    n = notation("default", result.network.names)
    quantities = _named_on(result, n)
    stated = {(q.kind, q.name, q.sample): value for q, value in stated(quantities).items()}
    for precision in (precision_of(written), dataclasses.replace(precision_of(written), kept=NO_FLOOR)):
        carried = Reach(result, n, precision, stated)
        for group in (list(MISTAKES), mistake_pairs(list(MISTAKES))):
            stacked = Reach(result, n, precision, stated, None, group, forward=carried)
            for row, mistake in enumerate(group):
                alone = Reach(result, n, precision, stated, None, mistake)
                for q in quantities:
                    assert _same(Row(stacked, row).interval(q), alone.interval(q)), (mistake, q.text)


def _some_wrong(quantities) -> dict:
    """Three stated values made wrong: a value as the box its digits cover, a gradient as written."""
    return {q: (0.42, 0.4205) if q.kind == "value" else -0.31 for q in quantities[3:6]}


@pytest.mark.parametrize("example", EXAMPLES)
def test_each_row_of_a_stacked_pass_is_its_mistakes_own_pass(example):
    _rows_are_their_own_passes(bp.load_example(example).compute(), _some_wrong, "0.0123")


def _random_spec(rng) -> str:
    """Three layers of 1–4 units, a batch of 1–3 samples, any hidden activation, and an output
    with its loss (softmax under cross-entropy, sigmoid under either squared error)."""
    sizes = [rng.randint(1, 3), rng.randint(1, 4), rng.randint(2, 4), rng.randint(1, 3)]
    output, loss = rng.choice([("softmax", "cross_entropy"), ("sigmoid", "squared_error"),
                               ("sigmoid", "half_squared_error"), ("linear", "squared_error")])
    if output == "softmax":
        sizes[-1] = max(sizes[-1], 2)
    samples = rng.randint(1, 3)
    acts = [rng.choice(["sigmoid", "tanh", "relu"]) for _ in range(2)] + [output]
    layers = [{"activation": act, "weights": [[round(rng.uniform(-1, 1), 2) for _ in range(sizes[i])]
                                              for _ in range(sizes[i + 1])],
               "biases": [round(rng.uniform(-0.5, 0.5), 2) for _ in range(sizes[i + 1])]}
              for i, act in enumerate(acts)]
    inputs = [[round(rng.uniform(-2, 2), 2) for _ in range(sizes[0])] for _ in range(samples)]
    if output == "softmax":  # one class each
        targets = [[float(i == k) for i in range(sizes[-1])] for k in (rng.randrange(sizes[-1]) for _ in inputs)]
    else:
        targets = [[round(rng.uniform(0, 1), 2) for _ in range(sizes[-1])] for _ in inputs]
    return yaml.safe_dump({"inputs": inputs, "targets": targets, "reduction": "mean", "loss": loss,
                           "learning_rate": 0.5, "layers": layers}, sort_keys=False)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(8))
def test_each_row_is_its_own_pass_on_random_networks(tmp_path, seed):
    rng = random.Random(seed)
    (tmp_path / "net.yaml").write_text(_random_spec(rng), encoding="utf-8")
    result = bp.load_spec(tmp_path / "net.yaml").compute()
    _rows_are_their_own_passes(result, lambda qs: {q: rng.uniform(-2, 2) for q in rng.sample(qs, 3)},
                               rng.choice(["1.4", "0.0123", "0.6696"]))


def test_rows_that_agree_are_one_flag_and_each_keeps_its_own_where_they_differ():
    import numpy as np

    assert per_row([True, True]) is True and per_row([False, False]) is False
    flags = per_row([True, False, True])
    low, high = choose(flags, lambda: (np.zeros((2, 3)), np.ones((2, 3))), lambda: (np.ones((3, 2, 3)),) * 2)
    assert low.shape == (3, 2, 3) and low[0].max() == 0 and low[1].min() == 1 and high.min() == 1
    assert choose(True, lambda: "made", lambda: pytest.fail("not asked")) == "made"


def test_a_stage_is_stacked_up_to_a_size_and_made_one_mistake_at_a_time_past_it():
    from backprop_cli.grading.stacked import STACKED_UP_TO, mistaken_passes

    made = []

    def make(mistakes):
        made.append(mistakes)
        return f"pass of {mistakes}"

    rows = mistaken_passes(make, ["sign_flipped", "factor_2_lost"], STACKED_UP_TO)
    assert made == [["sign_flipped", "factor_2_lost"]] and [r.index for r in rows.values()] == [0, 1]
    made.clear()
    alone = mistaken_passes(make, ["sign_flipped", "factor_2_lost"], STACKED_UP_TO + 1)
    assert made == ["sign_flipped", "factor_2_lost"] and alone["factor_2_lost"] == "pass of factor_2_lost"


def test_a_file_is_judged_the_same_with_its_mistakes_stacked_or_each_alone(tmp_path, monkeypatch):
    # the notes' wrong numbers and their own mistakes made on the 4-4-2 network: every stage of
    # mistakes made on stated values is asked (singles, pairs, and as coarsely as written)
    import json

    from click.testing import CliRunner

    from backprop_cli.cli import main
    from backprop_cli.grading import stacked
    from backprop_cli.spec.examples import example_path

    (tmp_path / "net.yaml").write_text(example_path("padhai-4-4-2").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n  a12: 1.4\n  dL/dz21: -0.1625\n  dL/dw212: -0.0652\n"
                                     "  dL/dw121: 0.0309\n  dL/dw131: 0.0016\n  w212_new: 0.6696\n  loss: 0.2\n")
    reports = []
    for limit in (stacked.STACKED_UP_TO, 0):
        monkeypatch.setattr(stacked, "STACKED_UP_TO", limit)
        reports.append(json.loads(CliRunner().invoke(main, ["check", str(tmp_path / "a.yaml"), "--format", "json"])
                                  .output))
    assert reports[0] == reports[1]
    assert any(d["code"] not in ("follows_from",) for r in reports[0]["files"][0]["results"] for d in r["diagnoses"])
