"""Chains state -> intermediary -> state citeback: credit, direction, decoys, ranking, JSON."""

from __future__ import annotations

import json

from cibwatch.laundering import launder
from cibwatch.urls import normalize_url
from laundering_world import (
    OWN_EN,
    OWN_FA,
    REPORT_EN,
    REWORDED_EN,
    STATE_EN,
    STATE_FA,
    article,
    copy_fa,
    workspace,
)

STATE = article("ptv-1", "presstv.ir", "Press TV", 0, STATE_EN)


def citeback(aid: str, hours: float, inter: dict, claim: str, *, link: bool = True) -> dict:
    body = [
        f"According to a report by {inter['outlet']}, an independent outlet, {claim}",
        "The Islamic Republic has always defended the rights of the oppressed nations of the region.",
        "Officials in Tehran said the country would continue to expand its economic ties with its neighbours.",
    ]
    return article(aid, "presstv.ir", "Press TV", hours, body, links=[inter["url"]] if link else [])


def chain_ids(result: dict) -> set[tuple[str, str, str]]:
    return {
        (c["state"]["id"], c["intermediary"]["id"], c["citeback"]["id"]) for c in result["chains"]
    }


def test_uncredited_chain(tmp_path):
    inter = article(
        "ghr-1", "globalhorizonreview.com", "Global Horizon Review", 20, STATE_EN, author="Ann Roe"
    )
    cite = citeback("ptv-2", 70, inter, STATE_EN[2])
    ws = workspace(tmp_path / "w", [STATE, inter, cite])
    result = launder(ws)
    assert chain_ids(result) == {("ptv-1", "ghr-1", "ptv-2")}
    [c] = result["chains"]
    assert c["credited"] is False
    assert c["gaps_hours"] == [20.0, 50.0]
    assert c["intermediary"]["author"] == "Ann Roe"
    assert c["intermediary"]["url"] == inter["url"]
    assert c["citeback_how"] == "links to the article"
    assert c["passages"][0]["state"].startswith("The foreign ministry spokesman")
    # The JSON on disk is the same result, and names every article by input id and url.
    on_disk = json.loads((ws.out / "laundering.json").read_text(encoding="utf-8"))
    assert chain_ids(on_disk) == chain_ids(result)
    assert on_disk["state_outlets"][0]["name"] == "Press TV"
    assert on_disk["state_outlets"][0]["sources"]


def test_posts_sharing_a_chain_article_are_named(tmp_path):
    inter = article("ghr-1", "globalhorizonreview.com", "Global Horizon Review", 20, STATE_EN)
    ws = workspace(tmp_path / "w", [STATE, inter, citeback("ptv-2", 70, inter, STATE_EN[2])])
    ws.con.execute("INSERT INTO assets (asset_id, platform, kind, native_id) VALUES "
                   "(1, 'twitter', 'account', '111'), (2, 'telegram', 'channel', 'chan')")  # fmt: skip
    ws.con.execute("INSERT INTO posts (post_id, platform, native_id, asset_id) VALUES "
                   "(1, 'twitter', 't1', 1), (2, 'twitter', 't2', 1), (3, 'telegram', 'm1', 2)")  # fmt: skip
    for post in (1, 2, 3):
        ws.con.execute(
            "INSERT INTO post_urls VALUES (?, ?, ?, ?)",
            [post, inter["url"], normalize_url(inter["url"]), "globalhorizonreview.com"],
        )
    [c] = launder(ws)["chains"]
    shared = c["intermediary"]["shared_by"]
    assert (shared["posts"], shared["accounts"]) == (3, 2)
    assert shared["examples"] == [
        {"platform": "telegram", "kind": "channel", "native_id": "chan"},
        {"platform": "twitter", "kind": "account", "native_id": "111"},
    ]
    assert "shared_by" not in c["state"]


