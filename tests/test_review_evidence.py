"""Edge evidence: each signal's example keys lead back to the two assets' posts (or profiles)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from cibwatch.review.evidence import edge_evidence
from cibwatch.store import Workspace
from review_world import T0, build_world

LONG_URL = "https://www.tasnimnews.com/fa/news/" + "%D8%A2" * 60 + "/long"


@pytest.fixture()
def ws(tmp_path):
    build_world(tmp_path / "w", members=6)
    with Workspace(tmp_path / "w") as w:
        # Asset 1's coordinated post is p1 (post_id 1), asset 2's is p5 (post_id 5), 1 s apart.
        w.con.execute(
            "INSERT INTO post_urls VALUES (1, ?, ?, 'tasnimnews.com'), (5, ?, ?, 'tasnimnews.com')",
            [LONG_URL, LONG_URL[8:], LONG_URL, LONG_URL[8:]],
        )
        epoch = int((T0 - datetime(1970, 1, 1)).total_seconds())
        examples = {
            "co-link": LONG_URL[8:][:200],
            "near-duplicate-text": "p1~p5 J=0.91 fp=0123456789abcdef",
            "sync-activity": f"bin {epoch}+60s",
            "profile-similarity": "bio:J=1.00 fp=0123456789abcdef",
            "future-signal": "opaque",
        }
        for signal, key in examples.items():
            w.con.execute(
                "INSERT INTO edges VALUES (1, 2, ?, 1.0, 1, 1, ?, ?, [{'key': ?, 'at': ?}])",
                [signal, T0, T0 + timedelta(seconds=1), key, datetime(2024, 3, 1, 9, 0, 1)],
            )
        yield w


@pytest.mark.parametrize(
    "signal", ["co-link", "near-duplicate-text", "sync-activity", "identical-text"]
)
def test_keys_find_both_assets_posts(ws, signal):
    ev = edge_evidence(ws.con, 2, 1, signal)  # either order
    ex = ev["edges"][0]["examples"][0]
    assert ex["matched_by"] == "key", ex
    assert [p["native_id"] for p in ex["posts_a"]] == ["p1"]
    assert [p["native_id"] for p in ex["posts_b"]] == ["p5"]
    assert ev["asset_a"]["native_id"] == "1001" and ev["asset_b"]["platform"] == "facebook"


def test_profile_similarity_shows_the_profile_field(ws):
    ex = edge_evidence(ws.con, 1, 2, "profile-similarity")["edges"][0]["examples"][0]
    assert ex["matched_by"] == "profile"
    assert ex["profile"]["field"] == "bio"
    assert ex["profile"]["a"] == ex["profile"]["b"] == "کاربر — خبرنگار آزاد"


def test_unknown_signal_falls_back_to_posts_near_in_time(ws):
    ex = edge_evidence(ws.con, 1, 2, "future-signal")["edges"][0]["examples"][0]
    assert ex["matched_by"] == "time"
    assert ex["posts_a"][0]["native_id"] == "p1"  # the closest post to the co-action


def test_all_signals_of_a_pair_and_missing_edges(ws):
    ev = edge_evidence(ws.con, 1, 2)
    assert {e["signal"] for e in ev["edges"]} >= {"co-link", "sync-activity", "identical-text"}
    assert edge_evidence(ws.con, 1, 6) is None
