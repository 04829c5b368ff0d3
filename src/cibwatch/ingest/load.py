"""Move staged rows into the normalized store, in one transaction per file.

New ids continue from the table's maximum (one writer at a time holds the transaction);
DuckDB sequences are avoided here because nextval() serializes a bulk insert.

Natural keys make re-ingest a no-op: assets by (platform, kind, native_id), posts by
(platform, native_id), articles by their input id, quarantine rows by (file hash, line,
reason). Assets seen again only fill fields that were still empty. Everything here is set-based
SQL inside DuckDB; the only Python per value is the registered-domain lookup per distinct host.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from cibwatch.ingest.staging import drop_staged, staged_as_view
from cibwatch.text import (
    normalize_columns,
    normalize_select,
    normalize_sql,
    register_text_functions,
)
from cibwatch.urls import create_url_table

# A URL in free text: scheme or www., up to whitespace or a quote/bracket; trailing
# punctuation that usually ends a sentence is cut afterwards.
URL_RE = r"(?i)(?:https?://|www\.)[^\s<>\"'«»()\[\]{}]+"
URL_TRAIL_RE = r"[.,;:!?؟،؛…]+$"
# Hashtags in any script: letters, combining marks, digits, underscore, ZWNJ.
HASHTAG_RE = "(?:^|[^\\p{L}\\p{M}\\p{N}_&])#([\\p{L}\\p{M}\\p{N}_\\x{200C}]+)"
MENTION_RE = "(?:^|[^\\p{L}\\p{N}_@./])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,62}[A-Za-z0-9_])?)"

ASSET_FIELDS = (
    "handle",
    "display_name",
    "created_at",
    "bio",
    "declared_location",
    "followers",
    "following",
    "lang",
    "url",
    "avatar_hash",
)


@dataclass
class LoadCounts:
    """What one file added to the store."""

    assets: int = 0
    posts: int = 0
    articles: int = 0
    quarantined: int = 0  # unreadable rows in this file (stored once, however often ingested)
    duplicates: int = 0  # rows already in the store (or repeated in the file)


def register_functions(con: duckdb.DuckDBPyConnection) -> None:
    """Define `cw_normalize(text)` (cibwatch.text.normalize_sql) on a connection."""
    register_text_functions(con)
    con.execute(f"CREATE OR REPLACE TEMP MACRO cw_normalize(x) AS {normalize_sql('x')}")


def commit_staged(
    con: duckdb.DuckDBPyConnection,
    *,
    source_id: int,
    sha256: str,
    path: str,
    fmt: str,
    posters_staged: bool = False,
) -> LoadCounts:
    """Insert the staged rows; the caller holds the transaction.

    `posters_staged`: stg_assets already has every posting account of stg_posts on the line of
    its latest post (StageContext.posters_staged), so they need not be grouped from the posts.
    """
    counts = LoadCounts()
    counts.assets = _load_assets(con, source_id, posters_staged)
    posts, post_dups = _load_posts(con, source_id)
    articles, article_dups = _load_articles(con, source_id)
    counts.posts, counts.articles = posts, articles
    counts.duplicates = post_dups + article_dups
    _load_quarantine(con, source_id, sha256, path, fmt)
    counts.quarantined = _count(con, "stg_quarantine")
    return counts


def _load_assets(con: duckdb.DuckDBPyConnection, source_id: int, posters_staged: bool) -> int:
    picks = ",\n".join(
        f"arg_max({f}, line) FILTER (WHERE {f} IS NOT NULL) AS {f}" for f in ASSET_FIELDS
    )
    # A posting account's row from the posts carries no field, only its key and latest line:
    # when the adapter staged each of them already, grouping 1.5M posts again adds nothing.
    posters = (
        ""
        if posters_staged
        else """
            UNION ALL BY NAME
            SELECT max(line) AS line, asset_platform AS platform, asset_kind AS kind,
                   asset_native_id AS native_id FROM stg_posts GROUP BY 2, 3, 4"""
    )
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _cw_assets AS
        SELECT platform, kind, native_id, {picks}
        FROM (
            SELECT * FROM stg_assets{posters}
            UNION ALL BY NAME
            SELECT max(line) AS line, venue_platform AS platform, venue_kind AS kind,
                   venue_native_id AS native_id FROM stg_posts
            WHERE venue_native_id IS NOT NULL GROUP BY 2, 3, 4
        )
        WHERE native_id IS NOT NULL AND native_id <> ''
        GROUP BY platform, kind, native_id
    """)
    sets = ", ".join(f"{f} = coalesce(assets.{f}, s.{f})" for f in ASSET_FIELDS)
    con.execute(f"""
        UPDATE assets SET {sets}
        FROM _cw_assets s
        WHERE assets.platform = s.platform AND assets.kind = s.kind
          AND assets.native_id = s.native_id
    """)
    cols = ", ".join(ASSET_FIELDS)
    scols = ", ".join(f"s.{f}" for f in ASSET_FIELDS)
    before = _count(con, "assets")
    con.execute(
        f"""
        INSERT INTO assets (asset_id, platform, kind, native_id, {cols}, source_id)
        SELECT (SELECT coalesce(max(asset_id), 0) FROM assets)
                   + row_number() OVER (ORDER BY s.platform, s.kind, s.native_id),
               s.platform, s.kind, s.native_id, {scols}, ?
        FROM _cw_assets s
        WHERE NOT EXISTS (
            SELECT 1 FROM assets a
            WHERE a.platform = s.platform AND a.kind = s.kind AND a.native_id = s.native_id
        )
        """,
        [source_id],
    )
    con.execute("DROP TABLE _cw_assets")
    return _count(con, "assets") - before


