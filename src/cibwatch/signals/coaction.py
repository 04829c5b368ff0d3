"""The one co-action operator: "two assets did the same thing to the same key within Δt".

Input is a table of actions (asset_id, key, at, item): asset `asset_id` did something to `key`
(shared URL, reshared post id, normalized text, hashtag sequence, mentioned account...) at time
`at`; `item` names the action itself (the post id) for evidence. Output is one edge per unordered
asset pair (EDGE_COLUMNS of cibwatch.signals.base).

Sub-quadratic by construction. Pairs are never formed by an equi-join on the key alone (a URL
shared by 200k accounts would explode into 2·10^10 pairs before any time filter). Instead:

1. actions are numbered within their key in (time, asset, item) order (`rn`, a sort on
   (key, time));
2. each action falls in a block of its key: in exact mode the time bucket floor(t / W) with W =
   ceil(Δt) seconds; with `max_neighbours = k` the rank bucket floor(rn / k);
3. the join is on (key, block) against the right side duplicated into its own block and the one
   before, so an action meets only actions of its own and the next block; then
   `rn_left < rn_right`, `t_right - t_left <= Δt` (and `rn_right - rn_left <= k`) keep each
   unordered action pair exactly once.

Candidate pairs are therefore the pairs inside two adjacent blocks: about twice the pairs
inside Δt in exact mode, and at most 2·k per action with `max_neighbours = k`; cost grows with
the pairs inside Δt, never with the square of a key's audience. Times are compared at one-second
resolution (timestamps are truncated to the second).

Popular keys are down-weighted (IDF-like). With n_k the number of distinct assets that acted
on key k anywhere in the input, each key contributes once per pair (repeats don't inflate):

    popularity = "log"      w_k = ln 3 / ln(1 + n_k)    (Adamic-Adar; 1 for a key two assets share,
                                                          0.48 at n_k = 10, 0.09 at n_k = 200,000)
    popularity = "inverse"  w_k = 1 / (n_k - 1)         (resource allocation; much steeper)
    popularity = "none"     w_k = 1

    weight(a, b) = scale · Σ_{k shared by a and b within Δt} w_k

so a viral URL adds at most ~0.09 to each of the pairs it touches, while ten rare URLs shared by
the same two accounts add 10. The formula depends only on the key's own audience, not on the
size of the world, so adding unrelated data does not change an existing edge's weight.

`min_participation` reproduces CooRTweet's filter of the same name (detect_groups): an asset
takes part only with at least that many actions in the input, and an action pair is kept only
when one of its two actions belongs to an asset with at least that many actions that take part
in some action pair. Two actions with the same `item` never pair (CooRTweet's loop removal).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from cibwatch.signals.base import EXAMPLE_KEY_CHARS, MAX_EXAMPLES, EngineLike, param

POPULARITY = ("log", "inverse", "none")
WEIGHT_DIGITS = 9


@dataclass(frozen=True)
class CoActionParams:
    """Parameters shared by every signal built on the co-action operator."""

    window: float = param(
        60.0,
        "time window Δt: two actions on the same key at most this far apart are a co-action",
        unit="s",
        min=0,
    )
    min_events: int = param(
        1, "keep an edge with at least this many co-actions", unit="co-actions", min=1
    )
    min_keys: int = param(
        1, "keep an edge with at least this many distinct shared keys", unit="keys", min=1
    )
    popularity: str = param(
        "log",
        "down-weighting of popular keys: log (w=ln3/ln(1+n_k)), inverse (w=1/(n_k-1)), none (w=1)",
        choices=POPULARITY,
    )
    max_neighbours: int = param(
        0,
        "0 pairs every two actions inside Δt (exact); k > 0 pairs an action only with the next k "
        "actions on the same key, bounding bursts to k pairs per action",
        unit="actions",
        min=0,
    )
    min_participation: int = param(
        1,
        "CooRTweet's min_participation: assets need this many actions, and a co-action is kept "
        "only if one of its assets has this many actions that are part of co-actions",
        unit="actions",
        min=1,
    )
    scale: float = param(1.0, "multiplier applied to every edge weight of this signal", min=0)


def key_weight(n_assets: ir.IntegerValue, popularity: str) -> ir.FloatingValue:
    """IDF-like weight of a key acted on by `n_assets` distinct assets (see module docstring)."""
    n = n_assets.cast("float64")
    if popularity == "log":
        return math.log(3.0) / (n + 1.0).ln()
    if popularity == "inverse":
        return 1.0 / (n - 1.0)
    return n * 0.0 + 1.0


def co_actions(
    actions: ir.Table, params: CoActionParams, engine: EngineLike | None = None
) -> ir.Table:
    """Edges between assets that acted on the same key within `params.window` seconds.

    `actions` has columns asset_id (int64), key (string), at (timestamp) and item (string, the
    action's own id, used to order simultaneous actions and as evidence). `engine` (the
    signal's ctx.engine) picks the engine's cheapest top-N aggregate for the examples; the
    edges are the same without it.
    """
    return fold_numbered(*co_action_kids(actions, params), params, engine)


def co_action_kids(
    actions: ir.Table, params: CoActionParams, extra_keys: ir.Table | None = None
) -> tuple[ir.Table, ir.Table]:
    """Co-actions folded per (a, b, kid), and the numbering of the keys: (kid, key).

    `kid` numbers the keys in key order (so ordering by kid is ordering by key); only keys at
    least two assets acted on are numbered, and those in `extra_keys` (a table with a `key`
    column), for rows a signal folds in from elsewhere (co-share's fast reshares).
    """
    acts = actions.select(
        asset_id=actions.asset_id.cast("int64"),
        key=actions.key.cast("string"),
        at=actions.at.truncate("s"),
        item=actions.item.cast("string"),
    )
    acts = acts.filter(acts.asset_id.notnull(), acts.key.notnull(), acts.at.notnull())
    if params.min_participation > 1:
        # Rows counted before de-duplication, as CooRTweet's prefilter does.
        counts = acts.group_by("asset_id").aggregate(n_actions=acts.count())
        keep = counts.filter(counts.n_actions >= params.min_participation).select("asset_id")
        acts = acts.semi_join(keep, "asset_id")
    raw_acts = acts.distinct()

    # Keys (whole texts, URLs) are numbered once: every later step (de-duplication, numbering,
    # the pair join, the fold) works on an integer `kid`, and the key itself is joined back
    # only onto the folded rows. Long string keys in every hash table made identical-text
    # spill and crawl at 10M posts.
    popularity = acts.group_by("key").aggregate(n_k=acts.asset_id.nunique())
    # A key only one asset acted on pairs nobody: its actions, and the key itself, leave here
    # (most texts and URLs at 10M posts), before the numbering, the pair join and the lookups.
    popularity = popularity.filter(popularity.n_k >= 2)
    if extra_keys is None:
        popularity = popularity.mutate(kid=ibis.row_number().over(order_by=popularity.key))
        keys = popularity.select("kid", "key")
    else:
        keys = ibis.union(popularity.select("key"), extra_keys.select("key"), distinct=True)
        keys = keys.mutate(kid=ibis.row_number().over(order_by=keys.key))
        popularity = popularity.join(keys, "key")
    acts = acts.join(popularity, "key").select(
        "asset_id",
        "kid",
        "at",
        "item",
        "n_k",
        ts=acts.at.epoch_seconds().cast("int64"),
    )
    acts = acts.distinct()
    acts = acts.mutate(
        rn=ibis.row_number().over(group_by=acts.kid, order_by=[acts.ts, acts.asset_id, acts.item])
    )
    width = max(int(math.ceil(params.window)), 1)  # block width in whole seconds
    k = params.max_neighbours
    block = (acts.rn // k) if k > 0 else (acts.ts // width)
    acts = acts.mutate(block=block.cast("int64"))

    left = acts.select(
        "kid", "block", "n_k", l_asset="asset_id", l_at="at", l_ts="ts", l_rn="rn", l_item="item"
    )
    right_cols = {"r_asset": "asset_id", "r_at": "at", "r_ts": "ts", "r_rn": "rn", "r_item": "item"}
    right = ibis.union(
        acts.select("kid", jb=acts.block, **right_cols),
        acts.select("kid", jb=acts.block - 1, **right_cols),
        distinct=False,
    )
    pairs = left.join(right, [left.kid == right.kid, left.block == right.jb])
    cond = [
        pairs.l_rn < pairs.r_rn,
        pairs.r_ts - pairs.l_ts <= params.window,
        pairs.l_asset != pairs.r_asset,
        pairs.l_item != pairs.r_item,
    ]
    if k > 0:
        cond.append(pairs.r_rn - pairs.l_rn <= k)
    pairs = pairs.filter(*cond).select(
        "kid",
        "n_k",
        "l_at",
        "r_at",
        "l_item",
        "r_item",
        a=ibis.least(pairs.l_asset, pairs.r_asset),
        b=ibis.greatest(pairs.l_asset, pairs.r_asset),
    )
    if params.min_participation > 1:
        pairs = _participation_filter(raw_acts, pairs, params.min_participation)

    folded = pairs.group_by(["a", "b", "kid"]).aggregate(
        ev=pairs.count(),
        first=pairs.l_at.min(),
        last=pairs.r_at.max(),
        w=key_weight(pairs.n_k.max(), params.popularity),
    )
    return folded, keys


def _participation_filter(acts: ir.Table, pairs: ir.Table, min_participation: int) -> ir.Table:
    """CooRTweet's second filter (filter_min_participation), matched item by item.

    An asset passes when at least `min_participation` of its actions take part in some
    co-action; a co-action is kept when either of its two actions belongs to a passing asset.
    Items are matched by value, like CooRTweet's content ids.
    """
    paired = ibis.union(
        pairs.select(item=pairs.l_item), pairs.select(item=pairs.r_item), distinct=True
    )
    involved = acts.filter(acts.item.isin(paired.item))
    counts = involved.group_by("asset_id").aggregate(n=involved.count())
    passing = counts.filter(counts.n >= min_participation).select("asset_id")
    passing_items = acts.semi_join(passing, "asset_id").select("item").distinct()
    return pairs.filter(
        pairs.l_item.isin(passing_items.item) | pairs.r_item.isin(passing_items.item)
    )


def pair_edges(per_key: ir.Table, params: CoActionParams) -> ir.Table:
    """Fold per-(a, b, key) co-actions into one edge per pair, with example keys as evidence.

    `per_key` has a, b, key, ev (co-actions), first, last (timestamps) and w (key weight).
    Signals that form pairs their own way can reuse this to produce EDGE_COLUMNS.
    """
    # The examples are the MAX_EXAMPLES earliest keys (ties by key): collected as (at, key)
    # structs, sorted, cut and turned into (key, at). The same as numbering the rows of each
    # pair with a window and collecting the first ones, without a window partitioned by pair
    # (most pairs hold one key, and that window was the costliest step of every co-action).
    example = ibis.struct({"at": per_key.first, "key": per_key.key})
    edges = _fold_pairs(per_key, params, example.collect())
    edges = edges.mutate(
        examples=edges.ranked.sort()[:MAX_EXAMPLES].map(
            lambda e: ibis.struct({"key": e.key.substr(0, EXAMPLE_KEY_CHARS), "at": e.at})
        )
    )
    return _edge_columns(edges)


# Each example is numbered as one integer that sorts like (time, key): whole seconds above,
# the key's number (kid, in key order) in the low _KID_BITS bits (up to 2^30 shared keys per
# signal). Seconds are clipped to ±2^32 (years 1834-2106) so the product stays inside int64;
# outside that range only the first example's time (the pair's first_at) stays exact.
_KID_BITS = 30
_KID_MASK = (1 << _KID_BITS) - 1
_SECONDS_BOUND = 1 << 32


@ibis.udf.agg.builtin(name="min")
def _smallest(arg: int, n: int) -> list[int]:  # type: ignore[empty-body]
    """DuckDB's min(arg, n): the n smallest values, ascending; its state holds n values."""


def fold_numbered(
    per_kid: ir.Table, keys: ir.Table, params: CoActionParams, engine: EngineLike | None = None
) -> ir.Table:
    """pair_edges for per-(a, b, kid) rows whose keys are numbered by `keys` (kid, key).

    The same edges as pair_edges over the same rows with their keys, built more cheaply: a
    row's example is one integer (seconds << 30 | kid), the pair keeps the MAX_EXAMPLES
    smallest, and only those are turned back into (key, time) by joins on kid after the fold.
    Collecting (time, key) structs with the key strings for every pair was most of the cost of
    every co-action signal on dense worlds (co-link at 10M posts: 97 of 144 s CPU), and the
    strings made the list aggregate spill.

    With an engine that has the `top_n_aggregate` capability (DuckDB's min(x, n)), each pair's
    state is MAX_EXAMPLES integers; otherwise the integers are collected, sorted and cut (Spark).
    On DuckDB the key lookups need the build side as written (the keys table, see
    Signal.join_sides_as_written): its estimates put the folded edges there, and three
    hash tables of every edge beside the final sort ran out of memory at 10M posts.
    """
    seconds = per_kid.first.epoch_seconds().cast("int64").clip(-_SECONDS_BOUND, _SECONDS_BOUND)
    packed = seconds * (1 << _KID_BITS) + per_kid.kid.cast("int64")
    top_n = engine is not None and engine.has("top_n_aggregate")
    ranked = _smallest(packed, MAX_EXAMPLES) if top_n else packed.collect()
    edges = _fold_pairs(per_kid, params, ranked)
    top = edges.ranked if top_n else edges.ranked.sort()
    # The list is dropped before the joins: carried through them, every hash table would hold
    # one list per edge.
    edges = edges.mutate(
        **{
            f"x{i}": ibis.ifelse(top.length() > i, top[i], ibis.null("int64"))
            for i in range(MAX_EXAMPLES)
        }
    ).drop("ranked")
    for i in range(MAX_EXAMPLES):
        k = keys.view()
        edges = edges.left_join(k, (edges[f"x{i}"] & _KID_MASK) == k.kid)
        edges = edges.drop("kid").rename({f"key{i}": "key"})
    # The first example's time is the pair's first time; the others are offsets from it.
    examples = [
        ibis.struct(
            {
                "key": edges[f"key{i}"].substr(0, EXAMPLE_KEY_CHARS),
                "at": edges.first_at
                + ((edges[f"x{i}"] >> _KID_BITS) - (edges.x0 >> _KID_BITS)).as_interval("s"),
            }
        )
        for i in range(MAX_EXAMPLES)
    ]
    edges = edges.mutate(examples=ibis.array(examples).filter(lambda e: e.key.notnull()))
    return _edge_columns(edges)


def _fold_pairs(rows: ir.Table, params: CoActionParams, ranked: ir.Value) -> ir.Table:
    """Per-(a, b, key) rows summed per pair, `ranked` (the examples' aggregate) beside them,
    and the pairs below the minimums dropped: the fold of pair_edges and fold_numbered."""
    edges = rows.group_by(["a", "b"]).aggregate(
        # Rounded so that engines summing in different orders give the same bits.
        weight=(rows.w.sum() * params.scale).round(WEIGHT_DIGITS),
        events=rows.ev.sum().cast("int64"),
        keys=rows.count().cast("int64"),
        first_at=rows.first.min(),
        last_at=rows.last.max(),
        ranked=ranked,
    )
    return edges.filter(edges.events >= params.min_events, edges.keys >= params.min_keys)


def _edge_columns(edges: ir.Table) -> ir.Table:
    """The folded pairs (a, b, ...) as EDGE_COLUMNS, in that order."""
    return edges.select(
        asset_a=edges.a,
        asset_b=edges.b,
        weight=edges.weight,
        events=edges.events,
        keys=edges.keys,
        first_at=edges.first_at,
        last_at=edges.last_at,
        examples=edges.examples,
    )
