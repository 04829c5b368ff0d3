"""Review app latency on a network of 2,000 members: pages, API calls and the graph in Chromium.

Usage: .venv/bin/python bench/bench_review.py [--members 2000] [--posts 20] [--degree 5]
       [--repeat 5] [--no-browser]

Builds a workspace with one suspect network of `members` assets (each with `posts` posts and
edges to its next `degree` members, evidence included) plus a small one, serves it with uvicorn
on a free loopback port, and times each page and API call over HTTP (first call, then the median
and max of `repeat` more). With Chromium at /usr/bin/chromium it also times, in a real browser,
the network page from navigation until the graph of every member is drawn.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from cibwatch.review.app import LOOPBACK_HOSTS, create_app  # noqa: E402
from cibwatch.review.auth import ensure_token  # noqa: E402
from cibwatch.review.server import BackgroundServer  # noqa: E402
from review_world import build_world  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")


def fetch(url: str, token: str, data: bytes | None = None) -> tuple[float, int]:
    headers = {"Authorization": f"Bearer {token}"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, headers=headers)
    t0 = time.perf_counter()
    with urllib.request.urlopen(req) as resp:  # noqa: S310 - loopback URL we built
        body = resp.read()
    return time.perf_counter() - t0, len(body)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=2000)
    ap.add_argument("--posts", type=int, default=20)
    ap.add_argument("--degree", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()

    path = Path(tempfile.mkdtemp(prefix="bench-review-")) / "w"
    t0 = time.perf_counter()
    info = build_world(path, members=args.members, posts_per_member=args.posts, degree=args.degree)
    print(
        f"world: {args.members} members, {args.members * args.posts:,} posts in "
        f"{time.perf_counter() - t0:.1f}s",
        file=sys.stderr,
    )
    token = ensure_token(path)
    a, b, signal = info["edge"]
    nid = quote(info["network_id"], safe="")
    calls = [
        ("page  /networks", "/networks"),
        ("page  /networks/{id}", f"/networks/{nid}"),
        ("api   /api/graph (layout + edges)", f"/api/graph?network_id={nid}"),
        ("api   /api/networks", "/api/networks"),
        ("api   /api/networks/{id}", f"/api/networks/{nid}"),
        ("page  /evidence", f"/evidence?a={a}&b={b}&signal={signal}&network={nid}"),
        ("page  /assets/{id}", f"/assets/{a}"),
        ("api   /api/decisions", "/api/decisions"),
    ]
    rows = []
    with BackgroundServer(create_app(path, allowed_hosts=LOOPBACK_HOSTS)) as base:
        for label, url in calls:
            first, size = fetch(base + url, token)
            times = [fetch(base + url, token)[0] for _ in range(args.repeat)]
            rows.append((label, first, statistics.median(times), max(times), size))
        body = json.dumps(
            {"network_id": info["network_id"], "decision": "takedown", "reason": "bench"}
        ).encode()
        post = [fetch(base + "/api/decisions", token, body)[0] for _ in range(args.repeat)]
        rows.append(
            ("api   POST /api/decisions (takedown)", post[0], statistics.median(post), max(post), 0)
        )
        browser = None
        if not args.no_browser and CHROMIUM.exists():
            browser = browser_times(base, token, nid, args.repeat)

    print(
        f"\n| call ({args.members:,}-member network) | first (ms) | median (ms) | max (ms) | bytes |"
    )
    print("|---|---:|---:|---:|---:|")
    for label, first, med, mx, size in rows:
        print(
            f"| `{label.split(maxsplit=1)[1]}` | {first * 1000:.0f} | {med * 1000:.0f} | "
            f"{mx * 1000:.0f} | {size:,} |"
        )
    if browser:
        first, med, mx = browser
        print(
            f"| Chromium: network page until the graph is drawn | {first * 1000:.0f} | "
            f"{med * 1000:.0f} | {mx * 1000:.0f} | |"
        )


def browser_times(base: str, token: str, nid: str, repeat: int) -> tuple[float, float, float]:
    from playwright.sync_api import sync_playwright

    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=args)
        page = b.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(base + "/login")
        page.fill("#actor", "bench")
        page.fill("#token", token)
        page.click("#login")
        page.wait_for_load_state()
        times = []
        for _ in range(repeat + 1):
            t0 = time.perf_counter()
            page.goto(f"{base}/networks/{nid}")
            page.wait_for_selector("#graph[data-nodes]", timeout=120_000)
            times.append(time.perf_counter() - t0)
        b.close()
    return times[0], statistics.median(times[1:]), max(times[1:])


if __name__ == "__main__":
    main()
