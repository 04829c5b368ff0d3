"""Narratives: each network's distinctive phrases, terms and hashtags against the rest of the corpus.

Class-based TF-IDF (as in BERTopic): every network is one class, the rest of the corpus another.
For term t and class c, score = tf(t, c) * log(1 + A / f(t)), where tf is t's share of the
class's terms, f(t) is t's frequency over all classes and A the average number of terms per
class. Text is the normalized form (cibwatch.text), so Persian and Arabic spellings meet; URLs
and @mentions are removed; tokens are runs of letters and digits (ZWNJ splits Persian compounds,
so phrases up to three tokens rejoin them). A term must be used by at least two of the network's
assets: one account's quirk is not a narrative. The rest of the corpus is read as a
deterministic hash sample of BACKGROUND_POSTS posts (counts scaled back up), which keeps this
step flat as the corpus grows.

Temp tables kept for later sections (dropped with the run): cw_grams(network_id, post_id,
asset_id, gram, n) for network posts and cw_bg_grams(gram, n, cnt) for the background sample.
"""

from __future__ import annotations

import math
from typing import Any

from cibwatch.characterize.context import Context

BACKGROUND_POSTS = 60_000
TOP = 12

TOKEN_SPLIT = "[^\\p{L}\\p{N}]+"
STRIP = "https?://\\S+|www\\.\\S+|@\\w+"

STOPWORDS = sorted(
    set(
        [
            "the",
            "and",
            "of",
            "to",
            "in",
            "is",
            "for",
            "on",
            "that",
            "with",
            "this",
            "it",
            "are",
            "be",
            "as",
            "at",
            "by",
            "from",
            "was",
            "were",
            "we",
            "our",
            "you",
            "your",
            "they",
            "their",
            "them",
            "he",
            "she",
            "his",
            "her",
            "him",
            "not",
            "but",
            "or",
            "an",
            "have",
            "has",
            "had",
            "will",
            "would",
            "can",
            "could",
            "all",
            "about",
            "more",
            "what",
            "who",
            "when",
            "which",
            "there",
            "here",
            "just",
            "than",
            "then",
            "so",
            "if",
            "no",
            "yes",
            "do",
            "does",
            "did",
            "its",
            "it's",
            "im",
            "i",
            "me",
            "my",
            "rt",
            "amp",
            "via",
            "new",
            "one",
            "two",
            "get",
            "got",
            "also",
            "out",
            "up",
            "how",
            "why",
            "le",
            "la",
            "les",
            "de",
            "des",
            "et",
            "du",
            "un",
            "une",
            "el",
            "los",
            "las",
            "del",
            "en",
            "por",
            "para",
            "con",
            "que",
            "و",
            "در",
            "به",
            "از",
            "که",
            "این",
            "را",
            "با",
            "است",
            "برای",
            "آن",
            "یک",
            "خود",
            "تا",
            "بر",
            "هم",
            "نیز",
            "می",
            "شد",
            "شده",
            "های",
            "ها",
            "ای",
            "کرد",
            "کند",
            "کنند",
            "بود",
            "باید",
            "اما",
            "ما",
            "او",
            "همه",
            "هر",
            "شود",
            "دارد",
            "ندارد",
            "هیچ",
            "چه",
            "چون",
            "پس",
            "نه",
            "یا",
            "اگر",
            "وی",
            "ایشان",
            "آنها",
            "ان",
            "من",
            "تو",
            "اند",
            "بی",
            "دیگر",
            "کرده",
            "شده\u200cاست",
            "نمی",
            "بودند",
            "باشد",
            "هستند",
            "هست",
            "في",
            "من",
            "على",
            "إلى",
            "عن",
            "أن",
            "ان",
            "هذا",
            "هذه",
            "التي",
            "الذي",
            "مع",
            "كان",
            "قد",
            "لا",
            "ما",
            "هو",
            "هي",
            "و",
        ]
    )
)


