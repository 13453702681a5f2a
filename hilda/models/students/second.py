"""``SecondBackbone``: SECOND-style sparse voxel encoder with height compression, for detection.

As OpenPCDet's ``VoxelResBackBone8x``: a SubM stem, then stage ``i`` = (when ``strides[i] == 2``) a
3x3x3 ``SparseConv3d`` stride 2 padding 1, followed by ``blocks[i]`` BasicBlocks (the ones of the
U-Net) -> ``channels[i]``; a final ``(3, 1, 1)`` conv with stride ``(2, 1, 1)`` squeezes height,
and the dense result ``(B, C, D, H, W)`` is reshaped to the BEV map ``(B, C * D, H, W)``.
With strides (1, 2, 2, 2) the BEV map has 1/8 of the voxel grid's rows (y) and columns (x).
``sparse_shape = (Z, Y, X)`` is ``VoxelGrid.spatial_shape``; it fixes ``bev_channels``.
"""
from __future__ import annotations

from dataclasses import dataclass

import spconv.pytorch as spconv
import torch
from torch import nn

from hilda.models.students.blocks import down_bn_relu, make_stage, subm_bn_relu
from hilda.models.students.compat import configure_spconv_for_device
from hilda.registry import MODELS
from hilda.structures.point_batch import PointBatch


@dataclass
class BEVFeatures:
    bev: torch.Tensor  # (B, C * D, H', W') float32, rows along y, columns along x
    stride: int  # voxel cells per BEV cell along x and y


def _conv_out_size(n: int, kernel: int, stride: int, padding: int) -> int:
    return (n + 2 * padding - kernel) // stride + 1


@MODELS.register_module()
class SecondBackbone(nn.Module):
    def __init__(self, in_channels: int = 5, sparse_shape=(40, 1024, 1024), stem_channels: int = 16,
                 channels=(16, 32, 64, 128), blocks=(1, 2, 2, 2), strides=(1, 2, 2, 2),
                 out_channels: int = 128, out_padding_z: int = 0, conv_device: str | None = None):
        super().__init__()
        if not len(channels) == len(blocks) == len(strides):
            raise ValueError("channels, blocks and strides need one entry per stage")
        if any(s not in (1, 2) for s in strides):
            raise ValueError(f"strides must be 1 or 2, got {tuple(strides)}")
        algo = configure_spconv_for_device(conv_device)
        self.in_channels = in_channels
        self.sparse_shape = tuple(int(n) for n in sparse_shape)
        self.stem = subm_bn_relu(in_channels, stem_channels, "subm1", algo=algo)
        stages, cin, stride, shape = [], stem_channels, 1, list(self.sparse_shape)
        for c, n, s in zip(channels, blocks, strides):
            layers = []
            if s == 2:
                stride *= 2
                layers.append(down_bn_relu(cin, c, f"spconv{stride}", kernel_size=3, stride=2, padding=1, algo=algo))
                shape = [_conv_out_size(d, 3, 2, 1) for d in shape]
                cin = c
            layers.append(make_stage(cin, c, n, f"subm{stride}", algo))
            stages.append(spconv.SparseSequential(*layers))
            cin = c
        self.stages = nn.ModuleList(stages)
        self.conv_out = down_bn_relu(cin, out_channels, "spconv_out", kernel_size=(3, 1, 1), stride=(2, 1, 1),
                                     padding=(out_padding_z, 0, 0), algo=algo)
        depth = _conv_out_size(shape[0], 3, 2, out_padding_z)
        if depth < 1:
            raise ValueError(f"sparse_shape {self.sparse_shape} leaves {shape[0]} z cells before the height "
                             f"compression; use more z voxels or out_padding_z=1")
        self.stride = stride
        self.bev_shape = (shape[1], shape[2])
        self.bev_channels = out_channels * depth

    def forward(self, batch: PointBatch) -> BEVFeatures:
        vox = batch.voxels
        if vox is None:
            raise ValueError("SecondBackbone needs a voxelised PointBatch (batch.voxels is None)")
        if tuple(vox.spatial_shape) != self.sparse_shape:
            raise ValueError(f"voxels on grid {tuple(vox.spatial_shape)}, backbone built for {self.sparse_shape}")
        if vox.feats.shape[1] != self.in_channels:
            raise ValueError(f"voxel features have {vox.feats.shape[1]} channels, model expects {self.in_channels}")
        x = self.stem(spconv.SparseConvTensor(vox.feats, vox.coords.int(), list(self.sparse_shape), vox.batch_size))
        for stage in self.stages:
            x = stage(x)
        x = self.conv_out(x)
        b, c, (d, h, w) = x.batch_size, x.features.shape[1], x.spatial_shape
        dense = x.features.new_zeros(b, d, h, w, c)  # not x.dense(): deprecated indexing inside spconv
        idx = x.indices.long()
        dense[idx[:, 0], idx[:, 1], idx[:, 2], idx[:, 3]] = x.features
        bev = dense.permute(0, 4, 1, 2, 3).reshape(b, c * d, h, w)  # channel-major: c * D + d
        return BEVFeatures(bev=bev, stride=self.stride)
