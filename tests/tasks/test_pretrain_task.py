"""HildaPretrain: every term reaches the student, the teacher stays locked and out of checkpoints."""
from __future__ import annotations

import pytest
import torch
from mmengine.config import Config

from hilda.tasks.build import build_datamodule, build_task
from tests.tasks.conftest import DEMO


@pytest.fixture(scope="module")
def task_and_batch(tiny_options):
    cfg = Config.fromfile(DEMO)
    cfg.merge_from_dict(tiny_options)
    dm = build_datamodule(cfg)
    task = build_task(cfg)
    return task, next(iter(dm.train_dataloader()))


def test_every_term_sends_gradients_to_the_student(task_and_batch):
    task, batch = task_and_batch
    losses = task.compute_losses(batch)
    terms = {"distill_s3_t1": losses["distill_s3_t1"], "distill_s2_t0": losses["distill_s2_t0"],
             "global": losses["global"], "diffusion": losses["diffusion_loss"]}
    first_conv = next(task.student.parameters())
    for name, term in terms.items():
        assert torch.isfinite(term) and term > 0, name
        task.zero_grad()
        term.backward(retain_graph=True)
        assert first_conv.grad is not None and first_conv.grad.abs().sum() > 0, name
    total = sum(task.weights[k] * losses[v] for k, v in (("distill", "distill"), ("global_context", "global"),
                                                          ("diffusion", "diffusion_loss")))
    assert torch.isclose(losses["loss"], total)


def test_teacher_is_locked_and_not_in_state_dict_or_optimizer(task_and_batch):
    task, batch = task_and_batch
    assert task.teacher is not None and not any(p.requires_grad for p in task.teacher.parameters())
    assert not any(k.startswith("teacher") for k in task.state_dict())
    ids = {id(p) for p in task.parameters()}
    assert not any(id(p) in ids for p in task.teacher.parameters())
    before = [p.clone() for p in task.teacher.parameters()]
    task.train()
    assert not task.teacher.training
    opt = torch.optim.AdamW(task.parameters(), lr=1e-2)
    task.compute_losses(batch)["loss"].backward()
    opt.step()
    assert all(torch.equal(a, b) for a, b in zip(before, task.teacher.parameters()))


def test_objectives_can_be_switched_off(tiny_options):
    cfg = Config.fromfile(DEMO)
    cfg.merge_from_dict(dict(tiny_options, **{"model.global_context": None, "model.diffusion": None}))
    task = build_task(cfg)
    assert task.global_context is None and task.diffusion is None and task.distill is not None
    cfg.merge_from_dict({"model.distill": None})
    with pytest.raises(Exception, match="every objective is off"):
        build_task(cfg)
