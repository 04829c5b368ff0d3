"""The workspace: one folder holding one DuckDB database (the normalized tables) and `out/`.

The tables below are the contract between stages (see DESIGN.md). Every stage reads the
previous stage's tables and writes its own; `asset_id` and `post_id` are internal, and every
output also names an asset by (platform, kind, native_id).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from cibwatch.errors import WorkspaceError

DB_NAME = "cibwatch.duckdb"
SCHEMA_VERSION = 4

PLATFORMS = ("twitter", "facebook", "instagram", "telegram", "web")
KINDS = ("account", "page", "group", "channel")

# Version 1 of the normalized store. Natural keys are enforced by anti-join inserts in
# cibwatch.ingest.load rather than by PRIMARY KEY indexes: DuckDB's ART indexes slow bulk
# loads of millions of rows and must fit in memory.
# The display-only text columns (posts.text, post_urls.url: shown, never matched or scanned
# whole by a stage) are stored with ZSTD rather than DuckDB's default DICT_FSST: writing them
# costs a third of the CPU (1.5M bench posts: text 1.46 -> 0.48 s, url 0.77 -> 0.36 s) and
# the file is smaller. A full scan costs more (real tweets: ~+0.2 s CPU per 1.6M), which is
# why text_norm and url_norm, which the signals read whole, keep the default. Only the
# physical layout differs: workspaces made before this read and behave the same.
SCHEMA_V1 = """
CREATE SEQUENCE IF NOT EXISTS asset_seq START 1;
CREATE SEQUENCE IF NOT EXISTS post_seq START 1;
CREATE SEQUENCE IF NOT EXISTS article_seq START 1;
CREATE SEQUENCE IF NOT EXISTS source_seq START 1;

