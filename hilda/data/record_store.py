"""Index records held as one byte buffer, decoded on access.

A list of Python dicts shared by forked data-loader workers is slowly copied into every worker
(reference counts touch every page); one numpy buffer of JSON blobs is not.
"""
from __future__ import annotations

import json

import numpy as np


class RecordStore:
    def __init__(self, records: list[dict]):
        blobs = [json.dumps(r, separators=(",", ":")).encode("utf-8") for r in records]
        self._offsets = np.cumsum([0] + [len(b) for b in blobs], dtype=np.int64)
        self._buffer = np.frombuffer(b"".join(blobs), dtype=np.uint8) if blobs else np.zeros(0, np.uint8)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, i: int) -> dict:
        if not -len(self) <= i < len(self):
            raise IndexError(f"record {i} out of range ({len(self)} records)")
        i %= len(self)
        return json.loads(self._buffer[self._offsets[i]:self._offsets[i + 1]].tobytes())
