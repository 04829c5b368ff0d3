"""Inauthenticity indicators of a cluster, each a share or a rate in [0, 1] (None: no data).

Coordination alone is not CIB: a newsroom's accounts and an activist tweetstorm coordinate too.
What sets operations apart is how their assets were made and run. Per cluster:

- creation_burst: members created together. The largest share of members (with a creation
  date) created within `creation_window` days of each other, above the 1/n a random group gets.
- young_accounts: share of members younger than `young_age` days at their first post here.
- long_lived: share of members older than two years at their first post (used to discount
  one-off bursts, which by long-lived accounts look like activism).
- handle_pattern: share of members whose handle is a name followed by 3+ digits, above the
  workspace's background rate of such handles.
- tz_mismatch: share of members with a resolvable declared location whose activity, read in
  that location's local time, peaks far (`tz_mismatch_hours`) from a normal waking day, above
  the workspace's own rate of such accounts (at most `tz_background_max`: a takedown archive
  holds no ordinary accounts to take a rate from).
- office_hours: the cluster's pooled activity fits in one 9-hour window (shift work) instead of
  a waking day; working_week: one weekday is almost idle while the others are busy (both need
  two weeks of activity, and are shrunk by n/(n+2) for n members posting).
- automation: share of posts from clients other than the platforms' own apps.
- duplicate_content: share of members with an identical- or near-duplicate-text edge inside.
- single_purpose: the median member's share of posts that are coordinated (a reshared post,
  text or URL that another member used too): the typical member, not the pooled posts, so
  one prolific member's everyday posting does not hide accounts made for one purpose.
- persistence: distinct days with coordination inside the cluster, (days - 1) / 6 capped at 1.

Member shares (creation_burst, young_accounts, handle_pattern, tz_mismatch) count only as far
as they are established: the Wilson lower bound (one-sided 95 %) of k in n, then its excess
over the background rate. Three of three members prove little where a third of all accounts
match by chance; twenty-six of twenty-six do.

All of it is computed in DuckDB over the members' posts, then combined per cluster in numpy.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from cibwatch.networks.places import resolve_offset

if TYPE_CHECKING:
    import duckdb

    from cibwatch.networks.params import NetworksParams

# Clients that are the platforms' own apps; anything else recorded is a third-party client
# (schedulers, bots, custom API apps).
OFFICIAL_CLIENTS = (
    "Twitter for Android",
    "Twitter for iPhone",
    "Twitter for iPad",
    "Twitter Web App",
    "Twitter Web Client",
    "Twitter for Mac",
    "Twitter for Windows",
    "Twitter Lite",
    "Mobile Web (M2)",
    "Twitter for Android Tablets",
    "TweetDeck",
    "TweetDeck Web App",
    "Facebook",
    "Facebook for Android",
    "Facebook for iPhone",
    "Instagram",
    "Telegram",
)
HANDLE_PATTERN = r"^[A-Za-z][A-Za-z_]*[0-9]{3,}$"
TEXT_SIGNALS = ("identical-text", "near-duplicate-text")
# Circular mean hour of an ordinary waking day (08-24 local, evening peak): 17-18 h measured on
# ordinary accounts; an account whose mean sits `tz_mismatch_hours` away keeps other hours.
WAKING_MEAN_HOUR = 17.5
MIN_TZ_POSTS = 5
MIN_RHYTHM = 0.15  # mean resultant length of post hours below which no rhythm is read
Z = 1.645  # one-sided 95 % confidence for the lower bound of a share
INDICATORS = (
    "creation_burst",
    "young_accounts",
    "long_lived",
    "handle_pattern",
    "tz_mismatch",
    "office_hours",
    "working_week",
    "automation",
    "duplicate_content",
    "single_purpose",
    "persistence",
)

_MEMBER_SQL = """
WITH ps AS (
    SELECT p.asset_id,
           count(*) AS n_posts,
           min(p.created_at) AS first_post,
           count(*) FILTER (WHERE p.client IS NOT NULL) AS n_client,
           count(*) FILTER (WHERE p.client IS NOT NULL
                              AND NOT list_contains($official, p.client)) AS n_auto,
           sum(sin(2 * pi() * (hour(p.created_at) + minute(p.created_at) / 60.0) / 24)) AS hs,
           sum(cos(2 * pi() * (hour(p.created_at) + minute(p.created_at) / 60.0) / 24)) AS hc
    FROM posts p SEMI JOIN _net_members m ON m.asset_id = p.asset_id
    GROUP BY p.asset_id
)
SELECT m.cluster, m.asset_id, a.handle, a.declared_location,
       date_diff('day', a.created_at, ps.first_post) AS age_days,
       epoch(a.created_at) / 86400.0 AS created_day,
       coalesce(ps.n_posts, 0) AS n_posts, coalesce(ps.n_client, 0) AS n_client,
       coalesce(ps.n_auto, 0) AS n_auto, ps.hs, ps.hc,
       coalesce(regexp_matches(a.handle, $pattern), false) AS patterned
