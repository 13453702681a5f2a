"""The lidarseg label spaces."""
from __future__ import annotations

import numpy as np
from nuscenes.utils.color_map import get_colormap

from hilda.data.nuscenes_labels import (IGNORE_INDEX, LIDARSEG_CATEGORIES, SEG16_CLASSES, lidarseg32_to_16,
                                        lidarseg32_to_16_lut)


def test_categories_match_devkit_colormap_order():
    assert tuple(get_colormap()) == LIDARSEG_CATEGORIES


def test_mapping_covers_all_32_classes_and_all_16_targets():
    lut = lidarseg32_to_16_lut()
    mapped = lut[:32]
    assert set(mapped[mapped != IGNORE_INDEX]) == set(range(16))
    ignored = {LIDARSEG_CATEGORIES[i] for i in np.flatnonzero(mapped == IGNORE_INDEX)}
    assert ignored == {"noise", "animal", "human.pedestrian.personal_mobility", "human.pedestrian.stroller",
                       "human.pedestrian.wheelchair", "movable_object.debris", "movable_object.pushable_pullable",
                       "static_object.bicycle_rack", "vehicle.emergency.ambulance", "vehicle.emergency.police",
                       "static.other", "vehicle.ego"}
    assert (lut[32:] == IGNORE_INDEX).all()


def test_hand_checked_examples():
    idx = {n: i for i, n in enumerate(LIDARSEG_CATEGORIES)}
    seg = {n: i for i, n in enumerate(SEG16_CLASSES)}
    got = lidarseg32_to_16(np.array([idx["vehicle.bus.bendy"], idx["vehicle.bus.rigid"],
                                     idx["human.pedestrian.police_officer"], idx["flat.other"], idx["noise"]]))
    assert got.tolist() == [seg["bus"], seg["bus"], seg["pedestrian"], seg["other_flat"], IGNORE_INDEX]
