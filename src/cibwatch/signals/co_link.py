"""co-link and co-domain: assets that posted the same normalized URL (or registered domain) within Δt."""

from __future__ import annotations

from dataclasses import dataclass

import ibis.expr.types as ir

from cibwatch.signals.base import Context, Signal, param, register
from cibwatch.signals.coaction import CoActionParams, co_actions


@dataclass(frozen=True)
class CoLinkParams(CoActionParams):
    """co-link: the key is the normalized URL (tracking parameters and www. removed at ingest)."""


@dataclass(frozen=True)
class CoDomainParams(CoActionParams):
    """co-domain: the key is the registered domain (eTLD+1); weaker, so scaled down by default."""

    scale: float = param(
        0.25,
        "multiplier applied to every edge weight (a shared domain is weaker than a URL)",
        min=0,
    )


def _url_actions(ctx: Context, column: str) -> ir.Table:
    posts = ctx.table("posts")
    urls = ctx.table("post_urls")
    # A reshare repeats the original's links: counting it here would double co-share's evidence.
    own = posts.filter(posts.shared_post_id.isnull())
    joined = urls.join(own, urls.post_id == own.post_id)
    return joined.select(
        asset_id=joined.asset_id,
        key=joined[column],
        at=joined.created_at,
        item=joined.native_id,
    )


@register
class CoLink(Signal):
    """Same normalized URL posted by two assets within Δt."""

    name = "co-link"
    join_sides_as_written = True  # coaction.fold_numbered
    tables = ("posts", "post_urls")
    Params = CoLinkParams

    def edges(self, ctx: Context, params: CoLinkParams) -> ir.Table:
        return co_actions(_url_actions(ctx, "url_norm"), params, ctx.engine)


@register
class CoDomain(Signal):
    """Same registered domain posted by two assets within Δt."""

    name = "co-domain"
    join_sides_as_written = True  # coaction.fold_numbered
    tables = ("posts", "post_urls")
    Params = CoDomainParams

    def edges(self, ctx: Context, params: CoDomainParams) -> ir.Table:
        return co_actions(_url_actions(ctx, "domain"), params, ctx.engine)
