"""Where the duplicate and story thresholds sit: similarity scores of known copies vs distinct articles.

Pools:
* the generated corpus (``tests/corpus_gen.py``): wire copies, edited copies, a cut copy, an exact copy,
  German and French translations, independent reports and same-topic distractors;
* the real fundus pages' expected bodies (``../shared/data/extraction/fundus``, 42 countries, many
  languages): every pair of distinct pages is a negative, and generated copies of them (wire boilerplate,
  edits, cuts) are positives.

Prints, for each rule of :mod:`eventwire.corpus.dedup` and :mod:`eventwire.corpus.stories`, the score
ranges of positives and negatives and how many of each the current thresholds accept.

Run: ``.venv/bin/python bench/corpus_scores.py``
"""
from __future__ import annotations

import glob
import itertools
import json
import random
import statistics
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from eventwire.corpus import dedup, stories  # noqa: E402
from eventwire.corpus.text import anchors, shingles, words  # noqa: E402
from eventwire.extract.language import detect_language  # noqa: E402
from tests import corpus_gen  # noqa: E402

SHARED = Path(ROOT.parent / "shared")


def fundus_bodies() -> list[tuple[str, str, str]]:
    """(name, language, body) of every fundus expected article."""
    out = []
    for f in sorted(glob.glob(str(SHARED / "data/extraction/fundus/*/*.json"))):
        d = json.loads(Path(f).read_text(encoding="utf-8"))
        for ver, v in d.items():
            b = v.get("body") or {}
            paras = list(b.get("summary") or [])
            for sec in b.get("sections") or []:
                paras += sec.get("paragraphs") or []
            body = "\n\n".join(p for p in paras if p)
            if len(body.split()) < 40:
                continue
            lang, _ = detect_language(body)
            out.append((f"{Path(f).parent.name}/{Path(f).stem}/{ver}", lang or "?", body))
    return out


def summary(xs: list[float]) -> str:
    if not xs:
        return "n=0"
    xs = sorted(xs)
    return (f"n={len(xs)} min={xs[0]:.3f} median={statistics.median(xs):.3f} "
            f"p95={xs[int(0.95 * (len(xs) - 1))]:.3f} max={xs[-1]:.3f}")


