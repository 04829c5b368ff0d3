"""Adapter for news articles as JSON lines: {id, outlet, domain, url, author, published_at, title,
text, links}.

One article per line. `id` is the article's natural key (when it is missing the `url` stands
in); `published_at` is any layout parse_time_sql reads (ISO 8601 with offset is converted to
UTC); `links` is a list of the URLs the article cites (strings), an empty list, or absent;
`domain` defaults to the registered domain of `url`. A broken line goes to quarantine with its
line number and raw text while the rest loads (see cibwatch.ingest.jsonlines).
"""

from __future__ import annotations

import re
from typing import ClassVar

from cibwatch.errors import FormatError
from cibwatch.ingest.base import Adapter, Sniff, StageContext, register
from cibwatch.ingest.jsonlines import head_text, json_keys, read_json_lines
from cibwatch.ingest.staging import parse_time_sql

FIELDS = ("id", "outlet", "domain", "url", "author", "published_at", "title", "text", "links")
# Without these a file is not an articles file at all (id may be replaced by url per line).
REQUIRED = ("url", "published_at", "text")
_SNIFF_KEYS = [re.compile(rf'"{k}"\s*:') for k in ("published_at", "url")]
_SNIFF_ONE_OF = [re.compile(rf'"{k}"\s*:') for k in ("outlet", "title")]


def _s(key: str) -> str:
    # The key is one of FIELDS (our constant), never data.
    return f"nullif(trim(doc->>'$.{key}'), '')"


@register
class Articles(Adapter):
    """News articles as JSON lines."""

    name: ClassVar[str] = "articles"
    description: ClassVar[str] = (
        "news articles as JSON lines {id, outlet, url, published_at, text, ...}"
    )
    priority: ClassVar[int] = 30

    def sniff(self, sniff: Sniff) -> bool:
        text = head_text(sniff.head)
        first = text.split("\n", 1)[0]
        return (
            text.startswith("{")
            and all(p.search(first) for p in _SNIFF_KEYS)
            and any(p.search(first) for p in _SNIFF_ONE_OF)
        )

    def stage(self, ctx: StageContext) -> None:
        con = ctx.con
        ctx.rows_read = read_json_lines(con, ctx.path, "_cw_art")
        keys = json_keys(con, "_cw_art")
        missing = [k for k in REQUIRED if k not in keys]
        if missing:
            found = ", ".join(sorted(keys)[:12]) or "no JSON objects"
            raise FormatError(
                f"{ctx.path}: not news articles as JSON lines: missing field(s) "
                f"{', '.join(missing)} (found: {found})"
            )
        time = parse_time_sql(_s("published_at"))
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _cw_art2 AS
            SELECT line, raw, doc, coalesce({_s("id")}, {_s("url")}) AS _id, {time} AS _t
            FROM _cw_art WHERE doc IS NOT NULL
        """)
        con.execute("""
            INSERT INTO stg_quarantine
            SELECT line,
                   CASE WHEN _id IS NULL THEN 'missing id: id and url are empty'
                        ELSE 'unparseable time: published_at '
                             || coalesce('''' || (doc->>'$.published_at') || '''', 'missing')
                   END, raw
            FROM _cw_art2 WHERE _id IS NULL OR _t IS NULL
        """)
        # links: a JSON array of strings; a single string is taken as a one-element list.
        links = """CASE json_type(doc->'$.links')
                WHEN 'ARRAY' THEN list_filter(
                    list_transform(CAST(doc->'$.links' AS JSON[]), lambda x: trim(x->>'$')),
                    lambda x: x IS NOT NULL AND x <> '')
                WHEN 'VARCHAR' THEN list_filter([trim(doc->>'$.links')], lambda x: x <> '')
                ELSE []::VARCHAR[] END"""
        con.execute(f"""
            INSERT INTO stg_articles BY NAME
            SELECT line, _id AS native_id, {_s("outlet")} AS outlet, {_s("domain")} AS domain,
                   {_s("url")} AS url, {_s("author")} AS author, _t AS published_at,
                   doc->>'$.title' AS title, doc->>'$.text' AS text,
                   {_s("lang")} AS lang, {links} AS links
            FROM _cw_art2 WHERE _id IS NOT NULL AND _t IS NOT NULL
        """)
        con.execute("DROP TABLE _cw_art; DROP TABLE _cw_art2")