def _tokens_sql(relation: str, cols: str) -> str:
    return f"""
        SELECT {cols},
               list_filter(
                   regexp_split_to_array(
                       regexp_replace(coalesce(text_norm, ''), $strip, ' ', 'g'), $split),
                   lambda t: length(t) >= 2 AND NOT regexp_full_match(t, '[0-9]+')) AS toks
        FROM {relation}
    """


def _grams_sql(src: str, cols: str) -> str:
    """Unigrams (stopwords dropped) and 2-3-grams (not starting or ending with a stopword)."""
    return f"""
        WITH g AS (
            SELECT {cols}, unnest(toks) AS gram, 1 AS n FROM {src}
            UNION ALL
            SELECT {cols}, unnest(list_transform(range(1, len(toks)),
                   lambda i: toks[i] || ' ' || toks[i + 1])) AS gram, 2 AS n FROM {src}
            UNION ALL
            SELECT {cols}, unnest(list_transform(range(1, len(toks) - 1),
                   lambda i: toks[i] || ' ' || toks[i + 1] || ' ' || toks[i + 2])) AS gram,
                   3 AS n FROM {src}
        )
        SELECT * FROM g
        WHERE NOT list_contains($stop, split_part(gram, ' ', 1))
          AND NOT list_contains($stop, split_part(gram, ' ', -1))
    """


def build_gram_tables(ctx: Context) -> float:
    """Create cw_grams and cw_bg_grams; returns the background sampling fraction."""
    con = ctx.con
    params = {"strip": STRIP, "split": TOKEN_SPLIT}
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cw_toks AS "
        + _tokens_sql("cw_nposts", "network_id, post_id, asset_id"),
        params,
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cw_grams AS "
        + _grams_sql("cw_toks", "network_id, post_id, asset_id"),
        {"stop": STOPWORDS},
    )
    rest = con.execute(
        "SELECT count(*) FROM posts WHERE asset_id NOT IN (SELECT asset_id FROM cw_members)"
    ).fetchall()[0][0]
    frac = min(1.0, BACKGROUND_POSTS / rest) if rest else 1.0
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cw_bg_posts AS SELECT post_id, text_norm FROM posts "
        "WHERE asset_id NOT IN (SELECT asset_id FROM cw_members) "
        "AND (hash(post_id) % 1000000) < $cut",
        {"cut": int(frac * 1_000_000)},
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cw_toks AS " + _tokens_sql("cw_bg_posts", "post_id"), params
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cw_bg_grams AS SELECT gram, n, count(*) AS cnt FROM ("
        + _grams_sql("cw_toks", "post_id")
        + ") GROUP BY ALL",
        {"stop": STOPWORDS},
    )
    bg_posts = con.execute("SELECT count(*) FROM cw_bg_posts").fetchall()[0][0]
    con.execute("DROP TABLE cw_toks")
    con.execute("DROP TABLE cw_bg_posts")
    ctx.results["_background"] = {"fraction": frac, "posts": bg_posts}
    return frac


