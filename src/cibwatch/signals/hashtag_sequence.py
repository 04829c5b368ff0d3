"""hashtag-sequence: assets that published the same ordered sequence of hashtags within Δt.

A scripted campaign pastes the same block of hashtags ("#a #b #c") into every post; organic
users pick one or two in their own order. The key is the post's hashtags joined in order of
appearance (duplicates kept), so two posts match only with the very same sequence.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from cibwatch.signals.base import Context, Signal, param, register
from cibwatch.signals.coaction import CoActionParams, co_actions


@dataclass(frozen=True)
class HashtagSequenceParams(CoActionParams):
    """hashtag-sequence: the key is the ordered hashtag sequence of a post."""

    min_hashtags: int = param(
        2,
        "ignore posts with fewer hashtags than this (one tag is a topic, not a script)",
        unit="hashtags",
        min=1,
    )


@register
class HashtagSequence(Signal):
    """Same ordered hashtag sequence published by two assets within Δt."""

    name = "hashtag-sequence"
    join_sides_as_written = True  # coaction.fold_numbered
    tables = ("posts", "post_hashtags")
    Params = HashtagSequenceParams

    def edges(self, ctx: Context, params: HashtagSequenceParams) -> ir.Table:
        tags = ctx.table("post_hashtags")
        # Sort (position, hashtag) structs inside each post's array: an ordered collect is not
        # portable across engines, sorting the collected array is.
        item = ibis.struct({"position": tags.position, "hashtag": tags.hashtag})
        seqs = tags.group_by("post_id").aggregate(items=item.collect(), n=tags.count())
        seqs = seqs.filter(seqs.n >= params.min_hashtags)
        seqs = seqs.select(
            "post_id",
            key=seqs.items.sort().map(lambda s: s.hashtag).join(" "),
        )
        posts = ctx.table("posts")
        own = posts.filter(posts.shared_post_id.isnull())
        j = seqs.join(own, seqs.post_id == own.post_id)
        actions = j.select(
            asset_id=j.asset_id, key=j.key.name("key"), at=j.created_at, item=j.native_id
        )
        return co_actions(actions, params, ctx.engine)
