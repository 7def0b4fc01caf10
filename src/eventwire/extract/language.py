"""Language identification with pycld2 (Compact Language Detector 2; its model ships in the wheel and
runs offline)."""
from __future__ import annotations

import re

import pycld2

_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def detect_language(text: str, hint: str | None = None) -> tuple[str | None, float]:
    """Detect the main language of ``text``.

    Args:
        text: the text (the first 20,000 characters are used).
        hint: an ISO 639-1 code declared by the source (``<html lang>``), used only when CLD2 is unsure.

    Returns:
        (ISO 639-1 code or ``None``, CLD2's percent of text in that language / 100). ``None`` when
        CLD2 finds no reliable language and there is no hint.
    """
    sample = _CTRL.sub(" ", text[:20000])
    if len(sample.strip()) < 3:
        return (hint, 0.0)
    try:
        reliable, _, details = pycld2.detect(sample)
    except pycld2.error:
        sample = sample.encode("utf-8", "ignore").decode("utf-8", "ignore")
        try:
            reliable, _, details = pycld2.detect(sample, bestEffort=True)
        except pycld2.error:
            return (hint, 0.0)
    name, code, percent, _score = details[0]
    if code in ("un", "xx") or not code:
        return (hint, 0.0)
    code = code.split("-")[0]
    if not reliable and hint:
        return (hint.split("-")[0].lower(), percent / 100)
    return (code, percent / 100)
