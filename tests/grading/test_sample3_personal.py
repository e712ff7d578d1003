"""grading.personal, survivors of mutation sample 3: reads_only_zeros looks at the one sample a
per-sample gradient sums, the first sample included."""
from backprop_cli.grading.personal import reads_only_zeros
from backprop_cli.grading.quantities import parse_quantity
from backprop_cli.spec.reader import load_spec

BATCH = """inputs: [[0.0, 1.0], [2.0, 1.0]]
targets: [[1.0], [0.0]]
loss: squared_error
learning_rate: 0.5
layers:
  - activation: sigmoid
    weights: [[0.4, -0.2]]
    biases: [0.1]
"""


def test_a_first_samples_gradient_on_a_zero_input_is_exactly_zero(tmp_path):
    """∂L/∂w111[s] = δ[s]·x1[s]: 0 for sample 1 (x1 = 0), not for sample 2 (x1 = 2), nor for the batch's."""
    (tmp_path / "net.yaml").write_text(BATCH, encoding="utf-8")
    spec = load_spec(str(tmp_path / "net.yaml"))
    assert reads_only_zeros([parse_quantity("dL/dw111[1]")], spec)
    assert not reads_only_zeros([parse_quantity("dL/dw111[2]")], spec)
    assert not reads_only_zeros([parse_quantity("dL/dw111")], spec)
    assert reads_only_zeros([parse_quantity("dL/dw112"), parse_quantity("dL/dw111[1]")], spec)


def test_a_mistake_within_float_noise_of_the_true_value_refuses_no_draw(tmp_path, monkeypatch):
    """a11 = tanh(0.1) ≈ 0.0997: a "mistake" 5e-13 from it gives the true value up to float noise
    (within 1e-12 of a value of size ≤ 1) and is no mistake here; one 1e-3 off is within NEAR and
    refuses the draw."""
    from backprop_cli.grading import diagnoses
    from backprop_cli.grading import personal as P

    from .test_personal_mutants import WEIGHTS, assignment, one_unit

    a = assignment(tmp_path, one_unit("tanh", 0.1), WEIGHTS, questions="  - {quantity: a11}\n")
    for offset, good in ((5e-13, True), (1e-3, False)):
        def candidates(self, q, expected, *, drawing=False, offset=offset):
            yield expected + offset, "a slip", "slip"

        monkeypatch.setattr(diagnoses.Diagnoser, "candidates", candidates)
        assert (P.good_problem(a, a.personal.spec) is not None) is good, offset
