"""Merging fragments: an operation split by the pair-level test is joined again; unrelated groups
with chance co-actions, and a tight group beside a looser one pushing the same items, are not."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np

from cibwatch.networks import NetworksParams, find_networks
from cibwatch.networks.cluster import cluster
from cibwatch.networks.fuse import fuse
from cibwatch.networks.merge import merge_fragments
from cibwatch.networks.significance import assess_edges
from network_worlds import PERSIAN, T0, World, clique


def _group(w: World, name: str, size: int, posts: int = 30) -> list[str]:
    """Accounts made together, each with `posts` posts (enough activity that a pair sharing one
    or two keys is unremarkable under the null model)."""
    ids = []
    for i in range(size):
        who = w.account(f"{name}{i}", f"{name}_{i}", T0 - timedelta(days=30 + i))
        for d in range(posts):
            at = T0 + timedelta(days=d % 28, hours=d % 12)
            url = f"https://news{(i * 7 + d) % 50}.example/{name}"
            w.post(who, at, text=f"{PERSIAN[d % 5]} {d}", url=url)
        ids.append(who)
    return ids


def _across(w: World, xs: list[str], ys: list[str], keys: int, share: float = 1.0) -> None:
    """Weak co-link edges between two groups: `keys` shared links on `share` of the cross pairs."""
    rng = np.random.default_rng(len(xs) * 31 + len(ys))
    for x in xs:
        for y in ys:
            if rng.random() < share:
                w.edge(x, y, "co-link", 0.4, keys)


def _world(seed: int = 7) -> World:
    w = World(seed=seed)
    orgs = w.organic(60, posts=20)
    rng = np.random.default_rng(seed)
    for _ in range(120):  # chance meetings among ordinary accounts
        a, b = rng.choice(len(orgs), 2, replace=False)
        w.edge(orgs[a], orgs[b], "co-link", 0.3, 1)
    return w


def _groups(ws, params: NetworksParams | None = None) -> list[set[str]]:
    result = find_networks(ws.con, params or NetworksParams())
    return [{m["native_id"] for m in c["members"]} for c in result.clusters]


def _split_operation(tmp_path, name: str = "w") -> tuple:
    """Two halves of one operation: strong pairs inside each half, and across the halves every
    pair shares two links, which no single pair can show to be more than chance."""
    w = _world()
    left, right = _group(w, "opl", 8), _group(w, "opr", 8)
    clique(w, left, "co-share", weight=4.0, keys=8)
    clique(w, right, "co-share", weight=4.0, keys=8)
    _across(w, left, right, keys=2)
    return w, left, right


def test_an_operation_split_by_the_pair_test_is_merged(tmp_path) -> None:
    w, left, right = _split_operation(tmp_path)
    ws = w.write(tmp_path / "w")
    whole = set(left) | set(right)
    assert whole in _groups(ws)
    # without the merge the pair-level test leaves two fragments (the test can fail)
    apart = _groups(ws, replace(NetworksParams(), merge=False))
    assert set(left) in apart and set(right) in apart
    result = find_networks(ws.con, NetworksParams())
    merged = next(c for c in result.clusters if len(c["members"]) == len(whole))
    # the 64 cross pairs count as the cluster's edges (group-level evidence), the strength of
    # the pair-level evidence is that of the significant pairs
    assert merged["signals"]["bridges"] == 64
    assert merged["signals"]["edges"] == 2 * 28 + 64
    assert merged["signals"]["mean_weight"] > 0.9
    ws.close()


def test_merging_does_not_depend_on_ingest_order(tmp_path) -> None:
    w, left, right = _split_operation(tmp_path)
    first = sorted(map(sorted, _groups(w.write(tmp_path / "a"))))
    order = np.random.default_rng(3).permutation(len(w.accounts)).tolist()
    assert sorted(map(sorted, _groups(w.write(tmp_path / "b", order=order)))) == first


def test_unrelated_groups_with_chance_co_actions_stay_apart(tmp_path) -> None:
    w = _world()
    a, b = _group(w, "ga", 8), _group(w, "gb", 8)
    clique(w, a, "co-share", weight=4.0, keys=8)
    clique(w, b, "co-share", weight=4.0, keys=8)
    _across(w, a, b, keys=1, share=0.08)  # a handful of chance meetings
    ws = w.write(tmp_path / "w")
    groups = _groups(ws)
    assert set(a) in groups and set(b) in groups
    ws.close()


def test_a_tight_group_beside_a_looser_one_is_not_absorbed(tmp_path) -> None:
    # Five accounts sharing twenty keys a pair (a hashtag campaign) and twelve sharing four (an
    # amplifier network); every cross pair shares two keys (the same state-media links). The
    # cross intensity is half the looser group's but a tenth of the tight group's.
    w = _world()
    tight, loose = _group(w, "tight", 5), _group(w, "loose", 12)
    clique(w, tight, "co-share", weight=4.0, keys=20)
    clique(w, loose, "co-share", weight=4.0, keys=4)
    _across(w, tight, loose, keys=2)
    ws = w.write(tmp_path / "w")
    groups = _groups(ws)
    assert set(tight) in groups and set(loose) in groups
    # measured against the looser group only, they would merge
    joined = _groups(ws, replace(NetworksParams(), merge_ratio=0.05))
    assert set(tight) | set(loose) in joined
    ws.close()


def _made_together(w: World, name: str, size: int) -> list[str]:
    """Accounts made within two days a month before the data, handles name+digits."""
    ids = []
    for i in range(size):
        who = w.account(f"{name}{i}", f"sara{40101 + 37 * i}", T0 - timedelta(days=30, hours=7 * i))
        for d in range(30):
            at = T0 + timedelta(days=d % 28, hours=d % 12)
            url = f"https://news{(i * 7 + d) % 50}.example/{name}"
            w.post(who, at, text=f"{PERSIAN[d % 5]} {d}", url=url)
        ids.append(who)
    return ids


def test_a_merge_that_hides_a_suspected_fragment_is_undone(tmp_path) -> None:
    # Six accounts made together (an operation's look) and eighteen years-old accounts with
    # plain handles, co-acting across as broadly as within: as one cluster the account
    # anomalies are diluted (inauthenticity 0.60 against the fragment's 0.96), so the
    # operation's fragment stays on its own and the old accounts are not flagged with it.
    w = _world()
    made = _made_together(w, "made", 6)
    old = _group(w, "old", 18)
    for i, who in enumerate(old):
        w.accounts[[a.native_id for a in w.accounts].index(who)].created_at = T0 - timedelta(
            days=1500 + 40 * i
        )
    clique(w, made, "co-share", weight=4.0, keys=8)
    clique(w, old, "co-share", weight=4.0, keys=8)
    _across(w, made, old, keys=3)
    ws = w.write(tmp_path / "w")
    off = find_networks(ws.con, replace(NetworksParams(), merge=False))
    assert any({m["native_id"] for m in c["members"]} == set(made) for c in off.suspected)
    result = find_networks(ws.con, NetworksParams())
    groups = [{m["native_id"] for m in c["members"]} for c in result.clusters]
    assert set(made) in groups
    flagged = {m["native_id"] for c in result.suspected for m in c["members"]}
    assert flagged >= set(made) and not flagged & set(old)
    # the merge itself was proposed (the cross pairs pass the group test), then undone
    params = NetworksParams()
    sig = assess_edges(ws.con, params)
    fused = fuse(ws.con, sig, params)
    canon = ws.con.sql("SELECT asset_id FROM assets ORDER BY platform, kind, native_id")
    proposed = cluster(
        fused.pairs,
        canon.to_arrow_table(),
        params,
        merge=lambda v, m: merge_fragments(ws.con, sig, v, m, fused.quantiles, params),
    )
    assert any(len(c.members) == 24 and len(c.parts) == 2 for c in proposed)
    ws.close()
