"""Pictures with matplotlib (the optional `plot` extra): loss curves, and saving any figure."""
from __future__ import annotations

from pathlib import Path

from ..errors import UsageError

FORMATS = (".png", ".svg")


def check_figure_target(path: str, option: str) -> None:
    """Refuse a picture that cannot be made, before any work is done."""
    if Path(path).suffix.lower() not in FORMATS:
        raise UsageError(f"{option} {path}: the file must end in .png or .svg")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UsageError(f"{option} needs matplotlib: pip install 'backprop-cli[plot]' (or pip install '.[plot]' "
                         "in a checkout)") from None


def save_figure(figure, path: str, dpi: int | None = None) -> None:
    """Write a matplotlib figure whole, as PNG or SVG by the file's suffix, and free it."""
    import io

    from matplotlib import pyplot as plt

    from ..files import write_atomic

    buffer = io.BytesIO()
    figure.savefig(buffer, format=Path(path).suffix.lower()[1:], dpi=dpi)
    plt.close(figure)
    write_atomic(path, buffer.getvalue())


def plot_losses(runs, path: str, title: str) -> None:
    """One curve per learning rate."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4), dpi=120)
    for r in runs:
        axes.plot(range(len(r.losses)), r.losses, label=f"η = {r.learning_rate:g}")
    axes.set_xlabel("epoch")
    axes.set_ylabel("loss")
    axes.set_title((title or "training loss").replace("$", r"\$"))  # literal, not mathtext
    lowest = min(min(r.losses) for r in runs)
    if lowest > 0 and max(max(r.losses) for r in runs) / lowest > 100:
        axes.set_yscale("log")
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    save_figure(figure, path)
