"""spconv on CPU after ``configure_spconv_for_device``: sparse convs equal dense references,
forward and backward, deterministically, with several threads."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

S = 12  # dense reference grid S^3


@pytest.fixture()
def two_threads():
    before = torch.get_num_threads()
    torch.set_num_threads(2)  # the spconv CPU scatter-add race needs > 1 thread to show
    yield
    torch.set_num_threads(before)


def sparse_input(channels: int = 4, seed: int = 0):
    import spconv.pytorch as spconv

    g = torch.Generator().manual_seed(seed)
    coords = torch.unique(torch.randint(0, S, (600, 3), generator=g), dim=0)
    coords = torch.cat([torch.zeros(len(coords), 1, dtype=torch.long), coords], 1).int()
    feats = torch.randn(len(coords), channels, generator=g, requires_grad=True)
    return spconv.SparseConvTensor(feats, coords, [S, S, S], 1), feats


def densify(feats: torch.Tensor, coords: torch.Tensor, size: int) -> torch.Tensor:
    c = coords.long()
    dense = feats.new_zeros(1, feats.shape[1], size, size, size)
    dense[0, :, c[:, 1], c[:, 2], c[:, 3]] = feats.T
    return dense


def at(dense: torch.Tensor, coords: torch.Tensor) -> torch.Tensor:
    c = coords.long()
    return dense[0][:, c[:, 1], c[:, 2], c[:, 3]].T


def test_configure_is_idempotent_and_picks_native():
    import spconv.pytorch.ops as ops
    from spconv.core import ConvAlgo

    from hilda.models.students.compat import configure_spconv_for_device

    assert configure_spconv_for_device("cpu") == ConvAlgo.Native
    patched = ops.SpconvOps
    assert configure_spconv_for_device() in (None, ConvAlgo.Native)
    assert ops.SpconvOps is patched


def test_sparse_convs_match_dense_forward_and_backward(two_threads):
    import spconv.pytorch as spconv

    from hilda.models.students.compat import configure_spconv_for_device

    algo = configure_spconv_for_device("cpu")
    torch.manual_seed(0)
    subm = spconv.SubMConv3d(4, 6, 3, padding=1, bias=False, indice_key="s", algo=algo)
    down = spconv.SparseConv3d(6, 5, 2, stride=2, bias=False, indice_key="d", algo=algo)
    up = spconv.SparseInverseConv3d(5, 3, 2, indice_key="d", bias=False, algo=algo)
    x, feats = sparse_input()
    a = subm(x)
    b = down(a)
    c = up(b)
    assert torch.equal(c.indices, x.indices)
    ra = at(F.conv3d(densify(feats, x.indices, S), subm.weight.permute(0, 4, 1, 2, 3), padding=1), x.indices)
    rb = at(F.conv3d(densify(ra, x.indices, S), down.weight.permute(0, 4, 1, 2, 3), stride=2), b.indices)
    rc = at(F.conv_transpose3d(densify(rb, b.indices, S // 2), up.weight.permute(4, 0, 1, 2, 3), stride=2), x.indices)
    for sparse, dense in ((a, ra), (b, rb), (c, rc)):
        assert torch.allclose(sparse.features, dense, atol=1e-4)
    weights = torch.randn_like(rc)
    grads = torch.autograd.grad((c.features * weights).sum(), [feats, subm.weight, down.weight, up.weight])
    ref = torch.autograd.grad((rc * weights).sum(), [feats, subm.weight, down.weight, up.weight])
    for g, r in zip(grads, ref):
        assert torch.isfinite(g).all()
        assert torch.allclose(g, r, atol=1e-3, rtol=1e-4)


def test_repeated_runs_are_identical(two_threads):
    import spconv.pytorch as spconv

    from hilda.models.students.compat import configure_spconv_for_device

    conv = spconv.SubMConv3d(4, 32, 3, padding=1, bias=False, algo=configure_spconv_for_device("cpu"))
    x, _ = sparse_input(seed=1)
    with torch.no_grad():
        runs = [conv(x).features for _ in range(4)]
    assert all(torch.equal(r, runs[0]) for r in runs)
