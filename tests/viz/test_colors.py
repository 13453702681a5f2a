"""Point colour maps: labels follow the devkit colour map, PCA separates orthogonal clusters."""
from __future__ import annotations

import numpy as np
from nuscenes.utils.color_map import get_colormap

from hilda.data.nuscenes_labels import IGNORE_INDEX, SEG16_CLASSES
from hilda.viz.colors import IGNORE_COLOR, height_colors, label_colors, pca_basis, pca_rgb


def test_label_colours_are_the_devkit_colours_of_the_classes():
    devkit = get_colormap()
    ids = np.array([SEG16_CLASSES.index(c) for c in ("car", "pedestrian", "driveable_surface", "vegetation")]
                   + [IGNORE_INDEX])
    rgb = label_colors(ids)
    assert rgb.dtype == np.uint8 and rgb.shape == (5, 3)
    for got, name in zip(rgb, ("vehicle.car", "human.pedestrian.adult", "flat.driveable_surface", "static.vegetation")):
        assert tuple(got) == devkit[name]
    assert tuple(rgb[-1]) == tuple(IGNORE_COLOR)
    assert len({tuple(c) for c in label_colors(np.arange(16))}) == 16


def test_height_colours_order_low_to_high():
    rgb = height_colors(np.linspace(-2, 3, 50)).astype(int)
    assert rgb.shape == (50, 3) and not np.array_equal(rgb[0], rgb[-1])


def test_pca_of_three_orthogonal_clusters_gives_three_distinct_colours():
    rng = np.random.default_rng(0)
    dim, n = 64, 300
    axes = np.eye(dim)[:3] * 5.0
    feats = np.concatenate([axis + 0.05 * rng.standard_normal((n, dim)) for axis in axes])
    rgb = pca_rgb(feats).astype(np.float64)
    means = rgb.reshape(3, n, 3).mean(1)
    for i in range(3):
        for j in range(i + 1, 3):
            assert np.linalg.norm(means[i] - means[j]) > 80, means
    # every point's colour is nearest to its own cluster's mean colour
    nearest = np.linalg.norm(rgb[:, None] - means[None], axis=2).argmin(1)
    assert (nearest == np.repeat(np.arange(3), n)).mean() > 0.99


def test_pca_basis_is_deterministic_and_shared():
    feats = np.random.default_rng(1).standard_normal((500, 16))
    basis = pca_basis(feats)
    np.testing.assert_allclose(pca_basis(feats)[1], basis[1])
    assert np.array_equal(pca_rgb(feats[:10], basis), pca_rgb(feats[:10], basis))
    assert pca_rgb(np.ones((4, 2))).shape == (4, 3)  # constant, fewer than 3 channels: no crash
