"""Optimisers (CONTRACT section 10): every optimiser against torch.optim's own update code, written
out independently in tests/optim_oracle.py, over 4 steps on random networks to 1e-10 relative;
`step` written, read back and stepped again equals `train`; frozen parameters stay; L2; the
published walkthroughs typed in as printed; the spec's problems located."""
import numpy as np
import pytest
import yaml
from conftest import SPECS, invoke, random_layers, stable_seed, targets_for
from hypothesis import given, settings
from hypothesis import strategies as st
from optim_oracle import DEFAULTS, parameters, tool_state
from optim_oracle import train as oracle_train

from backprop_cli import load_spec
from backprop_cli.api.training import step, train, trained_spec
from backprop_cli.errors import SpecError

CASES = [("sigmoid", "sigmoid", "half_squared_error"), ("tanh", "linear", "mse"),
         ("sigmoid", "softmax", "cross_entropy"), ("leaky_relu", "sigmoid", "binary_cross_entropy")]


def spec_text(layers, inputs, targets, loss, reduction, rate, optimizer, settings=None, frozen=(), l2=0.0):
    """A spec, in YAML, for the oracle's plain-list problem."""
    data = {"inputs": inputs, "targets": targets, "loss": loss, "reduction": reduction, "learning_rate": rate,
            "optimizer": {"name": optimizer, **(settings or {})},
            "layers": [{"activation": {"name": l["activation"], "alpha": l["alpha"]} if l["activation"] == "leaky_relu"
                        else l["activation"], "weights": l["weights"], "biases": l["biases"]} for l in layers]}
    if frozen:
        data["frozen"] = [f"{kind}{l}{j}{k or ''}" for kind, l, j, k in frozen]
    if l2:
        data["l2"] = l2
    return yaml.safe_dump(data, default_flow_style=None, sort_keys=False)


def problem(optimizer, case, seed):
    rng = np.random.default_rng(stable_seed("optimizers", optimizer, case, seed))
    hidden, output, loss = CASES[case]
    sizes = [int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.integers(2, 4))]
    layers = random_layers(rng, sizes, hidden, output)
    samples = int(rng.integers(1, 4))
    inputs = rng.uniform(-2, 2, (samples, sizes[0])).tolist()
    targets = targets_for(rng, loss, samples, sizes[-1])
    settings = {}
    if rng.random() < 0.5:  # the defaults, or other settings
        settings = {k: float(rng.uniform(0.5, 0.99)) if k != "eps" else float(10 ** rng.uniform(-10, -3))
                    for k in DEFAULTS[optimizer]}
    rate = float(10 ** rng.uniform(-2.5, -0.3))
    return layers, inputs, targets, loss, "mean" if rng.random() < 0.7 else "sum", rate, settings


def close(got, expected, what):
    assert got == pytest.approx(expected, rel=1e-10, abs=1e-300), what


@pytest.mark.parametrize("optimizer", list(DEFAULTS))
@pytest.mark.parametrize("case", range(len(CASES)))
@pytest.mark.parametrize("seed", range(2))
def test_four_steps_agree_with_torch_optim(optimizer, case, seed):
    layers, inputs, targets, loss, reduction, rate, settings = problem(optimizer, case, seed)
    frozen = {parameters(layers)[0]} if seed == 1 else set()  # outside torch.optim's list: never moves
    l2 = 0.01 * case if seed == 1 else 0.0
    expected, states, losses = oracle_train(layers, inputs, targets, loss, reduction, optimizer, settings, rate, 4,
                                            frozen, l2)
    spec = load_spec(text=spec_text(layers, inputs, targets, loss, reduction, rate, optimizer, settings, frozen, l2))
    training = train(spec, 4)
    run = training.runs[0]
    result = run.result
    assert run.epochs == 4
    for (kind, l, j, k), (name, value, _, _) in zip(parameters(layers), result.parameters()):
        oracle = expected[l - 1]["weights"][j - 1][k - 1] if kind == "w" else expected[l - 1]["biases"][j - 1]
        close(value, oracle, name)
        if (kind, l, j, k) in frozen:
            assert value == (layers[l - 1]["weights"][j - 1][k - 1] if kind == "w" else layers[l - 1]["biases"][j - 1])
    close(run.losses, losses, "losses")
    state = result.network.state
    assert state.step == 4
    for i, p in enumerate(parameters(layers)):
        for key, value in tool_state(optimizer, states[p]).items():
            close(float(state.arrays[key][i]), value, (p, key))


