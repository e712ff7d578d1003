"""report.figures: picture targets checked before any work, figures saved whole, loss curves."""
import re
from types import SimpleNamespace

import pytest

from backprop_cli.errors import UsageError
from backprop_cli.report.figures import FORMATS, check_figure_target, plot_losses, save_figure


@pytest.mark.parametrize("path", ["a.png", "b.SVG", "dir/c.svg"])
def test_accepted_targets(path):
    check_figure_target(path, "-o")


@pytest.mark.parametrize("path", ["a.pdf", "b", "c.png.txt", ".svg.gif"])
def test_refused_targets(path):
    with pytest.raises(UsageError) as info:
        check_figure_target(path, "--plot")
    assert str(info.value) == f"--plot {path}: the file must end in .png or .svg"
    assert FORMATS == (".png", ".svg")


def test_missing_matplotlib(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name == "matplotlib":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(UsageError, match=r"^--plot needs matplotlib: pip install 'backprop-cli\[plot\]'"):
        check_figure_target("a.png", "--plot")


def test_save_figure_png_and_svg(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    for name, magic in (("f.png", b"\x89PNG"), ("f.svg", b"<?xml")):
        figure = plt.figure(figsize=(1, 1))
        save_figure(figure, str(tmp_path / name), dpi=50)
        assert (tmp_path / name).read_bytes().startswith(magic)
        assert not plt.fignum_exists(figure.number)  # freed


@pytest.mark.slow
def test_plot_losses(tmp_path):
    runs = [SimpleNamespace(learning_rate=0.1, losses=[1.0, 0.5, 0.25]),
            SimpleNamespace(learning_rate=1.0, losses=[1.0, 1e-3, 1e-5])]
    plot_losses(runs, str(tmp_path / "l.svg"), "my $title$")
    texts = re.findall(r"<!-- (.*?) -->", (tmp_path / "l.svg").read_text())  # matplotlib notes each text drawn
    assert {"epoch", "loss", "my $title$", "η = 0.1", "η = 1"} <= set(texts)  # the title literal, not mathtext
    assert "$\\mathdefault{10^{-5}}$" in texts  # 1 to 1e-5: over 100 times, so a log scale
    plot_losses(runs[:1], str(tmp_path / "l2.svg"), "")
    texts = re.findall(r"<!-- (.*?) -->", (tmp_path / "l2.svg").read_text())
    assert "training loss" in texts and not any("mathdefault{10^" in t for t in texts)  # 4 times: linear
