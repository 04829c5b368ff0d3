"""The Signal base class, the signal registry and the Params convention every signal follows.

A signal turns the normalized tables into weighted asset-to-asset edges with evidence. Each one
is a small class in its own module (`cibwatch/signals/<module>.py`):

    @register
    class CoLink(Signal):
        name = "co-link"                     # one of SIGNAL_NAMES
        tables = ("posts", "post_urls")      # store tables it reads
        Params = CoLinkParams                # a frozen dataclass, every field a `param(...)`

        def edges(self, ctx: Context, params: CoLinkParams) -> ibis.Table:
            posts = ctx.table("posts")
            ...
            return table_with_EDGE_COLUMNS

Contract of `edges`:
- It is written ONCE with Ibis and must run unchanged on every engine (DuckDB, Spark). Where an
  engine lacks an operation, ask `ctx.engine.require("capability")`, which raises a named
  `UnsupportedCapability`; never branch on the engine's name.
- It returns an Ibis table with exactly EDGE_COLUMNS (names and types below): one row per
  unordered asset pair with asset_a < asset_b, weight >= 0, events >= 1, keys >= 1, and at most
  MAX_EXAMPLES `examples`, earliest first (by time, then key), each key cut to
  EXAMPLE_KEY_CHARS characters (coaction.pair_edges does all of this). `run_signals` adds the
  `signal` column and writes the rows to the edges table as they are; signals never write to
  the store themselves.
- It must stay sub-quadratic when one key is shared by 100k assets: bound pair formation by time
  (see cibwatch.signals.coaction) or by buckets (LSH), never an equi-join on a popular key alone.
- Work that Ibis cannot express the same way on every engine (MinHash signatures, for instance)
  may be computed in numpy/Arrow: `ctx.to_arrow(expr)` pulls a table out of the engine and
  `ctx.from_arrow(name, table)` puts one back as an Ibis table on the same engine. Keep such steps
  vectorized (no Python loop over rows).

The Params convention: every field has a default and is declared with `param(default, doc,
unit=..., min=..., max=..., choices=...)`. The doc states the unit; cibwatch.config validates TOML
values against the type, bounds and choices, and dumps the effective values so that every output
can echo them and be reproduced.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

import ibis
import ibis.expr.datatypes as dt

from cibwatch.errors import ConfigError

if TYPE_CHECKING:
    import pyarrow as pa

# Every signal name cibwatch knows, in the order they run and are reported.
SIGNAL_NAMES: tuple[str, ...] = (
    "co-link",
    "co-domain",
    "co-share",
    "identical-text",
    "near-duplicate-text",
    "hashtag-sequence",
    "co-mention",
    "co-reply",
    "sync-activity",
    "profile-similarity",
)

# Where each signal's class lives (module under cibwatch.signals). A module may hold several
# signals that share a plan (co-link and co-domain; co-mention and co-reply).
SIGNAL_MODULES: dict[str, str] = {
    "co-link": "co_link",
    "co-domain": "co_link",
    "co-share": "co_share",
    "identical-text": "identical_text",
    "near-duplicate-text": "near_duplicate_text",
    "hashtag-sequence": "hashtag_sequence",
    "co-mention": "co_mention",
    "co-reply": "co_mention",
    "sync-activity": "sync_activity",
    "profile-similarity": "profile_similarity",
}

# The example evidence a signal attaches to an edge: a few keys (URL, post id, text
# fingerprint...) with the time the pair acted on them.
EXAMPLE_TYPE = dt.Array(dt.Struct({"key": dt.string, "at": dt.timestamp}))

# What `Signal.edges` returns, in this order.
EDGE_COLUMNS: dict[str, dt.DataType] = {
    "asset_a": dt.int64,
    "asset_b": dt.int64,
    "weight": dt.float64,
    "events": dt.int64,
    "keys": dt.int64,
    "first_at": dt.timestamp,
    "last_at": dt.timestamp,
    "examples": EXAMPLE_TYPE,
}

# How many example keys an edge carries in its evidence, and how many characters of each.
MAX_EXAMPLES = 3
EXAMPLE_KEY_CHARS = 200


def param(
    default: Any,
    doc: str,
    *,
    unit: str | None = None,
    min: float | None = None,  # noqa: A002 - reads naturally at the call site
    max: float | None = None,  # noqa: A002
    choices: tuple[Any, ...] | None = None,
) -> Any:
    """Declare one tunable parameter of a Params dataclass, with its documentation and bounds.

    >>> @dataclass(frozen=True)
    ... class P:
    ...     window: float = param(60.0, "time window Δt", unit="s", min=0)
    >>> P().window
    60.0
    """
    meta = {"doc": doc, "unit": unit, "min": min, "max": max, "choices": choices}
    if isinstance(default, list | dict | set):
        raise TypeError("use a tuple for a sequence default so Params stay immutable")
    return field(default=default, metadata=meta)


def describe_params(params_cls: type) -> list[dict[str, Any]]:
    """One dict per field of a Params class: name, type, default, doc, unit, bounds."""
    out = []
    hints = _field_types(params_cls)
    for f in dataclasses.fields(params_cls):
        out.append(
            {
                "name": f.name,
                "type": hints[f.name],
                "default": f.default,
                **{k: f.metadata.get(k) for k in ("doc", "unit", "min", "max", "choices")},
            }
        )
    return out


def _field_types(params_cls: type) -> dict[str, Any]:
    import typing

    return typing.get_type_hints(params_cls)


class EngineLike(Protocol):
    """What a signal may ask of the engine (cibwatch.engine.Engine implements it)."""

    name: str

    def require(self, capability: str) -> None: ...

    def has(self, capability: str) -> bool: ...


@dataclass
class Context:
    """What a signal sees: the store's tables as Ibis tables on one engine, and Arrow helpers."""

    engine: Any  # cibwatch.engine.Engine; typed loosely to keep this module import-light
    tables: Mapping[str, ibis.Table]
    # Names of the tables from_arrow put on the engine, released after each signal.
    staged: list[str] = field(default_factory=list)

    def table(self, name: str) -> ibis.Table:
        try:
            return self.tables[name]
        except KeyError:
            raise KeyError(
                f"table {name!r} was not loaded; list it in the signal's `tables`"
            ) from None

    def to_arrow(self, expr: ibis.Table) -> pa.Table:
        """Run `expr` into an Arrow table; the engine then gives back its cached memory, since
        a signal pulls a table out to work on it in numpy."""
        out = self.engine.to_arrow(expr)
        self.engine.trim_memory()
        return out

    def from_arrow(self, name: str, table: pa.Table | pa.RecordBatchReader) -> ibis.Table:
        out = self.engine.from_arrow(name, table)
        self.staged.append(out.get_name())
        return out

    def release(self) -> None:
        """Drop the Arrow tables this signal put on the engine (they hold Python memory)."""
        while self.staged:
            self.engine.release(self.staged.pop())


