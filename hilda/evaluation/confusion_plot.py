"""Confusion-matrix image (rows = target, columns = prediction, each row normalised to 1)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hilda.viz.canvas import new_figure, save_figure


def save_confusion_png(confusion, class_names, path: str | Path, title: str = "") -> Path:
    cm = np.asarray(confusion, dtype=np.float64)
    rows = cm.sum(1, keepdims=True)
    norm = np.divide(cm, rows, out=np.zeros_like(cm), where=rows > 0)
    n = len(class_names)
    fig = new_figure((max(600, 40 * n + 260), max(560, 40 * n + 220)))
    ax = fig.add_axes((0.22, 0.22, 0.68, 0.68))
    im = ax.imshow(norm, vmin=0.0, vmax=1.0, cmap="viridis")
    ax.set_xticks(range(n), class_names, rotation=90, fontsize=8)
    ax.set_yticks(range(n), class_names, fontsize=8)
    ax.set_xlabel("prediction")
    ax.set_ylabel("target")
    for i in range(n):
        for j in range(n):
            if norm[i, j] >= 0.01:
                ax.text(j, i, f"{norm[i, j]:.2f}", ha="center", va="center", fontsize=6,
                        color="black" if norm[i, j] > 0.5 else "white")
    fig.colorbar(im, ax=ax, fraction=0.04)
    ax.set_title(title or "confusion (row-normalised)", fontsize=10)
    return save_figure(fig, path)
