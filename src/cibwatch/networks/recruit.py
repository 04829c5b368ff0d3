"""Recruitment: grow a suspected network with assets whose links into it chance cannot explain.

A patient operation (hours of jitter, paraphrases among filler) leaves weak pairwise traces:
two of its accounts share two paraphrased texts, which an ordinary pair of heavy users also
manages. Pair by pair most of its members fail the null model; against the network as a whole
they do not. For a network C and an asset v outside every cluster, with the same null model as
cibwatch.networks.significance:

    K_vC = Σ keys of v's edges to members of C (every signal)
    Λ_vC = Σ_s rate_s · m_v,s · Σ_{c∈C} m_c,s        (expected shared keys by chance)

v joins C (role "recruit") when P(Poisson(Λ_vC) >= K_vC) passes Benjamini-Hochberg at the
configured FDR over every (asset, network) candidate, and v is linked to at least
`RECRUIT_SHARE` of C's members (an account that retweeted the operation's two seed accounts is
its audience, not a member). Rounds repeat while the networks grow (at most `ROUNDS`), and a
network at most doubles per round; the caller drops the recruits of a network whose score
they pull below the threshold (recruits may strengthen a network, never dissolve it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from cibwatch.networks.significance import Significance, benjamini_hochberg, poisson_logsf

if TYPE_CHECKING:
    import duckdb

RECRUIT_SHARE = 0.2
MIN_KEYS = 3
ROUNDS = 6


def recruit(
    con: duckdb.DuckDBPyConnection,
    sig: Significance,
    groups: dict[int, list[int]],
    assigned: set[int],
    fdr: float,
) -> dict[int, list[int]]:
    """Assets to add to each network in `groups` (network index -> member asset ids).

    `assigned` holds every asset already in some cluster (never recruited elsewhere).
    """
    if not groups or sig.edges.num_rows == 0:
        return {}
    edges = sig.edges
    a = edges["asset_a"].to_numpy()
    b = edges["asset_b"].to_numpy()
    keys = edges["keys"].to_numpy().astype(np.float64)
    act = con.sql("SELECT * FROM _net_activity ORDER BY asset_id").fetchnumpy()
    act_ids = np.asarray(act["asset_id"])
    cols = {c for c, _ in sig.rates.values()}
    m = {c: np.maximum(np.asarray(act[c], dtype=np.float64), 1.0) for c in cols}
    n_active = len(act_ids)

    member_of = {v: g for g, vs in groups.items() for v in vs}
    taken = set(assigned) | set(member_of)
    added: dict[int, list[int]] = {}
    for _ in range(ROUNDS):
        ga, gb = _lookup(member_of, a), _lookup(member_of, b)
        taken_arr = np.fromiter(taken, dtype=np.int64, count=len(taken))
        free_a = ~np.isin(a, taken_arr)
        free_b = ~np.isin(b, taken_arr)
        # (candidate, group) for edges with one end in a group and the other end free
        sel1 = (gb >= 0) & free_a
        sel2 = (ga >= 0) & free_b
        cand = np.concatenate([a[sel1], b[sel2]])
        grp = np.concatenate([gb[sel1], ga[sel2]])
        mate = np.concatenate([b[sel1], a[sel2]])
        k = np.concatenate([keys[sel1], keys[sel2]])
        if not len(cand):
            break
        code = cand.astype(np.int64) * 1_000_003 + grp
        uniq, inv = np.unique(code, return_inverse=True)
        k_sum = np.bincount(inv, weights=k)
        pairs = np.unique(np.column_stack([inv, mate]), axis=0)
        linked = np.bincount(pairs[:, 0], minlength=len(uniq))
        u_cand = uniq // 1_000_003
        u_grp = uniq % 1_000_003
        lam = np.zeros(len(uniq))
        pos = np.searchsorted(act_ids, u_cand)
        pos = np.clip(pos, 0, max(len(act_ids) - 1, 0))
        known = act_ids[pos] == u_cand if len(act_ids) else np.zeros(len(uniq), bool)
        for col, rate in sig.rates.values():
            mc = np.where(known, m[col][pos], 1.0)
            group_mass = {}
            for g, vs in groups.items():
                idx = np.searchsorted(act_ids, vs)
                idx = np.clip(idx, 0, len(act_ids) - 1)
                ok = act_ids[idx] == np.asarray(vs)
                group_mass[g] = float(np.where(ok, m[col][idx], 1.0).sum())
            lam += rate * mc * np.array([group_mass[int(g)] for g in u_grp])
        p = np.exp(poisson_logsf(k_sum, lam))
        q = benjamini_hochberg(p, n_active * len(groups))
        size = np.array([len(groups[int(g)]) for g in u_grp])
        ok = (q <= fdr) & (k_sum >= MIN_KEYS) & (linked >= np.maximum(2, RECRUIT_SHARE * size))
        if not ok.any():
            break
        # An asset qualifying for several networks joins the one with the smallest p.
        # A network at most doubles per round, taking its most significant candidates first.
        order = np.lexsort((u_cand, p))
        grew = False
        seen: set[int] = set()
        room = {g: len(vs) for g, vs in groups.items()}
        for i in order:
            if not ok[i]:
                continue
            v, g = int(u_cand[i]), int(u_grp[i])
            if v in seen or room[g] <= 0:
                continue
            room[g] -= 1
            seen.add(v)
            added.setdefault(g, []).append(v)
            member_of[v] = g
            taken.add(v)
            grew = True
        for g, vs in added.items():
            groups[g] = sorted(set(groups[g]) | set(vs))
        if not grew:
            break
    return {g: sorted(vs) for g, vs in added.items()}


def _lookup(member_of: dict[int, int], ids: np.ndarray) -> np.ndarray:
    """Group index of each id (-1 outside every group), vectorized."""
    if not member_of:
        return np.full(len(ids), -1)
    keys = np.fromiter(member_of, dtype=np.int64, count=len(member_of))
    vals = np.fromiter(member_of.values(), dtype=np.int64, count=len(member_of))
    order = np.argsort(keys)
    keys, vals = keys[order], vals[order]
    pos = np.clip(np.searchsorted(keys, ids), 0, len(keys) - 1)
    return np.where(keys[pos] == ids, vals[pos], -1)


__all__ = ["recruit"]
