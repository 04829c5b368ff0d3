"""`cibwatch detect`: run the signals, then the networks stage, and write every output.

Outputs (in W/out/ and in the workspace tables networks / network_members):
- networks.json: the suspected CIB networks (score >= threshold), highest score first, a list of
  {"id", "score", "tier", "members": [{"platform", "kind", "native_id", "role", ...}],
  "signals", "indicators", ...}: the contract `cibwatch evaluate` and other tools read;
- clusters.json: every coordinated cluster in the same shape, authentic-looking ones included,
  each with `suspected` and `why`;
- members.csv: one row per (network, member), suspected or not;
- edges.parquet: the kept (significant) per-signal edges with expected counts, p and q values,
  contributions and the cluster of each end;
- detect-config.toml: the effective config (every parameter used), and detect-summary.json with
  timings, counts and the same parameters, so each result can be reproduced.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from cibwatch.config import Config, default_config, dump_toml, load_config
from cibwatch.networks import NetworksParams, NetworksResult, find_networks

if TYPE_CHECKING:
    from cibwatch.store import Workspace

# progress(stage, detail): stage is "signals" or "networks"; detail the signal or step name.
Progress = Callable[[str, str], None]

MEMBER_FIELDS = ("platform", "kind", "native_id", "handle", "role")


@dataclass
class DetectReport:
    """What one `detect` run found and how long each part took."""

    networks: list[dict[str, Any]]
    clusters: list[dict[str, Any]]
    seconds: dict[str, float] = field(default_factory=dict)
    signals: dict[str, Any] = field(default_factory=dict)
    tests: int = 0
    kept_pairs: int = 0
    edges: int = 0
    outputs: dict[str, str] = field(default_factory=dict)

    @property
    def assets(self) -> int:
        return len(
            {
                (m["platform"], m["kind"], m["native_id"])
                for n in self.networks
                for m in n["members"]
            }
        )


def detect(
    ws: Workspace,
    engine: str = "duckdb",
    config: Config | str | Path | None = None,
    signals: Sequence[str] | str | None = None,
    progress: Progress | None = None,
    run_signals: bool = True,
) -> DetectReport:
    """Compute signals (replacing `edges`) and networks, and write the outputs.

    :param run_signals: False reuses the edges already in the workspace (tests, re-scoring).
    """
    cfg = (
        config
        if isinstance(config, Config)
        else (default_config() if config is None else load_config(config))
    )
    params: NetworksParams = cfg.section("networks")
    note = progress or (lambda _stage, _detail: None)
    seconds: dict[str, float] = {}
    signals_info: dict[str, Any] = {}
    effective = cfg.to_dict()
    t0 = time.perf_counter()
    if run_signals:
        from cibwatch.signals import run_signals as compute_signals

        report = compute_signals(
            ws,
            engine=engine,
            config=cfg,
            signals=signals,
            progress=lambda s, i, n: note("signals", s),
        )
        signals_info = report.to_dict()
        effective["signals"] = signals_info.pop("config")["signals"]
    seconds["signals"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    result = find_networks(ws.con, params, progress=lambda step: note("networks", step))
    seconds["networks"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    note("write", "outputs")
    outputs = _write(ws, result, cfg, effective, signals_info, seconds)
    seconds["write"] = time.perf_counter() - t2
    seconds["total"] = time.perf_counter() - t0
    _write_summary(ws, result, effective, signals_info, seconds)
    edges = ws.con.execute("SELECT count(*) FROM edges").fetchall()[0][0]
    return DetectReport(
        networks=[_public(c) for c in result.suspected],
        clusters=[_public(c) for c in result.clusters],
        seconds=seconds,
        signals=signals_info,
        tests=result.significance.tests,
        kept_pairs=result.significance.kept,
        edges=int(edges),
        outputs=outputs,
    )


def _public(cluster: dict[str, Any]) -> dict[str, Any]:
    """A cluster as written: members named by (platform, kind, native_id), no internal ids."""
    out = dict(cluster)
    out["members"] = [{k: m[k] for k in (*MEMBER_FIELDS, "strength")} for m in cluster["members"]]
    return out


def _write(
    ws: Workspace,
    result: NetworksResult,
    cfg: Config,
    effective: dict[str, Any],
    signals_info: dict[str, Any],
    seconds: dict[str, float],
) -> dict[str, str]:
    out = ws.out
    public = [_public(c) for c in result.clusters]
    suspected = [c for c in public if c["suspected"]]
    paths = {
        "networks": out / "networks.json",
        "clusters": out / "clusters.json",
        "members": out / "members.csv",
        "edges": out / "edges.parquet",
        "config": out / "detect-config.toml",
    }
    _dump_json(paths["networks"], suspected)
    _dump_json(paths["clusters"], public)
    with paths["members"].open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["network_id", "score", "tier", "suspected", *MEMBER_FIELDS, "strength"])
        for c in public:
            for m in c["members"]:
                w.writerow(
                    [
                        c["id"],
                        c["score"],
                        c["tier"],
                        c["suspected"],
                        *(m[k] for k in MEMBER_FIELDS),
                        m["strength"],
                    ]
                )
    _write_edges(ws, result, paths["edges"])
    paths["config"].write_text(_config_toml(cfg, effective), encoding="utf-8")
    _write_tables(ws, result)
    return {k: str(v) for k, v in paths.items()}


def _config_toml(cfg: Config, effective: dict[str, Any]) -> str:
    text = dump_toml(cfg)
    enabled = effective.get("signals", {}).get("enabled")
    if enabled is not None:
        text += f"\n# signals actually run: {', '.join(enabled)}\n"
    return text


def _dump_json(path: Path, data: Any) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)


def _write_edges(ws: Workspace, result: NetworksResult, path: Path) -> None:
    layers = result.fused.layers
    if layers.num_rows == 0:
        table = pa.table({})
    else:
        assign = result.assignment
        ws.con.register("_det_layers", layers)
        ws.con.register(
            "_det_assign",
            pa.table({"asset_id": list(assign), "network_id": list(assign.values())}),
        )
        try:
            table = ws.con.sql(
                """
                SELECT xa.platform AS platform_a, xa.kind AS kind_a, xa.native_id AS native_id_a,
                       xb.platform AS platform_b, xb.kind AS kind_b, xb.native_id AS native_id_b,
                       l.signal, l.weight, l.events, l.keys, l.first_at, l.last_at,
                       l.expected, l.p, l.pair_p, l.pair_q, l.contribution,
                       na.network_id AS network_a, nb.network_id AS network_b,
                       l.asset_a, l.asset_b
                FROM _det_layers l
                JOIN assets xa ON xa.asset_id = l.asset_a
                JOIN assets xb ON xb.asset_id = l.asset_b
                LEFT JOIN _det_assign na ON na.asset_id = l.asset_a
                LEFT JOIN _det_assign nb ON nb.asset_id = l.asset_b
                ORDER BY platform_a, kind_a, native_id_a, platform_b, kind_b, native_id_b, l.signal
                """
            ).to_arrow_table()
        finally:
            ws.con.unregister("_det_layers")
            ws.con.unregister("_det_assign")
    pq.write_table(table, path)


def _write_tables(ws: Workspace, result: NetworksResult) -> None:
    nets = result.clusters
    net_rows = pa.table(
        {
            "network_id": [c["id"] for c in nets],
            "score": pa.array([float(c["score"]) for c in nets], pa.float64()),
            "tier": [c["tier"] for c in nets],
            "suspected": pa.array([bool(c["suspected"]) for c in nets], pa.bool_()),
            "size": pa.array([int(c["size"]) for c in nets], pa.int32()),
            "signals": [json.dumps(c["signals"], ensure_ascii=False) for c in nets],
            "indicators": [json.dumps(c["indicators"], ensure_ascii=False) for c in nets],
        }
    )
    mem_rows = pa.table(
        {
            "network_id": [c["id"] for c in nets for _ in c["members"]],
            "asset_id": pa.array([m["asset_id"] for c in nets for m in c["members"]], pa.int64()),
            "role": [m["role"] for c in nets for m in c["members"]],
        }
    )
    con = ws.con
    con.register("_det_nets", net_rows)
    con.register("_det_mems", mem_rows)
    try:
        with ws.transaction():
            con.execute("DELETE FROM networks")
            con.execute("DELETE FROM network_members")
            con.execute(
                "INSERT INTO networks SELECT network_id, score, tier, suspected, size, signals, "
                "indicators FROM _det_nets"
            )
            con.execute(
                "INSERT INTO network_members SELECT network_id, asset_id, role FROM _det_mems"
            )
    finally:
        con.unregister("_det_nets")
        con.unregister("_det_mems")


def _write_summary(
    ws: Workspace,
    result: NetworksResult,
    effective: dict[str, Any],
    signals_info: dict[str, Any],
    seconds: dict[str, float],
) -> None:
    summary = {
        "networks": len(result.suspected),
        "clusters": len(result.clusters),
        "assets_in_networks": sum(c["size"] for c in result.suspected),
        "pairs_tested": result.significance.tests,
        "pairs_kept": result.significance.kept,
        "signal_quantiles": result.fused.quantiles,
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "signals": signals_info,
        "params": effective,
    }
    _dump_json(ws.out / "detect-summary.json", summary)
