"""Scoring: coordination times inauthenticity; an operation ranks high, activists low."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np
import pyarrow as pa
import pytest

from cibwatch.networks import NetworksParams, find_networks
from cibwatch.networks.indicators import _evidence, _lower_bound, compute
from cibwatch.networks.places import resolve_offset
from cibwatch.networks.score import coordination, group_density, may_join, score_cluster
from cibwatch.signals import run_signals
from network_worlds import PERSIAN, T0, World, cib_world

P = NetworksParams()


def test_coordination_grows_with_density_and_weight() -> None:
    assert coordination(1.0, 5.0) > coordination(1.0, 0.2) > coordination(0.3, 0.2)
    assert 0.0 <= coordination(0.01, 0.0) <= coordination(1.0, 100.0) <= 1.0


def test_account_anomalies_make_a_cluster_suspect() -> None:
    ind = {"creation_burst": 1.0, "young_accounts": 0.9, "handle_pattern": 0.8, "persistence": 1.0}
    # compute() always measures the behaviour indicators; here they show nothing.
    ind |= {"single_purpose": 0.0, "duplicate_content": 0.0, "automation": 0.0}
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
    # Every indicator is measured in this world (dates, handles, clients, places): full cover.
    assert op["indicators"]["coverage"] == 1.0 and op["indicators"]["unmeasured"] == []
    ws.close()


# --- indicators: established shares, takedown archives, unmeasured metadata ---------------


def _office_world(
    n: int, location: str, prefix: str = "troll", seed: int = 3, persian: bool = True
) -> World:
    """n accounts declaring `location`, posting Persian text on Tehran office hours
    (Sat-Thu, 09-17 Tehran = 05:30-13:30 UTC) for four weeks."""
    w = World(seed=seed)
    for i in range(n):
        nid = w.account(f"{prefix}{i}", f"{prefix}_{i}", T0 - timedelta(days=2000 + 90 * i))
        w.accounts[-1].location = location
        for day in range(28):
            if (T0 + timedelta(days=day)).weekday() == 4:  # Friday off
                continue
            for _ in range(2):
                at = T0 + timedelta(days=day, hours=float(w.rng.uniform(5.5, 13.5)))
                text = f"{PERSIAN[int(w.rng.integers(0, len(PERSIAN)))]} {i} {day}"
                w.post(nid, at, text=text if persian else f"news {i} {day}")
    return w


def _members(ws, groups: list[list[str]]) -> pa.Table:
    ids = dict(ws.con.execute("SELECT native_id, asset_id FROM assets").fetchall())
    return pa.table(
        {
            "cluster": pa.array([g for g, ms in enumerate(groups) for _ in ms], pa.int64()),
            "asset_id": pa.array([ids[m] for ms in groups for m in ms], pa.int64()),
        }
    )


NO_LAYERS = pa.table(
    {
        "asset_a": pa.array([], pa.int64()),
        "asset_b": pa.array([], pa.int64()),
        "signal": pa.array([], pa.string()),
        "first_at": pa.array([], pa.timestamp("us")),
        "last_at": pa.array([], pa.timestamp("us")),
    }
)


def test_a_share_counts_only_as_far_as_it_is_established() -> None:
    # Three of three patterned handles where half of all handles are patterned: chance (1/8).
    assert _evidence(3, 3, 0.5) < 0.1
    # Twenty-six of twenty-six is not chance.
    assert _evidence(26, 26, 0.5) > 0.8
    # More members with the same share: more evidence; above the background only.
    assert _evidence(3, 3, 0.0) < _evidence(10, 10, 0.0) < _evidence(100, 100, 0.0) < 1.0
    assert _evidence(5, 10, 0.5) == 0.0
    assert _evidence(0, 0, 0.0) is None
    assert 0.0 <= _lower_bound(1, 7) <= 1 / 7 <= _lower_bound(40, 40) <= 1.0


def test_takedown_archive_keeps_timezone_evidence(tmp_path) -> None:
    """A platform's takedown archive holds only operation accounts: every one of them declares
    Los Angeles (in Persian) and keeps Tehran office hours, so the workspace's own mismatch
    rate is 100 % and cannot be the ordinary rate the clusters are compared against."""
    w = _office_world(12, "لس آنجلس")
    ws = w.write(tmp_path / "w")
    groups = [[f"troll{i}" for i in range(6)], [f"troll{i}" for i in range(6, 12)]]
    ind = compute(ws.con, _members(ws, groups), NO_LAYERS, P)
    uncapped = compute(ws.con, _members(ws, groups), NO_LAYERS, replace(P, tz_background_max=1.0))
    for c in (0, 1):
        assert ind[c]["members_with_location"] == 6
        assert ind[c]["tz_mismatch"] > 0.4  # six of six, above at most a third by chance
        assert uncapped[c]["tz_mismatch"] == 0.0  # against the archive itself: nothing
        assert ind[c]["office_hours"] > 0.5 and ind[c]["working_week"] > 0.5
    ws.close()


def test_a_small_group_proves_less_than_a_large_one(tmp_path) -> None:
    w = _office_world(24, "London, UK")
    ws = w.write(tmp_path / "w")
    small, large = [f"troll{i}" for i in range(3)], [f"troll{i}" for i in range(3, 24)]
    ind = compute(ws.con, _members(ws, [small, large]), NO_LAYERS, P)
    for name in ("tz_mismatch", "office_hours", "working_week"):
        assert ind[1][name] > ind[0][name] > 0.0, name
    assert ind[0]["working_week"] <= 0.6 + 1e-9  # three members: at most 3/5 of the rate
    ws.close()


def test_unmeasured_metadata_lowers_the_tier_not_the_score() -> None:
    """An export without creation dates or clients (the IRA tweets): those indicators are None.
    They neither raise nor lower the score; the tier says how much was measured."""
    seen = {"tz_mismatch": 1.0, "office_hours": 1.0, "working_week": 1.0, "single_purpose": 1.0}
    zeros = {k: 0.0 for k in ("creation_burst", "young_accounts", "automation", "handle_pattern")}
    unmeasured_ = score_cluster(1.0, 2.0, seen, P)
    measured_0 = score_cluster(1.0, 2.0, {**seen, **zeros}, P)
    assert unmeasured_.score == measured_0.score >= P.high_tier
    assert measured_0.tier == "high" and measured_0.coverage > P.min_coverage
    assert unmeasured_.tier == "medium" and unmeasured_.coverage < P.min_coverage
    assert set(zeros) <= set(unmeasured_.unmeasured)
    assert not set(zeros) & set(measured_0.unmeasured)
    # Nothing measured at all: a cluster cannot be scored inauthentic.
    assert score_cluster(1.0, 2.0, {}, P).score == 0.0


def test_platform_country_names_resolve() -> None:
    assert resolve_offset("Russian Federation") == resolve_offset("Moscow") == 3.0
    assert resolve_offset("Iran, Islamic Republic of") == resolve_offset("تهران") == 3.5
    assert resolve_offset("United States") == -5.0
    assert resolve_offset("Unknown") is None


def test_single_purpose_is_the_typical_members_share(tmp_path) -> None:
    """Five accounts post the same Persian statements on ten days; one of them also posts 300
    everyday posts of its own. Pooled, the coordinated share is small (60 of 350); the typical
    member posts nothing else."""
    w = World(seed=5)
    ids = [w.account(f"m{i}", f"m_{i}", T0 - timedelta(days=400)) for i in range(5)]
    for day in range(10):
        text = f"{PERSIAN[day % len(PERSIAN)]} — بیانیه شماره {day}"
        for j, who in enumerate(ids):
            w.post(who, T0 + timedelta(days=day, hours=8, seconds=20 * j), text=text)
    for k in range(300):
        w.post("m0", T0 + timedelta(days=k % 28, hours=10 + k % 9), text=f"{PERSIAN[k % 5]} {k}")
    ws = w.write(tmp_path / "w")
    ind = compute(ws.con, _members(ws, [ids]), NO_LAYERS, P)[0]
    assert ind["single_purpose"] == 1.0  # median of (10/310, 1, 1, 1, 1)
    assert ind["coordination_days"] == 10 and ind["persistence"] == 1.0
    ws.close()


def test_the_reason_names_what_could_not_be_measured() -> None:
    ind = {"single_purpose": 0.2, "duplicate_content": 1.0, "persistence": 1.0}
    s = score_cluster(1.0, 1.0, ind, P)
    assert not s.suspected
    assert "no data for creation_burst" in s.why and "automation" in s.why
    assert "single_purpose" not in s.why


def _merged_graph(
    n_frag: int, frag_size: int, p_inside: float, p_cross: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One merged community of `n_frag` Leiden fragments: pairs inside a fragment linked with
    probability p_inside, cross pairs with p_cross (fixed seed)."""
    rng = np.random.default_rng(seed)
    n = n_frag * frag_size
    fragment = np.repeat(np.arange(n_frag), frag_size)
    lo, hi = np.triu_indices(n, k=1)
    p = np.where(fragment[lo] == fragment[hi], p_inside, p_cross)
    keep = rng.random(len(lo)) < p
    return np.zeros(n, dtype=np.int64), fragment, lo[keep], hi[keep]


