"""Fusion: one multiplex graph from every signal's significant edges, one weight per pair.

Each signal measures on its own scale (co-share sums key weights over dozens of posts,
co-domain is scaled down, profile similarity is bounded), so a signal's edge weight is first
normalized by that signal's own `norm_quantile` quantile over its kept edges and capped at 1:
a pair at or above the signal's 90th percentile contributes its full fusion weight. The fused
weight of a pair is

    w_ab = Σ_s β_s · min(1, weight_ab,s / Q_s)

with β_s the configured fusion weight of signal s (NetworksParams.weight_*). Only pairs kept by
the significance test enter the graph; their per-signal edges are kept as the evidence layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:
    import duckdb

    from cibwatch.networks.params import NetworksParams
    from cibwatch.networks.significance import Significance


@dataclass
class Fused:
    """The fused graph: `pairs` (one row per kept pair) and `layers` (one row per kept edge)."""

    pairs: pa.Table  # asset_a, asset_b, weight, n_signals, p, q
    layers: pa.Table  # asset_a, asset_b, signal, weight, events, keys, expected, p, contribution
    quantiles: dict[str, float]


def fuse(con: duckdb.DuckDBPyConnection, sig: Significance, params: NetworksParams) -> Fused:
    """Normalize and weight each signal's kept edges and sum them per pair."""
    if sig.pairs.num_rows == 0 or sig.edges.num_rows == 0:
        empty = con.sql(
            "SELECT 0::BIGINT asset_a, 0::BIGINT asset_b, 0.0::DOUBLE weight, 0 n_signals, "
            "0.0::DOUBLE p, 0.0::DOUBLE q LIMIT 0"
        ).to_arrow_table()
        return Fused(pairs=empty, layers=pa.table({}), quantiles={})
    con.register("_net_sig_edges", sig.edges)
    con.register("_net_sig_pairs", sig.pairs)
    signals = [
        r[0]
        for r in con.execute("SELECT DISTINCT signal FROM _net_sig_edges ORDER BY 1").fetchall()
    ]
    betas = pa.table({"signal": signals, "beta": [params.signal_weight(s) for s in signals]})
    con.register("_net_betas", betas)
    try:
        layers = con.sql(
            """
            WITH kept AS (
                SELECT e.*, s.p AS pair_p, s.q AS pair_q
                FROM _net_sig_edges e
                JOIN _net_sig_pairs s USING (asset_a, asset_b)
                WHERE s.significant
            ),
            qs AS (
                SELECT signal, quantile_cont(weight, $q) AS qw FROM kept GROUP BY signal
            )
            SELECT k.asset_a, k.asset_b, k.signal, k.weight, k.events, k.keys, k.first_at,
                   k.last_at, k.expected,
                   k.p, k.pair_p, k.pair_q, qs.qw AS quantile,
                   b.beta * least(1.0, k.weight / greatest(qs.qw, 1e-12)) AS contribution
            FROM kept k JOIN qs USING (signal) JOIN _net_betas b USING (signal)
            ORDER BY k.asset_a, k.asset_b, k.signal
            """,
            params={"q": params.norm_quantile},
        ).to_arrow_table()
        con.register("_net_layers", layers)
        pairs = con.sql(
            """
            SELECT asset_a, asset_b, sum(contribution) AS weight,
                   count(*) FILTER (WHERE contribution > 0) AS n_signals,
                   any_value(pair_p) AS p, any_value(pair_q) AS q
            FROM _net_layers
            GROUP BY asset_a, asset_b
            HAVING sum(contribution) > 0
            ORDER BY asset_a, asset_b
            """
        ).to_arrow_table()
        quantiles = dict(
            con.execute(
                "SELECT signal, any_value(quantile) FROM _net_layers GROUP BY signal ORDER BY 1"
            ).fetchall()
        )
    finally:
        for name in ("_net_sig_edges", "_net_sig_pairs", "_net_betas", "_net_layers"):
            con.unregister(name)
    return Fused(pairs=pairs, layers=layers, quantiles=quantiles)
