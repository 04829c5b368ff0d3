"""Adapters for the input files of two peer tools, so their users can bring their data as it is.

- `qut-cnt`: the QUT coordination-network-toolkit CSV (message_id, user_id, username, repost_id,
  reply_id, message, timestamp, urls). timestamp is POSIX seconds (ISO 8601 also accepted);
  urls is space-separated and, when the column exists, authoritative as in the toolkit (URLs
  are then not re-extracted from the message); hashtags and mentions come from the message.
- `coortweet`: CooRTweet's table (object_id, account_id, content_id, timestamp_share): each
  row is post `content_id` by `account_id` sharing `object_id` (-> shared_post_id).
  CooRTweet counts every row as one share, repeats included, so no row is merged away: the
  k-th repeat (k >= 2, in file order) of a content_id gets native id "<content_id>#<k>".

Neither file names its platform. Both default to `twitter`; another platform is chosen with
the adapter option `platform` (`cibwatch ingest --platform facebook`, or
`ingest_file(..., options={"platform": "facebook"})`).
"""

from __future__ import annotations

from typing import ClassVar

from cibwatch.errors import FormatError
from cibwatch.ingest.base import Adapter, Sniff, StageContext, register
from cibwatch.ingest.csvread import drop_csv_lines, read_csv_lines
from cibwatch.ingest.staging import nullif_blank_sql, parse_time_sql
from cibwatch.store import PLATFORMS

QUT_COLUMNS = ("message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp")
QUT_REQUIRED = ("message_id", "user_id", "timestamp")
COORTWEET_COLUMNS = ("object_id", "account_id", "content_id", "timestamp_share")


def _platform(ctx: StageContext) -> str:
    platform = str(ctx.options.get("platform") or "twitter").lower()
    if platform == "x":
        platform = "twitter"
    if platform not in PLATFORMS:
        raise FormatError(
            f"{ctx.path}: unknown platform {platform!r} (choose one of {', '.join(PLATFORMS)})"
        )
    return platform


def _quarantine_bad(ctx: StageContext, table: str, checks: list[tuple[str, str]]) -> str:
    """Quarantine rows failing each (condition-is-bad SQL, reason SQL); return the 'good' filter."""
    for bad, reason in checks:
        ctx.con.execute(f"""
            INSERT INTO stg_quarantine
            SELECT line, {reason}, CAST(to_json(t) AS VARCHAR) FROM {table} t WHERE {bad}
        """)
    return " AND ".join(f"NOT coalesce({bad}, false)" for bad, _ in checks) or "true"


