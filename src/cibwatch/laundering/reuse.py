"""Text reuse between articles: MinHash/LSH candidates over passage windows, then alignment.

Two steps, so the costly one runs only where it can pay off:

1. Candidates. Each article's normalized words (cibwatch.text: Persian/Arabic folded, ZWNJ as a
   space, lower-case; words are runs of letters, marks and digits, so the same rule splits
   Persian, Arabic and Latin script) are cut into overlapping windows of `window` words. Each
   window gets a MinHash signature over character shingles (cibwatch.signals.minhash: numpy over
   the UTF-8 bytes, no per-shingle Python), folded into LSH band keys. Windows rather than whole
   articles, because a laundered passage is often three sentences inside someone else's article:
   its Jaccard similarity with the source *article* is low, with the source *window* high. Two
   articles become a candidate pair when a window of each shares a band key, joined in DuckDB
   only across the two sides (state vs other). A key held by more than `max_key_side` articles
   on one side is stock text (boilerplate, formulas) and skipped; each other-side article keeps
   the `max_partners` state articles sharing the rarest keys with it (each key weighs 1 / the
   number of state articles holding it: its likely sources), and each state article its
   `max_partners_a` best the same way (what it may cite back): the work stays linear.
2. Alignment (seed and extend). For candidate pairs only, every run of `kgram` words is hashed
   (numpy); shared k-grams are the seeds; seeds that follow each other in both articles, with
   at most `gap` words skipped (a reworded word breaks `kgram` seeds in a row), extend into one
   passage; a jump in either article (a dropped or moved sentence) starts a new one. Passages
   shorter than `min_passage` words or sparser than `min_density` are chance; a pair is reuse
   when its passages cover `min_shared` words on both sides. Each seed also weighs 1 / the
   number of compared articles holding its k-gram, so a pair sharing a specific claim outweighs
   one sharing stock formulas (used to choose among candidate sources). All of it is one DuckDB
   plan over every pair at once (window functions), not a Python loop per pair; `difflib` was
   not used because it aligns one pair at a time in Python and misses reordered sentences.

Direction comes from publication time, decided by the caller (cibwatch.laundering.chains).
Translation is not detected: a translated copy shares no shingles with its source; finding it
would need machine translation into a pivot language first, which this package does not ship.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from cibwatch.signals.minhash import band_keys, mix64, signatures

# A word: a run of letters, combining marks and digits (RE2 syntax, inside DuckDB).
WORD_RE = r"[\p{L}\p{M}\p{N}]+"
_P = np.uint64(0x100000001B3)


@dataclass(frozen=True)
class ReuseParams:
    """Knobs of reuse detection; defaults chosen on synthetic worlds (docs/benchmarks.md)."""

    window: int = 16  # words per LSH window
    stride: int = 8  # words between window starts
    min_words: int = 10  # shorter articles are not compared
    shingle: int = 5  # characters per shingle (spaces dropped: Persian joins words freely)
    num_perm: int = 64
    bands: int = 16  # 16 bands of 4 rows: a window pair with J = 0.5 collides with p = 0.64
    max_key_side: int = 100  # a band key held by more articles on one side is stock text
    max_partners: int = 20  # candidate sources kept per side-false article, rarest keys first
    max_partners_a: int = 3  # and candidates kept per side-true article
    kgram: int = 4  # words per alignment seed
    gap: int = 8  # words a passage may skip (reworded words) or shift and stay one passage
    min_passage: int = 10  # words
    min_density: float = 0.3  # seeds per word in a passage
    min_shared: int = 15  # words a pair must share on both sides to count as reuse


def words_sql(column: str) -> str:
    """SQL for the list of words of a normalized text column (our column name, never data)."""
    return f"regexp_extract_all(coalesce({column}, ''), '{WORD_RE}')"


def find_reuse(
    con: duckdb.DuckDBPyConnection,
    docs: str,
    params: ReuseParams | None = None,
    step: Callable[[str], None] | None = None,
    extra: str | None = None,
) -> int:
    """Find reuse between the two sides of `docs`; returns the number of pairs.

    `docs` is a relation (our name) with columns article_id BIGINT, side BOOLEAN, words
    VARCHAR[]. Only pairs with one article on each side are compared (for laundering: state
    outlets on one side, everyone else on the other). `extra` names a relation of (a_id, b_id)
    pairs to align whatever LSH says (for laundering: articles that link to each other).
    Writes the temp table `_cw_reuse`:
    a_id (side true), b_id (side false), a_words, b_words (article lengths), a_shared, b_shared
    (words covered by passages), weight (the seeds' specificity: each shared k-gram counts
    1 / the number of compared articles holding it, so stock phrases weigh little) and passages, a list of {a0, a1, b0, b1, seeds}: word ranges
    [a0, a1) and [b0, b1) of the two articles that align; and `_cw_passages` with every
    passage of every candidate pair (a_id, b_id, a0, a1, b0, b1, seeds), before the
    `min_shared` test.
    """
    p = params or ReuseParams()
    say = step or (lambda s: None)
    say("windows")
    _windows(con, docs, p)
    say("minhash")
    n_cand = _candidates(
        con, p, extra or "(SELECT NULL::BIGINT AS a_id, NULL::BIGINT AS b_id LIMIT 0)"
    )
    say(f"aligning {n_cand} candidate pairs")
    _align(con, docs, p)
    return int(con.execute("SELECT count(*) FROM _cw_reuse").fetchall()[0][0])


def _windows(con: duckdb.DuckDBPyConnection, docs: str, p: ReuseParams) -> None:
    # Window starts every `stride` words, plus one flush with the end so the tail is covered.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _cw_win AS
        SELECT article_id, side, array_to_string(words[s + 1 : s + $w], ' ') AS txt
        FROM (
            SELECT article_id, side, words,
                   unnest(list_distinct(
                       range(0, greatest(len(words) - $w, 0) + 1, $stride)
                       || [greatest(len(words) - $w, 0)])) AS s
            FROM {docs} WHERE len(words) >= $min_words
        )
        """,
        {"w": p.window, "stride": p.stride, "min_words": p.min_words},
    )


