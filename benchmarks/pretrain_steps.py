"""Pre-training step costs at the demo configuration (configs/pretrain/demo.py), side by side:

(a) the data path of one step (2 samples): cached teacher features vs images + the online teacher
    (target: cache >= 3x faster);
(b) one optimisation step (forward + backward + AdamW) of each ablation on the same batch
    (target: full HilDA <= 1.5x the single-layer baseline).

    python -m benchmarks.pretrain_steps [--repeat 5]

Needs the demo world, index and cache: `python tools/demo.py --stages world,index,cache`.
Rewrites the ``pretrain_steps`` section of benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
from functools import partial

import torch
from mmengine.config import Config

from benchmarks.results import table, timeit, write_section
from hilda.data.collate import collate
from hilda.tasks.build import build_datamodule, build_task

CONFIG = "configs/pretrain/demo.py"
SINGLE = [dict(student_stage=3, teacher_layer=1, weight=1.0)]
ABLATIONS = {  # name -> config deltas over the full demo config
    "single-layer baseline (ScaLR-style)": {"model.distill.pairs": SINGLE, "model.global_context": None,
                                            "model.diffusion": None},
    "+ multi-layer": {"model.global_context": None, "model.diffusion": None},
    "+ global context": {"model.distill.pairs": SINGLE, "model.diffusion": None},
    "+ occupancy diffusion": {"model.distill.pairs": SINGLE, "model.global_context": None},
    "full HilDA": {},
}


def load(options: dict) -> Config:
    cfg = Config.fromfile(CONFIG)
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


def bench_ablations(repeat: int) -> list[list]:
    """Round-robin over the ablations (so a busy machine slows all alike); the fastest of
    ``repeat`` runs per ablation after one warm-up."""
    import time

    steps, batch = {}, None
    for name, delta in ABLATIONS.items():
        cfg = load({**delta, "data.train.temporal": True})
        task = build_task(cfg)
        if batch is None:
            batch = next(iter(build_datamodule(cfg).train_dataloader()))
        opt = torch.optim.AdamW(task.parameters(), lr=1e-4)

        def step(task=task, opt=opt):
            opt.zero_grad()
            task.compute_losses(batch)["loss"].backward()
            opt.step()

        step()
        steps[name] = step
    best = {name: float("inf") for name in steps}
    for _ in range(repeat):
        for name, step in steps.items():
            t = time.perf_counter()
            step()
            best[name] = min(best[name], time.perf_counter() - t)
    base = best[next(iter(best))]
    rows = [[f"step: {name}", f"{sec * 1e3:.0f}", f"{sec / base:.2f}x baseline"] for name, sec in best.items()]
    rows[-1][2] += " (target <= 1.5x)"
    return rows


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--no-write", action="store_true")
    a = p.parse_args(argv)
    torch.manual_seed(0)
    rows = bench_data(a.repeat) + bench_ablations(a.repeat)
    body = ("## pretrain_steps (`python -m benchmarks.pretrain_steps`)\n\n"
            "Demo configuration: MinkUNet18 student, 0.25 m voxels, batch of 2 synthetic samples, "
            "ViT-S/14 teacher (random weights: none can be downloaded here) at 126x224, "
            f"data path: median of {a.repeat} runs; steps: fastest of {a.repeat} round-robin runs after one "
            "warm-up. Ablation steps share one batch (with t-1/t+1) "
            "and read the teacher from the cache; the t-1 student pass runs without gradient "
            "(`prev_grad=False`).\n\n" + table(["measurement", "ms", "ratio"], rows))
    print(body)
    if not a.no_write:
        write_section("pretrain_steps", body)


if __name__ == "__main__":
    main()
