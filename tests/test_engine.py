"""The engine layer: DuckDB in place, Spark as a lazily imported extra, and exact parity."""

from __future__ import annotations

import shutil
import sys

import pytest

from cibwatch.engine import CAPABILITIES, ENGINES, UnsupportedCapability, connect
from cibwatch.errors import EngineUnavailable
from cibwatch.signals import run_signals
from cibwatch.store import Workspace
from signal_worlds import edges, make_workspace, seeded_posts

# On Spark, every co-action signal: they share one operator but differ in the table they key on
# (post_urls by URL or domain, post_mentions, reply links, reshares, text, hashtag arrays).
SPARK_PARITY = [
    "co-link",
    "co-domain",
    "co-share",
    "identical-text",
    "hashtag-sequence",
    "co-mention",
    "co-reply",
]


def test_duckdb_engine_reads_the_store_in_place(tmp_path):
    ws = make_workspace(tmp_path / "w", [{"asset": 1, "t": 0}, {"asset": 2, "t": 1}])
    eng = connect("duckdb", ws)
    assert eng.name == "duckdb"
    assert eng.to_arrow(eng.table("posts").select("asset_id")).num_rows == 2
    import pyarrow as pa

    back = eng.from_arrow("numbers", pa.table({"n": [1, 2, 3]}))
    assert eng.to_arrow(back.filter(back.n > 1)).num_rows == 2
    ws.close()


def test_trim_memory_restores_the_exact_limit(tmp_path, monkeypatch):
    # DuckDB shows limits rounded ('5.8 GiB'); trimming must not drift the limit it restores.
    monkeypatch.setenv("CIBWATCH_MEMORY_LIMIT", "1234MiB")
    ws = Workspace(tmp_path / "w")
    eng = connect("duckdb", ws)

    def limit() -> str:
        return ws.con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]

    before = limit()
    for _ in range(3):
        eng.trim_memory()
    assert limit() == before == "1.2 GiB"
    # Setting DuckDB's rendering back loses a little each time: 1.2 GiB shows as 1.1 GiB.
    ws.con.execute(f"SET memory_limit = '{before}'")
    assert limit() != before
    ws.close()


def test_capabilities_are_data_and_missing_ones_are_named(tmp_path):
    assert set(CAPABILITIES) == set(ENGINES)
    ws = Workspace(tmp_path / "w")
    eng = connect("duckdb", ws)
    missing = {c for caps in CAPABILITIES.values() for c in caps} - eng.capabilities
    for cap in eng.capabilities:
        eng.require(cap)
    for cap in missing | {"time_travel"}:
        assert not eng.has(cap)
        with pytest.raises(UnsupportedCapability, match=f"duckdb engine does not support {cap}"):
            eng.require(cap)
    ws.close()


def test_unknown_engine(tmp_path):
    ws = Workspace(tmp_path / "w")
    with pytest.raises(EngineUnavailable, match="unknown engine 'postgres'"):
        connect("postgres", ws)
    ws.close()


def test_missing_pyspark_gives_the_install_command(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    ws = Workspace(tmp_path / "w")
    with pytest.raises(EngineUnavailable, match=r"pip install 'cibwatch\[spark\]'"):
        connect("spark", ws)
    ws.close()


@pytest.fixture(scope="module")
def spark():
    """One local SparkSession for this module (starting a JVM costs seconds)."""
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("no Java on this machine")
    from cibwatch.engine.spark import spark_session

    # Tiny data: code generation and adaptive re-planning cost more than they save.
    session = spark_session(
        {
            "spark.sql.shuffle.partitions": "1",
            "spark.sql.codegen.wholeStage": "false",
            "spark.sql.codegen.factoryMode": "NO_CODEGEN",
            "spark.sql.adaptive.enabled": "false",
        }
    )
    yield session
    session.stop()


@pytest.mark.spark
def test_spark_and_duckdb_give_identical_edges(tmp_path, spark):
    ws = make_workspace(tmp_path / "w", seeded_posts(seed=11))
    run_signals(ws, engine="duckdb", signals=SPARK_PARITY)
    on_duckdb = edges(ws)
    assert {e["signal"] for e in on_duckdb} == set(SPARK_PARITY)  # the world exercises each

    from cibwatch.engine.spark import SparkEngine

    eng = SparkEngine(ws, session=spark)
    report = run_signals(ws, engine=eng, signals=SPARK_PARITY)
    eng.close()
    assert report.engine == "spark"
    assert not (ws.path / "parquet").exists()  # exports are cleaned up
    assert edges(ws) == on_duckdb  # exact: weights, counts, times and examples
    ws.close()
