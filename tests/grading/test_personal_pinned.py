"""Personal problems stay as they were handed out: the attempt each student's network is, for two
fixed assignments, as the code of 1e7eb0a (the last release before the catalogue gained pairs with
stale weights and summed batches) drew them. A mistake added to the catalogue, or any other change,
must never hand a student a different network from the one `assign` gave them last week."""
from pathlib import Path

import pytest
from conftest import SPECS

import backprop_cli.grading.personal as P
from backprop_cli.grading.assignment import load_assignment

QUESTIONS = {
    "padhai-4-4-2": ["loss", "a12", "dL/dz21", "dL/dw212", "dL/dw131", "dL/dw121", "dL/db13", "w212_new", "w131_new",
                     "b21_new"],
    "mazur-2-2-2": ["dE_total/dw1", "dE_total/dw5", "dE_total/dw3", "w1_new", "out_h1", "E_total"],
}
# the attempt (0, 1, 2, ...) each of s00, s01, ... got, drawn by the code of 1e7eb0a
PINNED = {
    "padhai-4-4-2": [9, 3, 17, 46, 8, 4, 43, 9, 3, 13, 0, 50, 40, 174, 2, 23, 101, 43, 11, 22, 12, 13, 7, 82, 52, 24,
                     14, 56, 6, 18, 11, 0, 93, 11, 50, 20, 3, 62, 11, 19],
    "mazur-2-2-2": [44, 7, 5, 371, 12, 95, 23, 42, 53, 18, 71, 86, 34, 85, 73, 50, 139, 46, 29, 53],
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PINNED))
def test_every_student_is_handed_the_network_an_earlier_version_drew(tmp_path: Path, name):
    (tmp_path / "net.yaml").write_text((SPECS / f"{name}.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "roster.csv").write_text("id\nx\n", encoding="utf-8")
    (tmp_path / "hw.yaml").write_text(
        f"personal:\n  spec: net.yaml\n  seed: pinned-{name}\n  weights: {{from: -1, to: 1, decimals: 1}}\n"
        "  biases: {from: -0.5, to: 0.5, decimals: 1}\n  input: {from: 0, to: 5, decimals: 0}\nroster: roster.csv\n"
        "questions:\n" + "".join(f"  - {{quantity: '{q}', points: 1}}\n" for q in QUESTIONS[name]), encoding="utf-8")
    assignment = load_assignment(str(tmp_path / "hw.yaml"))
    for i, attempt in enumerate(PINNED[name]):
        student = f"s{i:02d}"
        assert repr(P.personal_numbers(assignment, student)) == repr(P.draw_numbers(assignment, student, attempt)), \
            student
