"""Clustering the fused graph with Leiden: seeded, and independent of input order.

Vertices are numbered in the canonical order of their (platform, kind, native_id) and edges are
sorted, so the same graph gives the same clusters whatever order the data was ingested in (the
internal asset_id depends on ingest order; the canonical key does not). Leiden optimises
modularity (RBConfiguration) at the configured resolution with a fixed seed and runs until
stable. Leiden's communities are connected, so a small operation isolated from the rest keeps
its own cluster; clusters below `min_size` are dropped, and clusters under ten assets must also
be dense (`min_density` of their pairs significant) to count as coordinated.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import igraph as ig
import leidenalg
import numpy as np
import pyarrow as pa

from cibwatch.networks.params import NetworksParams

SMALL = 10  # clusters below this size must be dense to be kept


@dataclass
class Cluster:
    """One coordinated cluster: member asset ids (canonical order) and graph statistics."""

    id: str
    members: list[int]
    edges: int
    density: float
    weight: float  # sum of fused weights inside
    strength: dict[int, float] = field(default_factory=dict)  # member -> fused weight inside


def cluster(pairs: pa.Table, canon: pa.Table, params: NetworksParams) -> list[Cluster]:
    """Leiden communities of the fused graph `pairs` (asset_a, asset_b, weight).

    `canon` has the column asset_id for every asset, sorted by (platform, kind, native_id).
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
        n_iterations=-1,
    )
    membership = np.asarray(part.membership)
    same = membership[lo] == membership[hi]
    out = []
    for comm in np.unique(membership):
        idx = np.flatnonzero(membership == comm)
        size = len(idx)
        if size < params.min_size:
            continue
        inside = same & (membership[lo] == comm)
        n_edges = int(inside.sum())
        density = n_edges / (size * (size - 1) / 2)
        if size < SMALL and density < params.min_density:
            continue
        strength = np.zeros(len(vid))
        np.add.at(strength, lo[inside], w[inside])
        np.add.at(strength, hi[inside], w[inside])
        members = [int(vid[i]) for i in idx]
        out.append(
            Cluster(
                id="",
                members=members,
                edges=n_edges,
                density=float(density),
                weight=float(w[inside].sum()),
                strength={int(vid[i]): float(strength[i]) for i in idx},
            )
        )
    return out


def cluster_id(member_keys: list[tuple[str, str, str]]) -> str:
    """A stable id from the members' canonical keys: the same members give the same id."""
    h = hashlib.sha1()
    for key in sorted(member_keys):
        h.update("\x1f".join(key).encode("utf-8") + b"\x1e")
    return "net-" + h.hexdigest()[:10]
