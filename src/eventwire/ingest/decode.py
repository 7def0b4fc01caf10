"""Bytes -> text: charset detection, binary detection and mojibake repair.

Order of evidence for the charset (first that applies wins):
1. a byte-order mark (UTF-8/16/32);
2. a charset declared by the container (HTTP ``Content-Type``, WARC header, JSONL hint);
3. a ``<meta charset>`` / ``http-equiv`` declaration in the first 4 KB of HTML;
4. strict UTF-8;
5. Windows-1252 when every non-ASCII byte decodes to a Latin letter (Western European text, which
   statistical detectors misread when it is short), tolerating a few undefined junk bytes;
6. ``charset_normalizer``'s best guess;
7. UTF-8 with invalid bytes replaced by U+FFFD (recorded as a warning, never silently).

Between 4 and 5: a text that is overwhelmingly valid UTF-8 with a few bad bytes is decoded as UTF-8
with those bytes replaced (and the number recorded), not handed to a one-byte charset.
Control characters other than whitespace (a few stray NULs) are removed after decoding, with a warning.

Mojibake (UTF-8 read as Latin-1/cp1252, e.g. ``â€™``) is repaired with ftfy, keeping curly quotes and
full-width characters and line breaks as they are (``ftfy.fix_encoding``: only encoding damage is undone).
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import ftfy

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)



class BinaryContent(ValueError):
    """Raised when bytes are not text (NUL bytes or mostly control characters)."""


@dataclass(slots=True)
class Decoded:
    """Decoded text, the charset used and any warnings (e.g. replaced bytes, repaired mojibake)."""

    text: str
    charset: str
    warnings: list[str] = field(default_factory=list)


#: NUL bytes tolerated in a text (a few stray NULs in a dump: removed with a warning, see
#: :data:`CONTROL`): one per 256 bytes of the sample (at least 2), at most this many; more make the
#: bytes binary.
MAX_TEXT_NULS = 8

#: Control characters removed from decoded text: C0 controls except tab, line feed, form feed and
#: carriage return, and DEL (a NUL inside a word, "condemned\x00", would reach the stored body and the
#: event trigger). The JSONL reader removes the same set from its text fields.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def looks_binary(data: bytes, sample: int = 8192) -> bool:
    """True when the first ``sample`` bytes hold more NUL bytes than a text has by accident (one per
    256 bytes, at least 2, at most :data:`MAX_TEXT_NULS`), or over 10% non-whitespace control bytes. A text with a few stray control bytes is
    text (they are removed after decoding, with a warning); an image, PDF or compressed file has far
    more (random bytes: about one NUL in 256, and 10.5% control bytes).

    UTF-16/32 text (which has NULs) must be recognised by its BOM before calling this.
    """
    head = data[:sample]
    if not head:
        return False
    if head.count(0) > min(MAX_TEXT_NULS, max(2, len(head) // 256)):  # 1 per 256 bytes (at least 2), at most 8
        return True
    ctrl = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return ctrl / len(head) > 0.10


def _valid_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'").lower()).name
    except LookupError:
        return None


def decode_bytes(data: bytes, declared: str | None = None, *, html: bool = False) -> Decoded:
    """Decode ``data`` to ``str`` following the order of evidence in the module docstring.

    Args:
        data: raw bytes.
        declared: charset named by the container (HTTP header, JSONL hint), if any.
        html: also look for a ``<meta charset>`` declaration.

    Returns:
        :class:`Decoded` with the text (mojibake repaired), the codec name and warnings.

    Raises:
        BinaryContent: the bytes are not text.
    """
    warnings: list[str] = []
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(codec, errors="replace")
            return _finish(text, codec, warnings)
    if looks_binary(data):
        wide = _wide_without_bom(data)
        if wide is None:
            raise BinaryContent("binary content (NUL or control bytes): not a text document")
        text, codec = wide
        warnings.append(f"no byte-order mark; decoded as {codec} (detected)")
        return _finish(text, codec, warnings)
    candidates: list[str] = []
    if (c := _valid_codec(declared)):
        candidates.append(c)
    if html and (m := _META_CHARSET.search(data[:4096])):
        if (c := _valid_codec(m.group(1).decode("ascii", "replace"))):
            candidates.append(c)
    candidates.append("utf-8")
    for codec in dict.fromkeys(candidates):
        try:
            return _finish(data.decode(codec), codec, warnings)
        except UnicodeDecodeError:
            continue
    mostly = _mostly_utf8(data)
    if mostly is not None:
        text, bad = mostly
        warnings.append(f"invalid UTF-8: {bad} undecodable byte sequence(s) replaced by U+FFFD "
                        "(the rest is valid UTF-8)")
        return _finish(text, "utf-8", warnings)
    latin = _as_western(data)
    if latin is not None:
        warnings.append("not valid UTF-8; decoded as cp1252 (Western European letters)")
        if (bad := latin.count("\ufffd")):
            warnings.append(f"invalid bytes: {bad} byte(s) undefined in cp1252 replaced by U+FFFD")
        return _finish(latin, "cp1252", warnings)
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
    except Exception as exc:  # charset_normalizer is a best-effort guesser: record, then fall back
        best = None
        warnings.append(f"charset detection failed: {exc!r}")
    if best is not None and best.encoding:
        try:
            text = data.decode(best.encoding)
            warnings.append(f"not valid UTF-8; decoded as {best.encoding} (detected)")
            return _finish(text, best.encoding, warnings)
        except (UnicodeDecodeError, LookupError):
            pass
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    warnings.append(f"invalid UTF-8: {bad} undecodable byte sequence(s) replaced by U+FFFD")
    return _finish(text, "utf-8", warnings)


_WIDE = ["utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be"]


def _wide_without_bom(data: bytes, sample: int = 8192) -> tuple[str, str] | None:
    """``(text, codec)`` when ``data`` is UTF-16 or UTF-32 text without a byte-order mark, else ``None``.

    Only tried when at least a quarter of the first ``sample`` bytes are NUL (the high bytes of ASCII
    characters in UTF-16/32; a binary file rarely has that many): ``charset_normalizer`` chooses among
    the four wide encodings, and the result is kept only if it decodes the whole input strictly and
    at least 95% of its characters are printable or whitespace.
    """
    head = data[:sample]
    if not head or head.count(0) < len(head) // 4:
        return None
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000], cp_isolation=_WIDE).best()
    except Exception:  # best-effort guesser: no guess means binary, as before
        return None
    if best is None or not best.encoding:
        return None
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    good = sum(1 for c in text[:sample] if c.isprintable() or c in "\t\n\r\f")
    if not text or good < 0.95 * len(text[:sample]):
        return None
    return text, codecs.lookup(best.encoding).name


#: A text is taken as UTF-8 with a few bad bytes when its valid multi-byte UTF-8 characters outnumber
#: its invalid sequences this many times (text in a one-byte charset almost never forms a valid
#: multi-byte sequence: "café" in cp1252 is ``caf\xe9``, invalid as UTF-8).
UTF8_MAJORITY = 4


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """``(text, number of invalid sequences)`` when ``data`` is overwhelmingly UTF-8 (see
    :data:`UTF8_MAJORITY`; at most 8 invalid sequences, or 2% of the non-ASCII characters), decoded
    with the invalid sequences replaced by U+FFFD; else ``None``. A UTF-8 article with three stray
    bytes used to be decoded whole as cp850 by the statistical detector."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    good = sum(1 for c in text if ord(c) > 127 and c != "\ufffd")
    if bad <= 0 or bad > max(8, (good + bad) // 50) or good < UTF8_MAJORITY * bad:
        return None
    return text, bad


def _as_western(data: bytes) -> str | None:
    """``data`` decoded as cp1252 if its non-ASCII characters are Latin letters or common punctuation
    (curly quotes, dashes, euro sign), else ``None``. A few bytes that cp1252 leaves undefined (0x81,
    0x8D, 0x8F, 0x90, 0x9D: stray junk in otherwise Western text) are tolerated and replaced by U+FFFD:
    at most 3, or 1% of the non-ASCII characters."""
    text = data.decode("cp1252", errors="replace")
    high = [c for c in text if ord(c) > 127]
    bad = sum(1 for c in high if c == "\ufffd")
    if not high or bad > max(3, len(high) // 100):
        return None
    ok = sum(1 for c in high if c.isalpha() or c in "‘’“”–—€…«»°·")
    return text if ok + bad == len(high) and ok > bad else None


def _finish(text: str, codec: str, warnings: list[str]) -> Decoded:
    """Remove control characters (:data:`CONTROL`, with a warning giving their number) and repair
    mojibake with ftfy's encoding fixer only (quotes, widths and line breaks are left alone)."""
    if CONTROL.search(text):
        n = len(CONTROL.findall(text))
        text = CONTROL.sub("", text)
        warnings.append(f"{n} control character(s) (NUL etc.) removed")
    fixed, steps = ftfy.fix_encoding_and_explain(text)
    if steps:
        warnings.append("mojibake repaired (ftfy: " + ", ".join(f"{s[0]} {s[1]}" for s in steps)[:120] + ")")
    return Decoded(fixed, codec, warnings)
