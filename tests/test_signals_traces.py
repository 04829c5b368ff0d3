"""Each co-action signal on hand-made worlds, and run_signals replacing the edges table."""

from __future__ import annotations

from datetime import datetime

import pytest

from cibwatch.config import parse_config
from cibwatch.errors import ConfigError
from cibwatch.signals import SIGNAL_NAMES, run_signals
from signal_worlds import edges, make_workspace, pairs

ALL_COACTION = "co-link,co-domain,co-share,identical-text,hashtag-sequence,co-mention,co-reply"


@pytest.fixture
def world(tmp_path):
    opened = []

    def make(posts):
        ws = make_workspace(tmp_path / f"w{len(opened)}", posts)
        opened.append(ws)
        return ws

    yield make
    for ws in opened:
        ws.close()


def test_co_link_matches_normalized_urls_within_the_window(world):
    ws = world(
        [
            {"asset": 1, "t": 0, "urls": ["https://www.news.example.ir/a?utm_source=tg"]},
            {"asset": 2, "t": 20, "urls": ["http://news.example.ir/a"]},
            {"asset": 3, "t": 500, "urls": ["https://news.example.ir/a"]},  # too late
            {"asset": 4, "t": 10, "urls": ["https://news.example.ir/b"]},  # same domain only
            {"asset": 5, "t": 5, "shared": "p1", "urls": ["https://news.example.ir/a"]},
        ]
    )
    run_signals(ws, signals=["co-link", "co-domain"])
    assert pairs(ws, "co-link") == {(1, 2)}  # the reshare (asset 5) is co-share's evidence
    assert pairs(ws, "co-domain") == {(1, 2), (1, 4), (2, 4)}
    link = edges(ws, "co-link")[0]
    domain = [e for e in edges(ws, "co-domain") if (e["asset_a"], e["asset_b"]) == (1, 2)][0]
    assert domain["weight"] < link["weight"]  # a shared domain weighs less than a shared URL
    assert link["examples"][0]["key"].endswith("news.example.ir/a")
    assert link["examples"][0]["at"] == datetime(2024, 3, 1, 12, 0, 0)


def test_co_share_and_fast_reshare(world):
    ws = world(
        [
            {"asset": 1, "t": 0, "id": "orig", "text": "پست اصلی"},
            {"asset": 2, "t": 30, "shared": "orig"},
            {"asset": 3, "t": 50, "shared": "orig"},
            {"asset": 4, "t": 5000, "shared": "orig"},  # late: no co-share, no fast reshare
            {"asset": 5, "t": 0, "shared": "other"},
            {"asset": 6, "t": 7200, "shared": "other"},
        ]
    )
    run_signals(ws, signals="co-share")
    # 2 and 3 reshared together; both reshared 1's post within a minute of publication.
    assert pairs(ws, "co-share") == {(1, 2), (1, 3), (2, 3)}
    cfg = parse_config({"signals": {"co-share": {"fast_reshare_window": 0}}})
    run_signals(ws, config=cfg, signals="co-share")
    assert pairs(ws, "co-share") == {(2, 3)}


PERSIAN = "مذاکرات هسته‌ای با آمریکا فقط یک نمایش است"
VARIANTS = [
    PERSIAN.replace("ی", "\u064a").replace("ک", "\u0643"),  # Arabic yeh and kaf
    PERSIAN.replace("\u200c", " "),  # ZWNJ typed as a space
    PERSIAN.replace("مذاکرات", "مذاکـــرات"),  # tatweel
    "  " + PERSIAN.replace(" ", "\u200c ") + " ",  # stray ZWNJ and spaces
]


