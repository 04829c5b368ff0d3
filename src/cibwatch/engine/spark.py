"""The Spark engine: the store's tables exported to Parquet under W/parquet/, read by PySpark.

PySpark (and a JVM) is an optional extra, imported here only. Results come back to the
workspace's DuckDB through Arrow batches, so the store stays the single system of record.
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING, Any

from cibwatch.engine.base import Engine
from cibwatch.errors import EngineUnavailable

if TYPE_CHECKING:
    import ibis
    import pyarrow as pa

    from cibwatch.store import Workspace

INSTALL_HINT = "pip install 'cibwatch[spark]'  (or: pip install pyspark 'ibis-framework[pyspark]'; needs Java 17)"

DEFAULT_CONF = {
    "spark.master": "local[2]",
    "spark.sql.session.timeZone": "UTC",
    "spark.driver.memory": "2g",
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


def _import_pyspark() -> Any:
    try:
        import ibis.backends.pyspark  # noqa: F401
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise EngineUnavailable(f"the spark engine needs PySpark: {INSTALL_HINT} ({exc})") from exc
    return SparkSession


def spark_session(conf: dict[str, str] | None = None) -> Any:
    """Get or create the local SparkSession cibwatch uses."""
    SparkSession = _import_pyspark()
    builder = SparkSession.builder.appName("cibwatch")
    for key, value in {**DEFAULT_CONF, **(conf or {})}.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
        return session
    except Exception as exc:  # py4j raises plain Exceptions when the JVM cannot start
        raise EngineUnavailable(f"cannot start Spark (is Java 17 installed?): {exc}") from exc


class SparkEngine(Engine):
    """Spark local mode (or an existing session): tables are Parquet exports of the store."""

    name = "spark"

    def __init__(
        self, workspace: Workspace, session: Any = None, conf: dict[str, str] | None = None
    ):
        super().__init__(workspace)
        import ibis

        self.session = session if session is not None else spark_session(conf)
        self.backend = ibis.pyspark.connect(self.session)
        self.parquet = workspace.path / "parquet"
        self._tables: dict[str, ibis.Table] = {}

    def table(self, name: str) -> ibis.Table:
        if name not in self._tables:
            known = self.workspace.con.execute(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema = 'main' AND table_name = ?",
                [name],
            ).fetchall()[0][0]
            if not known:
                raise KeyError(f"{name} is not a store table")
            self.parquet.mkdir(exist_ok=True)
            path = self.parquet / f"{name}.parquet"
            # The table name was checked against the catalog above; COPY takes no parameter
            # for its target, so the (operator-chosen) workspace path is quoted by hand.
            sql_path = str(path).replace("'", "''")
            self.workspace.con.execute(
                f"COPY (SELECT * FROM \"{name}\") TO '{sql_path}' (FORMAT parquet)"  # noqa: S608
            ).fetchall()
            self._tables[name] = self.backend.read_parquet(str(path), table_name=f"cib_{name}")
        return self._tables[name]

    def from_arrow(self, name: str, table: pa.Table | pa.RecordBatchReader) -> ibis.Table:
        # Ibis' PySpark backend has no temporary tables: stage through Parquet like `table`.
        import pyarrow as pa
        import pyarrow.parquet as pq

        fresh = self.fresh_name(name)
        self.parquet.mkdir(exist_ok=True)
        # A name we generated, never input; Spark skips files whose name starts with '_'.
        path = self.parquet / f"{fresh.lstrip('_')}.parquet"
        if isinstance(table, pa.Table):
            pq.write_table(table, path)
        else:
            with pq.ParquetWriter(path, table.schema) as out:
                for batch in table:
                    out.write_batch(batch)
        return self.backend.read_parquet(str(path), table_name=fresh)

    def stage(self, expr: ibis.Table, name: str) -> str:
        import pyarrow as pa

        reader = expr.to_pyarrow_batches()
        result = pa.Table.from_batches(list(reader), schema=reader.schema)
        self.workspace.con.register(f"{name}_arrow", result)
        self.workspace.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow"  # noqa: S608
        ).fetchall()
        self.workspace.con.unregister(f"{name}_arrow")
        return name

    def unstage(self, name: str) -> None:
        self.workspace.con.execute(f"DROP TABLE IF EXISTS {name}")

    def close(self) -> None:
        # The session is shared (getOrCreate) and may serve other workspaces; only drop exports.
        shutil.rmtree(self.parquet, ignore_errors=True)
