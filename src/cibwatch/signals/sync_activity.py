"""sync-activity: assets active in the same fine time bins far beyond what their rhythms explain.

Automated or centrally run accounts post in lockstep: the same minutes, day after day. Two
ordinary accounts with the same daily rhythm (office hours in Tehran) are also active in the
same hours, so co-activity alone proves nothing; what matters is co-activity in *fine* bins
beyond what each asset's own hour-of-week profile predicts.

Plan (sub-quadratic: no per-bin self-join, which on a busy platform pairs hundreds of assets
in every minute):

1. each asset's set of active bins (floor(t / bin)); assets with fewer than `min_active_bins`
   are left out (too little evidence);
2. MinHash of each asset's bin set (cibwatch.signals.minhash) and LSH banding propose pairs
   whose bin sets overlap strongly (estimated Jaccard >= `min_jaccard` after verification).
   Busy bins cost nothing extra: a bin's popularity never becomes a join. A bucket shared by
   more than `max_bucket_assets` assets pairs each asset only with its `neighbours` next ones;
3. for each candidate pair, in the engine: observed co-active bins c, and the expectation
   under independent activity that follows each asset's own hour-of-week profile,

       E = Σ_h n_a(h) · n_b(h) / N(h)

   with n_x(h) the active bins of x in hour-of-week slot h and N(h) the bins of slot h in the
   observed span; the pair is kept when c >= `min_co_bins` and the Poisson (Chernoff) bound
   on P[C >= c] is below `alpha`:  c·ln(c/E) − c + E >= ln(1/alpha);
4. weight = c − E, the co-active bins that the shared rhythm does not explain; events = keys
   = c; examples are the first co-active bins.

Not covered (documented gaps): lockstep with a constant lag longer than the bin, and pairs
whose bin sets differ a lot in size (one asset 10x more active: Jaccard stays low).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from cibwatch.signals import minhash
from cibwatch.signals.base import Context, Signal, param, register
from cibwatch.signals.coaction import pair_edges
from cibwatch.signals.near_duplicate_text import (
    candidate_pairs,
    folding_params,
    shared_band_keys,
    verify,
)

_WEEK = 7 * 86400
_SLOTS = 256  # > 168 hour-of-week slots: asset * _SLOTS + slot is one key per (asset, slot)
_BINS = 1 << 32  # > any bin number (epoch seconds / bin): asset * _BINS + bin is one key


@dataclass(frozen=True)
class SyncActivityParams:
    """sync-activity parameters."""

    bin: int = param(60, "width of an activity time bin", unit="s", min=1, max=86400)
    min_active_bins: int = param(
        10, "leave out assets active in fewer bins than this", unit="bins", min=2
    )
    min_co_bins: int = param(
        5, "keep a pair active together in at least this many bins", unit="bins", min=1
    )
    alpha: float = param(
        1e-6,
        "keep a pair when the Poisson bound on its co-active bins under the rhythm-only null "
        "is below this probability",
        unit="probability",
        min=0.0,
        max=1.0,
    )
    min_jaccard: float = param(
        0.3,
        "candidate pairs need at least this estimated Jaccard similarity of their bin sets",
        unit="Jaccard",
        min=0.0,
        max=1.0,
    )
    num_perm: int = param(64, "MinHash signature length", unit="values", min=8, max=1024)
    bands: int = param(16, "LSH bands (rows per band = num_perm // bands)", unit="bands", min=1)
    max_bucket_assets: int = param(
        200,
        "an LSH bucket with more assets than this pairs each asset only with `neighbours` others",
        unit="assets",
        min=2,
    )
    neighbours: int = param(20, "pairs per asset inside an oversized bucket", unit="assets", min=1)
    min_events: int = param(1, "keep an edge with at least this many co-active bins", min=1)
    min_keys: int = param(1, "same as min_events (a co-active bin is the key)", min=1)
    scale: float = param(1.0, "multiplier applied to every edge weight of this signal", min=0)


@register
class SyncActivity(Signal):
    """Co-activity in fine time bins beyond each asset's own hour-of-week rhythm."""

    name = "sync-activity"
    tables = ("posts",)
    Params = SyncActivityParams

    def edges(self, ctx: Context, params: SyncActivityParams) -> ir.Table:
        posts = ctx.table("posts")
        posts = posts.filter(posts.asset_id.notnull(), posts.created_at.notnull())
        act = posts.select(
            asset_id=posts.asset_id.cast("int64"),
            bin=(posts.created_at.epoch_seconds().cast("int64") // params.bin).cast("int64"),
        ).distinct()
        counts = act.group_by("asset_id").aggregate(n=act.count())
        active = counts.filter(counts.n >= params.min_active_bins).select("asset_id")
        act = act.semi_join(active, "asset_id")
        data = ctx.to_arrow(act.order_by(["asset_id", "bin"]))
        cand = _candidates(ctx, data, params)
        act_t = ctx.from_arrow("sync_bins", data)
        return _score(ctx.from_arrow("sync_pairs", cand), act_t, data, params)


def _candidates(ctx: Context, data: pa.Table, params: SyncActivityParams) -> pa.Table:
    """Asset pairs (a < b) whose bin sets overlap strongly, via MinHash LSH."""
    asset = data.column("asset_id").to_numpy()
    bins = data.column("bin").to_numpy().astype(np.uint64)
    empty = pa.table({"a": pa.array([], pa.int64()), "b": pa.array([], pa.int64())})
    if len(asset) == 0:
        return empty
    starts = np.flatnonzero(np.r_[True, asset[1:] != asset[:-1]])
    assets = asset[starts]
    row = np.cumsum(np.r_[True, asset[1:] != asset[:-1]]) - 1
    sig = minhash.set_signatures(
        row, minhash.mix64(bins + np.uint64(0x5BD1E995)), len(assets), params.num_perm
    )
    docs, keys, _ = shared_band_keys(sig, params.bands)
    bucketed = ctx.from_arrow(
        "sync_bands",
        pa.table(
            {
                "key": pa.array(keys, pa.int64()),
                "doc": pa.array(docs, pa.int64()),
                "asset_id": pa.array(assets[docs], pa.int64()),
                "ts": pa.array(np.zeros(len(docs), np.int64)),
            }
        ),
    )
    cand = ctx.to_arrow(candidate_pairs(bucketed, 0, params.max_bucket_assets, params.neighbours))
    d1 = cand.column("d1").to_numpy().astype(np.int64)
    d2 = cand.column("d2").to_numpy().astype(np.int64)
    ok = verify(sig, d1, d2) >= params.min_jaccard - 1e-9
    a, b = assets[d1[ok]], assets[d2[ok]]
    return pa.table(
        {"a": pa.array(np.minimum(a, b), pa.int64()), "b": pa.array(np.maximum(a, b), pa.int64())}
    )


def _score(pairs: ir.Table, act: ir.Table, data: pa.Table, params: SyncActivityParams) -> ir.Table:
    """Observed vs expected co-active bins for candidate pairs; EDGE_COLUMNS of kept pairs."""
    bins = data.column("bin").to_numpy()
    per_slot = 3600 // params.bin if params.bin <= 3600 else 1
    span_bins = int(bins.max() - bins.min() + 1) if len(bins) else 1
    # Bins of one hour-of-week slot in the observed span (at least one week's worth).
    n_slot = max(span_bins / (168 * per_slot), 1.0) * per_slot

    slot = ((act.bin * params.bin) % _WEEK // 3600).cast("int64")
    prof = act.mutate(slot=slot).group_by(["asset_id", "slot"]).aggregate(n=ibis._.count())
    # The second side is joined on one combined key (asset, slot) / (asset, bin) computed from
    # both earlier tables, so a join optimizer cannot join the profiles (or the bins) of all
    # assets with each other on slot (bin) alone first: that is quadratic in a busy minute.
    pa_ = prof.select(a=prof.asset_id, slot=prof.slot, na=prof.n)
    pb_ = prof.select(kb=prof.asset_id * _SLOTS + prof.slot, nb=prof.n)
    e = pairs.join(pa_, "a")
    e = e.join(pb_, (e.b * _SLOTS + e.slot) == pb_.kb)
    expected = e.group_by(["a", "b"]).aggregate(
        expected=ibis.least(
            e.na.cast("float64") * e.nb.cast("float64") / n_slot,
            e.na.cast("float64"),
            e.nb.cast("float64"),
        ).sum()
    )

    la = act.select(a=act.asset_id, bin=act.bin)
    lb = act.select(kb=act.asset_id * _BINS + act.bin)
    co = pairs.join(la, "a")
    co = co.join(lb, (co.b * _BINS + co.bin) == lb.kb).select("a", "b", "bin")
    observed = co.group_by(["a", "b"]).aggregate(c=co.count())
    s = observed.join(expected, ["a", "b"])
    c = s.c.cast("float64")
    ex = ibis.greatest(s.expected, 1e-9)
    chernoff = c * (c / ex).ln() - c + ex
    kept = s.filter(
        s.c >= params.min_co_bins,
        c > ex,
        chernoff >= -math.log(max(params.alpha, 1e-300)),
    ).select("a", "b", ratio=ex / c)

    per_bin = co.join(kept, ["a", "b"])
    start = (per_bin.bin * params.bin).cast("int64").as_timestamp("s")
    per_key = per_bin.select(
        "a",
        "b",
        # The bin's start in epoch seconds (the example's `at` shows it as a time): integer
        # casts print alike on every engine, timestamp casts and strftime patterns don't.
        key=ibis.literal("bin ").concat(
            (per_bin.bin * params.bin).cast("int64").cast("string"), f"+{params.bin}s"
        ),
        ev=ibis.literal(1, "int64"),
        first=start,
        last=start,
        w=1.0 - per_bin.ratio,
    )
    return pair_edges(per_key, folding_params(params))


__all__ = ["SyncActivity", "SyncActivityParams"]
