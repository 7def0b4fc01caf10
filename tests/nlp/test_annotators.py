"""Annotators as declared components: the order follows requires/assigns, bad declarations are clear
errors, an entry point adds one, and every built-in writes only what it declares."""
from __future__ import annotations

import sys
from importlib.metadata import EntryPoint

import duckdb
import pytest

from eventwire.nlp import annotators as reg
from eventwire.nlp.annotators import AnnotatorError, AnnotatorSpec, annotator, check_assigns, run_order, snapshot
from eventwire.records import Article, Entity, Quote
from eventwire.runner import RunConfig, run
from tests.conftest import EXAMPLES, shared_path


def spec(name, requires=(), assigns=(), seq=0):
    return AnnotatorSpec(name, lambda a, d: None, tuple(requires), tuple(assigns), seq)


def test_builtin_order_follows_the_declarations():
    specs = reg.annotator_specs()
    assert [s.name for s in specs] == ["places", "times", "quotes", "amounts", "actors", "events", "event_context"]
    by = {s.name: s for s in specs}
    assert by["events"].assigns == ("events",)
    assert "entities.actor_code" in by["actors"].assigns and "quotes.speaker_code" in by["actors"].assigns
    assert all(a.startswith("events.") for a in by["event_context"].assigns)


def test_order_is_derived_not_registered():
    # registered consumer first: the producer still runs before it; free ones keep registration order
    out = run_order([spec("ctx", ["events"], ["events.date"], 0), spec("free", [], ["amounts"], 1),
                     spec("coder", ["places"], ["events"], 2), spec("geo", [], ["places"], 3)])
    assert [s.name for s in out] == ["free", "geo", "coder", "ctx"]


def test_a_cycle_is_a_clear_error():
    with pytest.raises(AnnotatorError, match=r"cycle.*a \(after b\).*b \(after a\)"):
        run_order([spec("a", ["places"], ["times"], 0), spec("b", ["times"], ["places"], 1)])


def test_a_requirement_nobody_assigns_is_a_clear_error():
    with pytest.raises(AnnotatorError, match="'x' requires 'events.date', which no annotator assigns"):
        run_order([spec("x", ["events.date"], ["amounts"])])
    # what the pipeline itself fills needs no annotator
    assert [s.name for s in run_order([spec("q", ["entities", "sentences"], ["quotes"])])] == ["q"]


@pytest.mark.parametrize("name, msg", [("event", "'event' is not a field of Article"),
                                       ("events.colour", "Event has no field 'colour'"),
                                       ("events.date+", "Event has no field 'date'"),
                                       ("title+", "'title\\+' is not a field")])
def test_unknown_names_are_clear_errors(name, msg):
    with pytest.raises(AnnotatorError, match=msg):
        annotator("bad", assigns=(name,))


