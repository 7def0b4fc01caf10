"""Browser tests: Playwright drives Debian's chromium (/usr/bin/chromium) against a live ``eventwire serve``.

They load every page, use a filter, open an event, submit a review and save screenshots to
``test-artifacts/screenshots/`` for a human to look at. ``make test`` installs chromium when missing.
When the browser cannot start, the tests fail in CI (``CI=true``); on a developer machine without
``/usr/bin/chromium`` they are skipped with the reason.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.web_fixture import EVIL, make_hostile
from tests.web_server import LiveServer

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("EVENTWIRE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
TOKEN = "browser-test-token-0123456789"
IN_CI = os.environ.get("CI", "").lower() == "true"


def _unavailable(msg: str) -> None:
    if IN_CI:
        pytest.fail(msg + " (CI=true: the browser tests must run)")
    pytest.skip(msg)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # the dev extra is missing
        _unavailable(f"playwright not installed: {exc}")
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} missing (make test installs it: apt-get install -y chromium)")
    with sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        except Exception as exc:  # a browser that is present but cannot start is a failure, never a skip
            pytest.fail(f"chromium at {CHROMIUM} did not start: {exc}")
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory, web_db_template):
    db = tmp_path_factory.mktemp("webb") / "fixture.duckdb"
    shutil.copy(web_db_template, db)
    with LiveServer(db, write_token=TOKEN) as srv:
        srv.db = db
        yield srv


@pytest.fixture(scope="module")
def shots():
    if SHOTS.exists():
        shutil.rmtree(SHOTS)
    SHOTS.mkdir(parents=True)
    return SHOTS


@pytest.fixture
def page(browser, server):
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = ctx.new_page()
    pg.problems = []  # console errors, CSP violations, failed requests, dialogs (an XSS would open one)
    pg.on("console", lambda m: pg.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
    pg.on("dialog", lambda d: (pg.problems.append(f"dialog: {d.message}"), d.dismiss()))
    pg.on("requestfailed", lambda r: pg.problems.append(f"request failed: {r.url} {r.failure}")
          if r.failure != "net::ERR_ABORTED" else None)  # aborted: the page navigated on
    pg.on("request", lambda r: pg.problems.append(f"off-site request: {r.url}")
          if not r.url.startswith(server.url) and not r.url.startswith("data:") else None)
    yield pg
    ctx.close()


def api(server, path: str):
    import httpx

    return httpx.get(server.url + path, timeout=30).json()


def test_dashboard(page, server, shots):
    page.goto(server.url + "/")
    page.wait_for_selector("#daily-chart[data-ready='1']")
    counts = api(server, "/api/stats")
    assert page.inner_text("[data-count='events'] .num") == f"{counts['events']:,}"
    assert page.inner_text("[data-count='aggregated_events'] .num") == f"{counts['aggregated_events']:,}"
    assert counts["events"] == 59 and counts["aggregated_events"] == 68  # 59 coded events, 68 source-target pairs
    drawn = page.eval_on_selector_all("#daily-chart svg rect[data-n]", "rs => rs.map(r => +r.dataset.n)")
    daily = api(server, "/api/stats/daily")  # real-world events, the dashboard's default
    outside = int(page.get_attribute("#daily-chart", "data-outside"))
    # every event with a day is in a bar or noted; events with no day (undated, or a month) are not drawn
    assert counts["aggregated_no_day"] >= counts["aggregated_undated"]
    assert sum(drawn) + outside == sum(d["total"] for d in daily) == 68 - counts["aggregated_no_day"]
    pairs = page.locator("#pairs tbody tr")
    assert pairs.count() == min(15, len(api(server, "/api/actor-pairs?limit=15")))
    page.screenshot(path=str(shots / "01-dashboard.png"), full_page=True)
    assert page.problems == []


def test_events_filter_and_csv(page, server, shots):
    page.goto(server.url + "/events")
    assert page.inner_text("#total") == "59"
    assert page.locator("#events tbody tr").count() == 50
    page.fill("input[name=country]", "ETH")
    page.select_option("select[name=quad]", "1")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"country=ETH"))
    expected = api(server, "/api/events?country=ETH&quad=1")["total"]
    assert expected == 6  # Ethiopia as actor (5 events) or as location (the Addis Ababa talks)
    assert page.inner_text("#total") == str(expected)
    assert page.locator("#events tbody tr").count() == expected
    href = page.get_attribute("#csv", "href")
    assert "country=ETH" in href and "quad=1" in href
    import httpx

    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(httpx.get(server.url + href, timeout=30).text)))
    assert len(rows) == expected and {r["quad_class"] for r in rows} == {"1"}
    page.screenshot(path=str(shots / "02-events-filtered.png"), full_page=True)
    # a date range and paging
    page.goto(server.url + "/events?date_from=2025-01-01&date_to=2025-03-31&per_page=5")
    total = api(server, "/api/events?date_from=2025-01-01&date_to=2025-03-31")["total"]
    assert page.inner_text("#total") == str(total) and total > 5
    page.click("a[rel=next]")
    page.wait_for_url(re.compile(r"page=2"))
    assert page.locator("#events tbody tr").count() == min(5, total - 5)
    assert page.problems == []


def test_token_from_the_start_url(page, server):
    """The URL printed by `eventwire serve --write` carries the token in the fragment: kept for the tab."""
    page.goto(server.url + f"/#token={TOKEN}")
    assert "#" not in page.url  # removed from the address bar
    page.goto(server.url + "/events")
    page.click("#events tbody tr:first-child a.evlink")
    assert page.input_value("#review-form input[name=token]") == TOKEN


def test_event_page_and_review(page, server, shots):
    page.goto(server.url + "/events?actor=european+commission")
    page.click("#events tbody tr:first-child a.evlink")
    page.wait_for_selector("#evidence")
    event_id = page.url.rsplit("/", 1)[1]
    ev = api(server, f"/api/events/{event_id}")["event"]
    assert page.inner_text("#evidence .trig") == ev["trigger"] == "praised"
    assert page.inner_text("#evidence .src") == ev["sources"][0]["text"] == "The European Commission"
    assert page.locator("#evidence .tgt").first.inner_text() == "the agreement"
    # two targets: two real-world events (dyads), each with its one mention (no copies in this fixture)
    assert page.locator("#mentions tbody tr").count() == len(api(server, f"/api/events/{event_id}")["mentions"]) == 2
    page.screenshot(path=str(shots / "03-event.png"), full_page=True)
    # review: fix the target actors and the CAMEO code
    page.check("input[name=verdict][value=fixed]")
    # (a real CAMEO 1.1b3 code: reviews are checked against the codebook; 0511 is none)
    page.fill("input[name=cameo_code]", "057")
    page.fill("input[name=targets]", "UKRGOV, POLGOV, EUR")
    page.fill("input[name=reviewer]", "Browser Tester")
    page.fill("input[name=note]", "<b>not bold</b>")
    page.fill("input[name=token]", TOKEN)
    page.click("#review-form button[type=submit]")
    page.wait_for_selector("#review-history tbody tr")
    row = page.inner_text("#review-history tbody tr")
    assert "Browser Tester" in row and "fixed" in row and "057" in row and "<b>not bold</b>" in row
    gold = [json.loads(line) for line in _get_text(server, "/api/reviews.jsonl").splitlines()]
    mine = [g for g in gold if g["event_id"] == event_id]
    assert len(mine) == 1 and mine[0]["gold"]["targets"] == ["UKRGOV", "POLGOV", "EUR"]
    assert mine[0]["gold"]["cameo_code"] == "057" and mine[0]["coder"]["cameo_code"] == "051"
    page.screenshot(path=str(shots / "04-event-reviewed.png"), full_page=True)
    # a wrong token is refused and says so
    page.goto(server.url + f"/events/{event_id}")
    page.check("input[name=verdict][value=wrong]")
    page.fill("input[name=reviewer]", "Mallory")
    page.fill("input[name=token]", "not-the-token-at-all")
    page.click("#review-form button[type=submit]")
    page.wait_for_selector("#review-status.bad")
    assert "token" in page.inner_text("#review-status")
    page.problems = [p for p in page.problems if "401" not in p]  # the refused request is logged by chromium
    assert page.problems == []


def _get_text(server, path: str) -> str:
    import httpx

    return httpx.get(server.url + path, timeout=30).text


def test_article_page(page, server, shots):
    art = api(server, "/api/events?actor=ERIGOV&limit=1")["events"][0]
    page.goto(server.url + f"/articles/{art['article_id']}")
    a = api(server, f"/api/articles/{art['article_id']}")
    assert page.inner_text("#article-title") == a["title"]
    assert page.locator("#body a.trig").count() == len({(e["trigger_start"], e["trigger_end"]) for e in a["events"]})
    assert page.locator("#body .quote").count() >= len(a["quotes"])
    assert page.locator("#article-events li").count() == len(a["events"])
    page.screenshot(path=str(shots / "05-article.png"), full_page=True)
    page.uncheck("#layers input[data-layer=ent]")
    assert "no-ent" in page.get_attribute("#body", "class")
    # the republished article: page date differs from publication date, boilerplate folded
    messy = [r for r in api(server, "/api/search?q=Kyiv+grain")["results"] if "Ukraine" in (r["title"] or "")]
    page.goto(server.url + f"/articles/{messy[0]['article_id']}")
    meta = page.inner_text("#meta")
    assert "translated from de" in meta and "differs from publication date" in meta
    assert page.locator("#boilerplate").count() == 1 and page.get_attribute("#boilerplate", "open") is None
    page.screenshot(path=str(shots / "06-article-republished.png"), full_page=True)
    page.click("#boilerplate summary")
    assert page.locator("#boilerplate li").first.is_visible()
    assert page.problems == []


def test_map(page, server, shots):
    page.goto(server.url + "/map")
    page.wait_for_selector("#map[data-ready='1']")
    data = api(server, "/api/map")
    assert page.locator("#map circle.pt").count() == len(data["points"]) == 18
    radii = page.eval_on_selector_all("#map circle.pt", "els => els.map(e => e.getAttribute('r'))")
    assert all(0 < float(r) < 50 for r in radii), radii  # finite, even if drawn before the box had a size
    assert page.locator("#map path.land").count() > 150  # the world outlines are installed and drawn
    assert page.locator("#map path.land.hit").count() >= 10
    page.screenshot(path=str(shots / "07-map.png"), full_page=True)
    page.locator("#map circle.pt").first.dispatch_event("click")
    page.wait_for_selector("#map-info ul li a")
    assert page.locator("#map-info ul li").count() >= 1
    page.goto(server.url + "/map?quad=4")
    page.wait_for_selector("#map[data-ready='1']")
    assert page.locator("#map circle.pt").count() == len(api(server, "/api/map?quad=4")["points"])
    page.screenshot(path=str(shots / "08-map-quad4.png"), full_page=True)
    assert page.problems == []


def test_network(page, server, shots):
    page.goto(server.url + "/network")
    page.wait_for_selector("#network[data-ready='1']")
    net = api(server, "/api/network")
    assert page.locator("#network g.node").count() == len(net["nodes"])
    q4 = page.locator("#network path.edge[data-quad='4']")
    assert q4.count() == sum(1 for e in net["edges"] if e["q4"])
    page.screenshot(path=str(shots / "09-network.png"), full_page=True)
    page.uncheck("#quad-toggles input[data-quad='4']")
    assert all(not q4.nth(i).is_visible() for i in range(q4.count()))
    assert page.problems == []


def test_search(page, server, shots):
    page.goto(server.url + "/")
    page.fill("header .topsearch input", "ceasefire")
    page.press("header .topsearch input", "Enter")
    page.wait_for_selector("#results")
    res = api(server, "/api/search?q=ceasefire")
    assert res["method"] == "fts" and res["total"] == 2
    assert page.inner_text("#hits") == "2"
    assert page.locator("#results mark").count() >= 2
    page.screenshot(path=str(shots / "10-search.png"), full_page=True)
    assert page.problems == []


def test_reviews_and_api_pages(page, server, shots):
    page.goto(server.url + "/reviews")
    n = len(_get_text(server, "/api/reviews.jsonl").splitlines())
    assert page.locator("#reviews tbody tr").count() == max(n, 1)
    page.screenshot(path=str(shots / "11-reviews.png"), full_page=True)
    page.goto(server.url + "/api")
    assert page.locator("#endpoints tbody tr").count() >= 15
    page.screenshot(path=str(shots / "12-api.png"), full_page=True)
    assert page.problems == []


def test_hostile_article_is_inert(browser, tmp_path, shots, web_db_template):
    """Script in an article's title and body is shown as text: no dialog, no script runs."""
    db = tmp_path / "hostile.duckdb"
    shutil.copy(web_db_template, db)
    aid = make_hostile(db)
    with LiveServer(db) as srv:
        ctx = browser.new_context()
        pg = ctx.new_page()
        dialogs = []
        pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        pg.goto(srv.url + f"/articles/{aid}")
        assert pg.inner_text("#article-title") == EVIL
        assert pg.locator("#body").inner_text().startswith(EVIL)
        pg.goto(srv.url + f"/search?q=script+alert")
        pg.goto(srv.url + "/events?actor=chledu")
        pg.screenshot(path=str(shots / "13-hostile-article-events.png"), full_page=True)
        assert dialogs == []
        ctx.close()


