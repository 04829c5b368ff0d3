"""Adapter for CrowdTangle historical CSV exports: Facebook Pages, Facebook Groups, Instagram.

The variant is read from the header:
- Group export ('Group Name' / 'Group Id'): the post's asset is the Group (facebook, group,
  Group Id). When the export also names the poster ('Poster Id', 'Poster Name', as some
  research exports do), the post is attributed to that Facebook account (facebook, account,
  Poster Id) and the Group is its venue.
- Instagram export ('User Name' but no 'Facebook Id' / 'Page Name'): the asset is
  (instagram, account, lower-cased 'User Name'). NOTE: Instagram exports carry no numeric
  account id in some layouts, so the handle is the native id in every layout, for one key.
- Page export ('Page Name', or 'Account' in older layouts, with 'Facebook Id'): the asset is
  (facebook, page, Facebook Id).
Page and Group posts have their Page / Group as venue. Older and newer layouts are both read:
'Created' or 'Post Created'; followers from 'Followers at Posting', else 'Likes at Posting'.

The post's native id is its 'URL' (CrowdTangle has no post id column in older exports; the
URL is unique). Times carry a zone ('2021-09-01 14:03:22 EDT'); TIME_ZONES lists the
abbreviations understood, numeric offsets ('+0330', '+03:30') work too, a time without zone is
taken as UTC, and an unknown abbreviation sends the row to quarantine saying so. URLs: 'Link'
and 'Final Link' (minus the post's own URL) plus any URL in the text; hashtags and mentions
from the text. A post whose 'Link' is a post of another Page or Group is a reshare:
shared_post_id is that link (without query), shared_user its Page / Group path segment.
"""

from __future__ import annotations

from typing import ClassVar

from cibwatch.errors import FormatError
from cibwatch.ingest.base import Adapter, Sniff, StageContext, register
from cibwatch.ingest.csvread import csv_columns, drop_csv_lines, read_csv_lines
from cibwatch.ingest.load import URL_RE
from cibwatch.ingest.staging import int_sql, nullif_blank_sql, parse_time_sql

# Zone abbreviations in exports -> offset from UTC in minutes.
TIME_ZONES = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "BST": 60,
    "WEST": 60,
    "CET": 60,
    "CEST": 120,
    "EET": 120,
    "EEST": 180,
    "MSK": 180,
    "IRST": 210,
    "IRDT": 270,
    "EST": -300,
    "EDT": -240,
    "CST": -360,
    "CDT": -300,
    "MST": -420,
    "MDT": -360,
    "PST": -480,
    "PDT": -420,
}
IDENTITY_COLUMNS = ("Facebook Id", "Group Id", "Group Name", "Page Name", "Account", "User Name")
TIME_COLUMNS = ("Post Created", "Created")
# A link to a post on Facebook (Page post, video, photo, or Group permalink).
FB_POST_RE = r"(?i)^https?://([a-z]+\.)?facebook\.com/(groups/[^/?#]+|[^/?#]+)/(posts|videos|photos|permalink)/"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def zoned_time_sql(col: str) -> tuple[str, str, str]:
    """SQL (utc_timestamp, zone_text, local_timestamp) for a 'YYYY-MM-DD HH:MM:SS ZONE' column.

    utc_timestamp is NULL when the time does not parse or the zone is unknown; zone_text is
    the zone as written ('' when none) and local_timestamp the time before the zone is
    applied, so the caller can tell an unknown zone from an unreadable time.
    """
    c = f"trim({col})"
    stamp = f"regexp_extract({c}, '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}[ T][0-9]{{1,2}}:[0-9]{{2}}(:[0-9]{{2}})?')"
    zone = f"trim(substr({c}, length({stamp}) + 1))"
    known = " ".join(f"WHEN '{k}' THEN {v}" for k, v in TIME_ZONES.items())  # our constants
    offset = f"""(CASE
        WHEN {zone} = '' THEN 0
        WHEN regexp_full_match({zone}, '(UTC|GMT)?[+-][0-9]{{2}}:?[0-9]{{2}}')
            THEN (CASE WHEN contains({zone}, '-') THEN -1 ELSE 1 END)
                 * (CAST(regexp_extract({zone}, '([0-9]{{2}}):?([0-9]{{2}})$', 1) AS INTEGER) * 60
                    + CAST(regexp_extract({zone}, '([0-9]{{2}}):?([0-9]{{2}})$', 2) AS INTEGER))
        ELSE (CASE upper({zone}) {known} END)
    END)"""
    local = f"TRY_CAST(replace({stamp}, 'T', ' ') AS TIMESTAMP)"
    utc = f"""(CASE WHEN {stamp} = '' THEN {parse_time_sql(col)}
        ELSE {local} - to_minutes(CAST({offset} AS BIGINT)) END)"""
    return utc, f"(CASE WHEN {stamp} = '' THEN '' ELSE {zone} END)", local