@pytest.mark.slow
@pytest.mark.parametrize("optimizer", list(DEFAULTS))
def test_step_written_and_read_back_four_times_equals_train(tmp_path, optimizer):
    layers, inputs, targets, loss, reduction, rate, settings = problem(optimizer, 0, 7)
    text = spec_text(layers, inputs, targets, loss, reduction, rate, optimizer, settings)
    (tmp_path / "s0.yaml").write_text(text)
    for i in range(4):  # each step reads the state the last one wrote
        invoke("step", tmp_path / f"s{i}.yaml", "-o", tmp_path / f"s{i + 1}.yaml", expect=0)
    invoke("train", tmp_path / "s0.yaml", "--epochs", "4", "-o", tmp_path / "t.yaml", expect=0)
    assert (tmp_path / "s4.yaml").read_text() == (tmp_path / "t.yaml").read_text()  # every digit
    # and train continues from a state as a step does: 2 + 2 = 4
    invoke("train", tmp_path / "s2.yaml", "--epochs", "2", "-o", tmp_path / "t22.yaml", expect=0)
    assert (tmp_path / "t22.yaml").read_text() == (tmp_path / "t.yaml").read_text()
    written = yaml.safe_load((tmp_path / "t.yaml").read_text())
    if optimizer == "sgd":
        assert "optimizer_state" not in written  # plain gradient descent keeps no state
    else:
        assert written["optimizer_state"]["step"] == 4


CANCELLING = """\
inputs: [[0.1], [0.2], [-0.3]]
targets: [[0.0], [0.0], [0.0]]
loss: squared_error
learning_rate: 0.1
optimizer: {name: adam}
layers:
  - activation: linear
    weights: [[0.0]]
    biases: [0.5]
"""


@pytest.mark.parametrize("optimizer", ["adam", "rmsprop", "adagrad"])
def test_a_gradient_that_cancels_moves_nothing_in_step_and_train_alike(tmp_path, optimizer):
    # w = 0: every sample's ŷ is 0.5 and its δ the same, so ∂L/∂w = δ·(0.1 + 0.2 − 0.3) = 0 exactly; in
    # float64 the sum is 5.6e-17·δ, which an adaptive optimiser divides by its own size: a step of η
    (tmp_path / "s0.yaml").write_text(CANCELLING.replace("adam", optimizer), encoding="utf-8")
    for i in range(2):
        invoke("step", tmp_path / f"s{i}.yaml", "-o", tmp_path / f"s{i + 1}.yaml", expect=0)
    invoke("train", tmp_path / "s0.yaml", "--epochs", "2", "-o", tmp_path / "t.yaml", expect=0)
    assert (tmp_path / "s2.yaml").read_text() == (tmp_path / "t.yaml").read_text()
    written = yaml.safe_load((tmp_path / "t.yaml").read_text())
    assert written["layers"][0]["weights"] == [[0.0]]  # the bias moves; w's gradient is 0, and so is its step
    assert written["optimizer_state"]["w111"]["v"] == 0.0
    # several rates side by side: each row makes the same zero
    from backprop_cli.core.training import train_rates

    spec = load_spec(tmp_path / "s0.yaml")
    for run in train_rates(spec.network, spec.inputs, spec.targets, [0.1, 0.5], 3):
        assert run.result.network.layers[0].weights[0, 0] == 0.0


@pytest.mark.slow
def test_plain_descent_counts_on_from_a_step_the_spec_gives(tmp_path):
    # a spec written by Adam then switched to sgd, or typed with its count: the count goes on, never stale
    text = (SPECS / "mazur-2-2-2.yaml").read_text(encoding="utf-8") + "optimizer_state:\n  step: 3\n"
    (tmp_path / "net.yaml").write_text(text, encoding="utf-8")
    invoke("step", tmp_path / "net.yaml", "-o", tmp_path / "s.yaml", expect=0)
    invoke("train", tmp_path / "s.yaml", "--epochs", "2", "-o", tmp_path / "t.yaml", expect=0)
    invoke("train", tmp_path / "net.yaml", "--epochs", "3", "-o", tmp_path / "u.yaml", expect=0)
    steps = [yaml.safe_load((tmp_path / f"{n}.yaml").read_text())["optimizer_state"] for n in "stu"]
    assert steps == [{"step": 4}, {"step": 6}, {"step": 6}]
    assert (tmp_path / "t.yaml").read_text() == (tmp_path / "u.yaml").read_text()


