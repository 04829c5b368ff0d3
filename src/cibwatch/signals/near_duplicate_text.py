"""near-duplicate-text: assets that published near-copies of a text (MinHash + LSH) within Δt.

Copy-paste campaigns vary each copy a little (an emoji, another @mention, hashtags reordered,
punctuation, ZWNJ or a space, Arabic or Persian letters) so that identical-text misses them.
Here each post's normalized text (posts.text_norm) is cleaned and cut into character shingles,
summarized by a MinHash signature (cibwatch.signals.minhash, vectorized numpy), and LSH banding
proposes candidate pairs that are then verified against the signature estimate of their
Jaccard similarity. Reshares are left out: they repeat the original (co-share covers them).

Plan, sub-quadratic at every step:

1. signatures in numpy (one hash per shingle), once per distinct text, a chunk of texts at
   a time, turned at once into one key per band and the low 16 bits of each value (what
   pairing needs);
2. in numpy, band by band, posts are sorted by (key, time) and only posts with a neighbour
   under the same key at most Δt away are kept (most texts are unique, and most copies of a
   boilerplate text are far apart in time);
3. a band key is a bucket; posts in a bucket are paired the way the co-action operator pairs
   actions on a key (cibwatch.signals.coaction), in numpy (`window_pairs`): each post meets
   the posts after it in time order until one is under another key or more than Δt later,
   so the cost follows the pairs inside Δt. A bucket holding more than `max_bucket_posts`
   posts is boilerplate ("Happy Nowruz", a news headline everybody pastes): there each post
   is only paired with its next `neighbours` posts in time, so a text posted by 100k assets
   costs O(100k · neighbours). Boilerplate buckets are paired in the first
   `boilerplate_bands` bands only (2 of 16 by default): a boilerplate text's family fills
   the same buckets in every band, so the other bands mostly re-propose the same
   neighbours (at 10M posts 93 % of the texts sit in such buckets and pairing them in all
   16 bands made ~760M candidates). Exact copies (equal cleaned text, same fingerprint)
   share every band; they are paired once, text by text, the same way (`copy_pairs`),
   so a boilerplate campaign's copies are linked whatever band they fall in. The same
   plan ran in the engine until the 10M-post benchmark (docs/benchmarks.md): there its
   join and de-duplication of every band's candidates held several GB; band by band in
   numpy only the verified pairs are kept (13 bytes each);
4. a candidate post pair is verified (the share of equal signature positions must reach
   `threshold`) unless an earlier band verified it already; a band's slices run on two
   threads;
5. verified pairs are folded per asset pair; each text (fingerprint) counts once per pair,
   weighted J · w(n) with w(n) = ln 3 / ln(1 + n) the co-action operator's IDF-like weight,
   n being the posts in the pair's most specific LSH bucket over the whole input (an upper
   bound of its distinct assets that costs no extra pass): 1 for a text two posts share,
   0.09 at 200k. The folds are coaction.pair_edges', done in numpy/Arrow per slice of asset
   pairs so that only one slice's example strings exist at a time and each slice leaves as
   finished edges; the engine only rounds the weights (the same rounding as pair_edges).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cibwatch.signals import minhash
from cibwatch.signals.base import (
    EXAMPLE_KEY_CHARS,
    MAX_EXAMPLES,
    Context,
    Signal,
    param,
    register,
)
from cibwatch.signals.coaction import POPULARITY, WEIGHT_DIGITS, CoActionParams


@dataclass(frozen=True)
class NearDuplicateParams:
    """near-duplicate-text parameters.

    Why a Jaccard threshold of 0.6 on 5-character shingles: a copy that changes one word in a
    100-character post keeps J ≈ 0.8, two words ≈ 0.65; emoji, mentions, hashtag order, URLs
    and punctuation do not count at all (they are cleaned away). Unrelated posts on the same
    topic share few 5-character shingles (J ≈ 0.05-0.2). With 64 signature values in 16 bands
    of 4, a pair at J = 0.6 becomes a candidate with probability 0.89, at J = 0.7 with 0.99,
    and at J = 0.3 with only 0.12 (then rejected by verification).
    """

    window: float = param(
        21600.0,
        "time window Δt: two near-copies published at most this far apart are a co-action; "
        "copy-paste campaigns spread over hours, not seconds",
        unit="s",
        min=0,
    )
    threshold: float = param(
        0.6,
        "minimum estimated Jaccard similarity of the two texts' shingle sets",
        unit="Jaccard",
        min=0.0,
        max=1.0,
    )
    shingle: int = param(5, "shingle size", unit="characters", min=2, max=16)
    num_perm: int = param(64, "MinHash signature length", unit="values", min=8, max=1024)
    bands: int = param(
        16,
        "LSH bands; rows per band = num_perm // bands (more bands: more candidates, more recall)",
        unit="bands",
        min=1,
        max=1024,
    )
    min_chars: int = param(
        15,
        "ignore texts with fewer characters than this after cleaning (no URL, mention, emoji, "
        "punctuation or space left)",
        unit="characters",
        min=1,
    )
    max_chars: int = param(
        5000, "read at most this many characters of a text", unit="characters", min=16
    )
    max_bucket_posts: int = param(
        100,
        "an LSH bucket holding more posts than this (in the whole input) is boilerplate: its "
        "posts are paired only with their next `neighbours` posts in time",
        unit="posts",
        min=2,
    )
    neighbours: int = param(
        10, "posts paired with each post inside a boilerplate bucket", unit="posts", min=1
    )
    boilerplate_bands: int = param(
        2,
        "boilerplate buckets are paired in the first this many bands only (exact copies are "
        "paired text by text, once for all bands); smaller buckets in every band",
        unit="bands",
        min=0,
    )
    popularity: str = param(
        "log",
        "down-weighting of popular texts by the distinct assets n in their LSH bucket: log "
        "(w=ln3/ln(1+n)), inverse (w=1/(n-1)), none (w=1)",
        choices=POPULARITY,
    )
    min_events: int = param(
        1, "keep an edge with at least this many near-copy pairs", unit="co-actions", min=1
    )
    min_keys: int = param(
        1, "keep an edge with at least this many distinct texts", unit="texts", min=1
    )
    scale: float = param(1.0, "multiplier applied to every edge weight of this signal", min=0)


@register
class NearDuplicateText(Signal):
    """Near-copies of a text (MinHash/LSH on character shingles) published within Δt."""

    name = "near-duplicate-text"
    tables = ("posts",)
    Params = NearDuplicateParams

    def edges(self, ctx: Context, params: NearDuplicateParams) -> ir.Table:
        posts = ctx.table("posts")
        own = posts.filter(
            posts.shared_post_id.isnull(), posts.text_norm.notnull(), posts.created_at.notnull()
        )
        own = own.select("post_id", "asset_id", "created_at", "native_id", "text_norm")
        data = ctx.to_arrow(own.order_by("post_id"))
        schema = _empty_edges(data.schema.field("created_at").type).schema
        # Handed over slice by slice: the engine writes each slice's edges as it comes, so
        # they are never all in memory at once (29.9M edges held ~5 GB at 10M posts).
        slices = near_duplicate_slices(data, params)
        del data  # the generator holds the only reference, and lets the texts go early
        batches = (batch for part in slices for batch in part.to_batches())
        e = ctx.from_arrow("nd_edges", pa.RecordBatchReader.from_batches(schema, batches))
        # Summed in numpy, rounded by the engine the way coaction.pair_edges rounds.
        return e.select(
            asset_a=e.asset_a,
            asset_b=e.asset_b,
            weight=e.weight.round(WEIGHT_DIGITS),
            events=e.events,
            keys=e.keys,
            first_at=e.first_at,
            last_at=e.last_at,
            examples=e.examples,
        )


def near_duplicate_edges(data: pa.Table, params: NearDuplicateParams) -> pa.Table:
    """Near-copy edges of `data` (post_id, asset_id, created_at, native_id, text_norm).

    One row per asset pair (asset_a < asset_b) with the columns of coaction.pair_edges, except
    that `weight` is not yet rounded (the caller rounds it in the engine, as pair_edges does).
    Each asset pair folds its verified post pairs per text (fingerprint) first: a text counts
    once per pair, with its earliest example (the smallest example string), its first and last
    times and its largest weight.
    """
    schema = _empty_edges(data.schema.field("created_at").type).schema
    return pa.Table.from_batches(
        [b for part in near_duplicate_slices(data, params) for b in part.to_batches()], schema
    )


def near_duplicate_slices(data: pa.Table, params: NearDuplicateParams) -> Iterator[pa.Table]:
    """near_duplicate_edges in slices of asset pairs (no pair in two slices), made one at a
    time: nothing is computed until the first slice is asked for."""
    index, keys, sig16, fp = band_signatures(data.column("text_norm"), params)
    # The texts are no longer needed: let their buffers go before the pairs are formed.
    data = data.drop_columns(["text_norm"])
    take = pa.array(index)
    asset = data.column("asset_id").combine_chunks().take(take).to_numpy().astype(np.int64)
    created = data.column("created_at").combine_chunks().take(take)
    native = data.column("native_id").combine_chunks().take(take)
    del data, take, index
    ts = _epoch_seconds(created)
    d1, d2, n_k, jac = verified_pairs(keys, sig16, ts, asset, params, fp=fp)
    del keys, sig16, ts
    if len(d1) == 0:
        return
    # Folded in slices of asset pairs (by the smaller asset id, which every group shares):
    # the example strings of only one slice of the verified pairs exist at a time, and each
    # slice comes out as finished edges, far fewer bytes than its pairs.
    low = np.minimum(asset[d1], asset[d2])
    slices = max(1, -(-len(d1) // _FOLD_ROWS))
    part = low % slices
    del low
    ticks = _ticks(created)
    for i in range(slices):
        sel = np.flatnonzero(part == i) if slices > 1 else slice(None)
        yield _fold_edges(
            d1[sel], d2[sel], n_k[sel], jac[sel], asset, fp, native, created, params, ticks
        )


# Verified pairs folded per slice (see near_duplicate_edges): bounds the example strings in
# memory to about this many rows at a time (~100 bytes each).
_FOLD_ROWS = 1_000_000

# Texts hashed into signatures at a time (band_signatures): their 32-bit signatures (256 bytes
# each) exist only for one chunk, the band keys and 16-bit values for all.
_SIG_ROWS = 1 << 20


def band_signatures(
    texts: pa.ChunkedArray | pa.Array, params: NearDuplicateParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(index, band keys, 16-bit signature values, fingerprint) of the texts long enough.

    Signatures are computed a chunk of texts at a time and turned at once into what pairing
    needs: one int64 key per band (minhash.band_keys) and the low 16 bits of every value
    (verification only compares values for equality: a chance agreement of 1/65536 per
    position). At 10M posts this avoids holding the 32-bit signatures of every text. Equal
    texts are hashed once, then every post gets its text's rows.
    """
    # Each distinct text is hashed once (a copy's signature is its original's): at 10M posts
    # 3.9M distinct texts of 6.7M.
    distinct = pc.unique(texts)
    n = len(distinct)
    keys = np.empty((n, params.bands), np.int64)
    sig16 = np.empty((n, params.num_perm), np.uint16)
    fp = np.empty(n, np.uint64)
    row = np.full(n + 1, -1, np.int64)  # signature row of each distinct text (-1: too short)
    m = 0
    for lo in range(0, n, _SIG_ROWS):
        s = minhash.signatures(
            distinct.slice(lo, _SIG_ROWS),
            shingle=params.shingle,
            num_perm=params.num_perm,
            min_chars=params.min_chars,
            max_chars=params.max_chars,
        )
        k = len(s.index)
        for j in range(params.bands):  # one band at a time: no temporaries of the whole chunk
            keys[m : m + k, j] = minhash.band_keys(s.values, params.bands, only=j)
        sig16[m : m + k] = s.values
        fp[m : m + k] = s.fingerprint
        row[s.index + lo] = np.arange(m, m + k)
        m += k
    # Null texts (none here: the caller filters them) map to the extra row, -1.
    codes = pc.index_in(texts, value_set=distinct).fill_null(n)
    if isinstance(codes, pa.ChunkedArray):
        codes = codes.combine_chunks()
    per_text = row[codes.to_numpy().astype(np.int64)]
    del codes
    index = np.flatnonzero(per_text >= 0)
    at = per_text[index]
    return index, keys[at], sig16[at], fp[at]


