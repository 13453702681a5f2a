"""FrozenTimmTeacher: shapes for several timm families, weights handling, and the lock."""
from __future__ import annotations

import pytest
import torch
from torch import nn

from hilda.models.teachers import FrozenTimmTeacher, hold_outside, sample_features
from hilda.registry import MODELS

DINOV2 = dict(type="FrozenTimmTeacher", model_name="vit_small_patch14_dinov2", img_size=(112, 196), pretrained=False)


def images(batch: int, height: int, width: int, seed: int = 0) -> torch.Tensor:
    return torch.randint(0, 256, (batch, 3, height, width), dtype=torch.uint8,
                         generator=torch.Generator().manual_seed(seed))


@pytest.fixture(scope="module")
def dinov2():
    torch.manual_seed(0)
    return MODELS.build(DINOV2)


@pytest.mark.parametrize("name, size, layers, dim, grid", [
    ("vit_small_patch14_dinov2", (112, 196), (-2, -1), 384, (8, 14)),
    ("vit_small_patch16_dinov3", (96, 160), (2, 7, -1), 384, (6, 10)),  # Eva family, RoPE, registers
    ("vit_base_patch16_clip_224", (64, 128), (-1,), 768, (4, 8)),
])
def test_output_shapes(name, size, layers, dim, grid):
    teacher = MODELS.build(dict(type="FrozenTimmTeacher", model_name=name, img_size=size, layers=layers,
                                pretrained=False))
    out = teacher(images(2, *size))
    assert len(out.layers) == len(layers)
    for fmap in out.layers:
        assert fmap.shape == (2, dim, *grid) and fmap.dtype == torch.float32
        assert torch.isfinite(fmap).all()
    assert out.cls.shape == (2, dim)
    assert teacher.feature_size(*size) == grid
    assert set(out.as_dict()) == {"layers", "cls"}


def test_layers_are_pre_norm_blocks_and_cls_is_normed_last_token(dinov2):
    x = images(1, 112, 196)
    out = dinov2(x)
    tokens = dinov2.model.forward_features(dinov2.normalize(x))  # final-normed tokens of the last block
    assert torch.allclose(out.cls, tokens[:, 0], atol=1e-5)
    assert not torch.allclose(out.layers[-1].flatten(2).transpose(1, 2), tokens[:, 1:], atol=1e-3)
    assert not torch.equal(out.layers[0], out.layers[1])


def test_sam_without_cls_token_uses_mean_patch_token():
    teacher = FrozenTimmTeacher("samvit_base_patch16", layers=(-1,), img_size=64, pretrained=False)
    out = teacher(images(1, 64, 64))
    assert out.layers[0].shape == (1, 768, 4, 4)
    assert torch.allclose(out.cls, out.layers[0].mean(dim=(2, 3)), atol=1e-5)


def test_uint8_and_unit_float_inputs_agree(dinov2):
    x = images(1, 112, 196)
    a, b = dinov2(x), dinov2(x.float() / 255)
    assert torch.allclose(a.layers[-1], b.layers[-1], atol=1e-5)


def test_refuses_sizes_it_cannot_take(dinov2):
    with pytest.raises(ValueError, match=r"113x196.*not divisible.*14x14"):
        dinov2(images(1, 113, 196))
    with pytest.raises(ValueError, match="img_size"):
        dinov2(images(1, 98, 196))  # divisible, but the model was built for 112x196
    dynamic = FrozenTimmTeacher("vit_small_patch14_dinov2", img_size=(112, 196), dynamic_img_size=True,
                                pretrained=False)
    assert dynamic(images(1, 98, 210)).layers[0].shape == (1, 384, 7, 15)