def test_identical_text_matches_persian_copy_paste_variants(world):
    posts = [{"asset": 1, "t": 0, "text": PERSIAN}]
    posts += [{"asset": i + 2, "t": 10 * (i + 1), "text": v} for i, v in enumerate(VARIANTS)]
    posts += [
        {"asset": 10, "t": 5, "text": "مذاکرات هسته‌ای با آمریکا یک فرصت واقعی است"},
        {"asset": 11, "t": 6, "text": "لول"},  # short texts are not evidence
        {"asset": 12, "t": 7, "text": "لول"},
        {"asset": 13, "t": 8, "shared": "x", "text": PERSIAN},  # a reshare repeats the text
    ]
    ws = world(posts)
    run_signals(ws, signals="identical-text")
    group = range(1, len(VARIANTS) + 2)
    assert pairs(ws, "identical-text") == {(a, b) for a in group for b in group if a < b}
    example = edges(ws, "identical-text")[0]["examples"][0]["key"]
    assert "\u064a" not in example and "\u0640" not in example


def test_hashtag_sequence_needs_the_same_order(world):
    ws = world(
        [
            {"asset": 1, "t": 0, "hashtags": ["ایران", "مهسا_امینی", "آزادی"]},
            {"asset": 2, "t": 9, "hashtags": ["ایران", "مهسا_امینی", "آزادی"]},
            {"asset": 3, "t": 12, "hashtags": ["آزادی", "ایران", "مهسا_امینی"]},
            {"asset": 4, "t": 1, "hashtags": ["ایران"]},
            {"asset": 5, "t": 2, "hashtags": ["ایران"]},
        ]
    )
    run_signals(ws, signals="hashtag-sequence")
    assert pairs(ws, "hashtag-sequence") == {(1, 2)}
    key = edges(ws, "hashtag-sequence")[0]["examples"][0]["key"]
    assert key == "ایران مهسا_امینی آزادی"


def test_co_mention_and_co_reply(world):
    ws = world(
        [
            {"asset": 1, "t": 0, "mentions": ["khamenei_ir"], "reply_to": "900"},
            {"asset": 2, "t": 40, "mentions": ["khamenei_ir", "bbcpersian"], "reply_to": "900"},
            {"asset": 3, "t": 30, "mentions": ["bbcpersian"], "reply_to": "901"},
            {"asset": 4, "t": 3000, "mentions": ["khamenei_ir"], "reply_to": "900"},
        ]
    )
    run_signals(ws, signals="co-mention,co-reply")
    assert pairs(ws, "co-mention") == {(1, 2), (2, 3)}
    assert pairs(ws, "co-reply") == {(1, 2)}


def test_run_signals_replaces_edges_and_reports(world):
    ws = world(
        [
            {"asset": 1, "t": 0, "urls": ["https://a.example/x"], "text": PERSIAN},
            {"asset": 2, "t": 5, "urls": ["https://a.example/x"], "text": VARIANTS[0]},
        ]
    )
    seen = []
    report = run_signals(ws, signals=ALL_COACTION, progress=lambda *a: seen.append(a))
    assert {e["signal"] for e in edges(ws)} == {"co-link", "co-domain", "identical-text"}
    assert report.edges == 3
    assert report.to_dict()["signals"]["co-link"] == {
        "edges": 1,
        "assets": 2,
        "seconds": pytest.approx(report.runs[0].seconds, abs=1e-3),
        "cpu_seconds": pytest.approx(report.runs[0].cpu_seconds, abs=1e-3),
    }
    assert report.runs[0].cpu_seconds > 0
    assert report.config["signals"]["enabled"] == ALL_COACTION.split(",")
    assert seen[0] == ("co-link", 0, 7) and seen[-1] == ("", 7, 7)
    run_signals(ws, signals=["co-link"])
    assert {e["signal"] for e in edges(ws)} == {"co-link"}  # replaced, not appended
    for e in edges(ws):
        assert e["asset_a"] < e["asset_b"] and e["weight"] >= 0 and e["events"] >= 1


