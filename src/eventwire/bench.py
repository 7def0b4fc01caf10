"""``eventwire bench``: the full pipeline against bare spaCy ``nlp.pipe`` on the same generated corpus.

Both measures run in their own fresh subprocess (so each one's peak RSS is its own), on the same
deterministic corpus (:func:`generate_corpus`, seeded), with model loading excluded from the timed
part. Each is repeated and the median is reported; the ratio ``pipeline / spacy`` of the medians is
the figure to watch (absolute times on shared machines are noise).

The full pipeline is what ``eventwire run`` does: read ``.txt`` files, extract, parse, annotate,
write to a fresh DuckDB file. Bare spaCy parses the extracted bodies of the same articles.
"""
from __future__ import annotations

import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_COUNTRIES = [
    ("United States", "American", "Washington"), ("Russia", "Russian", "Moscow"), ("China", "Chinese", "Beijing"),
    ("France", "French", "Paris"), ("Germany", "German", "Berlin"), ("India", "Indian", "New Delhi"),
    ("Pakistan", "Pakistani", "Islamabad"), ("Iran", "Iranian", "Tehran"), ("Turkey", "Turkish", "Ankara"),
    ("Brazil", "Brazilian", "Brasilia"), ("Nigeria", "Nigerian", "Abuja"), ("Kenya", "Kenyan", "Nairobi"),
    ("Japan", "Japanese", "Tokyo"), ("Ukraine", "Ukrainian", "Kyiv"), ("Egypt", "Egyptian", "Cairo"),
    ("Mexico", "Mexican", "Mexico City"), ("Qatar", "Qatari", "Doha"), ("Ethiopia", "Ethiopian", "Addis Ababa"),
]
_ROLES = ["foreign minister", "president", "defence minister", "prime minister", "ambassador", "spokesman"]
_VERBS = [
    "met with", "held talks with", "accused", "urged", "criticised", "praised", "signed an agreement with",
    "threatened", "sent humanitarian aid to", "condemned", "called on", "rejected a proposal from",
    "expelled diplomats from", "imposed sanctions on", "thanked", "invited",
]
_WHEN = ["on Monday", "on Tuesday", "last week", "this weekend", "on Thursday", "earlier this month", "in March"]
_WHAT = ["the border dispute", "trade", "the ceasefire", "energy supplies", "refugees", "the nuclear programme",
         "regional security", "grain exports", "the upcoming elections"]


def generate_corpus(n_docs: int, seed: int = 7) -> list[tuple[str, str]]:
    """A deterministic corpus of ``n_docs`` news-like articles as (title, body) pairs.

    Each body has 4-6 paragraphs of 3-4 sentences about interactions between countries (about 250
    words), with dates, places, roles and a quotation, so every annotator has work to do.
    """
    rng = random.Random(seed)
    docs = []
    for i in range(n_docs):
        paras = []
        for _ in range(rng.randint(4, 6)):
            sents = []
            for _ in range(rng.randint(3, 4)):
                (a, adem, acap), (b, bdem, bcap) = rng.sample(_COUNTRIES, 2)
                kind = rng.random()
                if kind < 0.5:
                    sents.append(f"{a}'s {rng.choice(_ROLES)} {rng.choice(_VERBS)} {b} {rng.choice(_WHEN)} over "
                                 f"{rng.choice(_WHAT)}, officials in {acap} said.")
                elif kind < 0.75:
                    sents.append(f"The {adem} government {rng.choice(_VERBS)} {bdem} officials in {bcap} "
                                 f"{rng.choice(_WHEN)}, according to Reuters.")
                else:
                    sents.append(f"\u201cWe will not accept any threat to {rng.choice(_WHAT)},\u201d the {adem} "
                                 f"{rng.choice(_ROLES)} told reporters in {acap}.")
            paras.append(" ".join(sents))
        (a, _, _), (b, _, _) = rng.sample(_COUNTRIES, 2)
        docs.append((f"{a} and {b} discuss {rng.choice(_WHAT)} (report {i})", "\n\n".join(paras)))
    return docs


