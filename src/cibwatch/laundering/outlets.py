"""State-affiliated outlets: the bundled, sourced list plus an analyst's additions, and which
articles they published.

The bundled list is `cibwatch/data/state_media.toml`; every entry names the outlet, its
registered domains, the names it is credited by in text, and at least one public source (an
ownership record, a sanction, a government designation). An analyst adds outlets with a TOML file
of the same layout (`cibwatch launder --outlets FILE`); a source is required there too, so every
"state-affiliated" in an output can be traced to why.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from cibwatch.errors import ConfigError

BUNDLED = "state_media.toml"
# Temp tables written by `classify` (our names, never data).
STATE_TABLE = "_cw_state_articles"
OUTLET_TABLE = "_cw_state_outlets"
NAME_TABLE = "_cw_state_names"


@dataclass(frozen=True)
class StateOutlet:
    """One state-affiliated outlet and why it is on the list."""

    name: str
    domains: tuple[str, ...]
    country: str = ""
    owner: str = ""
    aliases: tuple[str, ...] = ()
    sources: tuple[dict[str, str], ...] = field(default_factory=tuple)
    origin: str = "bundled"  # "bundled" or the analyst file's name

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "country": self.country,
            "owner": self.owner,
            "domains": list(self.domains),
            "sources": [dict(s) for s in self.sources],
            "origin": self.origin,
        }


def _clean_domain(d: str) -> str:
    d = d.strip().lower().rstrip(".")
    if "://" in d:
        d = d.split("://", 1)[1]
    d = d.split("/", 1)[0].split(":", 1)[0]
    return d[4:] if d.startswith("www.") else d


def _parse(data: dict[str, Any], origin: str) -> list[StateOutlet]:
    entries = data.get("outlet")
    if not isinstance(entries, list):
        raise ConfigError(f"{origin}: expected [[outlet]] tables (see cibwatch/data/{BUNDLED})")
    problems: list[str] = []
    out: list[StateOutlet] = []
    for i, e in enumerate(entries, 1):
        where = f"{origin}: outlet #{i}"
        if not isinstance(e, dict):
            problems.append(f"{where} is not a table")
            continue
        name = e.get("name")
        domains = e.get("domains")
        sources = e.get("sources", e.get("source"))
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}: `name` must be a non-empty string")
            continue
        where = f"{origin}: outlet {name!r}"
        if (
            not isinstance(domains, list)
            or not domains
            or not all(isinstance(d, str) and d.strip() for d in domains)
        ):
            problems.append(f"{where}: `domains` must be a non-empty list of domains")
            continue
        if isinstance(sources, str | dict):
            sources = [sources]
        if not isinstance(sources, list) or not sources:
            problems.append(
                f"{where}: needs `sources` (a URL or note saying why it is state-affiliated)"
            )
            continue
        srcs = []
        for s in sources:
            if isinstance(s, str) and s.strip():
                srcs.append({"url": s.strip()} if "://" in s else {"note": s.strip()})
            elif isinstance(s, dict) and (s.get("url") or s.get("note")):
                srcs.append({k: str(v) for k, v in s.items() if k in ("url", "note", "title")})
            else:
                problems.append(f"{where}: a source must be a URL, a note, or {{url, note}}")
        aliases = e.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            problems.append(f"{where}: `aliases` must be a list of strings")
            aliases = []
        out.append(
            StateOutlet(
                name=name.strip(),
                domains=tuple(dict.fromkeys(_clean_domain(d) for d in domains)),
                country=str(e.get("country", "")),
                owner=str(e.get("owner", "")),
                aliases=tuple(a.strip() for a in aliases if a.strip()),
                sources=tuple(srcs),
                origin=origin,
            )
        )
    if problems:
        raise ConfigError("; ".join(problems))
    return out


def load_outlets(extra: str | Path | None = None) -> list[StateOutlet]:
    """The bundled list, plus the outlets in `extra` (an analyst's TOML) when given.

    An analyst entry whose domain is already listed adds its names and sources to that outlet's
    domains rather than replacing the bundled entry.
    """
    text = resources.files("cibwatch").joinpath("data", BUNDLED).read_text(encoding="utf-8")
    outlets = _parse(tomllib.loads(text), "bundled")
    if extra is not None:
        path = Path(extra)
        if not path.is_file():
            raise ConfigError(f"{path}: no such outlets file")
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
        outlets += _parse(data, path.name)
    return outlets


def classify(con: duckdb.DuckDBPyConnection, outlets: list[StateOutlet]) -> int:
    """Mark the state-affiliated articles; returns how many.

    Writes temp tables: `_cw_state_outlets(entry, name, country, domain)`,
    `_cw_state_names(entry, name)` (outlet names and aliases, for "does this text name it"),
    and `_cw_state_articles(article_id, entry)`: an article is state-affiliated when its
    registered domain, or its URL's host or a parent of it, is a listed domain.
    """
    rows = [(i, o.name, o.country, d) for i, o in enumerate(outlets) for d in o.domains]
    names = [(i, n) for i, o in enumerate(outlets) for n in dict.fromkeys((o.name, *o.aliases))]
    con.register(
        "_cw_so_in",
        pa.table(
            {
                "entry": pa.array([r[0] for r in rows], pa.int32()),
                "name": pa.array([r[1] for r in rows], pa.string()),
                "country": pa.array([r[2] for r in rows], pa.string()),
                "domain": pa.array([r[3] for r in rows], pa.string()),
            }
        ),
    )
    con.register(
        "_cw_sn_in",
        pa.table(
            {
                "entry": pa.array([r[0] for r in names], pa.int32()),
                "name": pa.array([r[1] for r in names], pa.string()),
            }
        ),
    )
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {OUTLET_TABLE} AS SELECT * FROM _cw_so_in")
        con.execute(f"CREATE OR REPLACE TEMP TABLE {NAME_TABLE} AS SELECT * FROM _cw_sn_in")
    finally:
        con.unregister("_cw_so_in")
        con.unregister("_cw_sn_in")
    # The registered domain and the host of url_norm (scheme://host/...), with every domain
    # above the host: a listed domain matches itself or any host under it.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {STATE_TABLE} AS
        WITH hosts AS (
            SELECT article_id, lower(domain) AS d FROM articles WHERE domain IS NOT NULL
            UNION ALL
            SELECT article_id, lower(regexp_extract(url_norm, '^[a-z][a-z0-9+.-]*://([^/:?#]+)', 1))
            FROM articles WHERE url_norm IS NOT NULL
        ), parents AS (  -- the host and each domain above it: a.b.c, b.c, c
            SELECT article_id, array_to_string(parts[i:], '.') AS d
            FROM (SELECT article_id, string_split(d, '.') AS parts FROM hosts WHERE d <> ''),
                 LATERAL (SELECT unnest(range(1, len(parts) + 1)) AS i)
        )
        SELECT article_id, min(o.entry) AS entry
        FROM parents p JOIN {OUTLET_TABLE} o ON p.d = o.domain
        GROUP BY article_id
    """)
    return int(con.execute(f"SELECT count(*) FROM {STATE_TABLE}").fetchall()[0][0])