CREATE TABLE IF NOT EXISTS sources (
    source_id INTEGER,            -- one row per ingest of a file
    path VARCHAR,                 -- as given on the command line (display only, never reopened)
    sha256 VARCHAR,               -- content hash (with the mapping's, for generic): same bytes, same source
    format VARCHAR,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    rows_read BIGINT,
    rows_loaded BIGINT,
    rows_quarantined BIGINT
);

CREATE TABLE IF NOT EXISTS assets (
    asset_id BIGINT,
    platform VARCHAR,             -- twitter (also X) | facebook | instagram | telegram | web
    kind VARCHAR,                 -- account | page | group | channel
    native_id VARCHAR,            -- the platform's id (hashed ids kept as given)
    handle VARCHAR,               -- screen name / user name, without '@'
    display_name VARCHAR,
    created_at TIMESTAMP,         -- UTC
    bio VARCHAR,
    declared_location VARCHAR,
    followers BIGINT,
    following BIGINT,
    lang VARCHAR,                 -- account language where the platform records one
    url VARCHAR,                  -- profile URL field
    avatar_hash VARCHAR,
    source_id INTEGER
);

CREATE TABLE IF NOT EXISTS posts (
    post_id BIGINT,
    platform VARCHAR,
    native_id VARCHAR,            -- the platform's post id; unique per platform
    asset_id BIGINT,              -- who posted
    created_at TIMESTAMP,         -- UTC
    text VARCHAR USING COMPRESSION zstd,  -- as published
    text_norm VARCHAR,            -- cibwatch.text.normalize(text): compare this, show `text`
    lang VARCHAR,
    reply_to VARCHAR,             -- native id of the post replied to
    reply_to_user VARCHAR,        -- native id of the account replied to
    shared_post_id VARCHAR,       -- native id of the post reshared / retweeted / forwarded
    shared_user VARCHAR,          -- native id (or name) of the original author of a reshare
    quoted_post_id VARCHAR,
    venue_id BIGINT,              -- asset_id of the Page / Group / channel it appeared in
    client VARCHAR,               -- posting application, where recorded
    likes BIGINT,
    shares BIGINT,
    comments BIGINT,
    source_id INTEGER
);

CREATE TABLE IF NOT EXISTS post_urls (
    post_id BIGINT,
    url VARCHAR USING COMPRESSION zstd,  -- as found
    url_norm VARCHAR,             -- cibwatch.urls normalization (no tracking params, no www.)
    domain VARCHAR                -- registered domain (eTLD+1)
);

CREATE TABLE IF NOT EXISTS post_hashtags (
    post_id BIGINT,
    position INTEGER,             -- order of appearance, from 0
    hashtag VARCHAR               -- without '#', normalized and case-folded
);

CREATE TABLE IF NOT EXISTS post_mentions (
    post_id BIGINT,
    position INTEGER,
    mention VARCHAR               -- handle without '@', lower-case (or native id where only that is known)
);

CREATE TABLE IF NOT EXISTS articles (
    article_id BIGINT,
    native_id VARCHAR,            -- the input's `id`
    outlet VARCHAR,
    domain VARCHAR,               -- registered domain of the outlet
    url VARCHAR,
    url_norm VARCHAR,
    author VARCHAR,
    published_at TIMESTAMP,       -- UTC
    title VARCHAR,
    text VARCHAR,
    text_norm VARCHAR,
    lang VARCHAR,
    source_id INTEGER
);

CREATE TABLE IF NOT EXISTS article_links (
    article_id BIGINT,
    url VARCHAR,
    url_norm VARCHAR,
    domain VARCHAR
);

CREATE TABLE IF NOT EXISTS quarantine (
    source_id INTEGER,
    sha256 VARCHAR,               -- file content hash: re-ingesting adds no duplicate rows
    path VARCHAR,
    line BIGINT,                  -- 1-based line (CSV/JSONL) or element index (JSON) in the file
    reason VARCHAR,
    raw VARCHAR,                  -- the unreadable row as text (truncated to 64 KiB)
    format VARCHAR
);

CREATE TABLE IF NOT EXISTS edges (
    asset_a BIGINT,               -- asset_a < asset_b
    asset_b BIGINT,
    signal VARCHAR,
    weight DOUBLE,
    events BIGINT,                -- co-actions behind the edge
    keys BIGINT,                  -- distinct keys (URLs, posts, texts) behind the edge
    first_at TIMESTAMP,
    last_at TIMESTAMP,
    evidence VARCHAR              -- JSON: a few example keys and times
);

CREATE TABLE IF NOT EXISTS networks (
    network_id VARCHAR,
    score DOUBLE,
    tier VARCHAR,
    suspected BOOLEAN,
    size INTEGER,
    signals VARCHAR,              -- JSON
    indicators VARCHAR            -- JSON
);

CREATE TABLE IF NOT EXISTS network_members (
    network_id VARCHAR,
    asset_id BIGINT,
    role VARCHAR
);

CREATE TABLE IF NOT EXISTS decisions (
    decision_id BIGINT,
    network_id VARCHAR,
    decision VARCHAR,
    reason VARCHAR,
    actor VARCHAR,
    decided_at TIMESTAMP
);
"""

# Each migration brings a workspace from version i to i + 1. Append, never edit: a workspace
# made by an older cibwatch is migrated on open instead of failing.
MIGRATIONS: list[Callable[[duckdb.DuckDBPyConnection], object]] = [
    lambda con: con.execute(SCHEMA_V1),
    # 2: per-network characterization (cibwatch.characterize), one JSON document per network,
    # written by `cibwatch report` and read by every output format and the review app.
    lambda con: con.execute(
        "CREATE TABLE IF NOT EXISTS characterizations "
        "(network_id VARCHAR, computed_at TIMESTAMP, data VARCHAR)"
    ),
    # 3: decisions become an append-only audit log (cibwatch.review.decisions): ids from a
    # sequence, a JSON payload (member snapshot, split/merge lists, how it was made) and a hash
    # chaining each row to the previous one so an edit in place is detectable.
    lambda con: con.execute(
        "CREATE SEQUENCE IF NOT EXISTS decision_seq START 1; "
        "ALTER TABLE decisions ADD COLUMN payload VARCHAR; "
        "ALTER TABLE decisions ADD COLUMN row_hash VARCHAR;"
    ),
    # 4: an edge's examples are stored as typed (key, at) structs instead of a JSON text:
    # serializing them was the largest operator of writing identical-text's edges (23 % of
    # its operator time at scale 10), and only the review app reads them, a few at a time.
    # The table is rebuilt rather than altered in place: ADD COLUMN + UPDATE + DROP COLUMN in
    # one transaction made DuckDB's checkpoint fail on a 12M-edge workspace.
    lambda con: con.execute(
        """
        CREATE TABLE edges_v4 AS
        SELECT asset_a, asset_b, signal, weight, events, keys, first_at, last_at,
               CAST(list_transform(
                   coalesce(TRY_CAST(CASE WHEN json_valid(evidence)
                                          THEN json_extract(evidence, '$.examples') END
                                     AS STRUCT("key" VARCHAR, "at" VARCHAR)[]), []),
                   lambda x: {'key': x.key, 'at': try_strptime(x.at, '%Y-%m-%dT%H:%M:%SZ')})
                    AS STRUCT("key" VARCHAR, "at" TIMESTAMP)[]) AS examples
        FROM edges;
        DROP TABLE edges;
        ALTER TABLE edges_v4 RENAME TO edges;
        """
    ),
]
assert len(MIGRATIONS) == SCHEMA_VERSION


def _memory_setting(value: str) -> str:
    """Accept only sizes like '1.5GB' or '800MiB' (the value is spliced into a SET statement)."""
    if not re.fullmatch(r"\s*[0-9]+(\.[0-9]+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*", value):
        raise WorkspaceError(f"CIBWATCH_MEMORY_LIMIT={value!r} is not a size such as 1.5GB")
    return value.strip()


def default_memory_limit() -> str:
    """A quarter of physical memory, at least 1 GiB ('' where the size cannot be read)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return ""
    return f"{max(total // 4, 1 << 30) >> 20}MiB"


class Workspace:
    """A workspace folder: `cibwatch.duckdb` with the normalized tables, and `out/` for outputs.

    >>> import tempfile
    >>> ws = Workspace(tempfile.mkdtemp() + "/w")
    >>> ws.schema_version() == SCHEMA_VERSION
    True
    >>> ws.close()
    """

    def __init__(self, path: str | Path, *, create: bool = True, read_only: bool = False):
        self.path = Path(path)
        if not self.path.exists():
            if not create:
                raise WorkspaceError(
                    f"no workspace at {self.path} (run `cibwatch ingest ... --workspace {self.path}`)"
                )
            self.path.mkdir(parents=True)
        elif not self.path.is_dir():
            raise WorkspaceError(f"{self.path} exists and is not a folder")
        if read_only and not self.db_path.exists():
            raise WorkspaceError(f"{self.path} holds no cibwatch database ({DB_NAME})")
        try:
            self.con = duckdb.connect(str(self.db_path), read_only=read_only)
        except duckdb.Error as exc:
            raise WorkspaceError(f"cannot open {self.db_path}: {exc}") from exc
        # DuckDB spills to disk (W/cibwatch.duckdb.tmp) beyond this; e.g. CIBWATCH_MEMORY_LIMIT=1.5GB.
        # DuckDB's own default, 80 % of RAM, leaves nothing for the Arrow and numpy work of the
        # signals and networks stages in the same process: cibwatch's default is a quarter.
        limit = os.environ.get("CIBWATCH_MEMORY_LIMIT") or default_memory_limit()
        # The limit as set (DuckDB shows it rounded), for stages that lower it for a moment.
        self.memory_limit: str | None = None
        if limit:
            try:
                self.memory_limit = _memory_setting(limit)
                self.con.execute(f"SET memory_limit = '{self.memory_limit}'")
            except duckdb.Error as exc:
                raise WorkspaceError(f"CIBWATCH_MEMORY_LIMIT={limit!r}: {exc}") from exc
        if not read_only:
            self.migrate()
        elif self.schema_version() != SCHEMA_VERSION:
            raise WorkspaceError(
                f"{self.path} is at schema version {self.schema_version()}; "
                "open it once for writing (e.g. `cibwatch status`) to migrate it"
            )

    @property
    def db_path(self) -> Path:
        return self.path / DB_NAME

    @property
    def out(self) -> Path:
        out = self.path / "out"
        out.mkdir(exist_ok=True)
        return out

    def schema_version(self) -> int:
        try:
            row = self.con.execute("SELECT max(version) FROM schema_meta").fetchall()[0]
        except duckdb.CatalogException:
            return 0
        return int(row[0]) if row and row[0] is not None else 0

    def migrate(self) -> None:
        """Bring the database to SCHEMA_VERSION, one migration per transaction."""
        self.con.execute("CREATE TABLE IF NOT EXISTS schema_meta (version INTEGER)")
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise WorkspaceError(
                f"{self.path} was written by a newer cibwatch (schema {current} > {SCHEMA_VERSION})"
            )
        for version in range(current, SCHEMA_VERSION):
            with self.transaction():
                MIGRATIONS[version](self.con)
                self.con.execute("INSERT INTO schema_meta VALUES (?)", [version + 1])

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run a block atomically: a crash or error inside leaves the tables as they were."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
