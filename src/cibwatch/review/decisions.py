"""The analysts' decisions on networks: an append-only, hash-chained audit log in the workspace.

Every decision is one new row of the `decisions` table, never updated or deleted:

    decision_id  from the sequence decision_seq: the order of the log
    network_id   the network decided on (a detected one, or one made by a split)
    decision     confirm | reject | takedown | split | merge       (DECISIONS below)
    reason       why, in the analyst's words (required for reject, split and merge)
    actor        who: the name given at login, or `actor` in an API call
    decided_at   when, UTC
    payload      JSON: {"via": "browser"|"api", "members": [{asset_id, platform, kind,
                 native_id}...] (the network's members at decision time), and for split/merge
                 "result": {network_id: [asset_id...]} (memberships after the operation),
                 "new_network_id" (split) or "merged" (merge)}
    row_hash     sha256 over the previous row's hash and this row: editing any row in place
                 breaks the chain from there on (`verify_chain`)

A network's status is its latest confirm / reject / takedown (`detected` when none; `merged`
once merged into another). A correction is a new decision, so the history stays whole. Each
takedown stores the members it removed, so "what was taken down" survives a later re-detection
that renumbers networks; `cibwatch report` reads `taken_down` (or the SQL in docs/review.md).
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from cibwatch.errors import CibwatchError

# The decision values, with what each means (shown in the forms and the API schema).
DECISIONS: dict[str, str] = {
    "confirm": "the network is coordinated inauthentic behaviour (confirmed, not yet removed)",
    "reject": "false positive, e.g. authentic coordination (activists, newsrooms, fans)",
    "takedown": "the network's assets were removed (or reported for removal)",
    "split": "move some members into a new network (the rest stay)",
    "merge": "fold other networks' members into this one",
}
# Decisions that set a network's status, and the status each sets.
STATUS_OF = {"confirm": "confirmed", "reject": "rejected", "takedown": "taken down"}
STATUSES = ("detected", "confirmed", "rejected", "taken down", "merged")
MAX_REASON, MAX_ACTOR = 4000, 200
# One writer at a time in this process: the hash chain needs the previous row's hash.
_write_lock = threading.Lock()


class DecisionError(CibwatchError, ValueError):
    """A decision cannot be recorded (unknown network, bad value, invalid split or merge)."""


@dataclass(frozen=True)
class Membership:
    """Networks changed by split/merge decisions: their members now, and where split-offs came from."""

    touched: dict[str, list[int]]
    parent: dict[str, str]  # split-off network id -> the network it was split from

    def arrow(self) -> pa.Table:
        ids = [nid for nid, members in self.touched.items() for _ in members]
        assets = [a for members in self.touched.values() for a in members]
        return pa.table(
            {
                "network_id": pa.array(ids, pa.string()),
                "asset_id": pa.array(assets, pa.int64()),
            }
        )

    def parents_arrow(self) -> pa.Table:
        return pa.table(
            {
                "network_id": pa.array(list(self.parent), pa.string()),
                "parent_id": pa.array(list(self.parent.values()), pa.string()),
            }
        )


def membership(con: duckdb.DuckDBPyConnection) -> Membership:
    """Replay split/merge decisions in log order (each stores its resulting memberships)."""
    rows = con.execute(
        "SELECT network_id, decision, payload FROM decisions "
        "WHERE decision IN ('split', 'merge') ORDER BY decision_id"
    ).fetchall()
    touched: dict[str, list[int]] = {}
    parent: dict[str, str] = {}
    for network_id, decision, payload in rows:
        data = json.loads(payload or "{}")
        for nid, members in data.get("result", {}).items():
            touched[nid] = [int(a) for a in members]
        if decision == "split" and data.get("new_network_id"):
            parent[data["new_network_id"]] = parent.get(network_id, network_id)
    return Membership(touched, parent)


def register_membership(con: duckdb.DuckDBPyConnection) -> Membership:
    """Expose the effective memberships to SQL on `con` as views.

    `review_members(network_id, asset_id, role)`: network_members with split/merge applied;
    `review_networks(network_id, score, tier, suspected, signals, indicators, parent_id)`: the
    detected networks plus split-offs (which inherit their parent's score and tier).
    """
    m = membership(con)
    con.register("review_touched", m.arrow())
    con.register("review_parents", m.parents_arrow())
    con.execute(
        """
        CREATE OR REPLACE TEMP VIEW review_members AS
        SELECT network_id, asset_id, role FROM network_members
        WHERE network_id NOT IN (SELECT DISTINCT network_id FROM review_touched)
        UNION ALL
        SELECT t.network_id, t.asset_id, coalesce(r.role, 'member') AS role
        FROM review_touched t
        LEFT JOIN (SELECT asset_id, min(role) AS role FROM network_members GROUP BY asset_id) r
          ON r.asset_id = t.asset_id
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP VIEW review_networks AS
        SELECT network_id, score, tier, suspected, signals, indicators, NULL::VARCHAR AS parent_id
        FROM networks
        UNION ALL
        SELECT p.network_id, n.score, n.tier, n.suspected, n.signals, n.indicators, p.parent_id
        FROM review_parents p JOIN networks n ON n.network_id = p.parent_id
        """
    )
    return m


def statuses(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Current status of every network that has one (others are `detected`)."""
    rows = con.execute(
        """
        SELECT network_id, arg_max(decision, decision_id)
        FROM decisions WHERE decision IN ('confirm', 'reject', 'takedown')
        GROUP BY network_id
        """
    ).fetchall()
    out = {nid: STATUS_OF[d] for nid, d in rows}
    for nid, members in membership(con).touched.items():
        if not members:
            out[nid] = "merged"
    return out


def _members_snapshot(con: duckdb.DuckDBPyConnection, network_id: str) -> list[dict[str, Any]]:
    rows = con.execute(
        """
        SELECT m.asset_id, a.platform, a.kind, a.native_id
        FROM review_members m LEFT JOIN assets a ON a.asset_id = m.asset_id
        WHERE m.network_id = ? ORDER BY m.asset_id
        """,
        [network_id],
    ).fetchall()
    return [{"asset_id": r[0], "platform": r[1], "kind": r[2], "native_id": r[3]} for r in rows]


def _row_hash(prev: str, row: dict[str, Any]) -> str:
    body = json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev + "\n" + body).encode()).hexdigest()


