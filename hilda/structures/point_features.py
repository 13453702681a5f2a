"""``PointFeatures``: per-point features stored once per voxel.

A sparse-conv student computes one feature row per voxel; every point takes the row of the voxel it
falls in (``rows[i]``), or zeros when it lies outside the grid (``rows[i] == -1``). A head that acts
row by row (a projector, an MLP) and then gathers or max-pools gives the same result when it runs on
the *distinct* rows only: at 0.25 m voxels a nuScenes-like scan has ~4 points per voxel, so the
distillation and global-context MLPs run on ~4x fewer rows (``distinct``) without changing a value.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class PointFeatures:
    table: torch.Tensor  # (V, C) one feature row per voxel
    rows: torch.Tensor  # (N,) int64 row of each point in ``table``; -1 = no voxel (zero features)

    @classmethod
    def from_dense(cls, feats: torch.Tensor) -> "PointFeatures":
        """``(N, C)`` per-point features (one row per point)."""
        return cls(feats, torch.arange(feats.shape[0], device=feats.device))

    @classmethod
    def wrap(cls, feats: "PointFeatures | torch.Tensor") -> "PointFeatures":
        return feats if isinstance(feats, PointFeatures) else cls.from_dense(feats)

    def __len__(self) -> int:
        return self.rows.numel()

    def gather(self, index: torch.Tensor | None = None) -> torch.Tensor:
        """``(P, C)`` features of points ``index`` (all ``N`` points when None)."""
        rows = self.rows if index is None else self.rows[index]
        valid = (rows >= 0).unsqueeze(1)
        return torch.where(valid, self.table[rows.clamp(min=0)], self.table.new_zeros(()))

    def distinct(self, index: torch.Tensor | None = None, groups: torch.Tensor | None = None):
        """Distinct feature rows among points ``index`` (all points when None), kept apart per
        ``groups`` label (``(P,)`` int, e.g. each point's sample).

        Returns ``feats (U, C)``, ``group (U,)`` (the label of each row; None without ``groups``) and
        ``inverse (P,)`` with ``feats[inverse] == gather(index)``. Points without a voxel share one
        zero row (per group).
        """
        rows = self.rows if index is None else self.rows[index]
        span = self.table.shape[0] + 1  # key 0 = the zero row, key r + 1 = table row r
        key = rows + 1 if groups is None else groups.long() * span + rows + 1
        uniq, inverse = torch.unique(key, return_inverse=True)
        padded = torch.cat([self.table.new_zeros(1, self.table.shape[1]), self.table])
        group = None if groups is None else torch.div(uniq, span, rounding_mode="floor")
        return padded[uniq % span], group, inverse
