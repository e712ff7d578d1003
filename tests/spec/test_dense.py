"""spec.dense: the reader of dense layers, as spec.reader hands documents to it (tests/spec/test_reader.py
covers every refusal); here, what the reader of feature maps relies on it for."""

from backprop_cli.spec.dense import LAYER_KEYS, Spec, _SpecReader
from backprop_cli.spec.reader import parse_spec


def test_a_dense_layer_may_say_its_type():
    assert "type" in LAYER_KEYS
    spec = parse_spec("input: [1]\ntarget: [1]\nloss: mse\nlayers:\n  - {type: dense, activation: linear, "
                      "weights: [[2]]}\n", "net.yaml", ".")
    assert isinstance(spec, Spec) and spec.compute().gradient("w111") == 2 * (2 - 1) * 1


def test_the_hooks_a_kind_of_network_overrides_read_a_plain_spec():
    assert _SpecReader.SPEC is Spec
    assert {"_inputs", "_layers", "_check_shapes", "_network"} <= set(vars(_SpecReader))
