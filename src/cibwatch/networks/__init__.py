"""Networks: fuse the signals' edges, keep what chance cannot explain, cluster, score.

`find_networks(con, params)` reads the workspace's `edges` (and posts/assets for the
indicators) and returns every coordinated cluster with its score, tier, members, signals and
indicators; cibwatch.detect writes them out. The steps, one module each:

1. significance: a Poisson null model per signal, Simes per pair, Benjamini-Hochberg FDR;
2. fuse: each signal's kept edges normalized and weighted into one graph;
3. cluster + merge: seeded Leiden (constant Potts) on the fused graph, canonical order;
   fragments whose co-actions with each other chance cannot explain are merged (unless that
   dilutes a suspected fragment); small dense clusters kept;
4. venues: Pages/Groups/channels filled by one cluster's members join it;
5. indicators + score: coordination strength times inauthenticity, with the reasons;
6. recruit: a suspected network takes in outside assets whose links into the network as a
   whole chance cannot explain, if they keep its inauthenticity (then it is scored again).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute  # noqa: F401  (pa.compute)

from cibwatch.config import register_section
from cibwatch.networks.cluster import Cluster, cluster, cluster_id
from cibwatch.networks.fuse import Fused, fuse
from cibwatch.networks.indicators import compute as compute_indicators
from cibwatch.networks.merge import Merged, merge_fragments, undo_diluting
from cibwatch.networks.params import NetworksParams
from cibwatch.networks.recruit import recruit
from cibwatch.networks.score import may_join, score_cluster
from cibwatch.networks.significance import Significance, assess_edges
from cibwatch.networks.venues import attach_venues

if TYPE_CHECKING:
    from collections.abc import Callable

    import duckdb

register_section("networks", NetworksParams)

HUB_FACTOR = 1.5  # a member whose inside strength is this many times the median is a hub
RECRUIT_LIKENESS = 0.85  # recruits keep at least this share of the network's inauthenticity


@dataclass
class NetworksResult:
    """Every coordinated cluster (dicts in the networks.json shape, asset ids still internal),
    the fused graph, and the test's statistics."""

    clusters: list[dict[str, Any]]
    fused: Fused
    significance: Significance
    assignment: dict[int, str] = field(default_factory=dict)  # asset_id -> cluster id

    @property
    def suspected(self) -> list[dict[str, Any]]:
        return [c for c in self.clusters if c["suspected"]]


def find_networks(
    con: duckdb.DuckDBPyConnection,
    params: NetworksParams | None = None,
    progress: Callable[[str], None] | None = None,
) -> NetworksResult:
    """Run significance, fusion, clustering and scoring on the workspace's `edges` table."""
    params = params or NetworksParams()
    step = progress or (lambda _name: None)
    step("significance")
    sig = assess_edges(con, params)
    step("fusion")
    fused = fuse(con, sig, params)
    step("clustering")
    canon = con.sql(
        "SELECT asset_id FROM assets ORDER BY platform, kind, native_id"
    ).to_arrow_table()
    merger = None
    if params.merge:

        def merger(vid: np.ndarray, membership: np.ndarray) -> Merged:
            return merge_fragments(con, sig, vid, membership, fused.quantiles, params)

    clusters = cluster(fused.pairs, canon, params, merge=merger)
    if params.merge:
        clusters = undo_diluting(con, clusters, fused.layers, params)
    members = pa.table(
        {
            "cluster": pa.array([i for i, c in enumerate(clusters) for _ in c.members], pa.int64()),
            "asset_id": pa.array([m for c in clusters for m in c.members], pa.int64()),
        }
    )
    venues = attach_venues(con, members) if members.num_rows else members
    by_cluster_venues: dict[int, list[int]] = {}
    for c, a in zip(venues["cluster"].to_pylist(), venues["asset_id"].to_pylist(), strict=True):
        by_cluster_venues.setdefault(int(c), []).append(int(a))
    step("scoring")
    all_members = (
        pa.concat_tables([members, venues.cast(members.schema)]) if venues.num_rows else members
    )
    indicators = compute_indicators(con, all_members, fused.layers, params)
    recruits: dict[int, list[int]] = {}
    if params.recruit:
        step("recruitment")
        first = {
            i: score_cluster(cl.density, cl.mean_weight, indicators.get(i, {}), params)
            for i, cl in enumerate(clusters)
        }
        groups = {i: list(cl.members) for i, cl in enumerate(clusters) if first[i].suspected}
        taken = set(all_members["asset_id"].to_pylist())
        recruits = recruit(con, sig, groups, taken, params.fdr)
        if recruits:
            extra = pa.table(
                {
                    "cluster": pa.array([g for g, vs in recruits.items() for _ in vs], pa.int64()),
                    "asset_id": pa.array([v for vs in recruits.values() for v in vs], pa.int64()),
                }
            )
            grown_members = pa.concat_tables([all_members, extra])
            grown = pa.array(sorted(recruits), pa.int64())
            sub = grown_members.filter(pa.compute.is_in(grown_members["cluster"], grown))
            regrown = compute_indicators(con, sub, fused.layers, params)
            for g in list(recruits):
                cl = clusters[g]
                mean_w = cl.mean_weight
                before = score_cluster(cl.density, mean_w, indicators.get(g, {}), params)
                after = score_cluster(cl.density, mean_w, regrown.get(g, {}), params)
                # Recruits must look like the network they join: if they dilute its
                # inauthenticity (ordinary accounts pulled in by a busy member), or take it
                # below the threshold (they may strengthen what is found, never hide it),
                # none join.
                if may_join(before, after, RECRUIT_LIKENESS):
                    indicators[g] = regrown[g]
                else:
                    del recruits[g]
            keep = pa.array([g for g, vs in recruits.items() for _ in vs], pa.int64())
            if len(keep):
                extra = pa.table(
                    {
                        "cluster": keep,
                        "asset_id": pa.array(
                            [v for vs in recruits.values() for v in vs], pa.int64()
                        ),
                    }
                )
                all_members = pa.concat_tables([all_members, extra])
    keys = _asset_keys(con, all_members)
    sig_stats = _signal_stats(con, members, fused.layers)

    out: list[dict[str, Any]] = []
    for i, cl in enumerate(clusters):
        ind = indicators.get(i, {})
        mean_w = cl.mean_weight
        scored = score_cluster(cl.density, mean_w, ind, params)
        member_ids = cl.members + by_cluster_venues.get(i, []) + recruits.get(i, [])
        cid = cluster_id([keys[m][:3] for m in member_ids])
        cl.id = cid
        out.append(
            {
                "id": cid,
                "score": scored.score,
                "tier": scored.tier,
                "suspected": scored.suspected,
                "why": scored.why,
                "size": len(member_ids),
                "members": _members(cl, by_cluster_venues.get(i, []), recruits.get(i, []), keys),
                "signals": {
                    "coordination": scored.coordination,
                    "density": round(cl.density, 6),
                    "edges": cl.edges,
                    "bridges": cl.edges - cl.kept_edges,
                    "mean_weight": round(mean_w, 6),
                    "by_signal": sig_stats.get(i, {}),
                },
                "indicators": {
                    **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in ind.items()},
                    "inauthenticity": scored.inauthenticity,
                    "authentic": scored.authentic,
                    "drivers": scored.drivers,
                    "coverage": scored.coverage,
                    "unmeasured": scored.unmeasured,
                },
            }
        )
    out.sort(key=lambda c: (-c["score"], c["id"]))
    assignment = {m["asset_id"]: c["id"] for c in out for m in c["members"]}
    return NetworksResult(clusters=out, fused=fused, significance=sig, assignment=assignment)


