"""Ingest: translate exported files into the normalized store, losing nothing.

`ingest_file` detects (or is told) the format, lets the adapter fill the staging tables, then
commits everything for that file in one transaction: an interrupted ingest leaves the store as
it was, and the next run completes it. Re-ingesting the same bytes adds nothing.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cibwatch.errors import FormatError
from cibwatch.ingest.base import Adapter, Sniff, StageContext, adapters, register
from cibwatch.ingest.csvread import csv_columns
from cibwatch.ingest.load import LoadCounts, commit_staged, register_functions
from cibwatch.ingest.staging import create_staging, drop_staging
from cibwatch.store import Workspace
from cibwatch.urls import load_suffix_list

__all__ = [
    "Adapter",
    "IngestResult",
    "Sniff",
    "StageContext",
    "adapters",
    "detect_format",
    "ingest_file",
    "register",
]

_HEAD_BYTES = 64 * 1024


@dataclass
class IngestResult:
    """What one `ingest_file` call did."""

    path: str
    format: str
    rows_read: int
    assets: int
    posts: int
    articles: int
    quarantined: int
    duplicates: int
    skipped: bool = False  # the same bytes were already ingested in this format

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sniff(ws: Workspace, path: Path) -> Sniff:
    with path.open("rb") as fh:
        head = fh.read(_HEAD_BYTES)
    columns = None
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    is_gzip = head[:2] == b"\x1f\x8b"
    if is_gzip or (stripped[:1] not in (b"{", b"[") and b"," in stripped.split(b"\n", 1)[0]):
        try:
            columns = csv_columns(ws.con, path)
        except FormatError:
            columns = None
    return Sniff(path=path, head=head, columns=columns)


def detect_format(ws: Workspace, path: str | Path) -> str:
    """The name of the adapter that recognises `path`; FormatError when none does."""
    path = _checked(path)
    sniff = _sniff(ws, path)
    for cls in sorted(adapters().values(), key=lambda c: (c.priority, c.name)):
        if cls().sniff(sniff):
            return cls.name
    hint = f" (header: {', '.join(sniff.columns[:10])})" if sniff.columns else ""
    raise FormatError(
        f"{path}: format not recognised{hint}; name it with --format "
        f"({', '.join(adapters())}), or map its columns with --format generic --map FILE"
    )


def ingest_file(
    ws: Workspace,
    path: str | Path,
    format: str | None = None,
    *,
    mapping: str | Path | dict[str, Any] | None = None,
    options: dict[str, str | None] | None = None,
    force: bool = False,
) -> IngestResult:
    """Ingest one file into the workspace and say what it added.

    `options` are the format's own settings (e.g. {"platform": "facebook"} for qut-cnt and
    coortweet files, which do not name their platform).
    """
    path = _checked(path)
    known = adapters()
    if format is None:
        format = "generic" if mapping is not None else detect_format(ws, path)
    if format not in known:
        raise FormatError(f"unknown format {format!r}; choose one of {', '.join(known)}")
    chosen: dict[str, str] = {k: v for k, v in (options or {}).items() if v is not None}
    for key in sorted(set(chosen) - set(known[format].options)):
        allowed = [name for name, a in known.items() if key in a.options]
        raise FormatError(
            f"{path}: --{key} does not apply to the {format} format"
            + (f" (only to {', '.join(allowed)})" if allowed else "")
        )
    if isinstance(mapping, str | Path):
        _checked(mapping)
    # The file's hash decides whether these bytes were ingested already. A path never
    # ingested in this format is most likely new: it is hashed on another thread while it is
    # staged (the hash of a large file takes about a second of one core), and the staging is
    # thrown away in the rare case its bytes were ingested under another path.
    seen = ws.con.execute(
        "SELECT count(*) FROM sources WHERE path = ? AND format = ? AND finished_at IS NOT NULL",
        [str(path), format],
    ).fetchall()[0][0]
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        pending = pool.submit(_source_sha256, path, chosen, mapping)
        if seen and not force:
            sha256 = pending.result()
            done = _ingested(ws, path, format, sha256)
            if done is not None:
                return done
        pool.submit(_preload)
        return _ingest(ws, path, format, chosen, mapping, force, pending)
    finally:
        pool.shutdown(wait=True)


def _preload() -> None:
    """Load what the commit step needs but the staging does not, on the hashing thread while
    the file is staged (the main thread waits in DuckDB, which releases the GIL): numpy, which
    DuckDB imports to register a Python function, and tldextract with its suffix list. Half a
    second of a `cibwatch ingest` start, off the critical path."""
    import numpy  # noqa: F401

    load_suffix_list()


def _source_sha256(
    path: Path, options: dict[str, str], mapping: str | Path | dict[str, Any] | None
) -> str:
    """The identity of a source: the file's bytes, with the options and mapping it is read with."""
    sha256 = file_sha256(path)
    if options:
        # The same file read with other options (another platform) is another source.
        opts = json.dumps(options, sort_keys=True)
        sha256 = hashlib.sha256(f"{sha256}:{opts}".encode()).hexdigest()
    if mapping is not None:
        # The same file read through a different mapping is a different source.
        if isinstance(mapping, str | Path):
            mapping_sha = file_sha256(_checked(mapping))
        else:  # an already parsed mapping
            mapping_sha = hashlib.sha256(
                json.dumps(mapping, sort_keys=True, default=str).encode("utf-8")
            ).hexdigest()
        sha256 = hashlib.sha256(f"{sha256}:{mapping_sha}".encode("ascii")).hexdigest()
    return sha256


