"""Pages that hold no article: error pages, paywall stubs, index pages, near-empty pages.

:func:`no_article_reason` looks at what extraction found and at what the page says about itself, and
returns a short stable reason (and a detail) when the page is not an article, so that it is recorded
as ``no_article`` with that reason instead of being stored as an article. The rules are ours:

* **too short**: fewer than :data:`MIN_ARTICLE_WORDS` words of main text, unless the page marks
  itself an article (article-type JSON-LD, ``og:type`` article, a publication time) and has at least
  :data:`MIN_MARKED_WORDS`: then it is a short article, kept with a warning;
* **error page**: the title or ``<h1>`` says so (404, "page not found", "Seite nicht gefunden",
  "page introuvable", "página no encontrada", ...) and the text is short (< :data:`SHORT_WORDS` words);
* **paywall stub**: the JSON-LD says ``isAccessibleForFree: false`` or the text carries a subscription
  prompt ("subscribe to continue reading", "Jetzt weiterlesen mit", "réservé aux abonnés", ...), and
  the visible text (without the prompt) is under :data:`MIN_ARTICLE_WORDS` words. A longer visible
  lead is the article's beginning: kept, with the warning :data:`PARTIAL_PAYWALL` (a partial article
  is stored, never lost);
* **index page**: nothing marks the page as an article (no article-type JSON-LD, ``og:type`` not
  ``article``, no publication time) and most of the *extracted* text is link text (link density >
  0.5, :func:`text_link_density`): a menu around a short news item is the page's, not the item's.

:func:`article_warnings` gives the warnings of a page that is kept (partial, short).
"""
from __future__ import annotations

import re

from eventwire.extract.metadata import ARTICLE_TYPES, PageMetadata

#: CJK scripts (kana, CJK ideographs, hangul), written without spaces between words.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def word_count(text: str) -> int:
    """Words in ``text``: whitespace tokens outside CJK script, plus one per two CJK characters."""
    n_cjk = len(_CJK.findall(text))
    return len(_CJK.sub(" ", text).split()) + n_cjk // 2


#: Fewer words than this: not an article. Words as in :func:`word_count`.
MIN_ARTICLE_WORDS = 25
#: Error pages and paywall stubs are only flagged when their text is shorter than this.
SHORT_WORDS = 150
#: Link density above which a page with no article marker is an index page.
INDEX_LINK_DENSITY = 0.5
#: A page that marks itself an article is kept from this many words (with a warning below
#: :data:`MIN_ARTICLE_WORDS`).
MIN_MARKED_WORDS = 10
#: Warning of a paywalled page kept with its visible lead.
PARTIAL_PAYWALL = "partial article: paywalled, only the visible lead"
#: Warning of a page kept with fewer than MIN_ARTICLE_WORDS words.
SHORT_ARTICLE = "short article"

_ERROR = re.compile(
    r"\b(?:404|410)\b|\b(?:page|article|content)\s+(?:not\s+found|does\s+not\s+exist|no\s+longer\s+available)|"
    r"\bnot\s+found\b|seite\s+(?:wurde\s+)?nicht\s+gefunden|page\s+(?:introuvable|non\s+trouvée)|"
    r"p[áa]gina\s+no\s+(?:encontrada|existe)|error\s+404|fehler\s+404|erreur\s+404|"
    r"sorry,?\s+(?:we\s+)?(?:can'?t|couldn'?t)\s+find", re.I)
_PAYWALL = re.compile(
    r"subscribe\s+(?:now\s+)?to\s+(?:continue|read)|to\s+continue\s+reading|already\s+a\s+subscriber|"
    r"this\s+(?:article|content)\s+is\s+(?:for|available\s+to|reserved\s+for)\s+(?:subscribers|members)|"
    r"subscriber[- ]only|jetzt\s+weiterlesen\s+mit|weiterlesen\s+mit\s+\w+\s*\+|mit\s+\w+\+?\s+weiterlesen|"
    r"dieser\s+artikel\s+ist\s+(?:nur\s+)?(?:für\s+)?abonnenten|réservé\s+aux\s+abonnés|"
    r"article\s+réservé|contenido\s+exclusivo\s+para\s+suscriptores|hazte\s+suscriptor|"
    r"suscr[íi]bete\s+para\s+(?:seguir|continuar)\s+leyendo", re.I)


