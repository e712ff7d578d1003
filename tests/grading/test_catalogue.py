"""The catalogue of mistakes on a network it was not written from: each mistake done by the
independent student model of benchmarks/simulated_class.py (which knows nothing of the grader),
written at full precision, is named by its code (section 5's table)."""
import json
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SPECS, invoke

sys.path.insert(0, str(ROOT / "benchmarks"))
from simulated_class import run_pass, spec_yaml

NET = {"n_in": 2, "n_h": 2, "n_out": 2, "hidden": "sigmoid", "out": "sigmoid", "loss": "squared_error", "lr": 0.5,
       "batch": False, "x": [[0.7, -1.2]], "y": [[1.0, 0.0]], "W1": [[0.3, -0.6], [0.8, 0.2]], "b1": [0.1, -0.2],
       "W2": [[0.5, -0.9], [0.4, 0.7]], "b2": [0.05, -0.1]}

CASES = [  # (the model's mistake, the quantity it changes: its key there, its name here, the code)
    ("sigma_prime_on_z", ("dw", 1, 0, 1), "dL/dw112", "derivative_on_z"),
    ("one_path", ("dw", 1, 1, 0), "dL/dw121", "one_path_only"),
    ("transposed", ("dw", 1, 0, 0), "dL/dw111", "matrix_transposed"),
    ("no_activation", ("a", 2, 0, 0), "yhat1", "activation_not_applied"),
    # the model's a = z student takes σ′ from that a, z(1 − z): a hidden gradient shows it
    ("no_activation", ("dw", 1, 0, 1), "dL/dw112", "activation_not_applied"),
    ("no_act_deriv", ("dw", 2, 0, 1), "dL/dw212", "activation_derivative_missing"),
    ("sign_flip", ("dw", 2, 1, 0), "dL/dw221", "sign_flipped"),
    ("lost_factor2", ("db", 1, 1), "dL/db12", "factor_2_lost"),
    ("stale_weights", ("dw", 1, 1, 1), "dL/dw122", "updated_weights_used"),
    ("update_sign", ("new", "w", 2, 0, 0), "w211_new", "update_sign"),
    ("no_lr", ("new", "w", 1, 0, 0), "w111_new", "learning_rate_missing"),
    ("no_update", ("new", "w", 2, 1, 1), "w222_new", "update_missing"),
]


@pytest.mark.parametrize(("mistake", "key", "quantity", "code"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_each_mistake_is_named_by_its_code(tmp_path: Path, mistake, key, quantity, code):
    value = run_pass(NET, {mistake})[key]
    assert abs(value - run_pass(NET, set())[key]) > 1e-4  # the mistake changes this quantity
    (tmp_path / "net.yaml").write_text(spec_yaml(NET), encoding="utf-8")
    (tmp_path / "answers.yaml").write_text(f"spec: net.yaml\nanswers:\n  {quantity}: {value:.6f}\n", encoding="utf-8")
    result = json.loads(invoke("check", tmp_path / "answers.yaml", "--format", "json").stdout)["files"][0]["results"]
    assert result[0]["verdict"] == "wrong"
    assert code in [d["code"] for d in result[0]["diagnoses"]], result[0]["diagnosis"]


def test_a_batchs_loss_summed_where_it_is_the_mean_is_named(tmp_path):
    # batch-average: the loss is the mean of 3 samples' (0.10623); their sum, 0.3187, is batch_not_averaged,
    # as a gradient summed over the batch is
    import backprop_cli as bp

    result = bp.load_example("batch-average").compute()
    summed = float(result.per_sample_loss.sum())
    assert result.samples == 3 and summed == pytest.approx(3 * result.loss)
    (tmp_path / "net.yaml").write_text((SPECS / "batch-average.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "a.yaml").write_text(f"spec: net.yaml\nanswers:\n  loss: {summed:.4f}\n")
    (outcome,) = bp.check([str(tmp_path / "a.yaml")]).files[0].outcomes
    assert outcome.verdict == "wrong" and [d["code"] for d in outcome.diagnoses] == ["batch_not_averaged"]


def test_an_update_on_half_the_gradient_is_no_lost_factor_2_under_half_squared_error(tmp_path):
    # mazur-2-2-2 (half squared error: ∂E/∂ŷ = ŷ − y, no 2 to lose): w5 − 2η·g is η applied twice alone
    import backprop_cli as bp

    (tmp_path / "net.yaml").write_text((SPECS / "mazur-2-2-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n  w5_new: 0.37946\n")
    (outcome,) = bp.check([str(tmp_path / "a.yaml")]).files[0].outcomes
    assert outcome.verdict == "wrong" and [d["code"] for d in outcome.diagnoses] == ["learning_rate_twice"]
