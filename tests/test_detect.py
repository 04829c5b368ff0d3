"""`cibwatch detect`: the outputs other tools read (networks.json is a contract)."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
from typer.testing import CliRunner

from cibwatch.cli import app
from cibwatch.config import load_config
from cibwatch.evaluate import read_networks
from cibwatch.networks import NetworksParams
from network_worlds import cib_world

MEMBER_KEYS = {"platform", "kind", "native_id", "role"}


def test_detect_writes_the_contract(tmp_path) -> None:
    ws = cib_world().write(tmp_path / "w")
    ws.close()
    runner = CliRunner()
    res = runner.invoke(
        app,
        ["detect", "-w", str(tmp_path / "w"), "--signals", "identical-text,hashtag-sequence"],
    )
    assert res.exit_code == 0, res.output
    assert "suspected networks" in res.output
    out = tmp_path / "w" / "out"

    networks = json.loads((out / "networks.json").read_text(encoding="utf-8"))
    clusters = json.loads((out / "clusters.json").read_text(encoding="utf-8"))
    assert isinstance(networks, list) and networks
    scores = [n["score"] for n in networks]
    assert scores == sorted(scores, reverse=True)
    for n in networks:
        assert {"id", "score", "tier", "members", "signals", "indicators"} <= set(n)
        assert 0.0 <= n["score"] <= 1.0 and n["tier"] in ("high", "medium")
        assert n["suspected"] is True
        for m in n["members"]:
            assert set(m) >= MEMBER_KEYS and "asset_id" not in m
        assert isinstance(n["signals"]["by_signal"], dict)
        assert isinstance(n["indicators"]["drivers"], list)
    ops = [
        n
        for n in networks
        if {m["native_id"] for m in n["members"]} == {f"op{i}" for i in range(6)}
    ]
    assert len(ops) == 1

    # every cluster, the authentic-looking ones too, with why
    assert len(clusters) > len(networks)
    activists = [c for c in clusters if any(m["native_id"].startswith("act") for m in c["members"])]
    assert activists and all(not c["suspected"] and c["tier"] == "low" for c in activists)
    assert all(c["why"] for c in clusters)

    # cibwatch evaluate reads the same file
    assert [n["id"] for n in read_networks(out / "networks.json")] == [n["id"] for n in networks]

    with (out / "members.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["network_id"] for r in rows} == {c["id"] for c in clusters}
    assert {"platform", "kind", "native_id", "role"} <= set(rows[0])

    edges = pq.read_table(out / "edges.parquet")
    assert {"native_id_a", "native_id_b", "signal", "p", "pair_q", "network_a"} <= set(
        edges.column_names
    )
    assert edges.num_rows > 0

    cfg = load_config(out / "detect-config.toml")  # the echo is a valid config
    assert cfg.section("networks").resolution == NetworksParams().resolution
    assert "identical-text" in (out / "detect-config.toml").read_text(encoding="utf-8")

    from cibwatch.store import Workspace

    with Workspace(tmp_path / "w") as ws:
        n_db = ws.con.execute(
            "SELECT count(*), count(*) FILTER (WHERE suspected) FROM networks"
        ).fetchall()[0]
        assert n_db == (len(clusters), len(networks))
        members = ws.con.execute("SELECT count(*) FROM network_members").fetchall()[0][0]
        assert members == sum(len(c["members"]) for c in clusters)


def test_detect_rejects_a_bad_config(tmp_path) -> None:
    cib_world(organic=5).write(tmp_path / "w").close()
    bad = tmp_path / "bad.toml"
    bad.write_text("[networks]\nresolution = 'high'\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["detect", "-w", str(tmp_path / "w"), "--config", str(bad)])
    assert res.exit_code != 0
