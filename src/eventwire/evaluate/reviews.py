"""Score the coder's stored events against reviewers' gold (``eventwire eval reviews FILE --db DB``).

The gold file is the JSONL exported by the web app (``/api/reviews.jsonl``) or by
``eventwire eval export-reviews`` (format: :mod:`eventwire.store.reviews`). Each record names a
sentence by ``article_id`` and character offsets, which survive a re-run of the pipeline, and says
whether the event coded there was correct, wrong (no event), or what it should have been (fixed).

Matching, per reviewed sentence, of the events now stored in the database:

* candidates are the stored events of the same article whose sentence overlaps the gold sentence;
* a gold event (verdict ``correct``, ``fixed`` or ``missed``: an event the coder had not found, added
  by a reviewer) is *matched* by the candidate whose trigger overlaps
  the gold trigger, else by one with the same source and target actor codes; candidates are used once;
* a matched event is *right* (a true positive) when its source codes and target codes (as sets), its
  CAMEO root and its modality equal the gold's; field accuracies are reported for every matched pair;
* a ``wrong`` gold is *still produced* when a candidate overlaps its trigger with the same CAMEO code
  and actor codes as the coder had when it was reviewed.

Figures: recall = right / gold events; precision = right / (stored events matched to any gold
record); F1; plus the share of reviewed events the reviewers accepted as correct at review time.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb

FIELDS = ("cameo_code", "cameo_root", "plover_type", "quad_class", "modality", "sources", "targets")


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def check_record(r: Any) -> str | None:
    """Why a parsed gold line cannot be scored (``"not an object"``, ``"missing verdict"``,
    ``"'sentence_start' is not an integer"``...), or ``None`` when it is well formed: an object with
    ``article_id`` (string), ``sentence_start``/``sentence_end`` (integers), ``verdict`` (correct,
    wrong or fixed), ``trigger_start``/``trigger_end`` integers or null, ``gold`` an object (needed
    unless the verdict is wrong) and ``coder`` an object or null; actor lists are lists of strings."""
    if not isinstance(r, dict):
        return f"not an object (got {type(r).__name__})"
    missing = [k for k in ("article_id", "sentence_start", "sentence_end", "verdict") if r.get(k) is None]
    if missing:
        return f"missing {', '.join(missing)}"
    if r["verdict"] not in ("correct", "wrong", "fixed", "missed"):
        return "missing a valid verdict"
    if not isinstance(r["article_id"], str):
        return "'article_id' is not a string"
    for k in ("sentence_start", "sentence_end"):
        if not _is_int(r[k]):
            return f"'{k}' is not an integer"
    for k in ("trigger_start", "trigger_end"):
        if r.get(k) is not None and not _is_int(r[k]):
            return f"'{k}' is not an integer"
    for k in ("gold", "coder"):
        v = r.get(k)
        if v is None and k == "gold" and r["verdict"] != "wrong":
            return "missing gold (needed unless the verdict is wrong)"
        if v is not None and not isinstance(v, dict):
            return f"'{k}' is not an object"
        for side in ("sources", "targets"):
            if isinstance(v, dict) and v.get(side) is not None and (
                    not isinstance(v[side], list) or not all(isinstance(x, str) for x in v[side])):
                return f"'{k}.{side}' is not a list of strings"
        if isinstance(v, dict) and v.get("cameo_code") is not None and not isinstance(v["cameo_code"], str):
            return f"'{k}.cameo_code' is not a string"
    return None


def read_gold(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Gold records of a reviews JSONL file and the problems met (``"line 3: not JSON"``): a line that
    is not UTF-8, not JSON or not a well-formed record (:func:`check_record`) is left out and named
    with its line number; the other lines are scored.

    Raises:
        FileNotFoundError: no such file.
    """
    recs, problems = [], []
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                r = json.loads(raw.decode("utf-8").strip())
            except UnicodeDecodeError as exc:
                problems.append(f"line {n}: not UTF-8 ({exc.reason})")
                continue
            except json.JSONDecodeError as exc:
                problems.append(f"line {n}: not JSON ({exc.msg})")
                continue
            if (why := check_record(r)) is not None:
                problems.append(f"line {n}: {why}")
                continue
            recs.append(r)
    return recs, problems


def _codes(actors: Any) -> frozenset[str]:
    return frozenset((a.get("code") or a.get("text") or "") for a in (actors or []))


def _overlap(a0: int | None, a1: int | None, b0: int | None, b1: int | None) -> bool:
    return None not in (a0, a1, b0, b1) and a0 < b1 and b0 < a1  # type: ignore[operator]


def _candidates(con: duckdb.DuckDBPyConnection, article_id: str, s0: int, s1: int) -> list[dict[str, Any]]:
    cur = con.execute(
        "SELECT event_id, trigger_start, trigger_end, sources, targets, cameo_code, cameo_root, plover_type, "
        "quad_class, modality FROM events WHERE article_id = ? AND sentence_start < ? AND sentence_end > ? "
        "ORDER BY trigger_start, event_id", [article_id, s1, s0])
    names = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        e = dict(zip(names, row))
        e["src"], e["tgt"] = _codes(e["sources"]), _codes(e["targets"])
        out.append(e)
    return out


