"""Sparse-conv building blocks shared by the U-Net and the SECOND backbone (spconv 2.x).

Every conv is followed by ``BatchNorm1d`` over the voxel features (conv bias off) and ReLU.
``indice_key`` names spconv rulebooks: SubM convs at one stride share ``subm{stride}``; a strided
conv's key ``down{stride}`` is reused by the ``SparseInverseConv3d`` that undoes it, so the
upsampled tensor has exactly the voxels of the finer level, in the same order. ``algo`` is the
``ConvAlgo`` returned by ``compat.configure_spconv_for_device`` (``None`` = spconv's choice).
"""
from __future__ import annotations

import spconv.pytorch as spconv
from torch import nn


def subm_bn_relu(cin: int, cout: int, indice_key: str, kernel_size: int = 3, algo=None) -> spconv.SparseSequential:
    """Submanifold conv (voxel set unchanged) + BN + ReLU."""
    return spconv.SparseSequential(
        spconv.SubMConv3d(cin, cout, kernel_size, padding=kernel_size // 2, bias=False,
                          indice_key=indice_key, algo=algo),
        nn.BatchNorm1d(cout), nn.ReLU(inplace=True))


def down_bn_relu(cin: int, cout: int, indice_key: str, kernel_size=2, stride=2, padding=0,
                 algo=None) -> spconv.SparseSequential:
    """Strided sparse conv (voxel set coarsened) + BN + ReLU. With ``kernel_size=2, stride=2,
    padding=0`` the output voxel of input voxel ``c`` is ``c // 2`` on every axis."""
    return spconv.SparseSequential(
        spconv.SparseConv3d(cin, cout, kernel_size, stride=stride, padding=padding, bias=False,
                            indice_key=indice_key, algo=algo),
        nn.BatchNorm1d(cout), nn.ReLU(inplace=True))


def up_bn_relu(cin: int, cout: int, indice_key: str, kernel_size=2, algo=None) -> spconv.SparseSequential:
    """Inverse of the strided conv registered under ``indice_key`` + BN + ReLU."""
    return spconv.SparseSequential(
        spconv.SparseInverseConv3d(cin, cout, kernel_size, indice_key=indice_key, bias=False, algo=algo),
        nn.BatchNorm1d(cout), nn.ReLU(inplace=True))


class SparseBasicBlock(spconv.SparseModule):
    """ResNet BasicBlock of two 3x3x3 SubM convs; a linear (1x1x1) projection when channels change.

    ``(V, cin)`` voxel features -> ``(V, cout)`` on the same voxels.
    """

    def __init__(self, cin: int, cout: int, indice_key: str, algo=None):
        super().__init__()
        self.conv1 = spconv.SubMConv3d(cin, cout, 3, padding=1, bias=False, indice_key=indice_key, algo=algo)
        self.bn1 = nn.BatchNorm1d(cout)
        self.conv2 = spconv.SubMConv3d(cout, cout, 3, padding=1, bias=False, indice_key=indice_key, algo=algo)
        self.bn2 = nn.BatchNorm1d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.shortcut = None if cin == cout else nn.Sequential(nn.Linear(cin, cout, bias=False),
                                                               nn.BatchNorm1d(cout))

    def forward(self, x: spconv.SparseConvTensor) -> spconv.SparseConvTensor:
        identity = x.features if self.shortcut is None else self.shortcut(x.features)
        out = self.conv1(x)
        out = out.replace_feature(self.relu(self.bn1(out.features)))
        out = self.conv2(out)
        return out.replace_feature(self.relu(self.bn2(out.features) + identity))


def make_stage(cin: int, cout: int, num_blocks: int, indice_key: str, algo=None) -> spconv.SparseSequential:
    """``num_blocks`` BasicBlocks; the first maps ``cin -> cout``, the others keep ``cout``."""
    return spconv.SparseSequential(*[SparseBasicBlock(cin if i == 0 else cout, cout, indice_key, algo)
                                     for i in range(num_blocks)])
