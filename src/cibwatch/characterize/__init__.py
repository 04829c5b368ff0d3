"""Characterize each detected network the way takedown reports do, from the workspace tables.

`characterize(ws)` describes every suspected network (or the ids given) in one set-based pass
per section over the posts of all those networks at once, stores one JSON document per network
in the `characterizations` table and returns them. Every format of `cibwatch report` and the
review app read that stored document, so they can never disagree. Sections:

- assets: counts by platform and kind (the Meta sentence), followers, creation dates and bursts
- origin: operating timezone and working week from activity, languages, declared locations,
  client apps, each with a confidence
- audience: languages and places the content addresses
- targets: most-mentioned people and organizations with example posts; a watch-list
- narratives: distinctive phrases and hashtags against the rest of the corpus (c-TF-IDF)
- domains: sites pushed, state-affiliated media flagged
- takedowns: overlaps with Meta's published takedown indicators (recidivism evidence)
- tactics: DISARM techniques and Meta's Online Operations Kill Chain, from what fired
- cards: representative posts that show the coordination
- activity: the daily timeline and the hour-of-week histogram for the charts
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from cibwatch.characterize.context import Context
from cibwatch.store import Workspace

__all__ = ["SECTIONS", "characterize", "load_characterizations"]


def _sections() -> list[tuple[str, Callable[[Context], dict[str, Any]]]]:
    from cibwatch.characterize import (
        assets,
        audience,
        cards,
        domains,
        narratives,
        origin,
        tactics,
        takedowns,
        targets,
    )

    # Order matters where a section reads another one's result from ctx.results (tactics last).
    return [
        ("assets", assets.compute),
        ("activity", origin.activity),
        ("origin", origin.compute),
        ("narratives", narratives.compute),  # builds the n-gram tables audience and targets use
        ("audience", audience.compute),
        ("targets", targets.compute),
        ("domains", domains.compute),
        ("takedowns", takedowns.compute),
        ("cards", cards.compute),
        ("tactics", tactics.compute),
    ]


SECTIONS = (
    "assets",
    "activity",
    "origin",
    "narratives",
    "audience",
    "targets",
    "domains",
    "takedowns",
    "cards",
    "tactics",
)


def characterize(
    ws: Workspace,
    network_ids: Iterable[str] | None = None,
    *,
    watchlist: Path | None = None,
    store: bool = True,
    timings: dict[str, float] | None = None,
) -> dict[str, dict[str, Any]]:
    """Characterize networks; returns {network_id: document}, highest score first.

    :param network_ids: networks to describe; default every suspected network.
    :param watchlist: optional TOML of names to count explicitly (see targets.load_watchlist).
    :param store: replace the networks' rows in the `characterizations` table.
    :param timings: filled with seconds per section, for benchmarks.
    """
    ctx = Context.open(ws, network_ids, watchlist=watchlist)
    try:
        docs: dict[str, dict[str, Any]] = {
            nid: {"network": net} for nid, net in ctx.networks.items()
        }
        if not docs:
            return {}
        for name, fn in _sections():
            t0 = time.perf_counter()
            result = fn(ctx)
            ctx.results[name] = result
            for nid in docs:
                docs[nid][name] = result.get(nid, {})
            if timings is not None:
                timings[name] = time.perf_counter() - t0
        background = ctx.results.get("_background", {})
        for doc in docs.values():
            doc["corpus"] = {"background_posts": background.get("posts")}
    finally:
        ctx.close()
    if store:
        _store(ws, docs)
    return docs


def _store(ws: Workspace, docs: dict[str, dict[str, Any]]) -> None:
    rows = [(nid, json.dumps(doc, ensure_ascii=False, default=str)) for nid, doc in docs.items()]
    with ws.transaction() as con:
        con.execute(
            "DELETE FROM characterizations WHERE network_id IN (SELECT unnest(?::VARCHAR[]))",
            [[r[0] for r in rows]],
        )
        con.executemany(
            "INSERT INTO characterizations VALUES (?, current_timestamp::TIMESTAMP, ?)", rows
        )


def load_characterizations(ws: Workspace) -> dict[str, dict[str, Any]]:
    """The stored documents, highest network score first."""
    rows = ws.con.execute(
        """
        SELECT c.network_id, c.data FROM characterizations c
        LEFT JOIN networks n USING (network_id)
        ORDER BY n.score DESC NULLS LAST, c.network_id
        """
    ).fetchall()
    return {nid: json.loads(data) for nid, data in rows}
