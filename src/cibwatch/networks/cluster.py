"""Clustering the fused graph with Leiden: seeded, and independent of input order.

Vertices are numbered in the canonical order of their (platform, kind, native_id) and edges are
sorted, so the same graph gives the same clusters whatever order the data was ingested in (the
internal asset_id depends on ingest order; the canonical key does not). Leiden optimises the
configured quality (constant Potts by default) at the configured resolution with a fixed seed,
for LEIDEN_ITERATIONS passes; then communities that are fragments of one group are merged
(cibwatch.networks.merge). Leiden's communities are connected, so a small operation isolated
from the rest keeps its own cluster; clusters below `min_size` are dropped, and clusters under
ten assets must also be dense (`min_density` of their pairs linked) to count as coordinated.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import igraph as ig
import leidenalg
import numpy as np
import pyarrow as pa

from cibwatch.networks.merge import Merged
from cibwatch.networks.params import NetworksParams
from cibwatch.networks.score import group_density

SMALL = 10  # clusters below this size must be dense to be kept
# Leiden passes: two reach 99.9 % of the converged CPM quality at scale 10 in a fifth of the
# time (3.4 s CPU instead of 18 s), and the merge step joins what a pass leaves split.
LEIDEN_ITERATIONS = 2


@dataclass
class Cluster:
    """One coordinated cluster: member asset ids (canonical order) and graph statistics."""

    id: str
    members: list[int]
    edges: int  # member pairs linked: significant pairs, and bridges between merged fragments
    density: float  # edges / member pairs (merged: links across fragments at group level)
    weight: float  # sum of fused weights of the significant pairs inside
    strength: dict[int, float] = field(default_factory=dict)  # member -> fused weight inside
    kept_edges: int = 0  # significant pairs inside (edges - kept_edges are bridges)
    parts: list[Cluster] = field(default_factory=list)  # Leiden fragments, if merged from 2+

    @property
    def mean_weight(self) -> float:
        """Mean fused weight of the significant pairs inside: how strong the pair-level
        evidence is (bridges are evidence as a group, not pair by pair)."""
        return self.weight / self.kept_edges if self.kept_edges else 0.0


def cluster(
    pairs: pa.Table,
    canon: pa.Table,
    params: NetworksParams,
    merge: Callable[[np.ndarray, np.ndarray], Merged] | None = None,
) -> list[Cluster]:
    """Leiden communities of the fused graph `pairs` (asset_a, asset_b, weight).

    `canon` has the column asset_id for every asset, sorted by (platform, kind, native_id).
    `merge(vid, membership)`, when given, joins communities (cibwatch.networks.merge); the
    member pairs it links across joined communities count as the cluster's edges too.
    """
    if pairs.num_rows == 0:
        return []
    a = pairs["asset_a"].to_numpy()
    b = pairs["asset_b"].to_numpy()
    w = np.round(pairs["weight"].to_numpy().astype(np.float64), 9)
    verts = np.union1d(a, b)
    ids = canon["asset_id"].to_numpy()
    vid = ids[np.isin(ids, verts)]  # vertex index -> asset_id, in canonical order
    missing = np.setdiff1d(verts, vid)
    if len(missing):
        vid = np.concatenate([vid, np.sort(missing)])  # assets without a row: after, by id
    pos = np.argsort(vid)
    ia = pos[np.searchsorted(vid[pos], a)]
    ib = pos[np.searchsorted(vid[pos], b)]
    lo, hi = np.minimum(ia, ib), np.maximum(ia, ib)
    eorder = np.lexsort((hi, lo))
    lo, hi, w = lo[eorder], hi[eorder], w[eorder]

    g = ig.Graph(n=len(vid), edges=np.column_stack([lo, hi]).tolist(), directed=False)
    g.es["weight"] = w.tolist()
    quality = (
        leidenalg.CPMVertexPartition
        if params.objective == "cpm"
        else leidenalg.RBConfigurationVertexPartition
    )
    part = leidenalg.find_partition(
        g,
        quality,
        weights="weight",
        resolution_parameter=params.resolution,
        seed=params.seed,
        n_iterations=LEIDEN_ITERATIONS,
    )
    leiden = np.asarray(part.membership, dtype=np.int64)
    if merge is None:
        return list(_build(vid, lo, hi, w, np.ones(len(lo), bool), leiden, params).values())
    merged = merge(vid, leiden)
    membership = merged.membership
    # Bridges: pairs linked across Leiden communities that the merge joined (kept pairs among
    # them are already edges).
    blo, bhi = merged.bridge_lo, merged.bridge_hi
    bridge = (membership[blo] == membership[bhi]) & (leiden[blo] != leiden[bhi])
    bridge &= ~np.isin(blo * len(vid) + bhi, lo * len(vid) + hi)
    is_kept = np.r_[np.ones(len(lo), bool), np.zeros(int(bridge.sum()), bool)]
    link_lo, link_hi = np.concatenate([lo, blo[bridge]]), np.concatenate([hi, bhi[bridge]])
    out = _build(
        vid,
        link_lo,
        link_hi,
        np.concatenate([w, np.round(merged.bridge_weight[bridge], 9)]),
        is_kept,
        membership,
        params,
    )
    # A merged cluster keeps its Leiden fragments (as they would have been reported alone), so
    # that the merge can be undone when it dilutes a suspected fragment.
    joined = np.bincount(np.unique(np.column_stack([membership, leiden]), axis=0)[:, 0])
    if (joined > 1).any():
        host = np.zeros(int(leiden.max()) + 1, dtype=np.int64)
        host[leiden] = membership  # Leiden community -> merged community
        fragments = _build(vid, lo, hi, w, np.ones(len(lo), bool), leiden, params)
        for comm, frag in fragments.items():
            h = int(host[comm])
            if h in out and joined[h] > 1:
                out[h].parts.append(frag)
        # A merged cluster's density counts cross-fragment links at group level (see score.py).
        dens = group_density(membership, leiden, link_lo, link_hi, params.merge_share)
        for comm, c in out.items():
            if joined[comm] > 1:
                c.density = float(dens[comm])
    return list(out.values())


def _build(
    vid: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    w: np.ndarray,
    is_kept: np.ndarray,
    membership: np.ndarray,
    params: NetworksParams,
) -> dict[int, Cluster]:
    """Clusters of `membership` that pass the size and density rules, by community index.

    Edges (lo, hi, w) count toward density; only those flagged `is_kept` (significant pairs)
    toward weight and strength."""
    n_comm = int(membership.max()) + 1
    size = np.bincount(membership, minlength=n_comm)
    inside = membership[lo] == membership[hi]
    n_edges = np.bincount(membership[lo][inside], minlength=n_comm)
    kept_in = inside & is_kept
    n_kept_in = np.bincount(membership[lo][kept_in], minlength=n_comm)
    w_kept_in = np.bincount(membership[lo][kept_in], weights=w[kept_in], minlength=n_comm)
    strength = np.bincount(lo[kept_in], weights=w[kept_in], minlength=len(vid))
    strength += np.bincount(hi[kept_in], weights=w[kept_in], minlength=len(vid))
    pairs = size * (size - 1) / 2.0
    density = np.divide(n_edges, pairs, out=np.zeros(n_comm), where=pairs > 0)
    keep = (size >= params.min_size) & ((size >= SMALL) | (density >= params.min_density))
    order = np.argsort(membership, kind="stable")
    bounds = np.r_[0, np.cumsum(size)]
    out = {}
    for comm in np.flatnonzero(keep):
        idx = order[bounds[comm] : bounds[comm + 1]]
        out[int(comm)] = Cluster(
            id="",
            members=[int(vid[i]) for i in idx],
            edges=int(n_edges[comm]),
            density=float(density[comm]),
            weight=float(w_kept_in[comm]),
            strength={int(vid[i]): float(strength[i]) for i in idx},
            kept_edges=int(n_kept_in[comm]),
        )
    return out


def cluster_id(member_keys: list[tuple[str, str, str]]) -> str:
    """A stable id from the members' canonical keys: the same members give the same id."""
    h = hashlib.sha1()
    for key in sorted(member_keys):
        h.update("\x1f".join(key).encode("utf-8") + b"\x1e")
    return "net-" + h.hexdigest()[:10]