_HEX = np.frombuffer(b"0123456789abcdef", np.uint8)


def _hex16(v: np.ndarray) -> pa.Array:
    """64-bit values as 16 lowercase hex digits ("%016x"), in numpy instead of per value."""
    shifts = np.arange(60, -4, -4, dtype=np.uint64)
    digits = _HEX[((v.astype(np.uint64)[:, None] >> shifts) & np.uint64(15)).astype(np.uint8)]
    offsets = np.arange(0, 16 * (len(v) + 1), 16, dtype=np.int32)
    return pa.Array.from_buffers(
        pa.string(), len(v), [None, pa.py_buffer(offsets), pa.py_buffer(digits.tobytes())]
    )


def _fold_edges(
    d1: np.ndarray,
    d2: np.ndarray,
    n_k: np.ndarray,
    jac: np.ndarray,
    asset: np.ndarray,
    fp: np.ndarray,
    native: pa.Array,
    created: pa.Array,
    params: NearDuplicateParams,
    ticks: np.ndarray | None = None,
) -> pa.Table:
    """Verified post pairs folded per (asset pair, text), then per asset pair into edges.

    The same folds as coaction.pair_edges over the per-text rows: weight Σ w, events Σ ev,
    keys the number of texts, first/last times, and the MAX_EXAMPLES earliest (time, example)
    of the pair's texts; pairs with fewer events or texts than the minimums are dropped.
    A text's example is the smallest of its pairs' example strings. The folds run on integers
    in numpy; example strings are built only where they are shown or must break a tie (a text
    with several pairs, two texts of a pair first seen at the same time): grouping and sorting
    a string column per slice was most of the fold's time at 10M posts.
    `ticks` is `created` as int64 in its own unit (computed here when not given).
    """
    a1, a2 = asset[d1], asset[d2]
    swap = a1 > a2
    x, y = np.where(swap, d2, d1), np.where(swap, d1, d2)  # x posted by the smaller asset id
    a, b = np.where(swap, a2, a1), np.where(swap, a1, a2)
    del a1, a2, swap
    if ticks is None:
        ticks = _ticks(created)
    text = np.minimum(fp[x], fp[y])
    # One row per post pair, grouped by (a, b, text); (a, b) packed into one key when the
    # asset ids allow it (they are dense store ids), as a lexsort key costs its own pass.
    if len(a) and a.min() >= 0 and b.max() < (1 << 31):
        order = np.lexsort((text, (a << 32) | b))
    else:
        order = np.lexsort((text, b, a))
    w = (jac * _popularity_weight(n_k, params.popularity))[order]
    x, y, a, b, text, jac = x[order], y[order], a[order], b[order], text[order], jac[order]
    first = np.minimum(ticks[x], ticks[y])
    last = np.maximum(ticks[x], ticks[y])
    del order
    new = np.r_[True, (a[1:] != a[:-1]) | (b[1:] != b[:-1]) | (text[1:] != text[:-1])]
    g0 = np.flatnonzero(new)
    size = np.diff(np.r_[g0, len(a)])
    del new
    width = params.num_perm
    jac_txt = pa.array([f"{k / width:.2f}" for k in range(width + 1)], pa.string())

    def example(rows: np.ndarray) -> pa.Array:
        """The example string of post pairs `rows`: "x~y J=0.83 fp=<text>"."""
        return pc.binary_join_element_wise(
            native.take(pa.array(x[rows])),
            "~",
            native.take(pa.array(y[rows])),
            " J=",
            jac_txt.take(pa.array(np.rint(jac[rows] * width).astype(np.int64))),
            " fp=",
            _hex16(text[rows]),
            "",
        )

    # rep: the row whose example string is the text's smallest (its only row, mostly).
    rep = g0.copy()
    if (size > 1).any():
        rows = np.flatnonzero(np.repeat(size > 1, size))
        gid = np.repeat(np.arange(len(g0)), size)[rows]
        by = pc.sort_indices(
            pa.table({"g": gid, "s": example(rows)}),
            sort_keys=[("g", "ascending"), ("s", "ascending")],
        ).to_numpy()
        top = np.r_[True, gid[by][1:] != gid[by][:-1]]
        rep[gid[by][top]] = rows[by][top]
        del rows, gid, by, top
    ta, tb = a[g0], b[g0]
    t_first = np.minimum.reduceat(first, g0)
    t_last = np.maximum.reduceat(last, g0)
    t_w = np.maximum.reduceat(w, g0)
    del a, b, first, last, w, g0
    # Each pair's texts in (first, example) order: its first rows are its examples. The rows
    # are grouped by pair already; only pairs with several texts need sorting.
    by = np.arange(len(ta))
    p0 = np.flatnonzero(np.r_[True, (ta[1:] != ta[:-1]) | (tb[1:] != tb[:-1])])
    n_texts = np.diff(np.r_[p0, len(ta)])
    if (n_texts > 1).any():
        rows = np.flatnonzero(np.repeat(n_texts > 1, n_texts))
        pid = np.repeat(np.arange(len(p0)), n_texts)[rows]
        by[rows] = rows[np.lexsort((t_first[rows], pid))]
        del rows, pid
    del p0, n_texts
    same = (ta[by][1:] == ta[by][:-1]) & (tb[by][1:] == tb[by][:-1])
    same &= t_first[by][1:] == t_first[by][:-1]
    if same.any():
        # Ties in time are broken by the example strings, among the tied rows only: sorted
        # by (a, b, first, example), they go back into the positions they held.
        tie = np.flatnonzero(np.r_[same, False] | np.r_[False, same])
        rows = by[tie]
        sub = pc.sort_indices(
            pa.table({"a": ta[rows], "b": tb[rows], "f": t_first[rows], "s": example(rep[rows])}),
            sort_keys=[
                ("a", "ascending"),
                ("b", "ascending"),
                ("f", "ascending"),
                ("s", "ascending"),
            ],
        ).to_numpy()
        by[tie] = rows[sub]
        del tie, rows, sub
    del same
    ta, tb, t_first, t_last, t_w, size, rep = (
        v[by] for v in (ta, tb, t_first, t_last, t_w, size, rep)
    )
    starts = np.flatnonzero(np.r_[True, (ta[1:] != ta[:-1]) | (tb[1:] != tb[:-1])])
    texts = np.diff(np.r_[starts, len(ta)])
    events = np.add.reduceat(size.astype(np.int64), starts)
    weight = np.add.reduceat(t_w, starts) * params.scale
    rank = np.arange(len(ta)) - np.repeat(starts, texts)
    shown = np.flatnonzero(rank < MAX_EXAMPLES)
    at = pa.array(t_first, pa.int64()).cast(created.type)
    shown_keys = pc.utf8_slice_codeunits(example(rep[shown]), 0, EXAMPLE_KEY_CHARS)
    examples = pa.StructArray.from_arrays(
        [shown_keys, at.take(pa.array(shown))], names=["key", "at"]
    )
    offsets = np.r_[0, np.cumsum(np.minimum(texts, MAX_EXAMPLES))].astype(np.int32)
    edges = pa.table(
        {
            "asset_a": pa.array(ta[starts], pa.int64()),
            "asset_b": pa.array(tb[starts], pa.int64()),
            "weight": pa.array(weight, pa.float64()),
            "events": pa.array(events, pa.int64()),
            "keys": pa.array(texts.astype(np.int64), pa.int64()),
            "first_at": at.take(pa.array(starts)),
            "last_at": pa.array(np.maximum.reduceat(t_last, starts), pa.int64()).cast(created.type),
            "examples": pa.ListArray.from_arrays(pa.array(offsets), examples),
        }
    )
    keep = (events >= params.min_events) & (texts >= params.min_keys)
    return edges if keep.all() else edges.filter(pa.array(keep))