def _hash_fields(
    decision_id: int,
    network_id: str,
    decision: str,
    reason: str,
    actor: str,
    decided_at: str,
    payload: str,
) -> dict[str, Any]:
    return {
        "decision_id": decision_id,
        "network_id": network_id,
        "decision": decision,
        "reason": reason,
        "actor": actor,
        "decided_at": decided_at,
        "payload": payload,
    }


def _clean_text(value: str | None, limit: int, what: str) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise DecisionError(f"{what} is {len(text):,} characters; the limit is {limit:,}")
    # NUL bytes break some downstream tools (CSV, terminals); nothing legitimate needs them.
    return text.replace("\x00", "")


def record(
    con: duckdb.DuckDBPyConnection,
    network_id: str,
    decision: str,
    reason: str | None,
    actor: str,
    *,
    members: list[int] | None = None,
    networks: list[str] | None = None,
    via: str = "api",
) -> dict[str, Any]:
    """Append one decision to the log and return it as a dict (the row as stored).

    `members` (split): asset ids to move into a new network. `networks` (merge): the networks
    whose members join `network_id`.
    """
    if decision not in DECISIONS:
        raise DecisionError(f"unknown decision {decision!r}; use one of {', '.join(DECISIONS)}")
    reason = _clean_text(reason, MAX_REASON, "the reason")
    actor = _clean_text(actor, MAX_ACTOR, "the actor name") or "unknown"
    if decision in ("reject", "split", "merge") and not reason:
        raise DecisionError(f"a {decision} needs a reason (e.g. 'authentic coordination')")
    with _write_lock:
        register_membership(con)
        known = {
            r[0]
            for r in con.execute(
                "SELECT network_id FROM review_networks WHERE network_id = ?", [network_id]
            ).fetchall()
        }
        if network_id not in known:
            raise DecisionError(f"no network {network_id!r} in this workspace")
        current = statuses(con).get(network_id)
        if current == "merged":
            raise DecisionError(f"network {network_id!r} was merged into another; decide there")
        snapshot = _members_snapshot(con, network_id)
        payload: dict[str, Any] = {"via": via, "members": snapshot}
        with _transaction(con):
            decision_id = int(con.execute("SELECT nextval('decision_seq')").fetchall()[0][0])
            if decision == "split":
                payload.update(_split(snapshot, network_id, members or [], decision_id))
            elif decision == "merge":
                payload.update(_merge(con, snapshot, network_id, networks or []))
            prev = con.execute(
                "SELECT row_hash FROM decisions ORDER BY decision_id DESC LIMIT 1"
            ).fetchall()
            prev_hash = (prev[0][0] or "") if prev else ""
            decided_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
            payload_json = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
            at_text = decided_at.strftime("%Y-%m-%dT%H:%M:%SZ")
            row_hash = _row_hash(
                prev_hash,
                _hash_fields(
                    decision_id, network_id, decision, reason, actor, at_text, payload_json
                ),
            )
            con.execute(
                "INSERT INTO decisions (decision_id, network_id, decision, reason, actor, "
                "decided_at, payload, row_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    decision_id,
                    network_id,
                    decision,
                    reason,
                    actor,
                    decided_at,
                    payload_json,
                    row_hash,
                ],
            )
    return {
        "decision_id": decision_id,
        "network_id": network_id,
        "decision": decision,
        "reason": reason,
        "actor": actor,
        "decided_at": at_text,
        "payload": payload,
    }


class _transaction:
    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def __enter__(self) -> None:
        self.con.execute("BEGIN TRANSACTION")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.con.execute("ROLLBACK" if exc_type else "COMMIT")


