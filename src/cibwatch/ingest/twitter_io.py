"""Adapter for Twitter/X information-operations archives: the tweets file and the users file.

Quirks handled: hashed user ids (kept as given), 'YYYY-MM-DD HH:MM' times, list fields written
Python-style "['a', 'b']" or bracketed "[a, b]", 'absent' coordinates, counts as floats, and
'True'/'False' booleans. Platform is `twitter` (also for X).
"""

from __future__ import annotations

from typing import ClassVar

from cibwatch.ingest.base import Adapter, Sniff, StageContext, register
from cibwatch.ingest.csvread import (
    clean_column,
    csv_header,
    drop_csv_lines,
    read_csv_clean,
    read_csv_lines,
)
from cibwatch.ingest.staging import (
    int_sql,
    list_field_sql,
    nullif_blank_sql,
    parse_time_sql,
    stage_posts_view,
    trim_sql,
)

TWEET_COLUMNS = (
    "tweetid",
    "userid",
    "user_display_name",
    "user_screen_name",
    "user_reported_location",
    "user_profile_description",
    "user_profile_url",
    "follower_count",
    "following_count",
    "account_creation_date",
    "account_language",
    "tweet_language",
    "tweet_text",
    "tweet_time",
    "tweet_client_name",
    "in_reply_to_userid",
    "in_reply_to_tweetid",
    "quoted_tweet_tweetid",
    "is_retweet",
    "retweet_userid",
    "retweet_tweetid",
    "latitude",
    "longitude",
    "quote_count",
    "reply_count",
    "like_count",
    "retweet_count",
    "hashtags",
    "urls",
    "user_mentions",
    "poll_choices",
)
# The columns without which a file cannot be read as a tweets file at all.
REQUIRED_TWEETS = ("tweetid", "userid", "tweet_text", "tweet_time")
REQUIRED_USERS = ("userid", "user_screen_name")


# The account columns `_asset_select` reads besides userid (user_display_name ... account_language).
ACCOUNT_COLUMNS = TWEET_COLUMNS[
    TWEET_COLUMNS.index("user_display_name") : TWEET_COLUMNS.index("account_language") + 1
]


def _col(name: str, present: set[str]) -> str:
    return f'"{name}"' if name in present else "NULL"


def _blank(name: str, present: set[str]) -> str:
    return nullif_blank_sql(f'"{name}"') if name in present else "NULL"


def _asset_select(present: set[str]) -> str:
    b = lambda n: _blank(n, present)  # noqa: E731
    return f"""
        line, 'twitter' AS platform, 'account' AS kind, {b("userid")} AS native_id,
        ltrim({b("user_screen_name")}, '@') AS handle, {b("user_display_name")} AS display_name,
        {parse_time_sql(_col("account_creation_date", present))} AS created_at,
        {b("user_profile_description")} AS bio,
        {b("user_reported_location")} AS declared_location,
        {int_sql(_col("follower_count", present))} AS followers,
        {int_sql(_col("following_count", present))} AS following,
        {b("account_language")} AS lang, {b("user_profile_url")} AS url
    """


