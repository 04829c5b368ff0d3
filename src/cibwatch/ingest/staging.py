"""The staging tables every adapter fills, and SQL helpers adapters share.

An adapter only translates its format into these temp tables (one row per input row, with
the input `line`); `cibwatch.ingest.load` then moves them into the normalized store in one
transaction. Columns not known to a format stay NULL.
"""

from __future__ import annotations

import duckdb

STAGING_DDL = """
CREATE OR REPLACE TEMP TABLE stg_assets (
    line BIGINT, platform VARCHAR, kind VARCHAR, native_id VARCHAR, handle VARCHAR,
    display_name VARCHAR, created_at TIMESTAMP, bio VARCHAR, declared_location VARCHAR,
    followers BIGINT, following BIGINT, lang VARCHAR, url VARCHAR, avatar_hash VARCHAR
);
CREATE OR REPLACE TEMP TABLE stg_posts (
    line BIGINT, platform VARCHAR, native_id VARCHAR,
    asset_platform VARCHAR, asset_kind VARCHAR, asset_native_id VARCHAR,
    created_at TIMESTAMP, text VARCHAR, lang VARCHAR,
    reply_to VARCHAR, reply_to_user VARCHAR, shared_post_id VARCHAR, shared_user VARCHAR,
    quoted_post_id VARCHAR,
    venue_platform VARCHAR, venue_kind VARCHAR, venue_native_id VARCHAR,
    client VARCHAR, likes BIGINT, shares BIGINT, comments BIGINT,
    urls VARCHAR[],      -- NULL: extract URLs from text
    hashtags VARCHAR[],  -- NULL: extract hashtags from text
    mentions VARCHAR[]   -- NULL: extract @mentions from text
);
CREATE OR REPLACE TEMP TABLE stg_articles (
    line BIGINT, native_id VARCHAR, outlet VARCHAR, domain VARCHAR, url VARCHAR,
    author VARCHAR, published_at TIMESTAMP, title VARCHAR, text VARCHAR, lang VARCHAR,
    links VARCHAR[]
);
CREATE OR REPLACE TEMP TABLE stg_quarantine (line BIGINT, reason VARCHAR, raw VARCHAR);
"""

STAGING_TABLES = ("stg_assets", "stg_posts", "stg_articles", "stg_quarantine")
# An adapter may stage posts as a view over this table instead (see `stage_posts_view`).
POSTS_ROWS = "_cw_stg_posts_rows"


def create_staging(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create empty staging tables on this connection."""
    con.execute(STAGING_DDL)


def drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    for name in STAGING_TABLES:
        drop_staged(con, name)


def drop_staged(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop one staging table, or the view `stage_posts_view` made and the rows behind it."""
    is_view = con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE view_name = ? AND temporary", [name]
    ).fetchall()[0][0]
    con.execute(f"DROP {'VIEW' if is_view else 'TABLE'} IF EXISTS {name}")
    if name == "stg_posts":
        con.execute(f"DROP TABLE IF EXISTS {POSTS_ROWS}")


def staged_as_view(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether stg_posts is `stage_posts_view`'s view (its lines are 2, 3, ... in order)."""
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND temporary",
            [POSTS_ROWS],
        ).fetchall()[0][0]
    )


def stage_posts_view(
    con: duckdb.DuckDBPyConnection, rows: str, constants: dict[str, str] | None = None
) -> None:
    """Make stg_posts a view over temp table `rows`, whose rows are the file's records in order.

    `rows` holds stg_posts columns but `line` (missing ones are NULL, extra ones not shown); a
    record's line is its rowid + 2 (after the header), so `rows` must come straight from a
    reader with insertion order kept and no record left out. Setting a `line` column instead
    would take an UPDATE of every row or another copy, each costing seconds per million rows.
    `constants` maps columns the same for every row to SQL literals written by cibwatch (never
    data), e.g. {"platform": "'twitter'"}: the view supplies them, so `rows` need not store
    them 1.5M times.
    """
    have = {r[0] for r in con.execute(f"DESCRIBE {rows}").fetchall()}
    fixed = constants or {}

    def value(name: str) -> str:
        return fixed.get(name, name if name in have else "NULL")

    cols = ", ".join(
        f"CAST({value(name)} AS {type_}) AS {name}"
        for name, type_, *_ in con.execute("DESCRIBE stg_posts").fetchall()
        if name != "line"
    )
    con.execute("DROP TABLE stg_posts")
    con.execute(f"ALTER TABLE {rows} RENAME TO {POSTS_ROWS}")
    con.execute(f"CREATE TEMP VIEW stg_posts AS SELECT rowid + 2 AS line, {cols} FROM {POSTS_ROWS}")