FROM _net_members m
JOIN assets a ON a.asset_id = m.asset_id
LEFT JOIN ps ON ps.asset_id = m.asset_id
ORDER BY m.cluster, m.asset_id
"""

_RHYTHM_SQL = """
SELECT m.cluster, hour(p.created_at) AS h, dayofweek(p.created_at) AS d, count(*) AS n,
       min(p.created_at) AS t0, max(p.created_at) AS t1
FROM posts p JOIN _net_members m ON m.asset_id = p.asset_id
GROUP BY ALL
"""

# Coordinated posts: a reshared post, a text or a URL used by two members of the same cluster.
_COORD_SQL = """
WITH mp AS (
    SELECT m.cluster, p.asset_id, p.post_id, p.created_at,
           CASE WHEN p.shared_post_id IS NOT NULL THEN p.platform || ':' || p.shared_post_id
                WHEN length(p.text_norm) >= 20 THEN p.text_norm END AS key
    FROM posts p JOIN _net_members m ON m.asset_id = p.asset_id
),
mu AS (
    SELECT mp.cluster, mp.asset_id, mp.post_id, mp.created_at, u.url_norm AS key
    FROM mp JOIN post_urls u ON u.post_id = mp.post_id
),
allk AS (
    SELECT * FROM mp WHERE key IS NOT NULL UNION ALL SELECT * FROM mu WHERE key IS NOT NULL
),
shared AS (
    SELECT cluster, key FROM allk GROUP BY cluster, key HAVING count(DISTINCT asset_id) >= 2
),
cp AS (SELECT * FROM allk SEMI JOIN shared USING (cluster, key)),
per AS (
    SELECT t.cluster, t.asset_id, t.n, coalesce(c.k, 0) / t.n AS share
    FROM (SELECT cluster, asset_id, count(*) AS n FROM mp GROUP BY ALL) t
    LEFT JOIN (
        SELECT cluster, asset_id, count(DISTINCT post_id) AS k FROM cp GROUP BY ALL
    ) c USING (cluster, asset_id)
),
tot AS (
    SELECT cluster, sum(n) AS n, median(share) AS member_share FROM per GROUP BY cluster
)
SELECT tot.cluster, tot.n, tot.member_share, coalesce(c.n_coord, 0) AS n_coord,
       coalesce(c.days, 0) AS days
