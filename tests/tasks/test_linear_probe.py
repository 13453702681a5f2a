"""hilda.tasks.linear_probe: the probed backbone is left as it was; BN recalibration moves statistics only."""
from __future__ import annotations

import pytest
import torch

from hilda.data.index_format import index_path
from hilda.registry import DATASETS, MODELS
from hilda.tasks.linear_probe import MaterializedDataset, linear_probe, recalibrate_bn
from tests.tasks.conftest import COARSE_GRID, TINY_STUDENT

TINY = dict(TINY_STUDENT, out_stages=())
GRID = COARSE_GRID
pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def scans(index_dir):
    make = lambda split, n: MaterializedDataset(DATASETS.build(dict(  # noqa: E731
        type="NuScenesIndexDataset", index=str(index_path(index_dir, split)), max_samples=n, **GRID)))
    return make("mini_train", 4), make("mini_val", 2)


def test_probe_leaves_backbone_unchanged_and_reports_miou(scans):
    torch.manual_seed(0)
    backbone = MODELS.build(TINY).train()
    before = {k: v.clone() for k, v in backbone.state_dict().items()}
    res = linear_probe(backbone, *scans, epochs=2, points_per_scan=512, batch_size=2)
    assert 0.0 <= res["miou"] <= 100.0 and len(res["per_class"]) == 16 and "mIoU" in res["table"]
    assert backbone.training  # mode restored
    assert all(torch.equal(v, before[k]) for k, v in backbone.state_dict().items())


def test_recalibrate_bn_changes_statistics_not_weights(scans):
    torch.manual_seed(0)
    backbone = MODELS.build(TINY).eval()
    before = {k: v.clone() for k, v in backbone.state_dict().items()}
    recalibrate_bn(backbone, scans[0])
    after = backbone.state_dict()
    stats = [k for k in after if k.endswith(("running_mean", "running_var"))]
    assert stats and all(not torch.equal(after[k], before[k]) for k in stats)
    assert all(torch.equal(after[k], before[k]) for k in after if k not in stats and "num_batches" not in k)
    assert not backbone.training
