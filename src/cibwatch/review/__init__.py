"""The review app: browse suspect networks, weigh the evidence, record decisions (`cibwatch serve`).

`create_app(workspace)` builds the FastAPI app; `auth.ensure_token` / `auth.new_token` manage the
workspace token; `decisions` is the append-only audit log the report reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(workspace: Any, **options: Any) -> FastAPI:
    """Build the review app for a workspace (imports FastAPI only when called)."""
    from cibwatch.review.app import create_app as _create

    return _create(workspace, **options)


__all__ = ["create_app"]
