"""Labelled-scan subsets for few-label fine-tuning, and user-supplied token lists.

``fraction_tokens(records, fraction, seed, by)`` draws ``round(fraction * N)`` (at least one)
training keyframes of an index, deterministically from ``seed``:

- ``by="uniform"`` (default): one seeded permutation of all keyframes; a fraction is a prefix of it.
- ``by="scene"``: one seeded permutation of the scenes; whole scenes are taken in that order until
  the fraction's sample count is reached (the last scene may overshoot). This mirrors SLidR, whose
  1 % split keeps every 100th training *scene* (``dataset_skip_step=100``).

Both are prefixes of one permutation, so for one seed a smaller fraction is a subset of a larger
one, and 100 % is the whole split. Tokens are returned in index order.

User lists (``read_token_list``): a text file with one entry per line (blank lines and ``#``
comments skipped) or a JSON list / ``{"tokens": [...]}``; an entry may be a sample token, the
keyframe's LIDAR_TOP ``sample_data`` token (what SLidR's lists hold) or its file name (with or
without the ``samples/LIDAR_TOP/`` folder). ``resolve_tokens`` maps them to sample tokens and
refuses entries that are not in the index, naming them.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from hilda.data.atomic import write_text_atomic

FRACTIONS: tuple[float, ...] = (0.01, 0.05, 0.10, 0.25, 1.0)
SAMPLING = ("uniform", "scene")


class TokenListError(ValueError):
    """A token list that does not fit the index (unknown entries, empty, unreadable)."""


def _count(fraction: float, n: int) -> int:
    if not 0.0 < fraction <= 1.0:
        raise ValueError(f"label fraction must be in (0, 1], got {fraction}")
    return min(n, max(1, int(math.floor(fraction * n + 0.5))))


def _order(records: list[dict], seed: int, by: str) -> list[int]:
    """Record positions in the seeded draw order shared by every fraction."""
    rng = np.random.default_rng(int(seed))
    if by == "uniform":
        return rng.permutation(len(records)).tolist()
    if by == "scene":
        scenes: dict[str, list[int]] = {}
        for i, r in enumerate(records):
            scenes.setdefault(r.get("scene_token") or r.get("scene_name") or "", []).append(i)
        names = sorted(scenes)
        return [i for s in rng.permutation(len(names)) for i in scenes[names[s]]]
    raise ValueError(f"label-fraction sampling {by!r} unknown (choose from {', '.join(SAMPLING)})")


def fraction_tokens(records: list[dict], fraction: float, seed: int = 0, by: str = "uniform") -> list[str]:
    """Sample tokens of ``fraction`` of ``records`` (see the module docstring), in index order."""
    n = _count(fraction, len(records))
    order = _order(records, seed, by)
    if by == "scene":  # extend to the end of the scene the n-th sample falls in
        scene_of = [records[i].get("scene_token") or records[i].get("scene_name") for i in order]
        while n < len(order) and scene_of[n] == scene_of[n - 1]:
            n += 1
    return [records[i]["token"] for i in sorted(order[:n])]


def fraction_lists(records: list[dict], fractions=FRACTIONS, seed: int = 0, by: str = "uniform") -> dict:
    """``{"1%": [...], "5%": [...], ...}`` for every fraction (one seed, nested)."""
    return {fraction_name(f): fraction_tokens(records, f, seed, by) for f in fractions}


def fraction_name(fraction: float) -> str:
    return f"{fraction * 100:g}%"


def write_fraction_lists(path: str | Path, index: str, split: str, records: list[dict], fractions=FRACTIONS,
                         seed: int = 0, by: str = "uniform") -> dict:
    """Write the lists as JSON (with how they were drawn) and return them."""
    lists = fraction_lists(records, fractions, seed, by)
    doc = dict(index=str(index), split=split, seed=int(seed), sampling=by, num_samples=len(records),
               fractions={k: dict(num_samples=len(v), tokens=v) for k, v in lists.items()})
    write_text_atomic(path, json.dumps(doc, indent=1) + "\n")
    return lists


def write_token_list(path: str | Path, tokens: list[str], header: str = "") -> Path:
    """One token per line (the format ``read_token_list`` and SLidR-style lists use)."""
    lines = [f"# {line}" for line in header.splitlines()] + list(tokens)
    write_text_atomic(path, "\n".join(lines) + "\n")
    return Path(path)


def read_token_list(path: str | Path) -> list[str]:
    path = Path(path)
    if not path.is_file():
        raise TokenListError(f"token list {path} not found")
    text = path.read_text()
    if path.suffix == ".json":
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            raise TokenListError(f"token list {path} is not valid JSON ({e})") from None
        entries = doc.get("tokens") if isinstance(doc, dict) else doc
        if not isinstance(entries, list):
            raise TokenListError(f"token list {path}: expected a JSON list or {{\"tokens\": [...]}}")
        return [str(e).strip() for e in entries]
    entries = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    return [e for e in entries if e]


def resolve_tokens(entries: list[str], records: list[dict], source: str = "token list") -> list[str]:
    """Sample tokens for ``entries`` (sample tokens, LIDAR_TOP sample_data tokens or file names)."""
    lookup: dict[str, str] = {}
    for r in records:
        lidar = r.get("lidar") or {}
        path = lidar.get("path", "")
        for key in (r["token"], lidar.get("sample_data_token"), path, Path(path).name):
            if key:
                lookup.setdefault(key, r["token"])
    unknown = [e for e in entries if e not in lookup and Path(e).name not in lookup]
    if unknown:
        raise TokenListError(f"{source}: {len(unknown)} of {len(entries)} entries are not keyframes of this index "
                             f"(e.g. {', '.join(unknown[:3])}); entries must be sample tokens, LIDAR_TOP "
                             f"sample_data tokens or LIDAR_TOP file names of the indexed split")
    if not entries:
        raise TokenListError(f"{source} is empty")
    return list(dict.fromkeys(lookup.get(e) or lookup[Path(e).name] for e in entries))


def labelled_split(index: str, work_dir: str | Path, fraction: float = 1.0, seed: int = 0, sampling: str = "uniform",
                   tokens_file: str | None = None, fractions=FRACTIONS) -> tuple[Path, int]:
    """The labelled training scans of a run, written to ``<work_dir>/train_tokens.txt``.

    Without ``tokens_file``: the lists of every fraction in ``fractions`` (and ``fraction``) go to
    ``<work_dir>/label_fractions.json`` and the run uses ``fraction``'s. With it: the user's list,
    resolved to sample tokens (unknown entries are refused). Returns ``(path, number of scans)``.
    """
    from hilda.data.index_format import load_index

    info = load_index(index)
    records, work_dir = info["samples"], Path(work_dir)
    if tokens_file is not None:
        tokens = resolve_tokens(read_token_list(tokens_file), records, f"semseg.tokens_file {tokens_file}")
        header = f"{len(tokens)} labelled scans from {tokens_file} (index {index})"
    else:
        wanted = tuple(sorted({*fractions, float(fraction)}))
        lists = write_fraction_lists(work_dir / "label_fractions.json", index, info["split"], records, wanted,
                                     seed, sampling)
        tokens = lists[fraction_name(float(fraction))]
        header = (f"{fraction_name(float(fraction))} of {info['split']} ({len(tokens)} of {len(records)} scans), "
                  f"sampling={sampling}, seed={seed} (index {index})")
    return write_token_list(work_dir / "train_tokens.txt", tokens, header), len(tokens)