def test_a_failing_signal_leaves_the_previous_edges(world, monkeypatch):
    # Edges are written signal by signal inside one transaction: a failure in a later signal
    # must roll back the earlier ones' inserts and leave no staged view behind.
    ws = world(
        [
            {"asset": 1, "t": 0, "urls": ["https://a.example/x"], "text": PERSIAN},
            {"asset": 2, "t": 5, "urls": ["https://a.example/x"], "text": VARIANTS[0]},
        ]
    )
    run_signals(ws, signals="identical-text")
    before = edges(ws)
    assert [e["signal"] for e in before] == ["identical-text"]
    from cibwatch.signals.co_link import CoDomain

    def broken(self, ctx, params):
        raise RuntimeError("disk full")

    monkeypatch.setattr(CoDomain, "edges", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        run_signals(ws, signals="co-link,co-domain")
    assert edges(ws) == before
    views = ws.con.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchall()
    assert views[0][0] == 0


def test_co_action_inserts_keep_join_sides_and_restore_the_setting(world, monkeypatch):
    # The co-action fold's key lookups must be built on the keys, not on DuckDB's (far off)
    # estimate of the smaller side; the user's own disabled optimizers stay, and come back.
    ws = world(
        [
            {"asset": 1, "t": 0, "urls": ["https://a.example/x"], "text": PERSIAN},
            {"asset": 2, "t": 5, "urls": ["https://a.example/x"], "text": VARIANTS[0]},
        ]
    )
    from cibwatch.signals import runner

    seen = {}
    insert = runner._insert_edges

    def spy(con, eng, name, expr):
        setting = "SELECT current_setting('disabled_optimizers')"
        seen[name] = set(con.execute(setting).fetchall()[0][0].split(","))
        insert(con, eng, name, expr)

    monkeypatch.setattr(runner, "_insert_edges", spy)
    ws.con.execute("SET disabled_optimizers = 'top_n'")
    run_signals(ws, signals="co-link,sync-activity")
    assert seen == {"co-link": {"top_n", "build_side_probe_side"}, "sync-activity": {"top_n"}}
    after = ws.con.execute("SELECT current_setting('disabled_optimizers')").fetchall()[0][0]
    assert after == "top_n"
    assert [e["signal"] for e in edges(ws)] == ["co-link"]


def test_unknown_signal_is_a_config_error(world):
    ws = world([{"asset": 1, "t": 0}])
    with pytest.raises(ConfigError, match="co-lnk"):
        run_signals(ws, signals="co-link,co-lnk")
    assert "co-link" in SIGNAL_NAMES


def test_every_signal_stores_examples_sorted_and_cut(world):
    """The edges table stores examples as each signal made them (run_signals no longer sorts
    or cuts them), so every signal must give at most MAX_EXAMPLES, earliest first (by time,
    then key), each key at most EXAMPLE_KEY_CHARS characters."""
    from cibwatch.signals.base import EXAMPLE_KEY_CHARS, MAX_EXAMPLES

    long_text = "بیانیه رسمی درباره تجمع امروز در میدان آزادی " * 12  # ~540 characters
    posts = []
    for i in range(5):  # five keys per pair, in the same second and in different ones
        t = 3.0 * i + 0.25 * (i % 2)
        for asset in (1, 2, 3):
            posts.append(
                {
                    "asset": asset,
                    "t": t + 0.1 * asset,
                    "text": f"{long_text} شماره {i}",
                    "urls": [f"https://news.example.ir/{'x' * 250}/{4 - i}"],
                    "hashtags": ["ایران", f"برچسب{i}"],
                    "mentions": [f"user{i}"],
                }
            )
    ws = world(posts)
    run_signals(ws, signals=",".join(SIGNAL_NAMES))
    seen = set()
    for edge in edges(ws):
        examples = edge["examples"]
        assert 1 <= len(examples) <= MAX_EXAMPLES, edge
        assert all(len(e["key"]) <= EXAMPLE_KEY_CHARS for e in examples), edge
        order = [(e["at"], e["key"]) for e in examples]
        assert order == sorted(order), edge
        seen.add(edge["signal"])
        if edge["signal"] in ("identical-text", "co-link"):
            assert len(examples) == MAX_EXAMPLES
            assert max(len(e["key"]) for e in examples) == EXAMPLE_KEY_CHARS
    assert {"co-link", "identical-text", "near-duplicate-text", "hashtag-sequence"} <= seen
