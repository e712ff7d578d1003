"""Specs with convolution and pooling: images and sequences read, and every hostile or mistaken
spec refused with a located message (exit 2), cheaply, never a traceback."""


import numpy as np
import pytest
from conftest import CONTRACT_CNN, invoke

BASE = CONTRACT_CNN


def _refused(tmp_path, text, *expected):
    spec = tmp_path / "net.yaml"
    spec.write_text(text)
    result = invoke("grad", spec, expect=2)
    assert result.stdout == "" and "Traceback" not in result.stderr
    for line in expected:
        assert line in result.stderr, result.stderr
    return result.stderr


def test_the_contract_example_loads(tmp_path):
    (tmp_path / "net.yaml").write_text(BASE)
    assert "w1_2_1_1_2" in invoke("grad", tmp_path / "net.yaml", expect=0).stdout


@pytest.mark.parametrize("old, new, expected", [
    ("type: conv2d", "type: conv3d", ["net.yaml:5:11: unknown layer type 'conv3d'", "conv2d"]),
    ("type: maxpool2d", "type: maxpool1d", ["net.yaml:9:11: layer 2 is maxpool1d, but the network's maps are 2-D"]),
    ("size: 2", "size: 9", ["net.yaml:10:11: a window of 9 is larger than the map it pools (3×3)"]),
    ("size: 2", "size: 0", ["net.yaml:10:11: 'size' must be a whole number from 1 to 16, not 0"]),
    ("    activation: relu\n", "    activation: relu\n    stride: 1.5\n",
     ["net.yaml:9:13: 'stride' must be a whole number from 1 to 16, not 1.5"]),
    ("    activation: relu\n", "    activation: relu\n    padding: 2\n",
     ["net.yaml:9:14: padding 2 is as wide as the kernel (2)"]),
    ("    activation: relu\n", "    activation: softmax\n", ["net.yaml:8:17: softmax couples a whole layer"]),
    ("[[[[1, 0], [0, -1]]], [[[0, 1], [1, 0]]]]", "[[[[1, 0], [0, -1]]], [[[0, 1], [1]]]]",
     ["net.yaml:6:46: the weights of layer 1: 1 entry here, but 2 in the first of its kind"]),
    ("[[[[1, 0], [0, -1]]], [[[0, 1], [1, 0]]]]", "[[[1, 0], [0, -1]], [[0, 1], [1, 0]]]",
     ["net.yaml:6:14: the weights of layer 1 must be nested 4 lists deep"]),
    ("[[[[1, 0], [0, -1]]], [[[0, 1], [1, 0]]]]",
     "[[[[1, 0], [0, -1]], [[1, 0], [0, -1]]], [[[1, 0], [0, -1]], [[1, 0], [0, -1]]]]",
     ["net.yaml:6:14: the weights of layer 1 read 2 channels, but the input has 1"]),
    ("biases: [0, 0.1]", "biases: [0, 0.1, 1]", ["net.yaml:7:13: layer 1 has 2 output channels but 3 biases"]),
    ("weights: [[0.1, 0.2], [-0.3, 0.4]]", "weights: [[0.1, 0.2, 0.3], [-0.3, 0.4, 0.5]]",
     ["net.yaml:12:14: the weights of layer 3 have 3 columns, but the map below flattens to 2 values (2×1×1"]),
    ("input: [[1, 2, 0, 1], [0, 1, 3, 1], [2, 1, 1, 0], [1, 0, 2, 2]]", "input: [1, 2, 0, 1]",
     ["net.yaml:1:1: 'input' has 1 axes (lists deep), but one sample of an image is 2 or 3"]),
    ("input: [[1, 2, 0, 1], [0, 1, 3, 1], [2, 1, 1, 0], [1, 0, 2, 2]]", "input: [[1, 2, 0, 1], [0, 1, 3]]",
     ["net.yaml:1:23: 'input': 3 entries here, but 4 in the first of its kind"]),
    ("input: [[1, 2, 0, 1], [0, 1, 3, 1], [2, 1, 1, 0], [1, 0, 2, 2]]", "input: [[1, 2], [0, 1]]",
     ["net.yaml:10:11: a window of 2 is larger than the map it pools (1×1)"]),
    ("input: [[1, 2, 0, 1], [0, 1, 3, 1], [2, 1, 1, 0], [1, 0, 2, 2]]", "input: [[yes, 2], [0, 1]]",
     ["net.yaml:1:10: expected a number, got 'yes'"]),
])
def test_a_mistaken_spec_is_refused_where_it_is_wrong(tmp_path, old, new, expected):
    assert old in BASE
    _refused(tmp_path, BASE.replace(old, new, 1), *expected)


