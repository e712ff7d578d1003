"""report.text: the terminal reports (grad, trace, gradcheck, check) as plain text, numbers from the API."""
import io
from types import SimpleNamespace

from backprop_cli.api import computing as C
from backprop_cli.core.numbers import number
from backprop_cli.report import text as T

from ._course import plain


def test_make_console_never_wraps_a_pipe():
    out = io.StringIO()
    console = T.make_console(file=out)
    assert console.width == T.UNWRAPPED and not console.no_color
    console.print("x" * 300)
    assert out.getvalue() == "x" * 300 + "\n"
    console = T.make_console(no_color=True, file=io.StringIO(), width=40)
    assert console.width == 40 and console.no_color


def test_markup_is_never_read():
    out = io.StringIO()
    T.make_console(file=out).print(T.title("[bold]x[/bold] :smile:", "network"))
    assert out.getvalue() == "[bold]x[/bold] :smile:\n"
    assert T.title("", "network").plain == "network"
    assert T.title("a\x1b[2Jb", "n").plain == "a\\x1b[2Jb"


def test_signed():
    assert (T.signed(-1.5, 3).style, T.signed(2, 3).style, T.signed(0, 3).style) == ("red", "green", "")
    assert T.signed(-1.23456, 3).plain == "-1.23"


def test_grad_report_rows_are_the_results():
    spec = C.load_example("mazur-2-2-2")
    g = C.grad(spec, inputs=True)
    lines = plain(T.grad_report(g.computation, g.rows, name=spec.name, precision=4, inputs=g.inputs)).splitlines()
    assert lines[0] == "Mazur 2-2-2  loss E_total = 0.2984   η 0.5"
    for name, value, gradient, after in g.rows:
        row = next(line.split() for line in lines if line.split()[:1] == [name])
        assert row == [name, number(value, 4), number(gradient, 4), number(after, 4)]
    assert "  frozen (the spec's `frozen:`), so not updated: b1, b2" in lines
    assert lines[-3].split() == ["input", "value", "∂E_total/∂input"]


def test_grad_report_of_a_batch_and_a_big_network():
    g = C.grad(C.load_example("batch-average"))
    assert plain(T.grad_report(g.computation, g.rows, name="", precision=4)).splitlines()[0].endswith(
        "   (3 samples, mean)")
    width = 300
    spec = C.load_spec(text=f"input: [1]\ntarget: [1]\nloss: mse\nlayers:\n  - activation: tanh\n    weights: "
                            f"[{', '.join(['[0.01]'] * width)}]\n  - activation: linear\n"
                            f"    weights: [[{', '.join(['0.01'] * width)}]]\n")
    g = C.grad(spec)
    text = plain(T.grad_report(g.computation, g.rows, name="big", precision=4))
    assert "  901 parameters: each layer shows its first 5 and last 4 (… marks the rest; --format json or " \
           "--weight NAME has them all)" in text
    names = [line.split()[0] for line in text.splitlines()[4:] if line.strip()]
    assert names[:5] == ["w111", "w121", "w131", "w141", "w151"] and names[5] == "…"
    assert names[6:10] == ["b1_297", "b1_298", "b1_299", "b1_300"]  # a layer: its weights, then its biases
    assert names[-1] == "b21" and names.count("…") == 2 and len(names) == 2 * 10  # 9 and a gap a layer


def test_trace_report():
    t = C.trace(C.load_example("mazur-2-2-2"), ["w5"])
    text = plain(T.trace_report(t, 4))
    lines = text.splitlines()
    assert lines[:3] == ["Mazur 2-2-2", "A Step by Step Backpropagation Example (Matt Mazur), with his names and "
                                        "shared, frozen biases",
                         "network 2-2-2 · layers 1–2 sigmoid · loss half_squared_error · η = 0.5"]
    assert "Loss   E_total = ½ Σj (ŷj − yj)² = 0.2984" in lines
    assert lines[-2] == "  update  w5 ← w5 − η·∂E_total/∂w5 = 0.4 − 0.5 × (0.08217) = 0.3589"


def test_gradcheck_report():
    check = C.gradcheck(C.load_example("mazur-2-2-2"))
    lines = plain(T.gradcheck_report(check.checks, name="M", eps=1e-6, tol=1e-6, precision=4)).splitlines()
    worst = max(c.error for c in check.checks)
    assert lines[-1] == f"10 parameters: 10 agree   (largest relative error {worst:.1e}; eps 1e-06, tol 1e-06)"
    checks = [SimpleNamespace(name="w", backprop=1.0, numeric=2.0, error=0.5, status="fail"),
              SimpleNamespace(name="v", backprop=0.0, numeric=0.5, error=1.0, status="kink")]
    lines = plain(T.gradcheck_report(checks, name="", eps=1e-3, tol=1e-6, precision=3)).splitlines()
    assert lines[0] == "network" and lines[-1] == ("2 parameters: 0 agree, 1 over tolerance, 1 at a kink   (largest "
                                                   "relative error 5.0e-01; eps 0.001, tol 1e-06)")
    assert "✗ fail" in lines[3] and "kink at z = 0" in lines[4]


def outcome(ok, line, written="", diagnosis=None, accepted=None):
    answer = SimpleNamespace(line=line, written=written, given=0.123456, quantity=SimpleNamespace(text="dL/dyhat1"))
    return SimpleNamespace(ok=ok, answer=answer, expected=0.5, diagnosis=diagnosis, accepted=accepted,
                           verdict="right" if ok else "wrong")


def test_check_text():
    report = SimpleNamespace(path="a\nb.yaml", outcomes=[outcome(True, 3, "0.5000"), outcome(False, 4),
                                                          outcome(False, 5, diagnosis="sign", accepted=(0.4, 0.6))],
                             passed=1, failed=2, judged=3, refused=[])
    lines = plain(T.check_text([report], 1, 4, quiet=False)).splitlines()
    assert lines[0] == "a\\x0ab.yaml  1/3 right"
    assert lines[2].split() == ["3", "dL/dŷ1", "0.5000", "0.5", "✓"]
    assert lines[3].split() == ["4", "dL/dŷ1", "0.1235", "0.5", "✗"]
    assert "  line 4 dL/dŷ1: no known mistake gives this value; check the steps that lead to it (`backprop trace` " \
           "shows them)." in lines
    assert "  line 5 dL/dŷ1: sign (right would be within [0.4, 0.6])" in lines
    assert lines[-1] == "2 files: 1 right, 2 wrong, 1 invalid (see the messages above)"
    assert plain(T.check_text([report], 0, 4, quiet=True)).splitlines() == ["a\\x0ab.yaml: 1/3 right",
                                                                             "1 file: 1 right, 2 wrong"]
