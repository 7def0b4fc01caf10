"""The actors annotator: actor codes of the article's entities and quotation speakers.

Runs after ``places`` (a city can stand for its country) and ``quotes`` (speakers to code), before
the event coder, which reads what it resolved. For each article it

1. resolves actor mentions (:class:`~eventwire.actors.resolver.ArticleActors`: the actor dictionary,
   roles, persons, the article's places) over the parsed body;
2. writes their codes onto the entities spaCy found (``Entity.actor_code``, ``Entity.country``; a code
   already set is kept) and adds the dictionary-found mentions spaCy missed (``source="dictionary"``,
   label ``GPE`` for countries and capitals, ``NORP`` for demonyms, ``ORG`` otherwise; role words
   alone are not entities);
3. codes each quotation's speaker (``Quote.speaker_code``/``speaker_country``): the actor of the
   speaker's span, or, for a pronoun speaker, the subject of the reporting verb it depends on
   ("Shaheen said he ...": :func:`reporting_antecedent`).

What it resolved (:class:`ActorMentions`) is left in ``doc.user_data`` under :data:`KEY` for the event
coder (:func:`actor_mentions`), so the mentions are resolved once per article; the pipeline removes
it after the article's annotators.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventwire.actors.dictionary import ActorDictionary, dictionary_from_env
from eventwire.actors.resolver import PRONOUNS, ArticleActors, Ref
from eventwire.events.modality import REPORTING
from eventwire.nlp.annotators import annotator
from eventwire.records import Article, Entity

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

#: ``doc.user_data`` key of the article's :class:`ActorMentions`.
KEY = "eventwire.actors"
#: Entity labels that never name an actor.
NON_ACTOR_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
#: Entity label of a dictionary-found mention, by dictionary entry kind (default ``ORG``).
DICTIONARY_LABELS = {"country": "GPE", "capital": "GPE", "demonym": "NORP"}

#: A quotation's speaker as the event coder uses it: (quote start, quote end, speaker actor, speaker text).
Speaker = tuple[int, int, "Ref | None", "str | None"]


@dataclass(slots=True)
class ActorMentions:
    """What the actors annotator resolved in one article.

    Attributes:
        actors: the dictionary used (the event coder re-resolves when its own differs).
        mentions: the resolved mentions over the parsed body.
        speakers: one entry per quotation, in ``article.quotes`` order.
    """

    actors: ActorDictionary
    mentions: ArticleActors
    speakers: list[Speaker]


def default_actors() -> ActorDictionary:
    """The process-wide actor dictionary: built-in plus ``EVENTWIRE_DICTIONARIES`` (see
    :func:`~eventwire.actors.dictionary.dictionary_from_env`; one object per value of the variable)."""
    return dictionary_from_env()


def coref(r: Ref, tok: "Token", certainty: float, keep_span: bool = False) -> Ref:
    """``r`` as the referent of pronoun ``tok``: the mention's span is the pronoun, or the antecedent's
    own span when ``keep_span`` (an antecedent in the same sentence: "The Afghan government said it
    would free ..." gives the source text "The Afghan government", which says more than "it")."""
    start, end = (r.start, r.end) if keep_span else (tok.i, tok.i + 1)
    return Ref(r.name, r.code, r.country, r.sector, r.qid, start, end, "pronoun:" + r.rule,
               min(r.certainty, certainty), r.kind, r.role_kind, r.region, r.head_lemma)


def reporting_antecedent(tok: "Token", aa: ArticleActors) -> list[Ref] | None:
    """For a pronoun under a reporting verb ("Shaheen said (that) he had held a meeting"), the actors
    of that verb's non-pronoun subject, as the pronoun's referents (certainty 0.85, the antecedent's
    span). ``[]`` when the nearest reporting verb has no such subject with an actor, ``None`` when no
    ancestor of ``tok`` is a reporting verb."""
    for anc in tok.ancestors:
        if anc.lemma_.lower() in REPORTING:
            for c in anc.children:
                if c.dep_ == "nsubj" and c.i != tok.i and c.lower_ not in PRONOUNS:
                    refs = aa.refs_with_conj(c)
                    if refs:  # the antecedent is in the sentence: the actor's span is the antecedent
                        return [coref(r, tok, 0.85, keep_span=True) for r in refs]
            return []
    return None


def code_actors(article: Article, doc: "Doc", actors: ActorDictionary) -> ActorMentions:
    """Resolve the actors of ``article`` (parsed as ``doc``) with ``actors``, write the entity and
    quote-speaker codes (module docstring) and leave the result in ``doc.user_data[KEY]``."""
    date = article.published[:10] if article.published else None
    aa = ArticleActors(doc, actors, date, article.places)
    starts = [s.start for s in doc.sents]
    _code_entities(article, doc, aa, starts)
    found = ActorMentions(actors, aa, _code_quotes(article, doc, aa))
    doc.user_data[KEY] = found
    return found


def actor_mentions(article: Article, doc: "Doc", actors: ActorDictionary) -> ActorMentions:
    """The actors annotator's result for ``doc`` when it used ``actors``; otherwise (a coder used
    outside the pipeline, or with its own dictionary) :func:`code_actors` now."""
    found = doc.user_data.get(KEY)
    if isinstance(found, ActorMentions) and found.actors is actors:
        return found
    return code_actors(article, doc, actors)


def _code_entities(article: Article, doc: "Doc", aa: ArticleActors, starts: list[int]) -> None:
    covered: set[int] = set()
    for e in article.entities:
        span = doc.char_span(e.start, e.end, alignment_mode="expand")
        if span is None:
            continue
        covered.update(range(span.start, span.end))
        if e.label in NON_ACTOR_LABELS:
            continue
        ref = aa.entity_ref(span.start, span.end)
        if ref is not None:
            e.country = e.country or ref.country
            e.actor_code = e.actor_code or ref.code or None
    added = []
    for m in aa.matches:
        if m.entry.kind in ("role",) or any(i in covered for i in range(m.start, m.end)):
            continue
        span = doc[m.start:m.end]
        label = DICTIONARY_LABELS.get(m.entry.kind, "ORG")
        added.append(Entity(span.start_char, span.end_char, span.text, label,
                            bisect.bisect_right(starts, m.start) - 1, m.entry.country,
                            m.entry.code_on(aa.date) or None, source="dictionary"))
    if added:
        article.entities = sorted(article.entities + added, key=lambda x: (x.start, x.end))


def _code_quotes(article: Article, doc: "Doc", aa: ArticleActors) -> list[Speaker]:
    out: list[Speaker] = []
    for q in article.quotes:
        ref = None
        if q.speaker_start is not None and q.speaker_end is not None:
            span = doc.char_span(q.speaker_start, q.speaker_end, alignment_mode="expand")
            if span is not None and len(span):
                if span.root.lower_ in PRONOUNS:
                    refs = reporting_antecedent(span.root, aa)
                    ref = refs[0] if refs else None
                else:
                    ref = aa.entity_ref(span.start, span.end)
        if ref is not None:
            q.speaker_code = q.speaker_code or ref.code
            q.speaker_country = q.speaker_country or ref.country
        out.append((q.start, q.end, ref, q.speaker_text))
    return out


@annotator("actors", requires=("entities", "entities.label", "places", "quotes"),
           assigns=("entities+", "entities.actor_code", "entities.country", "quotes.speaker_code",
                    "quotes.speaker_country"))
def annotate_actors(article: Article, doc: "Doc") -> None:
    """Annotator ``actors``: code the entities and quotation speakers of ``article`` (module docstring)."""
    code_actors(article, doc, default_actors())
