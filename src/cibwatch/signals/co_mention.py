"""co-mention and co-reply: assets that targeted the same account, or replied to the same post,
within Δt."""

from __future__ import annotations

from dataclasses import dataclass

import ibis.expr.types as ir

from cibwatch.signals.base import Context, Signal, register
from cibwatch.signals.coaction import CoActionParams, co_actions


@dataclass(frozen=True)
class CoMentionParams(CoActionParams):
    """co-mention: the key is the mentioned handle (lower-case, without '@')."""


@dataclass(frozen=True)
class CoReplyParams(CoActionParams):
    """co-reply: the key is the native id of the post replied to."""


@register
class CoMention(Signal):
    """Two assets mentioned the same account within Δt (a popular target is down-weighted)."""

    name = "co-mention"
    join_sides_as_written = True  # coaction.fold_numbered
    tables = ("posts", "post_mentions")
    Params = CoMentionParams

    def edges(self, ctx: Context, params: CoMentionParams) -> ir.Table:
        posts = ctx.table("posts")
        mentions = ctx.table("post_mentions")
        # A reshare repeats the original's mentions.
        own = posts.filter(posts.shared_post_id.isnull())
        j = mentions.join(own, mentions.post_id == own.post_id)
        actions = j.select(
            asset_id=j.asset_id,
            key=j.platform.concat(":", j.mention),
            at=j.created_at,
            item=j.native_id,
        )
        return co_actions(actions, params, ctx.engine)


@register
class CoReply(Signal):
    """Two assets replied to the same post within Δt."""

    name = "co-reply"
    join_sides_as_written = True  # coaction.fold_numbered
    tables = ("posts",)
    Params = CoReplyParams

    def edges(self, ctx: Context, params: CoReplyParams) -> ir.Table:
        posts = ctx.table("posts")
        replies = posts.filter(posts.reply_to.notnull())
        actions = replies.select(
            asset_id=replies.asset_id,
            key=replies.platform.concat(":", replies.reply_to),
            at=replies.created_at,
            item=replies.native_id,
        )
        return co_actions(actions, params, ctx.engine)
