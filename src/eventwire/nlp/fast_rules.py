"""A faster ``match`` for spaCy's ``attribute_ruler``, with the same output.

Why: profiling ``eventwire run`` (``py-spy``, see docs/scale.md) showed the ``attribute_ruler`` of
``en_core_web_sm`` taking about 16% of spaCy's CPU time, nearly all of it in its ``Matcher``: 179
patterns, almost all of one token (``{"TAG": "NN"}``, ``{"LOWER": "the", "TAG": "DT"}``), tried one by
one on every token (about 9.5 microseconds per token on the 2-core reference machine).

How: single-token patterns whose conditions are plain equalities on token attributes (``TAG``,
``LOWER``, ``DEP``, ``ORTH``, ``NORM`` and the ``IS_*`` flags) are looked up in a hash table per set of
attributes, over ``Doc.to_array`` columns; the other patterns (several tokens, operators, sets) still
go through a spaCy ``Matcher`` holding only them. The matches are returned exactly as
``AttributeRuler.match`` returns them (``(attr_id, match_id, start, end)``, sorted), and the ruler's
own ``set_annotations`` applies them, so tags, POS, morphology and lemmas are identical
(``tests/test_fast_rules.py`` checks this token by token against the stock component).
"""
from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: Token attributes with string values compared by hash (``Doc.to_array`` gives the hash).
_STRING_ATTRS = {"TAG", "LOWER", "DEP", "ORTH", "NORM"}
#: Boolean token flags (``Doc.to_array`` gives 0 or 1).
_FLAG_ATTRS = {"IS_SPACE", "IS_PUNCT", "IS_ALPHA", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE"}
_ALIASES = {"TEXT": "ORTH"}
#: A single-token pattern whose ``IN`` sets expand to more value combinations than this is evaluated
#: as a vector pattern instead of being put into a lookup table.
_MAX_EXPANSION = 4096
#: Regex results are cached per string hash; the cache is cleared past this size (bounded memory).
_REGEX_CACHE_MAX = 200_000


class _Unsupported(Exception):
    """A pattern this module does not evaluate itself (left to spaCy's Matcher)."""


def _token_conditions(spec: dict[str, Any], strings: Any) -> dict[str, list]:
    """Compile one token spec into ``{"eq": [(col, v)], "in": [(col, values)], "not_in": [...],
    "regex": [(col, compiled)]}``; values are ``Doc.to_array`` values (string hashes or 0/1).

    Raises:
        _Unsupported: an operator (``OP``), an attribute or a predicate this module does not handle.
    """
    import re

    conds: dict[str, list] = {"eq": [], "in": [], "not_in": [], "regex": []}

    def val(col: str, v: Any) -> int:
        if col in _FLAG_ATTRS:
            if not isinstance(v, bool):
                raise _Unsupported(f"{col}={v!r}")
            return int(v)
        if not isinstance(v, str):
            raise _Unsupported(f"{col}={v!r}")
        return strings[v] if v else 0

    for key, value in spec.items():
        col = _ALIASES.get(key.upper(), key.upper())
        if col not in _STRING_ATTRS and col not in _FLAG_ATTRS:
            raise _Unsupported(key)
        if isinstance(value, dict):
            for op, arg in value.items():
                if op == "IN":
                    conds["in"].append((col, [val(col, v) for v in arg]))
                elif op == "NOT_IN":
                    conds["not_in"].append((col, [val(col, v) for v in arg]))
                elif op == "REGEX" and col in _STRING_ATTRS and isinstance(arg, str):
                    conds["regex"].append((col, re.compile(arg)))
                else:
                    raise _Unsupported(f"{col} {op}")
        else:
            conds["eq"].append((col, val(col, value)))
    return conds


class FastAttributeMatch:
    """A drop-in replacement for ``AttributeRuler.match`` (bound to one ruler).

    Args:
        ruler: a loaded ``spacy.pipeline.AttributeRuler``.

    Calling it with a ``Doc`` returns the same list as ``ruler.match(doc)``: tuples
    ``(attr_id, match_id, start, end)`` sorted ascending. Patterns are compiled at creation and again
    whenever the ruler's pattern count changes. Three kinds of patterns:

    * *table* patterns (one token, equalities and ``IN`` sets): one hash table per set of attributes;
    * *vector* patterns (several tokens, or ``NOT_IN``/``REGEX``): boolean masks over the token arrays;
    * anything else (``OP`` quantifiers, other attributes or predicates): spaCy's ``Matcher``.
    """

    def __init__(self, ruler: Any):
        self.ruler = ruler
        self._regex_cache: dict[tuple[int, int], bool] = {}
        self._compile()

    def _compile(self) -> None:
        import itertools

        from spacy.matcher import Matcher

        r = self.ruler
        strings = r.vocab.strings
        self.n_attrs = len(r.attrs)
        self.fallback = Matcher(r.vocab)
        self.n_fallback = 0
        tables: dict[tuple[str, ...], dict[tuple[int, ...], list[int]]] = {}
        vector: list[tuple[int, list[dict[str, list]]]] = []
        self.key_of: dict[int, int] = {}
        for i in range(self.n_attrs):
            key = str(i)
            self.key_of[i] = strings.add(key)
            got = r.matcher.get(key)
            if got is None:
                continue
            rest = []
            for pattern in got[1]:
                try:
                    tokens = [_token_conditions(spec, strings) for spec in pattern]
                except _Unsupported:
                    rest.append(pattern)
                    continue
                if not tokens:
                    rest.append(pattern)
                    continue
                t0 = tokens[0]
                n_comb = 1
                for _, vals in t0["in"]:
                    n_comb *= max(len(vals), 1)
                if (len(tokens) == 1 and not t0["not_in"] and not t0["regex"] and (t0["eq"] or t0["in"])
                        and n_comb <= _MAX_EXPANSION):
                    cols_vals = [(c, [v]) for c, v in t0["eq"]] + [(c, list(vs)) for c, vs in t0["in"]]
                    merged: dict[str, set[int] | None] = {}
                    for c, vs in cols_vals:  # the same attribute twice: intersect
                        merged[c] = set(vs) if merged.get(c) is None else merged[c] & set(vs)
                    cols = tuple(sorted(merged))
                    table = tables.setdefault(cols, {})
                    for combo in itertools.product(*(sorted(merged[c]) for c in cols)):
                        ids = table.setdefault(tuple(combo), [])
                        if i not in ids:
                            ids.append(i)
                else:
                    vector.append((i, tokens))
            if rest:
                self.fallback.add(key, rest)
                self.n_fallback += len(rest)
        used = {c for cols in tables for c in cols}
        for _, tokens in vector:
            for t in tokens:
                for kind in ("eq", "in", "not_in", "regex"):
                    used.update(c for c, _ in t[kind])
        self.columns = sorted(used)
        ci = {c: j for j, c in enumerate(self.columns)}
        self.tables = [self._table(cols, table, ci) for cols, table in tables.items()]
        self.vector = [(i, [{kind: [(ci[c], v) for c, v in t[kind]] for kind in t} for t in tokens])
                       for i, tokens in vector]
        self.key_list = [self.key_of.get(i, 0) for i in range(self.n_attrs)]

    @staticmethod
    def _table(cols: tuple[str, ...], table: dict[tuple[int, ...], list[int]], ci: dict[str, int]) -> tuple:
        """Compile a lookup table into arrays: per column the sorted values, and a dense array from the
        combined value code to a group of attribute ids (``-1``: no pattern)."""
        values = [np.array(sorted({k[j] for k in table}), dtype=np.uint64) for j in range(len(cols))]
        sizes = [len(v) for v in values]
        strides = [int(np.prod(sizes[j + 1:], dtype=np.int64)) for j in range(len(cols))]
        lut = np.full(int(np.prod(sizes, dtype=np.int64)), -1, dtype=np.int64)
        groups: list[list[int]] = []
        for key, ids in table.items():
            code = sum(int(np.searchsorted(values[j], np.uint64(key[j]))) * strides[j] for j in range(len(cols)))
            lut[code] = len(groups)
            groups.append(sorted(ids))
        counts = np.array([len(g) for g in groups], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        flat = np.array([i for g in groups for i in g], dtype=np.int64)
        return [ci[c] for c in cols], values, strides, lut, counts, offsets, flat

    def _regex_mask(self, column: np.ndarray, rx: Any) -> np.ndarray:
        strings = self.ruler.vocab.strings
        cache = self._regex_cache
        if len(cache) > _REGEX_CACHE_MAX:
            cache.clear()
        uniq, inv = np.unique(column, return_inverse=True)
        rid = id(rx)
        hits = np.zeros(len(uniq), dtype=bool)
        for j, h in enumerate(uniq.tolist()):
            k = (rid, h)
            v = cache.get(k)
            if v is None:
                v = cache[k] = bool(h) and rx.search(strings[h]) is not None
            hits[j] = v
        return hits[inv.reshape(-1)]

    def _token_mask(self, arr: np.ndarray, t: dict[str, list]) -> np.ndarray:
        mask = np.ones(arr.shape[0], dtype=bool)
        for c, v in t["eq"]:
            mask &= arr[:, c] == np.uint64(v)
        for c, vs in t["in"]:
            mask &= np.isin(arr[:, c], np.array(vs, dtype=np.uint64))
        for c, vs in t["not_in"]:
            mask &= ~np.isin(arr[:, c], np.array(vs, dtype=np.uint64))
        for c, rx in t["regex"]:
            mask &= self._regex_mask(arr[:, c], rx)
        return mask

    def __call__(self, doc: "Doc") -> list[tuple[int, int, int, int]]:
        if len(self.ruler.attrs) != self.n_attrs:  # patterns were added after loading
            self._compile()
        n = len(doc)
        ids_parts: list[np.ndarray] = []
        start_parts: list[np.ndarray] = []
        end_parts: list[np.ndarray] = []
        if n and self.columns:
            arr = doc.to_array(self.columns).reshape(n, len(self.columns))
            for cols, values, strides, lut, counts, offsets, flat in self.tables:
                code = np.zeros(n, dtype=np.int64)
                valid = np.ones(n, dtype=bool)
                for c, vals, stride in zip(cols, values, strides):
                    col = arr[:, c]
                    idx = np.searchsorted(vals, col)
                    idx[idx == len(vals)] = 0
                    valid &= vals[idx] == col
                    code += idx * stride
                pos = np.flatnonzero(valid)
                if not len(pos):
                    continue
                grp = lut[code[pos]]
                hit = grp >= 0
                pos, grp = pos[hit], grp[hit]
                if not len(pos):
                    continue
                reps = counts[grp]
                if (reps == 1).all():
                    ids = flat[offsets[grp]]
                else:  # one value combination shared by several patterns
                    first = np.repeat(offsets[grp], reps)
                    within = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
                    ids = flat[first + within]
                    pos = np.repeat(pos, reps)
                ids_parts.append(ids)
                start_parts.append(pos)
                end_parts.append(pos + 1)
            for i, tokens in self.vector:
                size = len(tokens)
                if size > n:
                    continue
                ok = np.ones(n - size + 1, dtype=bool)
                for k, t in enumerate(tokens):
                    ok &= self._token_mask(arr, t)[k:n - size + 1 + k]
                    if not ok.any():
                        break
                pos = np.flatnonzero(ok)
                if len(pos):
                    ids_parts.append(np.full(len(pos), i, dtype=np.int64))
                    start_parts.append(pos)
                    end_parts.append(pos + size)
        if self.n_fallback:
            strings = self.ruler.vocab.strings
            got = self.fallback(doc, allow_missing=True, as_spans=False)
            if got:
                ids_parts.append(np.array([int(strings[m]) for m, _, _ in got], dtype=np.int64))
                start_parts.append(np.array([s for _, s, _ in got], dtype=np.int64))
                end_parts.append(np.array([e for _, _, e in got], dtype=np.int64))
        if not ids_parts:
            return []
        base = n + 2
        key = np.unique((np.concatenate(ids_parts) * base + np.concatenate(start_parts)) * base
                        + np.concatenate(end_parts))  # sorts by (attr_id, start, end) and drops repeats
        ends = (key % base).tolist()
        starts = ((key // base) % base).tolist()
        attr_ids = (key // (base * base)).tolist()
        keys = self.key_list
        return list(zip(attr_ids, [keys[i] for i in attr_ids], starts, ends))


def speed_up_attribute_ruler(nlp: "Language") -> bool:
    """Give the pipeline's ``attribute_ruler`` (if any) the fast ``match``. Returns whether it did.

    Set the environment variable ``EVENTWIRE_STOCK_SPACY=1`` to keep spaCy's own matcher (to compare).
    """
    import os

    if os.environ.get("EVENTWIRE_STOCK_SPACY") == "1" or "attribute_ruler" not in nlp.pipe_names:
        return False
    ruler = nlp.get_pipe("attribute_ruler")
    if not hasattr(ruler, "matcher") or not hasattr(ruler, "attrs"):
        return False
    ruler.match = FastAttributeMatch(ruler)
    return True