def _load_posts(con: duckdb.DuckDBPyConnection, source_id: int) -> tuple[int, int]:
    staged = _count(con, "stg_posts")
    if staged == 0:
        return 0, 0
    base = int(con.execute("SELECT coalesce(max(post_id), 0) FROM posts").fetchall()[0][0])
    first = _dense_new_posts(con, staged)
    if first is not None:
        # Every staged post is new and the lines run without a gap: a post's id follows from
        # its line, with no table of kept lines to sort and join the posts with (twice).
        post_id = f"{base + 1 - first} + p.line"
        kept = "stg_posts p"
        inserted = staged
    else:
        # Ids and de-duplication are decided on narrow (line, key) rows; the wide rows are
        # joined once at the end.
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE _cw_keep AS
            SELECT k.line, ? + row_number() OVER (ORDER BY k.line) AS post_id
            FROM (
                SELECT min(line) AS line, platform, native_id FROM stg_posts
                GROUP BY platform, native_id
            ) k
            ANTI JOIN posts x ON x.platform = k.platform AND x.native_id = k.native_id
            """,
            [base],
        )
        post_id = "k.post_id"
        kept = "stg_posts p JOIN _cw_keep k ON p.line = k.line"
        inserted = _count(con, "_cw_keep")
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW _cw_posts AS
        SELECT {post_id} AS post_id, p.*, a.asset_id, v.asset_id AS venue_id
        FROM {kept}
        JOIN assets a
          ON a.platform = p.asset_platform AND a.kind = p.asset_kind
         AND a.native_id = p.asset_native_id
        LEFT JOIN assets v
          ON v.platform = p.venue_platform AND v.kind = p.venue_kind
         AND v.native_id = p.venue_native_id
    """)
    # No ORDER BY: the staged rows are scanned in line order (the probe side of the joins),
    # which is post_id order already; sorting 1.5M wide rows cost ~1.7 s of CPU.
    con.execute(
        f"""
        INSERT INTO posts
        SELECT post_id, platform, native_id, asset_id, created_at, text, norm,
               lang, reply_to, reply_to_user, shared_post_id, shared_user, quoted_post_id,
               venue_id, client, likes, shares, comments, ?
        FROM ({normalize_columns("_cw_posts", "text")})
        """,
        [source_id],
    )
    # The URL, hashtag and mention lists of the new posts: given by the adapter or extracted
    # from the text. When every new post's lists were given and its id follows from its line,
    # they are a view over the staged posts, read where needed: a copy of 1.5M rows of lists
    # cost 0.4-0.5 s of CPU. (Dropping the staged rows first would free nothing: DuckDB keeps
    # what a transaction drops until it commits.) Otherwise they are extracted in one pass.
    given = (
        first is not None
        and not (
            con.execute(
                "SELECT count(*) FROM stg_posts "
                "WHERE urls IS NULL OR hashtags IS NULL OR mentions IS NULL"
            ).fetchall()[0][0]
        )
    )
    if given:
        con.execute(f"""
            CREATE OR REPLACE TEMP VIEW _cw_post_lists AS
            SELECT {post_id} AS post_id, p.urls, p.hashtags, p.mentions FROM {kept}
        """)
    else:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _cw_post_lists AS
            SELECT {post_id} AS post_id,
                   coalesce(p.urls, regexp_extract_all(p.text, $url)) AS urls,
                   coalesce(p.hashtags, regexp_extract_all(p.text, $tag, 1)) AS hashtags,
                   coalesce(p.mentions, regexp_extract_all(p.text, $mention, 1)) AS mentions
            FROM {kept}
            """,
            {"url": URL_RE, "tag": HASHTAG_RE, "mention": MENTION_RE},
        )
    con.execute("DROP VIEW _cw_posts")
    _load_post_urls(con)
    # ZWNJ and spaces are dropped inside a hashtag: #می‌روم and #میروم are one tag. The tags
    # are unnested twice rather than kept in a table (2.5M rows at 1.5M posts): unnesting
    # costs less than writing and reading them.
    raws = "(SELECT DISTINCT raw, ltrim(raw, '#') AS t FROM (SELECT unnest(hashtags) AS raw FROM _cw_post_lists))"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _cw_tag_map AS
        SELECT raw, replace(norm, ' ', '') AS tag
        FROM ({normalize_select(raws, "raw", "t")})
    """)
    con.execute("""
        INSERT INTO post_hashtags
        SELECT t.post_id, t.position, n.tag
        FROM (
            SELECT post_id, generate_subscripts(hashtags, 1) - 1 AS position,
                   unnest(hashtags) AS raw
            FROM _cw_post_lists
        ) t JOIN _cw_tag_map n ON t.raw = n.raw
        WHERE n.tag <> ''
    """)
    con.execute("DROP TABLE _cw_tag_map")
    con.execute("""
        INSERT INTO post_mentions
        SELECT post_id, position, lower(ltrim(trim(raw), '@'))
        FROM (
            SELECT post_id, generate_subscripts(mentions, 1) - 1 AS position,
                   unnest(mentions) AS raw
            FROM _cw_post_lists
        )
        WHERE ltrim(trim(raw), '@') <> ''
    """)
    con.execute(f"DROP {'VIEW' if given else 'TABLE'} _cw_post_lists")
    drop_staged(con, "stg_posts")
    con.execute("DROP TABLE IF EXISTS _cw_keep")
    return inserted, staged - inserted


