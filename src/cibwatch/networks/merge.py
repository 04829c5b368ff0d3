"""Merging fragments: join Leiden communities whose co-actions with each other chance cannot explain.

At scale a large operation's pairs share few keys each and Benjamini-Hochberg over hundreds of
millions of pairs keeps only a tenth of them, so Leiden (constant Potts) cuts the operation into
dozens of fragments. Between two fragments of the same operation, though, the co-actions that
failed the pair-level test are still there, by the hundred. So the fragments are tested as
groups, with the null model of cibwatch.networks.significance. For communities C and D, every
co-action edge between their members (all signals, kept or not) gives

    K_CD = Σ keys,   L_CD = distinct member pairs linked,
    Λ_CD = Σ_s rate_s · M_C,s · M_D,s     (M_C,s = Σ_{c∈C} m_c,s, the members' activity)

and C and D merge when all of these hold:

- significance: P(Poisson(Λ_CD) ≥ K_CD) passes Benjamini-Hochberg at the configured FDR over
  every pair of eligible communities;
- breadth: L_CD ≥ `merge_share` · |C|·|D| (most members are linked across, not one busy pair);
- intensity: K_CD / (|C|·|D|) ≥ `merge_ratio` · the higher of the two communities' own keys
  per member pair. Fragments of one operation are about as intense across as within; two
  different groups pushing the same items (a five-account hashtag campaign beside the
  amplifiers, a Telegram hub beside the Pages that echo it) share many keys in absolute
  terms but far fewer per pair than inside the tighter group. (The higher, not the lower:
  once an operation's fragments have merged, its keys per pair are diluted, and a tight
  group beside it must still be measured against its own intensity.)

Merging is Borůvka-like: each round, every community picks its passing partner of highest
relative intensity, the picks are joined (union-find), and the statistics, which are sums,
are recomputed for the merged communities; rounds repeat until nothing merges. The member
pairs linked across merged fragments ("bridges", with their fused-style weights) count as the
merged cluster's edges (its density), not toward its mean weight, which stays that of the
pairs significant on their own.

Co-actions show who acts together, not who is made up, so `undo_diluting` then splits a
merge back into its fragments when it would hide a suspected fragment or dilute its
inauthenticity (see there).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import igraph as ig
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cibwatch.networks.indicators import compute as compute_indicators
from cibwatch.networks.score import Scored, score_cluster
from cibwatch.networks.significance import Significance, benjamini_hochberg, poisson_logsf

if TYPE_CHECKING:
    import duckdb

    from cibwatch.networks.cluster import Cluster
    from cibwatch.networks.params import NetworksParams

MIN_KEYS = 3  # fewer shared keys between two communities never merge them
MERGE_LIKENESS = 0.85  # a merge keeps this share of its most inauthentic suspected fragment's
ROUNDS = 20


@dataclass
class Merged:
    """New membership per vertex, and the bridges: linked vertex pairs across merged fragments."""

    membership: np.ndarray
    bridge_lo: np.ndarray
    bridge_hi: np.ndarray
    bridge_weight: np.ndarray
    merges: int  # communities absorbed into others


def merge_fragments(
    con: duckdb.DuckDBPyConnection,
    sig: Significance,
    vid: np.ndarray,
    membership: np.ndarray,
    quantiles: dict[str, float],
    params: NetworksParams,
) -> Merged:
    """Merge communities of `membership` (community per vertex; vertex i is asset `vid[i]`).

    Uses every edge in `sig.edges` between vertices and the activity table `_net_activity`
    written by the significance test. `quantiles` are the fusion's per-signal normalizers.
    """
    membership = np.asarray(membership, dtype=np.int64).copy()
    empty = np.zeros(0, dtype=np.int64)
    none = Merged(membership, empty, empty, np.zeros(0), 0)
    if sig.edges.num_rows == 0 or len(vid) == 0 or not sig.rates:
        return none
    va, vb, keys, weight = _vertex_pairs(sig, vid, quantiles, params)
    if not len(va):
        return none
    mass, rates = _vertex_mass(con, sig, vid)
    merges = 0
    for _ in range(ROUNDS):
        joined = _round(membership, va, vb, keys, mass, rates, params)
        if joined is None:
            break
        merges += len(np.unique(membership)) - len(np.unique(joined))
        membership = joined
    # Every linked vertex pair is returned; the caller keeps as bridges those joined here.
    return Merged(membership, va, vb, weight, merges)


def undo_diluting(
    con: duckdb.DuckDBPyConnection,
    clusters: list[Cluster],
    layers: pa.Table,
    params: NetworksParams,
) -> list[Cluster]:
    """Split a merged cluster back into its Leiden fragments when the merge dilutes a suspected
    fragment: the merged cluster is not a suspected network, or its inauthenticity falls below
    MERGE_LIKENESS of the most inauthentic suspected fragment's.

    Co-actions say which assets act together, not whether they are made up: a fragment with a
    creation burst and patterned handles beside one of years-old accounts with plain handles
    may be an operation and the activists it mimics. Merged, the account anomalies are diluted
    (and the cross pairs, which co-acted only weakly, lower the density); the fragments are
    then reported apart, as without the merge. A merge may strengthen what is found, never
    hide it or lend it ordinary accounts (the same rule as for recruits)."""
    merged = [i for i, c in enumerate(clusters) if c.parts]
    if not merged:
        return clusters
    code: list[int] = []
    asset: list[int] = []
    part_code: dict[tuple[int, int], int] = {}
    for i in merged:
        code += [i] * len(clusters[i].members)
        asset += clusters[i].members
        for k, frag in enumerate(clusters[i].parts):
            part_code[i, k] = len(clusters) + len(part_code)
            code += [part_code[i, k]] * len(frag.members)
            asset += frag.members
    members = pa.table(
        {"cluster": pa.array(code, pa.int64()), "asset_id": pa.array(asset, pa.int64())}
    )
    ind = compute_indicators(con, members, layers, params)

    def scored(c: Cluster, key: int) -> Scored:
        return score_cluster(c.density, c.mean_weight, ind.get(key, {}), params)

    out: list[Cluster] = []
    for i, c in enumerate(clusters):
        whole = scored(c, i) if c.parts else None
        parts = [scored(f, part_code[i, k]) for k, f in enumerate(c.parts)]
        best = max((p.inauthenticity for p in parts if p.suspected), default=None)
        if whole is None or best is None:
            out.append(c)  # not merged, or no suspected fragment to hide
        elif whole.suspected and whole.inauthenticity >= MERGE_LIKENESS * best:
            out.append(c)
        else:
            out.extend(c.parts)
    return out


def _round(
    membership: np.ndarray,
    va: np.ndarray,
    vb: np.ndarray,
    keys: np.ndarray,
    mass: np.ndarray,
    rates: np.ndarray,
    params: NetworksParams,
) -> np.ndarray | None:
    """One Borůvka round; the new membership, or None when nothing merges."""
    size = np.bincount(membership)
    eligible = size >= 2
    n_elig = int(eligible.sum())
    if n_elig < 2:
        return None
    ca, cb = membership[va], membership[vb]
    inside = ca == cb
    k_in = np.bincount(ca[inside], weights=keys[inside], minlength=len(size))
    pairs_in = size * (size - 1) / 2.0
    intensity_in = np.divide(k_in, pairs_in, out=np.zeros(len(size)), where=pairs_in > 0)
    across = ~inside & eligible[ca] & eligible[cb]
    if not across.any():
        return None
    lo = np.minimum(ca[across], cb[across])
    hi = np.maximum(ca[across], cb[across])
    code = lo * len(size) + hi
    uniq, inv = np.unique(code, return_inverse=True)
    k = np.bincount(inv, weights=keys[across])
    linked = np.bincount(inv)  # vertex pairs are distinct, so this counts linked member pairs
    c1, c2 = uniq // len(size), uniq % len(size)
    cross_pairs = size[c1].astype(np.float64) * size[c2]
    intensity = k / cross_pairs
    floor = np.maximum(intensity_in[c1], intensity_in[c2])
    rel = np.divide(intensity, floor, out=np.full(len(k), np.inf), where=floor > 0)
    ok = (
        (k >= MIN_KEYS) & (linked >= params.merge_share * cross_pairs) & (rel >= params.merge_ratio)
    )
    # Only these candidates get a p-value; the rest count as tests with p = 1, which can only
    # raise the candidates' q-values (conservative).
    m = np.column_stack(
        [
            np.bincount(membership, weights=mass[:, j], minlength=len(size))
            for j in range(mass.shape[1])
        ]
    )
    lam = (m[c1[ok]] * m[c2[ok]]) @ rates
    p = np.ones(len(k))
    p[ok] = np.exp(poisson_logsf(k[ok], lam))
    q = np.ones(len(k))
    q[ok] = benjamini_hochberg(p[ok], n_elig * (n_elig - 1) // 2)
    ok &= q <= params.fdr
    if not ok.any():
        return None
    # Each community's best partner (highest relative intensity, then smallest p, then index).
    src = np.concatenate([c1[ok], c2[ok]])
    dst = np.concatenate([c2[ok], c1[ok]])
    score = np.concatenate([rel[ok], rel[ok]])
    pv = np.concatenate([p[ok], p[ok]])
    order = np.lexsort((dst, pv, -score, src))
    first = np.r_[True, src[order][1:] != src[order][:-1]]
    best_src, best_dst = src[order][first], dst[order][first]
    # Communities joined through best partners, transitively. igraph numbers components in
    # order of their lowest community, so labels follow the communities' order.
    groups = ig.Graph(n=len(size), edges=np.column_stack([best_src, best_dst]).tolist())
    relabel = np.asarray(groups.connected_components().membership, dtype=np.int64)
    return relabel[membership]


def _vertex_pairs(
    sig: Significance, vid: np.ndarray, quantiles: dict[str, float], params: NetworksParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every linked pair of vertices: (vertex a, vertex b, keys summed over signals, fused-style
    weight Σ_s β_s · min(1, weight_s / Q_s))."""
    e = sig.edges
    verts = pa.array(vid)
    sel = pc.and_(pc.is_in(e["asset_a"], value_set=verts), pc.is_in(e["asset_b"], value_set=verts))
    e = e.filter(sel).select(["asset_a", "asset_b", "signal", "weight", "keys"])
    if e.num_rows == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z, np.zeros(0), np.zeros(0)
    order = np.argsort(vid)
    sorted_vid = vid[order]
    ia = order[np.searchsorted(sorted_vid, e["asset_a"].to_numpy())]
    ib = order[np.searchsorted(sorted_vid, e["asset_b"].to_numpy())]
    lo, hi = np.minimum(ia, ib), np.maximum(ia, ib)
    coded = pc.dictionary_encode(e["signal"]).combine_chunks()
    signals = coded.dictionary.to_pylist()
    scode = coded.indices.to_numpy()
    w = e["weight"].to_numpy().astype(np.float64)
    keys = e["keys"].to_numpy().astype(np.float64)
    beta = np.array([params.signal_weight(s) for s in signals])
    q = np.array(
        [
            quantiles.get(s) or np.quantile(w[scode == i], params.norm_quantile)
            for i, s in enumerate(signals)
        ]
    )
    contribution = beta[scode] * np.minimum(1.0, w / np.maximum(q[scode], 1e-12))
    code = lo.astype(np.int64) * len(vid) + hi
    uniq, inv = np.unique(code, return_inverse=True)
    return (
        uniq // len(vid),
        uniq % len(vid),
        np.bincount(inv, weights=keys),
        np.bincount(inv, weights=contribution),
    )


def _vertex_mass(
    con: duckdb.DuckDBPyConnection, sig: Significance, vid: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each vertex's activity per signal (floored at 1, as in the test) and the signals' rates."""
    act = con.sql("SELECT * FROM _net_activity ORDER BY asset_id").fetchnumpy()
    ids = np.asarray(act["asset_id"])
    pos = np.clip(np.searchsorted(ids, vid), 0, max(len(ids) - 1, 0))
    known = ids[pos] == vid if len(ids) else np.zeros(len(vid), dtype=bool)
    names = sorted(sig.rates)
    mass = np.ones((len(vid), len(names)))
    for j, name in enumerate(names):
        col, _rate = sig.rates[name]
        mass[:, j] = np.where(known, np.maximum(np.asarray(act[col], np.float64)[pos], 1.0), 1.0)
    return mass, np.array([sig.rates[n][1] for n in names])


__all__ = ["Merged", "merge_fragments", "undo_diluting"]
