"""grading.optimizer_reach, survivors of mutation sample 3: Adam's step turns where its derivative
is 0 on the first update too (t = 1, from a stated m ≠ 0), where m̂'s and v̂'s corrections are 1."""
import math

import pytest

from backprop_cli.grading.optimizer_reach import _adams_turn


def test_adams_step_turns_on_the_first_update_from_a_stated_m():
    """t = 1, β1 = 0.9, β2 = 0.999, m = 0.01, v = 1e-4 before: m̂ = 0.09 + g, v̂ = 0.0999 + g²
    (1 − β^1 = 1 − β), so m̂/√v̂ peaks where b·c − a·d·g = 0: g = 0.0999/0.09 = 1.11."""
    settings = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    turn = _adams_turn(settings, {"m": 0.01, "v": 1e-4}, 1)
    assert turn == pytest.approx(1.11, rel=1e-12)

    def step(g):
        return (0.09 + g) / math.sqrt(0.0999 + g * g)

    assert step(turn) > max(step(turn - 1e-3), step(turn + 1e-3))


def test_adam_never_turns_from_m_0():
    """m = 0 before: m̂/√v̂ = b·g/√(c + d·g²) rises with g everywhere: no turn (None)."""
    assert _adams_turn({"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}, {"m": 0.0, "v": 1e-4}, 3) is None
