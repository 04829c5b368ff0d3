"""The network drawing: members and edges with positions computed on the server (igraph).

Laying out 2,000 nodes in the browser (a force simulation in JavaScript) freezes the page for
seconds; igraph's Fruchterman-Reingold does it in well under a second in C, the result is cached
per network, and the browser only draws (cytoscape's `preset` layout).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import duckdb
import igraph
import numpy as np

# Edges drawn at most: beyond this the drawing is a hairball and the browser slows down; the
# strongest edges are kept and the page says how many were left out.
MAX_DRAWN_EDGES = 8000
_CACHE_SIZE = 32
_cache: OrderedDict[tuple, dict[str, Any]] = OrderedDict()
_cache_lock = threading.Lock()


def graph(con: duckdb.DuckDBPyConnection, network_id: str) -> dict[str, Any]:
    """Nodes (with x, y) and the strongest edges of a network, ready for cytoscape.

    Expects the review views (`queries.prepare`) to be registered on `con`.
    """
    nodes = con.execute(
        """
        SELECT m.asset_id, a.platform, a.kind, a.native_id, a.handle, m.role
        FROM (SELECT DISTINCT asset_id, min(role) AS role FROM review_members
              WHERE network_id = ? GROUP BY asset_id) m
        LEFT JOIN assets a ON a.asset_id = m.asset_id
        ORDER BY m.asset_id
        """,
        [network_id],
    ).fetchall()
    edge_rows = con.execute(
        """
        WITH mem AS (SELECT DISTINCT asset_id FROM review_members WHERE network_id = ?)
        SELECT e.asset_a, e.asset_b, e.signal, e.weight, e.events
        FROM edges e SEMI JOIN mem ma ON ma.asset_id = e.asset_a
        SEMI JOIN mem mb ON mb.asset_id = e.asset_b
        ORDER BY e.weight DESC, e.asset_a, e.asset_b, e.signal
        """,
        [network_id],
    ).fetchall()
    total_edges = len(edge_rows)
    drawn = edge_rows[:MAX_DRAWN_EDGES]
    ids = [n[0] for n in nodes]
    positions = _layout(network_id, ids, drawn)
    return {
        "network_id": network_id,
        "nodes": [
            {
                "id": str(n[0]),
                "asset_id": n[0],
                "platform": n[1],
                "kind": n[2],
                "native_id": n[3],
                "handle": n[4],
                "role": n[5],
                "x": positions[i][0],
                "y": positions[i][1],
            }
            for i, n in enumerate(nodes)
        ],
        "edges": [
            {
                "source": str(e[0]),
                "target": str(e[1]),
                "signal": e[2],
                "weight": e[3],
                "events": e[4],
            }
            for e in drawn
        ],
        "edges_total": total_edges,
        "edges_drawn": len(drawn),
    }


def _layout(network_id: str, ids: list[int], edges: list[tuple]) -> list[tuple[float, float]]:
    key = (network_id, len(ids), hash(tuple(ids)), len(edges), hash(tuple(e[:3] for e in edges)))
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit["positions"]
    index = {a: i for i, a in enumerate(ids)}
    pairs: dict[tuple[int, int], float] = {}
    for a, b, _signal, weight, _events in edges:
        k = (index[a], index[b])
        pairs[k] = pairs.get(k, 0.0) + float(weight or 0.0)
    g = igraph.Graph(n=len(ids), edges=list(pairs))
    if len(ids) <= 1:
        coords = np.zeros((len(ids), 2))
    else:
        # Seeded with a circle so the drawing is the same on every load (FR is otherwise random).
        seed = g.layout_circle().coords
        weights = list(pairs.values()) if pairs else None
        # Fruchterman-Reingold is quadratic per iteration; above a few hundred nodes use its
        # grid variant and fewer iterations (seconds saved, and the drawing stays readable).
        big = len(ids) > 500
        niter = max(60, 300 * 500 // len(ids)) if big else 300
        coords = np.asarray(
            g.layout_fruchterman_reingold(
                seed=seed, weights=weights, niter=niter, grid=bool(big)
            ).coords
        )
        coords -= coords.mean(axis=0)
        scale = np.abs(coords).max() or 1.0
        coords = coords / scale * (40.0 * np.sqrt(len(ids)))
    positions = [(round(float(x), 1), round(float(y), 1)) for x, y in coords]
    with _cache_lock:
        _cache[key] = {"positions": positions}
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return positions
