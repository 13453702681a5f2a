"""The one collate: offsets, re-indexed pairs and voxels, spconv tensor, datamodule."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from hilda.data.collate import collate


@pytest.fixture(scope="module")
def samples(make_dataset):
    ds = make_dataset(sweeps=1, image_size=(224, 126), temporal=True, boxes=True)
    return ds, [ds[0], ds[1], ds[2]]


def test_concatenation_with_offsets_and_reindexed_pairs(samples):
    ds, ss = samples
    b = collate(ss, ds.grid.spatial_shape)
    assert b.batch_size == 3 and b.points.offsets.tolist() == [0, *np.cumsum([len(s.points) for s in ss])]
    for i, (s, piece) in enumerate(zip(ss, b.points.split(b.points.points))):
        np.testing.assert_array_equal(piece.numpy(), s.points)
        mine = (b.pairs.camera_index // b.num_cameras) == i
        np.testing.assert_array_equal(b.points.points[b.pairs.point_index[mine]].numpy(), s.points[s.pairs.point_index])
        np.testing.assert_array_equal(b.pairs.camera_index[mine].numpy() - i * b.num_cameras, s.pairs.camera_index)
        np.testing.assert_array_equal(b.images[i * b.num_cameras:(i + 1) * b.num_cameras].numpy(),
                                      s.images.transpose(0, 3, 1, 2))
    assert b.images.shape == (18, 3, 126, 224) and b.labels.shape == (len(b.points.points),)
    assert b.box_offsets.tolist() == [0, *np.cumsum([len(s.boxes) for s in ss])]
    assert b.prev_points.voxels is not None and b.next_points.voxels is None


def test_voxel_batch_indices_and_spconv_tensor(samples):
    ds, ss = samples
    vb = collate(ss, ds.grid.spatial_shape).points.voxels
    bidx = torch.repeat_interleave(torch.arange(3), torch.tensor([len(s.points) for s in ss]))
    inside = vb.point2voxel >= 0
    assert torch.equal(vb.coords[vb.point2voxel[inside], 0].long(), bidx[inside])
    for i, s in enumerate(ss):
        np.testing.assert_array_equal(vb.coords[vb.coords[:, 0] == i, 1:].numpy(), s.voxels.coords)
    st = vb.to_sparse()
    assert st.batch_size == 3 and list(st.spatial_shape) == list(ds.grid.spatial_shape)
    assert torch.equal(st.indices, vb.coords) and torch.equal(st.features, vb.feats)


def test_mixed_optional_fields_are_refused(samples):
    ds, ss = samples
    other = ds[3]
    other.labels = None
    with pytest.raises(ValueError, match="labels"):
        collate([ss[0], other], ds.grid.spatial_shape)


def test_datamodule_from_config(index_dir):
    from hilda.data.index_format import index_path
    from hilda.registry import DATASETS
    from tests.data.conftest import GRID

    dm = DATASETS.build(dict(type="NuScenesDataModule", batch_size=2, train=dict(
        type="NuScenesIndexDataset", index=str(index_path(index_dir, "mini_train")), image_size=(224, 126), **GRID)))
    dm.setup("fit")
    batch = next(iter(dm.train_dataloader()))
    assert batch.batch_size == 2 and batch.images.shape[0] == 12 and len(batch.pairs) > 1000
