"""Clustering: Leiden is seeded and independent of ingest order; small dense groups are kept."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from cibwatch.networks import NetworksParams, find_networks
from network_worlds import T0, World, clique


def _world(seed: int = 11) -> World:
    w = World(seed=seed)
    orgs = w.organic(40, posts=10)
    groups = []
    for g, size in enumerate((5, 7, 9)):
        ids = [
            w.account(f"g{g}m{i}", f"acct{g}{i}000", T0 - timedelta(days=20 + i))
            for i in range(size)
        ]
        for who in ids:
            w.post(who, T0 + timedelta(days=1), text="متن آزمایشی")
        clique(w, ids, "co-share", weight=4.0, keys=12)
        groups.append(ids)
    # two groups touch through one strong pair, and organic noise sprinkles weak edges
    w.edge(groups[1][0], groups[2][0], "co-link", 1.0, 4)
    rng = np.random.default_rng(seed)
    for _ in range(60):
        a, b = rng.choice(len(orgs), 2, replace=False)
        w.edge(orgs[a], orgs[b], "co-link", 0.2, 1)
    w.edge(groups[0][0], groups[0][1], "co-link", 0.9, 3)  # a second signal on one pair
    w.edge("org1", "org2", "co-share", 0.3, 1)
    return w


def _clusters(ws) -> list[tuple[frozenset, float]]:
    result = find_networks(ws.con, NetworksParams())
    return sorted(
        (frozenset((m["platform"], m["kind"], m["native_id"]) for m in c["members"]), c["score"])
        for c in result.clusters
    )


def test_clusters_do_not_depend_on_ingest_order(tmp_path) -> None:
    w = _world()
    n = len(w.accounts)
    first = _clusters(w.write(tmp_path / "a"))
    rng = np.random.default_rng(5)
    for k in range(2):
        order = rng.permutation(n).tolist()
        again = _clusters(w.write(tmp_path / f"b{k}", order=order))
        assert again == first
    assert first  # something was found


def test_small_dense_groups_are_kept_and_pairs_dropped(tmp_path) -> None:
    w = _world()
    a, b = w.account("solo_a", "solo_a", T0), w.account("solo_b", "solo_b", T0)
    w.post(a, T0, text="x")
    w.post(b, T0, text="y")
    w.edge(a, b, "co-share", 4.0, 12)  # a pair is not a network
    ws = w.write(tmp_path / "w")
    result = find_networks(ws.con, NetworksParams())
    groups = [{m["native_id"] for m in c["members"]} for c in result.clusters]
    assert {f"g0m{i}" for i in range(5)} in groups
    assert {f"g1m{i}" for i in range(7)} in groups
    assert {f"g2m{i}" for i in range(9)} in groups
    assert not any("solo_a" in g for g in groups)
    ids = [c["id"] for c in result.clusters]
    assert len(set(ids)) == len(ids)
    ws.close()