def _post_columns(present: set[str]) -> dict[str, str]:
    """SQL for each staged post column but `line`, from a tweets file's columns and `_t`."""
    b = lambda n: _blank(n, present)  # noqa: E731
    lst = lambda n: list_field_sql(f'"{n}"') if n in present else "NULL"  # noqa: E731
    # 'True' and 'False', as the archives write them, without lower(trim()) on every row.
    retweet = (
        "CASE is_retweet WHEN 'True' THEN true WHEN 'False' THEN false "
        "ELSE lower(trim(is_retweet)) IN ('true', '1', 't', 'yes') END"
        if "is_retweet" in present
        else f"{b('retweet_tweetid')} IS NOT NULL"
    )
    return {
        "platform": "'twitter'",
        "native_id": trim_sql("tweetid"),
        "asset_platform": "'twitter'",
        "asset_kind": "'account'",
        "asset_native_id": trim_sql("userid"),
        "created_at": "_t",
        "text": "tweet_text",
        "lang": b("tweet_language"),
        "reply_to": b("in_reply_to_tweetid"),
        "reply_to_user": b("in_reply_to_userid"),
        "shared_post_id": f"CASE WHEN {retweet} THEN {b('retweet_tweetid')} END",
        "shared_user": f"CASE WHEN {retweet} THEN {b('retweet_userid')} END",
        "quoted_post_id": b("quoted_tweet_tweetid"),
        "client": b("tweet_client_name"),
        "likes": int_sql(_col("like_count", present)),
        "shares": int_sql(_col("retweet_count", present)),
        "comments": int_sql(_col("reply_count", present)),
        "urls": lst("urls"),
        "hashtags": lst("hashtags"),
        "mentions": lst("user_mentions"),
    }


# The staged post columns whose SQL in `_post_columns` is a literal, the same for every row.
CONSTANT_COLUMNS = ("platform", "asset_platform", "asset_kind")


def _post_select(present: set[str], skip: tuple[str, ...] = ()) -> str:
    return ", ".join(
        f"{sql} AS {name}" for name, sql in _post_columns(present).items() if name not in skip
    )