FROM tot LEFT JOIN (
    SELECT cluster, count(DISTINCT post_id) AS n_coord, count(DISTINCT created_at::DATE) AS days
    FROM cp GROUP BY cluster
) c USING (cluster)
"""


def _share(mask: np.ndarray, valid: np.ndarray) -> float | None:
    n = int(valid.sum())
    return float((mask & valid).sum() / n) if n else None


def _lower_bound(k: float, n: int) -> float:
    """Wilson lower confidence bound (one-sided, `Z`) of a share of k in n.

    >>> round(_lower_bound(3, 3), 3), round(_lower_bound(30, 30), 3)
    (0.526, 0.917)
    """
    p = k / n
    z2 = Z * Z
    centre = p + z2 / (2 * n)
    margin = Z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, (centre - margin) / (1 + z2 / n))


def _evidence(k: float, n: int, base: float) -> float | None:
    """How far a share of k in n members is established above the background rate `base`.

    The share counts only as far as it is established (its lower confidence bound): three of
    three members with name+digits handles prove little where half of all handles look so,
    twenty-six of twenty-six do. In [0, 1]; None when no member was measured."""
    if n <= 0:
        return None
    return _excess(_lower_bound(k, n), base)


def _shrink(value: float | None, n: int) -> float | None:
    """Shrink a rate pooled over n members toward 0: three members prove less than thirty."""
    return None if value is None else value * n / (n + 2)


def _excess(share: float | None, base: float) -> float | None:
    if share is None:
        return None
    return float(max(0.0, (share - base) / (1.0 - base))) if base < 1 else 0.0


def compute(
    con: duckdb.DuckDBPyConnection,
    members: pa.Table,
    layers: pa.Table,
    params: NetworksParams,
) -> dict[int, dict[str, Any]]:
    """Indicators per cluster. `members` has cluster (int) and asset_id; `layers` the kept
    per-signal edges (asset_a, asset_b, signal, first_at, last_at)."""
    out: dict[int, dict[str, Any]] = {}
    if members.num_rows == 0:
        return out
    con.register("_net_members", members)
    try:
        feats = con.sql(
            _MEMBER_SQL, params={"official": list(OFFICIAL_CLIENTS), "pattern": HANDLE_PATTERN}
        ).fetchnumpy()
        rhythm = con.sql(_RHYTHM_SQL).fetchnumpy()
        coord = con.sql(_COORD_SQL).fetchnumpy()
        background = con.execute(
            "SELECT avg(coalesce(regexp_matches(handle, ?), false)::INT) FROM assets "
            "WHERE handle IS NOT NULL",
            [HANDLE_PATTERN],
        ).fetchall()[0][0]
        tz_background = min(_tz_background(con, params), params.tz_background_max)
        text_members = _text_edge_members(con, members, layers)
        coord_days = _edge_days(con, members, layers)
    finally:
        con.unregister("_net_members")
    background = float(background or 0.0)

    cl = np.asarray(feats["cluster"])
    offsets = np.array(
        [
            np.nan if (o := resolve_offset(loc)) is None else o
            for loc in feats["declared_location"].tolist()
        ],
        dtype=np.float64,
    )
    age = _floats(feats["age_days"])
    created = _floats(feats["created_day"])
    n_posts = np.asarray(feats["n_posts"], dtype=np.float64)
    n_client = np.asarray(feats["n_client"], dtype=np.float64)
    n_auto = np.asarray(feats["n_auto"], dtype=np.float64)
    hs, hc = _floats(feats["hs"]), _floats(feats["hc"])
    patterned = np.asarray(feats["patterned"], dtype=bool)
    has_handle = np.array([h is not None for h in feats["handle"].tolist()])
    mean_hour = (np.degrees(np.arctan2(hs, hc)) / 15.0) % 24  # circular mean, UTC
    local = (mean_hour + offsets) % 24
    dist = np.abs(((local - WAKING_MEAN_HOUR) + 12) % 24 - 12)
    concentration = np.hypot(hs, hc) / np.maximum(n_posts, 1)
    # Round-the-clock posting (a newsroom, a scheduler) has no daily rhythm to compare.
    tz_valid = ~np.isnan(offsets) & (n_posts >= MIN_TZ_POSTS) & (concentration >= MIN_RHYTHM)
    tz_off = dist >= params.tz_mismatch_hours

    r_cl = np.asarray(rhythm["cluster"])
    r_h = np.asarray(rhythm["h"])
    r_d = np.asarray(rhythm["d"])
    r_n = np.asarray(rhythm["n"], dtype=np.float64)
    c_cl = np.asarray(coord["cluster"])

    for c in np.unique(cl):
        i = cl == c
        n = int(i.sum())
        ind: dict[str, Any] = {}
        has_created = i & ~np.isnan(created)
        if has_created.sum() >= 3:
            days = np.sort(created[has_created])
            j = np.searchsorted(days, days + params.creation_window, side="right")
            best = int((j - np.arange(len(days))).max())
            ind["creation_burst"] = _evidence(best, len(days), 1.0 / len(days))
        else:
            ind["creation_burst"] = None
        has_age = i & ~np.isnan(age)
        ind["young_accounts"] = _evidence(
            int((has_age & (age < params.young_age)).sum()), int(has_age.sum()), 0.0
        )
        ind["long_lived"] = _share(age >= 730, has_age)
        named = i & has_handle
        ind["handle_pattern"] = _evidence(
            int((named & patterned).sum()), int(named.sum()), background
        )
        tz_ok = i & tz_valid
        ind["tz_mismatch"] = (
            _evidence(int((tz_ok & tz_off).sum()), int(tz_ok.sum()), tz_background)
            if tz_ok.sum() >= 3
            else None
        )
        # A rhythm pooled over three members may be one person's week; over thirty, a schedule.
        posting = int((i & (n_posts > 0)).sum())
        ind.update(
            {
                k: _shrink(v, posting)
                for k, v in _rhythm(r_h[r_cl == c], r_d[r_cl == c], r_n[r_cl == c]).items()
            }
        )
        clients = float(n_client[i].sum())
        ind["automation"] = float(n_auto[i].sum() / clients) if clients else None
        ind["duplicate_content"] = len(text_members.get(int(c), ())) / n
        k = np.flatnonzero(c_cl == c)
        if len(k) and coord["n"][k[0]]:
            ind["single_purpose"] = float(coord["member_share"][k[0]])
            post_days = int(coord["days"][k[0]])
        else:
            ind["single_purpose"], post_days = None, 0
        days_active = max(post_days, len(coord_days.get(int(c), ())))
        ind["persistence"] = float(min(1.0, max(0, days_active - 1) / 6.0))
        ind["coordination_days"] = days_active
        ind["members_with_location"] = int(tz_ok.sum())
        out[int(c)] = ind
    return out


def _floats(col: Any) -> np.ndarray:
    if hasattr(col, "filled"):
        return np.asarray(col.astype(np.float64).filled(np.nan), dtype=np.float64)
    return np.array([np.nan if v is None else v for v in col], dtype=np.float64)


def _rhythm(h: np.ndarray, d: np.ndarray, n: np.ndarray) -> dict[str, Any]:
    hours = np.bincount(h.astype(np.int64), weights=n, minlength=24)[:24]
    week = np.bincount(d.astype(np.int64), weights=n, minlength=7)[:7]
    total = hours.sum()
    if total < 50:
        return {"office_hours": None, "working_week": None}
    window = np.array([hours[(np.arange(9) + s) % 24].sum() for s in range(24)])
    share9 = window.max() / total
    # A waking day puts ~60-70 % of posts in its busiest 9 hours; shift work nearly all.
    office = float(np.clip((share9 - 0.75) / 0.2, 0.0, 1.0))
    idle = float(1.0 - week.min() / week.mean()) if week.mean() else 0.0
    working = float(np.clip((idle - 0.5) / 0.4, 0.0, 1.0))
    # Both need a rhythm observed over weeks (some posts on at least six weekdays).
    spread = (week > 0).sum() >= 6
    return {
        "office_hours": office if spread else None,
        "working_week": working if spread else None,
    }


_TZ_SQL = """
SELECT a.declared_location, count(*) AS n,
       sum(sin(2 * pi() * (hour(p.created_at) + minute(p.created_at) / 60.0) / 24)) AS hs,
       sum(cos(2 * pi() * (hour(p.created_at) + minute(p.created_at) / 60.0) / 24)) AS hc
