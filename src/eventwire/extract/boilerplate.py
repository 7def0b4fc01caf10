"""Boilerplate lines inside article bodies: related links, newsletter and share prompts, photo credits.

A body line (paragraph) is boilerplate when it *starts* with one of the cues below (case-insensitive)
and is short: related-link teasers are one headline long, while an article paragraph that happens to
begin with "Read more" is not. Two tiers:

* strong cues (``See also``, ``Mehr zum Thema``, ``À lire aussi``, ``Lee también``, ``Photo:``,
  ``Sign up for our newsletter`` ...): lines of at most :data:`MAX_WORDS` words;
* weak cues, which are also ordinary words (``Share``, ``Teilen``, ``Partager``, ``Advertisement``,
  ``Anzeige``, ``Newsletter`` ...): only as a label, alone on the line or followed by ``:``, ``|`` or
  a dash, in lines of at most :data:`MAX_WEAK_WORDS` words.

Photo credits are also recognised by their shape: a short line that is only an agency or photographer
credit (``Reuters/Kacper Pempel``, ``AP Photo/Jacquelyn Martin``, ``(Foto: dpa)``, ``© AFP``).

Cues are in English, German, French and Spanish, collected by the project from how news sites label
these lines.
"""
from __future__ import annotations

import re

#: Longest line (in words) that a strong cue can mark as boilerplate.
MAX_WORDS = 40
#: Longest line (in words) that a weak cue can mark as boilerplate.
MAX_WEAK_WORDS = 8

