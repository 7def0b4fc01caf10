"""The fast attribute-ruler matcher gives exactly what spaCy's own gives, token by token; memory zones
keep the string store from growing with the corpus."""
from __future__ import annotations

import json

import pytest

from eventwire.bench import generate_corpus
from eventwire.nlp.fast_rules import FastAttributeMatch
from tests.conftest import EXAMPLES

EDGE = [
    "", "a", "  \n\n  Hello  there ,but but  a an the this !! \t x",
    "Y'all gonna let's c'm on, ain't nothin' gotta do it. There is a dog. I'd have done it if I'm you.",
    "It's not that I don't care: they're here, we've seen 'em, and y' all know it wasn't me.",
    "THE MINISTER SAID:\n\n\u201cWe will NOT accept this,\u201d he told Reuters on 3 March 2024 (GMT+2).",
]


def _texts() -> list[str]:
    texts = [b for _, b in generate_corpus(30, seed=3)] + EDGE
    for f in sorted(EXAMPLES.rglob("*.txt")):
        texts.append(f.read_text(encoding="utf-8"))
    for line in (EXAMPLES / "jsonl" / "wire-feed.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        texts.append(rec.get("text") or rec.get("html") or "")
    return texts


@pytest.fixture(scope="module")
def stock():
    import spacy

    from eventwire.nlp.pipeline import MODEL

    return spacy.load(MODEL)


def test_fast_match_equals_spacy_matcher(stock):
    ruler = stock.get_pipe("attribute_ruler")
    fast = FastAttributeMatch(ruler)
    assert fast.n_fallback == 0 and len(fast.tables) >= 5 and fast.vector  # every en_core_web_sm pattern compiled
    docs = list(stock.pipe(_texts(), disable=["attribute_ruler", "lemmatizer"]))
    n_matches = 0
    for doc in docs:
        expected = ruler.match(doc)
        assert fast(doc) == expected, doc.text[:80]
        n_matches += len(expected)
    assert n_matches > 5000


def test_pipeline_annotations_equal_stock_spacy(stock, nlp):
    assert isinstance(nlp.get_pipe("attribute_ruler").match, FastAttributeMatch)
    texts = _texts()
    for a, b in zip(stock.pipe(texts), nlp.pipe(texts)):
        assert [(t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i) for t in a] == \
               [(t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i) for t in b]
        assert [(e.start_char, e.end_char, e.label_) for e in a.ents] == [(e.start_char, e.end_char, e.label_) for e in b.ents]


def test_patterns_added_later_are_compiled(stock):
    import spacy

    from eventwire.nlp.fast_rules import speed_up_attribute_ruler
    from eventwire.nlp.pipeline import MODEL

    nlp = spacy.load(MODEL)
    assert speed_up_attribute_ruler(nlp)
    ruler = nlp.get_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "zorblax"}]], {"LEMMA": "ZORBLAX-LEMMA"})
    doc = nlp("The zorblax met Zorblax.")
    assert [t.lemma_ for t in doc if t.lower_ == "zorblax"] == ["ZORBLAX-LEMMA", "ZORBLAX-LEMMA"]


def test_annotate_does_not_grow_the_string_store(nlp):
    from eventwire.nlp.pipeline import annotate
    from eventwire.records import Article

    def arts(k):
        return [Article(f"a{k}{i}", f"d{k}{i}", "t", f"Minister Qorvathin{k}x{i} met Zelbrunova{k}y{i} in Vandorix{k}z{i} "
                        f"on Monday, officials said. They discussed {k * 1000 + i} tonnes of grain.", language="en")
                for i in range(20)]

    annotate(arts(0), nlp)  # warm-up: strings the pipeline adds once
    before = len(nlp.vocab.strings)
    batch = arts(1)
    annotate(batch, nlp)
    assert len(nlp.vocab.strings) == before
    assert any(e.text.startswith("Qorvathin1x") or e.text.startswith("Zelbrunova1y") for a in batch for e in a.entities)
    # the same text parsed outside a memory zone does add its new words
    nlp(batch[0].body.replace("1x", "2x"))
    assert len(nlp.vocab.strings) > before
