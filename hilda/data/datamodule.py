"""``NuScenesDataModule``: train/val datasets and loaders from config, with the one collate."""
from __future__ import annotations

from functools import partial

import lightning as L
from torch.utils.data import DataLoader

from hilda.data.collate import collate
from hilda.registry import DATASETS


@DATASETS.register_module()
class NuScenesDataModule(L.LightningDataModule):
    """``train``/``val`` are dataset configs (``hilda.registry.DATASETS``); ``val`` may be None."""

    def __init__(self, train: dict, val: dict | None = None, batch_size: int = 2, val_batch_size: int | None = None,
                 num_workers: int = 0, shuffle: bool = True, drop_last: bool = True):
        super().__init__()
        self.cfg = dict(train=train, val=val)
        self.batch_size, self.val_batch_size = batch_size, val_batch_size or batch_size
        self.num_workers, self.shuffle, self.drop_last = num_workers, shuffle, drop_last
        self.datasets: dict = {}

    def dataset(self, split: str):
        if split not in self.datasets:
            if self.cfg[split] is None:
                raise ValueError(f"data config has no {split!r} dataset")
            self.datasets[split] = DATASETS.build(self.cfg[split])
        return self.datasets[split]

    def setup(self, stage: str | None = None) -> None:
        self.dataset("train")
        if self.cfg["val"] is not None:
            self.dataset("val")

    def _loader(self, split: str, batch_size: int, shuffle: bool, drop_last: bool) -> DataLoader:
        ds = self.dataset(split)
        return DataLoader(ds, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last and len(ds) >= batch_size,
                          num_workers=self.num_workers, collate_fn=partial(collate, spatial_shape=ds.grid.spatial_shape),
                          persistent_workers=self.num_workers > 0)

    def train_dataloader(self) -> DataLoader:
        return self._loader("train", self.batch_size, self.shuffle, self.drop_last)

    def val_dataloader(self) -> DataLoader:
        return self._loader("val", self.val_batch_size, False, False)