@register
class QutCnt(Adapter):
    """QUT coordination-network-toolkit CSV."""

    name: ClassVar[str] = "qut-cnt"
    description: ClassVar[str] = "QUT coordination-network-toolkit CSV"
    priority: ClassVar[int] = 20
    options: ClassVar[tuple[str, ...]] = ("platform",)

    def sniff(self, sniff: Sniff) -> bool:
        return set(QUT_REQUIRED) | {"repost_id", "message"} <= set(sniff.columns or ())

    def stage(self, ctx: StageContext) -> None:
        con, platform = ctx.con, _platform(ctx)
        ctx.rows_read = read_csv_lines(con, ctx.path, "_cw_qut", QUT_REQUIRED)
        present = {d[0] for d in con.execute("SELECT * FROM _cw_qut LIMIT 0").description}
        b = lambda n: nullif_blank_sql(f'"{n}"') if n in present else "NULL"  # noqa: E731
        time = parse_time_sql('"timestamp"')
        con.execute(f"CREATE OR REPLACE TEMP TABLE _cw_qut2 AS SELECT *, {time} AS _t FROM _cw_qut")
        good = _quarantine_bad(
            ctx,
            "_cw_qut2",
            [
                ("nullif(trim(message_id), '') IS NULL", "'missing id: message_id is empty'"),
                ("nullif(trim(user_id), '') IS NULL", "'missing id: user_id is empty'"),
                (
                    "_t IS NULL AND nullif(trim(message_id), '') IS NOT NULL "
                    "AND nullif(trim(user_id), '') IS NOT NULL",
                    "'unparseable time: timestamp ' || coalesce('''' || \"timestamp\" || '''', 'missing')",
                ),
            ],
        )
        urls = (
            "list_filter(regexp_split_to_array(trim(coalesce(urls, '')), '\\s+'), "
            "lambda u: u <> '')"
            if "urls" in present
            else "NULL"
        )
        con.execute(
            f"""
            INSERT INTO stg_assets BY NAME
            SELECT line, $platform AS platform, 'account' AS kind, trim(user_id) AS native_id,
                   ltrim({b("username")}, '@') AS handle
            FROM _cw_qut2 WHERE {good}
        """,
            {"platform": platform},
        )
        con.execute(
            f"""
            INSERT INTO stg_posts BY NAME
            SELECT line, $platform AS platform, trim(message_id) AS native_id,
                   $platform AS asset_platform, 'account' AS asset_kind,
                   trim(user_id) AS asset_native_id, _t AS created_at,
                   {"message" if "message" in present else "NULL"} AS text,
                   {b("reply_id")} AS reply_to, {b("repost_id")} AS shared_post_id,
                   {urls} AS urls
            FROM _cw_qut2 WHERE {good}
            """,
            {"platform": platform},
        )
        con.execute("DROP TABLE _cw_qut2")
        drop_csv_lines(con, "_cw_qut")


@register
class CooRTweet(Adapter):
    """CooRTweet input table: object_id, account_id, content_id, timestamp_share."""

    name: ClassVar[str] = "coortweet"
    description: ClassVar[str] = (
        "CooRTweet input table (object_id, account_id, content_id, timestamp_share)"
    )
    priority: ClassVar[int] = 20
    options: ClassVar[tuple[str, ...]] = ("platform",)

    def sniff(self, sniff: Sniff) -> bool:
        return set(COORTWEET_COLUMNS) <= set(sniff.columns or ())

    def stage(self, ctx: StageContext) -> None:
        con, platform = ctx.con, _platform(ctx)
        ctx.rows_read = read_csv_lines(con, ctx.path, "_cw_ct", COORTWEET_COLUMNS)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _cw_ct2 AS "
            f"SELECT *, {parse_time_sql('timestamp_share')} AS _t FROM _cw_ct"
        )
        ids = ("content_id", "account_id", "object_id")
        checks = [(f"nullif(trim({c}), '') IS NULL", f"'missing id: {c} is empty'") for c in ids]
        checks.append(
            (
                "_t IS NULL AND " + " AND ".join(f"nullif(trim({c}), '') IS NOT NULL" for c in ids),
                "'unparseable time: timestamp_share ' "
                "|| coalesce('''' || timestamp_share || '''', 'missing')",
            )
        )
        good = _quarantine_bad(ctx, "_cw_ct2", checks)
        con.execute(
            f"""
            INSERT INTO stg_posts BY NAME
            SELECT line, $platform AS platform,
                   CASE WHEN k = 1 THEN cid ELSE cid || '#' || k END AS native_id,
                   $platform AS asset_platform, 'account' AS asset_kind,
                   trim(account_id) AS asset_native_id, _t AS created_at,
                   trim(object_id) AS shared_post_id,
                   []::VARCHAR[] AS urls, []::VARCHAR[] AS hashtags, []::VARCHAR[] AS mentions
            FROM (
                SELECT *, trim(content_id) AS cid,
                       row_number() OVER (PARTITION BY trim(content_id) ORDER BY line) AS k
                FROM _cw_ct2 WHERE {good}
            )
            """,
            {"platform": platform},
        )
        con.execute("DROP TABLE _cw_ct2")
        drop_csv_lines(con, "_cw_ct")
