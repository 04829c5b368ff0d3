"""The workspace: creation, schema version and migration of older workspaces."""

from __future__ import annotations

import os
from datetime import datetime

import duckdb
import pytest

from cibwatch.errors import WorkspaceError
from cibwatch.store import SCHEMA_VERSION, Workspace


def test_creates_folder_and_schema(tmp_path):
    ws = Workspace(tmp_path / "new" / "ws")
    assert ws.db_path.exists()
    assert ws.schema_version() == SCHEMA_VERSION
    tables = {
        r[0] for r in ws.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    assert {
        "assets",
        "posts",
        "post_urls",
        "post_hashtags",
        "post_mentions",
        "articles",
        "article_links",
        "quarantine",
        "edges",
        "networks",
        "network_members",
        "decisions",
    } <= tables
    ws.close()


def test_reopen_is_idempotent(tmp_path):
    Workspace(tmp_path / "w").close()
    with Workspace(tmp_path / "w") as ws:
        assert ws.con.execute("SELECT count(*) FROM schema_meta").fetchall()[0][0] == SCHEMA_VERSION


def test_older_workspace_is_migrated(tmp_path):
    # a workspace from before any schema: an empty database file
    (tmp_path / "w").mkdir()
    duckdb.connect(str(tmp_path / "w" / "cibwatch.duckdb")).close()
    with Workspace(tmp_path / "w") as ws:
        assert ws.schema_version() == SCHEMA_VERSION


def test_version_3_edges_keep_their_examples(tmp_path):
    """Schema 4 stores an edge's examples as typed structs; a schema-3 workspace's evidence
    JSON (Persian keys, a missing time, a broken document) is carried over, not dropped."""
    from cibwatch.store import MIGRATIONS

    (tmp_path / "w").mkdir()
    con = duckdb.connect(str(tmp_path / "w" / "cibwatch.duckdb"))
    con.execute("CREATE TABLE schema_meta (version INTEGER)")
    for version in range(3):
        MIGRATIONS[version](con)
        con.execute("INSERT INTO schema_meta VALUES (?)", [version + 1])
    evidence = [
        '{"examples": [{"key": "خبر فوری: تجمع امروز", "at": "2024-03-01T09:00:01Z"}, '
        '{"key": "https://news.example.ir/a", "at": null}]}',
        "not json",
    ]
    for b, text in enumerate(evidence, start=2):
        con.execute(
            "INSERT INTO edges VALUES (1, ?, 'identical-text', 1.0, 1, 1, NULL, NULL, ?)",
            [b, text],
        )
    con.close()
    with Workspace(tmp_path / "w") as ws:
        assert ws.schema_version() == SCHEMA_VERSION
        rows = ws.con.execute("SELECT asset_b, examples FROM edges ORDER BY asset_b").fetchall()
    assert rows == [
        (
            2,
            [
                {"key": "خبر فوری: تجمع امروز", "at": datetime(2024, 3, 1, 9, 0, 1)},
                {"key": "https://news.example.ir/a", "at": None},
            ],
        ),
        (3, []),
    ]


def test_newer_workspace_is_refused(tmp_path):
    with Workspace(tmp_path / "w") as ws:
        ws.con.execute("INSERT INTO schema_meta VALUES (?)", [SCHEMA_VERSION + 1])
    with pytest.raises(WorkspaceError, match="newer cibwatch"):
        Workspace(tmp_path / "w")


def test_missing_workspace_without_create(tmp_path):
    with pytest.raises(WorkspaceError, match="no workspace"):
        Workspace(tmp_path / "absent", create=False)


def test_transaction_rolls_back_on_error(tmp_path):
    with Workspace(tmp_path / "w") as ws:
        with pytest.raises(RuntimeError), ws.transaction():
            ws.con.execute(
                "INSERT INTO assets (asset_id, platform, kind, native_id) VALUES (1, 'twitter', 'account', 'x')"
            )
            raise RuntimeError("boom")
        assert ws.con.execute("SELECT count(*) FROM assets").fetchall()[0][0] == 0


def test_memory_limit_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CIBWATCH_MEMORY_LIMIT", "1GB")
    with Workspace(tmp_path / "w") as ws:
        limit = ws.con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    assert limit.endswith("MiB") or limit.endswith("GiB")
    monkeypatch.setenv("CIBWATCH_MEMORY_LIMIT", "1GB'; DROP TABLE posts; --")
    with pytest.raises(WorkspaceError, match="not a size"):
        Workspace(tmp_path / "w")


def test_default_memory_limit_is_a_quarter_of_ram(tmp_path, monkeypatch):
    monkeypatch.delenv("CIBWATCH_MEMORY_LIMIT", raising=False)
    quarter = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 4
    with Workspace(tmp_path / "w") as ws:
        limit = ws.con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    value, unit = limit.split()  # DuckDB shows it cut to one decimal, e.g. '5.8 GiB'
    gib = float(value) * {"MiB": 2**-10, "GiB": 1.0, "TiB": 2**10}[unit]
    assert abs(gib - max(quarter, 2**30) / 2**30) < 0.1