def main() -> None:
    rng = random.Random(5)
    gen = corpus_gen.build()
    fund = fundus_bodies()
    print(f"generated articles: {len(gen)}; fundus bodies: {len(fund)} "
          f"({len(Counter(l for _, l, _ in fund))} languages)")

    # -- near duplicates ------------------------------------------------------------------------
    def sh(body: str) -> set[bytes]:
        return set(shingles(words(body)))

    pos: dict[str, list[tuple[float, float, int]]] = {}
    by_name = {g.name: g for g in gen}
    for g in gen:
        if g.copy_of and g.kind in ("near", "cut", "exact"):
            a, b = sh(g.body), sh(by_name[g.copy_of].body)
            j, c = dedup.shingle_similarity(a, b)
            pos.setdefault(f"generated {g.kind}", []).append((j, c, min(len(a), len(b))))
    for name, lang, body in fund:
        for kind, variant in (("wire", corpus_gen._wire_copy(body, rng)), ("edited", corpus_gen._edited(body, rng)),
                              ("cut", corpus_gen._cut(body))):
            a, b = sh(variant), sh(body)
            j, c = dedup.shingle_similarity(a, b)
            pos.setdefault(f"fundus {kind}", []).append((j, c, min(len(a), len(b))))
    print("\nnear-duplicate rule (Jaccard >= %.2f, or containment >= %.2f with >= %d shingles)"
          % (dedup.NEAR_JACCARD, dedup.CONTAINMENT, dedup.MIN_CONTAINED_SHINGLES))
    for k, v in pos.items():
        ok = sum(1 for j, c, n in v if j >= dedup.NEAR_JACCARD or (c >= dedup.CONTAINMENT and n >= dedup.MIN_CONTAINED_SHINGLES))
        print(f"  positives {k:18s}: accepted {ok}/{len(v)}; Jaccard {summary([j for j, _, _ in v])}")
    fsh = [(n, sh(b)) for n, _, b in fund]
    # the same page parsed under two parser versions (e.g. de/Taz V1, V2) is the same article: not a negative
    same_page = {(a, b) for (a, _, ba), (b, _, bb) in itertools.combinations(fund, 2)
                 if a.rsplit("/", 1)[0] == b.rsplit("/", 1)[0] and dedup.shingle_similarity(sh(ba), sh(bb))[0] > 0.5}
    print(f"  (same page under two fundus parser versions, left out of the negatives: {sorted(same_page)})")
    neg_j, neg_c, fp = [], [], 0
    for (na, a), (nb, b) in itertools.combinations(fsh, 2):
        if (na, nb) in same_page:
            continue
        j, c = dedup.shingle_similarity(a, b)
        neg_j.append(j)
        neg_c.append(c)
        if j >= dedup.NEAR_JACCARD or (c >= dedup.CONTAINMENT and min(len(a), len(b)) >= dedup.MIN_CONTAINED_SHINGLES):
            fp += 1
            print(f"    accepted negative: {na} ~ {nb} J={j:.3f} C={c:.3f}")
    print(f"  negatives fundus pairs: accepted {fp}/{len(neg_j)}; Jaccard {summary(neg_j)}; containment {summary(neg_c)}")
    gsh = [(g, sh(g.body)) for g in gen]
    gneg = [dedup.shingle_similarity(a, b) for (ga, a), (gb, b) in itertools.combinations(gsh, 2)
            if ga.story != gb.story or (ga.kind == "report" or gb.kind == "report") and ga.language == gb.language
            and not (ga.copy_of == gb.name or gb.copy_of == ga.name or ga.copy_of and ga.copy_of == gb.copy_of)]
    print(f"  negatives generated (other story or independent report): max Jaccard {max(j for j, _ in gneg):.3f}, "
          f"max containment {max(c for _, c in gneg):.3f}")

    # -- translations ---------------------------------------------------------------------------
    pool = [(g.name, g.language, g.body, g.story, g.copy_of, g.kind) for g in gen] + \
           [(n, l, b, None, None, None) for n, l, b in fund]
    anc = {p[0]: dict(anchors(p[2])) for p in pool}
    df = Counter(x for a in anc.values() for x in a)
    weights = {x: dedup.idf(n, len(pool)) for x, n in df.items()}
    tp, tn = [], []
    for pa, pb in itertools.combinations(pool, 2):
        if pa[1] == pb[1] or "?" in (pa[1], pb[1]) or (pa[0], pb[0]) in same_page:
            continue
        a, b = anc[pa[0]], anc[pb[0]]
        shared = [x for x in a if x in b]
        ov = dedup.anchor_overlap(a, b, weights)
        tau = dedup.kendall_tau([(a[x], b[x]) for x in shared])
        m = dedup.verify_translation(a, b, len(pa[2]), len(pb[2]), weights)
        root_a, root_b = pa[4] or pa[0], pb[4] or pb[0]
        same = pa[3] is not None and root_a == root_b and "translation" in (pa[5], pb[5])
        (tp if same else tn).append((pa[0], pb[0], len(shared), ov, tau, m is not None, dedup.number_jaccard(a, b),
                                     max(len(pa[2]), len(pb[2])) / max(1, min(len(pa[2]), len(pb[2])))))
    print("\ntranslation rule (>= %d shared anchors, weighted overlap >= %.2f, order tau >= %.2f, length ratio <= %.1f)"
          % (dedup.MIN_SHARED_ANCHORS, dedup.ANCHOR_OVERLAP, dedup.ORDER_TAU, dedup.MAX_LENGTH_RATIO))
    for r in tp:
        print(f"  positive {r[0]} ~ {r[1]}: shared={r[2]} overlap={r[3]:.3f} tau={r[4]:.3f} numbers={r[6]:.2f} "
              f"length ratio={r[7]:.2f} accepted={r[5]}")
    acc = [r for r in tn if r[5]]
    print(f"  negatives (cross-language pairs, no time window): accepted {len(acc)}/{len(tn)}; "
          f"overlap {summary([r[3] for r in tn])}")
    for r in acc[:10]:
        print(f"    accepted negative: {r[0]} ~ {r[1]} shared={r[2]} overlap={r[3]:.3f} tau={r[4]:.3f}")
    gen_tn = sorted((r for r in tn if not r[0].count("/") and not r[1].count("/")), key=lambda r: -r[3])[:5]
    for r in gen_tn:
        print(f"    closest generated negative: {r[0]} ~ {r[1]} shared={r[2]} overlap={r[3]:.3f} tau={r[4]:.3f} "
              f"numbers={r[6]:.2f} length ratio={r[7]:.2f} accepted={r[5]}")

    # -- stories --------------------------------------------------------------------------------
    originals = [g for g in gen if not g.copy_of]
    same, diff = [], []
    for ga, gb in itertools.combinations(originals, 2):
        cos = stories.anchor_cosine(anc[ga.name], anc[gb.name], weights)
        (same if ga.story == gb.story else diff).append((ga.name, gb.name, cos))
    print(f"\nstory rule (cosine >= {stories.STORY_COSINE}) on generated originals and reports")
    for r in same:
        print(f"  same story     {r[0]} ~ {r[1]}: {r[2]:.3f}")
    for r in sorted(diff, key=lambda r: -r[2])[:6]:
        print(f"  other story    {r[0]} ~ {r[1]}: {r[2]:.3f}")
    fcos = [stories.anchor_cosine(anc[a], anc[b], weights) for (a, _, _), (b, _, _) in itertools.combinations(fund, 2)
            if (a, b) not in same_page]
    over = sum(1 for c in fcos if c >= stories.STORY_COSINE)
    print(f"  fundus pairs (distinct articles, no time window): {over}/{len(fcos)} at or above the threshold; "
          f"cosine {summary(fcos)}")


if __name__ == "__main__":
    main()