def test_credit_by_link_and_by_name(tmp_path):
    linked = article(
        "ghr-1",
        "globalhorizonreview.com",
        "Global Horizon Review",
        20,
        REWORDED_EN,
        links=[STATE["url"]],
    )
    named = article(
        "fpt-1",
        "freethinkerpost.net",
        "The Free Thinker Post",
        22,
        [*OWN_EN[:1], *STATE_EN[1:5], "This article was originally published by PressTV."],
    )
    rows = [
        STATE,
        linked,
        named,
        citeback("ptv-2", 60, linked, REWORDED_EN[1]),
        citeback("ptv-3", 61, named, STATE_EN[3]),
    ]
    result = launder(workspace(tmp_path / "w", rows))
    by_inter = {c["intermediary"]["id"]: c for c in result["chains"]}
    assert set(by_inter) == {"ghr-1", "fpt-1"}
    assert by_inter["ghr-1"]["credited"] and by_inter["ghr-1"]["credit"]["link"]
    assert by_inter["fpt-1"]["credited"] and by_inter["fpt-1"]["credit"]["names_outlet"]
    assert not by_inter["fpt-1"]["credit"]["link"]


def test_persian_chain_cited_back_by_name_without_link(tmp_path):
    state = article("tasnim-1", "tasnimnews.com", "Tasnim News Agency", 0, STATE_FA, lang="fa")
    inter = article(
        "sedaye-1",
        "sedayemostaghel.com",
        "Sedaye Mostaghel",
        12,
        OWN_FA[:1] + copy_fa(STATE_FA[:5]),
        author="مریم کاظمی",
        lang="fa",
    )
    cite = article(
        "fars-1",
        "farsnews.ir",
        "Fars News Agency",
        40,
        [
            f"به گزارش پایگاه خبری مستقل {inter['outlet']}، {copy_fa(STATE_FA[:3])[2]}",
            "مقامات کشور بارها اعلام کرده‌اند که راه گفت‌وگو با همسایگان همواره باز است.",
            "این گزارش در حالی منتشر شد که دولت برنامه تازه‌ای برای توسعه صادرات اعلام کرده است.",
        ],
        lang="fa",
    )
    result = launder(workspace(tmp_path / "w", [state, inter, cite]))
    assert chain_ids(result) == {("tasnim-1", "sedaye-1", "fars-1")}
    [c] = result["chains"]
    assert c["citeback_how"] == "names the outlet and reuses its text"
    assert c["credited"] is False
    assert result["intermediaries"][0]["author"] == "مریم کاظمی"


def test_direction_by_time(tmp_path):
    # The "intermediary" text was published before the state article: the state outlet took it
    # from them, so it is not state content carried by them.
    early = article("ghr-1", "globalhorizonreview.com", "Global Horizon Review", -5, STATE_EN)
    cite = citeback("ptv-2", 40, early, STATE_EN[2])
    result = launder(workspace(tmp_path / "w", [STATE, early, cite]))
    assert result["chains"] == []
    assert result["intermediaries"] == []


def test_reuse_not_cited_back_is_no_chain_but_ranks(tmp_path):
    inter = article(
        "ghr-1", "globalhorizonreview.com", "Global Horizon Review", 20, STATE_EN, author="Ann Roe"
    )
    result = launder(workspace(tmp_path / "w", [STATE, inter]))
    assert result["chains"] == []
    [reuse] = result["reuses"]
    assert (reuse["state"]["id"], reuse["intermediary"]["id"]) == ("ptv-1", "ghr-1")
    [top] = result["intermediaries"]
    assert (top["author"], top["uncredited"], top["chains"]) == ("Ann Roe", 1, 0)
    assert top["reuse_ids"] == [reuse["id"]]


def test_independent_report_on_same_event_makes_no_chain(tmp_path):
    # An independent outlet reports the same press conference in its own words, and a state
    # outlet cites it: no reuse, so no laundering chain.
    report = article("atlas-1", "atlaswire.com", "Atlas Wire", 6, REPORT_EN, author="Tom Hale")
    cite = citeback("ptv-2", 30, report, REPORT_EN[1])
    result = launder(workspace(tmp_path / "w", [STATE, report, cite]))
    assert result["chains"] == []
    assert result["intermediaries"] == []