def parse_time_sql(col: str) -> str:
    """SQL: parse a timestamp column written in any of the layouts exports use, as UTC.

    Accepts 'YYYY-MM-DD HH:MM[:SS[.f]]', ISO 8601 with 'T' and an optional offset or 'Z',
    'YYYY-MM-DD', and POSIX seconds. Offsets are converted to UTC. Unparseable -> NULL.
    """
    c = trim_sql(col)
    common = "['%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M:%S']"
    # The common layouts first, with no regex, untrimmed (most rows stop there), then trimmed:
    # coalesce evaluates an argument only for the rows still NULL.
    return f"""coalesce(try_strptime({col}, {common}), try_strptime({c}, {common}), CASE
        WHEN {c} IS NULL OR {c} = '' THEN NULL
        WHEN regexp_full_match({c}, '[0-9]{{9,11}}(\\.[0-9]+)?')
            THEN make_timestamp(CAST(round(TRY_CAST({c} AS DOUBLE) * 1000000) AS BIGINT))
        WHEN regexp_matches({c}, '([+-][0-9]{{2}}:?[0-9]{{2}}|Z)$')
            THEN CAST(timezone('UTC', TRY_CAST({c} AS TIMESTAMPTZ)) AS TIMESTAMP)
        ELSE coalesce(
            try_strptime({c}, '%Y-%m-%d %H:%M'),
            TRY_CAST({c} AS TIMESTAMP),
            try_strptime({c}, '%Y-%m-%d'),
            try_strptime({c}, '%m/%d/%Y %H:%M'),
            try_strptime({c}, '%m/%d/%Y %H:%M:%S')
        )
    END)"""


def list_field_sql(col: str) -> str:
    """SQL: a list field written "['a', 'b']", '[a, b]', 'a,b' or empty -> VARCHAR[] (never NULL)."""
    # Quoted items are taken whole, so URLs containing commas survive. The fast path is a
    # ['a', 'b'] list whose items are not empty and hold no quote: one regex pass says so,
    # cheaper than the replace-and-search it replaced. substring() with length() cuts the
    # brackets for half the CPU of the [3:-3] slice (0.30 -> 0.18 s per 1.5M URL lists).
    return f"""(CASE
        WHEN {col} IS NULL OR {col} IN ('', '[]') THEN []::VARCHAR[]
        WHEN regexp_full_match({col}, '\\[''[^'']+(?:'', ''[^'']+)*''\\]')
            THEN string_split(substring({col}, 3, length({col}) - 4), ''', ''')
        WHEN trim({col}) IN ('', '[]') THEN []::VARCHAR[]
        WHEN regexp_matches({col}, '^\\s*\\[\\s*[''"]')
            THEN list_filter(list_transform(regexp_extract_all({col}, '''[^'']*''|"[^"]*"'),
                             lambda s: s[2:-2]), lambda s: s <> '')
        ELSE list_filter(list_transform(string_split(trim({col}, '[] '), ','),
                         lambda s: trim(s)), lambda s: s <> '' AND lower(s) <> 'none')
    END)"""


def int_sql(col: str) -> str:
    """SQL: counts written '12', '12.0', '1,234' or empty -> BIGINT (NULL when unreadable)."""
    # The plain cast first: a value it reads has no comma and at most spaces around it, which
    # the cast skips as trim() would; only the others pay for trim and replace.
    return (
        f"TRY_CAST(coalesce(TRY_CAST({col} AS DOUBLE), "
        f"TRY_CAST(replace(trim({col}), ',', '') AS DOUBLE)) AS BIGINT)"
    )


# Unicode's space separators (\p{Zs}) as code point ranges: exactly what DuckDB's trim()
# removes (the test of trim_sql checks every code point).
ZS_RANGES = (
    (0x20, 0x20),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
)


def trim_sql(col: str) -> str:
    """SQL: trim(col), called only on strings that start or end with a space.

    DuckDB's trim() decodes the whole string to find the spaces: 0.5 s of CPU per 1.5M hashed
    ids. The first character's code point (`ord` decodes one character; a fifth of the cost of
    the `^\\p{Zs}` regex it replaced) and an anchored regex for the last one (RE2 runs a
    `$`-anchored pattern backwards from the end) look at one character each. The code points
    are compared with OR, not IN: DuckDB plans a long IN list as a join, and a join in the
    staging query would not keep the reader's row order, which the staged lines rely on.
    """
    first = " OR ".join(
        f"ord({col}) = {lo}" if lo == hi else f"ord({col}) BETWEEN {lo} AND {hi}"
        for lo, hi in ZS_RANGES
    )
    return (
        f"CASE WHEN {first} OR regexp_matches({col}, '\\p{{Zs}}$') THEN trim({col}) ELSE {col} END"
    )


def nullif_blank_sql(col: str) -> str:
    return f"nullif({trim_sql(col)}, '')"
