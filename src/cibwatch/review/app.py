"""The review app's FastAPI factory: authentication, security headers, errors, routes.

`create_app(workspace)` returns an ASGI app serving the pages (cibwatch.review.pages) and the
JSON API (cibwatch.review.api). Every route but the login page and static files needs the
workspace token: a session cookie from the login page, or `Authorization: Bearer TOKEN`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import duckdb
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.middleware.trustedhost import TrustedHostMiddleware

from cibwatch.errors import CibwatchError
from cibwatch.review.auth import Authenticator, Session
from cibwatch.review.db import Store

SESSION_COOKIE = "cibwatch_session"
STATIC_DIR = Path(__file__).parent / "static"
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1"]

# No inline script or style anywhere: script-src/style-src 'self' only, no eval; nothing may
# frame the app; forms post only here; no plugin, base or external fetches.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # same-origin, not no-referrer: under no-referrer Chromium sends `Origin: null` on form
    # posts, which the CSRF origin check must refuse.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class NotAuthenticated(Exception):
    """No valid token or session came with the request."""


class Forbidden(Exception):
    """Authenticated, but the request failed a CSRF or origin check."""


class NotFound(Exception):
    """The requested network, asset or edge does not exist."""


@dataclass(frozen=True)
class Principal:
    """Who makes a request: the actor name and how they authenticated."""

    actor: str
    via: str  # "browser" (session cookie) or "api" (bearer token)
    session: Session | None = None
    session_id: str | None = None


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def principal(request: Request) -> Principal:
    """FastAPI dependency: the authenticated caller, or NotAuthenticated."""
    auth: Authenticator = request.app.state.auth
    token = _bearer(request)
    if token is not None:
        if not auth.check_token(token):
            raise NotAuthenticated()
        actor = request.headers.get("x-actor", "").strip()[:200] or "api"
        request.state.principal = Principal(actor=actor, via="api")
        return request.state.principal
    sid = request.cookies.get(SESSION_COOKIE)
    session = auth.session(sid)
    if session is None:
        raise NotAuthenticated()
    request.state.principal = Principal(
        actor=session.actor, via="browser", session=session, session_id=sid
    )
    return request.state.principal


def _pathq(value: Any) -> str:
    # Network ids are data: quote every reserved character, '/' included.
    return quote(str(value), safe="")


def _short(value: Any, n: int = 160) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= n else text[: n - 1] + "…"


# Bidi embeddings, overrides, isolates and marks: stripped where <bdi> cannot isolate them
# (<title>, <option>), so a name cannot flip the text around it.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _plain(value: Any) -> str:
    return _BIDI_CONTROLS.sub("", "" if value is None else str(value))


def _bdi(value: Any, n: int | None = None) -> Markup:
    """Data as escaped text in <bdi dir="auto">: direction overrides stay inside it."""
    text = "" if value is None else str(value)
    if n is not None:
        text = _short(text, n)
    return Markup('<bdi dir="auto">%s</bdi>') % text


def asset_ref(aid: Any, platform: Any, kind: Any, native_id: Any, handle: Any = None) -> Markup:
    """An asset named by (platform, kind, native_id), linked to its page, with its handle."""
    out = Markup(
        '<a class="asset" href="/assets/%s"><span class="plat plat-%s">%s</span> · %s · %s</a>'
    ) % (_pathq(aid), platform or "none", platform or "", kind or "", _bdi(native_id, 80))
    if handle:
        out += Markup(' <span class="handle">@%s</span>') % _bdi(handle, 60)
    return out


def _scalars(value: Any) -> bool:
    """True for a list of plain values (shown inline rather than one per line)."""
    return isinstance(value, list) and all(
        v is None or isinstance(v, str | int | float | bool) for v in value
    )


def _num(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def make_templates() -> Environment:
    env = Environment(
        loader=PackageLoader("cibwatch.review", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pathq"] = _pathq
    env.filters["short"] = _short
    env.filters["num"] = _num
    env.filters["plain"] = _plain
    env.filters["bdi"] = _bdi
    env.globals["asset_ref"] = asset_ref
    env.tests["scalars"] = _scalars
    return env


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    env: Environment = request.app.state.templates
    who: Principal | None = getattr(request.state, "principal", None)
    context.setdefault("principal", who)
    context.setdefault("csrf_token", who.session.csrf if who and who.session else "")
    html = env.get_template(name).render(request_path=request.url.path, **context)
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(
    workspace: str | Path,
    *,
    allowed_hosts: list[str] | None = None,
    idle_seconds: float | None = None,
) -> FastAPI:
    """Build the review app for a workspace (which must hold a review token: auth.ensure_token).

    `allowed_hosts` (e.g. LOOPBACK_HOSTS) rejects requests whose Host header names anything else,
    which defeats DNS-rebinding pages; `idle_seconds` lets go of the database file when idle.
    """
    from contextlib import asynccontextmanager

    store = Store(Path(workspace), idle_seconds=idle_seconds)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        store.start()
        yield
        store.close()

    app = FastAPI(
        title="cibwatch review",
        summary="Browse suspected CIB networks, weigh the evidence, record decisions.",
        version="1",
        docs_url=None,  # Swagger UI would load scripts from a CDN; the spec is at /api/openapi.json
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.auth = Authenticator(Path(workspace))
    app.state.templates = make_templates()
    app.state.workspace = Path(workspace)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)

    @app.exception_handler(NotAuthenticated)
    async def _unauthenticated(request: Request, exc: NotAuthenticated) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": "authentication required: send Authorization: Bearer TOKEN"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        message = str(exc) or "forbidden"
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=403)
        return render(request, "error.html", 403, title="Refused", message=message)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=404)
        return render(request, "error.html", 404, title="Not found", message=str(exc))

    @app.exception_handler(CibwatchError)
    async def _cibwatch_error(request: Request, exc: CibwatchError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=400)
        return render(request, "error.html", 400, title="Not recorded", message=str(exc))

    @app.exception_handler(duckdb.IOException)
    async def _busy(request: Request, exc: duckdb.IOException) -> Response:
        message = "the workspace database is busy (another cibwatch command holds it); retry"
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=503)
        return render(request, "error.html", 503, title="Busy", message=message)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    from cibwatch.review import api, pages

    app.include_router(pages.router)
    app.include_router(api.router)
    return app
