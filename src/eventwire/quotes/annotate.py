"""The quotation annotator (``quotes``; speaker codes are the actors annotator's): direct and indirect quotes with speaker, cue and ``via``.

Direct quotes (:func:`find_direct`): text between quotation marks, straight (``"``) or typographic
(``“ ”``, ``„ “``, ``« »``, and single ``‘ ’`` when not an apostrophe). A quote left open at the end of
a paragraph continues into the next paragraph when that one opens with a quotation mark (the English
convention for multi-paragraph quotes), else it is closed at the paragraph end (``unbalanced`` in its
rule). A closing mark after a sentence's punctuation with no quote open ('... at the port," the
governor said.') closes a quote whose opening mark is missing: it began at the paragraph's start
(``unbalanced`` too). Quoted spans under three words, or under five words with no speaker, are scare quotes
("humanitarian crisis", “gain”) and are not kept; nor are quoted names and titles (after "named",
"called", "titled", a media noun such as "video" or "website", or in title case without sentence
punctuation: a robot named “Better Idea of Afghan Girls”).

Speaker (for both kinds): the subject of the nearest communication verb (:data:`CUE_VERBS`, "said",
"told", "added", "wrote", ...) outside the quote in the quote's sentences, else in the sentence before
it when that one ends with a colon ("He wrote in a statement on Twitter:"), else the sentence after it;
or the object of "according to". The speaker is the named person in apposition when there is one
("the Taliban spokesman, Sohail Shaheen" -> "Sohail Shaheen"), the named entity inside a source noun
("a report from the news agency Reuters" -> "Reuters"), else the role noun phrase ("A spokesman for
the US State Department"). A pronoun ("he", "she") is resolved to the latest person named before it
(a previous speaker or a ``PERSON`` entity). ``via`` is an outlet the words were given to: the
object of the cue when it is an organisation or a media noun ("told Reuters", "told the news agency
France Press agency", "said Reuters:").

Indirect quotes: the clausal complement of a communication verb ("Shaheen said that he had ..."),
an "As X said, ..." clause, or the clause governed by "according to X"; skipped when direct quotes
already cover half of it.

``speaker_code``/``speaker_country`` are left to the actors annotator (:mod:`eventwire.actors.annotate`),
which owns the actor dictionaries.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventwire import lexicon
from eventwire.nlp.annotators import annotator
from eventwire.records import Article, Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

#: Lemmas of verbs that introduce reported speech.
CUE_VERBS = lexicon.words("quote_cue_verbs")
#: Extra cues that only introduce direct quotes ("'Stop!' he shouted").
DIRECT_ONLY_CUES = lexicon.words("direct_only_cues")
#: Nouns that stand for a source rather than a speaker ("a report from Reuters").
SOURCE_NOUNS = lexicon.words("source_nouns")
#: Media nouns: an object of "told" with one of these is an outlet (``via``).
MEDIA_NOUNS = lexicon.words("media_nouns")
_PRONOUNS = lexicon.words("person_pronouns")
_GROUP_PRONOUNS = lexicon.words("group_pronouns")
_OPEN_D = {"“": "”", "„": "“", "«": "»", '"': '"', "‟": "”"}
_OPEN_S = {"‘": "’", "'": "'"}


@dataclass
class _Raw:
    start: int  # content offsets (without the marks)
    end: int
    unbalanced: bool = False


def _paragraphs(body: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in re.finditer(r"\n\s*\n", body):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(body)))
    return [(s, e) for s, e in out if body[s:e].strip()]


def find_direct(body: str) -> list[_Raw]:
    """Quoted spans of ``body`` (content offsets, marks excluded), in order. See the module docstring."""
    out: list[_Raw] = []
    paras = _paragraphs(body)
    carry: int | None = None  # start of a quote continuing from the previous paragraph
    for pi, (ps, pe) in enumerate(paras):
        i = ps
        open_at: int | None = None
        close_ch = ""
        if carry is not None:
            if body[ps] in _OPEN_D:
                open_at, close_ch, i = carry, _OPEN_D[body[ps]], ps + 1
                if close_ch == '"':
                    close_ch = '"'
            else:
                out.append(_Raw(carry, _rstrip(body, paras[pi - 1][1]), True))
            carry = None
        while i < pe:
            ch = body[i]
            if open_at is None:
                if ch in ('"', '”') and i > ps and body[i - 1] in ",.!?" and (i + 1 == pe or body[i + 1].isspace()) \
                        and not out_in(out, ps, i):
                    # a closing mark with no opening one: the quote began at the paragraph's start
                    # ('Fishermen are angry ...," the governor said.')
                    out.append(_Raw(ps, i, True))
                elif ch in _OPEN_D and _opens(body, i, ps):
                    open_at, close_ch = i + 1, _OPEN_D[ch]
                elif ch in _OPEN_S and _opens_single(body, i, ps):
                    open_at, close_ch = i + 1, _OPEN_S[ch]
            else:
                if ch == close_ch and (close_ch not in "'’" or _closes_single(body, i)):
                    out.append(_Raw(open_at, i))
                    open_at = None
                elif close_ch in ('”', '"', '»') and ch in ("“", "„") and body[i - 1].isspace():
                    # a new opening mark before the old quote closed: close the old one here
                    out.append(_Raw(open_at, _rstrip(body, i), True))
                    open_at, close_ch = i + 1, _OPEN_D[ch]
            i += 1
        if open_at is not None:
            if close_ch in ("'", "’"):
                pass  # an unclosed single mark is almost always an apostrophe
            elif pi + 1 < len(paras) and body[paras[pi + 1][0]] in _OPEN_D:
                carry = open_at
            else:
                out.append(_Raw(open_at, _rstrip(body, pe), True))
    if carry is not None:
        out.append(_Raw(carry, _rstrip(body, paras[-1][1]), True))
    for r in out:  # a comma inside the closing mark belongs to the sentence, not the quote
        while r.end > r.start and (body[r.end - 1] in ",;" or body[r.end - 1].isspace()):
            r.end -= 1
        while r.start < r.end and body[r.start].isspace():
            r.start += 1
    return [r for r in out if r.end > r.start]


def out_in(out: list[_Raw], ps: int, i: int) -> bool:
    """Does a quote found already end inside [ps, i)? (Then a later closing-shaped mark is no quote's end.)"""
    return any(ps <= r.end <= i for r in out)


def _rstrip(body: str, end: int) -> int:
    while end > 0 and body[end - 1].isspace():
        end -= 1
    return end


def _opens(body: str, i: int, ps: int) -> bool:
    if body[i] != '"':
        return True
    return i == ps or not body[i - 1].isalnum() or body[i - 1] in "(["


def _opens_single(body: str, i: int, ps: int) -> bool:
    prev_ok = i == ps or body[i - 1].isspace() or body[i - 1] in "([—–-“\""
    return prev_ok and i + 1 < len(body) and body[i + 1].isalnum()


def _closes_single(body: str, i: int) -> bool:
    return i + 1 >= len(body) or not body[i + 1].isalpha()


_TITLE_CUES = re.compile(r"(?:named|called|titled|entitled|dubbed|headlined|website|site|video|film|movie|book|song|"
                        r"album|show|exhibition|exhibit|series|campaign|operation|slogan|hashtag|article|report|of)\W*$",
                        re.IGNORECASE)
_SMALL = lexicon.words("title_small_words")


def _is_title(body: str, r: _Raw) -> bool:
    """A quoted name or title rather than speech: introduced by "named", "called", "titled", a media
    noun ("the video ..."), or written in title case without sentence punctuation."""
    text = body[r.start:r.end]
    if re.search(r"[.!?]\s", text):  # several sentences: speech
        return False
    before = body[max(0, r.start - 25):r.start - 1]
    if _TITLE_CUES.search(before):
        return True
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", text) if w.lower() not in _SMALL]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) / len(words) >= 0.8 and not text.endswith((".", "!", "?"))


def _words(s: str) -> int:
    return len(re.findall(r"\w+", s))


class _Speakers:
    """Finds and resolves speakers in one parsed article."""

    def __init__(self, article: Article, doc: "Doc", quoted: list[_Raw]):
        self.article = article
        self.doc = doc
        self.quoted = quoted
        self.history: list[tuple[int, int, int, str]] = []  # (start, end, char pos, text) of speakers seen
        self._inside: set[int] = set()
        for q in quoted:
            span = doc.char_span(q.start, q.end, alignment_mode="expand")
            if span is not None:
                self._inside.update(t.i for t in span if q.start <= t.idx < q.end)
        self._ent_of: dict[int, "Span"] = {i: e for e in doc.ents for i in range(e.start, e.end)}

    def inside(self, tok: "Token") -> bool:
        return tok.i in self._inside

    def cues(self, tokens: list["Token"], direct: bool, anchor: int) -> list["Token"]:
        """Communication verbs (and "according") outside quotes, nearest to char offset ``anchor`` first."""
        found = []
        for t in tokens:
            if self.inside(t):
                continue
            ok = (t.pos_ in ("VERB", "AUX") and (t.lemma_ in CUE_VERBS or (direct and t.lemma_ in DIRECT_ONLY_CUES))
                  and not (t.lemma_ == "point" and not any(c.lower_ == "out" for c in t.children)))
            ok = ok or (t.lower_ == "according" and any(c.lower_ == "to" for c in t.children))
            if ok:
                found.append(t)
        found.sort(key=lambda t: abs(t.idx - anchor))
        return found

    def attribute(self, tokens: list["Token"], direct: bool, anchor: int) -> "tuple[Token | None, tuple[int, int, str] | None]":
        """The nearest cue that has a speaker (or the nearest cue, speakerless), and the speaker."""
        cues = self.cues(tokens, direct, anchor)
        for c in cues:
            who = self.speaker_of(c)
            if who is not None:
                return c, who
        return (cues[0] if cues else None), None

    def speaker_of(self, cue: "Token") -> "tuple[int, int, str] | None":
        """(start, end, text) of the speaker for a cue token, pronouns resolved."""
        if cue.lower_ == "according":
            to = next((c for c in cue.children if c.lower_ == "to"), None)
            head = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
        else:
            head = next((c for c in cue.children if c.dep_ in ("nsubj", "nsubjpass") and not self.inside(c)), None)
            if head is None:
                head = self._np_before(cue)
            if head is None and cue.dep_ in ("conj", "xcomp") and cue.head.pos_ in ("VERB", "AUX"):
                head = next((c for c in cue.head.children if c.dep_ == "nsubj" and not self.inside(c)), None)
        if head is None:
            return None
        return self.phrase(head)

    def _np_before(self, cue: "Token") -> "Token | None":
        """A noun phrase ending right before a subjectless cue (a mis-parsed "A spokesman ... told")."""
        if cue.i == 0:
            return None
        t = self.doc[cue.i - 1]
        if t.pos_ not in ("NOUN", "PROPN", "PRON") or self.inside(t):
            return None
        while t.head is not t and t.head.i < cue.i and t.head.right_edge.i == cue.i - 1 and t.head.pos_ in ("NOUN", "PROPN", "ADP"):
            t = t.head
        while t.pos_ == "ADP":  # climbed onto a preposition: its head noun
            t = t.head
        return t if t.pos_ in ("NOUN", "PROPN", "PRON") else None

    def phrase(self, head: "Token") -> "tuple[int, int, str] | None":
        doc = self.doc
        if head.lower_ in _PRONOUNS | _GROUP_PRONOUNS:
            return self.antecedent(head)
        if head.pos_ == "PRON":
            return None
        # a named person in apposition wins ("the spokesman, Sohail Shaheen")
        for c in head.children:
            if c.dep_ == "appos" and c.ent_type_ == "PERSON":
                return self._ent_or_tok(c)
        if head.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
            return self._ent_or_tok(head)
        if head.lemma_.lower() in SOURCE_NOUNS:  # "a report from the news agency Reuters"
            sent_end = head.sent.end
            for t in list(head.subtree) + list(doc[head.i + 1:min(sent_end, head.i + 9)]):
                if t.ent_type_ in ("ORG", "PERSON") and t.i != head.i:
                    return self._ent_or_tok(t)
        # the role noun phrase: left modifiers + head + "for/of/from ..." modifiers, no clauses
        lo = head.left_edge.i
        hi = head.i
        for c in head.rights:
            if c.dep_ == "prep" and c.lower_ in ("for", "of", "from", "at", "in", "with"):
                hi = max(hi, c.right_edge.i)
            elif c.dep_ in ("compound", "amod", "nummod"):
                hi = max(hi, c.right_edge.i)
        hi = min(hi, lo + 15)
        span = doc[lo:hi + 1]
        return span.start_char, span.end_char, span.text

    def _ent_or_tok(self, tok: "Token") -> tuple[int, int, str]:
        e = self._ent_of.get(tok.i)
        if e is not None:
            s = e.start + (1 if e[0].lower_ == "the" else 0)
            span = self.doc[s:e.end]
            return span.start_char, span.end_char, span.text
        return tok.idx, tok.idx + len(tok.text), tok.text

    def antecedent(self, pron: "Token") -> "tuple[int, int, str] | None":
        """The latest person (he/she) or speaker/organisation (they/it) named before the pronoun."""
        pos = pron.idx
        person = pron.lower_ in _PRONOUNS
        best: tuple[int, int, str] | None = None
        for e in self.article.entities:
            if e.end > pos:
                break
            if (person and e.label == "PERSON") or (not person and e.label in ("ORG", "GPE", "NORP")):
                best = (e.start, e.end, e.text)
        for s, e, _, text in self.history:
            if e <= pos and (best is None or s > best[0]) and (person or not any(
                    en.label == "PERSON" and en.start == s for en in self.article.entities)):
                best = (s, e, text)
        return best

    def via_of(self, cue: "Token") -> str | None:
        """The outlet a cue verb's words were given to ("told Reuters", "said Reuters:")."""
        if cue.lower_ == "according":
            return None
        for c in cue.children:
            cands = []
            if c.dep_ in ("dobj", "dative", "npadvmod", "attr") and not self.inside(c):
                cands.append(c)
            if c.dep_ == "prep" and c.lower_ in ("to", "in", "with"):
                for p in c.children:
                    if p.dep_ == "pobj":
                        cands.append(p)
                        if p.lemma_ == "interview":  # "in an interview with the BBC"
                            cands.extend(pp for w in p.children if w.dep_ == "prep" for pp in w.children if pp.dep_ == "pobj")
            for t in cands:
                if t.ent_type_ == "ORG" or t.lemma_.lower() in MEDIA_NOUNS or any(
                        x.lemma_.lower() in MEDIA_NOUNS for x in t.lefts):
                    if t.ent_type_:
                        return self._ent_or_tok(t)[2]
                    text = self.doc[t.left_edge.i:t.i + 1].text
                    return text[4:] if text.lower().startswith("the ") else text
        return None


def _clause_without(doc: "Doc", main: "Token", attribution: "Token", cut_after: bool) -> "Span":
    """The clause headed by ``main`` without its attribution phrase headed by ``attribution`` ("as X
    said", "according to X"): when the attribution comes first, the clause starts after it (and its
    punctuation); when it comes last and ``cut_after``, the clause ends before it."""
    lo, hi = main.left_edge.i, main.right_edge.i
    if attribution.right_edge.i < main.i:
        lo = attribution.right_edge.i + 1
        while lo < hi and doc[lo].is_punct:
            lo += 1
    elif cut_after:
        hi = attribution.i - 1
    return doc[lo:hi + 1]


@annotator("quotes", requires=("entities", "entities.label"), assigns=("quotes",))
def annotate_quotes(article: Article, doc: "Doc") -> None:
    """Find direct and indirect quotes in ``article`` (parsed as ``doc``) with their speakers."""
    body = article.body
    raws = [r for r in find_direct(body) if r.end <= len(doc.text)]
    sp = _Speakers(article, doc, raws)
    sents = list(doc.sents)
    starts = [s.start_char for s in sents]
    quotes: list[Quote] = []

    import bisect

    def sent_idx(ch: int) -> int:
        return max(0, bisect.bisect_right(starts, ch) - 1)

    for r in raws:
        text = body[r.start:r.end]
        n = _words(text)
        if n < 3 or _is_title(body, r):
            continue
        si, sj = sent_idx(r.start), sent_idx(max(r.start, r.end - 1))
        toks = [t for k in range(si, sj + 1) for t in sents[k]]
        # sentences that are nothing but the quote: look around them
        near = r.start if r.start - sents[si].start_char > sents[sj].end_char - r.end else r.end
        cue, speaker = sp.attribute(toks, True, near)
        rule = "direct"
        if speaker is None and si > 0 and body[sents[si - 1].start_char:r.start].rstrip().endswith(":"):
            c2, s2 = sp.attribute(list(sents[si - 1]), True, sents[si - 1].end_char)
            if s2 is not None:
                cue, speaker, rule = c2, s2, rule + ", cue in the sentence before (colon)"
        if speaker is None and sj + 1 < len(sents) and len(sents[sj + 1]) <= 12:
            c2, s2 = sp.attribute(list(sents[sj + 1]), True, sents[sj + 1].start_char)
            if s2 is not None:
                cue, speaker, rule = c2, s2, rule + ", cue in the sentence after"
        if speaker is None and n < 5:
            continue
        if r.unbalanced:
            rule += ", unbalanced marks"
        q = Quote(r.start, r.end, text, "direct")
        _fill(q, sp, cue, speaker, rule)
        quotes.append(q)

    # indirect speech
    for tok in doc:
        if sp.inside(tok):
            continue
        span = None
        if tok.pos_ in ("VERB", "AUX") and tok.lemma_ in CUE_VERBS:
            comp = next((c for c in tok.children if c.dep_ == "ccomp" and not sp.inside(c)), None)
            if comp is not None and any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in comp.children):
                lo = comp.left_edge.i
                while lo < comp.i and doc[lo].dep_ == "mark":
                    lo += 1
                span = doc[lo:comp.right_edge.i + 1]
                rule = "indirect: clause of a communication verb"
            elif tok.dep_ == "advcl" and any(c.lower_ == "as" and c.dep_ == "mark" for c in tok.children):
                span = _clause_without(doc, tok.head, tok, cut_after=False)
                rule = "indirect: 'as X said' clause"
        elif tok.lower_ == "according" and any(c.lower_ == "to" for c in tok.children) and tok.head.pos_ in ("VERB", "AUX"):
            span = _clause_without(doc, tok.head, tok, cut_after=True)
            rule = "indirect: 'according to'"
        if span is None or len(span) < 3:
            continue
        s, e = span.start_char, span.end_char
        while e > s and (body[e - 1] in ".,;:" or body[e - 1].isspace()):
            e -= 1
        covered = sum(max(0, min(e, r.end) - max(s, r.start)) for r in raws)
        if covered >= 0.5 * (e - s):
            continue
        speaker = sp.speaker_of(tok)
        q = Quote(s, e, body[s:e], "indirect")
        _fill(q, sp, tok, speaker, rule)
        quotes.append(q)
    quotes.sort(key=lambda q: (q.start, q.end))
    article.quotes = quotes


def _fill(q: Quote, sp: _Speakers, cue: "Token | None", speaker: "tuple[int, int, str] | None", rule: str) -> None:
    if cue is not None:
        if cue.lower_ == "according":
            q.cue, q.cue_start, q.cue_end = "according to", cue.idx, cue.idx + len("according to")
        else:
            q.cue, q.cue_start, q.cue_end = cue.text, cue.idx, cue.idx + len(cue.text)
        q.via = sp.via_of(cue)
    if speaker is not None:
        q.speaker_start, q.speaker_end, q.speaker_text = speaker
        sp.history.append((speaker[0], speaker[1], q.start, speaker[2]))
    q.rule = rule + ("" if speaker else ", no speaker found")
