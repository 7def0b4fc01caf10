"""Pages that carry the article in scripts (client-rendered sites) or only in JSON-LD."""
from __future__ import annotations

import json

from eventwire.extract.embedded import embedded_article_html
from eventwire.extract.html import extract_html

PARAS = "".join(f"<p>Paragraph {i}: the ministers met in the capital and discussed the border dispute at length.</p>" for i in range(6))


def test_nextjs_style_double_encoded_html():
    inner = json.dumps({"content": PARAS})  # HTML in a JSON string ...
    push = "self.__next_f.push([1," + json.dumps("5:" + inner) + "])"  # ... inside a JS string
    page = f"<html><head><title>Ministers meet</title></head><body><div id='root'></div><script>{push}</script></body></html>"
    frag = embedded_article_html(page)
    assert frag == PARAS
    f = extract_html(page)
    assert f.extractor == "trafilatura+script"
    assert f.body.startswith("Paragraph 0: the ministers met") and f.body.count("\n\n") == 5


def test_jsonld_article_body_is_read_by_trafilatura():
    body = " ".join(["The rebels and the army agreed to a truce on Monday after talks in the capital."] * 4)
    ld = json.dumps({"@context": "https://schema.org", "@graph": [{"@type": "NewsArticle", "articleBody": body}]})
    page = f'<html><head><title>Truce</title><script type="application/ld+json">{ld}</script></head><body><p>Subscribe</p></body></html>'
    f = extract_html(page)
    assert f.body == body


def test_script_without_paragraphs_is_ignored():
    assert embedded_article_html('<script>var a = "no markup here";</script>') is None
