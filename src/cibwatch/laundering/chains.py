"""Laundering chains: state article -> intermediary article (reuse, later) -> state citeback.

From the reuse pairs (cibwatch.laundering.reuse) between state-affiliated articles and everyone
else, with direction by publication time:

- carry: a non-state article reuses a state article published before it. When an article
  reuses several state articles (state outlets copy each other, and talking points recur), its
  sources are chosen greedily: the state article sharing the most specific text first (seeds
  weighted by rarity, cibwatch.laundering.reuse; on a tie the most recent: the same text run
  twice by state media was most likely taken from the run in the news cycle), then any other only if it covers at least `min_shared` words not yet
  covered. A copy of the source, or a stock sentence it shares with a hundred state articles,
  adds nothing.
- credit: the intermediary links to the state article, or to a domain of its outlet, or names
  the outlet (its name or a listed alias, as whole words after normalization).
- citeback: a state article published after the intermediary that links to the intermediary
  article itself; or, when none of its links resolves to an article of that outlet, that links
  to its site or names its outlet or author *and* reuses its text (the claim it cites), taking
  the outlet's article whose text it shares next to the mention of the outlet's name (the
  claim it attributes); when several carry that same claim, the latest before the citation.
  A mere mention of an outlet's name is not enough: which of its articles would it be?

Everything is DuckDB over temp tables except the greedy choice of sources, a loop over the
(few) verified reuse pairs grouped by intermediary article.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from cibwatch.laundering.outlets import NAME_TABLE, OUTLET_TABLE, STATE_TABLE
from cibwatch.laundering.reuse import ReuseParams, align_pairs, find_reuse, words_sql
from cibwatch.text import normalize_sql, register_text_functions

DOCS = "_cw_ldocs"
NEAR_WORDS = 12  # text this close to a citing article's mention of an outlet is what it cites


def prepare_docs(con: duckdb.DuckDBPyConnection) -> int:
    """`_cw_ldocs(article_id, side, t, words)`: every article with a time, side = state."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {DOCS} AS
        SELECT a.article_id, s.article_id IS NOT NULL AS side, a.published_at AS t,
               {words_sql("a.text_norm")} AS words
        FROM articles a LEFT JOIN {STATE_TABLE} s USING (article_id)
        WHERE a.published_at IS NOT NULL
    """)
    return int(con.execute(f"SELECT count(*) FROM {DOCS}").fetchall()[0][0])


def _name_words(expr: str) -> str:
    """SQL: ' w1 w2 ' from a raw name (normalized like article text), for whole-word search."""
    return f"' ' || array_to_string({words_sql(normalize_sql(expr))}, ' ') || ' '"


def _linked(con: duckdb.DuckDBPyConnection) -> None:
    """`_cw_linked(a_id, b_id)`: state and other articles where one links to the other.

    Always aligned, whatever LSH says: a link names what an article may be quoting.
    """
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _cw_linked AS
        SELECT DISTINCT CASE WHEN f.side THEN f.article_id ELSE t.article_id END AS a_id,
                        CASE WHEN f.side THEN t.article_id ELSE f.article_id END AS b_id
        FROM article_links l
        JOIN articles ta ON ta.url_norm = l.url_norm
        JOIN {DOCS} f ON f.article_id = l.article_id
        JOIN {DOCS} t ON t.article_id = ta.article_id
        WHERE f.side <> t.side
    """)


