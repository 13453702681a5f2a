"""Loss curves from a work dir's Lightning ``CSVLogger`` files (``<work_dir>/**/metrics.csv``).

Each ``metrics.csv`` has a header (``step``, ``epoch``, ``train/loss``, ``lr-AdamW``, ...) and one
row per logging call with the logged columns filled and the others empty. Several files (resumed
runs: ``version_0``, ``version_1``, ...) are merged in path order; x is ``step``.
Panels: training losses, validation metrics (``val/...``), learning rates (``lr-...``).
"""
from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

from hilda.viz.canvas import new_figure, save_figure

AXIS_COLUMNS = ("step", "epoch")


class MetricsNotFound(FileNotFoundError):
    """No ``metrics.csv`` under a work dir; the message names the dir."""


def find_metrics(work_dir: str | Path) -> list[Path]:
    work_dir = Path(work_dir)
    files = sorted(work_dir.rglob("metrics.csv")) if work_dir.is_dir() else []
    if not files:
        raise MetricsNotFound(f"no metrics.csv under work dir {work_dir} (CSVLogger writes "
                              f"<work_dir>/**/metrics.csv)")
    return files


def read_metrics(paths) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{column: (steps, values)}`` for every non-axis column with at least one number."""
    series: dict[str, list[tuple[float, float]]] = {}
    for path in [paths] if isinstance(paths, (str, Path)) else paths:
        with open(path, newline="") as f:
            for i, row in enumerate(csv.DictReader(f)):
                step = _number(row.get("step"))
                step = float(i) if step is None else step
                for key, text in row.items():
                    value = _number(text)
                    if key not in AXIS_COLUMNS and key is not None and value is not None:
                        series.setdefault(key, []).append((step, value))
    out = {}
    for key, pts in series.items():
        arr = np.array(sorted(pts, key=lambda p: p[0]))
        out[key] = (arr[:, 0], arr[:, 1])
    return out


def _number(text) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def group_columns(columns) -> dict[str, list[str]]:
    groups = {"training losses": [], "validation": [], "learning rate": [], "other": []}
    for key in sorted(columns):
        if key.startswith("lr-") or key.startswith("lr/"):
            groups["learning rate"].append(key)
        elif key.startswith("val"):
            groups["validation"].append(key)
        elif "loss" in key:
            groups["training losses"].append(key)
        else:
            groups["other"].append(key)
    return {name: keys for name, keys in groups.items() if keys}


def render_curves(series: dict[str, tuple[np.ndarray, np.ndarray]], out: str | Path,
                  size: tuple[int, int] = (1000, 750), title: str | None = None) -> Path:
    """One panel per group of ``group_columns``, stacked; the total ``train/loss`` drawn thickest."""
    groups = group_columns(series)
    if not groups:
        raise ValueError("no numeric metric columns to plot")
    fig = new_figure(size)
    axes = fig.subplots(len(groups), 1, squeeze=False, sharex=True)[:, 0]
    for ax, (name, keys) in zip(axes, groups.items()):
        for key in keys:
            steps, values = series[key]
            ax.plot(steps, values, label=key, lw=1.8 if key.endswith("/loss") else 1.0,
                    marker="." if len(steps) < 30 else None)
        ax.set_title(name, fontsize=9)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper right")
        if name == "training losses" and all(np.all(series[k][1] > 0) for k in keys):
            ax.set_yscale("log")
    axes[-1].set_xlabel("step")
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return save_figure(fig, out)
