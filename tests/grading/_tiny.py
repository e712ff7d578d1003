"""A 2-2-1 network small enough to work through by hand (sigmoid hidden layer, linear output,
squared error, η = 0.5), its every quantity done with the math module, and a way to grade an
answers file on it. Shared by the grading tests; the package computes none of these numbers."""
import math
from pathlib import Path

SPEC = """\
name: tiny
input: [1.0, 0.5]
target: [1.0]
loss: squared_error
learning_rate: 0.5
layers:
  - activation: sigmoid
    weights: [[0.4, -0.2], [0.3, 0.6]]
    biases: [0.1, -0.1]
  - activation: linear
    weights: [[0.7, -0.5]]
    biases: [0.2]
"""


def _sigmoid(z):
    return 1 / (1 + math.exp(-z))


X1, X2, Y, ETA = 1.0, 0.5, 1.0, 0.5
W111, W112, W121, W122, B11, B12 = 0.4, -0.2, 0.3, 0.6, 0.1, -0.1
W211, W212, B21 = 0.7, -0.5, 0.2
Z11 = W111 * X1 + W112 * X2 + B11  # 0.4
Z12 = W121 * X1 + W122 * X2 + B12  # 0.5
A11, A12 = _sigmoid(Z11), _sigmoid(Z12)
YHAT = W211 * A11 + W212 * A12 + B21
LOSS = (YHAT - Y) ** 2
D_YHAT = 2 * (YHAT - Y)  # ∂L/∂ŷ = ∂L/∂z21 (linear output)
D_A11, D_A12 = D_YHAT * W211, D_YHAT * W212
D_Z11, D_Z12 = D_A11 * A11 * (1 - A11), D_A12 * A12 * (1 - A12)
G = {"w111": D_Z11 * X1, "w112": D_Z11 * X2, "w121": D_Z12 * X1, "w122": D_Z12 * X2, "b11": D_Z11,
     "b12": D_Z12, "w211": D_YHAT * A11, "w212": D_YHAT * A12, "b21": D_YHAT}
VALUE = {"w111": W111, "w112": W112, "w121": W121, "w122": W122, "b11": B11, "b12": B12, "w211": W211,
         "w212": W212, "b21": B21}
NEW = {name: VALUE[name] - ETA * G[name] for name in G}


def folder(tmp_path: Path) -> Path:
    (tmp_path / "net.yaml").write_text(SPEC, encoding="utf-8")
    return tmp_path


def answers_file(tmp_path: Path, answers: dict, header: str = "spec: net.yaml\n") -> str:
    """An answers file on the tiny network (written beside it); the values as strings, as written."""
    folder(tmp_path)
    body = "".join(f"  {k}: {v}\n" for k, v in answers.items())
    path = tmp_path / "answers.yaml"
    path.write_text(header + "answers:\n" + body, encoding="utf-8")
    return str(path)


def read(tmp_path: Path, answers: dict):
    """(result, notation, answers, tolerance) as the reader gives them for such a file."""
    from backprop_cli.core.names import notation
    from backprop_cli.grading.answers import AnswersReader

    _, result, read_answers, tolerance, notation_name = AnswersReader().read(answers_file(tmp_path, answers))
    return result, notation(notation_name, result.network.names), read_answers, tolerance


def f(x: float, decimals: int) -> str:
    return f"{x:.{decimals}f}"