def test_a_large_sparse_operation_is_coordinated_at_group_level() -> None:
    # A 600-account operation merged from 20 fragments: every fragment co-acts with every
    # other on half its cross pairs (as the scale-10 cross-platform operation); an organic
    # merge of the same size whose fragments touch on a tenth of their cross pairs.
    op = _merged_graph(20, 30, 0.6, 0.5, seed=7)
    org = _merged_graph(20, 30, 0.6, 0.1, seed=8)
    op_raw = len(op[2]) / (600 * 599 / 2)
    org_raw = len(org[2]) / (600 * 599 / 2)
    op_group = float(group_density(*op, P.merge_share)[0])
    org_group = float(group_density(*org, P.merge_share)[0])
    assert op_raw < 0.55 and op_group > 0.95  # linked as groups: raw pair density understates
    assert org_group == pytest.approx(org_raw)  # fragments not linked as groups: nothing added
    # A lone account linked to half of a fragment is no group: its links count one by one.
    clique_lo, clique_hi = np.triu_indices(10, k=1)
    lone = (
        np.zeros(11, dtype=np.int64),
        np.r_[np.zeros(10, dtype=np.int64), 1],
        np.r_[clique_lo, np.arange(5)],
        np.r_[clique_hi, np.full(5, 10)],
    )
    assert float(group_density(*lone, P.merge_share)[0]) == pytest.approx(50 / 55)
    # An unmerged community (one fragment) keeps its pair density.
    one = _merged_graph(1, 40, 0.5, 0.0, seed=9)
    assert float(group_density(*one, P.merge_share)[0]) == pytest.approx(len(one[2]) / 780)

    # Scored: the operation (creation burst, duplicate text, persistence; no clients or
    # locations, as on Facebook) weakly linked pair by pair (w̄ 0.4); the organic merge of
    # long-lived accounts strongly linked (w̄ 1.0) but with no account anomalies.
    op_ind = {"creation_burst": 0.7, "young_accounts": 0.3, "single_purpose": 0.6}
    op_ind |= {"duplicate_content": 0.9, "persistence": 1.0, "long_lived": 0.0}
    org_ind = {"creation_burst": 0.0, "young_accounts": 0.0, "handle_pattern": 0.1}
    org_ind |= {"single_purpose": 0.5, "duplicate_content": 0.4, "persistence": 0.5}
    org_ind |= {"long_lived": 0.8, "automation": 0.0}
    assert not score_cluster(op_raw, 0.4, op_ind, P).suspected
    assert score_cluster(op_group, 0.4, op_ind, P).suspected
    assert not score_cluster(org_group, 1.0, org_ind, P).suspected
    assert not score_cluster(1.0, 1.0, org_ind, P).suspected  # even as a clique


def test_recruits_never_hide_a_network() -> None:
    # A network just over the threshold on account anomalies; recruits that dilute them a
    # little keep 85 % of its inauthenticity, but take it below the threshold: refused.
    ind = {"creation_burst": 0.6, "young_accounts": 0.2, "single_purpose": 0.0}
    before = score_cluster(1.0, 2.0, ind, P)
    slightly = score_cluster(1.0, 2.0, {**ind, "creation_burst": 0.55}, P)
    diluted = score_cluster(1.0, 2.0, {**ind, "creation_burst": 0.5}, P)
    assert before.suspected and slightly.suspected and not diluted.suspected
    assert diluted.inauthenticity >= 0.85 * before.inauthenticity
    assert not may_join(before, diluted, 0.85)
    assert may_join(before, slightly, 0.85)
    assert not may_join(before, slightly, 0.99)  # dilutes more than allowed