def test_weights_must_be_given_explicitly(tmp_path):
    with pytest.raises(ValueError, match=r"checkpoint=.*pretrained=True"):
        FrozenTimmTeacher("vit_small_patch14_dinov2", img_size=(112, 196))
    missing = tmp_path / "nope.safetensors"
    with pytest.raises(FileNotFoundError, match="nope.safetensors"):
        FrozenTimmTeacher("vit_small_patch14_dinov2", img_size=(112, 196), checkpoint=str(missing))
    with pytest.raises(ValueError, match="autocast_dtype"):
        FrozenTimmTeacher("vit_small_patch14_dinov2", pretrained=False, autocast_dtype="float8")


def test_checkpoint_round_trips(dinov2, tmp_path):
    from safetensors.torch import save_file

    state = {k: v.contiguous() for k, v in dinov2.model.state_dict().items()}
    save_file(state, str(tmp_path / "w.safetensors"))
    torch.save({"state_dict": {f"module.{k}": v for k, v in state.items()}}, tmp_path / "w.pth")
    x = images(2, 112, 196, seed=3)
    ref = dinov2(x)
    for name in ("w.safetensors", "w.pth"):
        torch.manual_seed(123)  # a different random init, overwritten by the file
        loaded = MODELS.build({**DINOV2, "pretrained": None, "checkpoint": str(tmp_path / name)})
        out = loaded(x)
        assert all(torch.equal(a, b) for a, b in zip(out.layers, ref.layers))
        assert torch.equal(out.cls, ref.cls)
    torch.save({"blocks.0.mlp.fc1.weight": state["blocks.0.mlp.fc1.weight"]}, tmp_path / "partial.pth")
    with pytest.raises(ValueError, match="lacks"):
        FrozenTimmTeacher("vit_small_patch14_dinov2", img_size=(112, 196), checkpoint=str(tmp_path / "partial.pth"))


def test_autocast_runs_and_returns_float32(dinov2):
    teacher = MODELS.build({**DINOV2, "autocast_dtype": "bfloat16"})
    teacher.load_state_dict(dinov2.state_dict())
    x = images(1, 112, 196)
    out, ref = teacher(x), dinov2(x)
    assert out.layers[0].dtype == torch.float32
    assert torch.nn.functional.cosine_similarity(out.layers[-1].flatten(1), ref.layers[-1].flatten(1)).item() > 0.98


def test_teacher_is_locked(dinov2):
    torch.manual_seed(0)
    owner = nn.ModuleDict({"student": nn.Linear(8, 384), "teacher": dinov2})
    owner.train()
    assert dinov2.training is False and not any(m.training for m in dinov2.modules())
    assert owner["student"].training
    assert not any(p.requires_grad for p in dinov2.parameters())
    before = {k: v.clone() for k, v in dinov2.state_dict().items()}
    student_before = owner["student"].weight.clone()
    x = images(2, 112, 196).float().requires_grad_(True)
    out = dinov2(x / 255)
    assert not out.layers[-1].requires_grad and not out.cls.requires_grad
    uv = torch.rand(50, 2) * torch.tensor([196.0, 112.0])
    target = sample_features(out.layers[-1], torch.randint(0, 2, (50,)), uv, (196, 112))
    loss = (1 - torch.cosine_similarity(owner["student"](torch.randn(50, 8)), target)).mean()
    for optim in (torch.optim.AdamW([p for p in owner.parameters() if p.requires_grad], lr=0.1),
                  torch.optim.SGD(owner.parameters(), lr=0.1, weight_decay=0.1, momentum=0.9)):
        optim.zero_grad()
        loss.backward(retain_graph=True)
        optim.step()
    assert all(torch.equal(v, before[k]) for k, v in dinov2.state_dict().items())
    assert not torch.equal(owner["student"].weight, student_before)


def test_hold_outside_hides_the_teacher(dinov2):
    owner = nn.Module()
    owner.head = nn.Linear(2, 2)
    hold_outside(owner, "teacher", dinov2)
    assert owner.teacher is dinov2
    assert len(list(owner.parameters())) == 2
    assert set(owner.state_dict()) == {"head.weight", "head.bias"}
    assert FrozenTimmTeacher.is_frozen_teacher