def _load_post_urls(con: duckdb.DuckDBPyConnection) -> None:
    """post_urls from the URL lists of _cw_post_lists (post_id, urls, ...)."""
    # A list of two URLs or more is made distinct after trailing punctuation is cut from each;
    # a single URL is cut once per distinct URL (in _cw_url_raw), not once per post. The
    # (post_id, url) rows are unnested again where they are read: cheaper than writing and
    # reading 1.5M rows. ($trail is a parameter of both statements.)
    rows = """(SELECT post_id, unnest(CASE WHEN len(urls) < 2 THEN urls ELSE list_distinct(
                   list_transform(urls, lambda u: regexp_replace(u, $trail, ''))) END) AS raw
               FROM _cw_post_lists)"""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _cw_url_raw AS
        SELECT raw, CASE WHEN regexp_matches(raw, $trail) THEN regexp_replace(raw, $trail, '')
                         ELSE raw END AS url
        FROM (SELECT DISTINCT raw FROM {rows})
        """,
        {"trail": URL_TRAIL_RE},
    )
    create_url_table(con, "_cw_url_raw", "_cw_url_map")
    con.execute(
        f"""
        INSERT INTO post_urls
        SELECT u.post_id, m.url, m.url_norm, m.domain
        FROM {rows} u
        JOIN (SELECT r.raw, m.* FROM _cw_url_raw r JOIN _cw_url_map m ON r.url = m.url
              WHERE m.url_norm IS NOT NULL) m ON u.raw = m.raw
        """,
        {"trail": URL_TRAIL_RE},
    )
    for t in ("_cw_url_raw", "_cw_url_map"):
        con.execute(f"DROP TABLE {t}")


def _dense_new_posts(con: duckdb.DuckDBPyConnection, staged: int) -> int | None:
    """The first staged line when the staged posts are all new, distinct and on consecutive
    lines (the common fresh file), else None."""
    if staged_as_view(con):
        # Lines are rowid + 2 over the reader's rows: distinct and consecutive from line 2,
        # with no hash of 1.5M lines to say so.
        first = 2
    else:
        lines, first, last = con.execute(
            "SELECT count(DISTINCT line), min(line), max(line) FROM stg_posts"
        ).fetchall()[0]
        if lines != staged or first is None or last - first + 1 != staged:
            return None
    keys = con.execute(
        "SELECT count(*) FROM (SELECT DISTINCT platform, native_id FROM stg_posts)"
    ).fetchall()[0][0]
    if keys != staged:
        return None
    known = con.execute("""
        SELECT count(*) FROM stg_posts p
        SEMI JOIN posts x ON x.platform = p.platform AND x.native_id = p.native_id
    """).fetchall()[0][0]
    return None if known else int(first)


def _load_articles(con: duckdb.DuckDBPyConnection, source_id: int) -> tuple[int, int]:
    staged = _count(con, "stg_articles")
    if staged == 0:
        return 0, 0
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _cw_articles AS
        SELECT (SELECT coalesce(max(article_id), 0) FROM articles)
                   + row_number() OVER (ORDER BY s.line) AS article_id, s.*
        FROM (
            SELECT * FROM stg_articles s
            WHERE NOT EXISTS (SELECT 1 FROM articles x WHERE x.native_id = s.native_id)
            QUALIFY row_number() OVER (PARTITION BY native_id ORDER BY line) = 1
        ) s
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _cw_article_urls AS
        SELECT article_id, url, false AS is_link FROM _cw_articles WHERE url IS NOT NULL
        UNION ALL
        SELECT article_id, unnest(links) AS url, true AS is_link FROM _cw_articles
    """)
    create_url_table(con, "_cw_article_urls", "_cw_url_map")
    con.execute(
        f"""
        INSERT INTO articles
        SELECT a.article_id, a.native_id, a.outlet,
               coalesce(lower(a.domain), m.domain), a.url, m.url_norm, a.author,
               a.published_at, a.title, a.text, n.norm, a.lang, ?
        FROM _cw_articles a LEFT JOIN _cw_url_map m ON a.url = m.url
        LEFT JOIN ({normalize_select("_cw_articles", "article_id", "text")}) n USING (article_id)
        ORDER BY a.article_id
        """,
        [source_id],
    )
    con.execute("""
        INSERT INTO article_links
        SELECT DISTINCT u.article_id, u.url, m.url_norm, m.domain
        FROM _cw_article_urls u JOIN _cw_url_map m ON u.url = m.url
        WHERE u.is_link AND m.url_norm IS NOT NULL
    """)
    inserted = _count(con, "_cw_articles")
    for t in ("_cw_articles", "_cw_article_urls", "_cw_url_map"):
        con.execute(f"DROP TABLE {t}")
    return inserted, staged - inserted


def _load_quarantine(
    con: duckdb.DuckDBPyConnection, source_id: int, sha256: str, path: str, fmt: str
) -> int:
    before = _count(con, "quarantine")
    con.execute(
        """
        INSERT INTO quarantine
        SELECT ?, ?, ?, q.line, q.reason, left(q.raw, 65536), ?
        FROM (SELECT DISTINCT line, reason, raw FROM stg_quarantine) q
        WHERE NOT EXISTS (
            SELECT 1 FROM quarantine x
            WHERE x.sha256 = ? AND x.line IS NOT DISTINCT FROM q.line AND x.reason = q.reason
        )
        ORDER BY q.line
        """,
        [source_id, sha256, path, fmt, sha256],
    )
    return _count(con, "quarantine") - before


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
