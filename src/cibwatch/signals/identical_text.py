"""identical-text: assets that published the same normalized text within Δt.

Texts are compared after cibwatch.text.normalize (stored as posts.text_norm at ingest): Arabic
ي/ك and Persian ی/ک, ZWNJ and spaces, tatweel and diacritics no longer tell copies apart.
Reshares are left out (they repeat the original's text; co-share covers them).
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis.expr.types as ir

from cibwatch.signals.base import Context, Signal, param, register
from cibwatch.signals.coaction import CoActionParams, co_actions


@dataclass(frozen=True)
class IdenticalTextParams(CoActionParams):
    """identical-text: the key is the whole normalized text."""

    min_length: int = param(
        20,
        "ignore texts shorter than this after normalization (greetings, 'lol', a lone link)",
        unit="characters",
        min=1,
    )


@register
class IdenticalText(Signal):
    """Same normalized text published by two assets within Δt."""

    name = "identical-text"
    join_sides_as_written = True  # coaction.fold_numbered
    tables = ("posts",)
    Params = IdenticalTextParams

    def edges(self, ctx: Context, params: IdenticalTextParams) -> ir.Table:
        posts = ctx.table("posts")
        own = posts.filter(
            posts.shared_post_id.isnull(),
            posts.text_norm.notnull(),
            posts.text_norm.length() >= params.min_length,
        )
        actions = own.select(
            asset_id=own.asset_id, key=own.text_norm, at=own.created_at, item=own.native_id
        )
        return co_actions(actions, params, ctx.engine)
