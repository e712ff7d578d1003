"""Issue 23's convolution and pooling against hostile specs (contract sections 3, 8 and 9): one
regression test per defect found by attacking the map layers, end to end through the command line.

Each test passes when the defect is fixed and fails when it is not."""
import numpy as np
from conftest import invoke


def _image(tmp_path, side: int) -> str:
    np.save(tmp_path / "image.npy", np.random.default_rng(0).standard_normal((side, side)))
    return "input: {file: image.npy}\nloss: none\n"


def test_a_pooling_windows_reads_count_as_work_so_a_wide_stride_1_pool_is_refused_cheaply(tmp_path):
    # 1,000×1,000 values and 985×985 pooled ones are within 2,000,000 values, but 16×16 windows at
    # stride 1 read 248 million values: before, 4 GB and 20 s of copied windows for grad
    spec = tmp_path / "pool.yaml"
    spec.write_text(_image(tmp_path, 1000) + "layers:\n  - type: maxpool2d\n    size: 16\n    stride: 1\n")
    result = invoke("grad", spec, expect=2)
    assert "pool.yaml:4:5:" in result.stderr and "248,377,600 multiply-adds" in result.stderr


def test_gradcheck_refuses_a_map_network_too_large_to_nudge_one_parameter_at_a_time(tmp_path):
    # 257 parameters of a 16×16 kernel over a 456×456 image, within every limit of a pass: four
    # passes of 50 million multiply-adds a parameter ran for many minutes
    kernel = np.random.default_rng(1).standard_normal((1, 1, 16, 16)).round(2).tolist()
    spec = tmp_path / "conv.yaml"
    spec.write_text(_image(tmp_path, 456) + f"layers:\n  - type: conv2d\n    weights: {kernel}\n")
    result = invoke("gradcheck", spec, expect=2)
    assert "257 parameters" in result.stderr and "`backprop grad` gives every gradient" in result.stderr


def test_gradcheck_still_checks_a_small_map_network(tmp_path):
    assert invoke("gradcheck", "--example", "cnn-4x4", "--format", "json", expect=0)
