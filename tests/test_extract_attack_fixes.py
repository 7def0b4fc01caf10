"""Regression tests for defects a tester found in extraction, provenance and language (issue 4)."""
from __future__ import annotations

import duckdb

from eventwire.runner import RunConfig, run

GERMAN = ("Minister trifft Präsident\n\nDer Außenminister von Deutschland traf den Präsidenten Frankreichs "
          "in Paris. Die Gespräche dauerten zwei Stunden und drehten sich um den Handel zwischen den beiden "
          "Ländern.\n")
RUSSIAN_HTML = ("<html><head><meta charset='windows-1251'><title>Новости</title></head><body><article><h1>Новости</h1>"
                "<p>Министр иностранных дел России встретился в Москве с послом Франции. Они обсуждали "
                "торговлю, энергетику и безопасность в регионе в течение двух часов.</p>"
                "<p>Переговоры продолжатся на следующей неделе в Париже, сообщили в министерстве.</p>"
                "</article></body></html>")
ENGLISH = ("Leaders meet in Geneva\n\nMarch 3, 2024\n\nThe foreign ministers of France and Germany met in "
           "Geneva on Monday to discuss the crisis.\n")


def test_non_english_articles_get_a_not_annotated_warning_row_and_summary_count(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "de.txt").write_bytes(GERMAN.encode("latin-1"))
    (d / "ru.html").write_bytes(RUSSIAN_HTML.encode("cp1251"))
    (d / "en.txt").write_text(ENGLISH, encoding="utf-8")
    db = tmp_path / "t.duckdb"
    stats, status = run([str(d)], RunConfig(db=str(db)))
    assert status == "done"
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT source, stage, severity, reason, detail FROM errors "
                       "WHERE reason = 'not annotated (language)' ORDER BY source").fetchall()
    langs = dict(con.execute("SELECT regexp_extract(source, '[^/]+$'), language FROM articles").fetchall())
    con.close()
    assert langs == {"de.txt": "de", "ru.html": "ru", "en.txt": "en"}
    assert [(r[0].rsplit("/", 1)[1], r[1], r[2], r[4]) for r in rows] == [
        ("de.txt", "nlp", "warning", "not annotated: no NLP model for language 'de'"),
        ("ru.html", "nlp", "warning", "not annotated: no NLP model for language 'ru'"),
    ]
    assert stats.reasons[("warning", "not annotated (language)")] == 2
    assert stats.articles == 3
