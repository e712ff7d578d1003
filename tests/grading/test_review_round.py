"""Review of the optimiser-update grading change: the fault it found (now fixed), asserting the fair verdict.

Worked by hand, independent of the grader."""

from .test_optimiser_class import check  # the optimiser class's: one check, one reading

# one linear weight on the input 1, target 0: L = w², ∂L/∂w = 2w; plain gradient descent, η = 0.1
SQUARE = (
    "input: [1.0]\ntarget: [0.0]\nloss: squared_error\nlearning_rate: 0.1\n"
    "layers:\n  - {activation: linear, weights: [[0.58246]], biases: none}\n"
)


# Before: updates_reach starts update K from the TRUE value after K - 1 rounded (and its true
# gradient), not from what a student rounding as they go reaches after K - 1: a right w_after2 built
# on a right w_new is judged wrong
def test_a_value_after_two_updates_built_on_a_right_new_value_is_right(tmp_path):
    # g = 2·0.58246 = 1.16492, written 1.165 (3 decimals); η·g = 0.1165, written 0.117 (half up);
    # w_new = 0.58246 − 0.117 = 0.46546, written 0.465 (the grader itself judges it right).
    # Update 2 on it: g = 2·0.465 = 0.930, η·g = 0.0930 exactly, w_after2 = 0.465 − 0.093 = 0.372
    # exactly (true 0.3727744). The grader accepts only [0.372218, 0.373334] (0.466 − 0.0932).
    graded = check(tmp_path, SQUARE, {"dL/dw111": "1.165", "w111_new": "0.465", "w111_after2": "0.372"})
    assert graded["w111_new"]["verdict"] == "right"
    assert graded["w111_after2"]["verdict"] == "right"
    for far in ("0.376", "0.369"):  # a few units beyond any rounding as one goes: still wrong
        assert check(tmp_path, SQUARE, {"w111_after2": far})["w111_after2"]["verdict"] == "wrong"
