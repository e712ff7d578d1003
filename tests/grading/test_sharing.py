"""grading.sharing: what every file's judge on one network asks alike is kept with its diagnoser, so
many of each kind and no more."""
from backprop_cli.grading import sharing
from backprop_cli.grading.grades import Grader

from . import _tiny as t


def test_a_kind_is_kept_for_every_file_up_to_its_limit_then_by_the_file_alone(monkeypatch):
    monkeypatch.setattr(sharing, "SHARED", 2)
    shared, own = {}, {}
    for key in ("a", "b"):
        sharing.store_for(shared, "passes", key, own)[key] = key.upper()
    assert shared == {"passes": {"a": "A", "b": "B"}} and own == {}
    assert sharing.store_for(shared, "passes", "a", own) is shared["passes"]  # kept: found again
    assert sharing.store_for(shared, "passes", "c", own) is own["passes"]  # full: the file's own
    assert sharing.store_for(shared, "candidates", "c", own) is shared["candidates"]  # each kind its own limit


def test_a_class_keeps_so_many_shared_passes_and_no_more(tmp_path, monkeypatch):
    # answers at five precisions, on one network, where two may be kept for every file: the other
    # passes stay each file's own (a hostile class writing in a hundred precisions holds no more memory)
    monkeypatch.setattr(sharing, "SHARED", 2)
    paths = []
    for digits in range(2, 7):
        (tmp_path / f"s{digits}").mkdir()
        given = {"a11": f"{t.A11:.{digits}f}", "loss": f"{t.LOSS:.{digits}f}"}
        paths.append(t.answers_file(tmp_path / f"s{digits}", given))
    grader = Grader()
    reports, _ = grader.grade_files(paths)
    (diagnoser,) = grader._diagnosers.values()
    assert len(diagnoser.shared["passes"]) == 2 and len(diagnoser.shared["candidates"]) == 2  # a11, loss
    assert [o.verdict for r in reports for o in r.outcomes] == ["right"] * 10