def test_a_map_layer_after_a_dense_layer_is_refused(tmp_path):
    text = BASE + "  - type: avgpool2d\n    size: 1\n"
    _refused(tmp_path, text, "net.yaml:13:11: layer 4 (avgpool2d) needs a feature map, but layer 3 is dense")


@pytest.mark.slow
def test_a_hostile_image_is_refused_cheaply(tmp_path, monkeypatch):
    """The document's own limit bounds the numbers written; the work of a pass bounds what they make,
    worked out from the shapes before any pass is run."""
    from backprop_cli.spec.maps import MapSpec

    def no_pass(*_args, **_kwargs):
        raise AssertionError("a pass was run before the spec was refused")

    monkeypatch.setattr(MapSpec, "_engine", staticmethod(no_pass))
    image = "[" + ", ".join(["[" + ", ".join(["1"] * 200) + "]"] * 200) + "]"
    kernels = "[" + ", ".join(["[[[1, 0, 1], [0, 1, 0], [1, 0, 1]]]"] * 256) + "]"
    text = BASE.replace("input: [[1, 2, 0, 1], [0, 1, 3, 1], [2, 1, 1, 0], [1, 0, 2, 2]]", "input: " + image)
    text = text.replace("[[[[1, 0], [0, -1]]], [[[0, 1], [1, 0]]]]", kernels).replace("[0, 0.1]", "0")
    _refused(tmp_path, text, "net.yaml:6:14: 1 sample(s) through layer 1 are 10,076,224 values and "
             "90,326,016 multiply-adds a pass")


def test_a_kernel_of_more_than_sixteen_is_refused(tmp_path):
    kernel = "[[[" + ", ".join(["[" + ", ".join(["1"] * 17) + "]"] * 17) + "]]]"
    text = BASE.replace("[[[[1, 0], [0, -1]]], [[[0, 1], [1, 0]]]]", kernel)
    _refused(tmp_path, text, "net.yaml:6:14: the weights of layer 1 are 1 kernels of 17×17",
             "kernels of 16 a side")


def test_a_sequence_and_a_batch_of_images(tmp_path):
    (tmp_path / "seq.yaml").write_text("input: [[1, 2, 0, 1], [0, 1, 3, 1]]\ntarget: [1]\nloss: squared_error\n"
                                      "layers:\n  - type: conv1d\n    weights: [[[1, 0], [0, -1]]]\n"
                                      "  - {type: avgpool1d, size: 3}\n  - {activation: linear, weights: [[1]]}\n")
    assert "w1_1_2_2" in invoke("grad", tmp_path / "seq.yaml", expect=0).stdout
    batch = BASE.replace("input: [[1, 2, 0, 1], [0, 1, 3, 1], [2, 1, 1, 0], [1, 0, 2, 2]]",
                         "inputs: [[[1, 2, 0, 1], [0, 1, 3, 1], [2, 1, 1, 0], [1, 0, 2, 2]], "
                         "[[0, 2, 0, 1], [0, 1, 3, 1], [2, 1, 1, 0], [1, 0, 2, 2]]]").replace(
        "target: [1, 0]", "targets: [[1, 0], [0, 1]]")
    (tmp_path / "batch.yaml").write_text(batch)
    assert "(2 samples, mean)" in invoke("grad", tmp_path / "batch.yaml", expect=0).stdout


def test_an_image_from_a_matrix_file(tmp_path):
    np.savetxt(tmp_path / "image.csv", np.array([[1, 2, 0, 1], [0, 1, 3, 1], [2, 1, 1, 0], [1, 0, 2, 2]]),
               delimiter=",")
    (tmp_path / "net.yaml").write_text(BASE.replace("input: [[1, 2, 0, 1], [0, 1, 3, 1], [2, 1, 1, 0], [1, 0, 2, 2]]",
                                                    "input: {file: image.csv}"))
    (tmp_path / "inline.yaml").write_text(BASE)
    assert invoke("grad", tmp_path / "net.yaml", expect=0).stdout == invoke("grad", tmp_path / "inline.yaml",
                                                                             expect=0).stdout


