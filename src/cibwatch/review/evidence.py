"""The evidence behind an edge: its co-actions (keys, times) and both assets' posts side by side.

An edge stores a few example keys with the time the pair acted on them (`edges.examples`). The
posts are found again from each signal's definition of its key (cibwatch.signals): a normalized
URL (co-link), a registered domain (co-domain), `platform:post_id` of the shared post
(co-share), the first 200 characters of the normalized text (identical-text), the two posts'
ids (near-duplicate-text), the ordered hashtag sequence (hashtag-sequence), `platform:handle`
mentioned (co-mention) or replied to (co-reply), the time bin (sync-activity). profile-similarity
compares profile fields (bio, handle, creation time, avatar), shown for both assets. When a key
cannot be matched, each asset's posts closest in time to the co-action are shown instead."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import duckdb

# Posts shown per asset per example, closest in time to the co-action first.
POSTS_PER_SIDE = 3
# Window for the time-only fallback.
FALLBACK_WINDOW_SECONDS = 3600

_SELECT = """
    SELECT p.post_id, p.platform, p.native_id, strftime(p.created_at, '%Y-%m-%dT%H:%M:%SZ') AS at,
           p.text, p.shared_post_id, p.reply_to, p.client
    FROM posts p
"""
_ORDER = """
    ORDER BY abs(epoch(p.created_at) - epoch(?::TIMESTAMP)), p.post_id LIMIT ?
"""

# Keys are stored cut to 200 characters (cibwatch.signals.runner), hence left(..., 200).
# signal -> (WHERE fragment over posts p for one asset, key -> its parameters or None)
_MATCHERS: dict[str, tuple[str, Any]] = {
    "co-link": (
        "p.post_id IN (SELECT post_id FROM post_urls WHERE left(url_norm, 200) = ?)",
        lambda key: [key],
    ),
    "co-domain": (
        "p.post_id IN (SELECT post_id FROM post_urls WHERE left(domain, 200) = ?)",
        lambda key: [key],
    ),
    "co-share": (
        "p.platform = ? AND (p.shared_post_id = ? OR p.quoted_post_id = ? OR p.native_id = ?)",
        lambda key: [*_split(key), _split(key)[1], _split(key)[1]],
    ),
    "identical-text": ("left(p.text_norm, 200) = ?", lambda key: [key]),
    # "postA~postB J=0.94 fp=...": the two near-copies by native id
    "near-duplicate-text": (
        "p.native_id IN (?, ?)",
        lambda key: (key.split(" ", 1)[0].split("~", 1) + [""])[:2] if "~" in key else None,
    ),
    "hashtag-sequence": (
        "left((SELECT string_agg(h.hashtag, ' ' ORDER BY h.position, h.hashtag) "
        "FROM post_hashtags h WHERE h.post_id = p.post_id), 200) = ?",
        lambda key: [key],
    ),
    "co-mention": (
        "p.platform = ? AND p.post_id IN "
        "(SELECT post_id FROM post_mentions WHERE left(mention, 200) = ?)",
        lambda key: _split(key),
    ),
    "co-reply": ("p.platform = ? AND left(p.reply_to, 200) = ?", lambda key: _split(key)),
    # "bin 1630495500+60s": the posts in that time bin
    "sync-activity": (
        # epoch seconds as naive UTC, whatever the session's TimeZone
        "p.created_at >= TIMESTAMP '1970-01-01' + to_seconds(?) "
        "AND p.created_at < TIMESTAMP '1970-01-01' + to_seconds(?)",
        lambda key: _bin(key),
    ),
}
# profile-similarity traces ("bio:J=...", "handle:a~b", "burst:...", "avatar:...") compare
# profile fields, not posts: trace -> the field shown for both assets.
PROFILE_FIELDS = {"bio": "bio", "handle": "handle", "burst": "created_at", "avatar": "avatar_hash"}
_BIN = re.compile(r"^bin (\d+)\+(\d+)s$")


def _bin(key: str) -> list[int] | None:
    m = _BIN.match(key)
    return [int(m.group(1)), int(m.group(1)) + int(m.group(2))] if m else None


def _timestamp(at: str | None) -> str | None:
    """The example's time as a DuckDB timestamp literal, or None if it is not one."""
    if not at:
        return None
    try:
        return datetime.fromisoformat(at.replace("Z", "+00:00")).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def _split(key: str) -> list[str]:
    platform, _, rest = key.partition(":")
    return [platform, rest]


