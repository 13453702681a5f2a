"""SemsegTask: the frozen probe leaves the backbone untouched; fine-tuning uses two learning rates;
a pre-trained backbone is loaded; tools/finetune.py + tools/test.py run end to end."""
from __future__ import annotations

import os
import subprocess
import sys
from functools import partial
from pathlib import Path

import lightning as L
import pytest
import torch
from torch.utils.data import DataLoader

from hilda.atomic_torch import save_atomic
from hilda.data.collate import collate
from hilda.data.index_format import index_path
from hilda.registry import MODELS, TASKS
from hilda.tasks.backbone_io import FORMAT
from tests.tasks.conftest import COARSE_GRID, TINY_STUDENT, options_argv

ROOT = Path(__file__).resolve().parents[2]
COARSE = COARSE_GRID
pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A tiny 'pre-trained' backbone in the hilda.tasks.backbone_io export format."""
    torch.manual_seed(0)
    student = MODELS.build(TINY_STUDENT)
    for m in student.modules():  # non-default BN statistics, to see that they are loaded and kept
        if isinstance(m, torch.nn.BatchNorm1d):
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
    path = tmp_path_factory.mktemp("pretrained") / "backbone.pth"
    save_atomic(dict(format=FORMAT, version=1, student=dict(TINY_STUDENT), state_dict=student.state_dict(),
                     source="test"), path)
    return path, {k: v.clone() for k, v in student.state_dict().items()}


@pytest.fixture(scope="module")
def loader(index_dir):
    from hilda.registry import DATASETS

    ds = DATASETS.build(dict(type="NuScenesIndexDataset", index=str(index_path(index_dir, "mini_train")), **COARSE,
                             max_samples=4, pipeline=[dict(type="RandomRotateZ")]))
    return DataLoader(ds, batch_size=2, collate_fn=partial(collate, spatial_shape=ds.grid.spatial_shape))


def fit(task, loader, tmp_path, steps=2):
    trainer = L.Trainer(max_steps=steps, logger=False, enable_checkpointing=False, enable_progress_bar=False,
                        enable_model_summary=False, default_root_dir=str(tmp_path), accelerator="cpu")
    trainer.fit(task, train_dataloaders=loader)


def test_linear_probe_leaves_backbone_and_bn_statistics_unchanged(exported, loader, tmp_path):
    path, saved = exported
    task = TASKS.build(dict(type="SemsegTask", student=dict(type="MinkUNet34"), pretrained=str(path),
                            freeze_backbone=True, optimizer=dict(type="SGD", lr=0.5)))
    assert task.hparams.student["type"] == "MinkUNet18"  # the pre-trained file's student wins
    assert all(torch.equal(v, saved[k]) for k, v in task.backbone.state_dict().items())
    head_before = task.head.weight.clone()
    task.train()
    assert task.training and not task.backbone.training
    fit(task, loader, tmp_path)
    assert not task.backbone.training
    state = task.backbone.state_dict()
    assert all(torch.equal(v, saved[k]) for k, v in state.items())  # weights, running stats, counters
    assert not torch.equal(task.head.weight, head_before)


def test_finetune_has_two_learning_rates_and_trains_the_backbone(loader, tmp_path):
    torch.manual_seed(0)
    task = TASKS.build(dict(type="SemsegTask", student=TINY_STUDENT, optimizer=dict(type="AdamW", lr=1e-2),
                            backbone_lr=1e-3, loss=dict(type="SemsegLoss", lovasz_weight=1.0)))
    before = {k: v.clone() for k, v in task.backbone.state_dict().items()}
    fit(task, loader, tmp_path)
    opt = task.trainer.optimizers[0]
    assert sorted(g["lr"] for g in opt.param_groups) == [1e-3, 1e-2]
    assert any(not torch.equal(v, before[k]) for k, v in task.backbone.state_dict().items())


ENV = dict(os.environ, OMP_NUM_THREADS="1")


def run(*argv):
    res = subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, text=True, env=ENV)
    assert res.returncode == 0, res.stderr[-3000:]
    return res.stdout


def test_finetune_from_pretrained_then_test_prints_a_table(exported, index_dir, tmp_path):
    options = {"data.train.index": str(index_path(index_dir, "mini_train")),
               "data.val.index": str(index_path(index_dir, "mini_val")),
               "grid.voxel_size": [0.5, 0.5, 0.5], "semseg.fraction": 0.25, "semseg.seed": 1,
               "trainer.max_epochs": 1, "trainer.limit_train_batches": 2, "trainer.limit_val_batches": 2,
               "trainer.check_val_every_n_epoch": 1, "trainer.log_every_n_steps": 1,
               "trainer.enable_model_summary": False}
    work = tmp_path / "ft"
    out = run("tools/finetune.py", "configs/semseg/demo_finetune_1pct.py", "--pretrained", str(exported[0]),
              "--work-dir", str(work), *options_argv(options))
    assert "labelled training scans: 6" in out and "mIoU" in out
    for name in ("config.py", "train_tokens.txt", "label_fractions.json", "confusion_matrix.png", "val_iou.json"):
        assert (work / name).is_file(), name
    out = run("tools/test.py", str(work / "config.py"), str(work / "checkpoints" / "last.ckpt"),
              "--work-dir", str(tmp_path / "test"), "--cfg-options", "data.val.max_samples=2")
    lines = out[out.index("class"):].splitlines()
    table = lines[:next(i for i, line in enumerate(lines) if line.startswith("mIoU")) + 1]
    assert len(table) == 1 + 16 + 1 and table[1].startswith("barrier") and "confusion matrix" in out
    assert (tmp_path / "test" / "test" / "confusion_matrix.png").is_file()


def test_finetune_refuses_unknown_tokens(index_dir, tmp_path):
    (tmp_path / "list.txt").write_text("definitely-not-a-token\n")
    argv = [sys.executable, "tools/finetune.py", "configs/semseg/demo_linear_probe.py", "--work-dir",
            str(tmp_path / "w"), "--cfg-options", f"data.train.index={index_path(index_dir, 'mini_train')}",
            f"semseg.tokens_file={tmp_path / 'list.txt'}"]
    res = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env=ENV)
    assert res.returncode == 2 and "definitely-not-a-token" in res.stderr.strip().splitlines()[-1]


def test_backbone_from_a_pretraining_checkpoint(tiny_pretrain_ckpt):
    task = TASKS.build(dict(type="SemsegTask", student=dict(type="MinkUNet18"), pretrained=str(tiny_pretrain_ckpt)))
    saved = torch.load(tiny_pretrain_ckpt, map_location="cpu", weights_only=True)["state_dict"]
    state = task.backbone.state_dict()
    assert state and all(torch.equal(v, saved[f"student.{k}"]) for k, v in state.items())