@register
class TwitterIO(Adapter):
    """Twitter/X information-operations archive (tweets or users CSV, plain or gzipped)."""

    name: ClassVar[str] = "twitter-io"
    description: ClassVar[str] = "Twitter/X information-operations archive (tweets and users files)"
    priority: ClassVar[int] = 10

    def sniff(self, sniff: Sniff) -> bool:
        cols = set(sniff.columns or ())
        return set(REQUIRED_TWEETS) <= cols or (
            set(REQUIRED_USERS) <= cols and "account_creation_date" in cols
        )

    def stage(self, ctx: StageContext) -> None:
        header = csv_header(ctx.con, ctx.path)
        cols = {clean_column(c) for c in header}
        if "tweetid" in cols or not (set(REQUIRED_USERS) <= cols):
            self._stage_tweets(ctx, header)
        else:
            self._stage_users(ctx)

    def _stage_users(self, ctx: StageContext) -> None:
        con = ctx.con
        ctx.rows_read = read_csv_lines(con, ctx.path, "_cw_tw", REQUIRED_USERS)
        present = {d[0] for d in con.execute("SELECT * FROM _cw_tw LIMIT 0").description}
        self._quarantine_missing_ids(ctx, "userid")
        con.execute(
            f"INSERT INTO stg_assets BY NAME SELECT {_asset_select(present)} FROM _cw_tw "
            "WHERE nullif(trim(userid), '') IS NOT NULL"
        )
        drop_csv_lines(con, "_cw_tw")

    def _stage_tweets(self, ctx: StageContext, header: list[str]) -> None:
        if self._stage_clean_tweets(ctx, header):
            return
        con = ctx.con
        ctx.rows_read = read_csv_lines(con, ctx.path, "_cw_tw", REQUIRED_TWEETS)
        present = {d[0] for d in con.execute("SELECT * FROM _cw_tw LIMIT 0").description}
        time = parse_time_sql('"tweet_time"')
        # Each row's fate: a reason to quarantine it, or none.
        con.execute(f"""
            CREATE OR REPLACE TEMP VIEW _cw_tw2 AS
            SELECT *, CASE
                WHEN nullif(trim(tweetid), '') IS NULL THEN 'missing id: tweetid is empty'
                WHEN nullif(trim(userid), '') IS NULL THEN 'missing id: userid is empty'
                WHEN _t IS NULL THEN 'unparseable time: tweet_time '
                     || coalesce('''' || tweet_time || '''', 'missing')
            END AS _reason
            FROM (SELECT *, {time} AS _t FROM _cw_tw)
        """)
        con.execute(f"""
            INSERT INTO stg_posts BY NAME
            SELECT line, {_post_select(present)} FROM _cw_tw2 WHERE _reason IS NULL
        """)
        # Only when some rows were left out is the reason computed again, for those rows with
        # every column (the common clean file pays for one pass, not two).
        staged = con.execute("SELECT count(*) FROM stg_posts").fetchall()[0][0]
        readable = con.execute("SELECT count(*) FROM _cw_tw").fetchall()[0][0]
        if staged < readable:
            con.execute("""
                INSERT INTO stg_quarantine
                SELECT line, _reason, CAST(to_json(t) AS VARCHAR) FROM _cw_tw2 t
                WHERE _reason IS NOT NULL
            """)
        # One row per account (its latest staged tweet's fields), picked on narrow rows, so the
        # conversions run on accounts, not on every tweet.
        con.execute(f"""
            INSERT INTO stg_assets BY NAME
            SELECT {_asset_select(present)} FROM _cw_tw
            WHERE line IN (SELECT max(line) FROM stg_posts GROUP BY asset_native_id)
        """)
        con.execute("DROP VIEW _cw_tw2")
        drop_csv_lines(con, "_cw_tw")

    def _stage_clean_tweets(self, ctx: StageContext, header: list[str]) -> bool:
        """Stage a tweets file with nothing to quarantine in one pass over the reader.

        The staged posts are built straight from the file, with the account columns beside
        them until the accounts are picked, instead of from a raw copy of every column: the
        copy and the second pass cost 4–5 s of CPU per 1.5M rows. A file with a record to
        quarantine (unreadable, missing id, unparseable time) leaves nothing staged and returns
        False: the general path then reads it again, quarantining with raw text and lines.
        """
        con = ctx.con
        present = {clean_column(c) for c in header}
        users = [c for c in ACCOUNT_COLUMNS if c in present]
        time = parse_time_sql('"tweet_time"')

        def query(src: str) -> str:
            # The constant columns come from the view (stage_posts_view), not from 1.5M rows.
            cols = [_post_select(present, skip=CONSTANT_COLUMNS), *(f'"{c}"' for c in users)]
            return f"SELECT {', '.join(cols)} FROM (SELECT *, {time} AS _t FROM {src})"

        rows = read_csv_clean(con, ctx.path, "_cw_fast", query, REQUIRED_TWEETS, header=header)
        if rows is None:
            return False
        bad = con.execute("""
            SELECT count(*) FROM _cw_fast
            WHERE coalesce(native_id, '') = '' OR coalesce(asset_native_id, '') = ''
               OR created_at IS NULL
        """).fetchall()[0][0]
        if bad:
            con.execute("DROP TABLE _cw_fast")
            return False
        ctx.rows_read = rows
        con.execute(f"""
            INSERT INTO stg_assets BY NAME
            SELECT {_asset_select(present)}
            FROM (SELECT *, rowid + 2 AS line, asset_native_id AS userid FROM _cw_fast)
            WHERE line IN (SELECT max(rowid) + 2 FROM _cw_fast GROUP BY asset_native_id)
        """)
        # Every staged post's account is now in stg_assets, on its latest line.
        ctx.posters_staged = True
        for c in users:
            con.execute(f'ALTER TABLE _cw_fast DROP COLUMN "{c}"')
        constants = {n: _post_columns(present)[n] for n in CONSTANT_COLUMNS}
        stage_posts_view(con, "_cw_fast", constants)
        return True

    @staticmethod
    def _quarantine_missing_ids(ctx: StageContext, *ids: str, table: str = "_cw_tw") -> None:
        for col in ids:
            ctx.con.execute(f"""
                INSERT INTO stg_quarantine
                SELECT line, 'missing id: {col} is empty', CAST(to_json(t) AS VARCHAR)
                FROM {table} t WHERE nullif(trim("{col}"), '') IS NULL
            """)