def _posts(
    con: duckdb.DuckDBPyConnection, asset_id: int, signal: str, key: str, at: str | None
) -> tuple[list[dict[str, Any]], str]:
    at_param = _timestamp(at)
    matcher = _MATCHERS.get(signal)
    key_params = matcher[1](key) if matcher is not None and key else None
    if matcher is not None and key_params is not None:
        sql = f"{_SELECT} WHERE p.asset_id = ? AND {matcher[0]}"
        params: list[Any] = [asset_id, *key_params]
        if at_param:
            sql += _ORDER
            params += [at_param, POSTS_PER_SIDE]
        else:
            sql += " ORDER BY p.created_at, p.post_id LIMIT ?"
            params.append(POSTS_PER_SIDE)
        rows = _dicts(con.execute(sql, params))
        if rows:
            return rows, "key"
    if not at_param:
        return [], "none"
    sql = (
        f"{_SELECT} WHERE p.asset_id = ? AND p.created_at BETWEEN "
        "?::TIMESTAMP - to_seconds(?) AND ?::TIMESTAMP + to_seconds(?)" + _ORDER
    )
    w = FALLBACK_WINDOW_SECONDS
    rows = _dicts(con.execute(sql, [asset_id, at_param, w, at_param, w, at_param, POSTS_PER_SIDE]))
    return rows, "time"


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def edge_evidence(
    con: duckdb.DuckDBPyConnection, asset_a: int, asset_b: int, signal: str | None = None
) -> dict[str, Any] | None:
    """The edge(s) between two assets (one signal or all) with examples and matching posts."""
    a, b = sorted((int(asset_a), int(asset_b)))
    params: list[Any] = [a, b]
    where = "asset_a = ? AND asset_b = ?"
    if signal:
        where += " AND signal = ?"
        params.append(signal)
    rows = _dicts(
        con.execute(
            f"""
            SELECT signal, weight, events, keys,
                   strftime(first_at, '%Y-%m-%dT%H:%M:%SZ') AS first_at,
                   strftime(last_at, '%Y-%m-%dT%H:%M:%SZ') AS last_at,
                   list_transform(examples, lambda x: {{
                       'key': x.key, 'at': strftime(x.at, '%Y-%m-%dT%H:%M:%SZ')}}) AS examples
            FROM edges WHERE {where} ORDER BY weight DESC, signal
            """,
            params,
        )
    )
    if not rows:
        return None
    assets = {
        r["asset_id"]: r
        for r in _dicts(
            con.execute(
                "SELECT asset_id, platform, kind, native_id, handle, display_name "
                "FROM assets WHERE asset_id IN (?, ?)",
                [a, b],
            )
        )
    }
    profiles = {
        r["asset_id"]: r
        for r in _dicts(
            con.execute(
                "SELECT asset_id, bio, handle, strftime(created_at, '%Y-%m-%dT%H:%M:%SZ') "
                "AS created_at, avatar_hash FROM assets WHERE asset_id IN (?, ?)",
                [a, b],
            )
        )
    }
    for edge in rows:
        examples = edge.pop("examples") or []
        edge["examples"] = []
        for ex in examples[:10]:
            if not isinstance(ex, dict):
                continue
            key, at = str(ex.get("key") or ""), ex.get("at")
            at = str(at) if at else None
            trace = key.split(":", 1)[0]
            if edge["signal"] == "profile-similarity" and trace in PROFILE_FIELDS:
                field = PROFILE_FIELDS[trace]
                edge["examples"].append(
                    {
                        "key": key,
                        "at": at,
                        "posts_a": [],
                        "posts_b": [],
                        "matched_by": "profile",
                        "profile": {
                            "field": field,
                            "a": profiles.get(a, {}).get(field),
                            "b": profiles.get(b, {}).get(field),
                        },
                    }
                )
                continue
            posts_a, how_a = _posts(con, a, edge["signal"], key, at)
            posts_b, how_b = _posts(con, b, edge["signal"], key, at)
            edge["examples"].append(
                {
                    "key": key,
                    "at": at,
                    "posts_a": posts_a,
                    "posts_b": posts_b,
                    "matched_by": how_a if how_a == how_b else f"{how_a}/{how_b}",
                }
            )
    return {
        "asset_a": assets.get(a, {"asset_id": a}),
        "asset_b": assets.get(b, {"asset_id": b}),
        "edges": rows,
    }