def _is_article(md: PageMetadata) -> bool:
    return bool(md.ld_types & ARTICLE_TYPES) or (md.og_type or "").lower() == "article" or bool(md.published)


def _paywalled(md: PageMetadata, text: str) -> bool:
    return md.accessible_for_free is False or bool(_PAYWALL.search(text))


def visible_words(text: str, headings: tuple[str, ...] = ()) -> int:
    """Words of ``text`` without its subscription-prompt lines ("Subscribe to continue reading") and
    without lines that are one of ``headings`` (the page's title repeated in the text)."""

    heads = {" ".join(h.split()).casefold() for h in headings if h}
    return word_count("\n".join(ln for ln in text.split("\n")
                                if not _PAYWALL.search(ln) and " ".join(ln.split()).casefold() not in heads))


def text_link_density(tree, text: str) -> float:
    """Share of the extracted ``text`` (in characters) that is the text of the page's links.

    Each ``<a>`` text of at least 3 characters found in ``text`` counts once per occurrence in the page
    (so a menu outside the extracted text does not count). Near 1 for an index page whose extracted
    text is a list of headlines; near 0 for an article. ``0.0`` without a tree or text.
    """
    flat = " ".join(text.split())
    if tree is None or not flat:
        return 0.0
    body = tree.find(".//body")
    if body is None:
        return 0.0
    linked, pos = 0, {}
    for a in body.iter("a"):
        t = " ".join("".join(a.itertext()).split())
        if len(t) < 3:
            continue
        i = flat.find(t, pos.get(t, 0))
        if i >= 0:
            pos[t] = i + len(t)
            linked += len(t)
    return min(1.0, linked / len(flat))


def no_article_reason(tree, md: PageMetadata, text: str, n_words: int) -> tuple[str, str] | None:
    """Why the page holds no article, as ``(reason, detail)``, or ``None`` when it holds one.

    Args:
        tree: the parsed page (lxml) or ``None``; md: its metadata; text: the extracted main text;
        n_words: its word count.
    """
    if not text.strip():
        return ("no article text found in HTML", "")
    heading = " ".join(v for k, v in md.titles.items() if k in ("title", "h1", "og"))
    if n_words < SHORT_WORDS and _ERROR.search(heading):
        return ("no article: error page", heading[:120])
    is_article = _is_article(md)
    if n_words < SHORT_WORDS and _paywalled(md, text) and (
            lead := visible_words(text, tuple(md.titles.values()))) < MIN_ARTICLE_WORDS:
        return ("no article: paywall stub", f"{lead} words visible")
    if n_words < MIN_ARTICLE_WORDS and not (is_article and n_words >= MIN_MARKED_WORDS):
        return ("no article: main text too short", f"{n_words} words < {MIN_ARTICLE_WORDS}")
    if not is_article and (density := text_link_density(tree, text)) > INDEX_LINK_DENSITY:
        return ("no article: index page", f"link density {density:.2f} of the extracted text, no article markup or date")
    return None


def article_warnings(md: PageMetadata, text: str, n_words: int) -> list[str]:
    """Warnings of a page kept as an article (after :func:`no_article_reason` returned ``None``):
    :data:`PARTIAL_PAYWALL` with the visible words, :data:`SHORT_ARTICLE` with the word count."""
    out = []
    if n_words < SHORT_WORDS and _paywalled(md, text):
        out.append(f"{PARTIAL_PAYWALL} ({visible_words(text, tuple(md.titles.values()))} words)")
    if n_words < MIN_ARTICLE_WORDS:
        out.append(f"{SHORT_ARTICLE}: {n_words} words < {MIN_ARTICLE_WORDS}")
    return out