class Signal:
    """One behavioural trace turned into asset-to-asset edges; subclass and `@register` it."""

    name: ClassVar[str] = ""
    tables: ClassVar[tuple[str, ...]] = ("posts",)
    Params: ClassVar[type] = type(None)
    description: ClassVar[str] = ""
    # The store's DuckDB builds each hash join on the side the plan puts on the right instead
    # of the side it estimates smaller, while this signal's edges are written. Its estimates
    # after a few aggregates are far off (one row for millions of folded edges), and the
    # co-action fold's key lookups then hashed every edge; see coaction.fold_numbered.
    join_sides_as_written: ClassVar[bool] = False

    def edges(self, ctx: Context, params: Any) -> ibis.Table:
        """Return an Ibis table with EDGE_COLUMNS (see the module docstring for the contract)."""
        raise NotImplementedError


S = TypeVar("S", bound=type[Signal])

_REGISTRY: dict[str, type[Signal]] = {}


def register(cls: S) -> S:
    """Class decorator: make a signal available under its `name`."""
    if cls.name not in SIGNAL_NAMES:
        raise ValueError(f"unknown signal name {cls.name!r}; add it to SIGNAL_NAMES")
    if not dataclasses.is_dataclass(cls.Params):
        raise TypeError(f"{cls.__name__}.Params must be a dataclass")
    for f in dataclasses.fields(cls.Params):
        if f.default is dataclasses.MISSING or "doc" not in f.metadata:
            raise TypeError(f"{cls.__name__}.Params.{f.name} must be declared with param(...)")
    _REGISTRY[cls.name] = cls
    return cls


def get_signal(name: str) -> type[Signal]:
    """The signal class registered under `name` (importing its module on first use)."""
    if name not in SIGNAL_NAMES:
        raise ConfigError(f"unknown signal {name!r}; known signals: {', '.join(SIGNAL_NAMES)}")
    if name not in _REGISTRY:
        importlib.import_module(f"cibwatch.signals.{SIGNAL_MODULES[name]}")
    if name not in _REGISTRY:
        raise ConfigError(f"signal {name!r} is not available in this build")
    return _REGISTRY[name]


def available_signals() -> dict[str, type[Signal]]:
    """Every signal whose module is present, by name, in SIGNAL_NAMES order."""
    out = {}
    for name in SIGNAL_NAMES:
        try:
            out[name] = get_signal(name)
        except (ConfigError, ModuleNotFoundError) as exc:
            if isinstance(exc, ModuleNotFoundError) and not (exc.name or "").startswith(
                "cibwatch.signals."
            ):
                raise
    return out


def check_edge_schema(signal: str, expr: ibis.Table) -> ibis.Table:
    """Select EDGE_COLUMNS in order, failing loudly if a signal returns the wrong shape."""
    schema = expr.schema()
    problems = []
    for col, typ in EDGE_COLUMNS.items():
        if col not in schema:
            problems.append(f"missing column {col}")
        elif not schema[col].castable(typ):
            problems.append(f"{col} is {schema[col]}, expected {typ}")
    if problems:
        raise TypeError(f"signal {signal} returned a bad edge table: {'; '.join(problems)}")
    return expr.select(
        **{c: (expr[c] if schema[c] == t else expr[c].cast(t)) for c, t in EDGE_COLUMNS.items()}
    )
