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
    assert shared["passes"] == {"a": "A", "b": "B"} and own == {}
    assert sharing.store_for(shared, "passes", "a", own) is shared["passes"]  # kept: found again
    assert sharing.store_for(shared, "passes", "c", own) is own["passes"]  # full: the file's own
    assert sharing.store_for(shared, "candidates", "c", own) is shared["candidates"]  # each kind its own limit


def test_passes_are_kept_for_every_file_up_to_a_budget_of_floats(monkeypatch):
    # a pass on a large batch holds megabytes: a class's hundred precisions of it would hold gigabytes
    monkeypatch.setattr(sharing, "BUDGET", 100)
    monkeypatch.setattr(sharing, "pass_size", lambda floats: floats)  # each "result" below: its pass's size
    shared, own = {}, {}
    assert sharing.store_for(shared, "passes", "a", own, 60) is shared["passes"]
    shared["passes"]["a"] = "A"
    assert sharing.store_for(shared, "passes", "a", own, 60) is shared["passes"]  # kept: counted once
    assert sharing.store_for(shared, "passes", "b", own, 60) is own["passes"]  # 120 floats: past the budget
    assert sharing.store_for(shared, "passes", "c", own, 40) is shared["passes"] and shared["floats"] == 100


def test_a_pass_is_sized_by_each_samples_parameter_gradients_and_nodes():
    import backprop_cli as bp
    from backprop_cli.grading.layers import graded_result

    one = bp.load_example("padhai-4-4-2").compute()  # 4-4-2: 16 + 8 weights, 4 + 4 + 2 nodes, one sample
    assert sharing.pass_size(one) == 16 + 8 + 4 + 4 + 2
    batch = bp.load_example("batch-average").compute()  # 2-3-1, three samples: 6 + 3 weights, 2 + 3 + 1 nodes
    assert sharing.pass_size(batch) == 3 * (6 + 3 + 2 + 3 + 1)
    layers = graded_result(bp.load_example("cnn-4x4"))  # written out as scalar steps: a graph of nodes
    assert sharing.pass_size(layers) == 8 * len(layers.graph.nodes) > 1000


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




def test_precisions_that_round_every_step_alike_share_one_pass(tmp_path):
    # 1, 2 or 3 significant digits, in decimals or scientific notation: every step is rounded to 3
    # significant digits (rule.Precision.rounding), so one pass serves them all
    paths = []
    for i, written in enumerate((f"{t.A11:.1g}", f"{t.A11:.2g}", f"{t.A11:.3g}", f"{t.A11:.2e}", f"{t.A11:.1e}")):
        (tmp_path / f"s{i}").mkdir()
        paths.append(t.answers_file(tmp_path / f"s{i}", {"a11": written}))
    (tmp_path / "s9").mkdir()  # 5 significant digits keep 5 where the decimals allow: a pass of its own
    paths.append(t.answers_file(tmp_path / "s9", {"a11": f"{t.A11:.5g}"}))
    grader = Grader()
    reports, _ = grader.grade_files(paths)
    (diagnoser,) = grader._diagnosers.values()
    assert len(diagnoser.shared["passes"]) == 2
    assert all(o.verdict in ("right", "imprecise") for r in reports for o in r.outcomes)


def test_a_catalogued_value_counts_one_float_and_a_result_of_no_known_shape_one_pass_float():
    from types import SimpleNamespace

    shared, own = {}, {}
    sharing.store_for(shared, "candidates", "q", own)
    assert shared["floats"] == 1  # a list of a quantity's catalogued values: one float's worth
    assert sharing.pass_size(SimpleNamespace()) == 1  # neither a network's pass nor a graph's
    assert sharing.pass_size(SimpleNamespace(weight_grads=[None], a=None)) == 1  # a half-made one as well
    assert sharing.pass_size(SimpleNamespace(weight_grads=None, a=[])) == 1
