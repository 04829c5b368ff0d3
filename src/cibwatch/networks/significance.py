"""Which edges chance cannot explain: a Poisson null model per signal, Simes per pair, BH FDR.

The null model (documented in docs/evaluation.md too). For one signal s, asset a has activity
m_a: its posts of the kind s looks at (own posts with a URL for co-link/co-domain, own posts
with text for identical/near-duplicate text, posts with hashtags, mentions, replies; every
post otherwise). If assets acted on keys independently of each other, each key drawing its
actors in proportion to their activity (a bipartite Chung-Lu model), the number of distinct
keys that a and b share is Poisson with mean

    λ_ab = m_a · m_b · Σ_k c_k² / T²   with T = Σ_a m_a,

where c_k is key k's audience. Σ_k c_k² is not observable without the signal's raw actions,
but under the same model the expected number of (pair, key) co-actions is Σ_k c_k² / 2, which
is the signal's observed total P = Σ_edges keys. So

    λ_ab = 2 · P · m_a · m_b / T²,   p_ab,s = P(Poisson(λ_ab) ≥ keys_ab).

Heavy users are expected to meet by chance often, and a signal full of viral keys raises every
pair's expectation; a pair of ordinary-volume accounts that share forty texts has no excuse.
Because λ uses posting activity (not co-action counts), a large operation does not explain
itself away, as it would under a configuration model of the co-action graph.

Per pair, the signals' p-values are combined with Simes' test (valid under the positive
dependence that co-link and co-domain, say, have), and the pairs are tested with
Benjamini-Hochberg at the configured FDR over EVERY possible pair of active assets (pairs that
never co-acted have p = 1 but count as tests): a world of independent accounts yields,
in expectation, no kept pair beyond the FDR.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

if TYPE_CHECKING:
    import duckdb

    from cibwatch.networks.params import NetworksParams

# Which posts count as an asset's activity for each signal (see the module docstring).
ACTIVITY: dict[str, str] = {
    "co-link": "n_url",
    "co-domain": "n_url",
    "co-share": "n_all",
    "identical-text": "n_text",
    "near-duplicate-text": "n_text",
    "hashtag-sequence": "n_hashtag",
    "co-mention": "n_mention",
    "co-reply": "n_reply",
}
DEFAULT_ACTIVITY = "n_all"
_COLUMNS = ("n_all", "n_url", "n_text", "n_hashtag", "n_mention", "n_reply")

_ACTIVITY_SQL = """
CREATE OR REPLACE TEMP TABLE _net_activity AS
WITH u AS (SELECT DISTINCT post_id FROM post_urls),
     h AS (SELECT DISTINCT post_id FROM post_hashtags),
     m AS (SELECT DISTINCT post_id FROM post_mentions)
SELECT p.asset_id,
       count(*) AS n_all,
       count(*) FILTER (WHERE p.shared_post_id IS NULL AND u.post_id IS NOT NULL) AS n_url,
       count(*) FILTER (WHERE p.shared_post_id IS NULL AND p.text_norm IS NOT NULL) AS n_text,
       count(*) FILTER (WHERE p.shared_post_id IS NULL AND h.post_id IS NOT NULL) AS n_hashtag,
       count(*) FILTER (WHERE p.shared_post_id IS NULL AND m.post_id IS NOT NULL) AS n_mention,
       count(*) FILTER (WHERE p.reply_to IS NOT NULL) AS n_reply
