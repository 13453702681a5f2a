"""One ``Sample`` of an index file, chosen by token or position, for the views.

Reads through the same index and ``RecordReader`` as training (no devkit), so the views work on the
synthetic world and on real nuScenes alike. Positions count every record of the index file.
"""
from __future__ import annotations

from pathlib import Path

from hilda.data.index_format import load_index
from hilda.data.record_reader import ReaderOptions, RecordReader
from hilda.structures.sample import Sample


class SampleNotFound(LookupError):
    """An unknown sample token or an out-of-range position; the message names it and the index."""

    def __str__(self) -> str:  # LookupError would quote the message
        return str(self.args[0])


def find_record(index: dict, index_path: str | Path, sample: str | int) -> dict:
    """The record of ``sample``: a token, or a position (an int or a string of digits)."""
    records = index["samples"]
    text = str(sample)
    if text.isdigit():
        pos = int(text)
        if pos >= len(records):
            raise SampleNotFound(f"sample index {pos} out of range: {index_path} has {len(records)} samples")
        return records[pos]
    for rec in records:
        if rec["token"] == text:
            return rec
    raise SampleNotFound(f"sample token {text} not in {index_path}")


def load_sample(index_path: str | Path, sample: str | int, data_root: str | Path | None = None,
                **reader) -> Sample:
    """Read one sample; ``reader`` are ``ReaderOptions`` fields (sweeps, image_size, temporal, boxes).
    ``image_size="native"`` reads the cameras at the size of the first camera's image files.

    Raises ``IndexFileError`` (bad index), ``SampleNotFound``, ``DataFileError`` (unreadable file).
    """
    index = load_index(index_path)
    rec = find_record(index, index_path, sample)
    if isinstance(reader.get("image_size"), str) and reader["image_size"] == "native":
        cams = reader.get("cameras") or tuple(rec["cams"])
        reader["image_size"] = rec["cams"][cams[0]]["image_size"]
    if reader.get("image_size") is not None:
        reader["image_size"] = tuple(int(v) for v in reader["image_size"])
    root = Path(data_root if data_root is not None else index["data_root"])
    out = RecordReader(root, ReaderOptions(**reader)).read(rec)
    out.meta["record"] = rec
    return out
