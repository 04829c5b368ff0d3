"""The decisions audit log: append-only, hash-chained, statuses, split/merge, takedown snapshots."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cibwatch.review import decisions
from cibwatch.review.decisions import DecisionError
from cibwatch.store import Workspace
from review_world import build_world


@pytest.fixture()
def ws(tmp_path: Path):
    info = build_world(tmp_path / "w", members=8)
    with Workspace(tmp_path / "w") as w:
        w.info = info  # type: ignore[attr-defined]
        decisions.register_membership(w.con)
        yield w


def test_takedown_sets_status_and_snapshots_members(ws):
    row = decisions.record(ws.con, "net-1", "takedown", "removed 2024-03-02", "maryam")
    assert decisions.statuses(ws.con) == {"net-1": "taken down"}
    down = decisions.taken_down(ws.con)
    assert sorted(d["asset_id"] for d in down) == ws.info["net1"]
    assert all(d["network_id"] == "net-1" and d["actor"] == "maryam" for d in down)
    first = ws.con.execute(
        "SELECT platform, kind, native_id FROM assets WHERE asset_id = ?", [ws.info["net1"][0]]
    ).fetchall()[0]
    assert (first[0], first[1], first[2]) in {
        (d["platform"], d["kind"], d["native_id"]) for d in down
    }
    assert row["decision_id"] == 1
    # The snapshot outlives a re-detection that drops or renumbers the network.
    ws.con.execute("DELETE FROM network_members")
    assert len(decisions.taken_down(ws.con)) == len(ws.info["net1"])


def test_log_is_append_only_and_latest_decision_wins(ws):
    decisions.record(ws.con, "net-1", "confirm", "", "a")
    decisions.record(ws.con, "net-1", "takedown", "", "b")
    decisions.record(ws.con, "net-1", "reject", "authentic coordination", "c")
    rows = ws.con.execute(
        "SELECT decision_id, decision, actor FROM decisions ORDER BY decision_id"
    ).fetchall()
    assert rows == [(1, "confirm", "a"), (2, "takedown", "b"), (3, "reject", "c")]
    assert decisions.statuses(ws.con)["net-1"] == "rejected"
    assert decisions.taken_down(ws.con) == []
    hist = decisions.history(ws.con, "net-1")
    assert [h["decision"] for h in hist] == ["reject", "takedown", "confirm"]


def test_plain_sql_status_query_from_the_docs(ws):
    decisions.record(ws.con, "net-1", "takedown", "", "a")
    decisions.record(ws.con, "net-2", "reject", "authentic coordination", "a")
    sql = Path(__file__).resolve().parents[1] / "docs" / "review.md"
    text = sql.read_text()
    blocks = [b.split("```", 1)[0] for b in text.split("```sql\n")[1:]]
    rows = dict(ws.con.execute(blocks[0]).fetchall())
    assert rows == {"net-1": "takedown", "net-2": "reject"}
    down = ws.con.execute(blocks[1]).fetchall()
    assert sorted((r[1], r[2], r[3]) for r in down) == sorted(
        (d["platform"], d["kind"], d["native_id"]) for d in decisions.taken_down(ws.con)
    )
    assert len(down) == len(ws.info["net1"])


def test_hash_chain_detects_an_edit_in_place(ws):
    for d in ("confirm", "takedown"):
        decisions.record(ws.con, "net-1", d, "", "a")
    decisions.record(ws.con, "net-2", "reject", "activists", "a")
    assert decisions.verify_chain(ws.con) is None
    ws.con.execute("UPDATE decisions SET reason = 'nothing to see' WHERE decision_id = 2")
    assert decisions.verify_chain(ws.con) == 2


def test_reason_required_for_reject_split_merge(ws):
    for d in ("reject", "split", "merge"):
        with pytest.raises(DecisionError, match="needs a reason"):
            decisions.record(ws.con, "net-1", d, "  ", "a")
    with pytest.raises(DecisionError, match="unknown decision"):
        decisions.record(ws.con, "net-1", "delete", "x", "a")
    with pytest.raises(DecisionError, match="no network"):
        decisions.record(ws.con, "net-9", "confirm", "x", "a")
    with pytest.raises(DecisionError, match="limit"):
        decisions.record(ws.con, "net-1", "confirm", "x" * 5000, "a")
    assert ws.con.execute("SELECT count(*) FROM decisions").fetchall()[0][0] == 0


def test_split_moves_members_into_a_new_network(ws):
    moved = ws.info["net1"][:2]
    row = decisions.record(ws.con, "net-1", "split", "two pages differ", "a", members=moved)
    new_id = row["payload"]["new_network_id"]
    assert new_id == f"net-1.s{row['decision_id']}"
    decisions.register_membership(ws.con)
    members = dict(
        ws.con.execute(
            "SELECT network_id, list(asset_id ORDER BY asset_id) FROM review_members GROUP BY 1"
        ).fetchall()
    )
    assert members[new_id] == moved
    assert members["net-1"] == ws.info["net1"][2:]
    assert members["net-2"] == ws.info["net2"]
    parent = ws.con.execute(
        "SELECT parent_id, tier FROM review_networks WHERE network_id = ?", [new_id]
    ).fetchall()
    assert parent == [("net-1", "high")]
    # The split-off network can be decided on like any other.
    decisions.record(ws.con, new_id, "takedown", "", "a")
    assert sorted(d["asset_id"] for d in decisions.taken_down(ws.con)) == moved


def test_split_rejects_outsiders_and_moving_everyone(ws):
    with pytest.raises(DecisionError, match="not in network"):
        decisions.record(ws.con, "net-1", "split", "x", "a", members=[ws.info["outsider"]])
    with pytest.raises(DecisionError, match="at least one member"):
        decisions.record(ws.con, "net-1", "split", "x", "a", members=ws.info["net1"])
    with pytest.raises(DecisionError, match="members to move"):
        decisions.record(ws.con, "net-1", "split", "x", "a", members=[])


def test_merge_folds_members_and_retires_the_other(ws):
    row = decisions.record(ws.con, "net-1", "merge", "same operators", "a", networks=["net-2"])
    assert row["payload"]["merged"] == ["net-2"]
    decisions.register_membership(ws.con)
    size = ws.con.execute(
        "SELECT count(*) FROM review_members WHERE network_id = 'net-1'"
    ).fetchall()[0][0]
    assert size == len(ws.info["net1"]) + len(ws.info["net2"])
    assert decisions.statuses(ws.con)["net-2"] == "merged"
    with pytest.raises(DecisionError, match="merged"):
        decisions.record(ws.con, "net-2", "confirm", "", "a")
    with pytest.raises(DecisionError, match="already merged"):
        decisions.record(ws.con, "net-1", "merge", "x", "a", networks=["net-2"])


def test_payload_is_json_readable_with_plain_sql(ws):
    decisions.record(ws.con, "net-1", "takedown", "", "a", via="browser")
    rows = ws.con.execute(
        "SELECT json_extract_string(payload, '$.via'), json_array_length(payload, '$.members') "
        "FROM decisions"
    ).fetchall()
    assert rows == [("browser", len(ws.info["net1"]))]
    payload = json.loads(ws.con.execute("SELECT payload FROM decisions").fetchall()[0][0])
    assert set(payload["members"][0]) == {"asset_id", "platform", "kind", "native_id"}