FROM posts p
LEFT JOIN u ON u.post_id = p.post_id
LEFT JOIN h ON h.post_id = p.post_id
LEFT JOIN m ON m.post_id = p.post_id
WHERE p.asset_id IS NOT NULL
GROUP BY p.asset_id
"""


@dataclass
class Significance:
    """Result of the test: per-edge λ and p, per-pair combined p, q and the kept flag."""

    edges: pa.Table  # asset_a, asset_b, signal, weight, events, keys, expected, p
    pairs: pa.Table  # asset_a, asset_b, p, q, significant
    tests: int  # number of pairs tested (every pair of active assets)
    kept: int
    # Per signal: (activity column, 2·P_s / T_s²), so that λ_ab = rate · m_a · m_b.
    rates: dict[str, tuple[str, float]] = field(default_factory=dict)


def poisson_logsf(x: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Natural log of P(X >= x) for X ~ Poisson(lam), vectorized, exact to float precision.

    Below the mean (x <= lam) the complement of the lower sum is used; above it the tail series
    e^-λ λ^x / x! · Σ_n λ^n / ((x+1)···(x+n)), which converges geometrically there.

    >>> float(np.exp(poisson_logsf(np.array([1]), np.array([2.0])))[0])  # 1 - e^-2
    0.8646647167633873
    """
    x = np.asarray(x, dtype=np.float64)
    lam = np.maximum(np.asarray(lam, dtype=np.float64), 1e-300)
    out = np.zeros_like(x)
    pos = x > 0
    upper = pos & (x > lam)
    lower = pos & ~upper
    if upper.any():
        xu, lu = x[upper], lam[upper]
        lgam = _lgamma(xu + 1.0)
        term = np.ones_like(xu)
        total = np.ones_like(xu)
        for n in range(1, 100_000):
            term *= lu / (xu + n)
            total += term
            if (term < 1e-17 * total).all():
                break
        out[upper] = -lu + xu * np.log(lu) - lgam + np.log(total)
    if lower.any():
        xl, ll = x[lower], lam[lower]
        # P(X <= x-1) as Σ_{j<x} pmf(j); x <= λ keeps this loop at most max(λ) long.
        pmf = np.exp(-ll)
        cdf = pmf.copy()
        for j in range(1, int(xl.max())):
            pmf = pmf * ll / j
            cdf = np.where(j < xl, cdf + pmf, cdf)
        out[lower] = np.log(np.clip(1.0 - cdf, 1e-300, 1.0))
    return out


def _lgamma(v: np.ndarray) -> np.ndarray:
    uniq, inv = np.unique(v, return_inverse=True)
    return np.array([math.lgamma(u) for u in uniq])[inv]


def simes(pair_codes: np.ndarray, p: np.ndarray, n_tests: int) -> tuple[np.ndarray, np.ndarray]:
    """Simes' combined p per pair: min_i n·p_(i)/i over the pair's sorted p-values.

    Signals with no edge for a pair have p = 1 and cannot lower the minimum, so only observed
    p-values are needed; `n_tests` is the number of signals every pair was tested on.
    Returns (unique pair codes, combined p).
    """
    order = np.lexsort((p, pair_codes))
    codes, ps = pair_codes[order], p[order]
    first = np.r_[True, codes[1:] != codes[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(len(codes)), 0))
    rank = np.arange(len(codes)) - start + 1
    adj = np.minimum(ps * n_tests / rank, 1.0)
    uniq = codes[first]
    combined = np.minimum.reduceat(adj, np.flatnonzero(first)) if len(codes) else adj
    return uniq, combined


def benjamini_hochberg(p: np.ndarray, m: int) -> np.ndarray:
    """BH q-values of the observed p-values when `m` hypotheses were tested in all (the rest
    have p = 1). A hypothesis is rejected at FDR α when q <= α."""
    n = len(p)
    if n == 0:
        return p.copy()
    m = max(m, n)
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, n + 1)
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(n)
    q[order] = np.minimum(q_sorted, 1.0)
    return q


