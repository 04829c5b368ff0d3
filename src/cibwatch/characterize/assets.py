"""Assets of each network: counts by platform and kind, followers, creation dates and bursts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from cibwatch.characterize.context import Context

# How takedown reports name each (platform, kind), singular and plural, in their usual order:
# "93 Facebook accounts, 194 Instagram accounts, 14 Pages and 15 Groups".
LABELS: dict[tuple[str, str], tuple[str, str]] = {
    ("facebook", "account"): ("Facebook account", "Facebook accounts"),
    ("instagram", "account"): ("Instagram account", "Instagram accounts"),
    ("facebook", "page"): ("Page", "Pages"),
    ("facebook", "group"): ("Group", "Groups"),
    ("twitter", "account"): ("X account", "X accounts"),
    ("telegram", "channel"): ("Telegram channel", "Telegram channels"),
    ("telegram", "group"): ("Telegram group", "Telegram groups"),
    ("telegram", "account"): ("Telegram account", "Telegram accounts"),
    ("web", "account"): ("website", "websites"),
}
ORDER = list(LABELS)

# A creation burst: at least this many of the network's assets created within BURST_DAYS.
BURST_MIN_ASSETS = 3
BURST_DAYS = 7


def label(platform: str, kind: str, n: int) -> str:
    one, many = LABELS.get(
        (platform, kind), (f"{platform.title()} {kind}", f"{platform.title()} {kind}s")
    )
    return f"{n:,} {one if n == 1 else many}"


def join_words(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def sentence(counts: list[dict[str, Any]]) -> str:
    """'93 Facebook accounts, 194 Instagram accounts, 14 Pages and 15 Groups'."""
    ordered = sorted(
        counts,
        key=lambda c: (
            ORDER.index((c["platform"], c["kind"])) if (c["platform"], c["kind"]) in ORDER else 99,
            c["platform"],
            c["kind"],
        ),
    )
    return join_words([label(c["platform"], c["kind"], c["assets"]) for c in ordered])


def compute(ctx: Context) -> dict[str, Any]:
    types = ctx.by_network(
        """
        SELECT m.network_id, a.platform, a.kind, count(*) AS assets,
               count(a.followers) AS followers_known, sum(a.followers) AS followers_total,
               median(a.followers) AS followers_median, max(a.followers) AS followers_max,
               count(a.created_at) AS created_known,
               min(a.created_at) AS created_first, max(a.created_at) AS created_last
        FROM cw_members m JOIN assets a USING (asset_id)
        GROUP BY ALL ORDER BY m.network_id, assets DESC
        """
    )
    days = ctx.by_network(
        """
        SELECT m.network_id, a.created_at::DATE AS day, count(*) AS n
        FROM cw_members m JOIN assets a USING (asset_id)
        WHERE a.created_at IS NOT NULL GROUP BY ALL ORDER BY m.network_id, day
        """
    )
    activity = {
        r["network_id"]: r
        for r in ctx.rows(
            """
            WITH per_asset AS (
                SELECT network_id, asset_id, count(*) AS posts,
                       count(DISTINCT created_at::DATE) AS active_days,
                       min(created_at) AS first_at, max(created_at) AS last_at
                FROM cw_nposts GROUP BY ALL
            )
            SELECT network_id, sum(posts) AS posts, count(*) AS posting_assets,
                   median(posts) AS posts_per_asset_median,
                   median(active_days) AS active_days_median,
                   min(first_at) AS first_post, max(last_at) AS last_post
            FROM per_asset GROUP BY ALL
            """
        )
    }
    venues = ctx.by_network(
        """
        SELECT p.network_id, a.platform, a.kind, count(*) AS posts,
               count(DISTINCT p.venue_id) AS venues
        FROM cw_nposts p JOIN assets a ON a.asset_id = p.venue_id
        WHERE p.venue_id IS NOT NULL AND p.venue_id <> p.asset_id
        GROUP BY ALL ORDER BY p.network_id, posts DESC
        """
    )
    out: dict[str, Any] = {}
    for nid in ctx.networks:
        rows = types.get(nid, [])
        for r in rows:
            r["label"] = label(r["platform"], r["kind"], r["assets"])
            for k in ("followers_total", "followers_median", "followers_max"):
                r[k] = None if r[k] is None else round(float(r[k]))
        act = activity.get(nid, {})
        out[nid] = {
            "total": sum(r["assets"] for r in rows),
            "by_type": rows,
            "sentence": sentence(rows),
            "platforms": sorted({r["platform"] for r in rows}),
            "creation": _creation(rows, days.get(nid, [])),
            "activity": {k: v for k, v in act.items() if k != "network_id"},
            "posted_in_venues": venues.get(nid, []),
        }
    return out


def _creation(rows: list[dict[str, Any]], days: list[dict[str, Any]]) -> dict[str, Any]:
    """Creation date range and bursts: the busiest BURST_DAYS-day windows of account creation."""
    known = sum(r["created_known"] for r in rows)
    firsts = [r["created_first"] for r in rows if r["created_first"] is not None]
    lasts = [r["created_last"] for r in rows if r["created_last"] is not None]
    info: dict[str, Any] = {
        "known": known,
        "first": min(firsts) if firsts else None,
        "last": max(lasts) if lasts else None,
        "bursts": [],
        "burst_share": 0.0,
    }
    if not days:
        return info
    per_day: dict[date, int] = {d["day"]: d["n"] for d in days}
    # Greedy: the densest window, then the densest among the days left, and so on.
    remaining = dict(per_day)
    bursts: list[dict[str, Any]] = []
    while remaining:
        best_start, best_n = None, 0
        for start in remaining:
            n = sum(remaining.get(start + timedelta(days=i), 0) for i in range(BURST_DAYS))
            if n > best_n:
                best_start, best_n = start, n
        if best_start is None or best_n < BURST_MIN_ASSETS:
            break
        window = [best_start + timedelta(days=i) for i in range(BURST_DAYS)]
        end = max(d for d in window if d in remaining)
        bursts.append({"start": best_start, "end": end, "assets": int(best_n)})
        for d in window:
            remaining.pop(d, None)
        if len(bursts) >= 5:
            break
    in_bursts = sum(int(b["assets"]) for b in bursts)
    info["bursts"] = bursts
    info["burst_share"] = round(in_bursts / known, 3) if known else 0.0
    return info
