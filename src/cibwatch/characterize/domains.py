"""Domains: the sites each network pushes, with state-affiliated media flagged from the bundled list.

The list is the one the laundering tracer ships (src/cibwatch/data/state_media.toml, each entry
citing a public source), read with its own loader (cibwatch.laundering.outlets). Links to the social platforms themselves
are counted apart (they point at other accounts, see takedowns.py). For each site the corpus
reach says whether the network is alone in pushing it (an owned site is a strong lead) or joins
many others (a popular site).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from cibwatch.characterize.context import Context

TOP = 15
PLATFORM_DOMAINS = (
    "twitter.com", "x.com", "t.co", "facebook.com", "fb.com", "fb.me", "instagram.com",
    "t.me", "telegram.me", "telegram.org", "youtube.com", "youtu.be", "tiktok.com",
    "whatsapp.com", "wa.me", "threads.net", "vk.com", "ok.ru",
)  # fmt: skip


@cache
def state_media() -> dict[str, dict[str, Any]]:
    """Registered domain -> outlet from the laundering tracer's bundled list (its own loader)."""
    from cibwatch.laundering.outlets import load_outlets

    out: dict[str, dict[str, Any]] = {}
    for outlet in load_outlets():
        for domain in outlet.domains:
            out[domain] = {
                "name": outlet.name,
                "country": outlet.country,
                "owner": outlet.owner,
                "source": [dict(x) for x in outlet.sources],
            }
    return out


def compute(ctx: Context) -> dict[str, Any]:
    rows = ctx.by_network(
        """
        WITH n AS (
            SELECT p.network_id, u.domain, count(*) AS posts, count(DISTINCT p.asset_id) AS assets,
                   arg_min(u.url, p.created_at) AS example_url,
                   min(p.created_at) AS first_at, max(p.created_at) AS last_at
            FROM cw_nposts p JOIN post_urls u USING (post_id)
            WHERE u.domain IS NOT NULL GROUP BY ALL
        ),
        reach AS (
            SELECT u.domain, count(DISTINCT p.asset_id) AS corpus_assets
            FROM post_urls u JOIN posts p USING (post_id)
            WHERE u.domain IN (SELECT domain FROM n) GROUP BY ALL
        )
        SELECT n.*, reach.corpus_assets, list_contains($platforms, n.domain) AS platform
        FROM n JOIN reach USING (domain)
        QUALIFY row_number() OVER (PARTITION BY n.network_id, platform
                                   ORDER BY posts DESC, domain) <= $top
        ORDER BY network_id, posts DESC, domain
        """,
        {"platforms": list(PLATFORM_DOMAINS), "top": TOP},
    )
    listed = state_media()
    out = {}
    for nid in ctx.networks:
        sites: list[dict[str, Any]] = []
        platform_links: list[dict[str, Any]] = []
        for r in rows.get(nid, []):
            r["outside_assets"] = max(0, (r.pop("corpus_assets") or 0) - r["assets"])
            r["state_media"] = listed.get(r["domain"])
            (platform_links if r.pop("platform") else sites).append(r)
        flagged = [s for s in sites if s["state_media"]]
        out[nid] = {
            "sites": sites,
            "platform_links": platform_links,
            "state_media": [s["domain"] for s in flagged],
            "state_media_list": "shipped" if listed else "not available",
        }
    return out
