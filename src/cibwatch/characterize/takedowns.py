"""Links to earlier takedowns: overlaps with the indicators Meta published for networks it removed.

Meta publishes the indicators of each takedown (github.com/facebook/threat-research, MIT
licence). scripts/build_takedowns.py parses those files with `parse_indicator_file` below into
the compact catalogue shipped as src/cibwatch/data/takedowns.json.gz: per network its name,
period, country, domains and off-platform accounts. A network here that pushes one of those
domains, or whose assets, links or mentions name one of those accounts, gets an overlap such as
"overlaps with Meta's Q1 2023 Iran-based CIB network: 3 domains". That is evidence of
recidivism (operators reuse infrastructure) but not proof: domains change hands, and anyone may
link to a known site.

The published files are real and messy: a BOM, header cells with trailing spaces ("Tactic "),
Comments/Notes/Note columns, blank separator rows (",,,,"), quoted multi-line cells, defanged
values (example[.]com, hxxps://, info[at]x[.]com) and two layouts (the kill-chain layout
Tactic/Technique/Procedure/Indicator and the 2022 indicator_type/indicator_value/comment/ds).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa

from cibwatch.characterize.context import Context

# Hosts whose URLs name an account rather than a site: host -> platform.
SOCIAL_HOSTS = {
    "twitter.com": "twitter", "x.com": "twitter", "mobile.twitter.com": "twitter",
    "facebook.com": "facebook", "m.facebook.com": "facebook", "fb.com": "facebook",
    "instagram.com": "instagram", "t.me": "telegram", "telegram.me": "telegram",
    "youtube.com": "youtube", "m.youtube.com": "youtube", "tiktok.com": "tiktok",
    "vk.com": "vk", "ok.ru": "ok", "threads.net": "threads", "medium.com": "medium",
    "reddit.com": "reddit", "pinterest.com": "pinterest", "linkedin.com": "linkedin",
    "github.com": "github", "soundcloud.com": "soundcloud", "rumble.com": "rumble",
}  # fmt: skip
# Sites too common to be evidence of anything (shorteners, mail and hosting services).
GENERIC_DOMAINS = {
    "google.com", "gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "proton.me",
    "protonmail.com", "titan.email", "bit.ly", "t.co", "tinyurl.com", "goo.gl", "wordpress.com",
    "blogspot.com", "linktr.ee", "apple.com", "microsoft.com", "amazonaws.com", "cloudflare.com",
    "wikipedia.org", "archive.org", "change.org", "quora.com", "livejournal.com",
    "livedoor.blog", "000webhostapp.com",
}  # fmt: skip
# Path segments that are not account names on the social hosts.
NOT_HANDLES = {
    "", "watch", "status", "statuses", "share", "sharer", "hashtag", "search", "i", "home",
    "intent", "profile.php", "groups", "pages", "p", "reel", "reels", "s", "joinchat",
    "channel", "c", "user", "explore", "permalink.php", "story.php", "photo", "photos",
}  # fmt: skip

_DEFANG = [
    (re.compile(r"\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)", re.I), "."),
    (re.compile(r"\[at\]|\(at\)|\[@\]", re.I), "@"),
    (re.compile(r"\[:\]"), ":"),
    (re.compile(r"\[/\]"), "/"),
    (re.compile(r"^hxxp", re.I), "http"),
    (re.compile(r"(?<=\s)hxxp", re.I), "http"),
]
_URL = re.compile(r"https?://[^\s,;\"'<>]+", re.I)
_DOMAIN = re.compile(
    r"(?<![\w@.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})(?![\w-])", re.I
)
_DEFANGED_DOMAIN = re.compile(r"(?<![\w@\[\].-])((?:[a-z0-9-]+\[\.\])+[a-z]{2,24})(?![\w-])", re.I)
_EMAIL = re.compile(r"[\w.+-]+@((?:[a-z0-9-]+\.)+[a-z]{2,24})", re.I)
_COUNT = re.compile(r"^\s*([\d,]+)\s+([A-Za-z /]+?)\s*$")


def refang(text: str) -> str:
    """'hxxps://example[.]com' -> 'https://example.com'; 'info[at]x[.]com' -> 'info@x.com'."""
    out = text
    for pattern, repl in _DEFANG:
        out = pattern.sub(repl, out)
    return out


def read_rows(raw: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """Decode (BOM or not), parse CSV with quoted multi-line cells, strip headers, drop blank rows."""
    text = raw.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip().lstrip("\ufeff").strip().lower() for c in cells]
            continue
        rows.append({header[i]: cells[i].strip() for i in range(min(len(header), len(cells)))})
    return header or [], rows


def parse_indicator_file(name: str, raw: bytes) -> list[dict[str, Any]]:
    """Parse one published indicator file into catalogue entries (one per network it names)."""
    header, rows = read_rows(raw)
    meta = describe_file(name)
    if "indicator_value" in header:  # the 2022 layout: one file, several groups by comment
        groups: dict[str, list[tuple[str, str]]] = {}
        for r in rows:
            groups.setdefault(r.get("comment", "") or "unlabelled", []).append(
                (r.get("indicator_type", ""), r.get("indicator_value", ""))
            )
        entries = []
        for comment, items in groups.items():
            entry = _entry(meta, f"{meta['name']} ({comment})", comment)
            for itype, value in items:
                _add(
                    entry,
                    value,
                    domains_ok=itype in ("domain_name", "phishing_url", "cib_url", "telegram_url"),
                )
            entries.append(_finish(entry))
        return entries
    entry = _entry(meta, meta["name"], "")
    for r in rows:
        technique = r.get("technique", "").lower()
        procedure = r.get("procedure", "").lower()
        value = r.get("indicator", "")
        _add(
            entry,
            value,
            domains_ok="domain" in technique
            or "website" in procedure
            or "owned domains" in procedure,
        )
        m = _COUNT.match(value.replace("\n", " "))
        if m and "acquiring" in technique:
            what = re.sub(r"\bacc?ounts?\b", "accounts", m.group(2).strip().lower())
            platform = (
                "instagram"
                if "instagram" in procedure
                else "facebook"
                if "facebook" in procedure
                else ""
            )
            key = what if platform in what else f"{platform} {what}".strip()
            entry["counts"][key] = entry["counts"].get(key, 0) + int(m.group(1).replace(",", ""))
    return [_finish(entry)]


def describe_file(name: str) -> dict[str, Any]:
    """Period, country and display name from a file name such as Q1_2023_Iran-based_CIB_network.csv."""
    stem = Path(name).stem
    stem = re.sub(r"_updated$", "", stem)
    stem = re.sub(r"^.*?GithubIOCs_-_", "", stem)
    m = re.match(r"^(Q\d(?:-\d)?|H\d)_(\d{4})_(.*)$", stem)
    year: int | None
    if m:
        period, year, rest = f"{m.group(1)} {m.group(2)}", int(m.group(2)), m.group(3)
    else:
        m2 = re.match(r"^(\d{4})_(\d{2})_(.*)$", stem)
        period = f"{m2.group(1)}-{m2.group(2)}" if m2 else ""
        year = int(m2.group(1)) if m2 else None
        rest = m2.group(3) if m2 else stem
    words = re.sub(r"^metas ", "", rest.replace("_", " ").strip(), flags=re.I)
    country = ""
    cm = re.search(r"^(.*?)[ -]based", words, re.I)
    if cm:
        country = cm.group(1)
        for nickname in ("Doppelganger", "Spamouflage"):
            country = re.sub(rf"\b{nickname}\b", "", country, flags=re.I)
        country = " ".join(
            w if not w.isupper() or len(w) <= 3 else w.title() for w in country.split()
        )
    title = " ".join(w if not w.isupper() or len(w) <= 3 else w.lower() for w in words.split())
    title = re.sub(r"\bcib\b", "CIB", title, flags=re.I)
    title = re.sub(r"\bib\b", "IB", title)
    title = title[:1].upper() + title[1:]
    return {"period": period, "year": year, "country": country, "name": f"{period} {title}".strip()}


def _entry(meta: dict[str, Any], name: str, comment: str) -> dict[str, Any]:
    return {
        "name": name,
        "period": meta["period"],
        "year": meta["year"],
        "country": meta["country"] or _country_from_comment(comment),
        "domains": set(),
        "accounts": set(),
        "urls": set(),
        "counts": {},
    }


def _country_from_comment(comment: str) -> str:
    """'CIB: Russia, Ukraine' -> 'Russia, Ukraine'; 'China: CIB Petition' -> 'China'."""
    for pattern in (
        r"^CIB:\s*(.+)$",
        r"^([A-Z][\w ]+):\s*CIB",
        r"\(([A-Z][\w ]+)\)$",
        r",\s*([A-Z][a-z]+)$",
    ):
        m = re.search(pattern, comment.strip())
        if m:
            return m.group(1).strip()
    return ""


def _add(entry: dict[str, Any], value: str, *, domains_ok: bool) -> None:
    from cibwatch.urls import registered_domain

    text = refang(value)
    urls = _URL.findall(text)
    for url in urls:
        host, path = _split_url(url)
        platform = SOCIAL_HOSTS.get(host)
        if platform:
            handle = next((seg for seg in path.split("/") if seg.lower() not in NOT_HANDLES), "")
            handle = handle.lstrip("@").split("?")[0].lower()
            if handle and re.fullmatch(r"[\w.\-]{2,64}", handle):
                entry["accounts"].add((platform, handle))
        elif host and path.strip("/") and not domains_ok:
            # A page on a third-party site (a profile, a post): match the URL, not the site.
            entry["urls"].add(f"{host}{path.rstrip('/')}".lower())
        elif host:
            _domain(entry, registered_domain(host))
    for email_domain in _EMAIL.findall(text):
        if domains_ok:
            _domain(entry, registered_domain(email_domain.lower()))
    if domains_ok:
        rest = _EMAIL.sub(" ", _URL.sub(" ", text))
        tokens = _DOMAIN.findall(rest)
    else:
        # Outside domain rows only defanged tokens count: prose names services ("Titan.email").
        tokens = [refang(t) for t in _DEFANGED_DOMAIN.findall(_URL.sub(" ", value))]
    for token in tokens:
        _domain(entry, registered_domain(token.lower()))


def _domain(entry: dict[str, Any], domain: str | None) -> None:
    if not domain or domain in GENERIC_DOMAINS or domain in SOCIAL_HOSTS:
        return
    if re.fullmatch(r"[\d.]+", domain):  # IP addresses are not domains
        return
    from cibwatch.urls import _extractor

    if not _extractor()(domain).suffix:  # 'login.html' is a file name, not a domain
        return
    entry["domains"].add(domain)


def _split_url(url: str) -> tuple[str, str]:
    m = re.match(r"https?://([^/?#]+)(/[^?#]*)?", url, re.I)
    if not m:
        return "", ""
    host = m.group(1).lower().split("@")[-1].split(":")[0].removeprefix("www.")
    return host, (m.group(2) or "")


def _finish(entry: dict[str, Any]) -> dict[str, Any]:
    entry["domains"] = sorted(entry["domains"])
    entry["urls"] = sorted(entry["urls"])
    entry["accounts"] = [{"platform": p, "handle": h} for p, h in sorted(entry["accounts"])]
    return entry


def build_catalogue(folder: Path) -> dict[str, Any]:
    """Parse every CSV in Meta's indicators folder into the shipped catalogue document."""
    networks = []
    for path in sorted(Path(folder).glob("*.csv")):
        for entry in parse_indicator_file(path.name, path.read_bytes()):
            if entry["domains"] or entry["accounts"] or entry["counts"]:
                entry["file"] = path.name
                networks.append(entry)
    return {
        "source": "Meta threat research indicators, https://github.com/facebook/threat-research "
        "(MIT licence, Copyright (c) Meta Platforms, Inc. and affiliates)",
        "networks": networks,
    }


