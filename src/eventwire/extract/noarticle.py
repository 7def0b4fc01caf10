"""Pages that hold no article: error pages, paywall stubs, index pages, near-empty pages.

:func:`no_article_reason` looks at what extraction found and at what the page says about itself, and
returns a short stable reason (and a detail) when the page is not an article, so that it is recorded
as ``no_article`` with that reason instead of being stored as an article. The rules are ours:

* **too short**: fewer than :data:`MIN_ARTICLE_WORDS` words of main text;
* **error page**: the title or ``<h1>`` says so (404, "page not found", "Seite nicht gefunden",
  "page introuvable", "página no encontrada", ...) and the text is short (< :data:`SHORT_WORDS` words);
* **paywall stub**: the JSON-LD says ``isAccessibleForFree: false`` or the text carries a subscription
  prompt ("subscribe to continue reading", "Jetzt weiterlesen mit", "réservé aux abonnés", ...), and
  the text is short (< :data:`SHORT_WORDS` words);
* **index page**: nothing marks the page as an article (no article-type JSON-LD, ``og:type`` not
  ``article``, no publication time) and most of its text is link text (link density > 0.5).
"""
from __future__ import annotations

import re

from eventwire.extract.metadata import ARTICLE_TYPES, PageMetadata

#: Fewer words than this: not an article. Words as in :func:`eventwire.extract.html.word_count`.
MIN_ARTICLE_WORDS = 25
#: Error pages and paywall stubs are only flagged when their text is shorter than this.
SHORT_WORDS = 150
#: Link density above which a page with no article marker is an index page.
INDEX_LINK_DENSITY = 0.5

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
    if n_words < SHORT_WORDS and (md.accessible_for_free is False or _PAYWALL.search(text)):
        return ("no article: paywall stub", f"{n_words} words")
    if n_words < MIN_ARTICLE_WORDS:
        return ("no article: main text too short", f"{n_words} words < {MIN_ARTICLE_WORDS}")
    is_article = bool(md.ld_types & ARTICLE_TYPES) or (md.og_type or "").lower() == "article" or bool(md.published)
    if not is_article and md.link_density > INDEX_LINK_DENSITY:
        return ("no article: index page", f"link density {md.link_density:.2f}, no article markup or date")
    return None
