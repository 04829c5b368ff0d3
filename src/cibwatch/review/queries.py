"""Read queries behind the review app's pages and API: networks, members, timelines, assets.

All SQL is parameterized; the only text spliced into SQL is chosen from fixed whitelists in this
module (sort columns and directions). Every row naming an asset carries (platform, kind,
native_id). Queries read `review_members` / `review_networks`, the views that
cibwatch.review.decisions registers with split/merge decisions applied.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb
import pyarrow as pa

from cibwatch.review import decisions

# Sort keys offered on the network list -> SQL expression (never user text).
NETWORK_SORTS = {
    "score": "score",
    "size": "size",
    "network": "network_id",
    "tier": "tier",
    "status": "status",
    "decided": "decided_at",
}
MEMBER_SORTS = {
    "platform": "platform, kind, native_id",
    "handle": "handle",
    "created": "created_at",
    "followers": "followers",
    "posts": "posts",
    "role": "role",
}
PAGE_SIZE = 100
MEMBER_PAGE = 250


def prepare(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Register the effective-membership views and the statuses on `con`; return the statuses."""
    decisions.register_membership(con)
    status = decisions.statuses(con)
    last = dict(
        con.execute(
            "SELECT network_id, strftime(max(decided_at), '%Y-%m-%dT%H:%M:%SZ') "
            "FROM decisions GROUP BY network_id"
        ).fetchall()
    )
    ids = sorted(set(status) | set(last))
    con.register(
        "review_status",
        pa.table(
            {
                "network_id": pa.array(ids, pa.string()),
                "status": pa.array([status.get(i, "detected") for i in ids], pa.string()),
                "decided_at": pa.array([last.get(i) for i in ids], pa.string()),
            }
        ),
    )
    return status


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def _json(text: str | None) -> Any:
    if not text:
        return {}
    try:
        return json.loads(text)
    except ValueError:
        return {"unparsed": text}


