"""The nuScenes v1.0 tables of the synthetic world, with deterministic tokens.

Builds the 13 devkit tables plus ``lidarseg`` as lists of records, exactly as the devkit reads
them (see the nuScenes schema), and writes them as JSON with stable key order and formatting.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from hilda.data.nuscenes_labels import LIDARSEG_CATEGORIES

TABLES = ("category", "attribute", "visibility", "instance", "sensor", "calibrated_sensor", "ego_pose",
          "log", "scene", "sample", "sample_data", "sample_annotation", "map", "lidarseg")

ATTRIBUTES = {
    "vehicle.moving": "Vehicle is moving.",
    "vehicle.stopped": "Vehicle, with a driver/rider in/on it, is currently stationary but has an intent to move.",
    "vehicle.parked": "Vehicle is stationary (usually for longer duration) with no immediate intent to move.",
    "cycle.with_rider": "There is a rider on the bicycle or motorcycle.",
    "cycle.without_rider": "There is NO rider on the bicycle or motorcycle.",
    "pedestrian.sitting_lying_down": "The human is sitting or lying down.",
    "pedestrian.standing": "The human is standing.",
    "pedestrian.moving": "The human is moving.",
}
VISIBILITY = (("1", "v0-40", "visibility of whole object is between 0 and 40%"),
              ("2", "v40-60", "visibility of whole object is between 40 and 60%"),
              ("3", "v60-80", "visibility of whole object is between 60 and 80%"),
              ("4", "v80-100", "visibility of whole object is between 80 and 100%"))


def visibility_token(fraction: float) -> str:
    """nuScenes visibility level of an object seen at ``fraction`` of its area in all cameras."""
    return "1" if fraction < 0.4 else "2" if fraction < 0.6 else "3" if fraction < 0.8 else "4"


class Tables:
    """Accumulates records; ``token(*key)`` is a deterministic 32-hex-digit token."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.records: dict[str, list[dict]] = {name: [] for name in TABLES}
        for name in LIDARSEG_CATEGORIES:
            self.add("category", token=self.token("category", name), name=name,
                     description=f"nuScenes category {name} (synthetic world).",
                     index=LIDARSEG_CATEGORIES.index(name))
        for name, desc in ATTRIBUTES.items():
            self.add("attribute", token=self.token("attribute", name), name=name, description=desc)
        for token, level, desc in VISIBILITY:
            self.add("visibility", token=token, level=level, description=desc)

    def token(self, *key) -> str:
        return hashlib.md5(":".join(map(str, (self.seed, *key))).encode()).hexdigest()

    def add(self, table: str, **record) -> dict:
        self.records[table].append(record)
        return record

    def write(self, table_dir: Path) -> None:
        table_dir.mkdir(parents=True, exist_ok=True)
        for name, rows in self.records.items():
            path = table_dir / f"{name}.json"
            tmp = path.with_suffix(".json.tmp")
            with open(tmp, "w") as f:
                json.dump(rows, f, indent=0, allow_nan=False)
            os.replace(tmp, path)


def link_chain(records: list[dict]) -> None:
    """Fill ``prev``/``next`` of consecutive records (in order) with their tokens, '' at the ends."""
    for i, rec in enumerate(records):
        rec["prev"] = records[i - 1]["token"] if i > 0 else ""
        rec["next"] = records[i + 1]["token"] if i + 1 < len(records) else ""
