"""sync-activity: bots in lockstep match; ordinary accounts sharing a daily rhythm or a news event don't."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pyarrow as pa
import pytest

from cibwatch.config import parse_config
from cibwatch.signals import run_signals
from cibwatch.store import Workspace

T0 = datetime(2024, 3, 2, 0, 0, 0)  # a Saturday, the first day of the Iranian working week
DAY = 86400


def make_activity(path, posts: list[tuple[int, int]]) -> Workspace:
    """A workspace whose posts are only (asset, seconds after T0): activity, no text."""
    ws = Workspace(path)
    assets = sorted({a for a, _ in posts})
    ws.con.register(
        "_a",
        pa.table(
            {
                "asset_id": pa.array(assets, pa.int64()),
                "platform": ["telegram"] * len(assets),
                "kind": ["channel"] * len(assets),
                "native_id": [f"c{a}" for a in assets],
            }
        ),
    )
    ws.con.execute("INSERT INTO assets BY NAME SELECT * FROM _a")
    ws.con.register(
        "_p",
        pa.table(
            {
                "post_id": pa.array(range(len(posts)), pa.int64()),
                "platform": ["telegram"] * len(posts),
                "native_id": [str(i) for i in range(len(posts))],
                "asset_id": pa.array([a for a, _ in posts], pa.int64()),
                "created_at": [T0 + timedelta(seconds=t) for _, t in posts],
            }
        ),
    )
    ws.con.execute("INSERT INTO posts BY NAME SELECT * FROM _p")
    return ws


def run(ws: Workspace, **params) -> dict[tuple[int, int], dict]:
    cfg = parse_config({"signals": {"sync-activity": params}})
    run_signals(ws, config=cfg, signals="sync-activity")
    cur = ws.con.execute("SELECT * FROM edges ORDER BY asset_a, asset_b")
    cols = [d[0] for d in cur.description]
    return {(r[0], r[1]): dict(zip(cols, r, strict=True)) for r in cur.fetchall()}


def office_hours(rng: random.Random, asset: int, days: int, per_day: tuple[int, int]):
    """An ordinary account: posts at independent random minutes of 9:00-17:00 Tehran time."""
    out = []
    for d in range(days):
        for _ in range(rng.randint(*per_day)):
            out.append((asset, d * DAY + rng.randint(int(5.5 * 3600), int(13.5 * 3600))))
    return out


@pytest.fixture
def world(tmp_path):
    opened = []

    def build(posts):
        ws = make_activity(tmp_path / f"w{len(opened)}", posts)
        opened.append(ws)
        return ws

    yield build
    for ws in opened:
        ws.close()


def test_lockstep_bots_match_ordinary_rhythm_does_not(world):
    rng = random.Random(7)
    posts = []
    for d in range(21):
        for _ in range(15):  # the operator's schedule: both bots post within seconds
            t = d * DAY + rng.randint(int(5.5 * 3600), int(13.5 * 3600))
            posts += [(1, t), (2, t + rng.randint(0, 15) if t % 60 < 40 else t)]
    # Two ordinary accounts with exactly the bots' daily rhythm, and a crowd of others.
    for a in range(3, 33):
        posts += office_hours(rng, a, 21, (5, 25))
    edges = run(world(posts))
    assert (1, 2) in edges
    bots = edges[(1, 2)]
    assert bots["events"] == bots["keys"] >= 200
    # The rhythm explains a few co-active minutes; the weight is the excess over it.
    assert 0 < bots["weight"] < bots["events"]
    examples = bots["examples"]
    assert (
        examples and examples[0]["key"].startswith("bin ") and examples[0]["key"].endswith("+60s")
    )
    assert all(1 in k or 2 in k for k in edges)  # no ordinary pair


def test_news_event_does_not_link_ordinary_accounts(world):
    rng = random.Random(3)
    posts = []
    for a in range(1, 201):
        posts += office_hours(rng, a, 14, (3, 10))
        # Everybody posts during the same few minutes of breaking news.
        posts += [(a, 5 * DAY + 20 * 3600 + rng.randint(0, 300)) for _ in range(3)]
    assert run(world(posts)) == {}


def test_too_little_activity_is_no_evidence(world):
    # Two assets co-active in 6 bins only, below min_active_bins=10.
    posts = [(a, 3600 * i) for i in range(6) for a in (1, 2)]
    assert run(world(posts)) == {}
    assert set(run(world(posts), min_active_bins=5, min_co_bins=5, alpha=0.01)) == {(1, 2)}


def test_overlap_explained_by_rhythm_is_not_significant(world):
    # Two news feeds that post every minute of the same morning hour, every day: their active
    # minutes overlap completely (Jaccard 1), yet each one's own hour-of-week profile predicts
    # exactly that overlap.
    posts = [(a, d * DAY + 4 * 3600 + 60 * m) for a in (1, 2) for d in range(28) for m in range(60)]
    assert run(world(posts)) == {}
    # Even alpha = 1 keeps nothing: the observed overlap does not exceed the expectation.
    assert run(world(posts), alpha=1.0) == {}
