"""Server-rendered pages: login, network list, one network, edge evidence, one asset, audit log.

Every page but the login needs a session (or a bearer token); every state change from a
browser (decisions, logout) must carry the session's CSRF token (cibwatch.review.csrf).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from cibwatch.review import csrf, decisions, evidence, queries
from cibwatch.review.app import (
    SESSION_COOKIE,
    Forbidden,
    NotFound,
    Principal,
    principal,
    render,
)
from cibwatch.signals.base import SIGNAL_NAMES
from cibwatch.store import PLATFORMS, Workspace

router = APIRouter(include_in_schema=False)
MAX_FORM_BYTES = 1 << 20


async def form(request: Request) -> dict[str, list[str]]:
    """The urlencoded body of a form post (bounded), as lists of values per field."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise Forbidden("form too large")
    ctype = request.headers.get("content-type", "")
    if body and not ctype.startswith("application/x-www-form-urlencoded"):
        raise Forbidden("forms must be application/x-www-form-urlencoded")
    return parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)


def _one(data: dict[str, list[str]], name: str) -> str:
    values = data.get(name) or [""]
    return values[0]


# Same-site paths only: "/x", never "//host" or "/\\host" (browsers read both as another
# host), and no control characters or backslashes anywhere (browsers drop tabs and newlines,
# so "/\t/host" would become "//host").
_SAFE_NEXT = re.compile(r"/(?![/\\])[^\x00-\x1f\x7f\\]*")


def _safe_next(target: str) -> str:
    return target if _SAFE_NEXT.fullmatch(target) else "/networks"


def _require_csrf(request: Request, who: Principal, submitted: str) -> None:
    if who.via == "api":
        return
    assert who.session is not None
    if not csrf.valid(request, who.session.csrf, submitted):
        raise Forbidden("missing or wrong CSRF token: reload the page and submit again")


