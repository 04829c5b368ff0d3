"""The JSON API (`/api/...`), described by the OpenAPI spec at `/api/openapi.json`.

Scripts authenticate with `Authorization: Bearer TOKEN` (and may name themselves with
`X-Actor`); a browser session may call it too, with the `X-CSRF-Token` header on POST.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from cibwatch.review import csrf, decisions, evidence, graph, queries
from cibwatch.review.app import Forbidden, NotFound, Principal, principal

router = APIRouter(prefix="/api", tags=["review"])

Decision = Literal["confirm", "reject", "takedown", "split", "merge"]


class DecisionIn(BaseModel):
    """A decision to append to the audit log."""

    network_id: str = Field(max_length=1000, description="the network decided on")
    decision: Decision = Field(
        description="; ".join(f"{k}: {v}" for k, v in decisions.DECISIONS.items())
    )
    reason: str = Field(
        "",
        max_length=decisions.MAX_REASON,
        description="why (required for reject, split and merge), e.g. 'authentic coordination'",
    )
    members: list[int] | None = Field(
        None, max_length=1_000_000, description="split: asset ids moving to a new network"
    )
    networks: list[str] | None = Field(
        None, max_length=10_000, description="merge: networks whose members join network_id"
    )
    actor: str | None = Field(
        None, max_length=decisions.MAX_ACTOR, description="who decides (default: X-Actor or 'api')"
    )


def _store(request: Request):  # type: ignore[no-untyped-def]
    return request.app.state.store.cursor()


@router.get("/openapi.json", include_in_schema=False)
def openapi_spec(request: Request, who: Principal = Depends(principal)) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@router.get("/networks", summary="Networks with counts by platform and kind and their status")
def api_networks(
    request: Request,
    sort: Literal["score", "size", "network", "tier", "status", "decided"] = "score",
    order: Literal["asc", "desc"] = "desc",
    tier: str | None = None,
    status: str | None = None,
    platform: str | None = None,
    q: str | None = Query(None, max_length=200),
    min_score: float | None = None,
    suspected: bool | None = Query(None, description="only suspected (true) or set aside (false)"),
    limit: int = Query(queries.PAGE_SIZE, ge=1, le=10_000),
    offset: int = Query(0, ge=0),
    who: Principal = Depends(principal),
) -> dict[str, Any]:
    with _store(request) as con:
        rows, total = queries.list_networks(
            con,
            sort=sort,
            order=order,
            tier=tier,
            status=status,
            platform=platform,
            q=q,
            min_score=min_score,
            suspected=suspected,
            limit=limit,
            offset=offset,
        )
    return {"total": total, "offset": offset, "networks": rows}


@router.get("/networks/{network_id:path}", summary="One network: counts, members, edges, decisions")
def api_network(
    network_id: str,
    request: Request,
    members_limit: int = Query(queries.MEMBER_PAGE, ge=0, le=100_000),
    members_offset: int = Query(0, ge=0),
    edges_limit: int = Query(200, ge=0, le=100_000),
    who: Principal = Depends(principal),
) -> dict[str, Any]:
    with _store(request) as con:
        net = queries.network(con, network_id)
        if net is None:
            raise NotFound(f"no network {network_id!r}")
        net["members"] = queries.members(
            con, network_id, limit=members_limit, offset=members_offset
        )
        net["edges"], net["edges_total"] = queries.edges(con, network_id, limit=edges_limit)
        net["timeline"] = queries.timeline(con, network_id)
        net["decisions"] = decisions.history(con, network_id)
    return net


@router.get("/graph", summary="Members with layout positions and the strongest edges")
def api_graph(
    request: Request,
    network_id: str = Query(max_length=1000),
    who: Principal = Depends(principal),
) -> dict[str, Any]:
    with _store(request) as con:
        queries.prepare(con)
        exists = con.execute(
            "SELECT count(*) FROM review_networks WHERE network_id = ?", [network_id]
        ).fetchall()[0][0]
        if not exists:
            raise NotFound(f"no network {network_id!r}")
        return graph.graph(con, network_id)


@router.get("/evidence", summary="The co-actions behind an edge, with both assets' posts")
def api_evidence(
    request: Request,
    a: int,
    b: int,
    signal: str | None = Query(None, max_length=100),
    who: Principal = Depends(principal),
) -> dict[str, Any]:
    with _store(request) as con:
        ev = evidence.edge_evidence(con, a, b, signal)
    if ev is None:
        raise NotFound("no edge between these assets")
    return ev


@router.get("/assets", summary="Find an asset by (platform, kind, native_id)")
def api_asset_lookup(
    request: Request,
    platform: str = Query(max_length=40),
    kind: str = Query(max_length=40),
    native_id: str = Query(max_length=1000),
    posts_limit: int = Query(queries.PAGE_SIZE, ge=0, le=10_000),
    who: Principal = Depends(principal),
) -> dict[str, Any]:
    with _store(request) as con:
        asset_id = queries.asset_by_native(con, platform, kind, native_id)
    if asset_id is None:
        raise NotFound(f"no {platform} {kind} {native_id!r}")
    return api_asset(asset_id, request, posts_limit=posts_limit, posts_offset=0, who=who)


@router.get("/assets/{asset_id}", summary="One asset: profile fields, networks, recent posts")
def api_asset(
    asset_id: int,
    request: Request,
    posts_limit: int = Query(queries.PAGE_SIZE, ge=0, le=10_000),
    posts_offset: int = Query(0, ge=0),
    who: Principal = Depends(principal),
) -> dict[str, Any]:
    with _store(request) as con:
        info = queries.asset(con, asset_id)
        if info is None:
            raise NotFound(f"no asset {asset_id}")
        info["posts"] = queries.asset_posts(con, asset_id, limit=posts_limit, offset=posts_offset)
    return info


@router.get("/decisions", summary="The audit log, newest first")
def api_decisions(
    request: Request,
    network_id: str | None = Query(None, max_length=1000),
    limit: int = Query(500, ge=1, le=100_000),
    offset: int = Query(0, ge=0),
    who: Principal = Depends(principal),
) -> dict[str, Any]:
    with _store(request) as con:
        rows = decisions.history(con, network_id, limit=limit, offset=offset)
        broken = decisions.verify_chain(con)
    return {"chain_intact": broken is None, "first_broken": broken, "decisions": rows}


@router.get("/taken-down", summary="Assets whose network is currently taken down")
def api_taken_down(request: Request, who: Principal = Depends(principal)) -> dict[str, Any]:
    with _store(request) as con:
        return {"assets": decisions.taken_down(con)}


@router.post("/decisions", status_code=201, summary="Append a decision to the audit log")
def api_decide(
    body: DecisionIn, request: Request, who: Principal = Depends(principal)
) -> dict[str, Any]:
    if who.via == "browser":
        assert who.session is not None
        if not csrf.valid(request, who.session.csrf, request.headers.get(csrf.HEADER)):
            raise Forbidden("missing or wrong X-CSRF-Token header")
        actor = who.actor
    else:
        actor = body.actor or who.actor
    with _store(request) as con:
        return decisions.record(
            con,
            body.network_id,
            body.decision,
            body.reason,
            actor,
            members=body.members,
            networks=body.networks,
            via=who.via,
        )
