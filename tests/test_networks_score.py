"""Scoring: coordination times inauthenticity; an operation ranks high, activists low."""

from __future__ import annotations

import pytest

from cibwatch.networks import NetworksParams, find_networks
from cibwatch.networks.score import coordination, score_cluster
from cibwatch.signals import run_signals
from network_worlds import cib_world

P = NetworksParams()


def test_coordination_grows_with_density_and_weight() -> None:
    assert coordination(1.0, 5.0) > coordination(1.0, 0.2) > coordination(0.3, 0.2)
    assert 0.0 <= coordination(0.01, 0.0) <= coordination(1.0, 100.0) <= 1.0


def test_account_anomalies_make_a_cluster_suspect() -> None:
    ind = {"creation_burst": 1.0, "young_accounts": 0.9, "handle_pattern": 0.8, "persistence": 1.0}
    s = score_cluster(1.0, 2.0, ind, P)
    assert s.suspected and s.tier == "high"
    assert s.drivers[:2] == ["creation_burst", "young_accounts"]


def test_long_lived_one_off_burst_is_discounted() -> None:
    behaviour = {"single_purpose": 1.0, "duplicate_content": 1.0, "persistence": 0.0}
    fresh = score_cluster(1.0, 2.0, {**behaviour, "long_lived": 0.0}, P)
    old = score_cluster(1.0, 2.0, {**behaviour, "long_lived": 1.0}, P)
    assert old.score < fresh.score
    assert not old.suspected
    assert "authentic" in old.why


def test_patient_operation_keeps_its_timezone_evidence_despite_aged_accounts() -> None:
    ind = {"long_lived": 1.0, "tz_mismatch": 0.9, "office_hours": 1.0, "working_week": 1.0}
    s = score_cluster(0.6, 0.5, ind, P)
    assert s.suspected, s


def test_operation_ranks_high_and_activists_low(tmp_path) -> None:
    ws = cib_world().write(tmp_path / "w")
    run_signals(ws, signals="identical-text,hashtag-sequence")
    result = find_networks(ws.con, P)
    by_group = {}
    for c in result.clusters:
        names = {m["native_id"] for m in c["members"]}
        by_group[frozenset(names)] = c
    op = by_group.get(frozenset(f"op{i}" for i in range(6)))
    act = by_group.get(frozenset(f"act{i}" for i in range(6)))
    assert op is not None and act is not None, [sorted(g) for g in by_group]
    assert op["suspected"] and op["score"] >= P.threshold
    assert not act["suspected"] and act["score"] < P.threshold
    assert op["score"] > act["score"] + 0.3
    drivers = op["indicators"]["drivers"]
    assert {"creation_burst", "young_accounts"} & set(drivers)
    assert op["indicators"]["tz_mismatch"] == pytest.approx(6 / 8, abs=0.2)
    assert "authentic" in act["why"]
    ws.close()
