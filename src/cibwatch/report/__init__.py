"""`cibwatch report`: characterize the detected networks and write every output format.

`build_report(ws)` characterizes the suspected networks (cibwatch.characterize, stored in the
workspace), gathers their members and edges, and hands one `Report` to each renderer:
report.html (self-contained, inline SVG, strict CSP), report.md, assets.csv, indicators.csv,
networks.gexf, networks.graphml and networks.stix.json, all in W/out/. With `redact=True` the
public version goes to W/out/public/: names, handles and ids of assets below the follower
threshold are masked everywhere, and @mentions in post texts too.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cibwatch.characterize import characterize
from cibwatch.characterize.assets import sentence
from cibwatch.characterize.context import latest_decisions, status_of
from cibwatch.report.redact import Redactor
from cibwatch.store import Workspace

__all__ = ["DEFAULT_REDACT_FOLLOWERS", "Report", "build_report", "collect"]

DEFAULT_REDACT_FOLLOWERS = 10_000  # below this many followers an asset is masked by --redact


@dataclass
class Report:
    """Everything the renderers need; built once, rendered by every format."""

    generated_at: str
    workspace: str
    networks: list[dict[str, Any]]
    summary: dict[str, Any]
    rejected: list[dict[str, Any]] = field(default_factory=list)
    laundering: dict[str, Any] | None = None
    redacted: bool = False
    redact_threshold: int | None = None
    corpus: dict[str, Any] = field(default_factory=dict)


def collect(
    ws: Workspace,
    *,
    redact: bool = False,
    threshold: int = DEFAULT_REDACT_FOLLOWERS,
    watchlist: Path | None = None,
    timings: dict[str, float] | None = None,
) -> Report:
    """Characterize and assemble the report model (no files written)."""
    t0 = time.perf_counter()
    docs = characterize(ws, watchlist=watchlist, timings=timings)
    t1 = time.perf_counter()
    ids = list(docs)
    members = _members(ws, ids)
    edges = _edges(ws, ids)
    decisions = latest_decisions(ws.con)
    removed = _taken_down(ws)
    networks: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    for nid, doc in docs.items():
        doc["status"] = status_of(decisions.get(nid))
        doc["members"] = members.get(nid, [])
        for m in doc["members"]:
            # An asset is taken down when the takedown's member snapshot names it; one that
            # joined the network after the takedown is only detected.
            if removed is None:
                m["status"] = doc["status"]
            elif m["asset_id"] in removed:
                m["status"] = "taken-down"
            else:
                m["status"] = "detected" if doc["status"] == "taken-down" else doc["status"]
        doc["edges"] = edges.get(nid, [])
        (rejected if doc["status"] == "rejected" else networks).append(doc)
    corpus = dict(
        zip(
            ("posts", "assets", "first_post", "last_post"),
            ws.con.execute(
                "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM assets), "
                "(SELECT min(created_at) FROM posts), (SELECT max(created_at) FROM posts)"
            ).fetchall()[0],
            strict=True,
        )
    )
    report = Report(
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        workspace=ws.path.name,
        networks=networks,
        summary=_summary(networks),
        rejected=[
            {"id": d["network"]["id"], "decision": d["network"]["decision"]} for d in rejected
        ],
        laundering=_laundering(ws),
        redacted=redact,
        redact_threshold=threshold if redact else None,
        corpus=corpus,
    )
    if redact:
        Redactor(threshold).apply(report)
    if timings is not None:
        timings["characterize"] = t1 - t0
        timings["collect"] = time.perf_counter() - t1
    return report


def build_report(
    ws: Workspace,
    *,
    redact: bool = False,
    threshold: int = DEFAULT_REDACT_FOLLOWERS,
    watchlist: Path | None = None,
    timings: dict[str, float] | None = None,
) -> dict[str, Path]:
    """Write every format to W/out (or W/out/public with redact); returns {name: path}."""
    from cibwatch.report import csvs, graph, html, markdown, stix

    report = collect(ws, redact=redact, threshold=threshold, watchlist=watchlist, timings=timings)
    out = ws.out / "public" if redact else ws.out
    out.mkdir(exist_ok=True)
    writers = {
        "report.html": html.write,
        "report.md": markdown.write,
        "assets.csv": csvs.write_assets,
        "indicators.csv": csvs.write_indicators,
        "networks.gexf": graph.write_gexf,
        "networks.graphml": graph.write_graphml,
        "networks.stix.json": stix.write,
    }
    paths = {}
    for name, write in writers.items():
        t0 = time.perf_counter()
        path = out / name
        write(report, path)
        paths[name] = path
        if timings is not None:
            timings[name] = time.perf_counter() - t0
    return paths


def _taken_down(ws: Workspace) -> set[int] | None:
    """Asset ids removed by a takedown (the review log's member snapshots), if the log has any."""
    try:
        from cibwatch.review.decisions import taken_down
    except ImportError:
        return None
    try:
        rows = taken_down(ws.con)
    except Exception:  # noqa: BLE001 - an older or hand-written log without snapshots
        return None
    ids = {r["asset_id"] for r in rows if r.get("asset_id") is not None}
    return ids or None


def _members(ws: Workspace, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    cur = ws.con.execute(
        """
        SELECT m.network_id, a.asset_id, a.platform, a.kind, a.native_id, a.handle,
               a.display_name, a.followers, a.created_at, m.role
        FROM network_members m JOIN assets a USING (asset_id)
        WHERE m.network_id IN (SELECT unnest(?::VARCHAR[]))
        ORDER BY m.network_id, a.platform, a.kind, a.native_id
        """,
        [ids],
    )
    names = [d[0] for d in cur.description]
    out: dict[str, list[dict[str, Any]]] = {}
    for row in cur.fetchall():
        r = dict(zip(names, row, strict=True))
        out.setdefault(r.pop("network_id"), []).append(r)
    return out


def _edges(ws: Workspace, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    rows = ws.con.execute(
        """
        SELECT m1.network_id, e.asset_a, e.asset_b, e.signal, e.weight, e.events
        FROM edges e
        JOIN network_members m1 ON m1.asset_id = e.asset_a
        JOIN network_members m2 ON m2.asset_id = e.asset_b AND m2.network_id = m1.network_id
        WHERE m1.network_id IN (SELECT unnest(?::VARCHAR[]))
        ORDER BY m1.network_id, e.asset_a, e.asset_b, e.signal
        """,
        [ids],
    ).fetchall()
    out: dict[str, list[dict[str, Any]]] = {}
    for nid, a, b, signal, weight, events in rows:
        out.setdefault(nid, []).append(
            {"a": a, "b": b, "signal": signal, "weight": weight, "events": events}
        )
    return out


def _summary(networks: list[dict[str, Any]]) -> dict[str, Any]:
    totals: dict[tuple[str, str], int] = {}
    down: dict[tuple[str, str], int] = {}
    for doc in networks:
        for t in doc["assets"].get("by_type", []):
            key = (t["platform"], t["kind"])
            totals[key] = totals.get(key, 0) + t["assets"]
            if doc["status"] == "taken-down":
                down[key] = down.get(key, 0) + t["assets"]

    def as_rows(d: dict[tuple[str, str], int]) -> list[dict[str, Any]]:
        return [{"platform": p, "kind": k, "assets": n} for (p, k), n in d.items()]

    by_status: dict[str, int] = {}
    for doc in networks:
        by_status[doc["status"]] = by_status.get(doc["status"], 0) + 1
    return {
        "networks": len(networks),
        "assets": sum(totals.values()),
        "sentence": sentence(as_rows(totals)),
        "taken_down_sentence": sentence(as_rows(down)) if down else "",
        "by_status": by_status,
    }


def _chains(item: Any) -> int:
    value = item.get("chains") if isinstance(item, dict) else None
    if isinstance(value, list):
        return len(value)
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _laundering(ws: Workspace) -> dict[str, Any] | None:
    """W/out/laundering.json from `cibwatch launder`, if it has run."""
    path = ws.path / "out" / "laundering.json"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    return {
        "chains": list(data.get("chains") or [])[:25],
        "chains_total": len(data.get("chains") or []),
        # Authors who carried no chain are the tracer's comparison set, not intermediaries.
        "intermediaries": [i for i in (data.get("intermediaries") or []) if _chains(i) > 0][:20],
    }