def _candidates(con: duckdb.DuckDBPyConnection, p: ReuseParams, extra: str) -> int:
    win = con.sql("SELECT article_id, side, txt FROM _cw_win").to_arrow_table()
    sig = signatures(win.column("txt"), shingle=p.shingle, num_perm=p.num_perm, min_chars=20)
    keys = band_keys(sig.values, p.bands)
    rows = np.repeat(sig.index, p.bands)
    bk = pa.table(
        {
            "key": pa.array(keys.reshape(-1)),
            "article_id": pa.array(win.column("article_id").to_numpy()[rows]),
            "side": pa.array(win.column("side").to_numpy(zero_copy_only=False)[rows]),
        }
    )
    del win, sig, keys, rows
    con.register("_cw_bk_in", bk)
    # Kept for later rounds that look past the stock-text cap (see align_pairs).
    con.execute("CREATE OR REPLACE TEMP TABLE _cw_bk AS SELECT DISTINCT * FROM _cw_bk_in")
    # A key must be seen on both sides, by at most `max_key_side` articles on each (more is
    # stock text: boilerplate, formulas), so no key pairs more than max_key_side² articles.
    # `_cw_hits` keeps every such pair (callers may align more of them later, see
    # align_pairs); each article's best partners by key rarity become `_cw_cand`.
    try:
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE _cw_hits AS
            WITH live0 AS (
                SELECT key, article_id, side FROM _cw_bk
            ), stat AS (
                SELECT key, count(*) FILTER (WHERE side) AS n_a,
                       count(*) FILTER (WHERE NOT side) AS n_b
                FROM live0 GROUP BY key
                HAVING n_a BETWEEN 1 AND $m AND n_b BETWEEN 1 AND $m
            ), live AS (
                SELECT * FROM live0 JOIN stat USING (key)
            )
            -- A key shared with few articles says more than one shared with many: each side
            -- ranks its partners by the keys' rarity on the other side.
            SELECT a.article_id AS a_id, b.article_id AS b_id, count(*) AS hits,
                   sum(1.0 / a.n_a) AS w_b, sum(1.0 / a.n_b) AS w_a
            FROM live a JOIN live b ON a.key = b.key AND a.side AND NOT b.side
            GROUP BY a.article_id, b.article_id
            """,
            {"m": p.max_key_side},
        )
    finally:
        con.unregister("_cw_bk_in")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _cw_cand AS
        WITH top AS (
            SELECT a_id, b_id, hits FROM _cw_hits
            QUALIFY row_number() OVER (PARTITION BY b_id ORDER BY w_b DESC, a_id) <= $top
                 OR row_number() OVER (PARTITION BY a_id ORDER BY w_a DESC, b_id) <= $top_a
        )
        SELECT (row_number() OVER () - 1)::BIGINT AS pair, a_id, b_id, max(hits) AS hits
        FROM (SELECT * FROM top UNION ALL SELECT a_id, b_id, 0 FROM {extra})
        GROUP BY a_id, b_id
        """,
        {"top": p.max_partners, "top_a": p.max_partners_a},
    )
    return int(con.execute("SELECT count(*) FROM _cw_cand").fetchall()[0][0])