def test_step_api_writes_the_state_it_used():
    layers, inputs, targets, loss, reduction, rate, settings = problem("adam", 1, 3)
    spec = load_spec(text=spec_text(layers, inputs, targets, loss, reduction, rate, "adam", settings))
    once = load_spec(text=step(spec).text)
    expected, states, _ = oracle_train(layers, inputs, targets, loss, reduction, "adam", settings, rate, 1)
    assert once.network.state.step == 1
    for i, p in enumerate(parameters(layers)):
        close(float(once.network.state.arrays["m"][i]), states[p]["exp_avg"], p)
    twice = trained_spec(once, train(once, 1)).text
    expected, *_ = oracle_train(layers, inputs, targets, loss, reduction, "adam", settings, rate, 2)
    again = load_spec(text=twice)
    close(again.layers[0].weights.ravel().tolist(), np.ravel(expected[0]["weights"]).tolist(), "w after 2")


@pytest.mark.slow
def test_several_rates_log_and_plot_for_an_optimiser(tmp_path):
    layers, inputs, targets, loss, reduction, _, settings = problem("rmsprop", 1, 1)
    (tmp_path / "net.yaml").write_text(spec_text(layers, inputs, targets, loss, reduction, 0.1, "rmsprop", settings))
    invoke("train", tmp_path / "net.yaml", "--epochs", "3", "--lr", "0.01,0.1", "--log", tmp_path / "log.csv",
           "--plot", tmp_path / "loss.svg", expect=0)
    rows = (tmp_path / "log.csv").read_text().splitlines()
    assert len(rows) == 1 + 2 * 3 and (tmp_path / "loss.svg").exists()
    for rate, row in ((0.01, rows[3]), (0.1, rows[6])):  # epoch 3 starts after 2 updates
        expected, *_ = oracle_train(layers, inputs, targets, loss, reduction, "rmsprop", settings, rate, 2)
        close(float(row.split(",")[3]), expected[0]["weights"][0][0], rate)


def test_a_frozen_bias_and_a_shared_bias_under_adam():
    text = ("input: [0.05, 0.10]\ntarget: [0.01, 0.99]\nloss: half_squared_error\nlearning_rate: 0.5\n"
            "optimizer: adam\nlayers:\n  - activation: sigmoid\n    weights: [[0.15, 0.20], [0.25, 0.30]]\n"
            "    biases: {shared: 0.35}\n  - activation: sigmoid\n    weights: [[0.40, 0.45], [0.50, 0.55]]\n"
            "    biases: {shared: 0.60}\nfrozen: [b2]\n")
    spec = load_spec(text=text)
    after = load_spec(text=trained_spec(spec, train(spec, 3)).text)
    assert after.layers[1].biases.tolist() == [0.60, 0.60]
    assert after.layers[0].biases[0] == after.layers[0].biases[1] != 0.35
    assert "b2" not in yaml.safe_load(trained_spec(spec, train(spec, 3)).text)["optimizer_state"]


# -- published walkthroughs, typed in as printed -----------------------------------------
def one_weight(w, optimizer, rate, extra=""):
    """L = w² (one linear neuron, input 1, target 0, squared error): ∂L/∂w = 2w."""
    return (f"input: [1]\ntarget: [0]\nloss: squared_error\nlearning_rate: {rate}\noptimizer: {optimizer}\n"
            f"layers:\n  - activation: linear\n    weights: [[{w}]]\n    biases: none\n{extra}")


def test_adam_walkthrough_the_full_adam_algorithm():
    # gbasran.github.io/ADAM-Machine-Learning-Deepdive, "Page 12: The Full Adam Algorithm": f(θ) = θ²,
    # θ0 = 5, α = 0.1, β1 = 0.9, β2 = 0.999, ε = 1e-8: g1 = 10, m1 = 1, v1 = 0.1, θ1 = 4.9, g2 = 9.8
    spec = load_spec(text=one_weight(5, "adam", 0.1))
    result = spec.compute()
    assert result.gradient("w111") == 10
    state = result.stepped_state()
    assert state.arrays["m"][0] == pytest.approx(1, abs=5e-16) and state.arrays["v"][0] == pytest.approx(0.1)
    assert round(result.updated("w111"), 6) == 4.9
    after = load_spec(text=step(spec).text).compute()
    assert round(after.gradient("w111"), 6) == 9.8


def test_adam_walkthrough_first_update_by_hand():
    # q4quant.studio, "Compute the First Adam Update by Hand": g1 = 4, α = 0.1, β1 = 0.9,
    # β2 = 0.999, ε = 0: m1 = 0.4, v1 = 0.016, m̂1 = 4, v̂1 = 16, the step is −0.1
    result = load_spec(text=one_weight(2, "{name: adam, eps: 0}", 0.1)).compute()
    assert result.gradient("w111") == 4
    state = result.stepped_state()
    assert state.arrays["m"][0] == pytest.approx(0.4) and state.arrays["v"][0] == pytest.approx(0.016)
    assert result.updated("w111") - 2 == pytest.approx(-0.1, rel=1e-12)