def _select_sources(
    con: duckdb.DuckDBPyConnection, min_shared: int, min_passage: int, max_sources: int = 25
) -> dict[tuple[int, int], dict[str, Any]]:
    """Choose the state sources of each non-state article; `_cw_carry` and the passages.

    A state article's passage counts as state content only where the state article did not
    itself take it from a non-state article published before it that it links to (a state
    outlet quoting an independent report it cites is not the origin of that text), and only
    passages with at least `min_passage` such words are kept. Without a link, an earlier
    non-state article sharing the text is more likely a copy of older state text than its
    origin, so it takes nothing away. Then greedy cover: most specific first, latest on a tie;
    a further source must add `min_shared` words, at least half of the words it shares.
    """
    rows = con.execute(
        f"""
        SELECT r.b_id, r.a_id, r.b_words, r.passages
        FROM _cw_reuse r
        JOIN {DOCS} sa ON sa.article_id = r.a_id
        JOIN {DOCS} sb ON sb.article_id = r.b_id
        WHERE sa.t < sb.t
        QUALIFY row_number() OVER (PARTITION BY r.b_id ORDER BY r.weight DESC, sa.t DESC, r.a_id)
                <= $max_sources
        ORDER BY r.b_id, r.weight DESC, sa.t DESC, r.a_id
        """,
        {"max_sources": max_sources},
    ).fetchall()
    # Word ranges of state articles taken from earlier non-state articles.
    borrowed_rows = con.execute(
        f"""
        SELECT p.a_id, len(sa.words) AS a_words,
               list({{'a0': p.a0, 'a1': p.a1}}) AS ranges
        FROM _cw_passages p
        SEMI JOIN _cw_linked l ON l.a_id = p.a_id AND l.b_id = p.b_id
        JOIN {DOCS} sa ON sa.article_id = p.a_id
        JOIN {DOCS} sb ON sb.article_id = p.b_id
        WHERE sb.t < sa.t
        GROUP BY p.a_id, len(sa.words)
        """
    ).fetchall()
    borrowed: dict[int, np.ndarray] = {}
    for a_id, a_words, ranges in borrowed_rows:
        mask = np.zeros(a_words, dtype=bool)
        for ps in ranges:
            mask[ps["a0"] : ps["a1"]] = True
        borrowed[a_id] = mask
    chosen: dict[tuple[int, int], dict[str, Any]] = {}
    covered = np.zeros(0, dtype=bool)
    current = None
    for b_id, a_id, b_words, passages in rows:
        if b_id != current:
            current = b_id
            covered = np.zeros(b_words, dtype=bool)
        taken = borrowed.get(a_id)
        own = [
            ps
            for ps in passages
            if ps["a1"] - ps["a0"] - (0 if taken is None else int(taken[ps["a0"] : ps["a1"]].sum()))
            >= min_passage
        ]
        if not own:
            continue
        mask = np.zeros(b_words, dtype=bool)
        for ps in own:
            mask[ps["b0"] : ps["b1"]] = True
        shared = int(mask.sum())
        new = int((mask & ~covered).sum())
        # Mostly words a better source already explains: a stock phrase, or a copy of it.
        if new >= min_shared and 2 * new >= shared:
            covered |= mask
            chosen[(a_id, b_id)] = {
                "new_words": new,
                "shared_words": shared,
                "inter_words": b_words,
                "passages": own,
            }
    con.register(
        "_cw_carry_in",
        pa.table(
            {
                "state_id": pa.array([k[0] for k in chosen], pa.int64()),
                "inter_id": pa.array([k[1] for k in chosen], pa.int64()),
            }
        ),
    )
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _cw_carry AS SELECT * FROM _cw_carry_in")
    finally:
        con.unregister("_cw_carry_in")
    return chosen


