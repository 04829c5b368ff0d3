"""Fusion: each signal normalized by its own quantile, capped, weighted, summed per pair."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pyarrow as pa
import pytest

from cibwatch.config import parse_config
from cibwatch.networks import NetworksParams
from cibwatch.networks.fuse import fuse
from cibwatch.networks.significance import Significance


def _sig(rows: list[tuple], kept: set[tuple[int, int]]) -> Significance:
    t = datetime(2024, 1, 1)
    edges = pa.table(
        {
            "asset_a": pa.array([r[0] for r in rows], pa.int64()),
            "asset_b": pa.array([r[1] for r in rows], pa.int64()),
            "signal": [r[2] for r in rows],
            "weight": pa.array([float(r[3]) for r in rows]),
            "events": pa.array([3] * len(rows), pa.int64()),
            "keys": pa.array([3] * len(rows), pa.int64()),
            "first_at": pa.array([t] * len(rows), pa.timestamp("us")),
            "last_at": pa.array([t] * len(rows), pa.timestamp("us")),
            "expected": pa.array([0.01] * len(rows)),
            "p": pa.array([1e-9] * len(rows)),
        }
    )
    pairs = sorted({(r[0], r[1]) for r in rows})
    table = pa.table(
        {
            "asset_a": pa.array([p[0] for p in pairs], pa.int64()),
            "asset_b": pa.array([p[1] for p in pairs], pa.int64()),
            "p": pa.array([1e-9] * len(pairs)),
            "q": pa.array([1e-6] * len(pairs)),
            "significant": [p in kept for p in pairs],
        }
    )
    return Significance(edges=edges, pairs=table, tests=100, kept=len(kept))


ROWS = [
    # co-link weights 1..10 on pairs (1,2)..(1,11); co-domain on two of them
    *[(1, 1 + i, "co-link", float(i)) for i in range(1, 11)],
    (1, 2, "co-domain", 0.5),
    (1, 3, "co-domain", 0.1),
    (20, 21, "co-link", 100.0),  # not significant: never enters the graph
]


def _by_pair(fused) -> dict[tuple[int, int], float]:
    d = fused.pairs.to_pydict()
    return {(a, b): w for a, b, w in zip(d["asset_a"], d["asset_b"], d["weight"], strict=True)}


def test_each_signal_is_normalized_by_its_own_quantile_and_capped() -> None:
    con = duckdb.connect()
    kept = {(1, 1 + i) for i in range(1, 11)}
    params = NetworksParams(norm_quantile=0.5)
    fused = fuse(con, _sig(ROWS, kept), params)
    w = _by_pair(fused)
    q_link = fused.quantiles["co-link"]
    q_domain = fused.quantiles["co-domain"]
    assert q_link == pytest.approx(5.5)  # median of 1..10
    assert q_domain == pytest.approx(0.3)
    assert w[(1, 2)] == pytest.approx(1 / 5.5 + params.weight_co_domain * 1.0)
    assert w[(1, 3)] == pytest.approx(2 / 5.5 + params.weight_co_domain * 0.1 / 0.3)
    assert w[(1, 11)] == pytest.approx(1.0)  # 10 / 5.5 capped at 1
    assert (20, 21) not in w
    layers = fused.layers.to_pydict()
    assert set(layers["signal"]) == {"co-link", "co-domain"}
    assert len(layers["signal"]) == 12


def test_fusion_weights_come_from_the_config() -> None:
    con = duckdb.connect()
    kept = {(1, 1 + i) for i in range(1, 11)}
    cfg = parse_config({"networks": {"weight_co_domain": 0.0, "weight_co_link": 2.0}})
    params = cfg.section("networks")
    w = _by_pair(fuse(con, _sig(ROWS, kept), params))
    assert w[(1, 11)] == pytest.approx(2.0)
    assert w[(1, 2)] == pytest.approx(2.0 * 1 / 9.1)  # the 0.9 quantile of 1..10 is 9.1
    assert w[(1, 3)] == pytest.approx(2.0 * 2 / 9.1)


def test_unknown_network_parameters_are_reported() -> None:
    from cibwatch.errors import ConfigError

    with pytest.raises(ConfigError, match=r"\.networks\.resolutoin"):
        parse_config({"networks": {"resolutoin": 2.0}})
    with pytest.raises(ConfigError, match=r"\.networks\.objective"):
        parse_config({"networks": {"objective": "louvain"}})