def two_weights(weights, gradient, optimizer, rate, extra=""):
    """f = Σ g_j·w_j: a circuit (loss: none) whose gradient is the walkthrough's."""
    rows = ", ".join(f"[{w}]" for w in weights)
    return (f"input: [1]\nloss: none\noutput_gradient: {gradient}\nlearning_rate: {rate}\noptimizer: {optimizer}\n"
            f"layers:\n  - activation: linear\n    weights: [{rows}]\n    biases: none\n{extra}")


def test_momentum_walkthrough_sgd_with_momentum():
    # graduateml.com, "SGD with Momentum": weights [1, 2], gradient [1, 1], momentum 0.9, velocity 0,
    # learning rate 0.1 -> weights [0.9, 1.9]; warm start: weights [0, 0], gradient [1, 0], velocity
    # [0.5, 0.5] -> [-0.55, -0.45]. Its velocity includes η (v ← μ·v + η·g); PyTorch's does not
    # (v ← μ·v + g), so its 0.5 is PyTorch's 0.5 / η = 5.
    cold = load_spec(text=two_weights([1, 2], [1, 1], "momentum", 0.1)).compute()
    assert [cold.updated("w111"), cold.updated("w121")] == pytest.approx([0.9, 1.9], rel=1e-15)
    warm = two_weights([0, 0], [1, 0], "momentum", 0.1,
                       "optimizer_state:\n  step: 1\n  w111: {velocity: 5}\n  w121: {velocity: 5}\n")
    warm = load_spec(text=warm).compute()
    assert [warm.updated("w111"), warm.updated("w121")] == pytest.approx([-0.55, -0.45], rel=1e-15)
    assert warm.stepped_state().arrays["velocity"].tolist() == pytest.approx([5.5, 4.5])


# -- properties ---------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3).filter(lambda g: g == 0 or abs(g) > 1e-150), min_size=1, max_size=5),
       st.floats(1e-4, 1.0),
       st.sampled_from(["adam", "rmsprop", "adagrad"]))
@pytest.mark.slow
def test_adaptive_first_steps_move_each_weight_by_at_most_eta(gradient, rate, optimizer):
    # each weight's first step is η·g/(√(g²) + ε)-like: at most η whatever the gradient's scale (a
    # gradient so small that (1 − β1)·g underflows moves nothing: not drawn)
    from backprop_cli.core.update import Optimizer, State, optimizer_step

    g = np.array(gradient)
    opt = Optimizer(optimizer)
    after, state = optimizer_step(opt, np.zeros_like(g), g, State.start(opt, len(g)), rate)
    bound = rate / np.sqrt(1 - opt.settings.get("alpha", 0)) if optimizer == "rmsprop" else rate
    assert np.all(np.abs(after) <= bound * (1 + 1e-12)) and np.all(np.sign(after) == -np.sign(g))
    assert state.step == 1


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(list(DEFAULTS)), st.lists(st.floats(-10, 10), min_size=3, max_size=3),
       st.lists(st.integers(0, 2), max_size=3, unique=True))
@pytest.mark.slow
def test_frozen_entries_keep_value_and_state(optimizer, gradient, frozen):
    from backprop_cli.core.update import Optimizer, State, optimizer_step

    opt = Optimizer(optimizer)
    values, g = np.array([0.5, -0.5, 1.0]), np.array(gradient)
    start = State(2, {k: np.full(3, 0.25) for k in opt.state_names})
    after, state = optimizer_step(opt, values, g, start, 0.1, np.array(sorted(frozen), dtype=np.intp))
    for i in frozen:
        assert after[i] == values[i] and all(state.arrays[k][i] == 0.25 for k in opt.state_names)


# -- the spec's problems, located -----------------------------------------------------------
BASE = "input: [1]\ntarget: [0]\nloss: mse\nlayers:\n  - activation: linear\n    weights: [[0.5]]\n"


