"""The teacher feature cache round-trips float16 features and refuses a mismatched config."""
from __future__ import annotations

import numpy as np
import pytest

from hilda.data.teacher_cache import TeacherCacheError, TeacherFeatureCache, cache_meta
from hilda.structures.sample import CAMERA_NAMES

META = cache_meta("vit_small_patch14_dinov2", (10, 11), (224, 126), CAMERA_NAMES)


def test_round_trip_is_exact_in_float16(tmp_path):
    cache = TeacherFeatureCache.create(str(tmp_path), META)
    rng = np.random.default_rng(0)
    layers = [rng.normal(size=(6, 384, 9, 16)).astype(np.float32) for _ in range(2)]
    cls = rng.normal(size=(6, 384)).astype(np.float32)
    cache.write("tok", layers, cls)
    got = TeacherFeatureCache.open(str(tmp_path), "vit_small_patch14_dinov2", (10, 11), (224, 126)).read("tok")
    assert got["cls"].dtype == np.float16
    for a, b in zip(got["layers"], layers):
        np.testing.assert_array_equal(a, b.astype(np.float16))
    np.testing.assert_array_equal(got["cls"], cls.astype(np.float16))


@pytest.mark.parametrize("change", [dict(model_name="vit_base_patch14_dinov2"), dict(layers=(11,)),
                                    dict(image_size=(448, 252))])
def test_mismatched_config_is_refused(tmp_path, change):
    TeacherFeatureCache.create(str(tmp_path), META)
    want = dict(model_name=META["model_name"], layers=META["layers"], image_size=META["image_size"])
    want.update(change)
    with pytest.raises(TeacherCacheError, match="cache_teacher_features.py"):
        TeacherFeatureCache.open(str(tmp_path), **want)


def test_tampered_meta_is_refused(tmp_path):
    cache = TeacherFeatureCache.create(str(tmp_path), META)
    (cache.dir / "meta.json").write_text((cache.dir / "meta.json").read_text().replace("224", "225"))
    with pytest.raises(TeacherCacheError, match="does not match"):
        TeacherFeatureCache.open(str(tmp_path), META["model_name"], META["layers"], META["image_size"])


def test_missing_sample_names_the_command(tmp_path):
    cache = TeacherFeatureCache.create(str(tmp_path), META)
    with pytest.raises(TeacherCacheError, match="no features for sample nope"):
        cache.read("nope")