def test_kernels_and_a_batch_of_images_from_npy_files_and_stepped_back_into_them(tmp_path):
    # contract section 1: any array may come from a file; a conv2d layer's kernels have 4 axes
    kernels = np.array([[[[1, 0], [0, -1]]], [[[0, 1], [1, 0]]]], dtype=float)
    images = np.array([[[1, 2, 0, 1], [0, 1, 3, 1], [2, 1, 1, 0], [1, 0, 2, 2]],
                       [[0, 1, 1, 0], [2, 0, 1, 3], [1, 1, 0, 2], [0, 2, 1, 1]]], dtype=float)
    np.save(tmp_path / "k.npy", kernels)
    np.save(tmp_path / "x.npy", images)
    written = f"inputs: {images.astype(int).tolist()}"
    inline = BASE.replace("input: [[1, 2, 0, 1], [0, 1, 3, 1], [2, 1, 1, 0], [1, 0, 2, 2]]", written)
    inline = inline.replace("target: [1, 0]", "targets: [[1, 0], [0, 1]]")
    (tmp_path / "inline.yaml").write_text(inline)
    (tmp_path / "net.yaml").write_text(inline.replace(written, "inputs: {file: x.npy}")
                                       .replace("[[[[1, 0], [0, -1]]], [[[0, 1], [1, 0]]]]", "{file: k.npy}"))
    assert "{file: k.npy}" in (tmp_path / "net.yaml").read_text()
    assert invoke("grad", tmp_path / "net.yaml").stdout == invoke("grad", tmp_path / "inline.yaml").stdout
    invoke("step", tmp_path / "net.yaml", "-o", tmp_path / "stepped.yaml")
    invoke("step", tmp_path / "inline.yaml", "-o", tmp_path / "stepped-inline.yaml")
    assert np.load(tmp_path / "stepped-k.npy").shape == (2, 1, 2, 2)  # written back as read
    assert invoke("grad", tmp_path / "stepped.yaml").stdout == invoke("grad", tmp_path / "stepped-inline.yaml").stdout


def test_a_file_of_the_wrong_number_of_axes_is_refused_where_it_is_named(tmp_path):
    np.save(tmp_path / "k.npy", np.zeros((2, 4)))
    _refused(tmp_path, BASE.replace("[[[[1, 0], [0, -1]]], [[[0, 1], [1, 0]]]]", "{file: k.npy}"),
             "net.yaml:6:14: the weights of layer 1 must have 4 axes, the file holds shape (2, 4)")
    np.save(tmp_path / "w.npy", np.zeros((2, 2, 1)))
    _refused(tmp_path, BASE.replace("weights: [[0.1, 0.2], [-0.3, 0.4]]", "weights: {file: w.npy}"),
             "the weights of layer 3 must be a matrix, the file holds shape (2, 2, 1)")


@pytest.mark.parametrize("extra, expected", [
    ("optimizer: adam\n", ["net.yaml:13:12: `optimizer: adam` is not taken here: a network with convolution or "
                           "pooling layers trains by plain gradient descent only", "hint: remove `optimizer:`"]),
    ("optimizer: {name: momentum, beta: 0.5}\n", ["net.yaml:13:12: `optimizer: momentum` is not taken here"]),
    ("optimizer_state: {step: 1}\n", ["net.yaml:13:1: 'optimizer_state' is not taken here", "keeps no state"]),
    ("l2: 0.01\n", ["net.yaml:13:5: `l2:` is not taken here", "without an L2 term"]),
    ("optimizer: adamm\n", ["net.yaml:13:12: unknown optimizer 'adamm'", "adam"]),
])
def test_an_optimiser_its_state_or_l2_is_refused_over_maps(tmp_path, extra, expected):
    """Training over maps is plain gradient descent (core.training's own pass): the training keys
    that would ask for more are refused where they are written, never ignored."""
    _refused(tmp_path, BASE + extra, *expected)


@pytest.mark.parametrize("extra", ["optimizer: sgd\n", "optimizer: {name: sgd}\n", "l2: 0\n"])
def test_plain_descent_written_out_is_taken_over_maps(tmp_path, extra):
    (tmp_path / "plain.yaml").write_text(BASE)
    (tmp_path / "net.yaml").write_text(BASE + extra)
    assert invoke("grad", tmp_path / "net.yaml", expect=0).stdout == invoke("grad", tmp_path / "plain.yaml",
                                                                             expect=0).stdout
