"""``MinkUNet``: the sparse-conv U-Net student (MinkowskiNet layout, spconv implementation).

Layout (as the SemanticKITTI / nuScenes MinkUNets of MinkowskiEngine, TorchSparse, mmdet3d):
stem of two 3x3x3 SubM convs (``stem_channels``); encoder stage ``i`` = stride-2 ``SparseConv3d``
(kernel 2) then ``encoder_blocks[i]`` BasicBlocks -> ``encoder_channels[i]`` at stride ``2**(i+1)``;
decoder stage ``j`` = ``SparseInverseConv3d`` to ``decoder_channels[j]``, concatenation with the
encoder features of that stride, ``decoder_blocks[j]`` BasicBlocks, at stride ``2**(3-j)``.
``MinkUNet18`` / ``MinkUNet34`` differ only in ``encoder_blocks`` (2,2,2,2) / (2,3,4,6).

Point features (devoxelisation): a point in fine voxel ``c`` lies in voxel ``c // s`` of the stride-``s``
stage (kernel-2 stride-2 downsampling makes this exact), looked up among that stage's voxel
coordinates; no coarse stage is upsampled. Points with ``point2voxel == -1`` get zero features.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import spconv.pytorch as spconv
import torch
from torch import nn

from hilda.models.students.blocks import down_bn_relu, make_stage, subm_bn_relu, up_bn_relu
from hilda.models.students.compat import configure_spconv_for_device
from hilda.registry import MODELS
from hilda.structures.point_batch import PointBatch
from hilda.structures.point_features import PointFeatures


@dataclass
class StudentOutput:
    features: dict[int, PointFeatures]  # decoder stage -> per-point features held per voxel (N points)
    out_stages: tuple[int, ...]  # the stages of ``stages`` (``features`` also holds the last one)
    voxels: spconv.SparseConvTensor  # last decoder stage (stride 1), rows = input voxels

    @cached_property
    def stages(self) -> dict[int, torch.Tensor]:
        """Decoder stage index -> ``(N, C_j)`` per point, for ``out_stages``."""
        last = max(self.features)
        return {j: self.points if j == last else self.features[j].gather() for j in self.out_stages}

    @cached_property
    def points(self) -> torch.Tensor:
        """``(N, C_last)`` last decoder stage, per point of the PointBatch."""
        return self.features[max(self.features)].gather()


def lookup_coarse(fine: torch.Tensor, coarse: spconv.SparseConvTensor, stride: int) -> torch.Tensor:
    """Row of ``coarse.indices`` holding ``[b, z // s, y // s, x // s]`` for each ``fine (V, 4)``
    ``[b, z, y, x]`` voxel (-1 when absent), by sorting linear keys and ``searchsorted``."""
    z, y, x = (int(n) for n in coarse.spatial_shape)
    scale = torch.tensor([z * y * x, y * x, x, 1], device=fine.device, dtype=torch.int64)
    div = torch.tensor([1, stride, stride, stride], device=fine.device, dtype=torch.int64)
    coarse_keys, order = torch.sort((coarse.indices.long() * scale).sum(1))
    query = (torch.div(fine.long(), div, rounding_mode="floor") * scale).sum(1)
    if coarse_keys.numel() == 0:
        return torch.full_like(query, -1)
    pos = torch.searchsorted(coarse_keys, query).clamp(max=coarse_keys.numel() - 1)
    return torch.where(coarse_keys[pos] == query, order[pos], torch.full_like(pos, -1))


@MODELS.register_module()
class MinkUNet(nn.Module):
    """U-Net over ``PointBatch.voxels`` -> ``StudentOutput``. ``out_stages``: decoder stage indices
    (0..3, negative from the end) whose point features are returned besides the last stage.
    ``conv_device``: where the convs will run (``None``: CUDA if available), picks the spconv algo."""

    default_encoder_blocks = (2, 2, 2, 2)

    def __init__(self, in_channels: int = 5, stem_channels: int = 32, encoder_channels=(32, 64, 128, 256),
                 decoder_channels=(256, 128, 96, 96), encoder_blocks=None, decoder_blocks=(2, 2, 2, 2),
                 out_stages=(3,), conv_device: str | None = None):
        super().__init__()
        encoder_blocks = tuple(encoder_blocks or self.default_encoder_blocks)
        depth = len(encoder_channels)
        if not len(decoder_channels) == len(encoder_blocks) == len(decoder_blocks) == depth:
            raise ValueError("encoder/decoder channels and blocks must have one entry per stage")
        if any(not -depth <= int(j) < depth for j in out_stages):
            raise ValueError(f"out_stages {tuple(out_stages)} must index the {depth} decoder stages")
        algo = configure_spconv_for_device(conv_device)
        self.in_channels = in_channels
        self.depth = depth
        self.out_stages = tuple(sorted({int(j) % depth for j in out_stages}))
        self.stem = spconv.SparseSequential(subm_bn_relu(in_channels, stem_channels, "subm1", algo=algo),
                                            subm_bn_relu(stem_channels, stem_channels, "subm1", algo=algo))
        enc_in = (stem_channels, *encoder_channels[:-1])
        self.downs = nn.ModuleList(down_bn_relu(c, c, f"down{2 ** (i + 1)}", algo=algo) for i, c in enumerate(enc_in))
        self.encoder = nn.ModuleList(make_stage(c, encoder_channels[i], encoder_blocks[i], f"subm{2 ** (i + 1)}", algo)
                                     for i, c in enumerate(enc_in))
        dec_in = (encoder_channels[-1], *decoder_channels[:-1])
        skips = tuple(reversed(enc_in))  # channels of the encoder features at each decoder stride
        self.ups = nn.ModuleList(up_bn_relu(c, decoder_channels[j], f"down{2 ** (depth - j)}", algo=algo)
                                 for j, c in enumerate(dec_in))
        self.decoder = nn.ModuleList(
            make_stage(decoder_channels[j] + skips[j], decoder_channels[j], decoder_blocks[j],
                       f"subm{2 ** (depth - 1 - j)}", algo) for j in range(depth))
        self.out_channels = {j: decoder_channels[j] for j in sorted({*self.out_stages, depth - 1})}

    def stride(self, stage: int) -> int:
        """Voxel stride of decoder stage ``stage``."""
        return 2 ** (self.depth - 1 - stage)

    def forward(self, batch: PointBatch) -> StudentOutput:
        vox = batch.voxels
        if vox is None:
            raise ValueError("MinkUNet needs a voxelised PointBatch (batch.voxels is None)")
        if vox.feats.shape[1] != self.in_channels:
            raise ValueError(f"voxel features have {vox.feats.shape[1]} channels, model expects {self.in_channels}")
        unit = 2 ** self.depth  # pad the grid so every downsampling halves it exactly
        shape = [-(-s // unit) * unit for s in vox.spatial_shape]
        x = self.stem(spconv.SparseConvTensor(vox.feats, vox.coords.int(), shape, vox.batch_size))
        skips = []
        for down, stage in zip(self.downs, self.encoder):
            skips.append(x)
            x = stage(down(x))
        stages = {}
        for j, (up, stage) in enumerate(zip(self.ups, self.decoder)):
            x = up(x)  # the inverse conv restores the skip's voxels in the skip's row order
            x = stage(x.replace_feature(torch.cat([x.features, skips.pop().features], 1)))
            stages[j] = x
        features = {}
        for j in self.out_channels:
            voxel_row = lookup_coarse(vox.coords, stages[j], self.stride(j))[vox.point2voxel.clamp(min=0)]
            voxel_row[vox.point2voxel < 0] = -1
            features[j] = PointFeatures(stages[j].features, voxel_row)
        return StudentOutput(features=features, out_stages=self.out_stages, voxels=stages[self.depth - 1])


@MODELS.register_module()
class MinkUNet18(MinkUNet):
    """MinkUNet with (2, 2, 2, 2) encoder BasicBlocks."""

    default_encoder_blocks = (2, 2, 2, 2)


@MODELS.register_module()
class MinkUNet34(MinkUNet):
    """MinkUNet with (2, 3, 4, 6) encoder BasicBlocks (the usual SLidR / ScaLR / HilDA student)."""

    default_encoder_blocks = (2, 3, 4, 6)
