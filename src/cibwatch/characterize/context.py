"""The shared state of one characterization run: the networks and their members' posts as temp tables."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from cibwatch.store import Workspace

# Temp tables every section reads (created once per run, dropped at the end):
#   cw_members(network_id, asset_id, role)
#   cw_nposts(network_id, post_id, asset_id, created_at, text, text_norm, lang, client,
#             shared_post_id, reply_to_user, venue_id, likes, shares, comments)
TEMP_TABLES = ("cw_members", "cw_nposts", "cw_grams", "cw_bg_grams", "cw_places")


@dataclass
class Context:
    """What every section gets: the connection, the networks and the temp tables above."""

    ws: Workspace
    networks: dict[str, dict[str, Any]]
    watchlist: Path | None = None
    results: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        return self.ws.con

    @classmethod
    def open(
        cls, ws: Workspace, network_ids: Iterable[str] | None, *, watchlist: Path | None = None
    ) -> Context:
        con = ws.con
        if network_ids is None:
            where, params = "WHERE suspected", []
        else:
            where, params = "WHERE network_id IN (SELECT unnest(?::VARCHAR[]))", [list(network_ids)]
        rows = con.execute(
            f"""
            SELECT network_id, score, tier, suspected, size, signals, indicators
            FROM networks {where} ORDER BY score DESC, network_id
            """,
            params,
        ).fetchall()
        decisions = latest_decisions(con)
        networks: dict[str, dict[str, Any]] = {}
        for nid, score, tier, suspected, size, signals, indicators in rows:
            networks[nid] = {
                "id": nid,
                "score": score,
                "tier": tier,
                "suspected": bool(suspected),
                "size": size,
                "signals": _json(signals),
                "indicators": _json(indicators),
                "decision": decisions.get(nid),
            }
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE cw_members AS
            SELECT DISTINCT m.network_id, m.asset_id, m.role FROM network_members m
            WHERE m.network_id IN (SELECT unnest(?::VARCHAR[]))
            """,
            [list(networks)],
        )
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE cw_nposts AS
            SELECT m.network_id, p.post_id, p.asset_id, p.created_at, p.text, p.text_norm,
                   p.lang, p.client, p.shared_post_id, p.reply_to_user, p.venue_id,
                   p.likes, p.shares, p.comments
            FROM posts p JOIN (SELECT DISTINCT network_id, asset_id FROM cw_members) m
              USING (asset_id)
            """
        )
        return cls(ws=ws, networks=networks, watchlist=watchlist)

    def close(self) -> None:
        for name in TEMP_TABLES:
            self.con.execute(f"DROP TABLE IF EXISTS {name}")

    def rows(self, sql: str, params: list | dict | None = None) -> list[dict[str, Any]]:
        """Run a query and return its rows as dicts (for small, aggregated results only)."""
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def by_network(self, sql: str, params: list | dict | None = None) -> dict[str, list[dict]]:
        """Rows of an aggregated query grouped by their `network_id` column, order kept."""
        out: dict[str, list[dict]] = {}
        for row in self.rows(sql, params):
            out.setdefault(row.pop("network_id"), []).append(row)
        return out


def latest_decisions(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """The latest review decision per network (confirm / reject / takedown), if any.

    The review app's log (cibwatch.review.decisions) orders decisions by decision_id; split and
    merge change membership, not status.
    """
    rows = con.execute(
        """
        SELECT network_id, decision, reason, actor, decided_at FROM decisions
        WHERE decision IN ('confirm', 'reject', 'takedown')
        QUALIFY row_number() OVER (
            PARTITION BY network_id ORDER BY decision_id DESC, decided_at DESC) = 1
        """
    ).fetchall()
    return {
        r[0]: {"decision": r[1], "reason": r[2], "actor": r[3], "decided_at": r[4]} for r in rows
    }


def status_of(decision: dict[str, Any] | None) -> str:
    """What happened to a network: taken-down, confirmed, rejected or (only) detected."""
    if not decision:
        return "detected"
    d = str(decision.get("decision") or "").lower().replace("_", "-")
    if d in ("takedown", "taken-down", "take-down"):
        return "taken-down"
    if d in ("confirm", "confirmed"):
        return "confirmed"
    if d in ("reject", "rejected"):
        return "rejected"
    return "detected"


def _json(value: Any) -> Any:
    if value is None:
        return {}
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return {"raw": value}
    return value
