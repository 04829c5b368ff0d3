"""CSRF protection for state-changing requests made by a browser session.

A browser request that changes state must carry the session's CSRF token (a hidden form field
`csrf_token`, or the `X-CSRF-Token` header for fetch calls) and, when the browser sends one, an
`Origin` naming this server. The SameSite=Strict cookie already keeps other sites' requests
unauthenticated; the token is the second, independent lock. Requests authenticated with
`Authorization: Bearer` are exempt: a browser never attaches that header cross-site.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from starlette.requests import Request

FORM_FIELD = "csrf_token"
HEADER = "x-csrf-token"


def same_origin(request: Request) -> bool:
    """False when the browser says the request comes from another origin."""
    origin = request.headers.get("origin")
    if origin is None:
        # Older browsers and same-origin GET-like navigations may omit it; the token decides.
        return True
    if origin == "null":
        return False
    parts = urlsplit(origin)
    host = request.headers.get("host", "")
    return parts.netloc == host and parts.scheme in ("http", "https")


def valid(request: Request, expected: str, submitted: str | None) -> bool:
    """True when the submitted token equals the session's (constant time) and origins agree."""
    if not submitted or not expected:
        return False
    if not same_origin(request):
        return False
    return hmac.compare_digest(submitted.encode(), expected.encode())
