"""Loss curves drawn with matplotlib (the optional `plot` extra: pip install '.[plot]')."""
from __future__ import annotations

from pathlib import Path

from ..errors import UsageError

FORMATS = (".png", ".svg")


def check_plot_target(path: str) -> None:
    """Refuse a plot that cannot be made before any work is done."""
    if Path(path).suffix.lower() not in FORMATS:
        raise UsageError(f"--plot {path}: the file must end in .png or .svg")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UsageError("--plot needs matplotlib: pip install 'backprop-cli[plot]' (or pip install '.[plot]' "
                         "in a checkout)") from None


def plot_losses(runs, path: str, title: str) -> None:
    """One curve per learning rate, saved atomically as PNG or SVG."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from ..rewrite import write_atomic

    figure, axes = plt.subplots(figsize=(7, 4), dpi=120)
    for r in runs:
        axes.plot(range(len(r.losses)), r.losses, label=f"η = {r.learning_rate:g}")
    axes.set_xlabel("epoch")
    axes.set_ylabel("loss")
    axes.set_title((title or "training loss").replace("$", r"\$"))  # literal, not mathtext
    if min(min(r.losses) for r in runs) > 0 and max(max(r.losses) for r in runs) / max(min(min(r.losses) for r in runs), 1e-300) > 100:
        axes.set_yscale("log")
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format=Path(path).suffix.lower()[1:])
    plt.close(figure)
    write_atomic(path, buffer.getvalue())
