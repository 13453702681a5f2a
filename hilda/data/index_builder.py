"""Resumable, parallel construction of the split indexes from a nuScenes dataroot.

Per scene, the records are written atomically to ``<out>/scenes/<scene name>.json`` together with
the arguments that made them; a rerun (after a kill, say) reuses every scene file made with the
same arguments, so the final split files come out byte-identical. Skipped samples and dropped
sweeps are listed with their reasons in ``<out>/report.json``.
"""
from __future__ import annotations

import json
import multiprocessing as mp
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from hilda.data.atomic import write_text_atomic
from hilda.data.index_format import INFO_VERSION, dumps, index_path
from hilda.data.nuscenes_records import SceneRecorder


class IndexBuildError(RuntimeError):
    """Unusable arguments or tables; the message is one line."""


@dataclass
class BuildSummary:
    samples: dict[str, int] = field(default_factory=dict)  # split -> records written
    skipped: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    reused_scenes: int = 0
    paths: list[Path] = field(default_factory=list)


def scene_splits(version: str) -> dict[str, str]:
    """scene name -> split name, from the devkit's official splits for this version."""
    from nuscenes.utils.splits import create_splits_scenes

    names = {"v1.0-mini": ("mini_train", "mini_val"), "v1.0-trainval": ("train", "val"), "v1.0-test": ("test",)}
    if version not in names:
        raise IndexBuildError(f"--version {version!r} is not one of {', '.join(names)}")
    splits = create_splits_scenes()
    return {scene: split for split in names[version] for scene in splits[split]}


_NUSC = None  # the devkit object, inherited by forked workers


def _build_scene(job: tuple[dict, str, dict, int]) -> tuple[str, bool]:
    scene, path, args, n_sweeps = job
    path = Path(path)
    if path.is_file():
        try:
            if json.loads(path.read_text()).get("args") == args:
                return scene["name"], True
        except json.JSONDecodeError:
            pass  # a partial file cannot exist (atomic writes), but a foreign one might: rebuild
    recorder = SceneRecorder(_NUSC, n_sweeps)
    records = recorder.scene(scene)
    write_text_atomic(path, dumps(dict(info_version=INFO_VERSION, args=args, scene=scene["name"],
                                       samples=records, skipped=recorder.skipped,
                                       warnings=recorder.warnings)))
    return scene["name"], False


def build_index(nusc, out_dir: str | Path, args: dict, n_sweeps: int, workers: int = 0,
                progress: bool = True) -> BuildSummary:
    """Write ``index_<split>.json`` for every split of ``nusc.version`` present in the tables."""
    global _NUSC
    out_dir = Path(out_dir)
    split_of = scene_splits(nusc.version)
    scenes = sorted((s for s in nusc.scene if s["name"] in split_of), key=lambda s: s["name"])
    if not scenes:
        raise IndexBuildError(f"no scene of {nusc.dataroot} belongs to a {nusc.version} split")
    jobs = [(s, str(out_dir / "scenes" / f"{s['name']}.json"), args, n_sweeps) for s in scenes]
    _NUSC = nusc
    summary = BuildSummary()
    bar = tqdm(total=len(jobs), desc="index scenes", unit="scene", disable=not progress)
    if workers > 0:
        with mp.get_context("fork").Pool(workers) as pool:
            for _, reused in pool.imap_unordered(_build_scene, jobs):
                summary.reused_scenes += reused
                bar.update()
    else:
        for job in jobs:
            summary.reused_scenes += _build_scene(job)[1]
            bar.update()
    bar.close()
    _assemble(out_dir, scenes, split_of, nusc, args, summary)
    return summary


def _assemble(out_dir: Path, scenes, split_of, nusc, args, summary: BuildSummary) -> None:
    per_split: dict[str, list] = {}
    for scene in scenes:
        data = json.loads((out_dir / "scenes" / f"{scene['name']}.json").read_text())
        per_split.setdefault(split_of[scene["name"]], []).extend(data["samples"])
        summary.skipped += data["skipped"]
        summary.warnings += data["warnings"]
    for split, samples in sorted(per_split.items()):
        path = index_path(out_dir, split)
        write_text_atomic(path, dumps(dict(info_version=INFO_VERSION, version=nusc.version, split=split,
                                           data_root=str(Path(nusc.dataroot).resolve()), args=args,
                                           samples=samples)))
        summary.samples[split] = len(samples)
        summary.paths.append(path)
    report = dict(samples=summary.samples, skipped=summary.skipped, warnings=summary.warnings)
    write_text_atomic(out_dir / "report.json", json.dumps(report, indent=1, sort_keys=True))
    summary.paths.append(out_dir / "report.json")