def write_corpus(directory: Path, docs: list[tuple[str, str]]) -> None:
    """Write the corpus as ``.txt`` files: title line, a dateline, then the body."""
    directory.mkdir(parents=True, exist_ok=True)
    for i, (title, body) in enumerate(docs):
        (directory / f"doc{i:05d}.txt").write_text(f"{title}\n\nMarch 3, 2024 10:00\n\n{body}\n", encoding="utf-8")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def measure(kind: str, n_docs: int, repeats: int) -> dict[str, Any]:
    """Run one measure in this process and return its figures (used by the subprocess entry point).

    ``kind`` is ``spacy`` (bare ``nlp.pipe`` over the bodies) or ``pipeline`` (``eventwire run`` over
    the ``.txt`` files into a fresh DuckDB file per repetition).
    """
    from eventwire import timing
    from eventwire.nlp.pipeline import annotators, load_nlp

    docs = generate_corpus(n_docs)
    words = sum(len(b.split()) for _, b in docs)
    nlp = load_nlp()
    times: list[float] = []
    stages: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        if kind == "spacy":
            bodies = [b for _, b in docs]
            list(nlp.pipe(bodies[:5]))  # warm-up
            for _ in range(repeats):
                t0 = time.perf_counter()
                for _d in nlp.pipe(bodies, batch_size=32):
                    pass
                times.append(time.perf_counter() - t0)
            label = "bare spaCy nlp.pipe"
        else:
            from eventwire.runner import RunConfig, run

            corpus = Path(tmp) / "corpus"
            write_corpus(corpus, docs)
            annotators()
            for r in range(repeats):
                timing.reset()
                t0 = time.perf_counter()
                stats, _ = run([str(corpus)], RunConfig(db=str(Path(tmp) / f"bench{r}.duckdb"), batch_size=32))
                times.append(time.perf_counter() - t0)
                if stats.articles != n_docs:
                    raise RuntimeError(f"pipeline stored {stats.articles} articles, expected {n_docs}")
                stages.append(timing.snapshot())
            label = "full pipeline (eventwire run)"
    med = statistics.median(times)
    result = {"label": label, "seconds": med, "docs_per_s": n_docs / med, "words_per_s": words / med,
              "peak_rss_mb": _peak_rss_mb(), "runs": times}
    if stages:
        keys = sorted({k for s in stages for k in s})
        result["stages"] = {k: statistics.median(s.get(k, 0.0) for s in stages) for k in keys}
    return result


def run_bench(n_docs: int = 200, repeats: int = 3, log: Callable[[str], None] = lambda m: None) -> dict[str, Any]:
    """Run both measures, each in a fresh subprocess, and return their figures and ratio.

    Returns:
        ``{"documents", "words", "repeats", "spacy": {...}, "pipeline": {...}, "ratio", "stages"}``
        where each measure has ``seconds`` (median), ``docs_per_s``, ``words_per_s``, ``peak_rss_mb``.

    Raises:
        RuntimeError: a measuring subprocess failed.
    """
    docs = generate_corpus(n_docs)
    words = sum(len(b.split()) for _, b in docs)
    res: dict[str, Any] = {"documents": n_docs, "words": words, "repeats": repeats}
    for kind in ("spacy", "pipeline"):
        log(f"measuring {kind} ({repeats} runs of {n_docs} documents)...")
        proc = subprocess.run([sys.executable, "-m", "eventwire.bench", kind, str(n_docs), str(repeats)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"bench subprocess '{kind}' failed:\n{proc.stderr[-2000:]}")
        res[kind] = json.loads(proc.stdout.strip().splitlines()[-1])
    res["ratio"] = res["pipeline"]["seconds"] / res["spacy"]["seconds"]
    res["stages"] = res["pipeline"].get("stages", {})
    return res


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))))
