"""The corpus view over a database: duplicates, stories, aggregated events and their counts, and
incremental updates (new articles, copies arriving before their original, reprocessed articles)."""
from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import replace as dc_replace

import pytest

from eventwire.corpus import update_corpus
from eventwire.corpus.aggregate import agg_event_id, location_key
from eventwire.records import Document, Outcome
from eventwire.store.db import Store
from tests import corpus_gen
from tests.conftest import shared_path

GEN = corpus_gen.build()
BY_NAME = {g.name: g for g in GEN}
KIND = {"near": "near", "cut": "near", "exact": "exact", "translation": "translation"}


def write(store: Store, gens, run_id: str = "gen", replace: bool = False) -> None:
    arts = [corpus_gen.to_article(g) for g in gens]
    store.write(run_id, [Outcome(Document(doc_id=a.doc_id, source=a.source, kind="gen"), "article", a) for a in arts],
                replace=replace)


def names_by_id() -> dict[str, str]:
    return {corpus_gen.to_article(g).article_id: g.name for g in GEN}


def corpus_state(store: Store) -> dict:
    """Everything the corpus view says, keyed by article names (comparable across databases)."""
    nm = names_by_id()
    con = store.con
    arts = {nm[a]: (dup, nm.get(of), kind) for a, dup, of, kind in con.execute(
        "SELECT article_id, is_duplicate, duplicate_of, duplicate_kind FROM article_corpus").fetchall()}
    story_members: dict[str, list[str]] = defaultdict(list)
    for a, s in con.execute("SELECT article_id, story_id FROM article_corpus").fetchall():
        story_members[s].append(nm[a])
    stories = {tuple(sorted(m)) for m in story_members.values()}
    labels = {r[0]: r[1:] for r in con.execute(
        "SELECT label, n_articles, n_unique, n_duplicates, languages, n_events FROM stories").fetchall()}
    events = {r[0]: r[1:] for r in con.execute(
        "SELECT agg_event_id, num_mentions, num_articles, num_sources, num_copies, first_seen, last_seen, "
        "is_root, cameo_code, plover_type, modality, date FROM aggregated_events").fetchall()}
    return {"articles": arts, "stories": stories, "labels": labels, "events": events,
            "mentions": con.execute("SELECT count(*) FROM event_mentions").fetchone()[0]}


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("full") / "full.duckdb")
    write(store, GEN)
    stats = update_corpus(store.con)
    yield store, stats
    store.close()


def test_copies_are_found_with_their_original_and_kind(full):
    store, stats = full
    state = corpus_state(store)
    assert stats.articles == len(GEN) and stats.duplicates == sum(1 for g in GEN if g.copy_of)
    for g in GEN:
        dup, of, kind = state["articles"][g.name]
        if g.copy_of:
            assert (dup, of, kind) == (True, g.copy_of, KIND[g.kind]), g.name
        else:
            assert (dup, of, kind) == (False, None, None), g.name
    assert stats.pairs["translation"] >= 3 and stats.pairs["exact"] == 1


def test_stories_group_one_happening_and_nothing_else(full):
    store, _ = full
    state = corpus_state(store)
    expected = defaultdict(list)
    for g in GEN:
        expected[g.story].append(g.name)
    assert state["stories"] == {tuple(sorted(m)) for m in expected.values()}
    # label: the title of the earliest English original; counts per story
    assert state["labels"][corpus_gen.A_EN[0]][:4] == (5, 2, 3, ["de", "en"])
    assert state["labels"][corpus_gen.C_EN[0]][:4] == (4, 1, 3, ["de", "en"])
    assert state["labels"][corpus_gen.F_EN[0]][:4] == (4, 1, 3, ["en", "fr"])
    first = dict(store.con.execute("SELECT label, first_seen FROM stories").fetchall())
    assert str(first[corpus_gen.A_EN[0]]) == "2024-05-14 16:20:00"
    assert str(first[corpus_gen.C_EN[0]]) == "2024-05-13 08:00:00"  # 11:00+03:00 in UTC