def test_state_quoting_an_independent_report_is_not_its_content(tmp_path):
    # A state article quotes an independent report (with a link); a later article repeating that
    # quote carries the report's words, not state content.
    report = article("atlas-1", "atlaswire.com", "Atlas Wire", 0, REPORT_EN)
    quoting = article(
        "ptv-5",
        "presstv.ir",
        "Press TV",
        5,
        [f"According to Atlas Wire, {REPORT_EN[0]} {REPORT_EN[1]}", *STATE_EN[5:]],
        links=[report["url"]],
    )
    later = article(
        "ledger-1", "dailyledger-news.com", "Daily Ledger", 9, [*OWN_EN[:2], *REPORT_EN[:2]]
    )
    result = launder(workspace(tmp_path / "w", [report, quoting, later]))
    assert result["intermediaries"] == []


def test_intermediary_ranks_above_independent_quoting_with_credit(tmp_path):
    inter = [
        article(
            f"ghr-{i}",
            "globalhorizonreview.com",
            "Global Horizon Review",
            20 + i,
            REWORDED_EN if i % 2 else STATE_EN,
            author="Ann Roe",
        )
        for i in range(2)
    ]
    quote = article(
        "atlas-1",
        "atlaswire.com",
        "Atlas Wire",
        8,
        [*REPORT_EN[:3], STATE_EN[3], STATE_EN[4], "Press TV carried the remarks."],
        author="Tom Hale",
        links=[STATE["url"]],
    )
    result = launder(workspace(tmp_path / "w", [STATE, *inter, quote]))
    ranked = [(e["outlet"], e["author"]) for e in result["intermediaries"]]
    assert ranked[0] == ("Global Horizon Review", "Ann Roe")
    assert ("Atlas Wire", "Tom Hale") in ranked[1:]
    outlets = [e["outlet"] for e in result["intermediary_outlets"]]
    assert outlets[0] == "Global Horizon Review"


STATE2_EN = [
    "The oil minister announced on Tuesday that crude exports to Asian buyers rose by 18 percent last quarter.",
    "He said new contracts had been signed with refiners in three countries despite American threats.",
    "According to the minister, the national tanker fleet delivered 42 cargoes without a single seizure.",
    "Western attempts to block the trade have collapsed under the weight of market demand, he added.",
]


def test_named_citeback_goes_to_the_article_quoted_next_to_the_name(tmp_path):
    # Two articles of one outlet carry state text; the state article names the outlet and
    # quotes the second one right after the name, while sharing more (stock) text with the first.
    state2 = article("ptv-9", "presstv.ir", "Press TV", 2, STATE2_EN)
    first = article("ghr-1", "globalhorizonreview.com", "Global Horizon Review", 20, STATE_EN)
    second = article(
        "ghr-2",
        "globalhorizonreview.com",
        "Global Horizon Review",
        30,
        [*OWN_EN[:1], *STATE2_EN[:3], *OWN_EN[1:2]],
    )
    cite = article(
        "ptv-10",
        "presstv.ir",
        "Press TV",
        60,
        [
            f"According to a report by Global Horizon Review, an independent outlet, {STATE2_EN[2]}",
            *STATE_EN[4:7],
        ],
    )
    result = launder(workspace(tmp_path / "w", [STATE, state2, first, second, cite]))
    assert chain_ids(result) == {("ptv-9", "ghr-2", "ptv-10")}
    [c] = result["chains"]
    assert c["citeback_how"] == "names the outlet and reuses its text"
    # The other carrying article is still evidence against its author, as uncited reuse.
    assert {r["intermediary"]["id"] for r in result["reuses"]} == {"ghr-1"}
