"""The DuckDB engine: plans run in place on the workspace's own DuckDB connection."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb
import ibis

from cibwatch.engine.base import Engine

if TYPE_CHECKING:
    import pyarrow as pa

    from cibwatch.store import Workspace


class DuckDBEngine(Engine):
    """The embedded default: no copy, the Ibis backend shares the workspace connection."""

    name = "duckdb"

    def __init__(self, workspace: Workspace):
        super().__init__(workspace)
        self.backend = ibis.duckdb.from_connection(workspace.con)

    def table(self, name: str) -> ibis.Table:
        return self.backend.table(name)

    def to_arrow(self, expr: ibis.Table) -> pa.Table:
        # NOTE: through DuckDB directly: Ibis 12's to_pyarrow calls a method DuckDB 2.0 deprecates.
        return self.workspace.con.sql(ibis.to_sql(expr, dialect="duckdb")).to_arrow_table()

    def from_arrow(self, name: str, table: pa.Table | pa.RecordBatchReader) -> ibis.Table:
        # NOTE: Ibis 12's create_table from Arrow emits an empty DROP VIEW on DuckDB 2.0;
        # registering the Arrow table on the connection is zero-copy and avoids it (a reader
        # is scanned as a stream, once).
        fresh = self.fresh_name(name)
        self.workspace.con.register(fresh, table)
        return self.backend.table(fresh)

    def release(self, name: str) -> None:
        self.workspace.con.unregister(name)

    def trim_memory(self) -> None:
        # DuckDB keeps what it used up to memory_limit; lowering the limit for a moment makes
        # it evict (to its temp directory) and free, so the numpy/Arrow work that follows has
        # the room. At 10M posts this was the difference between ~6 and ~11 GB peaks.
        con = self.workspace.con
        # The limit the workspace set (validated there), else DuckDB's own rendering of it.
        limit = getattr(self.workspace, "memory_limit", None) or str(
            con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        )
        try:
            con.execute("SET memory_limit = '256MiB'")
        except duckdb.Error:
            pass  # some blocks are pinned: leave them, nothing is lost
        finally:
            con.execute(f"SET memory_limit = '{limit}'")

    def stage(self, expr: ibis.Table, name: str) -> str:
        # A view, not a table: the caller's INSERT runs the plan straight into the store. Each
        # signal's edges held in a temporary table until the end took DuckDB's memory from the
        # signals after it (identical-text 21 s alone, 129 s after three others).
        sql = ibis.to_sql(expr, dialect="duckdb")
        # `name` comes from Engine.fresh_name, never from input.
        self.workspace.con.execute(f"CREATE TEMP VIEW {name} AS {sql}")
        return name

    def unstage(self, name: str) -> None:
        self.workspace.con.execute(f"DROP VIEW IF EXISTS {name}")