def expected_events() -> dict[str, dict]:
    """Aggregated events and their counts, worked out from the generator's ground truth: mentions per
    article, then per copy group the largest number in one of its articles."""
    per_article: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for g in GEN:
        for f in g.facts:
            if f.evidence not in g.body:
                continue  # the copy was cut or edited there
            place = corpus_gen.PLACES.get(f.place) if f.place else None
            key = agg_event_id(f.date, f.source, f.target or "", f.cameo,
                               location_key(place[0], place[1]) if place else "", f.modality)
            per_article[key][g.name] += 1
    out = {}
    for key, arts in per_article.items():
        groups: dict[str, int] = defaultdict(int)
        for name, n in arts.items():
            orig = BY_NAME[name].copy_of or name
            groups[orig] = max(groups[orig], n)
        out[key] = {"groups": groups, "articles": set(arts)}
    return out


def test_aggregated_counts_are_right_and_copies_do_not_inflate_them(full):
    store, _ = full
    state = corpus_state(store)
    exp = expected_events()
    assert set(state["events"]) == set(exp)
    for key, e in exp.items():
        num_mentions, num_articles, num_sources, num_copies, *_rest = state["events"][key]
        outlets = {BY_NAME[o].domain for o in e["groups"]}
        assert (num_mentions, num_articles, num_sources, num_copies) == (
            sum(e["groups"].values()), len(e["groups"]), len(outlets), len(e["articles"])), key
    total_articles = sum(v[1] for v in state["events"].values())
    total_copies = sum(v[3] for v in state["events"].values())
    assert total_copies > 2 * total_articles  # the copies are there, and not counted as reports
    # the talks in Oslo: reported by Andean Wire (with 2 copies) and independently by Nordic Post
    oslo = agg_event_id("2024-05-14", "COLGOV", "COLREB", "040", "gn:3143244", "asserted")
    assert state["events"][oslo][:4] == (2, 2, 2, 4)


def test_modalities_never_merge(full):
    store, _ = full
    rows = store.con.execute("""
        SELECT modality, date, num_articles FROM aggregated_events
        WHERE source_code = 'COLREB' AND target_code = 'COLGOV' AND cameo_code = '0353' ORDER BY modality""").fetchall()
    # "the ELN agreed to release 23 hostages" (asserted) vs "the guerrillas will free 23 hostages" (future)
    assert rows == [("asserted", "2024-05-14", 1), ("future", "2024-05-14", 1)]
    mods = dict(store.con.execute("SELECT modality, count(*) FROM aggregated_events GROUP BY 1").fetchall())
    assert mods == {"asserted": 16, "future": 4, "negation": 1, "intent": 1}


def test_mentions_keep_evidence(full):
    store, _ = full
    rows = store.con.execute("""
        SELECT m.article_id, m.sent_idx, m.trigger, m.trigger_start, m.trigger_end, m.confidence, a.body, m.in_lead
        FROM event_mentions m JOIN articles a USING (article_id) WHERE m.cameo_code = '057'""").fetchall()
    assert len(rows) == 5  # d-original, two wire copies, the edited copy, the independent report
    for _aid, _sent, trigger, s, e, conf, body, in_lead in rows:
        assert body[s:e] == trigger == "signed" and conf == 0.9
    # all in the lead paragraph: the wire copies' one-line headers are skipped, the report opens with it
    assert all(r[7] for r in rows)


def test_a_second_update_adds_nothing(full):
    store, _ = full
    before = corpus_state(store)
    stamp = store.con.execute("SELECT max(updated_at) FROM aggregated_events").fetchone()[0]
    stats = update_corpus(store.con)
    assert stats.articles == 0 and stats.aggregated == 0 and stats.retracted == 0
    assert corpus_state(store) == before
    assert store.con.execute("SELECT max(updated_at) FROM aggregated_events").fetchone()[0] == stamp


def test_incremental_updates_in_any_order_give_the_full_result(full, tmp_path):
    """Articles arrive in three runs in shuffled order, copies before their originals."""
    expected = corpus_state(full[0])
    order = GEN[:]
    random.Random(4).shuffle(order)
    # make sure some copies come first
    order.sort(key=lambda g: g.copy_of is None)
    with Store(tmp_path / "inc.duckdb") as store:
        for i, part in enumerate((order[:7], order[7:15], order[15:])):
            write(store, part, run_id=f"run{i}")
            stats = update_corpus(store.con)
            assert stats.articles == len(part)
        assert corpus_state(store) == expected


