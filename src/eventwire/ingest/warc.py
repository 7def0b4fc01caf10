"""WARC and WARC.gz archives -> Documents: one per HTML response record (through FastWARC).

Only ``response`` records whose HTTP status is 2xx and whose ``Content-Type`` is HTML (``text/html``,
``application/xhtml+xml``) become documents; the other records of a file (``warcinfo``, ``request``,
``metadata``, redirects, images ...) are counted and reported once per file as a skipped Problem with
the counts by record type and status, never dropped silently. A document's hints carry the record's
``WARC-Target-URI`` (``url``), ``WARC-Date`` (``fetched_at``) and the HTTP charset (``charset``); its
member is the ``WARC-Record-ID``.

Damage: a record shorter than its declared length (a clipped file: FastWARC's ``content_length`` is
the body's length once the HTTP headers are parsed) or failing its block digest is still processed,
with a warning; a file that ends mid-record or is not a WARC stops with an error
Problem after the records read so far. FastWARC: https://resiliparse.chatnoir.eu (Apache-2.0).
"""
from __future__ import annotations

import gzip
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from eventwire.ids import content_id
from eventwire.ingest.base import DocumentTooLarge, register
from eventwire.records import Document, Problem

_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml+html")


def _open(path: Path):
    """The raw stream FastWARC reads: the file itself (FastWARC detects gzip members)."""
    return open(path, "rb")


@register(".warc", ".warc.gz", ".arc.warc.gz")
def read_warc(path: Path, max_bytes: int) -> Iterator[Document | Problem]:
    """One document per HTML response record of a WARC file (see the module docstring)."""
    from fastwarc.warc import ArchiveIterator

    src = str(path)
    skipped: Counter = Counter()
    n_docs = 0
    with _open(path) as fh:
        try:
            it = ArchiveIterator(fh, parse_http=False)
            for rec in it:
                rtype = str(rec.record_type).rsplit(".", 1)[-1]
                digest_ok = None
                if rtype == "response":
                    # the block digest covers HTTP headers and body: check it before parsing HTTP
                    try:
                        digest_ok = rec.verify_block_digest(consume=False) if rec.headers.get("WARC-Block-Digest") else None
                    except Exception:  # an unreadable block: reported with the record below
                        digest_ok = False
                    rec.parse_http()
                if rtype != "response" or rec.http_headers is None:
                    skipped[rtype] += 1
                    continue
                status = rec.http_headers.status_code
                ctype = (rec.http_headers.get("Content-Type") or "").lower()
                if not (200 <= (status or 0) < 300):
                    skipped[f"response {status}"] += 1
                    continue
                if not any(t in ctype for t in _HTML_TYPES):
                    skipped[f"response {ctype.split(';')[0] or 'without content type'}"] += 1
                    continue
                item = _record_document(src, rec, max_bytes, digest_ok)
                if isinstance(item, Document):
                    n_docs += 1
                yield item
        except (OSError, EOFError, gzip.BadGzipFile, ValueError, RuntimeError) as exc:
            yield Problem(src, "read", "error", "truncated or corrupt WARC file",
                          f"stopped after {n_docs} document(s): {exc!r}"[:300])
    if skipped:
        detail = ", ".join(f"{k}: {v}" for k, v in skipped.most_common())
        yield Problem(src, "read", "skipped", "WARC records that are not HTML responses", detail)
    if n_docs == 0 and not skipped:
        yield Problem(src, "read", "skipped", "no WARC records", "the file holds no readable WARC record")


def _record_document(src: str, rec, max_bytes: int, digest_ok: bool | None) -> Document | Problem:
    """One HTML response record as a Document (or a Problem when it is too large)."""
    rid = rec.headers.get("WARC-Record-ID") or None
    member = rid.strip("<>") if rid else None
    declared = rec.content_length or 0
    if declared > max_bytes:
        return Problem(src, "read", "error", "WARC record too large", str(DocumentTooLarge(declared, max_bytes)),
                       member=member)
    warnings: list[str] = []
    body = rec.reader.read(max_bytes + 1)
    if len(body) > max_bytes:
        return Problem(src, "read", "error", "WARC record too large", str(DocumentTooLarge(len(body), max_bytes)),
                       member=member)
    if digest_ok is False:
        warnings.append("WARC record truncated or corrupt (block digest mismatch): processed what was read")
    elif len(body) < declared:  # no digest to check, but fewer bytes than the record declares
        warnings.append(f"WARC record truncated: {len(body):,} of {declared:,} bytes read: processed what was read")
    hints = {k: v for k, v in (("url", rec.headers.get("WARC-Target-URI")), ("fetched_at", rec.headers.get("WARC-Date")),
                               ("charset", rec.http_charset)) if v}
    if not body.strip():
        return Problem(src, "read", "skipped", "empty WARC response body", "", member=member, doc_id=content_id(body))
    return Document(doc_id=content_id(body), source=src, member=member, kind="warc", data=body, hints=hints,
                    size=len(body), warnings=warnings)