def _named_pairs(con: duckdb.DuckDBPyConnection) -> None:
    """`_cw_named(a_id, b_id)`: later state articles that name (or link the site of) an outlet
    carrying state text, with that outlet's carrying articles they share any LSH key with,
    including keys too common for the first round (a quoted claim is often a stock sentence).

    A citeback that only names its source shares one sentence with it, and the state
    article's best LSH partners may be other articles of that outlet sharing its stock text;
    these pairs are aligned too, so the claim it cites is found.
    """
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _cw_named AS
        WITH carriers AS (
            SELECT DISTINCT i.outlet, i.domain, {_name_words("i.outlet")} AS nw
            FROM _cw_carry k JOIN articles i ON i.article_id = k.inter_id
            WHERE i.outlet IS NOT NULL
        ), namers AS (
            SELECT d.article_id AS a_id, c.outlet
            FROM {DOCS} d JOIN carriers c
              ON length(c.nw) > 2 AND contains(' ' || array_to_string(d.words, ' ') || ' ', c.nw)
            WHERE d.side
            UNION
            SELECT l.article_id, c.outlet
            FROM article_links l JOIN carriers c ON l.domain = c.domain
        )
        , keys_a AS (
            SELECT DISTINCT key, article_id FROM _cw_bk
            WHERE article_id IN (SELECT a_id FROM namers)
        ), keys_b AS (
            SELECT DISTINCT key, article_id FROM _cw_bk
            WHERE article_id IN (SELECT inter_id FROM _cw_carry)
        ), h AS (  -- any shared LSH key, stock text included: the claim is often stock
            SELECT DISTINCT a.article_id AS a_id, b.article_id AS b_id
            FROM keys_a a JOIN keys_b b USING (key)
        )
        SELECT DISTINCT h.a_id, h.b_id
        FROM h
        JOIN namers n ON n.a_id = h.a_id
        JOIN articles i ON i.article_id = h.b_id AND i.outlet = n.outlet
        JOIN {DOCS} c ON c.article_id = h.a_id
        JOIN {DOCS} b ON b.article_id = h.b_id
        WHERE c.t > b.t
    """)


def _credit(con: duckdb.DuckDBPyConnection) -> None:
    """`_cw_credit(state_id, inter_id, by_link, by_name)`."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _cw_names AS
        SELECT entry, {_name_words("name")} AS nw FROM {NAME_TABLE}
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _cw_credit AS
        WITH k AS (
            SELECT k.state_id, k.inter_id, s.url_norm, s.domain, s.outlet, se.entry,
                   ' ' || array_to_string(d.words, ' ') || ' ' AS itext
            FROM _cw_carry k
            JOIN articles s ON s.article_id = k.state_id
            JOIN {STATE_TABLE} se ON se.article_id = k.state_id
            JOIN {DOCS} d ON d.article_id = k.inter_id
        ), link AS (
            SELECT DISTINCT k.state_id, k.inter_id
            FROM k JOIN article_links l ON l.article_id = k.inter_id
            WHERE l.url_norm = k.url_norm OR l.domain = k.domain
               OR l.domain IN (SELECT o.domain FROM {OUTLET_TABLE} o WHERE o.entry = k.entry)
        ), named AS (
            SELECT DISTINCT k.state_id, k.inter_id FROM k
            JOIN (SELECT entry, nw FROM _cw_names) n ON n.entry = k.entry
            WHERE length(n.nw) > 2 AND contains(k.itext, n.nw)
            UNION
            SELECT k.state_id, k.inter_id FROM k
            WHERE k.outlet IS NOT NULL AND length({_name_words("k.outlet")}) > 2
              AND contains(k.itext, {_name_words("k.outlet")})
        )
        SELECT k.state_id, k.inter_id,
               EXISTS (SELECT 1 FROM link WHERE link.state_id = k.state_id
                       AND link.inter_id = k.inter_id) AS by_link,
               EXISTS (SELECT 1 FROM named WHERE named.state_id = k.state_id
                       AND named.inter_id = k.inter_id) AS by_name
        FROM k
    """)


def _citebacks(con: duckdb.DuckDBPyConnection) -> None:
    """`_cw_cite(inter_id, cite_id, how, passages)`: state articles citing an intermediary."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _cw_cite AS
        WITH inter AS (
            SELECT DISTINCT i.article_id, i.url_norm, i.domain, i.outlet, i.author, d.t
            FROM _cw_carry k JOIN articles i ON i.article_id = k.inter_id
            JOIN {DOCS} d ON d.article_id = i.article_id
        ), echo AS (  -- a later state article reusing the intermediary's text
            SELECT r.a_id AS cite_id, r.b_id AS inter_id, r.weight, r.passages
            FROM _cw_reuse r JOIN {DOCS} c ON c.article_id = r.a_id
            JOIN inter i ON i.article_id = r.b_id
            WHERE c.t > i.t
        ), exact AS (
            SELECT DISTINCT i.article_id AS inter_id, l.article_id AS cite_id
            FROM inter i JOIN article_links l ON l.url_norm = i.url_norm
            JOIN {DOCS} c ON c.article_id = l.article_id
            WHERE c.side AND c.t > i.t
        ), resolved AS (  -- (citing article, domain) pairs where a link names the article cited
            SELECT DISTINCT l.article_id AS cite_id, a.domain
            FROM article_links l JOIN articles a ON a.url_norm = l.url_norm
        ), loose0 AS (
            SELECT e.inter_id, e.cite_id, e.weight, e.passages, i.t, i.outlet,
                   ' ' || array_to_string(c.words, ' ') || ' ' AS ctext,
                   {_name_words("i.outlet")} AS onw,
                   EXISTS (SELECT 1 FROM article_links l WHERE l.article_id = e.cite_id
                           AND l.domain = i.domain) AS by_domain,
                   (i.author IS NOT NULL AND len({words_sql(normalize_sql("i.author"))}) >= 2
                    AND contains(' ' || array_to_string(c.words, ' ') || ' ',
                                 {_name_words("i.author")})) AS by_author
            FROM echo e JOIN inter i ON i.article_id = e.inter_id
            JOIN {DOCS} c ON c.article_id = e.cite_id
            WHERE NOT EXISTS (SELECT 1 FROM resolved x WHERE x.cite_id = e.cite_id
                              AND x.domain = i.domain)
        ), loose AS (
            -- Where the citing article names the outlet: word position `name_at` of the name.
            SELECT *, (outlet IS NOT NULL AND length(onw) > 2 AND contains(ctext, onw))
                          AS by_outlet,
                   CASE WHEN outlet IS NOT NULL AND length(onw) > 2 AND contains(ctext, onw)
                        THEN length(regexp_replace(ctext[1 : strpos(ctext, onw)], '[^ ]', '', 'g'))
                             - 1
                   END AS name_at,
                   len(string_split(trim(onw), ' ')) AS name_len
            FROM loose0
        ), scored AS (
            -- The cited claim sits next to the citation: text shared within `near` words of
            -- the outlet's name counts first.
            SELECT *, coalesce(list_sum(list_transform(
                       list_filter(passages, lambda p: name_at IS NOT NULL
                                   AND p.a1 >= name_at - $near AND p.a0 <= name_at + name_len + $near),
                       lambda p: p.weight)), 0) AS near_weight
            FROM loose
        ), best AS (  -- a name or a site points to an outlet: take its article cited most
            SELECT * FROM scored WHERE by_domain OR by_outlet OR by_author
            QUALIFY row_number() OVER (PARTITION BY cite_id, coalesce(outlet, '')
                                       ORDER BY round(near_weight, 4) DESC, t DESC,
                                                weight DESC, inter_id) = 1
        )
        SELECT inter_id, cite_id, 'links to the article' AS how FROM exact
        UNION ALL
        SELECT inter_id, cite_id,
               CASE WHEN by_domain THEN 'links to its site and reuses its text'
                    WHEN by_outlet THEN 'names the outlet and reuses its text'
                    ELSE 'names the author and reuses its text' END
        FROM best
    """,
        {"near": NEAR_WORDS},
    )


def build_chains(
    con: duckdb.DuckDBPyConnection,
    params: ReuseParams | None = None,
    step: Callable[[str], None] | None = None,
) -> tuple[dict[str, int], dict[tuple[int, int], dict[str, Any]]]:
    """Run reuse, sources, credit and citebacks; leaves temp tables for `collect`.

    Needs `cibwatch.laundering.outlets.classify` to have run on `con`. Returns counts and the
    chosen (state, intermediary) pairs with their passages.
    """
    p = params or ReuseParams()
    register_text_functions(con)
    say = step or (lambda s: None)
    n_docs = prepare_docs(con)
    _linked(con)
    pairs = find_reuse(con, DOCS, p, step=say, extra="_cw_linked")
    say("sources and credit")
    chosen = _select_sources(con, p.min_shared, p.min_passage)
    _named_pairs(con)
    align_pairs(con, DOCS, "_cw_named", p)
    _credit(con)
    say("citebacks")
    _citebacks(con)
    carries, chains = con.execute("""
        SELECT (SELECT count(*) FROM _cw_carry),
               (SELECT count(*) FROM _cw_carry k JOIN _cw_cite c USING (inter_id))
    """).fetchall()[0]
    counts = {"articles": n_docs, "reuse_pairs": pairs, "carries": carries, "chains": chains}
    return counts, chosen


def collect(
    con: duckdb.DuckDBPyConnection, chosen: dict[tuple[int, int], dict[str, Any]]
) -> dict[str, Any]:
    """The carries (oldest intermediary first) and citebacks as Python rows."""
    credit = con.execute("""
        SELECT cr.state_id, cr.inter_id, cr.by_link, cr.by_name
        FROM _cw_credit cr JOIN _cw_ldocs d ON d.article_id = cr.inter_id
        ORDER BY d.t, cr.inter_id, cr.state_id
    """).fetchall()
    cites = con.execute("""
        SELECT c.inter_id, c.cite_id, c.how, r.passages
        FROM _cw_cite c JOIN _cw_ldocs d ON d.article_id = c.cite_id
        LEFT JOIN _cw_reuse r ON r.a_id = c.cite_id AND r.b_id = c.inter_id
        ORDER BY d.t, c.cite_id
    """).fetchall()
    return {
        "carries": [
            {
                "state_id": s,
                "inter_id": i,
                **chosen[(s, i)],
                "credit_link": bool(link),
                "credit_name": bool(name),
            }
            for s, i, link, name in credit
        ],
        "citebacks": [
            {"inter_id": r[0], "cite_id": r[1], "how": r[2], "passages": r[3] or []} for r in cites
        ],
    }