@router.get("/", response_class=HTMLResponse)
def home(who: Principal = Depends(principal)) -> Response:
    return RedirectResponse("/networks", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/networks") -> Response:  # noqa: A002
    return render(request, "login.html", next=_safe_next(next), error=None)


@router.post("/login")
def login(request: Request, data: dict = Depends(form)) -> Response:
    auth = request.app.state.auth
    client = request.client.host if request.client else "?"
    target = _safe_next(_one(data, "next"))
    if not csrf.same_origin(request):
        raise Forbidden("login from another site refused")
    if auth.throttled(client):
        return render(
            request, "login.html", 429, next=target, error="too many attempts; wait a minute"
        )
    token = _one(data, "token").strip()
    actor = re.sub(r"\s+", " ", _one(data, "actor")).strip()[:200]
    if not actor:
        return render(
            request,
            "login.html",
            400,
            next=target,
            error="give your name (it goes in the audit log)",
        )
    if not auth.check_token(token):
        auth.record_failure(client)
        return render(request, "login.html", 401, next=target, error="wrong token")
    sid, _ = auth.open_session(actor)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        sid,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/logout")
def logout(
    request: Request, data: dict = Depends(form), who: Principal = Depends(principal)
) -> Response:
    _require_csrf(request, who, _one(data, "csrf_token"))
    request.app.state.auth.close_session(who.session_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _int(value: str | None, default: int, lo: int = 0, hi: int = 10**9) -> int:
    try:
        return max(lo, min(hi, int(value))) if value not in (None, "") else default
    except ValueError:
        return default


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


@router.get("/networks", response_class=HTMLResponse)
def network_list(request: Request, who: Principal = Depends(principal)) -> Response:
    qp = request.query_params
    filters: dict[str, Any] = {
        "sort": qp.get("sort", "score"),
        "order": "asc" if qp.get("order") == "asc" else "desc",
        "tier": qp.get("tier") or None,
        "status": qp.get("status") or None,
        "platform": qp.get("platform") or None,
        "q": (qp.get("q") or "")[:200] or None,
        "min_score": _float(qp.get("min_score")),
        "suspected": {"yes": True, "no": False}.get(qp.get("suspected", "")),
    }
    page = _int(qp.get("page"), 1, 1)
    with request.app.state.store.cursor() as con:
        rows, total = queries.list_networks(
            con, **filters, limit=queries.PAGE_SIZE, offset=(page - 1) * queries.PAGE_SIZE
        )
        facets = queries.facets(con)
    return render(
        request,
        "networks.html",
        networks=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // queries.PAGE_SIZE)),
        filters=filters,
        facets=facets,
        sorts=list(queries.NETWORK_SORTS),
    )


def _bars(series: list[dict[str, Any]], width: int = 900, height: int = 120) -> dict[str, Any]:
    if not series:
        return {"bars": [], "width": width, "height": height}
    peak = max(d["posts"] for d in series) or 1
    step = width / len(series)
    bars = [
        {
            "x": round(i * step, 2),
            "w": round(max(step - 1, 0.5), 2),
            "h": round(d["posts"] / peak * (height - 4), 2),
            "y": round(height - d["posts"] / peak * (height - 4), 2),
            "day": d["day"],
            "posts": d["posts"],
            "assets": d["assets"],
        }
        for i, d in enumerate(series)
    ]
    return {"bars": bars, "width": width, "height": height, "peak": peak}


@router.get("/networks/{network_id:path}", response_class=HTMLResponse)
def network_page(
    network_id: str, request: Request, who: Principal = Depends(principal)
) -> Response:
    qp = request.query_params
    page = _int(qp.get("members_page"), 1, 1)
    sort = qp.get("members_sort", "platform")
    order = "desc" if qp.get("members_order") == "desc" else "asc"
    with request.app.state.store.cursor() as con:
        net = queries.network(con, network_id)
        if net is None:
            raise NotFound(f"no network {network_id!r}")
        members = queries.members(
            con,
            network_id,
            sort=sort,
            order=order,
            limit=queries.MEMBER_PAGE,
            offset=(page - 1) * queries.MEMBER_PAGE,
        )
        top_edges, edge_total = queries.edges(con, network_id, limit=100)
        series = queries.timeline(con, network_id)
        history = decisions.history(con, network_id, limit=100)
    return render(
        request,
        "network.html",
        net=net,
        members=members,
        members_page=page,
        members_pages=max(1, -(-net["size"] // queries.MEMBER_PAGE)),
        members_sort=sort,
        members_order=order,
        member_sorts=list(queries.MEMBER_SORTS),
        edges=top_edges,
        edge_total=edge_total,
        timeline=_bars(series),
        first_day=series[0]["day"] if series else None,
        last_day=series[-1]["day"] if series else None,
        history=history,
        decision_kinds=decisions.DECISIONS,
        platforms=PLATFORMS,
        signals=SIGNAL_NAMES,
        recorded=qp.get("recorded"),
    )


@router.get("/evidence", response_class=HTMLResponse)
def evidence_page(request: Request, who: Principal = Depends(principal)) -> Response:
    qp = request.query_params
    a, b = _int(qp.get("a"), -1, -1), _int(qp.get("b"), -1, -1)
    signal = qp.get("signal") or None
    with request.app.state.store.cursor() as con:
        ev = evidence.edge_evidence(con, a, b, signal)
    if ev is None:
        raise NotFound("no edge between these assets" + (f" for {signal!r}" if signal else ""))
    return render(
        request, "evidence.html", ev=ev, network_id=qp.get("network") or None, signal=signal
    )


@router.get("/assets/{asset_id}", response_class=HTMLResponse)
def asset_page(asset_id: int, request: Request, who: Principal = Depends(principal)) -> Response:
    page = _int(request.query_params.get("page"), 1, 1)
    with request.app.state.store.cursor() as con:
        info = queries.asset(con, asset_id)
        if info is None:
            raise NotFound(f"no asset {asset_id}")
        posts = queries.asset_posts(
            con, asset_id, limit=queries.PAGE_SIZE, offset=(page - 1) * queries.PAGE_SIZE
        )
    return render(
        request,
        "asset.html",
        asset=info,
        posts=posts,
        page=page,
        pages=max(1, -(-info["post_count"] // queries.PAGE_SIZE)),
    )


@router.get("/decisions", response_class=HTMLResponse)
def audit_log(request: Request, who: Principal = Depends(principal)) -> Response:
    qp = request.query_params
    network_id = qp.get("network") or None
    page = _int(qp.get("page"), 1, 1)
    with request.app.state.store.cursor() as con:
        rows = decisions.history(con, network_id, limit=200, offset=(page - 1) * 200)
        broken = decisions.verify_chain(con)
    return render(
        request, "decisions.html", rows=rows, network_id=network_id, page=page, broken=broken
    )


_SPLIT_IDS = re.compile(r"[\s,;]+")


@router.post("/decide")
def decide(
    request: Request, data: dict = Depends(form), who: Principal = Depends(principal)
) -> Response:
    _require_csrf(request, who, _one(data, "csrf_token"))
    network_id = _one(data, "network_id")
    decision = _one(data, "decision")
    members: list[int] = []
    for value in data.get("members", []) + _SPLIT_IDS.split(_one(data, "member_ids")):
        if value.strip():
            try:
                members.append(int(value))
            except ValueError as exc:
                raise decisions.DecisionError(f"{value[:40]!r} is not an asset id") from exc
    others = [v for v in _SPLIT_IDS.split(_one(data, "merge_networks")) if v]
    with request.app.state.store.cursor() as con:
        row = decisions.record(
            con,
            network_id,
            decision,
            _one(data, "reason"),
            who.actor,
            members=members,
            networks=others,
            via=who.via,
        )
    return RedirectResponse(
        f"/networks/{quote(network_id, safe='')}?recorded={row['decision_id']}#decisions",
        status_code=303,
    )


# The report is a self-contained file written by `cibwatch report` (inline styles and SVG). It
# is served sandboxed: no script runs, nothing loads from anywhere, nothing can frame it.
REPORT_CSP = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "frame-ancestors 'none'"
)


@router.get("/report", response_class=HTMLResponse)
def report_page(request: Request, who: Principal = Depends(principal)) -> Response:
    path = request.app.state.workspace / "out" / "report.html"
    if not path.is_file():
        raise NotFound("no report yet: use “Regenerate report” on the audit log page")
    return FileResponse(
        path,
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": REPORT_CSP, "Cache-Control": "no-store"},
    )


@router.post("/report")
def regenerate_report(
    request: Request, data: dict = Depends(form), who: Principal = Depends(principal)
) -> Response:
    """Run `cibwatch report` in this process (it shares the open database) and show it."""
    _require_csrf(request, who, _one(data, "csrf_token"))
    try:
        from cibwatch.report import build_report
    except ImportError as exc:
        raise decisions.DecisionError("`cibwatch report` is not installed here") from exc
    # Same process: this connection shares the server's database instance (no file lock).
    with (
        request.app.state.store.cursor(),
        Workspace(request.app.state.workspace, create=False) as ws,
    ):
        build_report(ws)
    return RedirectResponse("/report", status_code=303)
