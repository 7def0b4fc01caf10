"""Text features of the corpus view: shingles, body hash, language-independent anchors, seen time."""
from __future__ import annotations

from datetime import datetime

from eventwire.corpus import signatures
from eventwire.corpus.text import anchors, body_hash, fold, parse_published, seen_at, shingles, words


def names(text: str) -> list[str]:
    return [a for a, _ in anchors(text)]


def test_shingles_are_distinct_word_trigrams_in_order():
    toks = words("The cat sat. The cat sat!")
    assert toks == ["the", "cat", "sat", "the", "cat", "sat"]
    assert shingles(toks) == [b"the cat sat", b"cat sat the", b"sat the cat"]
    assert shingles(["one", "two"]) == [b"one two"]
    assert shingles([]) == []


def test_body_hash_ignores_case_punctuation_and_spacing_only():
    a = body_hash(words("Kenya and Ethiopia signed a deal, officials said."))
    assert a == body_hash(words("kenya  AND ethiopia signed a deal officials said"))
    assert a != body_hash(words("Kenya and Ethiopia signed a pact, officials said."))


def test_numbers_keep_digits_across_separators():
    assert "#17000" in names("about 17,000 people") and "#17000" in names("etwa 17.000 Menschen")
    assert "#2300" in names("2\u00a0300 combattants") and "#2300" in names("2\u202f300 combattants")
    assert "#1990" in names("in the 1990s") and "#2001" in names("since 2001, when")
    assert not any(a.startswith("#") for a in names("3 people and 1.5 tonnes"))  # single digits are not anchors


def test_dates_and_weekdays_map_to_the_same_anchor_across_languages():
    en = names("Talks will resume on 3 June, officials said on Tuesday.")
    de = names("Die Gespräche sollen am 3. Juni fortgesetzt werden, hieß es am Dienstag.")
    fr = names("Les discussions reprendront le 3 juin, a-t-on indiqué mardi.")
    for xs in (en, de, fr):
        assert "@06-03" in xs and "~2" in xs
    assert "@05" in names("in May 2023") and "@05" in names("im Mai 2023")
    assert not any(a.startswith("@") for a in names("The talks may resume."))  # modal 'may' is not a month


def test_names_are_folded_and_stop_words_and_sentence_openers_dropped():
    xs = names("Talks began. The envoy Andrés Quintero met Düsseldorf officials; Quintero said the ELN agreed.")
    assert "andre" in xs and "quintero" in xs  # a final s is dropped the same way in every language and "dusseldorf" in xs and "eln" in xs
    assert "talk" not in xs and "the" not in xs  # 'Talks' only opens a sentence
    assert "afghanistan" in names("in Afghanistan's capital and Afghanistans Zukunft")
    ranks = anchors("Shaheen met envoys in Doha. Later Shaheen flew to Kabul.")
    assert [a for a, _ in ranks] == ["shaheen", "doha", "kabul"] and [r for _, r in ranks] == [0, 1, 2]


def test_fold():
    assert fold("Kämpfer Café ÉLN") == "kampfer cafe eln"


def test_parse_published_keeps_granularity_and_converts_zones():
    assert parse_published("2021-10-09T13:24") == datetime(2021, 10, 9, 13, 24)
    assert parse_published("2025-08-11T06:20:00Z") == datetime(2025, 8, 11, 6, 20)
    assert parse_published("2024-05-14T21:15:00+02:00") == datetime(2024, 5, 14, 19, 15)
    assert parse_published("2024-05-14 10:00-0500") == datetime(2024, 5, 14, 15, 0)
    assert parse_published("2021-10") == datetime(2021, 10, 1)
    assert parse_published("yesterday") is None and parse_published(None) is None
    assert seen_at(None, datetime(2024, 1, 2, 3, 4)) == (datetime(2024, 1, 2, 3, 4), "stored")
    assert seen_at("2021-10-09", None) == (datetime(2021, 10, 9), "published")


def test_minhash_is_deterministic_and_estimates_jaccard():
    a = shingles(words(" ".join(f"w{i}" for i in range(300))))
    b = shingles(words(" ".join(f"w{i}" for i in range(100, 400))))
    sa, sb = signatures.minhash(a), signatures.minhash(b)
    assert (sa == signatures.minhash(a)).all() and sa.dtype.name == "uint32" and len(sa) == signatures.NUM_PERM
    exact = len(set(a) & set(b)) / len(set(a) | set(b))  # 0.5
    assert abs(signatures.estimate_jaccard(sa, sb) - exact) < 0.15
    assert (signatures.from_blob(signatures.to_blob(sa)) == sa).all()
    bands = signatures.band_buckets(sa)
    assert len(bands) == signatures.BANDS and bands == signatures.band_buckets(signatures.minhash(a))
    assert signatures.minhash([]) is None and signatures.band_buckets(None) == []


def test_lsh_s_curve():
    assert signatures.candidate_probability(0.5) > 0.99
    assert signatures.candidate_probability(0.4) > 0.9
    assert signatures.candidate_probability(0.1) < 0.05
