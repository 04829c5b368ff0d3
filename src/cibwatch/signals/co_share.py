"""co-share: assets that reshared the same post within Δt, or reshared each other's posts fast."""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from cibwatch.signals.base import Context, Signal, param, register
from cibwatch.signals.coaction import CoActionParams, co_action_kids, fold_numbered, key_weight


@dataclass(frozen=True)
class CoShareParams(CoActionParams):
    """co-share: the key is the reshared post's native id (retweet, Facebook share, forward)."""

    fast_reshare_window: float = param(
        60.0,
        "also link an asset to the author of a post it reshared at most this long after "
        "publication (amplifying one's own network); 0 turns this off",
        unit="s",
        min=0,
    )


@register
class CoShare(Signal):
    """Two assets reshared the same post within Δt; or one reshared the other's post fast."""

    name = "co-share"
    join_sides_as_written = True  # coaction.fold_numbered
    tables = ("posts",)
    Params = CoShareParams

    def edges(self, ctx: Context, params: CoShareParams) -> ir.Table:
        posts = ctx.table("posts")
        # A post that "reshares" itself is a loop, not an action (CooRTweet drops these too).
        shares = posts.filter(
            posts.shared_post_id.notnull(), posts.shared_post_id != posts.native_id
        )
        actions = shares.select(
            asset_id=shares.asset_id,
            # Post ids are unique per platform only.
            key=shares.platform.concat(":", shares.shared_post_id),
            at=shares.created_at,
            # Repeated rows of one post are stored as "<id>#<k>" (k >= 2) by the peer-tool
            # adapters; they are the same item, so they never pair with each other and count
            # together in min_participation, as in CooRTweet.
            item=shares.native_id.re_replace(r"#[0-9]+$", ""),
        )
        if params.fast_reshare_window <= 0:
            return fold_numbered(*co_action_kids(actions, params), params, ctx.engine)
        fast = _fast_reshares(posts, params)
        # Fast reshares are folded with the co-actions, their keys numbered with them.
        per_kid, keys = co_action_kids(actions, params, extra_keys=fast)
        fast = fast.join(keys, fast.key == keys.key)
        fast = fast.select("a", "b", "kid", "ev", "first", "last", "w")
        return fold_numbered(ibis.union(per_kid, fast, distinct=False), keys, params, ctx.engine)


def _fast_reshares(posts: ir.Table, params: CoShareParams) -> ir.Table:
    """(author, resharer) pairs where the reshare came within fast_reshare_window seconds.

    A join on the original's id, which is unique: linear in the number of reshares.
    """
    orig = posts.select(
        o_platform=posts.platform,
        o_native=posts.native_id,
        o_asset=posts.asset_id,
        o_at=posts.created_at.truncate("s"),
    )
    shares = posts.filter(posts.shared_post_id.notnull()).select(
        s_platform=posts.platform,
        s_target=posts.shared_post_id,
        s_asset=posts.asset_id,
        s_at=posts.created_at.truncate("s"),
    )
    audience = shares.group_by(["s_platform", "s_target"]).aggregate(
        n_k=shares.s_asset.nunique() + 1
    )
    j = shares.join(orig, [shares.s_platform == orig.o_platform, shares.s_target == orig.o_native])
    lag = j.s_at.epoch_seconds() - j.o_at.epoch_seconds()
    j = j.filter(lag >= 0, lag <= params.fast_reshare_window, j.s_asset != j.o_asset)
    j = j.join(
        audience,
        [j.s_platform == audience.s_platform, j.s_target == audience.s_target],
    )
    fast = j.select(
        a=ibis.least(j.s_asset, j.o_asset).cast("int64"),
        b=ibis.greatest(j.s_asset, j.o_asset).cast("int64"),
        key=j.o_platform.concat(":", j.o_native),
        at_o=j.o_at,
        at_s=j.s_at,
        n_k=j.n_k,
    )
    return fast.group_by(["a", "b", "key"]).aggregate(
        ev=fast.count(),
        first=fast.at_o.min(),
        last=fast.at_s.max(),
        w=key_weight(fast.n_k.max(), params.popularity),
    )
