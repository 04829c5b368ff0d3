"""The DuckDB engine: plans run in place on the workspace's own DuckDB connection."""

from __future__ import annotations

from typing import TYPE_CHECKING

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

    def from_arrow(self, name: str, table: pa.Table) -> ibis.Table:
        return self.backend.create_table(self.fresh_name(name), table, temp=True)

    def materialize(self, expr: ibis.Table, name: str) -> str:
        self.backend.create_table(name, expr, temp=True)
        return name
