"""`eventwire eval gum`: the GUM reader rebuilds articles faithfully and the scorer's figures hold."""
from __future__ import annotations

import pytest

from tests.conftest import shared_path

pytestmark = pytest.mark.shared


def test_read_doc_rebuilds_text_and_gold():
    from eventwire.evaluate.gum import read_doc

    d = read_doc(shared_path("data", "nlp", "gum_news", "GUM_news_afghan.xml"))
    assert d.title.startswith("After visa snags")
    assert d.published == "2017-07-21"  # the dateline under the title
    assert d.body.startswith("A group of Afghan teenagers was awarded a silver medal")
    assert "Friday, July 21, 2017" not in d.body
    assert 'for "courageous achievement" on Tuesday' in d.body  # quote marks and spacing rebuilt
    q = [d.body[s:e] for s, e in d.quotes]
    assert any(x.startswith('"We are so interested because we find a big chance') for x in q)
    tue = next(g for g in d.dates if d.body[g["start"]:g["end"]] == "Tuesday")
    assert tue["when"] == "2017-07-18"
    named = {d.body[m.start:m.end] for m in d.mentions if m.identity and m.proper}
    assert "Washington D.C." in named
    assert any(s for s in d.speakers if s)  # some quotes have a derivable gold speaker


def test_scores_on_two_documents(tmp_path):
    from eventwire.evaluate.gum import evaluate

    src = shared_path("data", "nlp", "gum_news")
    for stem in ("GUM_news_afghan", "GUM_news_flag"):
        for ext in (".xml", ".tsv", ".conllu"):
            (tmp_path / f"{stem}{ext}").symlink_to(src / f"{stem}{ext}")
    res = evaluate(tmp_path)
    assert res["documents"] == 2 and not res["skipped"]
    assert res["dates"]["gold"] >= 10
    assert res["dates"]["accuracy"] >= 0.8, res["dates"]["errors"]
    assert res["quotes"]["recall"] >= 0.6
    assert res["ner"]["place"]["f1"] >= 0.5
    assert res["ner"]["micro"]["gold"] > 50
