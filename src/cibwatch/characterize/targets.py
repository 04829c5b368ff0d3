"""Targets: who a network mentions and replies to most, with example posts, and a watch-list.

Mentions and replies are counted per network (posts and distinct assets), resolved to a known
asset where the handle or id is in the workspace, and marked when the target is one of the
network's own members (self-amplification, not a target). A watch-list TOML names people and
organizations to count explicitly, whatever their rank:

    [[targets]]
    name = "Mojahedin-e Khalq (MEK)"
    aliases = ["MEK", "PMOI", "مجاهدین خلق", "منافقین"]

An alias matches a whole token or phrase of up to three tokens of the normalized text (or a
mention or hashtag equal to it); longer aliases match as substrings.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from cibwatch.characterize.context import Context
from cibwatch.characterize.narratives import STRIP, TOKEN_SPLIT
from cibwatch.errors import ConfigError

TOP = 10
EXAMPLE_CHARS = 400


def load_watchlist(path: Path) -> list[dict[str, Any]]:
    """Read a watch-list TOML; every problem is reported at once."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"watch-list {path}: {exc}") from exc
    problems: list[str] = []
    targets = data.get("targets")
    if not isinstance(targets, list) or not targets:
        raise ConfigError(f"watch-list {path}: expected one or more [[targets]] tables")
    out = []
    for i, t in enumerate(targets, 1):
        if not isinstance(t, dict) or not isinstance(t.get("name"), str) or not t["name"].strip():
            problems.append(
                f"Error n°{len(problems) + 1} at path .targets[{i}].name: a name is required"
            )
            continue
        aliases = t.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            problems.append(
                f"Error n°{len(problems) + 1} at path .targets[{i}].aliases: a list of strings"
            )
            continue
        names = [t["name"], *aliases]
        out.append({"name": t["name"].strip(), "aliases": [a for a in names if a.strip()]})
    if problems:
        raise ConfigError(f"watch-list {path}:\n" + "\n".join(problems))
    return out


def compute(ctx: Context) -> dict[str, Any]:
    mentions = ctx.by_network(
        """
        WITH m AS (
            SELECT * FROM (
                SELECT p.network_id, m.mention AS target, count(*) AS posts,
                       count(DISTINCT p.asset_id) AS assets,
                       arg_min(p.post_id, p.created_at) AS example_post
                FROM cw_nposts p JOIN post_mentions m USING (post_id) GROUP BY ALL)
            QUALIFY row_number() OVER (PARTITION BY network_id ORDER BY posts DESC, target) <= $top
        ),
        known AS (  -- a mention is a handle, or (in some exports) the account's native id
            SELECT t.target, arg_max(a.asset_id, coalesce(a.followers, 0)) AS asset_id
            FROM (SELECT DISTINCT target FROM m) t
            JOIN assets a ON lower(a.handle) = t.target OR a.native_id = t.target
            GROUP BY ALL
        )
        SELECT m.*, k.asset_id,
               EXISTS (SELECT 1 FROM cw_members c
                       WHERE c.network_id = m.network_id AND c.asset_id = k.asset_id) AS member
        FROM m LEFT JOIN known k USING (target)
        ORDER BY network_id, posts DESC, target
        """,
        {"top": TOP},
    )
    replies = ctx.by_network(
        """
        WITH r AS (
            SELECT * FROM (
                SELECT network_id, reply_to_user AS target, count(*) AS posts,
                       count(DISTINCT asset_id) AS assets,
                       arg_min(post_id, created_at) AS example_post
                FROM cw_nposts WHERE nullif(reply_to_user, '') IS NOT NULL GROUP BY ALL)
            QUALIFY row_number() OVER (PARTITION BY network_id ORDER BY posts DESC, target) <= $top
        ),
        known AS (
            SELECT native_id AS target, any_value(asset_id) AS asset_id FROM assets
            WHERE native_id IN (SELECT target FROM r) GROUP BY ALL
        )
        SELECT r.*, k.asset_id,
               EXISTS (SELECT 1 FROM cw_members c
                       WHERE c.network_id = r.network_id AND c.asset_id = k.asset_id) AS member
        FROM r LEFT JOIN known k USING (target)
        ORDER BY network_id, posts DESC, target
        """,
        {"top": TOP},
    )
    ids = {r["example_post"] for rows in (*mentions.values(), *replies.values()) for r in rows} | {
        r["asset_id"] for rows in (*mentions.values(), *replies.values()) for r in rows
    }
    posts = example_posts(ctx, [i for i in ids if i is not None])
    assets = asset_refs(
        ctx, [r["asset_id"] for v in (*mentions.values(), *replies.values()) for r in v]
    )
    watch = _watchlist(ctx) if ctx.watchlist else {}
    out = {}
    for nid in ctx.networks:
        out[nid] = {
            "mentions": [_target(r, posts, assets) for r in mentions.get(nid, [])],
            "replies": [_target(r, posts, assets) for r in replies.get(nid, [])],
            "watchlist": watch.get(nid, []),
        }
    return out


