"""co-share reproduces CooRTweet 2.1.3 on its own example data (skipped without ../shared)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cibwatch.config import parse_config
from cibwatch.signals import run_signals
from cibwatch.store import Workspace

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real" / "coortweet"
EXPECTED = DATA / "expected"

pytestmark = pytest.mark.skipif(
    not (DATA / "russian_coord_tweets.csv.gz").exists(), reason="../shared data is absent"
)


def read_csv(name: str) -> list[dict[str, str]]:
    with open(EXPECTED / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_co_share_matches_coortweet_time_window_10_min_participation_2(tmp_path):
    from cibwatch.ingest import ingest_file

    ws = Workspace(tmp_path / "w")
    ingest_file(ws, DATA / "russian_coord_tweets.csv.gz", format="coortweet")
    # CooRTweet's semantics: |Δt| <= 10 s, its min_participation filter, no fast-reshare
    # links (its input has no original posts), and a weight that counts share pairs.
    cfg = parse_config(
        {
            "signals": {
                "co-share": {
                    "window": 10,
                    "min_participation": 2,
                    "fast_reshare_window": 0,
                    "popularity": "none",
                }
            }
        }
    )
    run_signals(ws, config=cfg, signals=["co-share"])
    rows = ws.con.execute(
        """
        SELECT x.native_id, y.native_id, e.events
        FROM edges e JOIN assets x ON x.asset_id = e.asset_a JOIN assets y ON y.asset_id = e.asset_b
        """
    ).fetchall()
    ours = {(min(a, b), max(a, b)): n for a, b, n in rows}
    theirs = {
        (min(r["account_a"], r["account_b"]), max(r["account_a"], r["account_b"])): int(r["weight"])
        for r in read_csv("russian_tw10_mp2_edges_full.csv")
    }
    counts = read_csv("russian_tw10_mp2_counts.csv")[0]
    assert len(theirs) == int(counts["full_edges"]) == 442
    assert ours == theirs  # the same 442 account edges with the same weights
    assert sum(ours.values()) == int(counts["detect_rows"]) == 447  # coordinated share pairs
    accounts = {a for pair in ours for a in pair}
    assert len(accounts) == int(counts["full_vertices"]) == 525
    heavier = sum(1 for n in ours.values() if n > float(counts["weight_quantile_threshold"]))
    assert heavier == int(counts["full_edges_weight_threshold_1"])
    ws.close()
