"""Characterization of hand-made networks (tests/report_worlds.py): every section's known answer."""

from __future__ import annotations

import json

import pytest

from cibwatch.characterize import characterize, load_characterizations
from cibwatch.characterize.assets import sentence
from cibwatch.store import Workspace
from report_worlds import build


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    path = tmp_path_factory.mktemp("w") / "ws"
    watch = path.parent / "watch.toml"
    watch.write_text(
        '[[targets]]\nname = "MEK"\naliases = ["منافقین", "مجاهدین خلق"]\n'
        '[[targets]]\nname = "Nobody"\naliases = ["zzqx"]\n',
        encoding="utf-8",
    )
    with Workspace(path) as ws:
        build(ws)
        out = characterize(ws, watchlist=watch)
        stored = load_characterizations(ws)
    return out, stored


def test_only_suspected_networks_in_score_order(docs):
    out, stored = docs
    assert list(out) == ["net-tehran", "net-meta"]
    assert list(stored) == list(out)
    assert stored["net-tehran"]["origin"]["timezone"]["utc_offset"] == "UTC+3:30"


def test_assets_sentence_in_meta_style(docs):
    out, _ = docs
    assert out["net-tehran"]["assets"]["sentence"] == "8 X accounts"
    assert out["net-meta"]["assets"]["sentence"] == "4 Instagram accounts, 3 Pages and 2 Groups"
    rows = [
        {"platform": "facebook", "kind": "group", "assets": 15},
        {"platform": "instagram", "kind": "account", "assets": 194},
        {"platform": "facebook", "kind": "page", "assets": 14},
        {"platform": "facebook", "kind": "account", "assets": 93},
    ]
    assert sentence(rows) == "93 Facebook accounts, 194 Instagram accounts, 14 Pages and 15 Groups"


def test_followers_and_creation_burst(docs):
    out, _ = docs
    a = out["net-tehran"]["assets"]
    t = a["by_type"][0]
    assert t["followers_total"] == sum(50 + 300 * i for i in range(8))
    assert a["creation"]["bursts"][0]["assets"] == 8
    assert a["creation"]["burst_share"] == 1.0


def test_origin_timezone_week_language_declared_location(docs):
    out, _ = docs
    o = out["net-tehran"]["origin"]
    assert o["timezone"]["working_week"] == "Saturday–Thursday"
    grid = o["timezone"]["hour_of_week_local"]  # Monday first, local hours at UTC+3:30
    assert sum(grid[4]) == 0  # Friday
    assert sum(sum(row[9:17]) for row in grid) == sum(sum(row) for row in grid)
    assert o["languages"]["top"][0]["lang"] == "fa"
    assert o["declared_locations"]["disagrees"] is True
    assert "United States" in o["declared_locations"]["statement"]
    m = out["net-meta"]["origin"]["timezone"]
    assert (m["utc_offset"], m["working_week"]) == ("UTC−5", "Monday–Friday")


def test_targets_known_target_first_and_watchlist(docs):
    out, _ = docs
    t = out["net-tehran"]["targets"]
    assert t["mentions"][0]["target"] == "target_person"
    assert t["mentions"][0]["assets"] == 8
    assert t["mentions"][0]["example"]["platform"] == "twitter"
    watch = {w["name"]: w for w in t["watchlist"]}
    assert watch["MEK"]["posts"] > 0 and watch["MEK"]["assets"] >= 2
    assert watch["Nobody"]["posts"] == 0
    assert {w["name"]: w["posts"] for w in out["net-meta"]["targets"]["watchlist"]}["MEK"] == 0


def test_narratives_find_persian_phrases_and_hashtag(docs):
    out, _ = docs
    n = out["net-tehran"]["narratives"]
    texts = " | ".join(p["text"] for p in n["phrases"])
    assert "افشا" in texts or "تحریم" in texts or "دشمن" in texts
    assert n["hashtags"][0]["text"] == "نه_به_جنگ"
    # Organic vocabulary is common to the corpus: never a distinctive term of a network.
    assert not {"بازار", "market"} & {p["text"] for p in n["terms"]}


def test_domains_flag_state_media(docs):
    out, _ = docs
    d = out["net-tehran"]["domains"]
    sites = {s["domain"]: s for s in d["sites"]}
    assert sites["presstv.ir"]["state_media"]["name"] == "Press TV"
    assert sites["amc239.com"]["state_media"] is None
    assert d["state_media"] == ["presstv.ir"]


def test_takedown_overlap_with_meta_iran_network(docs):
    out, _ = docs
    overlaps = out["net-tehran"]["takedowns"]["overlaps"]
    assert overlaps and overlaps[0]["takedown"] == "Q1 2023 Iran-based CIB network"
    assert overlaps[0]["domains"] == ["amc239.com"]
    assert overlaps[0]["accounts"] == [{"account": "telegram:altoufanteam", "how": "linked"}]
    assert overlaps[0]["statement"] == (
        "overlaps with Meta's Q1 2023 Iran-based CIB network: 1 domain and 1 account"
    )
    assert out["net-meta"]["takedowns"]["overlaps"] == []


def test_cards_show_same_text_minutes_apart(docs):
    out, _ = docs
    g = out["net-tehran"]["cards"]["groups"][0]
    assert g["kind"] == "same text" and g["assets"] >= 3
    assert g["span_seconds"] <= 3600
    assert len({p["text"] for p in g["posts"]}) == 1
    assert len({p["native_id"] for p in g["posts"]}) == len(g["posts"])


def test_tactics_map_to_disarm_and_kill_chain(docs):
    out, _ = docs
    items = out["net-tehran"]["tactics"]["items"]
    procs = {i["killchain"]["procedure"] for i in items}
    ids = {x["id"] for i in items for x in i["disarm"]}
    assert "0.9.4 Acquiring X / Twitter accounts" in procs
    assert "3.1.1 Working to a regular shift pattern" in procs
    assert {"T0150.008", "T0084.001", "T0097.101"} <= ids
    assert any("DISARM" in a for a in out["net-tehran"]["tactics"]["attribution"])


def test_documents_are_json(docs):
    out, _ = docs
    json.dumps(out, default=str)
