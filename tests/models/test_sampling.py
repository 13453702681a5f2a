"""Bilinear sampling of patch features at continuous pixel coordinates."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from hilda.models.teachers import sample_features

W, H, PATCH = 56, 28, 14  # images of 56 x 28 px -> a 2 x 4 patch grid


def test_patch_centre_gives_that_patch_exactly():
    fmap = torch.randn(3, 16, H // PATCH, W // PATCH)
    rows, cols = torch.meshgrid(torch.arange(2), torch.arange(4), indexing="ij")
    cam = torch.arange(3).repeat_interleave(8)
    uv = torch.stack([(cols.flatten() + 0.5) * PATCH, (rows.flatten() + 0.5) * PATCH], 1).repeat(3, 1)
    out = sample_features(fmap, cam, uv.float(), (W, H))
    expected = fmap[cam, :, rows.flatten().repeat(3), cols.flatten().repeat(3)]
    assert torch.equal(out, expected)


def test_linear_ramp_is_sampled_linearly():
    h, w = 4, 6
    i, j = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(w, dtype=torch.float32), indexing="ij")
    fmap = torch.stack([2.0 * j + 3.0 * i, -j]).unsqueeze(0)  # (1, 2, h, w), linear in patch coords
    width, height = w * PATCH, h * PATCH
    # between the outermost patch centres the bilinear sample is exactly linear
    uv = torch.rand(200, 2, generator=torch.Generator().manual_seed(0))
    uv = torch.stack([PATCH / 2 + uv[:, 0] * (width - PATCH), PATCH / 2 + uv[:, 1] * (height - PATCH)], 1)
    out = sample_features(fmap, torch.zeros(200, dtype=torch.long), uv, (width, height))
    x, y = uv[:, 0] / PATCH - 0.5, uv[:, 1] / PATCH - 0.5
    assert torch.allclose(out, torch.stack([2 * x + 3 * y, -x], 1), atol=1e-4)


def test_matches_grid_sample_everywhere_including_borders():
    fmap = torch.randn(2, 8, 3, 5)
    uv = torch.rand(300, 2) * torch.tensor([70.0, 42.0])
    uv[:4] = torch.tensor([[0.0, 0.0], [69.99, 41.99], [0.0, 41.99], [69.99, 0.0]])
    cam = torch.randint(0, 2, (300,))
    out = sample_features(fmap, cam, uv, (70, 42))
    grid = torch.stack([2 * uv[:, 0] / 70 - 1, 2 * uv[:, 1] / 42 - 1], 1)
    ref = torch.stack([F.grid_sample(fmap[c:c + 1], grid[k].view(1, 1, 1, 2), align_corners=False,
                                     padding_mode="border")[0, :, 0, 0] for k, c in enumerate(cam.tolist())])
    assert torch.allclose(out, ref, atol=1e-5)


def test_gradients_reach_the_feature_map_and_dtype_is_kept():
    fmap = torch.randn(1, 4, 2, 2, requires_grad=True)
    out = sample_features(fmap, torch.zeros(5, dtype=torch.long), torch.full((5, 2), 14.0), (28, 28))
    out.sum().backward()
    assert torch.allclose(fmap.grad.sum(dim=(2, 3)), torch.full((1, 4), 5.0))
    half = sample_features(fmap.detach().half(), torch.zeros(2, dtype=torch.long), torch.zeros(2, 2), (28, 28))
    assert half.dtype == torch.float16 and half.shape == (2, 4)