# -- the demo database: the real pipeline on examples/, the seed and a story with copies ------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory, web_real_template):
    """``eventwire serve`` on a database built by the real pipeline only: no hand-coded rows."""
    db = tmp_path_factory.mktemp("webdemo") / "demo.duckdb"
    shutil.copy(web_real_template, db)
    with LiveServer(db) as srv:
        yield srv


@pytest.fixture
def demo_page(browser, demo):
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = ctx.new_page()
    pg.problems = []
    pg.on("console", lambda m: pg.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
    pg.on("requestfailed", lambda r: pg.problems.append(f"request failed: {r.url} {r.failure}")
          if r.failure != "net::ERR_ABORTED" else None)
    pg.on("request", lambda r: pg.problems.append(f"off-site request: {r.url}")
          if not r.url.startswith(demo.url) and not r.url.startswith("data:") else None)
    yield pg
    ctx.close()


def _ready(pg) -> None:
    for sel in ("#daily-chart", "#map", "#network"):
        if pg.locator(sel).count():
            pg.wait_for_selector(sel + "[data-ready='1']")


def test_demo_dashboard_counts_real_world_events(demo_page, demo, shots):
    pg = demo_page
    pg.goto(demo.url + "/")
    _ready(pg)
    stats = api(demo, "/api/stats")
    assert stats["copies"] == 3 and stats["aggregated_events"] > 0
    for key in ("aggregated_events", "events", "copies", "stories", "articles"):
        assert pg.inner_text(f"[data-count='{key}'] .num") == f"{stats[key]:,}", key
    assert "Counting real-world events." in pg.inner_text("#counting")
    drawn = pg.eval_on_selector_all("#daily-chart svg rect[data-n]", "rs => rs.map(r => +r.dataset.n)")
    outside = int(pg.get_attribute("#daily-chart", "data-outside"))
    assert sum(drawn) + outside == sum(d["total"] for d in api(demo, "/api/stats/daily")) > 0
    # events dated outside the articles' period (background such as "in the 1990s") are noted and linked
    assert (pg.locator("#daily-chart p.outside a").count() >= 1) == (outside > 0)
    assert pg.locator("#pairs tbody tr").count() == min(15, len(api(demo, "/api/actor-pairs?limit=15")))
    pg.screenshot(path=str(shots / "demo-01-dashboard.png"), full_page=True)
    pg.click("#counting a:has-text('Count coded events instead')")
    _ready(pg)
    drawn = pg.eval_on_selector_all("#daily-chart svg rect[data-n]", "rs => rs.map(r => +r.dataset.n)")
    outside = int(pg.get_attribute("#daily-chart", "data-outside"))
    assert sum(drawn) + outside == stats["events"]
    pg.screenshot(path=str(shots / "demo-02-dashboard-coded.png"), full_page=True)
    assert pg.problems == []


def test_demo_events_and_event_with_copies(demo_page, demo, shots):
    pg = demo_page
    stats = api(demo, "/api/stats")
    sid = api(demo, "/api/stories?sort=articles&limit=1")["stories"][0]["story_id"]  # the story with copies
    pg.goto(demo.url + f"/events?story={sid}&per_page=200")
    coded = api(demo, f"/api/events?story={sid}&limit=200")["events"]
    assert pg.locator("#events tbody tr").count() == len(coded)
    assert pg.locator("#events span.copy").count() == sum(1 for e in coded if e["article_is_duplicate"]) > 0
    pg.goto(demo.url + "/events")
    assert pg.inner_text("#total") == str(stats["events"])
    pg.screenshot(path=str(shots / "demo-03-events-coded.png"), full_page=True)
    pg.click("#unit-tabs a:has-text('Real-world events')")
    pg.wait_for_url(re.compile(r"unit=aggregated"))
    assert pg.inner_text("#total") == str(stats["aggregated_events"])
    pg.goto(demo.url + "/events?unit=aggregated&sort=reports")
    pg.screenshot(path=str(shots / "demo-04-events-real-world.png"), full_page=True)
    pg.click("#events tbody tr:first-child a.evlink")
    pg.wait_for_selector("#real-world")
    top = api(demo, "/api/aggregated-events?sort=reports&limit=1")["events"][0]
    assert top["num_copies"] > top["num_articles"]
    box = pg.locator(f"#agg-{top['agg_event_id']}")
    assert box.locator("tbody tr").count() == top["num_copies"]
    assert box.locator("tbody span.copy").count() == top["num_copies"] - top["num_articles"]
    assert box.locator("dd.num-articles").inner_text() == str(top["num_articles"])
    pg.screenshot(path=str(shots / "demo-05-event-copies.png"), full_page=True)
    assert pg.problems == []


def test_demo_stories_story_and_articles(demo_page, demo, shots):
    pg = demo_page
    pg.goto(demo.url + "/stories")
    res = api(demo, "/api/stories?limit=200")
    assert pg.locator("#stories tbody tr").count() == res["total"] > 1
    pg.screenshot(path=str(shots / "demo-06-stories.png"), full_page=True)
    pg.click("#stories a:has-text('talks in Oslo')")
    pg.wait_for_selector("#story-articles")
    sid = pg.url.rsplit("/", 1)[1]
    st = api(demo, f"/api/stories/{sid}")
    assert pg.locator("#story-articles tbody tr").count() == len(st["articles"]) == 5
    assert pg.locator("#story-articles tr.copy-row").count() == 3
    assert pg.locator("#story-events tbody tr").count() == st["n_agg_events"]
    pg.screenshot(path=str(shots / "demo-07-story.png"), full_page=True)
    pg.click("#story-articles tr.orig-row a >> nth=0")
    pg.wait_for_selector("#corpus")
    assert "original" in pg.inner_text("#dup-status") and pg.locator("#copies li").count() == 3
    pg.screenshot(path=str(shots / "demo-08-article-original.png"), full_page=True)
    pg.click("#copies li:has-text('translation') a")
    pg.wait_for_selector("#dup-status .copy")
    assert "translation" in pg.inner_text("#dup-status")
    pg.screenshot(path=str(shots / "demo-09-article-translation.png"), full_page=True)
    seed = api(demo, "/api/search?q=Shaheen")["results"][0]
    pg.goto(demo.url + f"/articles/{seed['article_id']}")
    a = api(demo, f"/api/articles/{seed['article_id']}")
    assert a["translated_from"] == "de" and pg.locator("#article-events li").count() == len(a["events"]) > 0
    assert pg.locator("#body a.trig").count() >= 1
    pg.screenshot(path=str(shots / "demo-10-article-seed.png"), full_page=True)
    assert pg.problems == []


def test_demo_map_network_search_reviews_api(demo_page, demo, shots):
    pg = demo_page
    pg.goto(demo.url + "/map")
    _ready(pg)
    data = api(demo, "/api/map")
    assert pg.locator("#map circle.pt").count() == len(data["points"]) > 0
    assert "real-world events" in pg.inner_text("#counting")
    pg.locator("#map circle.pt").first.dispatch_event("click")
    pg.wait_for_selector("#map-info ul li")
    pg.screenshot(path=str(shots / "demo-11-map.png"), full_page=True)
    pg.goto(demo.url + "/network")
    _ready(pg)
    assert pg.locator("#network g.node").count() == len(api(demo, "/api/network")["nodes"]) > 0
    pg.screenshot(path=str(shots / "demo-12-network.png"), full_page=True)
    pg.goto(demo.url + "/search?q=ceasefire")
    assert int(pg.inner_text("#hits")) == api(demo, "/api/search?q=ceasefire")["total"] > 0
    pg.screenshot(path=str(shots / "demo-13-search.png"), full_page=True)
    pg.goto(demo.url + "/reviews")
    pg.screenshot(path=str(shots / "demo-14-reviews.png"), full_page=True)
    pg.goto(demo.url + "/api")
    assert pg.locator("#endpoints td code:text-is('/api/stories/{story_id}')").count() == 1
    pg.screenshot(path=str(shots / "demo-15-api.png"), full_page=True)
    assert pg.problems == []