def _gold_value(g: dict[str, Any], field: str) -> Any:
    gold = g["gold"]
    if field == "cameo_root":
        return (gold.get("cameo_code") or "")[:2] or None
    if field in ("sources", "targets"):
        return frozenset(gold.get(field) or [])
    return gold.get(field)


def _event_value(e: dict[str, Any], field: str) -> Any:
    if field == "cameo_root":
        return (e.get("cameo_code") or "")[:2] or None
    if field == "sources":
        return e["src"]
    if field == "targets":
        return e["tgt"]
    return e.get(field)


def score(gold: list[dict[str, Any]], con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Score the events in ``con``'s database against ``gold`` records (rules in the module docstring).

    Returns:
        ``{"gold_records", "verdicts": {verdict: n}, "accepted_at_review", "articles_missing",
        "gold_events", "matched", "right", "matched_stored_events", "wrong_still_produced",
        "wrong_gone", "precision", "recall", "f1", "field_accuracy": {field: share},
        "unreviewed_in_reviewed_sentences"}`` (shares in [0, 1], ``None`` when undefined).
    """
    verdicts = Counter(g["verdict"] for g in gold)
    known = {r[0] for r in con.execute("SELECT DISTINCT article_id FROM events").fetchall()} | {
        r[0] for r in con.execute("SELECT article_id FROM articles").fetchall()}
    by_sentence: dict[tuple[str, int, int], list[dict[str, Any]]] = {}
    missing = 0
    for g in gold:
        if g["article_id"] not in known:
            missing += 1
            continue
        by_sentence.setdefault((g["article_id"], g["sentence_start"], g["sentence_end"]), []).append(g)
    field_hits: Counter[str] = Counter()
    matched = right = still = gold_events = wrong_known = 0
    touched: set[str] = set()
    all_candidates: set[str] = set()
    for (aid, s0, s1), gs in by_sentence.items():
        cands = _candidates(con, aid, s0, s1)
        all_candidates.update(c["event_id"] for c in cands)
        free = list(cands)
        for g in sorted(gs, key=lambda g: g["verdict"] == "wrong"):  # positives claim candidates first
            t0, t1 = g.get("trigger_start"), g.get("trigger_end")
            if g["verdict"] == "wrong":
                wrong_known += 1
                coder = g.get("coder") or {}
                for c in cands:
                    if (_overlap(t0, t1, c["trigger_start"], c["trigger_end"])
                            and c.get("cameo_code") == coder.get("cameo_code")
                            and c["src"] == frozenset(coder.get("sources") or [])
                            and c["tgt"] == frozenset(coder.get("targets") or [])):
                        still += 1
                        touched.add(c["event_id"])
                        break
                continue
            gold_events += 1
            gsrc, gtgt = _gold_value(g, "sources"), _gold_value(g, "targets")
            pick = next((c for c in free if _overlap(t0, t1, c["trigger_start"], c["trigger_end"])), None)
            if pick is None:
                pick = next((c for c in free if c["src"] == gsrc and c["tgt"] == gtgt), None)
            if pick is None:
                continue
            free.remove(pick)
            matched += 1
            touched.add(pick["event_id"])
            for f in FIELDS:
                field_hits[f] += _event_value(pick, f) == _gold_value(g, f)
            if all(_event_value(pick, f) == _gold_value(g, f) for f in ("sources", "targets", "cameo_root", "modality")):
                right += 1
    precision = right / len(touched) if touched else None
    recall = right / gold_events if gold_events else None
    f1 = (2 * precision * recall / (precision + recall)) if precision and recall else (0.0 if touched and gold_events else None)
    n = len(gold)
    return {
        "gold_records": n, "verdicts": dict(verdicts),
        "accepted_at_review": verdicts.get("correct", 0) / n if n else None,
        "articles_missing": missing, "gold_events": gold_events, "matched": matched, "right": right,
        "matched_stored_events": len(touched), "wrong_still_produced": still,
        "wrong_gone": wrong_known - still,
        "precision": precision, "recall": recall, "f1": f1,
        "field_accuracy": {f: field_hits[f] / matched for f in FIELDS} if matched else {},
        "unreviewed_in_reviewed_sentences": len(all_candidates - touched),
    }


def score_file(path: Path, db: Path) -> dict[str, Any]:
    """:func:`score` for a gold file and a database file (opened read-only); adds ``problems``.

    Raises:
        FileNotFoundError: the gold file or the database is missing.
        eventwire.store.db.StoreOpenError: the database cannot be opened (not DuckDB, locked).
    """
    if not Path(db).exists():
        raise FileNotFoundError(f"no database at {db}")
    from eventwire.store.db import _open_error

    gold, problems = read_gold(path)
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        raise _open_error(str(db), exc) from exc
    try:
        out = score(gold, con)
    finally:
        con.close()
    out["problems"] = problems
    return out