def compute(ctx: Context) -> dict[str, Any]:
    frac = build_gram_tables(ctx)
    scale = 1.0 / frac if frac > 0 else 1.0
    n_classes = len(ctx.networks) + 1
    # One query: per-network counts, background counts (scaled), c-TF-IDF per kind of term.
    rows = ctx.by_network(
        """
        WITH net AS (
            SELECT network_id, gram, n, count(*) AS cnt, count(DISTINCT asset_id) AS assets
            FROM cw_grams GROUP BY ALL
        ),
        cls_tot AS (SELECT network_id, n > 1 AS phrase, sum(cnt) AS tot FROM net GROUP BY ALL),
        bg AS (SELECT gram, n, cnt * $scale AS cnt FROM cw_bg_grams),
        bg_tot AS (SELECT n > 1 AS phrase, sum(cnt) AS tot FROM bg GROUP BY ALL),
        f AS (
            SELECT gram, n, sum(cnt) AS f FROM (
                SELECT gram, n, cnt FROM net UNION ALL
                SELECT b.gram, b.n, b.cnt FROM bg b SEMI JOIN net USING (gram, n)
            ) GROUP BY ALL
        ),
        avg_len AS (
            SELECT phrase, (sum(cls_tot.tot) + coalesce(any_value(bt.tot), 0)) / $classes AS a
            FROM cls_tot LEFT JOIN bg_tot bt USING (phrase) GROUP BY phrase
        ),
        scored AS (
            SELECT net.network_id, net.gram, net.n, net.cnt, net.assets,
                   net.cnt / ct.tot AS tf,
                   coalesce(b.cnt, 0) / nullif(bt.tot, 0) AS bg_tf,
                   (net.cnt / ct.tot) * ln(1 + al.a / f.f) AS score
            FROM net
            JOIN cls_tot ct ON ct.network_id = net.network_id AND ct.phrase = (net.n > 1)
            JOIN f USING (gram, n)
            JOIN avg_len al ON al.phrase = (net.n > 1)
            LEFT JOIN bg b USING (gram, n)
            LEFT JOIN bg_tot bt ON bt.phrase = (net.n > 1)
            WHERE net.assets >= 2 AND net.cnt >= 2
        )
        SELECT * FROM scored
        QUALIFY row_number() OVER (PARTITION BY network_id, n > 1 ORDER BY score DESC, gram)
                <= $top * 2
        ORDER BY network_id, score DESC, gram
        """,
        {"scale": scale, "classes": n_classes, "top": TOP},
    )
    hashtags = _hashtags(ctx)
    out = {}
    for nid in ctx.networks:
        terms = [r for r in rows.get(nid, []) if r["n"] == 1]
        phrases = _dedupe([r for r in rows.get(nid, []) if r["n"] > 1])
        out[nid] = {
            "phrases": [_public(r) for r in phrases[:TOP]],
            "terms": [_public(r) for r in terms[:TOP]],
            "hashtags": hashtags.get(nid, [])[:TOP],
            "method": "class-based TF-IDF against the rest of the corpus "
            f"(background: {ctx.results['_background']['posts']:,} sampled posts)",
        }
    return out


def _public(r: dict[str, Any]) -> dict[str, Any]:
    lift = (r["tf"] / r["bg_tf"]) if r.get("bg_tf") else None
    return {
        "text": r["gram"],
        "posts": int(r["cnt"]),
        "assets": int(r["assets"]),
        "score": round(float(r["score"]), 6),
        "lift": None if lift is None or math.isinf(lift) else round(float(lift), 1),
    }


def _dedupe(phrases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop a phrase inside a better-ranked longer one with about the same count."""
    kept: list[dict[str, Any]] = []
    for r in phrases:
        if any(r["gram"] in k["gram"] and k["cnt"] >= 0.8 * r["cnt"] for k in kept):
            continue
        kept = [k for k in kept if not (k["gram"] in r["gram"] and r["cnt"] >= 0.8 * k["cnt"])]
        kept.append(r)
    return kept


def _hashtags(ctx: Context) -> dict[str, list[dict[str, Any]]]:
    n_classes = len(ctx.networks) + 1
    return ctx.by_network(
        """
        WITH net AS (
            SELECT p.network_id, h.hashtag, count(*) AS cnt, count(DISTINCT p.asset_id) AS assets
            FROM cw_nposts p JOIN post_hashtags h USING (post_id) GROUP BY ALL
        ),
        f AS (
            SELECT hashtag, count(*) AS f FROM post_hashtags
            WHERE hashtag IN (SELECT hashtag FROM net) GROUP BY ALL
        ),
        tot AS (SELECT network_id, sum(cnt) AS tot FROM net GROUP BY ALL),
        a AS (SELECT count(*) / $classes AS a FROM post_hashtags)
        SELECT net.network_id, net.hashtag AS text, net.cnt AS posts, net.assets,
               f.f AS corpus_posts,
               round((net.cnt / tot.tot) * ln(1 + a.a / f.f), 6) AS score
        FROM net JOIN f USING (hashtag) JOIN tot USING (network_id), a
        WHERE net.assets >= 2
        QUALIFY row_number() OVER (PARTITION BY net.network_id ORDER BY score DESC, text) <= $top
        ORDER BY network_id, score DESC, text
        """,
        {"classes": n_classes, "top": TOP},
    )
