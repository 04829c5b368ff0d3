"""Meta's published takedown indicators: the parser survives each mess; the shipped catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from cibwatch.characterize.takedowns import (
    catalogue,
    describe_file,
    parse_indicator_file,
    read_rows,
    refang,
)

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "meta-threat-research"

MESSY = (
    "\ufeffTactic ,Technique ,Procedure,Indicator,Notes\r\n"
    "0. Acquiring assets,0.6 Acquiring domains,0.6.2 Acquiring domains to support influence operations,evil-news[.]com,\r\n"
    ",,,,\r\n"
    "\r\n"
    '0. Acquiring assets,0.9 Acquiring social media accounts,0.9.1 Acquiring Facebook assets,"1,234 accounts",\r\n'
    "0. Acquiring assets,0.9 Acquiring social media accounts,0.9.2 Acquiring Instagram accounts,18 Instagram accounts,\r\n"
    "0. Acquiring assets,0.9 Acquiring social media accounts,0.9.4 Acquiring X / Twitter accounts,hxxps://twitter[.]com/Sock_Puppet1,\r\n"
    '0. Acquiring assets,0.2 Acquiring email addresses,0.2.1 Acquiring email addresses on owned domains,"info[at]owned-site[.]net, hosted with Titan.email service",\r\n'
    '7. Targeted engagement,7.5 Directing online traffic,7.5.1 Directing audience to other social media,"Telegram channels:\n'
    "https://t[.]me/propaganda_ch\n"
    'https://t[.]me/joinchat/abc","multi-line\n note"\r\n'
    '1. Disguising assets,1.2 Posing as non-existent person,1.2.8 Posing,"Personas linked to forum[.]example[.]org and prose about Titan.email",\r\n'
).encode("utf-8")


def test_read_rows_strips_bom_header_spaces_and_blank_rows():
    header, rows = read_rows(MESSY)
    assert header == ["tactic", "technique", "procedure", "indicator", "notes"]
    assert len(rows) == 7
    assert "\n" in rows[5]["indicator"]  # the multi-line cell stays one row


def test_parse_messy_file():
    (entry,) = parse_indicator_file("Q1_2023_Iran-based_CIB_network.csv", MESSY)
    assert entry["name"] == "Q1 2023 Iran-based CIB network"
    assert entry["country"] == "Iran"
    assert entry["period"] == "Q1 2023"
    assert "evil-news.com" in entry["domains"]
    assert "owned-site.net" in entry["domains"]
    assert "forum.example.org" in entry["domains"] or "example.org" in entry["domains"]
    assert "titan.email" not in entry["domains"]
    accounts = {(a["platform"], a["handle"]) for a in entry["accounts"]}
    assert ("twitter", "sock_puppet1") in accounts
    assert ("telegram", "propaganda_ch") in accounts
    assert not any(h == "joinchat" for _, h in accounts)
    assert entry["counts"] == {"facebook accounts": 1234, "instagram accounts": 18}


def test_parse_2022_layout_groups_by_comment():
    raw = (
        b"indicator_type,indicator_value,comment,ds\n"
        b'domain_name,bad.example.com,"CIB: Russia, Ukraine",2022-04-07\n'
        b'md5,43535540e94b39279af925e9548dce7f,"CIB: Russia, Ukraine",2022-04-07\n'
        b"telegram_url,https://t.me/somechannel,CIB Telegram URL,2022-09-27\n"
    )
    entries = {
        e["name"]: e
        for e in parse_indicator_file("2022_04_metas_adversarial_threat_report_q1.csv", raw)
    }
    ru = entries["2022-04 Adversarial threat report q1 (CIB: Russia, Ukraine)"]
    assert ru["domains"] == ["example.com"] or ru["domains"] == ["bad.example.com"]
    assert ru["country"] == "Russia, Ukraine"
    tg = next(e for e in entries.values() if e["accounts"])
    assert tg["accounts"] == [{"platform": "telegram", "handle": "somechannel"}]


def test_refang_and_file_names():
    assert refang("hxxps://a[.]b[.]com/x") == "https://a.b.com/x"
    assert refang("info[at]x[.]org") == "info@x.org"
    d = describe_file("Q2-3_2025_GithubIOCs_-_Q2-3_2025_IRAN_BASED_CIB_NETWORK.csv")
    assert (d["period"], d["country"]) == ("Q2-3 2025", "Iran")
    assert (
        describe_file("Q2_2023_Doppelganger_Russia_based_CIB_network_updated.csv")["country"]
        == "Russia"
    )


def test_shipped_catalogue():
    nets = {n["name"]: n for n in catalogue()}
    iran = nets["Q1 2023 Iran-based CIB network"]
    assert "amc239.com" in iran["domains"]
    assert iran["file"] == "Q1_2023_Iran-based_CIB_network.csv"
    assert all(n["name"] and isinstance(n["domains"], list) for n in nets.values())


@pytest.mark.skipif(not DATA.is_dir(), reason="shared Meta indicators not present")
def test_every_published_file_parses_and_the_catalogue_is_current():
    from cibwatch.characterize.takedowns import build_catalogue

    built = build_catalogue(DATA / "indicators")
    assert len(built["networks"]) == len(catalogue())
    assert {n["name"] for n in built["networks"]} == {n["name"] for n in catalogue()}
