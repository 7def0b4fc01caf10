"""The fixed development split of plv_train.tsv (issue 18): dev20 / train80."""
from __future__ import annotations

from collections import Counter

import pytest

from eventwire.evaluate.datasets import plv_dev_ids, plv_split, read_plv
from eventwire.evaluate.datasets import PlvItem
from eventwire.train.folds import dev_split_ids
from tests.conftest import shared_path


def _item(i: str, root: str) -> PlvItem:
    return PlvItem(i, "x", [], [], root, 1)


def test_dev_split_ids_takes_a_fifth_of_each_root_and_keeps_repeated_ids_together():
    items = [_item(str(i), "ACCUSE") for i in range(10)] + [_item(str(i), "AGREE") for i in range(10, 15)]
    items.append(_item("3", "ACCUSE"))  # sentence 3 marked for a second pair
    ids = dev_split_ids(items, 0.2, seed=18)
    assert len(ids) == 3  # round(0.2 * 10) ACCUSE ids + round(0.2 * 5) AGREE ids
    assert sum(int(i) < 10 for i in ids) == 2 and sum(int(i) >= 10 for i in ids) == 1
    assert ids == dev_split_ids(items, 0.2, seed=18)  # deterministic
    with pytest.raises(ValueError):
        dev_split_ids(items, 1.0)


def test_plv_split_rejects_unknown_name_and_foreign_file():
    with pytest.raises(ValueError, match="unknown split"):
        plv_split([], "dev30")
    with pytest.raises(ValueError, match="not in the file"):
        plv_split([_item("0", "ACCUSE")], "dev20")


@pytest.mark.shared
def test_dev20_file_is_the_seed_18_split_of_plv_train():
    items = read_plv(shared_path("data", "events", "train", "plv_train.tsv"))
    ids = plv_dev_ids()
    assert len(ids) == 208 and len(set(ids)) == 208
    assert ids == dev_split_ids(items, 0.2, seed=18)
    dev, rest = plv_split(items, "dev20"), plv_split(items, "train80")
    assert (len(dev), len(rest)) == (209, 841)
    assert not {x.sentence_id for x in dev} & {x.sentence_id for x in rest}
    # stratified: each root's share of dev within one sentence of 20%
    n_all, n_dev = Counter(x.root for x in items), Counter(x.root for x in dev)
    for root, n in n_all.items():
        assert abs(n_dev[root] - 0.2 * n) <= 1.5, root
