"""grading.layers pinned where its mutants lived: the names an answer may use (a spec's `names:`
for every node, compact spellings, refused ones), what is graded as these layers, an update's η·g
a step of its own, and the mistakes made on stated values (none without stated values, no value
changed by a backward mistake). Each expectation is the engine's, by hand, or a verdict that must hold."""
import pytest
from conftest import SPECS

from backprop_cli import load_spec
from backprop_cli.grading.grades import Grader
from backprop_cli.grading.layers import graded_result, parse_layer_quantity
from backprop_cli.grading.quantities import QuantityError

from .test_layers import truth


def _named(example: str, names: dict):
    text = (SPECS / f"{example}.yaml").read_text() + "names:\n" + "".join(f"  {k}: {v}\n" for k, v in names.items())
    return graded_result(load_spec(text=text))


def test_a_specs_own_names_for_batch_norm_nodes_are_quantities(tmp_path):
    # section 9: "a spec's names: are accepted" -- for mu, var and xhat as for z and a
    r = _named("batchnorm-batch-of-4", {"m1": "mu21", "s2": "var22", "xh1": "xhat21", "u": "z11"})
    engine = r.engine
    assert truth(r, "m1") == truth(r, "mu21") == pytest.approx(engine.forward["mu21"], rel=1e-12)
    assert truth(r, "s2") == truth(r, "var22") == pytest.approx(engine.forward["var22"], rel=1e-12)
    assert truth(r, "xh1[2]") == truth(r, "xhat21[2]")
    assert truth(r, "dL/dm1") == truth(r, "dL/dmu21")
    assert truth(r, "u[3]") == truth(r, "z11[3]")
    for text in ("xh1", "m1[2]", "m1_new"):  # xhat of no sample, a mean of one sample, a mean updated
        with pytest.raises(QuantityError):
            parse_layer_quantity(text, r)
    # and `check` grades them: the engine's values, written under the spec's names
    (tmp_path / "net.yaml").write_text((SPECS / "batchnorm-batch-of-4.yaml").read_text()
                                       + "names:\n  m1: mu21\n  xh1: xhat21\n")
    (tmp_path / "a.yaml").write_text(f"spec: net.yaml\nanswers:\n  m1: {engine.forward['mu21']:.4f}\n"
                                     f"  xh1[2]: {truth(r, 'xhat21[2]'):.4f}\n")
    assert [o.verdict for o in Grader().grade_file(str(tmp_path / "a.yaml")).outcomes] == ["right", "right"]
