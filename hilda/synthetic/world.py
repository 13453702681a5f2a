"""Generate the synthetic world: argument checks, atomic output, one SceneWriter per scene."""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from nuscenes.utils.splits import create_splits_scenes
from tqdm import tqdm

from hilda.synthetic.cameras import CHANNELS
from hilda.synthetic.scene_writer import SceneSpec, SceneWriter
from hilda.synthetic.tables import Tables

VERSION = "v1.0-mini"
GENERATOR_VERSION = 1
DEFAULT_IMAGE_SIZE = (640, 360)
MIN_IMAGE, MAX_IMAGE = (32, 18), (3200, 1800)


class WorldConfigError(ValueError):
    """Unusable arguments; the message is one line that names the argument."""


def scene_names(n: int) -> list[str]:
    """The first ``n`` v1.0-mini scene names, alternating train and val so both splits appear."""
    splits = create_splits_scenes()
    train, val = list(splits["mini_train"]), list(splits["mini_val"])
    order = []
    while train or val:
        for group in (train, val):
            if group:
                order.append(group.pop(0))
    if not 1 <= n <= len(order):
        raise WorldConfigError(f"--scenes must be between 1 and {len(order)} (the {VERSION} scene names), got {n}")
    return order[:n]


def check_args(out: Path, scenes: int, samples_per_scene: int, image_size: tuple[int, int],
               overwrite: bool) -> list[str]:
    """Validate everything before anything is written; returns the scene names."""
    names = scene_names(scenes)
    if samples_per_scene < 1:
        raise WorldConfigError(f"--samples-per-scene must be >= 1, got {samples_per_scene}")
    w, h = image_size
    if not (MIN_IMAGE[0] <= w <= MAX_IMAGE[0] and MIN_IMAGE[1] <= h <= MAX_IMAGE[1]):
        raise WorldConfigError(f"--image-size {w} {h} is impossible: width must be in [{MIN_IMAGE[0]}, "
                               f"{MAX_IMAGE[0]}] and height in [{MIN_IMAGE[1]}, {MAX_IMAGE[1]}]")
    if out.exists() and not out.is_dir():
        raise WorldConfigError(f"--out {out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise WorldConfigError(f"--out {out} exists and is not empty; pass --overwrite to replace it")
    return names


def generate_world(out: str | os.PathLike, seed: int = 0, scenes: int = 10, samples_per_scene: int = 20,
                   image_size: tuple[int, int] = DEFAULT_IMAGE_SIZE, overwrite: bool = False,
                   progress: bool = True) -> Path:
    """Write a nuScenes ``v1.0-mini``-format world to ``out``; returns ``out``.

    The world is built in a sibling temporary folder and moved into place at the end, so a failed
    or interrupted run never leaves a half-written dataset at ``out``.
    """
    out = Path(out)
    names = check_args(out, scenes, samples_per_scene, tuple(image_size), overwrite)
    start = time.time()
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    try:
        tables = Tables(seed)
        sensors = {ch: tables.add("sensor", token=tables.token("sensor", ch), channel=ch,
                                  modality="lidar" if ch == "LIDAR_TOP" else "camera")["token"]
                   for ch in ("LIDAR_TOP", *CHANNELS)}
        for i, name in enumerate(tqdm(names, desc="scenes", disable=not progress)):
            writer = SceneWriter(tables, tmp, SceneSpec(i, name, samples_per_scene, tuple(image_size), seed))
            log = tables.add("log", token=tables.token(i, "log"), logfile=writer.logfile, vehicle="hilda-sim",
                             date_captured="2018-08-01", location="synthetic")
            writer.write(sensors, log["token"])
        tables.write(tmp / VERSION)
        meta = dict(generator="hilda.synthetic", generator_version=GENERATOR_VERSION, version=VERSION, seed=seed,
                    scenes=names, samples_per_scene=samples_per_scene, image_size=list(image_size))
        (tmp / "hilda_world.json").write_text(json.dumps(meta, indent=1) + "\n")
        if out.exists():
            trash = out.parent / f".{out.name}.old-{os.getpid()}"
            os.replace(out, trash)
            os.replace(tmp, out)
            shutil.rmtree(trash)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if progress:
        print(f"wrote {len(names)} scenes x {samples_per_scene} samples to {out} in {time.time() - start:.1f} s")
    return out
