"""Pre-training step costs, side by side:

(a) the data path of one demo step (2 samples): cached teacher features vs images + the online
    teacher (target: cache >= 3x faster);
(b) one optimisation step (forward + backward + AdamW) of each ablation, on one shared batch
    (target: full HilDA <= 1.5x the single-layer baseline):
    - the nuScenes ablation configs themselves (configs/pretrain/ablation_*_nuscenes.py and the full
      hilda_minkunet34_dinov2-vits14_nuscenes.py: MinkUNet34, 0.1 m voxels, ViT-S/14 at 252x448,
      BEV 128x128) on 2 samples of the demo world read through the same dataset class; the
      config's teacher (random weights) runs once on the batch and its features ride with it, so
      a step is student + heads + optimiser (the teacher's cost is the same in every ablation and
      is reported on its own);
    - the demo config's ablations (configs/pretrain/demo.py: MinkUNet18, 0.25 m voxels, cached
      126x224 features), for comparison.

    python -m benchmarks.pretrain_steps [--repeat 5]

Needs the demo world, index and cache: `python tools/demo.py --stages world,index,cache`.
Rewrites the ``pretrain_steps`` section of benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import statistics
from functools import partial

import torch
from mmengine.config import Config

from benchmarks.results import table, timeit, write_section
from hilda.data.collate import collate
from hilda.tasks.build import build_datamodule, build_task

CONFIG = "configs/pretrain/demo.py"
SINGLE = [dict(student_stage=3, teacher_layer=1, weight=1.0)]
NAMES = ("single-layer baseline (ScaLR-style)", "+ multi-layer", "+ global context", "+ occupancy diffusion",
         "full HilDA")
DEMO_ABLATIONS = dict(zip(NAMES, [  # (config, deltas) over the full demo config
    (CONFIG, {"model.distill.pairs": SINGLE, "model.global_context": None, "model.diffusion": None}),
    (CONFIG, {"model.global_context": None, "model.diffusion": None}),
    (CONFIG, {"model.distill.pairs": SINGLE, "model.diffusion": None}),
    (CONFIG, {"model.distill.pairs": SINGLE, "model.global_context": None}),
    (CONFIG, {})]))
# the nuScenes configs, reading the demo world (same format, same dataset class) with a random teacher
ON_DEMO_WORLD = {"data.train.index": "data/demo/hilda_index/index_mini_train.json", "data.train.data_root": "data/demo",
                 "data.num_workers": 0, "data.batch_size": 2, "model.teacher.pretrained": False,
                 "model.teacher.autocast_dtype": None}
NUSCENES_ABLATIONS = dict(zip(NAMES, [(f"configs/pretrain/{name}.py", ON_DEMO_WORLD) for name in (
    "ablation_single_layer_nuscenes", "ablation_multilayer_nuscenes", "ablation_global_nuscenes",
    "ablation_diffusion_nuscenes", "hilda_minkunet34_dinov2-vits14_nuscenes")]))


def load(options: dict, path: str = CONFIG) -> Config:
    cfg = Config.fromfile(path)
    cfg.merge_from_dict(options)
    return cfg


def bench_data(repeat: int) -> list[list]:
    cached = build_datamodule(load({})).dataset("train")
    online_cfg = load({"teacher_cache": None})
    online = build_datamodule(online_cfg).dataset("train")
    teacher = build_task(online_cfg).teacher
    col = partial(collate, spatial_shape=cached.grid.spatial_shape)

    def cached_step():
        return col([cached[0], cached[1]])

    def online_step():
        batch = col([online[0], online[1]])
        with torch.no_grad():
            return teacher(batch.images)

    t_cache, t_online = timeit(cached_step, repeat), timeit(online_step, repeat)
    return [["data path: 2 samples, cached features", f"{t_cache * 1e3:.0f}", "-"],
            ["data path: 2 samples, 12 images + online ViT-S/14 (126x224)", f"{t_online * 1e3:.0f}",
             f"cache {t_online / t_cache:.1f}x faster (target >= 3x)"]]


def bench_ablations(ablations: dict, repeat: int, target: str = "") -> tuple[list[list], str]:
    """``repeat`` rounds after one warm-up; a round runs every ablation once, baseline first. This
    machine's speed drifts by up to ~35 % from one round to the next (another tenant), so each
    ablation is compared with the baseline *of the same round* and the median of those per-round
    ratios is reported, with its quartiles; times are medians over the rounds. All steps share the
    first config's batch (with t-1/t+1); without a feature cache the first config's teacher computes
    the features once."""
    import time

    steps, batch, teacher_row = {}, None, ""
    for name, (path, delta) in ablations.items():
        cfg = load({**delta, "data.train.temporal": True}, path)
        task = build_task(cfg)
        if batch is None:
            batch = next(iter(build_datamodule(cfg).train_dataloader()))
            if batch.teacher is None:
                t = time.perf_counter()
                with torch.no_grad():
                    batch.teacher = task.teacher(batch.images).as_dict()
                teacher_row = (f"{len(batch.images)} images {tuple(batch.images.shape[-2:])}: "
                               f"{(time.perf_counter() - t) * 1e3:.0f} ms")
                batch.images = None
            size = (f"{batch.points.points.shape[0]} points, {batch.points.voxels.coords.shape[0]} voxels, "
                    f"{len(batch.pairs)} point-pixel pairs")
        opt = torch.optim.AdamW(task.parameters(), lr=1e-4)

        def step(task=task, opt=opt):
            opt.zero_grad()
            task.compute_losses(batch)["loss"].backward()
            opt.step()

        step()
        steps[name] = step
    times = {name: [] for name in steps}
    for _ in range(repeat):
        for name, step in steps.items():
            t = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - t)
    base = times[next(iter(times))]
    rows = []
    for name, sec in times.items():
        ratios = [t / b for t, b in zip(sec, base)]
        q1, _, q3 = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else (ratios[0],) * 3
        rows.append([f"step: {name}", f"{statistics.median(sec) * 1e3:.0f}",
                     f"{statistics.median(ratios):.2f}x (quartiles {q1:.2f}-{q3:.2f})"])
    rows[-1][2] += target
    return rows, size + (f"; teacher once on the batch, {teacher_row}" if teacher_row else "")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--no-write", action="store_true")
    a = p.parse_args(argv)
    torch.manual_seed(0)
    data = bench_data(a.repeat)
    nusc, nusc_size = bench_ablations(NUSCENES_ABLATIONS, a.repeat, target=" (target <= 1.5x)")
    demo, demo_size = bench_ablations(DEMO_ABLATIONS, a.repeat)
    body = ("## pretrain_steps (`python -m benchmarks.pretrain_steps`)\n\n"
            "Data path (demo configuration, 2 samples; median of "
            f"{a.repeat} runs):\n\n" + table(["measurement", "ms", "ratio"], data) + "\n\n"
            "Optimisation steps (forward + backward + AdamW; median over "
            f"{a.repeat} rounds after one warm-up, each round runs every ablation once; ratio = median of the "
            "per-round ratios to that round's baseline; one shared batch per table, with t-1/t+1; "
            "the t-1 student pass runs without gradient, `prev_grad=False`; the teacher is a randomly "
            "initialised ViT-S/14, none can be downloaded here).\n\n"
            "**nuScenes ablation configs** (configs/pretrain/ablation_*_nuscenes.py, full = "
            "hilda_minkunet34_dinov2-vits14_nuscenes.py: MinkUNet34, 0.1 m voxels, ViT-S/14 at 252x448, "
            f"BEV 128x128) on 2 demo-world samples ({nusc_size}); teacher features ride with the batch:"
            "\n\n" + table(["measurement", "ms", "ratio to the baseline"], nusc) + "\n\n"
            f"**Demo config** (configs/pretrain/demo.py: MinkUNet18, 0.25 m voxels, BEV 64x64, cached "
            f"126x224 features; {demo_size}). Not an ablation config: with its light student (MinkUNet18 at "
            "0.25 m, ~4x fewer voxels) the t-1 pass and the heads, which scale with points, pairs and the "
            "BEV grid rather than with the student, weigh more:\n\n"
            + table(["measurement", "ms", "ratio to the baseline"], demo))
    print(body)
    if not a.no_write:
        write_section("pretrain_steps", body)


if __name__ == "__main__":
    main()