def _target(r: dict[str, Any], posts: dict, assets: dict) -> dict[str, Any]:
    return {
        "target": r["target"],
        "posts": r["posts"],
        "assets": r["assets"],
        "member": bool(r["member"]),
        "asset": assets.get(r["asset_id"]),
        "example": posts.get(r["example_post"]),
    }


def example_posts(ctx: Context, post_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Posts by id with their author named by (platform, kind, native_id); text truncated."""
    if not post_ids:
        return {}
    rows = ctx.rows(
        """
        SELECT p.post_id, p.native_id AS post_native_id, p.created_at,
               left(p.text, $chars) AS text, length(p.text) > $chars AS truncated,
               a.platform, a.kind, a.native_id, a.handle, a.display_name, a.followers
        FROM posts p JOIN assets a USING (asset_id)
        WHERE p.post_id IN (SELECT unnest($ids::BIGINT[]))
        """,
        {"ids": post_ids, "chars": EXAMPLE_CHARS},
    )
    return {r.pop("post_id"): r for r in rows}


def asset_refs(ctx: Context, asset_ids: list[int | None]) -> dict[int, dict[str, Any]]:
    ids = sorted({i for i in asset_ids if i is not None})
    if not ids:
        return {}
    rows = ctx.rows(
        """
        SELECT asset_id, platform, kind, native_id, handle, display_name, followers
        FROM assets WHERE asset_id IN (SELECT unnest($ids::BIGINT[]))
        """,
        {"ids": ids},
    )
    return {r.pop("asset_id"): r for r in rows}


def _watchlist(ctx: Context) -> dict[str, list[dict[str, Any]]]:
    targets = load_watchlist(ctx.watchlist)  # type: ignore[arg-type]
    pairs = [(t["name"], a) for t in targets for a in t["aliases"]]
    ctx.con.execute(
        """
        CREATE OR REPLACE TEMP TABLE cw_watch AS
        SELECT name, alias, array_to_string(list_filter(regexp_split_to_array(
                   regexp_replace(coalesce(norm, ''), $strip, ' ', 'g'), $split),
                   lambda t: length(t) > 0), ' ') AS gram,
               lower(trim(alias, '@# ')) AS handle
        FROM (SELECT unnest($names) AS name, unnest($aliases) AS alias, unnest($norms) AS norm)
        """,
        {
            "names": [p[0] for p in pairs],
            "aliases": [p[1] for p in pairs],
            "norms": [_norm(p[1]) for p in pairs],
            "strip": STRIP,
            "split": TOKEN_SPLIT,
        },
    )
    rows = ctx.by_network(
        """
        WITH hits AS (
            SELECT g.network_id, g.post_id, g.asset_id, w.name
            FROM cw_grams g JOIN cw_watch w ON w.gram = g.gram
            UNION ALL
            SELECT p.network_id, p.post_id, p.asset_id, w.name
            FROM cw_nposts p JOIN cw_watch w
              ON length(w.gram) - length(replace(w.gram, ' ', '')) >= 3
             AND contains(p.text_norm, w.gram)
            UNION ALL
            SELECT p.network_id, p.post_id, p.asset_id, w.name
            FROM cw_nposts p JOIN post_mentions m USING (post_id)
            JOIN cw_watch w ON w.handle = m.mention
            UNION ALL
            SELECT p.network_id, p.post_id, p.asset_id, w.name
            FROM cw_nposts p JOIN post_hashtags h USING (post_id)
            JOIN cw_watch w ON w.handle = h.hashtag OR w.gram = h.hashtag
        ),
        tot AS (SELECT network_id, count(*) AS n FROM cw_nposts GROUP BY ALL)
        SELECT n.network_id, n.name, count(DISTINCT h.post_id) AS posts,
               count(DISTINCT h.asset_id) AS assets,
               count(DISTINCT h.post_id) / any_value(tot.n) AS share,
               min(h.post_id) AS example_post
        FROM (SELECT DISTINCT network_id, name FROM (SELECT network_id FROM tot), cw_watch) n
        JOIN tot USING (network_id)
        LEFT JOIN hits h ON h.network_id = n.network_id AND h.name = n.name
        GROUP BY ALL ORDER BY network_id, posts DESC, name
        """
    )
    bg = dict(
        ctx.con.execute(
            """
            SELECT w.name, sum(b.cnt) FROM cw_bg_grams b JOIN cw_watch w ON w.gram = b.gram
            GROUP BY ALL
            """
        ).fetchall()
    )
    bg_posts = ctx.results.get("_background", {}).get("posts") or 0
    posts = example_posts(
        ctx, [r["example_post"] for v in rows.values() for r in v if r["example_post"]]
    )
    ctx.con.execute("DROP TABLE IF EXISTS cw_watch")
    out: dict[str, list[dict[str, Any]]] = {}
    for nid, items in rows.items():
        out[nid] = [
            {
                "name": r["name"],
                "posts": r["posts"],
                "assets": r["assets"],
                "share": round(float(r["share"] or 0), 4),
                "corpus_share": round(float(bg.get(r["name"], 0)) / bg_posts, 4)
                if bg_posts
                else None,
                "example": posts.get(r["example_post"]),
            }
            for r in items
        ]
    return out


def _norm(text: str) -> str:
    from cibwatch.text import normalize

    return normalize(text) or ""
