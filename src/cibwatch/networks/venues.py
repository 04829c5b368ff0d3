"""Venues: Pages, Groups and channels that a cluster's members fill with their posts.

A Facebook Group in a CrowdTangle export has no posts of its own: its members post in it. An
operation's Groups are therefore found through the venue of the posts: a venue joins a cluster
(role "venue") when more than `VENUE_SHARE` of its posts, and at least `VENUE_MIN_POSTS`, come from
that cluster's members, and it is not already a member of a cluster.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:
    import duckdb

VENUE_SHARE = 0.5
VENUE_MIN_POSTS = 3


def attach_venues(con: duckdb.DuckDBPyConnection, members: pa.Table) -> pa.Table:
    """Venues to add: a table (cluster, asset_id) of venues dominated by one cluster."""
    con.register("_net_members_v", members)
    try:
        return con.sql(
            """
            WITH vp AS (
                SELECT p.venue_id, p.asset_id FROM posts p
                WHERE p.venue_id IS NOT NULL AND p.venue_id <> p.asset_id
            ),
            tot AS (SELECT venue_id, count(*) AS n FROM vp GROUP BY venue_id),
            byc AS (
                SELECT vp.venue_id, m.cluster, count(*) AS k
                FROM vp JOIN _net_members_v m ON m.asset_id = vp.asset_id
                GROUP BY vp.venue_id, m.cluster
            )
            SELECT byc.cluster, byc.venue_id AS asset_id
            FROM byc JOIN tot USING (venue_id)
            WHERE byc.k >= $min_posts AND byc.k > $share * tot.n
              AND byc.venue_id NOT IN (SELECT asset_id FROM _net_members_v)
            ORDER BY byc.cluster, byc.venue_id
            """,
            params={"min_posts": VENUE_MIN_POSTS, "share": VENUE_SHARE},
        ).to_arrow_table()
    finally:
        con.unregister("_net_members_v")
