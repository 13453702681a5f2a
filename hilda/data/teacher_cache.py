"""Teacher feature cache: patch features of the chosen layers + CLS per sample, float16, on disk.

Layout: ``<root>/<key>/meta.json`` and one ``<token>.npz`` per sample holding ``layer0 ..
layer{L-1}`` of shape ``(K, C, h, w)`` and ``cls`` ``(K, C)`` (K cameras in the dataset's order).
The key is derived from the model name, its layer indices and the image size; opening a cache
whose metadata differs from the requested configuration is refused. Files are written atomically
(``np.savez`` to a temporary file, then rename) and read without pickle.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from hilda.data.atomic import write_bytes_atomic, write_text_atomic

CREATE_HINT = "create it with `python data_prep/cache_teacher_features.py CONFIG`"


class TeacherCacheError(RuntimeError):
    """A missing or mismatched cache; the message names it and the command that creates it."""


def cache_meta(model_name: str, layers, image_size, cameras) -> dict:
    return dict(model_name=str(model_name), layers=[int(x) for x in layers],
                image_size=[int(x) for x in image_size], cameras=list(cameras))


def cache_key(meta: dict) -> str:
    layers = "-".join(str(x) for x in meta["layers"])
    return f"{meta['model_name']}__layers{layers}__{meta['image_size'][0]}x{meta['image_size'][1]}"


class TeacherFeatureCache:
    def __init__(self, directory: Path, meta: dict):
        self.dir, self.meta = Path(directory), meta

    @classmethod
    def open(cls, root: str, model_name: str, layers, image_size, cameras=None) -> "TeacherFeatureCache":
        from hilda.structures.sample import CAMERA_NAMES

        want = cache_meta(model_name, layers, image_size, cameras or CAMERA_NAMES)
        directory = Path(root) / cache_key(want)
        meta_path = directory / "meta.json"
        if not meta_path.is_file():
            others = sorted(p.name for p in Path(root).glob("*/meta.json")) if Path(root).is_dir() else []
            extra = f" (it holds other caches: {', '.join(Path(o).parent.name for o in others)})" if others else ""
            raise TeacherCacheError(f"no teacher cache {directory}{extra}; {CREATE_HINT}")
        have = json.loads(meta_path.read_text())
        if {k: have.get(k) for k in want} != want:
            diff = ", ".join(f"{k}: cache {have.get(k)!r} != config {v!r}" for k, v in want.items() if have.get(k) != v)
            raise TeacherCacheError(f"teacher cache {directory} does not match the config ({diff}); {CREATE_HINT}")
        return cls(directory, have)

    @classmethod
    def create(cls, root: str, meta: dict) -> "TeacherFeatureCache":
        directory = Path(root) / cache_key(meta)
        meta_path = directory / "meta.json"
        if meta_path.is_file() and json.loads(meta_path.read_text()) != meta:
            raise TeacherCacheError(f"teacher cache {directory} exists with other metadata; remove it first")
        write_text_atomic(meta_path, json.dumps(meta, indent=1, sort_keys=True))
        return cls(directory, meta)

    def path(self, token: str) -> Path:
        return self.dir / f"{token}.npz"

    def has(self, token: str) -> bool:
        return self.path(token).is_file()

    def write(self, token: str, layers: list[np.ndarray], cls_tokens: np.ndarray) -> None:
        arrays = {f"layer{i}": np.asarray(x, dtype=np.float16) for i, x in enumerate(layers)}
        arrays["cls"] = np.asarray(cls_tokens, dtype=np.float16)
        buf = io.BytesIO()
        np.savez(buf, **arrays)
        write_bytes_atomic(self.path(token), buf.getvalue())

    def read(self, token: str) -> dict:
        path = self.path(token)
        if not path.is_file():
            raise TeacherCacheError(f"teacher cache {self.dir} has no features for sample {token}; {CREATE_HINT}")
        with np.load(path, allow_pickle=False) as f:
            n = len(self.meta["layers"])
            return dict(layers=[f[f"layer{i}"] for i in range(n)], cls=f["cls"])
