"""URL normalization and registered domains, as SQL run inside DuckDB.

`url_norm` is a matching key, not a URL to fetch: scheme http/https folded to https, host
lower-cased without `www.`, user-info, default port and trailing dot; fragment dropped;
tracking parameters (TRACKING_PARAMS) removed from the query, the other parameters kept in
order; the path kept as is (a lone "/" dropped). A URL with no scheme gets one.

The registered domain (eTLD+1) comes from tldextract with its bundled public-suffix snapshot
(no network). It runs once per distinct host, not per row: a million posts share a few
thousand hosts.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    import tldextract

# Query parameters that identify a click or a campaign, not the content (regex, full match).
TRACKING_PARAMS = (
    "utm_[a-z0-9_]*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|igshid|igsh|mc_cid|mc_eid"
    "|_ga|_gl|ref_src|ref_url|si|__twitter_impression|s_cid|cmpid|ocid|spm"
)

_PARTS = r"^([A-Za-z][A-Za-z0-9+.\-]*)://([^/?#]*)([^?#]*)(\?[^#]*)?"


def url_norm_select(src: str) -> str:
    """SQL: for every distinct `url` in relation `src`, its `url_norm` and `host`.

    `src` is a relation name or subquery written by cibwatch, never data.
    """
    return f"""
    WITH u AS (SELECT DISTINCT url FROM {src} WHERE url IS NOT NULL AND trim(url) <> ''),
    s AS (
        SELECT url, CASE WHEN regexp_matches(trim(url), '^[A-Za-z][A-Za-z0-9+.\\-]*://')
                         THEN trim(url) ELSE 'http://' || trim(url) END AS u_full
        FROM u
    ),
    p AS (
        SELECT url, regexp_extract(u_full, '{_PARTS}', ['scheme', 'host', 'path', 'query']) AS p
        FROM s
    ),
    c AS (
        SELECT url,
            CASE WHEN lower(p.scheme) IN ('http', 'https') THEN 'https' ELSE lower(p.scheme) END
                AS scheme,
            regexp_replace(regexp_replace(regexp_replace(lower(p.host), '^.*@', ''),
                '(:80|:443)$', ''), '^www\\.|\\.$', '', 'g') AS host,
            CASE WHEN p.path = '/' THEN '' ELSE p.path END AS path,
            array_to_string(list_filter(string_split(ltrim(p.query, '?'), '&'),
                lambda x: x <> '' AND NOT regexp_full_match(lower(split_part(x, '=', 1)),
                '{TRACKING_PARAMS}')), '&') AS query
        FROM p
    )
    SELECT url,
        CASE WHEN host = '' THEN NULL
             ELSE scheme || '://' || host || path || CASE WHEN query = '' THEN '' ELSE '?' || query END
        END AS url_norm,
        CASE WHEN host = '' THEN NULL ELSE regexp_replace(host, ':[0-9]+$', '') END AS host
    FROM c
    """


def create_url_table(con: duckdb.DuckDBPyConnection, src: str, name: str) -> None:
    """Create temp table `name(url, url_norm, domain)` for the distinct `url`s of `src`."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _cw_url_parts AS {url_norm_select(src)}")
    register_domain_table(con, "SELECT DISTINCT host FROM _cw_url_parts", "_cw_hosts")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS "
        "SELECT p.url, p.url_norm, h.domain FROM _cw_url_parts p "
        "LEFT JOIN _cw_hosts h ON p.host = h.host"
    )
    con.execute("DROP TABLE _cw_url_parts; DROP TABLE _cw_hosts")


@functools.lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # Imported here: tldextract (with requests) costs about 0.3 s to import, and the ingest
    # loads it on its hashing thread while the file is staged (see `cibwatch.ingest`).
    import tldextract

    # suffix_list_urls=() keeps tldextract on its bundled snapshot: no fetch, ever. Private
    # suffixes count, so x.blogspot.com and y.blogspot.com are different sites.
    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )


def load_suffix_list() -> None:
    """Import tldextract and load its suffix list now (about 0.4 s), e.g. on an idle thread."""
    registered_domain("example.com")


def registered_domain(host: str | None) -> str | None:
    """eTLD+1 of a host ('news.bbc.co.uk' -> 'bbc.co.uk'); the host itself for IPs or bare names."""
    if not host:
        return None
    ext = _extractor()(host)
    if ext.top_domain_under_public_suffix:
        return ext.top_domain_under_public_suffix
    return host


def register_domain_table(con: duckdb.DuckDBPyConnection, hosts_query: str, name: str) -> None:
    """Create temp table `name(host, domain)` for the distinct hosts that `hosts_query` returns."""
    hosts = [r[0] for r in con.execute(hosts_query).fetchall() if r[0]]
    # Passed as list parameters, not a registered Arrow table: `con.register` imports pandas,
    # half a second of every `cibwatch ingest` start.
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS "
        "SELECT unnest(CAST($host AS VARCHAR[])) AS host, unnest(CAST($domain AS VARCHAR[])) AS domain",
        {"host": hosts, "domain": [registered_domain(h) for h in hosts]},
    )


def normalize_url(url: str | None) -> str | None:
    """Normalize one URL with the same SQL the ingest uses.

    >>> normalize_url("HTTP://WWW.Example.COM/a/b?utm_source=x&id=3&fbclid=abc#top")
    'https://example.com/a/b?id=3'
    """
    con = duckdb.connect()
    try:
        con.execute("CREATE TEMP TABLE one AS SELECT ?::VARCHAR AS url", [url])
        rows = con.execute(f"SELECT url_norm FROM ({url_norm_select('one')})").fetchall()
    finally:
        con.close()
    return rows[0][0] if rows else None
