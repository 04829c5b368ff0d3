"""The Engine base class and the per-engine capability table."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, ClassVar

from cibwatch.errors import CibwatchError

if TYPE_CHECKING:
    import ibis
    import pyarrow as pa

    from cibwatch.store import Workspace


class UnsupportedCapability(CibwatchError):
    """A plan needs an operation the chosen engine does not offer."""


# What each engine can do beyond the operations every plan may assume (joins, group-by,
# window row_number, collect, structs). A plan asks `engine.require(name)` before using one.
CAPABILITIES: dict[str, frozenset[str]] = {
    # top_n_aggregate: min(x, n) as an aggregate with a state of n values (coaction's fold).
    "duckdb": frozenset(
        {"arrow_roundtrip", "ordered_collect", "regex", "array_sort", "top_n_aggregate"}
    ),
    "spark": frozenset({"arrow_roundtrip", "regex", "array_sort"}),
}

_names = itertools.count()


class Engine:
    """One Ibis backend over a workspace's tables; subclasses set `name` and the native calls."""

    name: ClassVar[str] = ""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace
        self.backend: Any = None

    @property
    def capabilities(self) -> frozenset[str]:
        return CAPABILITIES[self.name]

    def has(self, capability: str) -> bool:
        return capability in self.capabilities

    def require(self, capability: str) -> None:
        if capability not in self.capabilities:
            raise UnsupportedCapability(f"the {self.name} engine does not support {capability}")

    def table(self, name: str) -> ibis.Table:
        """A store table as an Ibis table on this engine."""
        raise NotImplementedError

    def to_arrow(self, expr: ibis.Table) -> pa.Table:
        """Run `expr` and return the result as an Arrow table."""
        return expr.to_pyarrow()

    def from_arrow(self, name: str, table: pa.Table | pa.RecordBatchReader) -> ibis.Table:
        """Put an Arrow table on this engine under a fresh name derived from `name`.

        A RecordBatchReader is read once, when the engine first runs a plan over it, so a
        signal can hand over its edges batch by batch instead of holding them all.
        """
        raise NotImplementedError

    def release(self, name: str) -> None:
        """Let go of a table put on this engine by `from_arrow` (its memory can be freed)."""

    def trim_memory(self) -> None:
        """Give back memory the engine keeps cached between queries (before numpy work)."""

    def stage(self, expr: ibis.Table, name: str) -> str:
        """Make the result of `expr` readable from the workspace's DuckDB as `name`.

        The store stays the system of record: results of any engine land in DuckDB. An engine
        that runs in the workspace's DuckDB stages a view (the plan runs once, when the caller
        reads it); any other engine copies the result into a temporary table.
        """
        raise NotImplementedError

    def unstage(self, name: str) -> None:
        """Drop what `stage` created under `name`."""
        raise NotImplementedError

    def close(self) -> None:
        """Release engine resources (the workspace stays open)."""

    @staticmethod
    def fresh_name(prefix: str) -> str:
        return f"_cib_{prefix}_{next(_names)}"
