"""The PETRARCH unit-test records, coded by eventwire with PETRARCH's own dictionaries.

``../shared/data/events/petrarch_unittest`` holds the PETRARCH coder's 284 unit-test sentences
(``PETR.UnitTest.records.xml``) with the events they should give, and the validation dictionaries they
assume (``PETR.Validate.actors.txt``, ``.agents.txt``, ``.verbs.txt``, ``.discards.txt``). They use
fictional actors (Arnor, Gondor ...) and test a coder's mechanics: compounds, passives, agents, date
restrictions.

Each record is coded by eventwire's event coder with the PETRARCH actor and agent dictionaries
instead of eventwire's own, as its own article dated on the record's date. Two scores:

* ``actors`` (verb dictionary not loaded, eventwire's CAMEO triggers): a record passes when every
  expected (source, target) pair is produced by some event (any event code), and a record expecting
  no event produces none;
* ``full`` (PETRARCH verb dictionary loaded, read simplified by
  :func:`eventwire.events.patterns.load_petrarch_verbs`): every expected (source, target, code) triple
  is produced.

Events are expanded to PETRARCH's one-pair-per-event form: every source x every target; an event
with several sources and no target gives the pairs among its sources. Discards
(``PETR.Validate.discards.txt``) are applied as PETRARCH does: a record containing a discard phrase
gives no events. Extra events beyond the expected ones do not fail a record (PETRARCH's own unit
test only checks the expected ones), but they are counted.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

RECORDS = "PETR.UnitTest.records.xml"


@dataclass(slots=True)
class PetrarchRecord:
    """One unit-test sentence: id, category, ISO date, text and expected (source, target, code) triples.

    ``expect_none`` is True for records that must give no event (``noevents`` or a discard ``error``).
    """

    rid: str
    category: str
    date: str
    text: str
    expected: list[tuple[str, str, str]] = field(default_factory=list)
    expect_none: bool = False


@dataclass(slots=True)
class PetrarchReport:
    """Pass counts of one run.

    Attributes:
        mode: ``actors`` or ``full``; total, passed: records; by_category: ``{category: (passed, total)}``.
        failures: ``(id, expected, produced)`` for failed records; extra_events: events beyond the expected.
    """

    mode: str
    total: int = 0
    passed: int = 0
    by_category: dict[str, tuple[int, int]] = field(default_factory=dict)
    failures: list[tuple[str, list, list]] = field(default_factory=list)
    extra_events: int = 0

    @property
    def rate(self) -> float:
        """Pass rate in [0, 1]."""
        return self.passed / self.total if self.total else 0.0

    def summary(self) -> str:
        """A printable report."""
        lines = [f"PETRARCH unit tests ({self.mode}): {self.passed}/{self.total} = {self.rate:.1%}"]
        for cat, (p, t) in sorted(self.by_category.items()):
            lines.append(f"  {cat:10} {p:3}/{t:3}")
        lines.append(f"  events beyond the expected ones: {self.extra_events}")
        return "\n".join(lines)


def read_records(directory: str | Path) -> list[PetrarchRecord]:
    """Parse ``PETR.UnitTest.records.xml`` (regular expressions: the file is loose XML).

    Raises:
        FileNotFoundError: the records file is missing.
    """
    text = (Path(directory) / RECORDS).read_text(encoding="utf-8", errors="replace")
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    out = []
    for m in re.finditer(r"<Sentence\s+(.*?)>(.*?)</Sentence>", text, flags=re.S):
        attrs = dict(re.findall(r'(\w+)\s*=\s*"([^"]*)"', m.group(1)))
        body = m.group(2)
        tm = re.search(r"<Text>(.*?)</Text>", body, flags=re.S)
        if not tm:
            continue
        sent = " ".join(tm.group(1).split())
        sent = sent.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
        d = attrs.get("date", "").strip()
        rec = PetrarchRecord(attrs.get("id", "?").strip(), attrs.get("category", "?").strip(),
                             f"{d[:4]}-{d[4:6]}-{d[6:8]}" if len(d) == 8 else "", sent)
        for ec in re.findall(r"<EventCoding\s+(.*?)>", body, flags=re.S):
            ea = dict(re.findall(r'(\w+)\s*=\s*"([^"]*)"', ec))
            if ea.get("noevents", "").lower() == "true" or "error" in ea:
                rec.expect_none = True
            elif "eventcode" in ea:
                rec.expected.append((ea.get("sourcecode", ""), ea.get("targetcode", ""), ea["eventcode"]))
        out.append(rec)
    return out


def read_discards(directory: str | Path) -> list[str]:
    """Discard phrases (lower case, words separated by spaces) from ``PETR.Validate.discards.txt``."""
    p = Path(directory) / "PETR.Validate.discards.txt"
    if not p.exists():
        return []
    out = []
    for line in p.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.split("#", 1)[0].strip().lstrip("+").strip()
        if line:
            out.append(" ".join(re.split(r"[_\s]+", line.lower())))
    return out


def event_pairs(ev) -> list[tuple[str, str, str]]:
    """An event as PETRARCH-style (source, target, code) triples.

    A reciprocal event (coordinated actors of a symmetric event, coded by eventwire as a dyad and
    marked ``reciprocal`` in its rule) gives both directions, as PETRARCH does.
    """
    src = [a.code or "---" for a in ev.sources]
    tgt = [a.code or "---" for a in ev.targets]
    code = ev.cameo_code or ""
    if tgt and "reciprocal" in (ev.coder or ""):
        both = src + tgt
        return [(s, t, code) for s in both for t in both if s != t]
    if tgt:
        return [(s, t, code) for s in src for t in tgt]
    if len(src) >= 2:
        return [(s, t, code) for s in src for t in src if s != t]
    return [(s, "---", code) for s in src]


def run_petrarch(directory: str | Path, use_verbs: bool = False, nlp=None) -> PetrarchReport:
    """Code every record and score it (see the module docstring).

    Args:
        directory: the ``petrarch_unittest`` folder.
        use_verbs: load PETRARCH's verb dictionary (``full`` mode) instead of eventwire's triggers.
        nlp: a loaded spaCy pipeline (default: the project's).
    """
    from eventwire.actors.dictionary import ActorDictionary
    from eventwire.events.coder import EventCoder
    from eventwire.events.patterns import builtin_triggers, load_petrarch_verbs
    from eventwire.nlp.pipeline import fill_from_doc, load_nlp
    from eventwire.records import Article

    directory = Path(directory)
    actors = ActorDictionary()
    actors.load_petrarch_actors(directory / "PETR.Validate.actors.txt")
    actors.load_petrarch_agents(directory / "PETR.Validate.agents.txt")
    triggers = load_petrarch_verbs(directory / "PETR.Validate.verbs.txt") if use_verbs else builtin_triggers()
    coder = EventCoder(actors=actors, triggers=triggers, use_classifier=False, keep_unknown_codes=use_verbs)
    discards = read_discards(directory)
    nlp = nlp or load_nlp()
    records = read_records(directory)
    report = PetrarchReport("full" if use_verbs else "actors")
    cats: Counter = Counter()
    cat_pass: Counter = Counter()
    docs = nlp.pipe([r.text for r in records], batch_size=64)
    for rec, doc in zip(records, docs):
        art = Article(article_id=rec.rid, doc_id=rec.rid, title=None, body=rec.text, published=rec.date or None)
        fill_from_doc(art, doc)
        low = " ".join(re.split(r"[_\s]+", rec.text.lower()))
        if any(re.search(r"\b" + re.escape(d) + r"\b", low) for d in discards):
            events = []
        else:
            events = coder.code(art, doc)
        produced = [p for ev in events for p in event_pairs(ev)]
        if rec.expect_none:
            ok = not produced
        elif use_verbs:
            ok = all(e in produced for e in rec.expected)
        else:
            pairs = {(s, t) for s, t, _ in produced}
            ok = all((s, t) in pairs for s, t, _ in rec.expected)
        report.extra_events += max(0, len(produced) - len(rec.expected))
        cats[rec.category] += 1
        report.total += 1
        if ok:
            report.passed += 1
            cat_pass[rec.category] += 1
        else:
            report.failures.append((rec.rid, rec.expected, produced))
    report.by_category = {c: (cat_pass[c], n) for c, n in cats.items()}
    return report
