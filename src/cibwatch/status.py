"""A summary of what a workspace holds, for `cibwatch status` and for scripts."""

from __future__ import annotations

from typing import Any

from cibwatch.store import Workspace


def workspace_status(ws: Workspace) -> dict[str, Any]:
    """{"assets": {platform: {kind: n}}, "posts": {platform: n}, "articles": n,
    "quarantine": {reason: n}, "first_post", "last_post"}; reasons grouped by their category."""
    con = ws.con
    assets: dict[str, dict[str, int]] = {}
    for platform, kind, n in con.execute(
        "SELECT platform, kind, count(*) FROM assets GROUP BY ALL ORDER BY ALL"
    ).fetchall():
        assets.setdefault(platform, {})[kind] = int(n)
    posts = {
        p: int(n)
        for p, n in con.execute(
            "SELECT platform, count(*) FROM posts GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    }
    first, last = con.execute("SELECT min(created_at), max(created_at) FROM posts").fetchall()[0]
    articles = int(con.execute("SELECT count(*) FROM articles").fetchall()[0][0])
    quarantine = {
        reason: int(n)
        for reason, n in con.execute(
            "SELECT split_part(reason, ':', 1) AS r, count(*) FROM quarantine "
            "GROUP BY ALL ORDER BY 2 DESC, 1"
        ).fetchall()
    }
    return {
        "assets": assets,
        "posts": posts,
        "articles": articles,
        "quarantine": quarantine,
        "first_post": first.isoformat(sep=" ") if first else None,
        "last_post": last.isoformat(sep=" ") if last else None,
    }