@cache
def catalogue() -> list[dict[str, Any]]:
    """The shipped catalogue's networks (empty list if the file is missing)."""
    path = resources.files("cibwatch").joinpath("data/takedowns.json.gz")
    if not path.is_file():
        return []
    with gzip.open(io.BytesIO(path.read_bytes()), "rt", encoding="utf-8") as fh:
        return json.load(fh)["networks"]


def compute(ctx: Context) -> dict[str, Any]:
    nets = catalogue()
    if not nets:
        return {nid: {"overlaps": [], "catalogue": 0} for nid in ctx.networks}
    dom_rows = [(i, d) for i, n in enumerate(nets) for d in n["domains"]]
    acc_rows = [(i, a["platform"], a["handle"]) for i, n in enumerate(nets) for a in n["accounts"]]
    con = ctx.con
    con.register(
        "_cw_td_dom", pa.table({"td": [r[0] for r in dom_rows], "domain": [r[1] for r in dom_rows]})
    )
    con.register(
        "_cw_td_acc",
        pa.table({"td": [r[0] for r in acc_rows], "platform": [r[1] for r in acc_rows],
                  "handle": [r[2] for r in acc_rows]}),
    )  # fmt: skip
    try:
        domains = ctx.rows(
            """
            SELECT DISTINCT p.network_id, t.td, u.domain AS value
            FROM cw_nposts p JOIN post_urls u USING (post_id) JOIN _cw_td_dom t USING (domain)
            """
        )
        # Accounts: the network's own assets, profiles its posts link to, and its mentions.
        accounts = ctx.rows(
            """
            WITH named AS (
                SELECT m.network_id, a.platform, lower(a.handle) AS handle, 'member' AS how
                FROM cw_members m JOIN assets a USING (asset_id) WHERE a.handle IS NOT NULL
                UNION ALL
                SELECT p.network_id,
                       CASE WHEN u.domain IN ('twitter.com', 'x.com') THEN 'twitter'
                            WHEN u.domain IN ('t.me', 'telegram.me') THEN 'telegram'
                            ELSE split_part(u.domain, '.', 1) END,
                       lower(regexp_extract(u.url_norm, '^https?://[^/]+/@?([A-Za-z0-9_.-]+)', 1)),
                       'linked'
                FROM cw_nposts p JOIN post_urls u USING (post_id)
                WHERE u.domain IN ('twitter.com', 'x.com', 't.me', 'telegram.me', 'instagram.com',
                                   'facebook.com', 'youtube.com', 'tiktok.com')
                UNION ALL
                SELECT p.network_id, 'twitter', lower(m.mention), 'mentioned'
                FROM cw_nposts p JOIN post_mentions m USING (post_id)
            )
            SELECT DISTINCT n.network_id, t.td, n.platform || ':' || n.handle AS value, n.how
            FROM named n JOIN _cw_td_acc t USING (platform, handle)
            WHERE length(n.handle) >= 2
            """
        )
    finally:
        con.unregister("_cw_td_dom")
        con.unregister("_cw_td_acc")
    found: dict[str, dict[int, dict[str, Any]]] = {}
    for r in domains:
        hit = found.setdefault(r["network_id"], {}).setdefault(
            r["td"], {"domains": [], "accounts": []}
        )
        hit["domains"].append(r["value"])
    for r in accounts:
        hit = found.setdefault(r["network_id"], {}).setdefault(
            r["td"], {"domains": [], "accounts": []}
        )
        hit["accounts"].append({"account": r["value"], "how": r["how"]})
    out = {}
    for nid in ctx.networks:
        overlaps = []
        for td, hit in found.get(nid, {}).items():
            n = nets[td]
            parts = []
            if hit["domains"]:
                parts.append(
                    f"{len(hit['domains'])} domain" + ("s" if len(hit["domains"]) > 1 else "")
                )
            if hit["accounts"]:
                parts.append(
                    f"{len(hit['accounts'])} account" + ("s" if len(hit["accounts"]) > 1 else "")
                )
            overlaps.append(
                {
                    "takedown": n["name"],
                    "period": n["period"],
                    "country": n["country"],
                    "file": n.get("file"),
                    "domains": sorted(hit["domains"]),
                    "accounts": sorted(hit["accounts"], key=lambda a: a["account"]),
                    "statement": f"overlaps with Meta's {n['name']}: {' and '.join(parts)}",
                }
            )
        overlaps.sort(key=lambda o: -(len(o["domains"]) + len(o["accounts"])))
        out[nid] = {"overlaps": overlaps, "catalogue": len(nets)}
    return out