@pytest.mark.parametrize("extra, message", [
    ("optimizer: adma\n", "7:12: unknown optimizer 'adma'\n  hint: did you mean 'adam'?"),
    ("optimizer: {name: adam, beta: 0.9}\n", "7:25: unknown key 'beta'\n  hint: did you mean 'beta2'?"),
    ("optimizer: {name: adam, beta1: 1}\n", "7:32: adam's beta1 must be at least 0 and below 1, not 1"),
    ("optimizer: {name: rmsprop, eps: -1}\n", "rmsprop's eps must be 0 or more, not -1"),
    ("optimizer: {name: nesterov, beta: 0}\n", "nesterov needs a momentum beta above 0"),
    ("optimizer: [adam]\n", "7:12: 'optimizer' must be a name or a mapping, not a list"),
    ("optimizer: {beta1: 0.9}\n", "'name' is missing"),
    # YAML's merge key is read as a key (read as 'name' is missing alone, it hid what was wrong)
    ("optimizer: {<<: {name: adam}}\n", "7:13: unknown key '<<'\n  hint: known: name, beta, eps, alpha, beta1, beta2"),
    ("optimizer: adam\noptimizer_state: {step: -1}\n", "8:25: 'step' must be a whole number of updates"),
    ("optimizer: adam\noptimizer_state: {step: 1.5}\n", "'step' must be a whole number of updates"),
    ("optimizer: adam\noptimizer_state: {step: 1, w112: {m: 0, v: 0}}\n",
     "8:28: 'w112' is not a parameter of this network\n  hint: did you mean 'w111'?"),
    ("optimizer: adam\noptimizer_state: {step: 1, w111: {m: 0}}\n", "the state of w111 has no 'v'"),
    ("optimizer: adam\noptimizer_state: {step: 1, w111: {m: 0, v: -1}}\n", "w111's v is a sum or average of squares"),
    ("optimizer: adam\noptimizer_state: {step: 1, w111: {m: 0, v: 0, velocity: 1}}\n", "unknown key 'velocity'"),
    ("optimizer: momentum\noptimizer_state: {step: 1, w111: 3}\n", "the state of w111 must be a mapping"),
    ("optimizer_state: {step: 1, w111: {m: 0}}\n", "sgd keeps no state per parameter"),
    ("optimizer: adam\noptimizer_state: [1]\n", "'optimizer_state' must be a mapping"),
    ("l2: -0.1\n", "7:5: 'l2' must be 0 or more, not -0.1"),
    ("l2: yes\n", "7:5: expected a number"),
    ("optimizer: {name: adam, eps: .inf}\n", "7:30: '.inf' is not a finite float64 number"),
])
def test_bad_training_keys_are_located(tmp_path, extra, message):
    (tmp_path / "net.yaml").write_text(BASE + extra)
    with pytest.raises(SpecError) as caught:
        load_spec(tmp_path / "net.yaml")
    assert message in str(caught.value)
    result = invoke("grad", tmp_path / "net.yaml")
    assert result.exit_code == 2 and "Traceback" not in result.output and message in result.stderr


@pytest.mark.parametrize("optimizer", [o for o in DEFAULTS if o != "sgd"])
def test_trace_plugs_in_the_optimisers_numbers(tmp_path, optimizer):
    layers, inputs, targets, loss, reduction, rate, settings = problem(optimizer, 0, 3)
    text = spec_text(layers, inputs, targets, loss, reduction, rate, optimizer, settings)
    (tmp_path / "s0.yaml").write_text(text)
    invoke("step", tmp_path / "s0.yaml", "-o", tmp_path / "s1.yaml", expect=0)  # the second update: state ≠ 0
    out = invoke("trace", tmp_path / "s1.yaml", "--weight", "w111", "--precision", "12", expect=0).stdout
    expected, states, _ = oracle_train(layers, inputs, targets, loss, reduction, optimizer, settings, rate, 2)
    lines = out[out.index("  update  "):].strip().splitlines()
    assert float(lines[-1].rsplit(" = ", 1)[1]) == pytest.approx(expected[0]["weights"][0][0], rel=1e-11)
    for key, value in tool_state(optimizer, states[("w", 1, 1, 1)]).items():
        line = next(line for line in lines if line.split("update  ")[-1].strip().startswith(f"{key}_w111 ← "))
        assert float(line.rsplit(" = ", 1)[1]) == pytest.approx(value, rel=1e-11), key
    grad = invoke("grad", tmp_path / "s1.yaml", expect=0).stdout
    assert f"updated by {optimizer}" in grad and "update 2" in grad


def test_explore_refuses_what_its_page_cannot_recompute(tmp_path):
    layers, inputs, targets, loss, reduction, rate, settings = problem("adam", 0, 0)
    (tmp_path / "net.yaml").write_text(spec_text(layers, inputs, targets, loss, reduction, rate, "adam", settings))
    result = invoke("explore", tmp_path / "net.yaml", "-o", tmp_path / "page.html")
    assert result.exit_code == 2 and "use trace" in result.stderr and not (tmp_path / "page.html").exists()
    assert load_spec(tmp_path / "net.yaml").compute()._repr_html_() is None  # a notebook shows the plain repr