def test_an_entry_point_adds_an_annotator(tmp_path, monkeypatch):
    (tmp_path / "ew_fake_plugin.py").write_text(
        "from eventwire.nlp.annotators import annotator\n"
        "@annotator('fake_plugin', requires=('events',), assigns=('events.confidence',))\n"
        "def fake(article, doc):\n"
        "    for e in article.events:\n"
        "        e.confidence = 0.5\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    ep = EntryPoint(name="fake", value="ew_fake_plugin", group=reg.ENTRY_POINT_GROUP)
    monkeypatch.setattr(reg, "_entry_points", lambda: [ep])
    monkeypatch.setattr(reg, "_LOADED", [False])
    try:
        names = [s.name for s in reg.annotator_specs()]
        assert names.index("fake_plugin") > names.index("events")
        assert names[-2:] == ["event_context", "fake_plugin"]
    finally:
        reg.unregister("fake_plugin")
        sys.modules.pop("ew_fake_plugin", None)


def test_an_entry_point_that_fails_to_load_is_named(monkeypatch):
    ep = EntryPoint(name="broken", value="ew_no_such_module_xyz", group=reg.ENTRY_POINT_GROUP)
    monkeypatch.setattr(reg, "_entry_points", lambda: [ep])
    monkeypatch.setattr(reg, "_LOADED", [False])
    with pytest.raises(AnnotatorError, match="entry point 'broken = ew_no_such_module_xyz'.*ModuleNotFoundError"):
        reg.load_annotators()


def _article():
    body = "Kenya met Somalia. He said so."
    return Article(article_id="a", doc_id="a", title=None, body=body,
                   entities=[Entity(0, 5, "Kenya", "GPE", 0), Entity(10, 17, "Somalia", "GPE", 0)],
                   quotes=[Quote(19, 30, "He said so.", speaker_text="He")])


def test_check_assigns_reports_what_was_not_declared():
    s = spec("actors", [], ["entities+", "entities.actor_code", "quotes.speaker_code"])
    art = _article()
    before = snapshot(art)
    art.entities[0].actor_code = "KEN"                       # declared
    art.entities.append(Entity(19, 21, "He", "PERSON", 1, source="dictionary"))  # declared (entities+)
    art.quotes[0].speaker_code = "KEN"                       # declared
    art.warnings.append("a warning")                        # always allowed
    assert check_assigns(s, before, art) == []
    art.entities[1].country = "SOM"                          # not declared
    art.title = "Talks"                                      # not declared
    assert check_assigns(s, before, art) == ["entities.country: changed", "title: changed"]
    art2 = _article()
    before2 = snapshot(art2)
    art2.quotes = []
    art2.places = []  # unchanged (empty before and after)
    assert check_assigns(spec("q2", [], ["entities.actor_code"]), before2, art2) == ["quotes: items removed or replaced"]
    art3 = _article()
    before3 = snapshot(art3)
    art3.entities.append(Entity(19, 21, "He", "PERSON", 1))
    assert check_assigns(spec("q3", [], ["entities.actor_code"]), before3, art3) == ["entities: 1 items added"]


def test_an_annotator_writing_undeclared_fields_stops_a_checked_run(tmp_path, monkeypatch, nlp):
    from eventwire.nlp.pipeline import annotate

    reg.annotator_specs()

    @annotator("sneaky", requires=("events",), assigns=("events.confidence",))
    def sneaky(article, doc):
        article.title = "changed"

    try:
        art = Article(article_id="s", doc_id="s", title="T", body="Kenya met Somalia in Nairobi on Monday.",
                      published="2024-01-03", language="en")
        monkeypatch.setenv(reg.CHECK_ENV, "1")
        with pytest.raises(AnnotatorError, match="annotator 'sneaky' wrote what it does not declare.*title: changed"):
            annotate([art], nlp)
        monkeypatch.delenv(reg.CHECK_ENV)
        art = Article(article_id="s", doc_id="s", title="T", body="Kenya met Somalia in Nairobi on Monday.",
                      published="2024-01-03", language="en")
        assert annotate([art], nlp) == [] and art.title == "changed"  # unchecked: runs as written
    finally:
        reg.unregister("sneaky")


def test_the_event_coder_reuses_the_actors_annotators_mentions(monkeypatch, nlp):
    from eventwire.actors import annotate as actors_annotate
    from eventwire.nlp.pipeline import annotate

    made = []
    real = actors_annotate.ArticleActors

    def counting(*args, **kw):
        made.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(actors_annotate, "ArticleActors", counting)
    art = Article(article_id="k", doc_id="k", title=None, body="Kenya met Somalia in Nairobi on Monday.",
                  published="2024-01-03", language="en")
    assert annotate([art], nlp) == []
    assert len(made) == 1
    assert [(e.text, e.actor_code) for e in art.entities if e.text in ("Kenya", "Somalia")] == [("Kenya", "KEN"),
                                                                                                ("Somalia", "SOM")]
    assert [(e.trigger, [a.code for a in e.sources], [a.code for a in e.targets]) for e in art.events] == [
        ("met", ["KEN"], ["SOM"])]


def _rows(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall()))
                for t in ("entities", "quotes", "events", "places", "times", "amounts")}
    finally:
        con.close()


def test_every_builtin_writes_only_what_it_declares_on_the_seed_and_examples(tmp_path, monkeypatch):
    """A checked run (EVENTWIRE_CHECK_ASSIGNS=1) over the seed and examples/ raises nothing and stores
    what an unchecked run stores."""
    seed = shared_path("seed", "doha-talks.txt")
    inputs = [str(seed), str(EXAMPLES)]
    monkeypatch.setenv(reg.CHECK_ENV, "1")
    stats, status = run(inputs, RunConfig(db=str(tmp_path / "checked.duckdb")))
    assert status == "done" and stats.articles >= 15 and stats.events > 0
    monkeypatch.delenv(reg.CHECK_ENV)
    run(inputs, RunConfig(db=str(tmp_path / "plain.duckdb")))
    checked, plain = _rows(tmp_path / "checked.duckdb"), _rows(tmp_path / "plain.duckdb")
    assert checked == plain and len(checked["events"]) == stats.events
