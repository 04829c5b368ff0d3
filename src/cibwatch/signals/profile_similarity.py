"""profile-similarity: assets whose profiles look mass-produced by the same hand.

Four traces, each a key that two assets share; an edge's evidence says which fired:

- `burst`: created in the same unusual creation burst. Creation times are binned per platform
  (`burst_window`; a whole day when a platform only records dates). A bin is a burst when it
  holds at least `min_burst` assets and the Poisson (Chernoff) bound on that count, given the
  platform's creation rate over ±`baseline_days`, is below `alpha`. Only assets of one burst
  are paired, never all accounts of a busy day; weight 1 − λ/n (the share of the burst the
  baseline rate does not explain).
- `handle`: the same handle stem followed by the same number of digits ('sara_ahmadi8213' and
  'sara_ahmadi4410' share 'sara_ahmadi' + 4 digits): account farms name accounts this way.
- `bio`: near-duplicate bios (MinHash over character shingles, as near-duplicate-text).
- `avatar`: the same avatar_hash.

Popular keys are down-weighted like co-action keys (w = ln 3 / ln(1 + n) for a key shared by n
assets); a key shared by more than `max_key_assets` assets (a default avatar, a common first
name with digits) is no evidence and is skipped, and inside keys with more than
`max_pair_assets` assets each asset is paired only with its `neighbours` next ones, which
bounds the pairs to O(n · neighbours).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cibwatch.signals import minhash
from cibwatch.signals.base import Context, Signal, param, register
from cibwatch.signals.coaction import pair_edges
from cibwatch.signals.near_duplicate_text import (
    candidate_pairs,
    folding_params,
    shared_band_keys,
    verify,
)
from cibwatch.text import normalize_arrow

# A handle made of a stem and a run of digits: 'sara_ahmadi8213', 'ali.reza_1402'.
_HANDLE = r"^(?P<stem>[^\d]*?[^\d_.\-])[_.\-]?(?P<digits>\d+)$"
_LN3 = math.log(3.0)


@dataclass(frozen=True)
class ProfileSimilarityParams:
    """profile-similarity parameters."""

    burst_window: float = param(
        3600.0,
        "creation-time bin for bursts (a day where a platform only records creation dates)",
        unit="s",
        min=60,
    )
    min_burst: int = param(
        4, "a creation burst needs at least this many assets in one bin", unit="assets", min=2
    )
    baseline_days: float = param(
        30.0, "creation rate baseline: ± this many days around the bin", unit="days", min=1
    )
    alpha: float = param(
        1e-4,
        "a bin is a burst when the Poisson bound on its count under the baseline rate is below "
        "this probability",
        unit="probability",
        min=0.0,
        max=1.0,
    )
    min_digits: int = param(
        2, "handle pattern: at least this many trailing digits", unit="digits", min=1
    )
    min_stem: int = param(
        5, "handle pattern: at least this many characters before the digits", unit="chars", min=1
    )
    bio_threshold: float = param(
        0.7, "minimum estimated Jaccard of two bios' shingle sets", unit="Jaccard", min=0, max=1
    )
    bio_min_chars: int = param(
        20, "ignore bios shorter than this after cleaning", unit="characters", min=1
    )
    shingle: int = param(5, "bio shingle size", unit="characters", min=2, max=16)
    num_perm: int = param(64, "bio MinHash signature length", unit="values", min=8, max=1024)
    bands: int = param(16, "bio LSH bands", unit="bands", min=1)
    max_key_assets: int = param(
        1000,
        "a handle stem, bio bucket or avatar shared by more assets than this is skipped",
        unit="assets",
        min=2,
    )
    max_pair_assets: int = param(
        100,
        "inside a key with more assets than this, pair each asset with `neighbours` others only",
        unit="assets",
        min=2,
    )
    neighbours: int = param(20, "pairs per asset inside a large key", unit="assets", min=1)
    min_events: int = param(1, "keep an edge with at least this many traces", min=1)
    min_keys: int = param(1, "keep an edge with at least this many distinct traces", min=1)
    scale: float = param(1.0, "multiplier applied to every edge weight of this signal", min=0)


@register
class ProfileSimilarity(Signal):
    """Creation bursts, handle stems + digits, near-duplicate bios and shared avatars."""

    name = "profile-similarity"
    tables = ("assets",)
    Params = ProfileSimilarityParams

    def edges(self, ctx: Context, params: ProfileSimilarityParams) -> ir.Table:
        assets = ctx.table("assets")
        cols = ["asset_id", "platform", "handle", "created_at", "bio", "avatar_hash"]
        data = ctx.to_arrow(assets.select(*cols).order_by("asset_id"))
        traces = [
            _bursts(data, params),
            _handles(data, params),
            _bios(data, params),
            _avatars(data, params),
        ]
        pairs = _pairs_by_key(ctx, data, traces, params)
        per_key = pa.concat_tables([t.finish(*p) for t, p in zip(traces, pairs, strict=True)])
        return pair_edges(ctx.from_arrow("profile_pairs", per_key), folding_params(params))


@dataclass
class _Trace:
    """One profile trace: which rows share which key, and how to turn pairs into evidence."""

    keys: np.ndarray  # int64 key code per row below
    rows: np.ndarray  # int64 row of `data`
    max_key_assets: int  # keys held by more assets are skipped
    # finish(r1, r2, n): per-key rows (a, b, key, ev, first, last, w) for the pairs found
    finish: Callable[[np.ndarray, np.ndarray, np.ndarray], pa.Table]


def _pairs_by_key(
    ctx: Context, data: pa.Table, traces: list[_Trace], params: ProfileSimilarityParams
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """For each trace, row pairs (r1, r2) sharing one of its keys, with the key's audience n.

    All traces go to the engine in one plan: keys are renumbered to be disjoint between
    traces, and a row of trace i is doc i * rows + row, so a pair never mixes traces.
    """
    n_rows = max(data.num_rows, 1)
    asset = data.column("asset_id").to_numpy()
    keys, docs = [], []
    offset = 0
    for i, t in enumerate(traces):
        if len(t.rows) == 0:
            continue
        uniq, inv, counts = np.unique(t.keys, return_inverse=True, return_counts=True)
        ok = (counts[inv] >= 2) & (counts[inv] <= t.max_key_assets)
        keys.append(inv[ok].astype(np.int64) + offset)
        docs.append(t.rows[ok].astype(np.int64) + i * n_rows)
        offset += len(uniq)
    key = np.concatenate(keys) if keys else np.zeros(0, np.int64)
    doc = np.concatenate(docs) if docs else np.zeros(0, np.int64)
    table = pa.table(
        {
            "key": pa.array(key, pa.int64()),
            "doc": pa.array(doc, pa.int64()),
            "asset_id": pa.array(asset[doc % n_rows], pa.int64()),
            "ts": pa.array(np.zeros(len(doc), np.int64)),
        }
    )
    out = ctx.to_arrow(
        candidate_pairs(
            ctx.from_arrow("profile_keys", table), 0, params.max_pair_assets, params.neighbours
        )
    )
    d1 = out.column("d1").to_numpy().astype(np.int64)
    d2 = out.column("d2").to_numpy().astype(np.int64)
    n = out.column("n_k").to_numpy().astype(np.int64)
    trace = d1 // n_rows
    return [
        (d1[trace == i] % n_rows, d2[trace == i] % n_rows, n[trace == i])
        for i in range(len(traces))
    ]


def _per_key(
    data: pa.Table, r1: np.ndarray, r2: np.ndarray, key: pa.Array, w: np.ndarray
) -> pa.Table:
    """Rows (a, b, key, ev, first, last, w) for pair_edges."""
    asset = data.column("asset_id").to_numpy()
    created = data.column("created_at").combine_chunks()
    c1, c2 = created.take(pa.array(r1)), created.take(pa.array(r2))
    a1, a2 = asset[r1], asset[r2]
    first, last = pc.min_element_wise(c1, c2), pc.max_element_wise(c1, c2)  # nulls skipped
    return pa.table(
        {
            "a": pa.array(np.minimum(a1, a2), pa.int64()),
            "b": pa.array(np.maximum(a1, a2), pa.int64()),
            "key": pc.cast(key, pa.string()),
            "ev": pa.array(np.ones(len(r1), np.int64)),
            "first": pc.cast(first, pa.timestamp("us")),
            "last": pc.cast(last, pa.timestamp("us")),
            "w": pa.array(w, pa.float64()),
        }
    )


def _idf(n: np.ndarray) -> np.ndarray:
    return _LN3 / np.log1p(n.astype(np.float64))


def _bursts(data: pa.Table, params: ProfileSimilarityParams) -> _Trace:
    created = data.column("created_at").combine_chunks()
    platform = pc.fill_null(data.column("platform").combine_chunks(), "")
    has = np.flatnonzero(pc.is_valid(created).to_numpy(zero_copy_only=False))
    ts = created.take(pa.array(has)).to_numpy(zero_copy_only=False).astype("datetime64[s]")
    ts = ts.astype(np.int64)
    plat = platform.take(pa.array(has)).to_numpy(zero_copy_only=False).astype(str)
    burst_key = np.full(len(has), -1, dtype=np.int64)
    burst_weight = np.zeros(len(has))
    burst_label: dict[int, str] = {}
    for p in np.unique(plat):  # a handful of platforms, not rows
        sel = np.flatnonzero(plat == p)
        t = ts[sel]
        # Date-only creation times (every one at midnight) get day bins.
        width = 86400 if np.all(t % 86400 == 0) else int(params.burst_window)
        b = t // width
        uniq, inv, n = np.unique(b, return_inverse=True, return_counts=True)
        order = np.sort(t)
        half = int(params.baseline_days * 86400)
        around = np.searchsorted(order, uniq * width + half, side="right") - np.searchsorted(
            order, uniq * width - half, side="left"
        )
        span_bins = max(2 * half / width - 1, 1.0)
        lam = np.maximum((around - n) / span_bins, 1.0 / span_bins)
        chernoff = n * np.log(n / lam) - n + lam
        burst = (
            (n >= params.min_burst) & (n > lam) & (chernoff >= -math.log(max(params.alpha, 1e-300)))
        )
        for j in np.flatnonzero(burst):
            key = len(burst_label)
            start = np.datetime64(int(uniq[j] * width), "s").astype(str)
            burst_label[key] = f"burst:{p} {start}Z/{width}s n={n[j]} expected={lam[j]:.2f}"
            rows = sel[inv == j]
            burst_key[rows] = key
            burst_weight[rows] = 1.0 - lam[j] / n[j]
    in_burst = np.flatnonzero(burst_key >= 0)
    pos = np.full(data.num_rows, -1, dtype=np.int64)
    pos[has] = np.arange(len(has))

    def finish(r1: np.ndarray, r2: np.ndarray, n: np.ndarray) -> pa.Table:
        keys = burst_key[pos[r1]]
        uniq = np.unique(keys)
        labels = pa.array([burst_label[int(k)] for k in uniq], pa.string())  # one per burst
        label = labels.take(pa.array(np.searchsorted(uniq, keys), pa.int64()))
        return _per_key(data, r1, r2, label, burst_weight[pos[r1]])

    # A burst is already unusual: its size is no reason to skip it (the neighbours bound
    # still applies above max_pair_assets).
    return _Trace(burst_key[in_burst], has[in_burst], 2**62, finish)


def _codes(values: pa.Array) -> np.ndarray:
    """Integer codes of string keys (equal strings, equal codes), without a Python loop."""
    return pc.dictionary_encode(values).indices.to_numpy(zero_copy_only=False).astype(np.int64)


def _handles(data: pa.Table, params: ProfileSimilarityParams) -> _Trace:
    handle = pc.utf8_lower(pc.fill_null(data.column("handle").combine_chunks(), ""))
    parts = pc.extract_regex(handle, _HANDLE)
    valid = pc.is_valid(parts).to_numpy(zero_copy_only=False)
    stem = pc.struct_field(parts, "stem")
    digits = pc.struct_field(parts, "digits")
    ok = (
        valid
        & (pc.fill_null(pc.utf8_length(stem), 0).to_numpy(zero_copy_only=False) >= params.min_stem)
        & (
            pc.fill_null(pc.utf8_length(digits), 0).to_numpy(zero_copy_only=False)
            >= params.min_digits
        )
    )
    rows = np.flatnonzero(ok)
    platform = pc.fill_null(data.column("platform").combine_chunks(), "")
    key = pc.binary_join_element_wise(
        platform.take(pa.array(rows)),
        ":",
        stem.take(pa.array(rows)),
        "+",
        pc.cast(pc.utf8_length(digits.take(pa.array(rows))), pa.string()),
        "d",
        "",
    )

    def finish(r1: np.ndarray, r2: np.ndarray, n: np.ndarray) -> pa.Table:
        h1, h2 = handle.take(pa.array(r1, pa.int64())), handle.take(pa.array(r2, pa.int64()))
        label = pc.binary_join_element_wise("handle:", h1, "~", h2, "")
        return _per_key(data, r1, r2, label, _idf(n))

    return _Trace(_codes(key), rows, params.max_key_assets, finish)


def _bios(data: pa.Table, params: ProfileSimilarityParams) -> _Trace:
    bio = normalize_arrow(data.column("bio").combine_chunks())
    sigs = minhash.signatures(
        bio, shingle=params.shingle, num_perm=params.num_perm, min_chars=params.bio_min_chars
    )
    docs, keys, _ = shared_band_keys(sigs.values, params.bands)
    pos = np.full(data.num_rows, -1, dtype=np.int64)
    pos[sigs.index] = np.arange(len(sigs.index))

    def finish(r1: np.ndarray, r2: np.ndarray, n: np.ndarray) -> pa.Table:
        # LSH candidates: keep those whose estimated Jaccard reaches the threshold.
        jac = verify(sigs.values, pos[r1], pos[r2])
        ok = jac >= params.bio_threshold - 1e-9
        r1, r2, n, jac = r1[ok], r2[ok], n[ok], jac[ok]
        label = pc.binary_join_element_wise(
            "bio:J=",
            pa.array(np.char.mod("%.2f", jac), pa.string()),
            " fp=",
            pa.array(np.char.mod("%016x", sigs.fingerprint[pos[r1]]), pa.string()),
            "",
        )
        return _per_key(data, r1, r2, label, jac * _idf(n))

    return _Trace(keys, sigs.index[docs], params.max_key_assets, finish)


def _avatars(data: pa.Table, params: ProfileSimilarityParams) -> _Trace:
    avatar = data.column("avatar_hash").combine_chunks()
    rows = np.flatnonzero(
        pc.fill_null(pc.greater(pc.utf8_length(avatar), 0), False).to_numpy(zero_copy_only=False)
    )

    def finish(r1: np.ndarray, r2: np.ndarray, n: np.ndarray) -> pa.Table:
        label = pc.binary_join_element_wise("avatar:", avatar.take(pa.array(r1, pa.int64())), "")
        return _per_key(data, r1, r2, label, _idf(n))

    return _Trace(
        _codes(avatar.take(pa.array(rows, pa.int64()))), rows, params.max_key_assets, finish
    )


__all__ = ["ProfileSimilarity", "ProfileSimilarityParams"]
