"""The review app in headless Chromium (Debian's, driven by Playwright): an analyst logs in, opens
a network, opens an edge's evidence, records a takedown and finds it in the audit log; a hostile
world executes nothing and keeps its layout.

The server runs in-process (uvicorn in a thread) on a free loopback port and stops with the test.
Never `playwright install`: the browser is /usr/bin/chromium (installed by .ci/run).
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
sync_api = pytest.importorskip("playwright.sync_api")

from cibwatch.review.app import LOOPBACK_HOSTS, create_app  # noqa: E402
from cibwatch.review.auth import ensure_token  # noqa: E402
from cibwatch.review.server import BackgroundServer  # noqa: E402
from review_world import HOSTILE_ACTOR, HOSTILE_ID, build_hostile_world, build_world  # noqa: E402


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield b
        b.close()


def serve(path: Path):
    return BackgroundServer(create_app(path, allowed_hosts=LOOPBACK_HOSTS))


class Watch:
    """Collects what must not happen on a page: script errors, CSP violations, dialogs."""

    def __init__(self, page) -> None:
        self.problems: list[str] = []
        page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        page.on(
            "console",
            lambda m: (
                self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
            ),
        )
        page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))


def settle_and_close(page_or_context) -> None:
    """Closes a page, or a context and its pages, while the server still runs: a page still
    loading a resource when the server stops logs ERR_CONNECTION_REFUSED, a failure by chance."""
    for page in getattr(page_or_context, "pages", [page_or_context]):
        page.wait_for_load_state("networkidle")
    page_or_context.close()


def log_in(page, base: str, token: str, actor: str, start: str = "/networks") -> None:
    page.goto(base + start)
    assert "/login" in page.url
    page.fill("#actor", actor)
    page.fill("#token", token)
    page.click("#login")
    page.wait_for_load_state()
    assert "/login" not in page.url


def test_analyst_reviews_evidence_and_records_a_takedown(browser, tmp_path):
    path = tmp_path / "w"
    info = build_world(path, members=30, degree=3)
    token = ensure_token(path)
    context = browser.new_context()
    page = context.new_page()
    watch = Watch(page)
    with serve(path) as base:
        log_in(page, base, token, "Maryam R.")
        assert page.url.endswith("/networks")
        page.click("a.netlink >> text=net-1")
        page.wait_for_url("**/networks/net-1")
        # The graph draws every member (server-side positions, cytoscape preset layout).
        page.wait_for_selector("#graph[data-nodes]", timeout=20_000)
        assert page.get_attribute("#graph", "data-nodes") == str(len(info["net1"]))
        assert page.locator("#graph canvas").count() >= 1
        assert page.locator("#member-table tbody tr").count() == len(info["net1"])

        # Evidence from the edge table: both posts, side by side.
        page.click("#edge-table a.evidence-link >> nth=0")
        page.wait_for_url("**/evidence?**")
        sides = page.locator(".coaction .side")
        assert sides.count() >= 2
        texts = page.locator(".coaction .side .text").all_inner_texts()
        assert sum("مذاکرات هسته" in t for t in texts) >= 2
        assert page.locator("h1").inner_text() == "Evidence"

        # And from the graph itself: tapping an edge opens its evidence.
        page.goto(base + "/networks/net-1")
        page.wait_for_selector("#graph[data-nodes]")
        page.evaluate("window.cibwatchGraph.tapEdge(0)")
        page.wait_for_url("**/evidence?**")
        assert page.locator(".coaction").count() >= 1

        # Record a takedown.
        page.goto(base + "/networks/net-1")
        page.check("#decision-takedown")
        page.fill("#reason", "removed 2024-03-02, platform ticket 4711")
        page.click("#record-decision")
        page.wait_for_url("**recorded=**")
        assert "taken down" in page.locator("h1 .status").inner_text()
        assert "takedown" in page.locator("#history tbody tr >> nth=0").inner_text()

        # It is in the audit log, with who, when, what and why; the chain is intact.
        page.click("header >> text=Audit log")
        page.wait_for_url("**/decisions")
        row = page.locator("#audit-log tbody tr >> nth=0").inner_text()
        for part in ("takedown", "Maryam R.", "net-1", "platform ticket 4711", "via browser"):
            assert part in row
        assert page.locator("#chain-ok").count() == 1

        # The list shows the new status and filters on it.
        page.goto(base + "/networks?status=taken+down")
        assert page.locator("#network-table tbody tr").count() == 1
        assert "taken down" in page.locator("#network-table").inner_text()
        settle_and_close(context)
    assert watch.problems == []


def test_large_network_draws_on_canvas_and_clicks_through(browser, tmp_path):
    path = tmp_path / "w"
    info = build_world(path, members=450, posts_per_member=2, degree=2)
    token = ensure_token(path)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watch = Watch(page)
    with serve(path) as base:
        log_in(page, base, token, "Maryam R.", start="/networks/net-1")
        page.wait_for_selector("#graph[data-nodes]", timeout=30_000)
        assert page.get_attribute("#graph", "data-renderer") == "canvas"
        assert page.get_attribute("#graph", "data-nodes") == str(len(info["net1"]))
        # A real click on a drawn node opens that asset's page.
        page.locator("#graph").scroll_into_view_if_needed()
        box = page.locator("#graph canvas").bounding_box()
        x, y = page.evaluate("window.cibwatchGraph.nodePosition(0)")
        page.mouse.move(box["x"] + x, box["y"] + y)
        assert "· " in page.locator("#graph-tip").inner_text()
        page.mouse.click(box["x"] + x, box["y"] + y)
        page.wait_for_url("**/assets/*")
        assert page.locator("#networks").inner_text().count("net-1") >= 1
        page.goto(base + "/networks/net-1")
        page.wait_for_selector("#graph[data-nodes]")
        page.evaluate("window.cibwatchGraph.tapEdge(0)")
        page.wait_for_url("**/evidence?**")
        settle_and_close(page)
    assert watch.problems == []


def test_hostile_world_runs_no_script_and_keeps_its_layout(browser, tmp_path):
    path = tmp_path / "w"
    info = build_hostile_world(path)
    token = ensure_token(path)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watch(page)
    nid = quote(HOSTILE_ID, safe="")
    a, b = info["net1"][0], info["net1"][1]
    with serve(path) as base:
        log_in(page, base, token, HOSTILE_ACTOR)
        page.goto(f"{base}/networks/{nid}")
        page.check("#decision-reject")
        page.fill("#reason", HOSTILE_ACTOR)
        page.click("#record-decision")
        page.wait_for_url("**recorded=**")
        for url in [
            "/networks",
            f"/networks/{nid}",
            f"/evidence?a={a}&b={b}&network={nid}",
            f"/assets/{a}",
            "/decisions",
        ]:
            page.goto(base + url)
            page.wait_for_load_state("networkidle")
            assert page.evaluate("window.__xss") is None, url
            assert page.locator("img").count() == 0, url
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 1280 + 2, (url, width)
            assert page.locator("body").is_visible()
        page.goto(f"{base}/networks/{nid}")
        page.wait_for_selector("#graph[data-nodes]")
        assert page.get_attribute("#graph", "data-nodes") == str(len(info["net1"]))
        settle_and_close(context)
    assert watch.problems == []


def test_takedown_appears_in_the_regenerated_report(browser, tmp_path):
    if importlib.util.find_spec("cibwatch.report") is None:
        pytest.skip("`cibwatch report` has not landed yet")
    path = tmp_path / "w"
    info = build_world(path, members=8)
    token = ensure_token(path)
    page = browser.new_page()
    watch = Watch(page)
    with serve(path) as base:
        log_in(page, base, token, "Maryam R.", start="/networks/net-1")
        page.check("#decision-takedown")
        page.click("#record-decision")
        page.wait_for_url("**recorded=**")
        page.goto(base + "/decisions")
        assert "takedown" in page.locator("#audit-log tbody tr >> nth=0").inner_text()
        # The app runs `cibwatch report` in-process (the server holds the database file).
        page.click("#regenerate-report")
        page.wait_for_url("**/report", timeout=120_000)
        text = page.locator("body").inner_text().lower()
        assert "taken down" in text and "net-1" in text
        settle_and_close(page)
    with (path / "out" / "assets.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    net1 = [r for r in rows if r["network"] == "net-1"]
    assert len(net1) == len(info["net1"])
    assert {r["status"] for r in net1} == {"taken-down"}
    assert all(r["status"] != "taken-down" for r in rows if r["network"] != "net-1")
    # report.html carries its own CSP <meta> (for opening it from disk), whose frame-ancestors
    # Chromium notes it ignores; the app's header forbids framing anyway.
    assert [p for p in watch.problems if "delivered via a <meta> element" not in p] == []