def _ticks(created: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Timestamps as int64 in their own unit (exact, sub-second parts included)."""
    values = created.combine_chunks() if isinstance(created, pa.ChunkedArray) else created
    return values.cast(pa.int64()).to_numpy()


def candidate_pairs(bands: ir.Table, window: float, max_bucket: int, neighbours: int) -> ir.Table:
    """Pairs (d1 < d2) of rows that share an LSH bucket within `window` seconds, with n_k.

    `bands` has columns key (bucket), doc (row id), asset_id and ts (epoch seconds), and
    optionally n_k (the bucket's popularity; by default its distinct assets); the result's n_k
    is that of the smallest bucket the pair shares. Same pairing scheme as
    the co-action operator: rows numbered by time within their bucket, each row joined only
    against its own and the previous block (time blocks of the window; rank blocks of
    `neighbours` in buckets whose n_k exceeds `max_bucket`).
    """
    block_s = max(int(np.ceil(window)), 1)
    k = neighbours
    if "n_k" in bands.columns:
        b = bands
    else:
        pop = bands.group_by("key").aggregate(n_k=bands.asset_id.nunique())
        pop = pop.filter(pop.n_k >= 2)
        b = bands.join(pop, "key")
    b = b.mutate(rn=ibis.row_number().over(group_by=b.key, order_by=[b.ts, b.doc]))
    boiler = b.n_k > max_bucket
    b = b.mutate(block=ibis.ifelse(boiler, b.rn // k, b.ts // block_s).cast("int64"), boiler=boiler)
    left = b.select(
        "key", "block", "n_k", "boiler", l_doc="doc", l_asset="asset_id", l_ts="ts", l_rn="rn"
    )
    right_cols = {"r_doc": "doc", "r_asset": "asset_id", "r_ts": "ts", "r_rn": "rn"}
    right = ibis.union(
        b.select("key", jb=b.block, **right_cols),
        b.select("key", jb=b.block - 1, **right_cols),
        distinct=False,
    )
    p = left.join(right, [left.key == right.key, left.block == right.jb])
    p = p.filter(
        p.l_rn < p.r_rn,
        p.r_ts - p.l_ts <= window,
        p.l_asset != p.r_asset,
        ~p.boiler | (p.r_rn - p.l_rn <= k),
    )
    p = p.select("n_k", d1=ibis.least(p.l_doc, p.r_doc), d2=ibis.greatest(p.l_doc, p.r_doc))
    return p.group_by(["d1", "d2"]).aggregate(n_k=p.n_k.min()).order_by(["d1", "d2"])


def shared_band_keys(
    sig: np.ndarray, bands: int, ts: np.ndarray | None = None, window: float | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(doc, key, size) for every band key that can still form a pair, all bands together.

    `size` is the number of documents holding the key in the whole input (before any
    pruning): a bucket's popularity, counted in documents. See `band_runs`.
    """
    docs, out, sizes = [], [], []
    for doc, key, size in band_runs(sig, bands, ts, window):
        docs.append(doc)
        out.append(key)
        sizes.append(size)
    if not docs:
        z = np.zeros(0, np.int64)
        return z, z, z
    return np.concatenate(docs), np.concatenate(out), np.concatenate(sizes)


def band_runs(
    sig: np.ndarray, bands: int, ts: np.ndarray | None = None, window: float | None = None
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Band by band, (doc, key, size) of the documents whose band key can still form a pair.

    `sig` holds the MinHash signatures, or their band keys (int64, one column per band, from
    minhash.band_keys). Rows come sorted by (key, time, doc): a key's documents are one run,
    in time order.
    Without times: documents whose key another document shares. With `ts` (epoch seconds per
    document) and `window`: only documents with a neighbour in time, under the same key, at
    most `window` seconds away; every pair inside the window has such neighbours, so nothing
    that could pair is dropped. Most texts are unique, and most copies of boilerplate are far
    apart in time, so this keeps the rows to pair to the few that can.
    """
    n = sig.shape[0]
    # Documents in time order once; a stable sort per band then keeps time order within a key.
    by_time = np.argsort(ts, kind="stable") if ts is not None else np.arange(n)
    ts_t = ts[by_time] if ts is not None else None
    # Most keys are held by one document: a counting pass over ~4n hash slots drops the
    # documents alone in their slot before the sort, which then sorts a fraction of the rows.
    bits = int(min(max(np.ceil(np.log2(max(n, 1) * 4)), 16), 26))
    for j in range(bands):  # band by band: one column of keys in memory at a time
        col = (
            sig[by_time, j]
            if sig.dtype == np.int64 and sig.shape[1] == bands  # band keys computed already
            else minhash.band_keys(sig, bands, only=j, order=by_time)
        )
        slot = (col.view(np.uint64) >> np.uint64(64 - bits)).astype(np.intp)
        maybe = np.flatnonzero(np.bincount(slot, minlength=1 << bits)[slot] > 1)
        # `maybe` is increasing, so a stable sort keeps time order within a key.
        order = maybe[np.argsort(col[maybe], kind="stable")]
        s = col[order]
        same = s[1:] == s[:-1]
        run = np.cumsum(np.r_[True, ~same]) - 1
        run_len = np.bincount(run)
        near = same
        if ts_t is not None and window is not None:
            near = same & (np.diff(ts_t[order]) <= window)
        keep = np.zeros(len(s), dtype=bool)
        keep[1:] |= near
        keep[:-1] |= near
        yield (
            by_time[order[keep]].astype(np.int64),
            s[keep],
            run_len[run[keep]].astype(np.int64),
        )


def window_pairs(
    doc: np.ndarray,
    key: np.ndarray,
    size: np.ndarray,
    ts: np.ndarray,
    asset: np.ndarray,
    window: float,
    max_bucket: int,
    neighbours: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (d1 < d2, n_k) of one band's runs (`band_runs` order) within `window` seconds.

    The pairs `candidate_pairs` forms for one band, in numpy: two documents of one key at most
    `window` apart, of different assets; in a key held by more than `max_bucket` documents
    only documents at most `neighbours` apart in the key's time order. `ts` and `asset` are
    per document. Offset by offset, each row meets the row `o` places later; a row drops out
    once that row is under another key, too late, or (boilerplate) too far in rank, so the
    work follows the pairs inside the window, never a key's square.
    """
    t = ts[doc]
    boiler = size > max_bucket
    active = np.arange(len(doc))
    d1s, d2s, ns = [], [], []
    offset = 1
    while len(active):
        active = active[active + offset < len(doc)]
        later = active + offset
        ok = (key[later] == key[active]) & (t[later] - t[active] <= window)
        if offset > neighbours:
            ok &= ~boiler[active]
        active, later = active[ok], later[ok]
        a, b = doc[active], doc[later]
        other = asset[a] != asset[b]
        a, b = a[other], b[other]
        d1s.append(np.minimum(a, b))
        d2s.append(np.maximum(a, b))
        ns.append(size[active[other]])
        offset += 1
    if not d1s:
        z = np.zeros(0, np.int64)
        return z, z, z
    return np.concatenate(d1s), np.concatenate(d2s), np.concatenate(ns)


def verified_pairs(
    sig: np.ndarray,
    sig16: np.ndarray,
    ts: np.ndarray,
    asset: np.ndarray,
    params: NearDuplicateParams,
    threads: int = 2,
    fp: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(d1, d2, n_k, jaccard) of every candidate pair that passes verification, by (d1, d2).

    Band by band: the pairs inside the window (`window_pairs`) are looked up among the
    verified pairs of the earlier bands (a sorted array of d1 * n + d2 codes); a pair found
    there only lowers its n_k (the smallest bucket that formed it), the others are verified
    against the 16-bit signatures and inserted when they pass. Verification does not depend
    on the band, so a pair that passes does so in the first band that forms it. Only verified
    pairs are held (13 bytes each): a rejected candidate is verified again in each band that
    proposes it, which costs less than holding every distinct candidate (hundreds of
    millions at 10M posts). A band's slices only read the earlier bands' pairs and hold
    disjoint pairs, so `threads` of them run at once (numpy releases the GIL).
    """
    n = max(sig.shape[0], 1)
    width = sig16.shape[1] if sig16.ndim == 2 else 1
    codes = np.zeros(0, np.int64)  # d1 * n + d2 of the verified pairs, sorted
    n_k = np.zeros(0, np.int32)  # smallest bucket (documents) that formed the pair
    agree = np.zeros(0, np.uint8 if width < 256 else np.uint16)  # equal signature positions

    def pair_slice(
        doc: np.ndarray, key: np.ndarray, size: np.ndarray, codes: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        d1, d2, nk = window_pairs(
            doc,
            key,
            size,
            ts,
            asset,
            params.window,
            params.max_bucket_posts,
            params.neighbours,
        )
        code = d1 * n + d2  # a pair falls in one bucket of a band at most: no repeats
        # Sorted, the lookups below walk `codes` in order (8x faster than random lookups).
        order = np.argsort(code)
        code, nk = code[order], nk[order]
        del d1, d2, order
        pos = np.searchsorted(codes, code)
        seen = pos < len(codes)
        seen[seen] = codes[pos[seen]] == code[seen]
        fresh = ~seen
        cand = code[fresh]
        equal = agreements(sig16, cand // n, cand % n).astype(agree.dtype)
        # Jaccard estimates are k / width exactly, so the count of equal positions is kept.
        ok = equal / width >= params.threshold - 1e-9
        return pos[seen], nk[seen], cand[ok], nk[fresh][ok], equal[ok]

    if fp is not None:
        d1, d2, nk = copy_pairs(fp, ts, asset, params)
        code = d1 * n + d2
        order = np.argsort(code)
        code, nk = code[order], nk[order]
        equal = agreements(sig16, d1[order], d2[order]).astype(agree.dtype)
        ok = equal / width >= params.threshold - 1e-9  # equal fingerprints: all agree (~always)
        codes, n_k, agree = code[ok], nk[ok].astype(np.int32), equal[ok]
        del d1, d2, nk, code, order, equal, ok
    with ThreadPoolExecutor(max_workers=max(threads, 1)) as pool:
        for band, (doc, key, size) in enumerate(band_runs(sig, params.bands, ts, params.window)):
            if band >= params.boilerplate_bands:
                small = size <= params.max_bucket_posts
                doc, key, size = doc[small], key[small], size[small]
            # Slices of whole keys, so that one slice's candidates, not a band's, are in memory.
            starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
            # The first key start at or after every multiple of _PAIR_ROWS (none past the end).
            at = np.searchsorted(starts, np.arange(0, len(key), _PAIR_ROWS))
            cuts = np.unique(np.r_[starts[at[at < len(starts)]], len(key)])
            parts = [
                (doc[lo:hi], key[lo:hi], size[lo:hi], codes)
                for lo, hi in zip(cuts[:-1], cuts[1:], strict=True)
            ]
            done = list(pool.map(lambda part: pair_slice(*part), parts))
            del parts
            for at_seen, nk_seen, *_ in done:
                n_k[at_seen] = np.minimum(n_k[at_seen], nk_seen)
            new_codes = np.concatenate([d[2] for d in done]) if done else np.zeros(0, np.int64)
            if not len(new_codes):
                continue
            # Slices hold disjoint pairs (a pair shares one key in a band).
            order = np.argsort(new_codes)
            new_codes = new_codes[order]
            at = np.searchsorted(codes, new_codes)
            codes = np.insert(codes, at, new_codes)
            n_k = np.insert(n_k, at, np.concatenate([d[3] for d in done]).astype(np.int32)[order])
            agree = np.insert(agree, at, np.concatenate([d[4] for d in done])[order])
    return codes // n, codes % n, n_k.astype(np.int64), agree.astype(np.float64) / width


def copy_pairs(
    fp: np.ndarray, ts: np.ndarray, asset: np.ndarray, params: NearDuplicateParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(d1 < d2, n_k) of exact copies: documents of one fingerprint within the window.

    The fingerprint (the cleaned text) is the key and pairing is `window_pairs`': every
    copy within the window, only the next `neighbours` in texts of more than
    `max_bucket_posts` documents; n_k is the text's documents.
    """
    n = len(fp)
    order = np.lexsort((np.arange(n), ts, fp))
    f = fp[order].view(np.int64)
    same = f[1:] == f[:-1]
    run = np.cumsum(np.r_[True, ~same]) - 1
    size = np.bincount(run)[run]
    near = same & (np.diff(ts[order]) <= params.window)
    keep = np.zeros(n, dtype=bool)
    keep[1:] |= near
    keep[:-1] |= near
    return window_pairs(
        order[keep],
        f[keep],
        size[keep],
        ts,
        asset,
        params.window,
        params.max_bucket_posts,
        params.neighbours,
    )


# Band rows paired at a time in verified_pairs (whole keys; a boilerplate key can exceed it).
_PAIR_ROWS = 1 << 19


def agreements(sig: np.ndarray, d1: np.ndarray, d2: np.ndarray, chunk: int = 1 << 16) -> np.ndarray:
    """Number of equal signature positions of each pair (d1[i], d2[i]), in chunks of pairs."""
    out = np.empty(len(d1), dtype=np.int64)
    for lo in range(0, len(d1), chunk):
        hi = lo + chunk
        out[lo:hi] = (sig[d1[lo:hi]] == sig[d2[lo:hi]]).sum(axis=1, dtype=np.int64)
    return out


def verify(sig: np.ndarray, d1: np.ndarray, d2: np.ndarray, chunk: int = 1 << 18) -> np.ndarray:
    """Estimated Jaccard of each candidate pair (share of equal signature positions)."""
    out = np.empty(len(d1), dtype=np.float64)
    for lo in range(0, len(d1), chunk):
        hi = lo + chunk
        out[lo:hi] = minhash.estimated_jaccard(sig[d1[lo:hi]], sig[d2[lo:hi]])
    return out


def folding_params(params: NearDuplicateParams | Any) -> CoActionParams:
    """The parameters coaction.pair_edges reads when folding per-key rows into edges."""
    return CoActionParams(
        min_events=params.min_events, min_keys=params.min_keys, scale=params.scale
    )


def _popularity_weight(n: np.ndarray, popularity: str) -> np.ndarray:
    """coaction.key_weight in numpy (the same formulas)."""
    n = n.astype(np.float64)
    if popularity == "log":
        return np.log(3.0) / np.log1p(n)
    if popularity == "inverse":
        return 1.0 / np.maximum(n - 1.0, 1.0)
    return np.ones_like(n)


def _epoch_seconds(col: pa.ChunkedArray) -> np.ndarray:
    values = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    return values.to_numpy(zero_copy_only=False).astype("datetime64[s]").astype(np.int64)


def _empty_edges(ts_type: pa.DataType) -> pa.Table:
    example = pa.struct([("key", pa.string()), ("at", ts_type)])
    return pa.table(
        {
            "asset_a": pa.array([], pa.int64()),
            "asset_b": pa.array([], pa.int64()),
            "weight": pa.array([], pa.float64()),
            "events": pa.array([], pa.int64()),
            "keys": pa.array([], pa.int64()),
            "first_at": pa.array([], ts_type),
            "last_at": pa.array([], ts_type),
            "examples": pa.array([], pa.list_(example)),
        }
    )


__all__ = [
    "NearDuplicateParams",
    "NearDuplicateText",
    "candidate_pairs",
    "folding_params",
    "near_duplicate_edges",
    "near_duplicate_slices",
    "shared_band_keys",
    "verify",
]