def _kgrams(con: duckdb.DuckDBPyConnection, docs: str, p: ReuseParams, pairs: str) -> None:
    """`_cw_kg(article_id, pos, kg)`: hash of the k words from `pos`, first occurrence only,
    for the articles of `pairs`."""
    tab = con.sql(
        f"""
        SELECT article_id, pos, hash(w) AS h FROM (
            SELECT article_id, unnest(range(len(words))) AS pos, unnest(words) AS w FROM {docs}
            WHERE article_id IN (SELECT a_id FROM {pairs} UNION SELECT b_id FROM {pairs})
        ) ORDER BY article_id, pos
        """
    ).to_arrow_table()
    aid = tab.column("article_id").to_numpy()
    pos = tab.column("pos").to_numpy()
    h = mix64(tab.column("h").to_numpy().astype(np.uint64))
    n = len(h)
    k = p.kgram
    m = max(n - k + 1, 0)
    kg = np.zeros(m, dtype=np.uint64)
    for j in range(k):
        kg = mix64(kg * _P + h[j : j + m])
    ok = aid[k - 1 : k - 1 + m] == aid[:m] if m else np.zeros(0, dtype=bool)
    con.register(
        "_cw_kg_in",
        pa.table({"article_id": aid[:m][ok], "pos": pos[:m][ok], "kg": kg[ok].view(np.int64)}),
    )
    try:
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE _cw_kg AS
            SELECT article_id, kg, min(pos)::INTEGER AS pos FROM _cw_kg_in GROUP BY ALL
            """
        )
    finally:
        con.unregister("_cw_kg_in")


def _align(
    con: duckdb.DuckDBPyConnection, docs: str, p: ReuseParams, pairs: str = "_cw_cand"
) -> None:
    """Align the (pair, a_id, b_id) rows of `pairs`: `_cw_passages` and `_cw_reuse` for the
    first call (`_cw_cand`), appended to by later calls."""
    first = pairs == "_cw_cand"
    _kgrams(con, docs, p, pairs)
    if first:  # k-gram rarity is measured once, over the first round's articles
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _cw_kgdf AS "
            "SELECT kg, count(*) AS df FROM _cw_kg GROUP BY kg"
        )
    params = {
        "k": p.kgram,
        "gap": p.gap,
        "min_passage": p.min_passage,
        "density": p.min_density,
        "min_shared": p.min_shared,
    }
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _cw_passages_new AS
        WITH m AS (
            SELECT c.pair, a.pos AS pa, b.pos AS pb, 1.0 / coalesce(df.df, 1) AS w
            FROM {pairs} c
            JOIN _cw_kg a ON a.article_id = c.a_id
            JOIN _cw_kg b ON b.article_id = c.b_id AND b.kg = a.kg
            LEFT JOIN _cw_kgdf df ON df.kg = a.kg
        ), brk AS (
            SELECT pair, pa, pb, w,
                   CASE WHEN lag(pb) OVER w IS NULL
                          OR pb - lag(pb) OVER w > $gap + 1
                          OR abs((pa - lag(pa) OVER w) - (pb - lag(pb) OVER w)) > $gap
                          OR pa < lag(pa) OVER w
                        THEN 1 ELSE 0 END AS new
            FROM m WINDOW w AS (PARTITION BY pair ORDER BY pb, pa)
        ), seg AS (
            SELECT pair, pa, pb, w,
                   sum(new) OVER (PARTITION BY pair ORDER BY pb, pa ROWS UNBOUNDED PRECEDING) AS s
            FROM brk
        ), passages AS (
            SELECT pair, min(pa) AS a0, max(pa) + $k AS a1, min(pb) AS b0, max(pb) + $k AS b1,
                   count(*) AS seeds, sum(w) AS weight
            FROM seg GROUP BY pair, s
        )
        SELECT c.a_id, c.b_id, p.a0, p.a1, p.b0, p.b1, p.seeds, p.weight
        FROM passages p JOIN {pairs} c USING (pair)
        WHERE b1 - b0 >= $min_passage AND a1 - a0 >= $min_passage
          AND seeds >= $density * (least(a1 - a0, b1 - b0) - $k + 1)
        """,
        {k: params[k] for k in ("k", "gap", "min_passage", "density")},
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _cw_reuse_new AS
        SELECT p.a_id, p.b_id, da.n AS a_words, db.n AS b_words,
               sum(a1 - a0)::INTEGER AS a_shared, sum(b1 - b0)::INTEGER AS b_shared,
               sum(weight) AS weight,
               list({{'a0': a0, 'a1': a1, 'b0': b0, 'b1': b1, 'seeds': seeds,
                     'weight': weight}} ORDER BY b0)
                   AS passages
        FROM _cw_passages_new p
        JOIN (SELECT article_id, len(words) AS n FROM {docs}) da ON da.article_id = p.a_id
        JOIN (SELECT article_id, len(words) AS n FROM {docs}) db ON db.article_id = p.b_id
        GROUP BY p.a_id, p.b_id, da.n, db.n
        HAVING sum(a1 - a0) >= $min_shared AND sum(b1 - b0) >= $min_shared
        """,
        {"min_shared": params["min_shared"]},
    )
    if first:
        con.execute("CREATE OR REPLACE TEMP TABLE _cw_passages AS FROM _cw_passages_new")
        con.execute("CREATE OR REPLACE TEMP TABLE _cw_reuse AS FROM _cw_reuse_new")
    else:
        con.execute("INSERT INTO _cw_passages FROM _cw_passages_new")
        con.execute("INSERT INTO _cw_reuse FROM _cw_reuse_new")
    con.execute("DROP TABLE _cw_passages_new; DROP TABLE _cw_reuse_new")


def align_pairs(
    con: duckdb.DuckDBPyConnection, docs: str, pairs: str, params: ReuseParams | None = None
) -> int:
    """Align more (a_id, b_id) pairs after `find_reuse`, adding to `_cw_reuse`; returns how
    many of them are reuse. Pairs already aligned are skipped."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _cw_more AS
        SELECT (row_number() OVER () - 1)::BIGINT AS pair, a_id, b_id
        FROM (SELECT DISTINCT a_id, b_id FROM {pairs}
              EXCEPT SELECT a_id, b_id FROM _cw_cand)
    """)
    before = int(con.execute("SELECT count(*) FROM _cw_reuse").fetchall()[0][0])
    _align(con, docs, params or ReuseParams(), "_cw_more")
    return int(con.execute("SELECT count(*) FROM _cw_reuse").fetchall()[0][0]) - before
