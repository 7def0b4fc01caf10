"""PETRARCH's unit-test records coded with PETRARCH's own actor and agent dictionaries.

Prints the pass-rate reports and guards them from falling. The floors sit just under the rates
measured when they were set (actors mode 98/284 = 34.5%, full mode 141/284 = 49.6%); raise them when
the coder improves. No rule in the coder refers to these sentences.
"""
from __future__ import annotations

import pytest

from eventwire.evaluate.petrarch import event_pairs, read_records, run_petrarch

pytestmark = pytest.mark.shared

ACTORS_FLOOR = 0.34
FULL_FLOOR = 0.49


@pytest.fixture(scope="module")
def petrarch_dir():
    from tests.conftest import shared_path

    return shared_path("data", "events", "petrarch_unittest")


def test_records_are_read(petrarch_dir):
    recs = read_records(petrarch_dir)
    assert len(recs) == 284
    demo = next(r for r in recs if r.rid == "DEMO-00")
    assert demo.expected == [("ARN", "GON", "064")] and demo.date == "1995-01-01"
    assert demo.text.startswith("Arnor is about to restore full diplomatic ties with Gondor")
    assert sum(r.expect_none for r in recs) >= 10


def test_pass_rate_actors_mode(petrarch_dir, nlp):
    rep = run_petrarch(petrarch_dir, use_verbs=False, nlp=nlp)
    print("\n" + rep.summary())
    assert rep.total == 284
    assert rep.rate >= ACTORS_FLOOR, rep.summary()


def test_pass_rate_with_petrarch_verbs(petrarch_dir, nlp):
    rep = run_petrarch(petrarch_dir, use_verbs=True, nlp=nlp)
    print("\n" + rep.summary())
    assert rep.total == 284
    assert rep.rate >= FULL_FLOOR, rep.summary()


def test_date_restricted_actor_codes(petrarch_dir, nlp):
    """PETRARCH date restrictions: Sam Gamgee is HOBCIV before 2008-01-20 and HOBMIL after."""
    from eventwire.actors.dictionary import ActorDictionary

    d = ActorDictionary()
    d.load_petrarch_actors(petrarch_dir / "PETR.Validate.actors.txt")
    doc = nlp("Sam Gamgee met Gondor.")
    (m, *_rest) = d.match(doc)
    assert m.entry.code_on("2008-01-19") == "HOBCIV"
    assert m.entry.code_on("2010-01-01") == "HOBMIL"
    assert m.entry.code_on("2010-01-10") == "ORCHOB"


def test_event_pairs_expand_lists():
    from eventwire.records import Actor, Event

    a = lambda c: Actor(c, 0, 1, code=c)  # noqa: E731
    ev = Event(0, 0, 1, "x", 0, 1, sources=[a("A"), a("B")], targets=[a("C")], cameo_code="040")
    assert event_pairs(ev) == [("A", "C", "040"), ("B", "C", "040")]
    ev.targets = []
    assert event_pairs(ev) == [("A", "B", "040"), ("B", "A", "040")]