def test_only_the_touched_rows_change(full, tmp_path):
    with Store(tmp_path / "x.duckdb") as store:
        rest = [g for g in GEN if g.name != "d-wire-2"]
        write(store, rest)
        update_corpus(store.con)
        before = dict(store.con.execute("SELECT agg_event_id, updated_at FROM aggregated_events").fetchall())
        write(store, [BY_NAME["d-wire-2"]], run_id="later")
        stats = update_corpus(store.con)
        assert stats.articles == 1 and stats.duplicates == 1 and stats.new_stories == 0
        after = dict(store.con.execute("SELECT agg_event_id, updated_at FROM aggregated_events").fetchall())
        changed = {k for k in after if after[k] != before.get(k)}
        d_events = {k for k, in store.con.execute(
            "SELECT DISTINCT agg_event_id FROM event_mentions m JOIN articles a USING (article_id) "
            "WHERE a.title = ?", [corpus_gen.D_EN[0]]).fetchall()}
        assert changed == {k for k in d_events if k in after} and len(changed) == 3
        assert corpus_state(store) == corpus_state(full[0])


def test_a_reprocessed_article_replaces_its_corpus_rows(tmp_path):
    with Store(tmp_path / "x.duckdb") as store:
        write(store, GEN)
        update_corpus(store.con)
        # the independent Nordic Post report is processed again and now has one event less
        g = BY_NAME["a-report"]
        write(store, [dc_replace(g, facts=g.facts[1:])], run_id="again", replace=True)
        stats = update_corpus(store.con)
        assert stats.retracted == 1 and stats.articles == 1
        oslo = agg_event_id("2024-05-14", "COLGOV", "COLREB", "040", "gn:3143244", "asserted")
        row = store.con.execute("SELECT num_mentions, num_articles, num_sources, num_copies FROM aggregated_events "
                                "WHERE agg_event_id = ?", [oslo]).fetchone()
        assert row == (1, 1, 1, 3)  # only Andean Wire's story and its two copies are left
        assert store.con.execute("SELECT count(*) FROM stories").fetchone()[0] == 6


def test_rebuild_gives_the_same_result(full, tmp_path):
    with Store(tmp_path / "x.duckdb") as store:
        write(store, GEN)
        update_corpus(store.con)
        stats = update_corpus(store.con, rebuild=True)
        assert stats.articles == len(GEN)
        assert corpus_state(store) == corpus_state(full[0])


def test_articles_without_events_and_an_empty_database(tmp_path):
    with Store(tmp_path / "x.duckdb") as store:
        assert update_corpus(store.con).articles == 0
        write(store, [dc_replace(g, facts=[]) for g in GEN])
        stats = update_corpus(store.con, chunk_size=5)  # several chunks
        assert stats.articles == len(GEN) and stats.mentions == 0
        assert store.con.execute("SELECT count(*) FROM stories").fetchone()[0] == 6
        assert store.con.execute("SELECT count(*) FROM aggregated_events").fetchone()[0] == 0


# -- real data --------------------------------------------------------------------------------------

def _fundus_articles():
    from eventwire.ids import content_id, stable_id
    from eventwire.records import Article

    root = shared_path("data", "extraction", "fundus")
    out = []
    for f in sorted(root.glob("*/*.json")):
        for ver, v in json.loads(f.read_text(encoding="utf-8")).items():
            b = v.get("body") or {}
            paras = list(b.get("summary") or []) + [p for s in b.get("sections") or [] for p in s.get("paragraphs") or []]
            body = "\n\n".join(p for p in paras if p)
            if len(body.split()) < 40:
                continue
            doc_id = content_id(f"{f}|{ver}".encode())
            out.append(Article(article_id=stable_id("article", doc_id), doc_id=doc_id, title=v.get("title"),
                               body=body, source=f"{f.parent.name}/{f.stem}/{ver}",
                               published=(v.get("publishing_date") or "").replace(" ", "T") or None,
                               language=None))
    return out


