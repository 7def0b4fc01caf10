"""Stories: articles about the same happening, grouped.

An article joins a story in one of two ways:

1. **Through its copies.** Every duplicate group (:mod:`eventwire.corpus.dedup`) lies in one story:
   an article that copies an article of a story joins that story (and if a new copy links two
   stories, they are merged into the older one).
2. **Through its anchors.** Otherwise the article is compared with the articles seen within
   :data:`STORY_DAYS` days before or after it that share at least :data:`MIN_SHARED` anchors with it
   (names, numbers, dates: :func:`eventwire.corpus.text.anchors`). The similarity is the cosine of
   IDF-weighted binary anchor vectors; the article joins the story of its most similar article when
   that similarity reaches :data:`STORY_COSINE`, else it starts a new story. Anchors are language
   independent, so reports in different languages can join one story. This is single-link
   clustering in a sliding time window, as news-story trackers do (Event Registry groups articles
   into events by text similarity within a time window); a developing story can chain over days,
   up to :data:`MAX_STORY_DAYS` days from its first article.

A story's label is the title of its earliest English original (not a duplicate), else of its earliest
original; its first-seen time is the earliest ``seen_at`` of its members.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

#: Days before and after an article within which story partners are searched.
STORY_DAYS = 3
#: Fewest shared anchors for a story candidate.
MIN_SHARED = 3
#: Cosine similarity (IDF-weighted anchors) above which two articles report the same happening.
STORY_COSINE = 0.45
#: Candidates compared per article (the ones sharing most anchors).
MAX_CANDIDATES = 50
#: An article joins a story through its anchors only within this many days of the story's first
#: article; later, a new story starts (single-link chaining would otherwise let a long-running topic
#: grow into one story for ever). Copies always join their original's story.
MAX_STORY_DAYS = 14


def anchor_cosine(a: Mapping[str, object], b: Mapping[str, object], weights: Mapping[str, float]) -> float:
    """Cosine similarity of two anchor sets as IDF-weighted binary vectors (anchors without a
    weight count 1). 0 when either is empty."""
    if not a or not b:
        return 0.0
    na = math.sqrt(sum(weights.get(x, 1.0) ** 2 for x in a))
    nb = math.sqrt(sum(weights.get(x, 1.0) ** 2 for x in b))
    dot = sum(weights.get(x, 1.0) ** 2 for x in a if x in b)
    return dot / (na * nb)
