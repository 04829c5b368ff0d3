"""Engines: where the signal plans run. `connect("duckdb" | "spark", workspace)` gives an Engine.

Each engine wraps an Ibis backend and offers the same small API (`table`, `to_arrow`,
`from_arrow`, `stage`, `has`/`require`, `close`). Differences between engines live in data
(`CAPABILITIES`), not in `if engine == ...` branches; a plan that needs a capability an engine
lacks calls `engine.require(name)` and gets a named `UnsupportedCapability`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cibwatch.engine.base import CAPABILITIES, Engine, UnsupportedCapability
from cibwatch.errors import EngineUnavailable

if TYPE_CHECKING:
    from cibwatch.store import Workspace

ENGINES = ("duckdb", "spark")


def connect(name: str, workspace: Workspace, **options: Any) -> Engine:
    """Open engine `name` on the workspace's tables.

    >>> import tempfile
    >>> from cibwatch.store import Workspace
    >>> ws = Workspace(tempfile.mkdtemp() + "/w")
    >>> eng = connect("duckdb", ws)
    >>> eng.table("posts").count().execute()
    0
    >>> ws.close()
    """
    if name == "duckdb":
        from cibwatch.engine.duckdb import DuckDBEngine

        return DuckDBEngine(workspace, **options)
    if name == "spark":
        # Imported lazily: pyspark and a JVM are an optional extra.
        from cibwatch.engine.spark import SparkEngine

        return SparkEngine(workspace, **options)
    raise EngineUnavailable(f"unknown engine {name!r}; choose one of: {', '.join(ENGINES)}")


__all__ = ["CAPABILITIES", "ENGINES", "Engine", "UnsupportedCapability", "connect"]