@pytest.mark.shared
def test_real_pages_are_not_merged_and_their_edited_copies_are_found(tmp_path):
    from eventwire.extract.language import detect_language

    arts = _fundus_articles()
    for a in arts:
        a.language = detect_language(a.body)[0]
    rng = random.Random(9)
    sample = rng.sample(arts, 40)
    copies = []
    for i, a in enumerate(sample):
        body = a.body
        if i % 2:
            body = corpus_gen._edited(body, rng)
        body = corpus_gen._wire_copy(body, rng)
        copies.append(dc_replace(a, article_id=a.article_id + "c", doc_id=a.doc_id + "c", body=body,
                                 source=a.source + "/copy", published=None))
    with Store(tmp_path / "x.duckdb") as store:
        store.write("real", [Outcome(Document(doc_id=a.doc_id, source=a.source, kind="gen"), "article", a)
                             for a in arts + copies])
        stats = update_corpus(store.con)
        pairs = store.con.execute("""
            SELECT a.source, b.source FROM duplicate_pairs p JOIN articles a ON a.article_id = p.article_id
            JOIN articles b ON b.article_id = p.other_id""").fetchall()
        found = {tuple(sorted((x.removesuffix("/copy"), y.removesuffix("/copy")))) for x, y in pairs}
        wanted = {(a.source, a.source) for a in sample}
        assert wanted <= found  # every copy found with its page
        other = found - wanted
        # the only other pair: one Taz page parsed by two fundus parser versions (the same article)
        assert other == {("de/Taz/V1", "de/Taz/V2")}, other
        multi = store.con.execute("SELECT count(*) FROM stories WHERE n_unique > 1").fetchone()[0]
        assert multi == 0  # 249 distinct real pages: no two in one story
        assert stats.duplicates == len(copies) + 1


@pytest.mark.shared
def test_seed_copies_with_other_boilerplate_are_one_story(seed_path, tmp_path):
    from eventwire.ingest import iter_documents
    from eventwire.pipeline import extract_one

    text = seed_path.read_text(encoding="utf-8")
    lines = text.splitlines()
    variants = {
        "seed.txt": text,
        # another republisher: no page date, its own header and footer, two small edits
        "copy.txt": "\n".join(lines[2:]).replace("In the wake of", "after").replace("frantic", "chaotic")
        + "\n\nThis article first appeared on a partner site.\n\nFollow us on Telegram for more news\n",
    }
    d = tmp_path / "in"
    d.mkdir()
    for name, t in variants.items():
        (d / name).write_text(t, encoding="utf-8")
    with Store(tmp_path / "x.duckdb") as store:
        outcomes = [extract_one(doc) for doc in iter_documents([str(d)]) if isinstance(doc, Document)]
        assert all(o.article is not None for o in outcomes)
        store.write("seed", outcomes)
        stats = update_corpus(store.con)
        assert stats.duplicates == 1 and stats.pairs == {"near": 1} and stats.new_stories == 1
        label = store.con.execute("SELECT label FROM stories").fetchone()[0]
        assert label.startswith("Talks between the US and Taliban delegations")


def test_a_story_chains_over_days_but_not_for_ever(tmp_path):
    """Reports every two days naming the same people and places: one story for 14 days, then a new one."""
    from eventwire.ids import content_id, stable_id
    from eventwire.records import Article

    rng = random.Random(2)
    filler = ["".join(rng.choice("abcdefghiklmnoprstu") for _ in range(7)) for _ in range(3000)]  # lower case
    arts = []
    for day in range(0, 20, 2):
        words = []
        for _ in range(8):
            words += rng.sample(filler, 12) + ["Marta", "Ferreyra", "met", "Andrés", "Quintero", "in", "Oslo",
                                               "near", "Catatumbo", "and", "Arauca", "with", "ELN", "envoys."]
        body = " ".join(words)
        doc_id = content_id(body.encode())
        arts.append(Article(article_id=stable_id("article", doc_id), doc_id=doc_id, title=f"day {day}", body=body,
                            published=f"2024-05-{1 + day:02d}T10:00", language="en"))
    with Store(tmp_path / "x.duckdb") as store:
        store.write("days", [Outcome(Document(doc_id=a.doc_id, source=a.title, kind="gen"), "article", a)
                             for a in arts])
        stats = update_corpus(store.con)
        assert stats.duplicates == 0
        rows = store.con.execute("SELECT label, n_articles FROM stories ORDER BY first_seen").fetchall()
        assert rows == [("day 0", 8), ("day 16", 2)]  # days 0-14 in one story; day 16 is past 14 days
