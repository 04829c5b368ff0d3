"""The shipped DISARM subset and kill-chain names match their published sources."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from cibwatch.characterize.tactics import ACCOUNTS_PROCEDURE, AMPLIFY_PROCEDURE, DISARM, KC

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


@pytest.mark.skipif(not (DATA / "disarm").is_dir(), reason="shared DISARM data not present")
def test_disarm_subset_matches_framework():
    bundle = json.loads((DATA / "disarm" / "DISARM.json").read_text(encoding="utf-8"))
    names = {
        o["external_references"][0]["external_id"]: o["name"]
        for o in bundle["objects"]
        if o["type"] == "attack-pattern"
    }
    for tid, name in DISARM.items():
        assert names[tid] == name


@pytest.mark.skipif(
    not (DATA / "meta-threat-research").is_dir(), reason="shared Meta data not present"
)
def test_kill_chain_names_match_meta_list():
    path = DATA / "meta-threat-research" / "Online_Operations_Killchain-TTPs.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = [[" ".join(c.split()) for c in r] for r in csv.reader(fh)]
    tactics = {r[0] for r in rows if r}
    techniques = {r[1] for r in rows if len(r) > 1}
    procedures = {r[2] for r in rows if len(r) > 2}
    for tactic, technique, procedure in KC.values():
        assert tactic in tactics
        assert technique in techniques
        assert not procedure or procedure in procedures
    for proc in [*ACCOUNTS_PROCEDURE.values(), *AMPLIFY_PROCEDURE.values()]:
        assert proc in procedures


def test_fired_reads_detection_signals_and_indicators():
    from cibwatch.characterize.tactics import _fired

    net = {
        "signals": {"coordination": 0.9, "by_signal": {"co-share": {"edges": 12}, "co-link": {"edges": 0}}},
        "indicators": {"creation_burst": 0.3, "handle_pattern": 0.9, "automation": 0.1,
                       "tz_mismatch": None, "drivers": ["creation_burst"]},
    }  # fmt: skip
    assert _fired(net, "co_share") == ["co-share"]
    assert _fired(net, "co_link") == []
    assert _fired(net, "creation") == ["creation_burst"]  # a driver, though weak
    assert _fired(net, "handle_pattern") == ["handle_pattern"]
    assert _fired(net, "automation", "tz_mismatch") == []