def _variant(cols: set[str]) -> str:
    if "Group Id" in cols or "Group Name" in cols:
        return "group"
    if "Facebook Id" not in cols and "Page Name" not in cols and "User Name" in cols:
        return "instagram"
    return "page"


@register
class CrowdTangle(Adapter):
    """CrowdTangle historical CSV export (Facebook Pages or Groups, Instagram)."""

    name: ClassVar[str] = "crowdtangle"
    description: ClassVar[str] = "CrowdTangle CSV export (Facebook Pages, Groups; Instagram)"
    priority: ClassVar[int] = 20

    def sniff(self, sniff: Sniff) -> bool:
        cols = set(sniff.columns or ())
        return (
            "URL" in cols
            and any(c in cols for c in TIME_COLUMNS)
            and any(c in cols for c in IDENTITY_COLUMNS)
            and any(c in cols for c in ("Total Interactions", "Likes", "Type"))
        )

    def stage(self, ctx: StageContext) -> None:
        con = ctx.con
        cols = set(csv_columns(con, ctx.path))
        variant = _variant(cols)
        time_col = next((c for c in TIME_COLUMNS if c in cols), None)
        id_col = {
            "group": "Group Id"
            if "Group Id" in cols or "Facebook Id" not in cols
            else "Facebook Id",
            "instagram": "User Name",
            "page": "Facebook Id",
        }[variant]
        missing = [c for c in ("URL", id_col) if c not in cols]
        if time_col is None:
            missing.append("Post Created (or Created)")
        if missing:
            raise FormatError(
                f"{ctx.path}: not a CrowdTangle {variant} export: missing column(s) "
                f"{', '.join(missing)} (found: {', '.join(sorted(cols)[:12])})"
            )
        assert time_col is not None
        ctx.rows_read = read_csv_lines(con, ctx.path, "_cw_ct", ("URL", id_col, time_col))
        self._stage_rows(ctx, variant, cols, time_col, id_col)

    def _stage_rows(
        self, ctx: StageContext, variant: str, cols: set[str], time_col: str, id_col: str
    ) -> None:
        con = ctx.con
        b = lambda n: nullif_blank_sql(_q(n)) if n in cols else "NULL"  # noqa: E731
        first = lambda *ns: "coalesce(" + ", ".join([b(n) for n in ns] + ["NULL"]) + ")"  # noqa: E731
        num = lambda n: int_sql(_q(n)) if n in cols else "NULL"  # noqa: E731
        utc, zone, local = zoned_time_sql(_q(time_col))
        page_created = zoned_time_sql(_q("Page Created"))[0] if "Page Created" in cols else "NULL"
        ident = f"lower({b(id_col)})" if variant == "instagram" else b(id_col)
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _cw_ct2 AS
            SELECT *, {utc} AS _t, {zone} AS _zone, {local} AS _local, {b("URL")} AS _url,
                   {ident} AS _ident
            FROM _cw_ct
        """)
        tq = _q(time_col)
        ids_ok = "_url IS NOT NULL AND _ident IS NOT NULL AND _t IS NULL"
        checks = [
            ("_url IS NULL", "'missing id: URL is empty'"),
            ("_url IS NOT NULL AND _ident IS NULL", f"'missing id: {id_col} is empty'"),
            (
                f"{ids_ok} AND _zone <> '' AND _local IS NOT NULL",
                f"'unknown time zone: ''' || _zone || ''' in {time_col}'",
            ),
            (
                f"{ids_ok} AND NOT (_zone <> '' AND _local IS NOT NULL)",
                f"'unparseable time: {time_col} ' || coalesce('''' || {tq} || '''', 'missing')",
            ),
        ]
        for bad, reason in checks:
            con.execute(f"""
                INSERT INTO stg_quarantine
                SELECT line, {reason}, CAST(to_json(t) AS VARCHAR) FROM _cw_ct2 t WHERE {bad}
            """)
        good = "_url IS NOT NULL AND _ident IS NOT NULL AND _t IS NOT NULL"

        platform = "instagram" if variant == "instagram" else "facebook"
        kind = {"group": "group", "instagram": "account", "page": "page"}[variant]
        followers = f"coalesce({num('Followers at Posting')}, {num('Likes at Posting')})"
        name = {
            "group": first("Group Name"),
            "instagram": first("Account"),
            "page": first("Page Name", "Account"),
        }[variant]
        handle = f"ltrim({b('User Name')}, '@')"
        con.execute(
            f"""
            INSERT INTO stg_assets BY NAME
            SELECT line, $platform AS platform, $kind AS kind, _ident AS native_id,
                   {handle} AS handle, {name} AS display_name, {page_created} AS created_at,
                   {first("Page Description")} AS bio,
                   {first("Page Admin Top Country")} AS declared_location,
                   {followers} AS followers
            FROM _cw_ct2 WHERE {good}
            """,
            {"platform": platform, "kind": kind},
        )
        poster = "Poster Id" in cols and variant == "group"
        if poster:
            con.execute(f"""
                INSERT INTO stg_assets BY NAME
                SELECT line, 'facebook' AS platform, 'account' AS kind,
                       {b("Poster Id")} AS native_id, {first("Poster Name")} AS display_name
                FROM _cw_ct2 WHERE {good} AND {b("Poster Id")} IS NOT NULL
            """)
            asset_kind = f"CASE WHEN {b('Poster Id')} IS NOT NULL THEN 'account' ELSE 'group' END"
            asset_id = f"coalesce({b('Poster Id')}, _ident)"
        else:
            asset_kind, asset_id = "$kind", "_ident"
        text = first("Description", "Title") if variant == "instagram" else first("Message")
        links = [n for n in ("Link", "Final Link") if n in cols]
        link_list = "[" + ", ".join(b(n) for n in links) + "]::VARCHAR[]"
        urls = f"""list_distinct(list_filter(
                {link_list} || coalesce(regexp_extract_all({text}, $url_re), []::VARCHAR[]),
                lambda u: u IS NOT NULL AND u <> _url))"""
        venue = "NULL" if variant == "instagram" else "_ident"
        # A reshared Facebook post: 'Link' is a post of another Page / Group (its first path
        # segment differs from the post's own). The link without query is the shared post's
        # key, the same for every asset that reshared it; its owner segment is shared_user.
        link = b("Link") if "Link" in cols else "NULL"
        owner = "lower(regexp_extract({}, '^https?://[^/]+/(groups/[^/?#]+|[^/?#]+)', 1))"
        is_share = (
            f"(regexp_matches({link}, $fb_post) AND {owner.format(link)} <> {owner.format('_url')})"
        )
        shared = f"CASE WHEN {is_share} THEN rtrim(regexp_replace({link}, '[?#].*$', ''), '/') END"
        shared_user = f"CASE WHEN {is_share} THEN {owner.format(link)} END"
        con.execute(
            f"""
            INSERT INTO stg_posts BY NAME
            SELECT line, $platform AS platform, _url AS native_id,
                   {shared} AS shared_post_id, {shared_user} AS shared_user,
                   $platform AS asset_platform, {asset_kind} AS asset_kind,
                   {asset_id} AS asset_native_id, _t AS created_at, {text} AS text,
                   CASE WHEN {venue} IS NOT NULL THEN $platform END AS venue_platform,
                   CASE WHEN {venue} IS NOT NULL THEN $kind END AS venue_kind,
                   {venue} AS venue_native_id,
                   {num("Likes")} AS likes, {num("Shares")} AS shares,
                   {num("Comments")} AS comments,
                   {urls} AS urls
            FROM _cw_ct2 WHERE {good}
            """,
            {"platform": platform, "kind": kind, "url_re": URL_RE, "fb_post": FB_POST_RE},
        )
        con.execute("DROP TABLE _cw_ct2")
        drop_csv_lines(con, "_cw_ct")