_STRONG = [
    # related links (en)
    r"see also", r"read more", r"read also", r"also read", r"read next", r"read the full", r"more reading",
    r"related(?: articles?| stories| coverage| content| news| reading| topics?)?\s*:", r"more on this (?:topic|story)",
    r"more from\b", r"more stories\b", r"recommended(?: for you| reading| stories)?\s*:", r"you (?:may|might) also (?:like|be interested in)",
    r"don'?t miss\s*:", r"further reading", r"more\s*:", r"watch\s*:", r"listen\s*:", r"trending\s*:",
    r"top stories\s*:", r"editor'?s picks?", r"most read\b", r"popular now\b", r"also on\b.{0,40}:",
    # newsletter, share, follow, apps, ads (en)
    # "sign up" only as a prompt ("Sign up for our newsletter", "Sign up here"): "Sign up for a resident
    # account on the city portal" is a how-to step of the article
    r"sign up (?:here|now|today)\b", r"sign up (?:for|to) (?:our|the|my|free|a free)\b.{0,40}(?:newsletter|alerts?|updates|"
    r"e-?mails?|briefing|digest|bulletin|inbox)", r"sign up (?:for|to) (?:newsletters?|alerts|updates|e-?mails?)\b",
    r"sign up (?:for|to) (?:free|receive|get)\b", r"subscribe (?:to|now|here|for|today)", r"share (?:this|on|via)\b", r"follow us\b",
    r"follow (?:@|\w+ on (?:twitter|x|facebook|instagram))", r"click here", r"sponsored content", r"get (?:our|the) .{0,40}newsletter",
    r"join our .{0,40}(?:channel|newsletter|community)", r"download (?:our|the) .{0,30}app", r"email (?:this|us at)\b",
    r"(?:get|receive) (?:the )?(?:latest|breaking) .{0,40}(?:inbox|newsletter|alerts)", r"enter your email",
    r"this (?:article|story) (?:was|has been) (?:updated|corrected)\b.{0,10}$",
    # credits (en)
    r"photo(?:graph)?s?\s*(?:credit)?\s*:", r"image\s*(?:credit|source)?\s*:", r"picture\s*:", r"\(?photo by\b",
    r"pictured\s*:", r"credit\s*:", r"(?:file\s+)?photo\s*/", r"©", r"\(c\)\s", r"copyright\s+(?:©|\(c\)|\d{4})",
    r"all rights reserved",
    # de
    r"mehr zum thema", r"lesen sie (?:auch|mehr|hier)", r"siehe auch", r"auch interessant", r"weiterlesen\b",
    r"das könnte sie auch interessieren", r"empfohlener inhalt", r"mehr dazu\s*:", r"zum thema\s*:", r"weitere artikel",
    r"empfehlungen\b", r"foto\s*:", r"fotos?\s*:", r"bild\s*:", r"bildquelle", r"quelle\s*:\s*(?:dpa|afp|ap|reuters)\b",
    r"abonnieren sie", r"(?:jetzt )?newsletter (?:abonnieren|bestellen)", r"melden sie sich .{0,40}newsletter",
    r"folgen sie uns", r"teilen sie", r"artikel teilen", r"zur startseite", r"hier geht'?s zu",
    # fr
    r"[àa] lire aussi", r"lire aussi", r"lire la suite", r"voir aussi", r"sur le même sujet", r"[àa] voir (?:aussi|également)",
    r"[àa] découvrir", r"abonnez-vous", r"inscrivez-vous", r"(?:recevez|notre) .{0,30}newsletter", r"suivez-nous",
    r"partagez (?:cet|l'article)", r"crédits? photo", r"photo\s+:", r"légende\s*:",
    # es
    r"lee también", r"lea también", r"leer más", r"ver también", r"te puede interesar", r"le puede interesar",
    r"noticias relacionadas", r"suscr[íi]bete", r"únete a nuestro", r"recibe (?:nuestro|el) .{0,30}(?:boletín|newsletter)",
    r"más información\s*:", r"síguenos", r"comparte (?:esta|este)", r"fotograf[íi]a\s*:",
]
_WEAK = [
    r"advertisement", r"sponsored", r"share\b", r"tweet\b", r"print\b", r"newsletter\b", r"related\b",
    r"anzeige\b", r"werbung\b", r"teilen\b", r"drucken\b", r"mehr\b",
    r"publicité\b", r"partager\b", r"imprimer\b",
    r"publicidad\b", r"compartir\b", r"imprimir\b", r"relacionad[oa]s?\b",
]
_LEAD = r"^\s*(?:[►▶»>•*\-–—|]\s*)?"
_STRONG_RE = re.compile(_LEAD + r"(?:" + "|".join(_STRONG) + r")", re.I)
_WEAK_RE = re.compile(_LEAD + r"(?:" + "|".join(_WEAK) + r")\s*(?:[:|»›\-–—]|$)", re.I)
#: A line that is only a photo credit: ``Reuters/Kacper Pempel``, ``AP Photo/Jacquelyn Martin``,
#: ``(Foto: dpa)``, ``EPA-EFE/ANDY RAIN``, ``Getty Images``, ``© AFP``.
_CREDIT_RE = re.compile(
    r"^\s*[\(\[]?\s*(?:©\s*)?(?:(?:AP|AFP|AA|EPA(?:-EFE)?|REUTERS|Reuters|dpa|DPA|Getty(?: Images)?|picture[- ]alliance|"
    r"imago(?: images)?|Shutterstock|Keystone|ANP|Belga|Xinhua|Anadolu|Sipa|TASS|Sputnik|Bloomberg|NurPhoto|SOPA)"
    r"(?:\s+(?:Photo|Images|Foto))?\s*(?:/\s*[\w .'\-]{2,60})?|(?:Foto|Photo|Bild)\s*:\s*[\w .'/\-]{2,60})\s*[\)\]]?\s*$"
)


def is_boilerplate(line: str) -> bool:
    """True when ``line`` is a boilerplate line (see the module docstring for the rules)."""
    s = line.strip()
    if not s:
        return False
    n = len(s.split())
    if n > MAX_WORDS:
        return False
    if _STRONG_RE.match(s):
        return True
    if n <= MAX_WEAK_WORDS and (_WEAK_RE.match(s) or _CREDIT_RE.match(s)):
        return True
    return False


def split_boilerplate(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """Separate boilerplate paragraphs from article paragraphs.

    Returns:
        (kept paragraphs, removed lines verbatim with trailing whitespace stripped), both in order.
    """
    kept: list[str] = []
    removed: list[str] = []
    for p in paragraphs:
        if is_boilerplate(p):
            removed.append(p.strip())
        else:
            kept.append(p)
    return kept, removed
