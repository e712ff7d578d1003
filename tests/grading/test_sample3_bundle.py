"""grading.bundle, survivors of mutation sample 3: a spec's matrix files travel in the order of
their places in the spec, not of their names."""
from .test_bundle import NET, course, names, write

__all__ = ["course"]  # the fixture, shared with test_bundle


def test_matrix_files_are_taken_in_the_order_the_spec_places_them(course):
    """Layer 0's file (z.csv) comes before layer 1's (a.csv), though a.csv sorts first by name."""
    (course / "hw" / "nets" / "z.csv").write_text("0.1,0.2\n-0.3,0.4\n", encoding="utf-8")
    (course / "hw" / "nets" / "a.csv").write_text("0.3,-0.2\n", encoding="utf-8")
    net = NET.replace("w1.csv", "z.csv").replace("weights: [[0.3, -0.2]]", "weights: {file: a.csv}")
    (course / "hw" / "nets" / "net.yaml").write_text(net, encoding="utf-8")
    assert names(write(course, "spec: nets/net.yaml\nquestions:\n  - {quantity: loss, points: 1}\n")) == [
        "a.yaml", "nets/net.yaml", "nets/z.csv", "nets/a.csv"]
