"""Browser tests of the analyst's additions (issue 17 item 4), in Debian's chromium via Playwright: the
outlet filter with the timeline and map of the filtered events and their downloads, names in the
network, adding a missed event from the article page, and a review refused with the codebook's
message. Screenshots go to ``test-artifacts/screenshots/analyst-*.png`` (this module runs after
``tests/web/test_browser.py``, which empties the folder first, and replaces only its own files)."""
from __future__ import annotations

import json

import httpx
import pytest

from tests.web.test_browser import SHOTS, TOKEN, api, browser, page, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def shots():
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("analyst-*.png"):
        old.unlink()
    return SHOTS


def test_outlet_filter_timeline_map_and_downloads(page, server, shots):  # noqa: F811
    from eventwire.store import plover

    page.goto(server.url + "/events?unit=aggregated")
    outlets = page.eval_on_selector_all("select[name=outlet] option", "os => os.map(o => o.value).filter(Boolean)")
    assert len(outlets) >= 3
    outlet = "BBC" if "BBC" in outlets else outlets[0]
    page.select_option("select[name=outlet]", outlet)
    page.click("form.filters button[type=submit]")
    page.wait_for_url(lambda u: "outlet=" in u)
    page.wait_for_selector("#daily-chart[data-ready='1']")
    page.wait_for_selector("#map[data-ready='1']")
    q = f"outlet={outlet}&unit=aggregated"
    total = api(server, f"/api/aggregated-events?{q}")["total"]
    assert total > 0 and page.inner_text("#total") == str(total)
    assert page.locator("#events tbody tr").count() == total
    # the timeline and the map count the same rows as the table
    drawn = page.eval_on_selector_all("#daily-chart svg rect[data-n]", "rs => rs.map(r => +r.dataset.n)")
    outside = int(page.get_attribute("#daily-chart", "data-outside") or 0)
    assert sum(drawn) + outside == sum(d["total"] for d in api(server, f"/api/stats/daily?{q}")) > 0
    assert page.locator("#map circle.pt").count() == len(api(server, f"/api/map?{q}")["points"])
    page.screenshot(path=str(shots / "analyst-01-events-outlet-timeline-map.png"), full_page=True)
    # downloads of the same rows
    for sel in ("#csv", "#parquet", "#plover"):
        assert f"outlet={outlet}" in page.get_attribute(sel, "href").replace("+", " ").replace("%20", " ")
    recs = [json.loads(x) for x in httpx.get(server.url + page.get_attribute("#plover", "href"), timeout=30).text.splitlines()]
    assert recs and all(plover.validate(r, dates="eventwire") == [] for r in recs)
    pq = httpx.get(server.url + page.get_attribute("#parquet", "href"), timeout=30)
    assert pq.status_code == 200 and pq.content[:4] == b"PAR1"
    assert page.problems == []


def test_network_names_beside_codes(page, server, shots):  # noqa: F811
    page.goto(server.url + "/network?unit=coded")
    page.wait_for_selector("#network[data-ready='1']")
    net = api(server, "/api/network?unit=coded")
    names = {n["id"]: n["name"] for n in net["nodes"]}
    labels = page.eval_on_selector_all("#network g.node text", "ts => ts.map(t => t.textContent)")
    assert len(labels) == len(names)
    assert "IGOUNOUnited Nations" in labels and "KENGOVKenya" in labels  # the code, then the name beside it
    shown = page.eval_on_selector_all("#network g.node text tspan.name", "ts => ts.map(t => t.textContent)")
    assert len(shown) == sum(1 for k, v in names.items() if v and v != k)
    page.screenshot(path=str(shots / "analyst-02-network-names.png"), full_page=True)
    assert page.problems == []


def test_add_a_missed_event_from_the_article_page(page, server, shots):  # noqa: F811
    art = api(server, "/api/events?actor=ERIGOV&limit=1")["events"][0]
    a = api(server, f"/api/articles/{art['article_id']}")
    page.goto(server.url + f"/articles/{art['article_id']}")
    assert page.inner_text("#missed-events") == "none added"
    page.click("#missed-details summary")
    s = a["sentences"][0]
    sentence = a["body"][s["char_start"]:s["char_end"]]
    trigger = sentence.split()[1]
    page.select_option("#missed-form select[name=sent_idx]", str(s["idx"]))
    page.fill("#missed-form input[name=trigger]", trigger)
    page.fill("#missed-form input[name=sources]", "kengov")
    page.fill("#missed-form input[name=targets]", "ETHGOV, ERIGOV")
    page.fill("#missed-form input[name=cameo_code]", "042")
    page.fill("#missed-form input[name=reviewer]", "Browser Analyst")
    page.fill("#missed-form input[name=token]", TOKEN)
    page.screenshot(path=str(shots / "analyst-03-article-missed-form.png"), full_page=True)
    page.click("#missed-form button[type=submit]")
    page.wait_for_selector("#missed-events li:not(.empty)")
    row = page.inner_text("#missed-events li")
    assert "KENGOV → ETHGOV, ERIGOV" in row and "042 CONSULT" in row and "Browser Analyst" in row
    assert f"“{trigger}”" in row
    gold = [json.loads(x) for x in httpx.get(server.url + "/api/reviews.jsonl", timeout=30).text.splitlines()]
    mine = [g for g in gold if g["verdict"] == "missed" and g["article_id"] == art["article_id"]]
    assert len(mine) == 1 and mine[0]["gold"]["targets"] == ["ETHGOV", "ERIGOV"] and mine[0]["trigger"] == trigger
    page.locator("#missed-events").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "analyst-04-article-missed-added.png"), full_page=True)
    # the reviews page lists it, linked to its article
    page.goto(server.url + "/reviews")
    assert page.locator("#reviews .v-missed").count() == 1
    assert page.get_attribute("#reviews a:has(.v-missed)", "href") == f"/articles/{art['article_id']}"
    page.screenshot(path=str(shots / "analyst-05-reviews-with-missed.png"), full_page=True)
    assert page.problems == []


def test_a_review_with_an_unknown_code_is_refused_with_the_reason(page, server, shots):  # noqa: F811
    ev = api(server, "/api/events?cameo=043&limit=1")["events"][0]
    page.goto(server.url + f"/events/{ev['event_id']}")
    page.check("input[name=verdict][value=fixed]")
    page.fill("input[name=cameo_code]", "999")
    page.fill("input[name=reviewer]", "Browser Analyst")
    page.fill("input[name=token]", TOKEN)
    page.click("#review-form button[type=submit]")
    page.wait_for_selector("#review-status.bad")
    assert "cameo_code '999' is not a CAMEO 1.1b3 event code" in page.inner_text("#review-status")
    page.locator("#review-status").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "analyst-06-review-refused.png"), full_page=False)
    assert api(server, f"/api/events/{ev['event_id']}")["reviews"] == []
    page.problems = [p for p in page.problems if "422" not in p]  # chromium logs the refused request
    assert page.problems == []
