"""Label fractions: reproducible, nested, inside the training split; user (SLidR-style) lists."""
from __future__ import annotations

import json

import pytest

from hilda.data.index_format import index_path, load_index
from hilda.data.label_fractions import (FRACTIONS, TokenListError, fraction_lists, fraction_tokens, labelled_split,
                                        read_token_list)


@pytest.fixture(scope="module")
def records(index_dir):
    return load_index(index_path(index_dir, "mini_train"))["samples"]


@pytest.mark.parametrize("by", ["uniform", "scene"])
def test_fractions_are_reproducible_nested_and_inside_the_split(records, by):
    lists = fraction_lists(records, FRACTIONS, seed=3, by=by)
    assert lists == fraction_lists(records, FRACTIONS, seed=3, by=by)
    split = {r["token"] for r in records}
    sets = [set(lists[k]) for k in ("1%", "5%", "10%", "25%", "100%")]
    assert all(small <= large for small, large in zip(sets, sets[1:]))
    assert sets[-1] == split and all(len(lists[k]) == len(set(lists[k])) for k in lists)
    if by == "uniform":
        assert len(lists["25%"]) == round(0.25 * len(records)) and len(lists["1%"]) == 1
    else:  # whole scenes
        scene = {r["token"]: r["scene_token"] for r in records}
        for tokens in lists.values():
            chosen = {scene[t] for t in tokens}
            assert set(tokens) == {r["token"] for r in records if r["scene_token"] in chosen}
    order = [r["token"] for r in records]
    assert lists["25%"] == sorted(lists["25%"], key=order.index)  # index order


def test_other_seed_draws_another_list(records):
    assert fraction_tokens(records, 0.25, seed=0) != fraction_tokens(records, 0.25, seed=1)
    with pytest.raises(ValueError, match="fraction"):
        fraction_tokens(records, 0.0)


def test_labelled_split_writes_lists(index_dir, records, tmp_path):
    path, n = labelled_split(str(index_path(index_dir, "mini_train")), tmp_path, fraction=0.25, seed=3)
    doc = json.loads((tmp_path / "label_fractions.json").read_text())
    assert set(doc["fractions"]) == {"1%", "5%", "10%", "25%", "100%"} and doc["seed"] == 3
    assert read_token_list(path) == doc["fractions"]["25%"]["tokens"] == fraction_tokens(records, 0.25, seed=3)
    assert n == len(read_token_list(path))


def test_slidr_style_list_restricts_the_dataset(make_dataset, records, tmp_path):
    picked = records[1:6]
    lines = ["# SLidR-style list: one LIDAR_TOP sample_data token per line", "",
             picked[0]["lidar"]["sample_data_token"], picked[1]["lidar"]["sample_data_token"],
             picked[2]["token"],  # sample tokens are accepted too
             picked[3]["lidar"]["path"],  # and file names, with or without the folder
             picked[4]["lidar"]["path"].split("/")[-1] + "  # trailing comment"]
    (tmp_path / "slidr_1p.txt").write_text("\n".join(lines) + "\n")
    ds = make_dataset(tokens_file=str(tmp_path / "slidr_1p.txt"))
    assert ds.tokens == [r["token"] for r in picked]
    assert make_dataset(tokens=[picked[2]["token"]]).tokens == [picked[2]["token"]]
    path, n = labelled_split(ds.index_path, tmp_path / "run", tokens_file=str(tmp_path / "slidr_1p.txt"))
    assert n == 5 and read_token_list(path) == ds.tokens


def test_tokens_outside_the_index_are_refused_by_name(make_dataset, records, tmp_path):
    (tmp_path / "bad.txt").write_text(f"{records[0]['token']}\nnot-a-token-123\n")
    with pytest.raises(TokenListError, match="not-a-token-123"):
        make_dataset(tokens_file=str(tmp_path / "bad.txt"))
    with pytest.raises(TokenListError, match="not keyframes of this index"):
        make_dataset(split="mini_val", tokens=[records[0]["token"]])  # a training token is not in val
