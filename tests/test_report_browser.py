"""report.html in headless Chromium on a hostile world: nothing executes, nothing loads, layout holds.

The world's names, handles, texts and URLs carry <script> tags, event-handler attributes,
javascript: links, right-to-left overrides and 3,000-character strings; each payload tries to
set document.title. Debian's chromium is driven by Playwright through executable_path (no
browser download, ever).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cibwatch.report import build_report
from cibwatch.store import Workspace
from report_worlds import build

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
WIDTH = 1024


@pytest.fixture(scope="module")
def report_html(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("w") / "ws"
    with Workspace(path) as ws:
        build(ws, hostile=True)
        return build_report(ws)["report.html"]


@pytest.fixture(scope="module")
def page(report_html, tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    profile = tmp_path_factory.mktemp("profile")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=ARGS,
            viewport={"width": WIDTH, "height": 900},
        )  # fmt: skip
        pg = browser.new_page()
        events = {"requests": [], "dialogs": [], "errors": []}
        pg.on("request", lambda r: events["requests"].append(r.url))
        pg.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
        pg.on("pageerror", lambda e: events["errors"].append(str(e)))
        pg.goto(report_html.as_uri())
        pg.wait_for_timeout(500)
        yield pg, events
        browser.close()


def test_no_payload_executes(page):
    pg, events = page
    assert pg.title() == "cibwatch takedown report"
    assert events["dialogs"] == []
    assert pg.evaluate("document.querySelectorAll('script').length") == 0
    handlers = pg.evaluate(
        "[...document.querySelectorAll('*')]"
        ".filter(e => [...e.attributes].some(a => a.name.toLowerCase().startsWith('on'))).length"
    )
    assert handlers == 0
    hrefs = pg.evaluate("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith(("#", "http://", "https://")) for h in hrefs)
    rels = pg.evaluate(
        "[...document.querySelectorAll('a[target]')].map(a => a.getAttribute('rel'))"
    )
    assert all("noopener" in r and "noreferrer" in r for r in rels)
    # The payloads are on the page as text.
    assert "document.title" in pg.inner_text("body")


def test_nothing_is_loaded_from_anywhere(page):
    _, events = page
    assert events["requests"] and all(u.startswith("file://") for u in events["requests"])


def test_layout_holds(page):
    pg, _ = page
    assert pg.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert pg.evaluate("getComputedStyle(document.body).direction") == "ltr"
    boxes = pg.evaluate(
        "[...document.querySelectorAll('.card, table, h2, h3')]"
        ".map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; })"
    )
    assert boxes and all(left >= 0 and right <= WIDTH for left, right in boxes)
    # Headings stay on the left: an RTL override did not flip the page.
    lefts = pg.evaluate(
        "[...document.querySelectorAll('section[id^=net-] > h2')]"
        ".map(e => e.getBoundingClientRect().left)"
    )
    assert max(lefts) - min(lefts) < 2