def _asset_keys(con: duckdb.DuckDBPyConnection, members: pa.Table) -> dict[int, tuple]:
    con.register("_net_members_k", members)
    try:
        rows = con.sql(
            "SELECT a.asset_id, a.platform, a.kind, a.native_id, a.handle FROM assets a "
            "SEMI JOIN _net_members_k m ON m.asset_id = a.asset_id"
        ).fetchall()
    finally:
        con.unregister("_net_members_k")
    return {int(r[0]): (str(r[1]), str(r[2]), str(r[3]), r[4]) for r in rows}


def _members(
    cl: Cluster, venues: list[int], recruits: list[int], keys: dict[int, tuple]
) -> list[dict[str, Any]]:
    strengths = np.array([cl.strength.get(m, 0.0) for m in cl.members])
    median = float(np.median(strengths)) if len(strengths) else 0.0
    rows = []
    for m in cl.members:
        s = cl.strength.get(m, 0.0)
        role = "hub" if median > 0 and s >= HUB_FACTOR * median else "member"
        rows.append(_member_row(m, keys, role, s))
    rows += [_member_row(v, keys, "venue", 0.0) for v in venues]
    rows += [_member_row(v, keys, "recruit", 0.0) for v in recruits]
    rows.sort(
        key=lambda r: (r["role"] != "hub", -r["strength"], r["platform"], r["kind"], r["native_id"])
    )
    return rows


def _member_row(
    asset_id: int, keys: dict[int, tuple], role: str, strength: float
) -> dict[str, Any]:
    platform, kind, native_id, handle = keys.get(asset_id, ("", "", str(asset_id), None))
    return {
        "platform": platform,
        "kind": kind,
        "native_id": native_id,
        "handle": handle,
        "role": role,
        "strength": round(strength, 6),
        "asset_id": asset_id,
    }


def _signal_stats(
    con: duckdb.DuckDBPyConnection, members: pa.Table, layers: pa.Table
) -> dict[int, dict[str, Any]]:
    """Per cluster and signal: kept edges inside, co-actions, keys, summed contribution."""
    if layers.num_rows == 0 or members.num_rows == 0:
        return {}
    con.register("_net_members_s", members)
    con.register("_net_layers_s", layers)
    try:
        rows = con.sql(
            """
            SELECT ma.cluster, l.signal, count(*) AS edges, sum(l.events) AS events,
                   sum(l.keys) AS keys, sum(l.contribution) AS contribution,
                   min(l.first_at) AS first_at, max(l.last_at) AS last_at
            FROM _net_layers_s l
            JOIN _net_members_s ma ON ma.asset_id = l.asset_a
            JOIN _net_members_s mb ON mb.asset_id = l.asset_b AND mb.cluster = ma.cluster
            GROUP BY ALL ORDER BY ma.cluster, l.signal
            """
        ).fetchall()
    finally:
        con.unregister("_net_members_s")
        con.unregister("_net_layers_s")
    out: dict[int, dict[str, Any]] = {}
    for c, signal, edges, events, keys, contrib, first_at, last_at in rows:
        out.setdefault(int(c), {})[signal] = {
            "edges": int(edges),
            "events": int(events),
            "keys": int(keys),
            "contribution": round(float(contrib), 6),
            "first_at": first_at.strftime("%Y-%m-%dT%H:%M:%SZ") if first_at else None,
            "last_at": last_at.strftime("%Y-%m-%dT%H:%M:%SZ") if last_at else None,
        }
    return out


__all__ = ["NetworksParams", "NetworksResult", "find_networks"]