def _ingested(ws: Workspace, path: Path, format: str, sha256: str) -> IngestResult | None:
    """The skipped result when these bytes were ingested in this format already, else None."""
    rows = ws.con.execute(
        "SELECT rows_read, rows_quarantined FROM sources "
        "WHERE sha256 = ? AND format = ? AND finished_at IS NOT NULL LIMIT 1",
        [sha256, format],
    ).fetchall()
    if not rows:
        return None
    read, quarantined = rows[0]
    return IngestResult(str(path), format, int(read), 0, 0, 0, int(quarantined), 0, True)


def _ingest(
    ws: Workspace,
    path: Path,
    format: str,
    options: dict[str, str],
    mapping: str | Path | dict[str, Any] | None,
    force: bool,
    pending: Future[str],
) -> IngestResult:
    known = adapters()
    con = ws.con
    create_staging(con)
    try:
        ctx = StageContext(
            con=con, path=path, options={**options, **({"mapping": mapping} if mapping else {})}
        )
        known[format]().stage(ctx)
        sha256 = pending.result()
        if not force:
            done = _ingested(ws, path, format, sha256)
            if done is not None:
                return done
        register_functions(con)
        with ws.transaction():
            source_id = int(con.execute("SELECT nextval('source_seq')").fetchall()[0][0])
            con.execute(
                "INSERT INTO sources (source_id, path, sha256, format, started_at) "
                "VALUES (?, ?, ?, ?, timezone('UTC', now()))",
                [source_id, str(path), sha256, format],
            )
            counts: LoadCounts = commit_staged(
                con,
                source_id=source_id,
                sha256=sha256,
                path=str(path),
                fmt=format,
                posters_staged=ctx.posters_staged,
            )
            con.execute(
                "UPDATE sources SET finished_at = timezone('UTC', now()), rows_read = ?, "
                "rows_loaded = ?, rows_quarantined = ? WHERE source_id = ?",
                [ctx.rows_read, counts.posts + counts.articles, counts.quarantined, source_id],
            )
    finally:
        drop_staging(con)
    return IngestResult(
        path=str(path),
        format=format,
        rows_read=ctx.rows_read,
        assets=counts.assets,
        posts=counts.posts,
        articles=counts.articles,
        quarantined=counts.quarantined,
        duplicates=counts.duplicates,
    )


def _checked(path: str | Path) -> Path:
    path = Path(path)
    if not path.exists():
        raise FormatError(f"{path}: no such file")
    if not path.is_file():
        raise FormatError(f"{path}: not a file")
    return path
