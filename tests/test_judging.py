"""The default tolerance of CONTRACT section 5 and carried-forward work, on published examples typed
in with their numbers rounded as printed: their right numbers pass, their known mistakes do not."""
import json

import pytest
from conftest import SPECS, invoke

from backprop_cli import compute, load_spec


def check(tmp_path, spec: str, answers: dict[str, str], notation: str = "default") -> dict:
    (tmp_path / "net.yaml").write_text((SPECS / f"{spec}.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    lines = [f"  {k}: {v}" for k, v in answers.items()]
    text = "spec: net.yaml\n" + (f"notation: {notation}\n" if notation != "default" else "") + "answers:\n"
    (tmp_path / "a.yaml").write_text(text + "\n".join(lines) + "\n", encoding="utf-8")
    data = json.loads(invoke("check", tmp_path / "a.yaml", "--format", "json").stdout)
    return {r["quantity"]: r for r in data["files"][0]["results"]}


def test_mazur_as_printed_passes(tmp_path):
    published = {"out_h1": "0.593269992", "net_o1": "1.105905967", "out_o1": "0.75136507", "loss": "0.298371109",
                 "dE_total/dw5": "0.082167041", "dE_total/dw1": "0.000438568", "w5_new": "0.35891648",
                 "w6_new": "0.408666186", "w1_new": "0.149780716", "w4_new": "0.29950229"}
    results = check(tmp_path, "mazur-2-2-2", published)
    assert all(r["ok"] for r in results.values()), {k: r for k, r in results.items() if not r["ok"]}


@pytest.mark.parametrize("given, diagnosis", [
    ("0.150000000", "value before the update"),  # the update left out
    ("0.150219284", "adds η·∂L/∂w"),  # the update added
])
def test_an_update_left_out_or_added_never_passes(tmp_path, given, diagnosis):
    result = check(tmp_path, "mazur-2-2-2", {"w1_new": given})["w1_new"]
    assert result["verdict"] == "wrong" and diagnosis in result["diagnosis"]


def test_a_softmax_output_one_percent_off_is_wrong(tmp_path):
    true = compute(load_spec(SPECS / "padhai-4-4-2.yaml")).forward["yhat1"]
    result = check(tmp_path, "padhai-4-4-2", {"yhat1": f"{true * 1.011:.4f}"})["yhat1"]
    assert not result["ok"] and result["accepted"][0] < true < result["accepted"][1]
    assert (result["accepted"][1] - result["accepted"][0]) / 2 < 0.01 * true  # never the old ±1% of the value


def test_rounded_earlier_answers_are_carried_without_penalty(tmp_path):
    result = compute(load_spec(SPECS / "padhai-4-4-2.yaml"))
    a = [round(result.forward[f"a1{k}"], 2) for k in range(1, 5)]
    weights = result.network.layers[1].weights[0]
    z21_from_rounded = sum(w * v for w, v in zip(weights, a))
    assert abs(z21_from_rounded - result.forward["z21"]) > 0.00005  # the rule matters here
    answers = {f"a1{k}": f"{v:.2f}" for k, v in enumerate(a, start=1)}
    answers["z21"] = f"{z21_from_rounded:.4f}"
    assert check(tmp_path, "padhai-4-4-2", answers)["z21"]["ok"]


def test_carried_forward_names_the_answers_it_used(tmp_path):
    result = compute(load_spec(SPECS / "padhai-4-4-2.yaml"))
    delta = result.deltas[2][0, 0]
    # a12 = 0.90 is a slip in its own step: z12, stated right, gives 0.8022
    answers = {"z12": f"{result.z[1][0, 1]:.4f}", "a12": "0.90", "dL/dz21": f"{delta:.4f}",
               "dL/dw212": f"{round(delta, 4) * 0.90:.4f}"}
    results = check(tmp_path, "padhai-4-4-2", answers)
    w212 = results["dL/dw212"]
    assert w212["verdict"] == "carried_forward" and not w212["ok"]
    assert "a12 = 0.90 (line 4)" in w212["diagnosis"]


def test_writing_zero_early_buys_nothing(tmp_path):
    results = check(tmp_path, "padhai-4-4-2", {"a12": "0", "dL/dw212": "0.0000"})
    w212 = results["dL/dw212"]
    assert w212["verdict"] == "wrong" and "trivial" in w212["diagnosis"]


def test_the_padhai_notes_own_mistakes_are_named(tmp_path):
    results = check(tmp_path, "padhai-4-4-2", {"dL/dw212": "-0.0652", "dL/dw131": "-0.0064"}, notation="padhai")
    assert "cross paths are missing" in results["dL/dw212"]["diagnosis"]
    w131 = results["dL/dw131"]["diagnosis"]
    assert "PadhAI notes' softmax factor" in w131 and "cross paths" in w131
    assert "Follows from" not in w131  # ∂L/∂w131 does not depend on ∂L/∂w212


@pytest.mark.parametrize("answers, quantity, diagnosis", [
    ({"dL/dw121": "{w112}"}, "dL/dw121", "indices are read the other way"),
    ({"dL/da12": "{z12}"}, "dL/da12", "z and a swapped"),
    ({"w212_new": "{eta_once}"}, "w212_new", "η is left out"),
])
def test_more_catalogued_mistakes(tmp_path, answers, quantity, diagnosis):
    spec_text = (SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8").replace("learning_rate: 1 ",
                                                                                    "learning_rate: 0.5 ")
    (tmp_path / "net.yaml").write_text(spec_text, encoding="utf-8")
    result = compute(load_spec(tmp_path / "net.yaml"))
    values = {"w112": f"{result.gradient('w112'):.6f}", "z12": f"{result.deltas[1][0, 1]:.6f}",
              "eta_once": f"{result.value('w212') - result.gradient('w212'):.6f}"}
    lines = "".join(f"  {k}: {v.format(**values)}\n" for k, v in answers.items())
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n" + lines, encoding="utf-8")
    data = json.loads(invoke("check", tmp_path / "a.yaml", "--format", "json").stdout)
    found = data["files"][0]["results"][0]
    assert found["quantity"] == quantity and diagnosis in (found["diagnosis"] or ""), found


# -- found by an independent attempt to game the grader ---------------------------------------
@pytest.mark.parametrize("answers, quantity", [
    ({"dL/dw212": "-0", "w212_new": "0.8000"}, "w212_new"),  # a vague 0, then the update left out
    ({"dL/dw212": "-0"}, "dL/dw212"),
    ({"loss": "0", "dL/dz21": "0"}, "loss"),
    ({"dL/dyhat1": "-0.4593", "dL/dyhat2": "0", "dL/dz21": "-0.0813"}, "dL/dz21"),  # the notes' own, via 0
])
def test_vague_answers_cannot_make_mistakes_right(tmp_path, answers, quantity):
    assert check(tmp_path, "padhai-4-4-2", answers)[quantity]["verdict"] != "right"


def test_mazurs_update_left_out_at_three_decimals_is_imprecise(tmp_path):
    # 0.149781 rounds to 0.150, and so does the value before the update: the digits cannot tell
    result = check(tmp_path, "mazur-2-2-2", {"w1_new": "0.150"})["w1_new"]
    assert result["verdict"] == "imprecise" and "write 4 decimals" in result["diagnosis"]
    assert "before the update" in result["diagnosis"]
    assert check(tmp_path, "mazur-2-2-2", {"w1_new": "0.1498"})["w1_new"]["verdict"] == "right"


def test_a_value_near_zero_or_absurd_buys_no_carried_credit(tmp_path):
    result = compute(load_spec(SPECS / "padhai-4-4-2.yaml"))
    a = result.forward["a12"]
    for tiny in ("0.00001", "700"):
        step = float(tiny) * result.deltas[2][0, 0]
        results = check(tmp_path, "padhai-4-4-2", {"a12": tiny, "dL/dw212": f"{step:.6g}"})
        assert results["dL/dw212"]["verdict"] == "wrong" and a > 0


def test_follows_from_stops_at_right_answers(tmp_path):
    result = compute(load_spec(SPECS / "padhai-4-4-2.yaml"))
    # a12 wrong, δ12 (which reads a12 for σ′) stated right: ∂L/∂w121 = δ12·x1 follows from nothing wrong
    answers = {"a12": "1.4", "dL/dz12": f"{result.deltas[1][0, 1]:.6f}", "dL/dw121": "0.5"}
    results = check(tmp_path, "padhai-4-4-2", answers)
    assert "Follows from" not in (results["dL/dw121"]["diagnosis"] or "")
    # and δ12 itself, wrong, does follow from a12 (σ′ = a12(1 − a12)), though ∂L/∂a12 and z12 are right
    answers = {"a12": "1.4", "dL/da12": f"{result.grad_a[1][0, 1]:.6f}", "z12": f"{result.z[1][0, 1]:.6f}",
               "dL/dz12": "0.5"}
    assert "Follows from the earlier wrong step a12" in check(tmp_path, "padhai-4-4-2", answers)["dL/dz12"]["diagnosis"]


def test_the_padhai_notes_printed_forward_pass_passes(tmp_path):
    # the notes print the hidden pre-activations [2.9, 1.4, 2.1, 2.3] and ŷ ≈ [0.77, 0.23] (PadhAI notation)
    printed = {"a11": "2.9", "a12": "1.4", "a13": "2.1", "a14": "2.3", "yhat1": "0.77", "yhat2": "0.23"}
    results = check(tmp_path, "padhai-4-4-2", printed, notation="padhai")
    assert all(r["ok"] for r in results.values()), results


def test_cs231n_circuit_as_printed_passes_and_its_sign_slip_does_not(tmp_path):
    text = ("expression: |\n  dot = w0*x0 + w1*x1 + w2\n  f = 1 / (1 + exp(-dot))\n"
            "at: {w0: 2, x0: -1, w1: -3, x1: -2, w2: -3}\nanswers:\n"
            "  f: 0.73\n  df/dw0: -0.20\n  df/dx0: 0.39\n  df/dw1: -0.39\n  df/dx1: -0.59\n  df/dw2: 0.20\n")
    (tmp_path / "c.yaml").write_text(text, encoding="utf-8")
    assert invoke("check", tmp_path / "c.yaml").exit_code == 0
    (tmp_path / "c.yaml").write_text(text.replace("df/dx1: -0.59", "df/dx1: 0.59"), encoding="utf-8")
    data = json.loads(invoke("check", tmp_path / "c.yaml", "--format", "json").stdout)
    assert data["failed"] == 1 and "sign" in data["files"][0]["results"][4]["diagnosis"]