def _split(
    snapshot: list[dict[str, Any]], network_id: str, members: list[int], decision_id: int
) -> dict[str, Any]:
    current = [m["asset_id"] for m in snapshot]
    moved = sorted(set(int(a) for a in members))
    if not moved:
        raise DecisionError("a split needs the members to move (at least one)")
    outside = sorted(set(moved) - set(current))
    if outside:
        raise DecisionError(
            f"{len(outside)} of the members to move are not in network {network_id!r} "
            f"(e.g. asset {outside[0]})"
        )
    if len(moved) == len(current):
        raise DecisionError("a split must leave at least one member in the original network")
    new_id = f"{network_id}.s{decision_id}"
    keep = sorted(set(current) - set(moved))
    return {"new_network_id": new_id, "moved": moved, "result": {network_id: keep, new_id: moved}}


def _merge(
    con: duckdb.DuckDBPyConnection,
    snapshot: list[dict[str, Any]],
    network_id: str,
    networks: list[str],
) -> dict[str, Any]:
    others = [n for n in dict.fromkeys(str(x) for x in networks) if n != network_id]
    if not others:
        raise DecisionError("a merge needs at least one other network to fold in")
    status = statuses(con)
    union = {m["asset_id"] for m in snapshot}
    result: dict[str, list[int]] = {}
    for other in others:
        exists = con.execute(
            "SELECT count(*) FROM review_networks WHERE network_id = ?", [other]
        ).fetchall()[0][0]
        if not exists:
            raise DecisionError(f"no network {other!r} to merge")
        if status.get(other) == "merged":
            raise DecisionError(f"network {other!r} was already merged into another")
        rows = con.execute(
            "SELECT asset_id FROM review_members WHERE network_id = ?", [other]
        ).fetchall()
        union.update(r[0] for r in rows)
        result[other] = []
    result[network_id] = sorted(union)
    return {"merged": others, "result": result}


def history(
    con: duckdb.DuckDBPyConnection,
    network_id: str | None = None,
    *,
    limit: int = 500,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Decisions, newest first (optionally for one network), with their payload parsed."""
    where, params = ("WHERE network_id = ?", [network_id]) if network_id is not None else ("", [])
    rows = con.execute(
        f"""
        SELECT decision_id, network_id, decision, reason, actor,
               strftime(decided_at, '%Y-%m-%dT%H:%M:%SZ'), payload, row_hash
        FROM decisions {where}
        ORDER BY decision_id DESC LIMIT ? OFFSET ?
        """,
        [*params, int(limit), int(offset)],
    ).fetchall()
    out = []
    for r in rows:
        payload = json.loads(r[6] or "{}")
        out.append(
            {
                "decision_id": r[0],
                "network_id": r[1],
                "decision": r[2],
                "reason": r[3],
                "actor": r[4],
                "decided_at": r[5],
                "via": payload.get("via"),
                "member_count": len(payload.get("members", [])),
                "new_network_id": payload.get("new_network_id"),
                "merged": payload.get("merged"),
                "moved_count": len(payload.get("moved", [])),
                "row_hash": r[7],
            }
        )
    return out


def verify_chain(con: duckdb.DuckDBPyConnection) -> int | None:
    """The first decision_id whose row no longer matches its hash (edited in place), or None."""
    rows = con.execute(
        "SELECT decision_id, network_id, decision, reason, actor, "
        "strftime(decided_at, '%Y-%m-%dT%H:%M:%SZ'), payload, row_hash "
        "FROM decisions ORDER BY decision_id"
    ).fetchall()
    prev = ""
    for r in rows:
        expected = _row_hash(
            prev, _hash_fields(r[0], r[1], r[2], r[3] or "", r[4] or "", r[5], r[6] or "")
        )
        if expected != r[7]:
            return int(r[0])
        prev = r[7]
    return None


TAKEN_DOWN_SQL = """
WITH latest AS (
    SELECT network_id, max(decision_id) AS decision_id
    FROM decisions WHERE decision IN ('confirm', 'reject', 'takedown')
    GROUP BY network_id
),
downs AS (
    SELECT d.* FROM decisions d JOIN latest USING (network_id, decision_id)
    WHERE d.decision = 'takedown'
)
SELECT m.platform, m.kind, m.native_id, m.asset_id, downs.network_id, downs.decision_id,
       downs.decided_at, downs.actor
FROM downs,
     unnest(from_json(json_extract(downs.payload, '$.members'),
            '[{"asset_id": "BIGINT", "platform": "VARCHAR", "kind": "VARCHAR", "native_id": "VARCHAR"}]')) AS u(m)
ORDER BY downs.network_id, m.platform, m.kind, m.native_id
"""


def taken_down(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Assets whose network's current status is `taken down`, from the takedown's member snapshot."""
    cols = [
        "platform",
        "kind",
        "native_id",
        "asset_id",
        "network_id",
        "decision_id",
        "decided_at",
        "actor",
    ]
    return [dict(zip(cols, r, strict=True)) for r in con.execute(TAKEN_DOWN_SQL).fetchall()]
