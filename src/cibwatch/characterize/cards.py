"""Representative posts ("screenshots"): a few posts per network chosen to show the coordination.

First choice: the same normalized text posted by several of the network's assets, the groups
with the most assets and the tightest timing first (the same text from five accounts within
minutes says more than any description). Then the same link pushed by several assets. A
network with neither gets its most-engaged posts, labelled as such.
"""

from __future__ import annotations

from typing import Any

from cibwatch.characterize.context import Context
from cibwatch.characterize.targets import example_posts

GROUPS = 3  # coordination groups per network
POSTS_PER_GROUP = 5
WINDOW_S = 3600  # a coordination burst: the same text or link within this many seconds
MIN_TEXT = 20  # characters of normalized text: shorter texts ("thanks!") coincide by chance


def compute(ctx: Context) -> dict[str, Any]:
    same_text = ctx.by_network(
        """
        WITH firsts AS (
            -- each asset's first post of each text within each WINDOW
            SELECT network_id, text_norm, asset_id,
                   time_bucket(INTERVAL (CAST($window AS INTEGER)) SECOND, created_at) AS bucket,
                   min(created_at) AS created_at, arg_min(post_id, created_at) AS post_id
            FROM cw_nposts WHERE length(text_norm) >= $min_text AND created_at IS NOT NULL
            GROUP BY ALL
        ),
        g AS (
            SELECT network_id, text_norm, count(*) AS assets,
                   date_diff('second', min(created_at), max(created_at)) AS span_s,
                   list(post_id ORDER BY created_at, post_id)[1:$per] AS posts
            FROM firsts GROUP BY network_id, text_norm, bucket HAVING count(*) >= 2
        ),
        best AS (  -- one burst per text
            SELECT * FROM g QUALIFY row_number() OVER (
                PARTITION BY network_id, text_norm ORDER BY assets DESC, span_s) = 1
        )
        SELECT network_id, 'same text' AS kind, assets, span_s, posts FROM best
        QUALIFY row_number() OVER (PARTITION BY network_id
                                   ORDER BY assets DESC, span_s, text_norm) <= $groups
        ORDER BY network_id, assets DESC, span_s
        """,
        {"min_text": MIN_TEXT, "per": POSTS_PER_GROUP, "groups": GROUPS, "window": WINDOW_S},
    )
    same_link = ctx.by_network(
        """
        WITH firsts AS (
            SELECT p.network_id, u.url_norm, p.asset_id,
                   time_bucket(INTERVAL (CAST($window AS INTEGER)) SECOND, p.created_at) AS bucket,
                   arg_min(p.post_id, p.created_at) AS post_id, min(p.created_at) AS created_at
            FROM cw_nposts p JOIN post_urls u USING (post_id)
            WHERE u.url_norm IS NOT NULL AND p.created_at IS NOT NULL GROUP BY ALL
        ),
        g AS (
            SELECT network_id, url_norm, count(*) AS assets,
                   date_diff('second', min(created_at), max(created_at)) AS span_s,
                   list(post_id ORDER BY created_at, post_id)[1:$per] AS posts
            FROM firsts GROUP BY network_id, url_norm, bucket HAVING count(*) >= 2
        ),
        best AS (
            SELECT * FROM g QUALIFY row_number() OVER (
                PARTITION BY network_id, url_norm ORDER BY assets DESC, span_s) = 1
        )
        SELECT network_id, 'same link' AS kind, assets, span_s, posts FROM best
        QUALIFY row_number() OVER (PARTITION BY network_id
                                   ORDER BY assets DESC, span_s, url_norm) <= $groups
        ORDER BY network_id, assets DESC, span_s
        """,
        {"per": POSTS_PER_GROUP, "groups": GROUPS, "window": WINDOW_S},
    )
    engaged = ctx.by_network(
        """
        SELECT network_id, 'most engaged' AS kind, 1 AS assets, 0 AS span_s, [post_id] AS posts
        FROM cw_nposts
        QUALIFY row_number() OVER (PARTITION BY network_id ORDER BY
            coalesce(likes, 0) + coalesce(shares, 0) + coalesce(comments, 0) DESC,
            created_at, post_id) <= $groups
        """,
        {"groups": GROUPS},
    )
    groups: dict[str, list[dict[str, Any]]] = {}
    for nid in ctx.networks:
        chosen = same_text.get(nid, [])
        if len(chosen) < GROUPS:
            chosen = chosen + same_link.get(nid, [])[: GROUPS - len(chosen)]
        if not chosen:
            chosen = engaged.get(nid, [])
        groups[nid] = chosen
    posts = example_posts(ctx, [p for gs in groups.values() for g in gs for p in g["posts"]])
    out = {}
    for nid, gs in groups.items():
        cards = []
        for g in gs:
            shown = [posts[p] for p in g["posts"] if p in posts]
            cards.append(
                {
                    "kind": g["kind"],
                    "assets": g["assets"],
                    "span_seconds": g["span_s"],
                    "caption": _caption(g),
                    "posts": shown,
                }
            )
        out[nid] = {"groups": cards}
    return out


def _caption(g: dict[str, Any]) -> str:
    if g["kind"] == "most engaged":
        return "most-engaged post (no shared text or link found)"
    span = g["span_s"] or 0
    when = (
        f"within {span} seconds" if span < 120
        else f"within {span // 60} minutes" if span < 7200
        else f"over {span // 3600} hours" if span < 172800
        else f"over {span // 86400} days"
    )  # fmt: skip
    return f"the {g['kind']} from {g['assets']} assets {when}"