def assess_edges(con: duckdb.DuckDBPyConnection, params: NetworksParams) -> Significance:
    """Run the null-model test on the workspace's `edges` table (see the module docstring)."""
    con.execute(_ACTIVITY_SQL)
    signals = [r[0] for r in con.execute("SELECT DISTINCT signal FROM edges ORDER BY 1").fetchall()]
    n_active = con.execute(
        "SELECT count(*) FROM (SELECT asset_id FROM _net_activity UNION "
        "SELECT asset_a FROM edges UNION SELECT asset_b FROM edges)"
    ).fetchall()[0][0]
    parts = []
    for signal in signals:
        col = ACTIVITY.get(signal, DEFAULT_ACTIVITY)  # one of our own column names
        tbl = con.sql(
            f"""
            WITH e AS (SELECT * FROM edges WHERE signal = ?),
                 tot AS (SELECT sum({col})::DOUBLE AS t FROM _net_activity)
            SELECT e.asset_a, e.asset_b, e.signal, e.weight, e.events, e.keys,
                   e.first_at, e.last_at,
                   greatest(coalesce(x.{col}, 0), 1) * greatest(coalesce(y.{col}, 0), 1)
                       / greatest(tot.t, 1.0) ^ 2 AS unit
            FROM e CROSS JOIN tot
            LEFT JOIN _net_activity x ON x.asset_id = e.asset_a
            LEFT JOIN _net_activity y ON y.asset_id = e.asset_b
            """,
            params=[signal],
        ).to_arrow_table()
        parts.append(tbl)
    if not parts:
        empty = pa.table(
            {
                "asset_a": pa.array([], pa.int64()),
                "asset_b": pa.array([], pa.int64()),
                "p": pa.array([], pa.float64()),
                "q": pa.array([], pa.float64()),
                "significant": pa.array([], pa.bool_()),
            }
        )
        return Significance(edges=pa.table({}), pairs=empty, tests=0, kept=0)
    edges = pa.concat_tables(parts)
    keys = edges["keys"].to_numpy().astype(np.float64)
    unit = edges["unit"].to_numpy()
    names = edges["signal"].to_numpy(zero_copy_only=False)
    sig_code = np.searchsorted(np.array(signals, dtype=object), names)
    untested = np.isin(names, list(params.untested_signals))
    a = edges["asset_a"].to_numpy()
    b = edges["asset_b"].to_numpy()
    codes = (a.astype(np.int64) << 32) | b.astype(np.int64)
    uniq, pair_of = np.unique(codes, return_inverse=True)
    tests = n_active * (n_active - 1) // 2

    background = np.ones(len(keys), dtype=bool)
    for _ in range(max(1, params.null_passes)):
        # The signal's co-action rate, estimated on pairs not (yet) found coordinated: an
        # operation's own co-actions must not raise the chance level it is tested against.
        total = np.bincount(sig_code, weights=keys * background, minlength=len(signals))
        expected = 2.0 * total[sig_code] * unit
        p = np.exp(poisson_logsf(keys, expected))
        p[untested] = 0.0
        if params.null_model == "none":
            p[:] = 0.0
        _, p_pair = simes(codes, p, len(signals))
        q = benjamini_hochberg(p_pair, tests)
        sig = q <= params.fdr if params.null_model == "poisson" else np.ones(len(q), dtype=bool)
        new_background = ~sig[pair_of]
        if (new_background == background).all():
            break
        background = new_background
    totals = con.execute(
        "SELECT " + ", ".join(f"sum({c})::DOUBLE" for c in _COLUMNS) + " FROM _net_activity"
    ).fetchall()[0]
    t_by_col = dict(zip(_COLUMNS, totals, strict=True))
    rates = {}
    for i, name in enumerate(signals):
        col = ACTIVITY.get(name, DEFAULT_ACTIVITY)
        rates[name] = (col, 2.0 * float(total[i]) / max(float(t_by_col[col] or 0.0), 1.0) ** 2)
    edges = edges.drop_columns(["unit"]).append_column("expected", pa.array(expected))
    edges = edges.append_column("p", pa.array(p))
    pairs = pa.table(
        {
            "asset_a": pa.array(uniq >> 32),
            "asset_b": pa.array(uniq & 0xFFFFFFFF),
            "p": pa.array(p_pair),
            "q": pa.array(q),
            "significant": pa.array(sig),
        }
    )
    return Significance(edges=edges, pairs=pairs, tests=tests, kept=int(sig.sum()), rates=rates)
