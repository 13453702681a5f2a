"""CenteredMultiLayerDistillation: the shared teacher direction is removed before the distance."""
from __future__ import annotations

import torch

from hilda.models.teachers.sampling import sample_features
from hilda.registry import MODELS
from hilda.structures.batch import PairBatch

W, H = 64, 32


def test_targets_are_centred_so_a_constant_prediction_no_longer_scores():
    torch.manual_seed(0)
    c, n = 8, 400
    shared = 10 * torch.randn(1, c, 1, 1)
    layers = [shared + torch.randn(3, c, 4, 8)]  # a dominant common direction plus variation
    g = torch.Generator().manual_seed(1)
    pairs = PairBatch(torch.arange(n), torch.randint(0, 3, (n,), generator=g),
                      torch.rand(n, 2, generator=g) * torch.tensor([W - 1.0, H - 1.0]), torch.ones(n))
    cfg = dict(student_channels={3: c}, teacher_channels=c, pairs=[dict(student_stage=3, teacher_layer=0)],
               num_layers=1)
    plain, centred = MODELS.build(dict(type="MultiLayerDistillation", **cfg)), \
        MODELS.build(dict(type="CenteredMultiLayerDistillation", **cfg))
    for head in (plain, centred):
        with torch.no_grad():
            head.projectors[0][0].weight.copy_(torch.eye(c))
            head.projectors[0][0].bias.zero_()
    constant = {3: shared.reshape(1, c).expand(n, c)}
    assert plain(constant, layers, pairs, (W, H))["distill"] < 0.05  # the constant wins the plain loss
    assert centred(constant, layers, pairs, (W, H))["distill"] > 0.8  # ... and nothing once centred
    target = sample_features(layers[0] - layers[0].mean((0, 2, 3), keepdim=True), pairs.camera_index, pairs.uv, (W, H))
    assert centred({3: target}, layers, pairs, (W, H))["distill"] < 1e-5