FROM posts p JOIN assets a ON a.asset_id = p.asset_id
WHERE a.declared_location IS NOT NULL
GROUP BY p.asset_id, a.declared_location
HAVING count(*) >= $min_posts
"""


def _tz_background(con: duckdb.DuckDBPyConnection, params: NetworksParams) -> float:
    """Share of all accounts (with a known location and a daily rhythm) whose rhythm disagrees
    with their declared location: ordinary people travel, live abroad, keep odd hours."""
    rows = con.sql(_TZ_SQL, params={"min_posts": MIN_TZ_POSTS}).fetchnumpy()
    if not len(rows["n"]):
        return 0.0
    offsets = np.array(
        [np.nan if (o := resolve_offset(x)) is None else o for x in rows["declared_location"]],
        dtype=np.float64,
    )
    hs, hc = np.asarray(rows["hs"], np.float64), np.asarray(rows["hc"], np.float64)
    n = np.asarray(rows["n"], np.float64)
    ok = ~np.isnan(offsets) & (np.hypot(hs, hc) / n >= MIN_RHYTHM)
    if not ok.any():
        return 0.0
    local = ((np.degrees(np.arctan2(hs, hc)) / 15.0) % 24 + offsets) % 24
    dist = np.abs(((local - WAKING_MEAN_HOUR) + 12) % 24 - 12)
    return float((dist[ok] >= params.tz_mismatch_hours).mean())


def _text_edge_members(
    con: duckdb.DuckDBPyConnection, members: pa.Table, layers: pa.Table
) -> dict[int, set[int]]:
    if layers.num_rows == 0:
        return {}
    con.register("_net_layers_ind", layers)
    try:
        rows = con.sql(
            """
            SELECT ma.cluster, l.asset_a, l.asset_b
            FROM _net_layers_ind l
            JOIN _net_members ma ON ma.asset_id = l.asset_a
            JOIN _net_members mb ON mb.asset_id = l.asset_b AND mb.cluster = ma.cluster
            WHERE list_contains($signals, l.signal)
            """,
            params={"signals": list(TEXT_SIGNALS)},
        ).fetchall()
    finally:
        con.unregister("_net_layers_ind")
    out: dict[int, set[int]] = {}
    for c, a, b in rows:
        out.setdefault(int(c), set()).update((a, b))
    return out


def _edge_days(
    con: duckdb.DuckDBPyConnection, members: pa.Table, layers: pa.Table
) -> dict[int, set]:
    """Days on which members' kept edges started or ended (coordination days seen by signals)."""
    if layers.num_rows == 0:
        return {}
    con.register("_net_layers_days", layers)
    try:
        rows = con.sql(
            """
            SELECT DISTINCT ma.cluster, d FROM (
                SELECT asset_a, asset_b, first_at::DATE AS d FROM _net_layers_days
                UNION ALL SELECT asset_a, asset_b, last_at::DATE FROM _net_layers_days
            ) l
            JOIN _net_members ma ON ma.asset_id = l.asset_a
            JOIN _net_members mb ON mb.asset_id = l.asset_b AND mb.cluster = ma.cluster
            WHERE d IS NOT NULL
            """
        ).fetchall()
    finally:
        con.unregister("_net_layers_days")
    out: dict[int, set] = {}
    for c, d in rows:
        out.setdefault(int(c), set()).add(d)
    return out
