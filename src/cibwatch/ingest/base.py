"""The adapter contract and registry: one adapter per source format.

An adapter recognises its format from the header (or the first bytes) and translates the file
into the staging tables (cibwatch.ingest.staging); it never writes the store itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import duckdb


@dataclass
class Sniff:
    """What detection saw of a file: its CSV header (if any) and its first bytes."""

    path: Path
    head: bytes
    columns: list[str] | None = None  # trimmed CSV header names, None if not CSV-like


@dataclass
class StageContext:
    """Everything an adapter may use while staging one file."""

    con: duckdb.DuckDBPyConnection
    path: Path
    options: dict[str, Any] = field(default_factory=dict)  # e.g. {"mapping": ...}
    rows_read: int = 0  # set by the adapter: records it read from the file
    # Set by an adapter whose stg_assets already holds every account that posts in stg_posts,
    # on the line of its latest post: the commit then skips deriving them from the posts.
    posters_staged: bool = False


class Adapter:
    """Base class of the source adapters; subclasses set `name` and implement the methods."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    # Lower runs first during detection, so a specific format wins over a general one.
    priority: ClassVar[int] = 50
    # Options the user may set for this format (`cibwatch ingest --platform ...`), by name.
    options: ClassVar[tuple[str, ...]] = ()

    def sniff(self, sniff: Sniff) -> bool:
        """True when the file looks like this format."""
        raise NotImplementedError

    def stage(self, ctx: StageContext) -> None:
        """Fill the staging tables from ctx.path; raise FormatError when the file is not this format."""
        raise NotImplementedError


_REGISTRY: dict[str, type[Adapter]] = {}


def register(cls: type[Adapter]) -> type[Adapter]:
    """Class decorator adding an adapter to the registry under its `name`."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} has no name")
    _REGISTRY[cls.name] = cls
    return cls


def adapters() -> dict[str, type[Adapter]]:
    """All registered adapters by name, built-ins included."""
    from cibwatch.ingest import default_adapters  # noqa: F401  (registers the built-ins)

    return dict(sorted(_REGISTRY.items()))