def list_networks(
    con: duckdb.DuckDBPyConnection,
    *,
    sort: str = "score",
    order: str = "desc",
    tier: str | None = None,
    status: str | None = None,
    platform: str | None = None,
    q: str | None = None,
    min_score: float | None = None,
    suspected: bool | None = None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """One page of networks with counts by platform and kind and status; and the total count."""
    prepare(con)
    sort_sql = NETWORK_SORTS.get(sort, "score")
    order_sql = "ASC" if order == "asc" else "DESC"
    where: list[str] = []
    params: list[Any] = []
    if tier:
        where.append("tier = ?")
        params.append(tier)
    if status:
        where.append("status = ?")
        params.append(status)
    if platform:
        where.append(
            "network_id IN (SELECT m.network_id FROM review_members m "
            "JOIN assets a ON a.asset_id = m.asset_id WHERE a.platform = ?)"
        )
        params.append(platform)
    if q:
        where.append("contains(lower(network_id), lower(?))")
        params.append(q)
    if min_score is not None:
        where.append("score >= ?")
        params.append(float(min_score))
    if suspected is not None:
        where.append("coalesce(suspected, false) = ?")
        params.append(bool(suspected))
    where_sql = ("WHERE " + " AND ".join(where)) if where else ""
    base = f"""
        WITH pk AS (
            SELECT m.network_id, a.platform, a.kind, count(*) AS n
            FROM review_members m LEFT JOIN assets a ON a.asset_id = m.asset_id
            GROUP BY ALL
        ),
        counts AS (
            SELECT network_id, sum(n)::BIGINT AS size,
                   list({{'platform': platform, 'kind': kind, 'n': n}}
                        ORDER BY n DESC, platform, kind) AS counts
            FROM pk GROUP BY network_id
        ),
        nets AS (
            SELECT n.network_id, n.score, n.tier, n.suspected, n.parent_id,
                   coalesce(c.size, 0) AS size, coalesce(c.counts, []) AS counts,
                   coalesce(s.status, 'detected') AS status, s.decided_at
            FROM review_networks n
            LEFT JOIN counts c ON c.network_id = n.network_id
            LEFT JOIN review_status s ON s.network_id = n.network_id
        )
        SELECT * FROM nets {where_sql}
    """
    total = con.execute(f"SELECT count(*) FROM ({base})", params).fetchall()[0][0]
    rows = _dicts(
        con.execute(
            f"{base} ORDER BY {sort_sql} {order_sql} NULLS LAST, network_id LIMIT ? OFFSET ?",
            [*params, int(limit), int(offset)],
        )
    )
    return rows, int(total)


def facets(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Values offered by the list filters (tiers and platforms present)."""
    tiers = [r[0] for r in con.execute("SELECT DISTINCT tier FROM networks ORDER BY 1").fetchall()]
    platforms = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT a.platform FROM network_members m "
            "JOIN assets a ON a.asset_id = m.asset_id ORDER BY 1"
        ).fetchall()
    ]
    return {
        "tiers": [t for t in tiers if t is not None],
        "platforms": [p for p in platforms if p is not None],
        "statuses": list(decisions.STATUSES),
    }


def network(con: duckdb.DuckDBPyConnection, network_id: str) -> dict[str, Any] | None:
    """One network: its row, counts, characterization (if `cibwatch report` stored one)."""
    status = prepare(con)
    rows = _dicts(con.execute("SELECT * FROM review_networks WHERE network_id = ?", [network_id]))
    if not rows:
        return None
    net = rows[0]
    net["signals"] = _json(net["signals"])
    net["indicators"] = _json(net["indicators"])
    net["status"] = status.get(network_id, "detected")
    net["counts"] = _dicts(
        con.execute(
            """
            SELECT a.platform, a.kind, count(*) AS n
            FROM review_members m LEFT JOIN assets a ON a.asset_id = m.asset_id
            WHERE m.network_id = ? GROUP BY ALL ORDER BY n DESC, 1, 2
            """,
            [network_id],
        )
    )
    net["size"] = sum(c["n"] for c in net["counts"])
    net["characterization"] = characterization(con, network_id)
    return net


def characterization(con: duckdb.DuckDBPyConnection, network_id: str) -> Any:
    """The latest characterization document `cibwatch report` stored for the network, if any."""
    try:
        rows = con.execute(
            "SELECT data FROM characterizations WHERE network_id = ? "
            "ORDER BY computed_at DESC NULLS LAST LIMIT 1",
            [network_id],
        ).fetchall()
    except duckdb.CatalogException:
        return None
    return _json(rows[0][0]) if rows else None


def members(
    con: duckdb.DuckDBPyConnection,
    network_id: str,
    *,
    sort: str = "platform",
    order: str = "asc",
    limit: int = MEMBER_PAGE,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Members with their profile fields and post counts, one page."""
    sort_sql = MEMBER_SORTS.get(sort, MEMBER_SORTS["platform"])
    order_sql = "DESC" if order == "desc" else "ASC"
    if order_sql == "DESC":
        sort_sql = ", ".join(f"{c.strip()} DESC" for c in sort_sql.split(","))
    return _dicts(
        con.execute(
            f"""
            WITH mem AS (SELECT asset_id, role FROM review_members WHERE network_id = ?),
            pc AS (
                SELECT p.asset_id, count(*) AS posts, min(p.created_at) AS first_post,
                       max(p.created_at) AS last_post
                FROM posts p SEMI JOIN mem ON mem.asset_id = p.asset_id GROUP BY p.asset_id
            )
            SELECT mem.asset_id, a.platform, a.kind, a.native_id, a.handle, a.display_name,
                   a.created_at, a.followers, a.declared_location, mem.role,
                   coalesce(pc.posts, 0) AS posts, pc.first_post, pc.last_post
            FROM mem LEFT JOIN assets a ON a.asset_id = mem.asset_id
            LEFT JOIN pc ON pc.asset_id = mem.asset_id
            ORDER BY {sort_sql} NULLS LAST, mem.asset_id LIMIT ? OFFSET ?
            """,
            [network_id, int(limit), int(offset)],
        )
    )


def timeline(con: duckdb.DuckDBPyConnection, network_id: str) -> list[dict[str, Any]]:
    """Posts per day by the network's members (UTC days), oldest first."""
    return _dicts(
        con.execute(
            """
            SELECT strftime(date_trunc('day', p.created_at), '%Y-%m-%d') AS day, count(*) AS posts,
                   count(DISTINCT p.asset_id) AS assets
            FROM posts p SEMI JOIN (SELECT asset_id FROM review_members WHERE network_id = ?) m
              ON m.asset_id = p.asset_id
            WHERE p.created_at IS NOT NULL
            GROUP BY 1 ORDER BY 1
            """,
            [network_id],
        )
    )


def edges(
    con: duckdb.DuckDBPyConnection, network_id: str, *, limit: int = 200
) -> tuple[list[dict[str, Any]], int]:
    """The strongest edges between the network's members (both ends inside), and their count."""
    base = """
        WITH mem AS (SELECT DISTINCT asset_id FROM review_members WHERE network_id = ?)
        SELECT e.asset_a, e.asset_b, e.signal, e.weight, e.events, e.keys,
               strftime(e.first_at, '%Y-%m-%dT%H:%M:%SZ') AS first_at,
               strftime(e.last_at, '%Y-%m-%dT%H:%M:%SZ') AS last_at
        FROM edges e SEMI JOIN mem ma ON ma.asset_id = e.asset_a
        SEMI JOIN mem mb ON mb.asset_id = e.asset_b
    """
    total = con.execute(f"SELECT count(*) FROM ({base})", [network_id]).fetchall()[0][0]
    rows = _dicts(
        con.execute(
            f"""
            WITH top AS ({base} ORDER BY e.weight DESC, e.asset_a, e.asset_b, e.signal LIMIT ?)
            SELECT top.*, a.platform AS a_platform, a.kind AS a_kind, a.native_id AS a_native_id,
                   a.handle AS a_handle, b.platform AS b_platform, b.kind AS b_kind,
                   b.native_id AS b_native_id, b.handle AS b_handle
            FROM top LEFT JOIN assets a ON a.asset_id = top.asset_a
            LEFT JOIN assets b ON b.asset_id = top.asset_b
            ORDER BY top.weight DESC, top.asset_a, top.asset_b, top.signal
            """,
            [network_id, int(limit)],
        )
    )
    return rows, int(total)


def asset(con: duckdb.DuckDBPyConnection, asset_id: int) -> dict[str, Any] | None:
    """One asset's profile fields, post count and the networks it belongs to (with status)."""
    status = prepare(con)
    rows = _dicts(
        con.execute(
            """
            SELECT asset_id, platform, kind, native_id, handle, display_name,
                   created_at, bio, declared_location, followers, following, lang, url,
                   avatar_hash
            FROM assets WHERE asset_id = ?
            """,
            [int(asset_id)],
        )
    )
    if not rows:
        return None
    info = rows[0]
    info["post_count"] = con.execute(
        "SELECT count(*) FROM posts WHERE asset_id = ?", [int(asset_id)]
    ).fetchall()[0][0]
    nets = _dicts(
        con.execute(
            """
            SELECT m.network_id, m.role, n.score, n.tier
            FROM review_members m JOIN review_networks n ON n.network_id = m.network_id
            WHERE m.asset_id = ? ORDER BY n.score DESC NULLS LAST, m.network_id
            """,
            [int(asset_id)],
        )
    )
    for n in nets:
        n["status"] = status.get(n["network_id"], "detected")
    info["networks"] = nets
    return info


def asset_posts(
    con: duckdb.DuckDBPyConnection, asset_id: int, *, limit: int = PAGE_SIZE, offset: int = 0
) -> list[dict[str, Any]]:
    """An asset's posts, newest first, with the URLs and hashtags they carry."""
    return _dicts(
        con.execute(
            """
            WITH p AS (
                SELECT post_id, platform, native_id, created_at, text, lang, client,
                       shared_post_id, reply_to
                FROM posts WHERE asset_id = ?
                ORDER BY created_at DESC NULLS LAST, post_id DESC LIMIT ? OFFSET ?
            )
            SELECT p.*,
                   (SELECT list(u.url ORDER BY u.url) FROM post_urls u
                    WHERE u.post_id = p.post_id) AS urls
            FROM p ORDER BY p.created_at DESC NULLS LAST, p.post_id DESC
            """,
            [int(asset_id), int(limit), int(offset)],
        )
    )


def asset_by_native(
    con: duckdb.DuckDBPyConnection, platform: str, kind: str, native_id: str
) -> int | None:
    rows = con.execute(
        "SELECT asset_id FROM assets WHERE platform = ? AND kind = ? AND native_id = ? LIMIT 1",
        [platform, kind, native_id],
    ).fetchall()
    return int(rows[0][0]) if rows else None
