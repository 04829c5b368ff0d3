"""run_signals: compute the selected signals on one engine and replace the workspace's edges."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cibwatch.errors import ConfigError
from cibwatch.signals.base import Context, check_edge_schema, get_signal

if TYPE_CHECKING:
    from cibwatch.config import Config
    from cibwatch.engine import Engine
    from cibwatch.store import Workspace

# progress(signal, index, total): called before each signal starts (index from 0), and once
# more with signal "" and index == total when all are done.
Progress = Callable[[str, int, int], None]


@dataclass
class SignalRun:
    """What one signal produced."""

    signal: str
    edges: int
    assets: int
    seconds: float
    cpu_seconds: float = 0.0  # user + system time of every thread of this process


@dataclass
class SignalsReport:
    """Per-signal counts and timings of one run, and the effective config it used."""

    engine: str
    runs: list[SignalRun] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def edges(self) -> int:
        return sum(r.edges for r in self.runs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "seconds": round(self.seconds, 3),
            "edges": self.edges,
            "signals": {
                r.signal: {
                    "edges": r.edges,
                    "assets": r.assets,
                    "seconds": round(r.seconds, 3),
                    "cpu_seconds": round(r.cpu_seconds, 3),
                }
                for r in self.runs
            },
            "config": self.config,
        }


def _resolve(config: Config | str | Path | None, signals: Sequence[str] | str | None) -> tuple:
    # Imported here: cibwatch.config imports the signal registry, which imports this module.
    from cibwatch.config import Config, default_config, load_config

    cfg = (
        config
        if isinstance(config, Config)
        else (default_config() if config is None else load_config(config))
    )
    if signals is None:
        names = list(cfg.enabled)
    else:
        if isinstance(signals, str):
            signals = [s.strip() for s in signals.split(",") if s.strip()]
        bad = [s for s in signals if s not in cfg.signals]
        if bad:
            raise ConfigError(
                f"unknown or unavailable signal(s) {', '.join(bad)}; "
                f"available: {', '.join(cfg.signals)}"
            )
        names = list(dict.fromkeys(signals))
    return cfg, names


def run_signals(
    ws: Workspace,
    engine: str | Engine = "duckdb",
    config: Config | str | Path | None = None,
    signals: Sequence[str] | str | None = None,
    progress: Progress | None = None,
) -> SignalsReport:
    """Compute the selected signals and REPLACE the workspace's `edges` table with their edges.

    :param ws: the workspace (its posts/assets/... tables are read, `edges` is rewritten).
    :param engine: "duckdb" (default), "spark", or an Engine from cibwatch.engine.connect.
    :param config: a Config, a TOML path, or None for the defaults.
    :param signals: names to run (list or "co-link,co-share"); default: the config's `enabled`.
    :param progress: optional callback progress(signal, index, total).
    :returns: per-signal edge counts and timings, plus the effective config (echo it).

    >>> import tempfile
    >>> from cibwatch.store import Workspace
    >>> ws = Workspace(tempfile.mkdtemp() + "/w")
    >>> run_signals(ws, signals="co-link").edges
    0
    >>> ws.close()
    """
    from cibwatch.engine import connect

    cfg, names = _resolve(config, signals)
    own_engine = isinstance(engine, str)
    eng = connect(engine, ws) if isinstance(engine, str) else engine
    report = SignalsReport(engine=eng.name, config=cfg.to_dict())
    report.config["signals"]["enabled"] = names
    started = time.perf_counter()
    # No signal reads rows in insertion order, and no reader of `edges` relies on the order its
    # rows were written in (every order that matters is explicit): without it DuckDB buffers
    # less.
    ordered = ws.con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]
    disabled = str(
        ws.con.execute("SELECT current_setting('disabled_optimizers')").fetchall()[0][0] or ""
    )
    try:
        ws.con.execute("SET preserve_insertion_order = false")
        classes = {n: get_signal(n) for n in names}
        needed = sorted({t for cls in classes.values() for t in cls.tables})
        ctx = Context(engine=eng, tables={t: eng.table(t) for t in needed})
        # One transaction: the old edges stay until every signal has written its own, and a
        # failure leaves them untouched. Each signal's edges go straight into the store (a big
        # INSERT is written to the database file as it goes, not held in memory).
        with ws.transaction() as con:
            con.execute("DELETE FROM edges")
            for i, (name, cls) in enumerate(classes.items()):
                if progress:
                    progress(name, i, len(classes))
                t0, c0 = time.perf_counter(), time.process_time()
                try:
                    expr = check_edge_schema(name, cls().edges(ctx, cfg.params(name)))
                    if cls.join_sides_as_written:
                        sides = ",".join(filter(None, [disabled, "build_side_probe_side"]))
                        con.execute("SET disabled_optimizers = ?", [sides])
                    _insert_edges(con, eng, name, expr)
                finally:
                    ctx.release()
                    con.execute("SET disabled_optimizers = ?", [disabled])
                edges, assets = con.execute(_COUNT, [name, name, name]).fetchall()[0]
                # The next signal's numpy/Arrow work gets the memory DuckDB cached for this one.
                eng.trim_memory()
                report.runs.append(
                    SignalRun(
                        name,
                        int(edges),
                        int(assets),
                        time.perf_counter() - t0,
                        time.process_time() - c0,
                    )
                )
        if progress:
            progress("", len(classes), len(classes))
    finally:
        ws.con.execute(f"SET preserve_insertion_order = {'true' if ordered else 'false'}")
        if own_engine:
            eng.close()
    report.seconds = time.perf_counter() - started
    return report


# The rows are written in the order they come: sorting them by asset pair cost as much as the
# whole plan for the big co-action signals at 10M posts (every reader orders explicitly). The
# examples are stored as the signal made them (sorted and cut, see signals.base).
_INSERT = """
INSERT INTO edges
SELECT asset_a, asset_b, ? AS signal, weight, events, keys, first_at, last_at, examples
FROM {src}
"""

_COUNT = """
SELECT (SELECT count(*) FROM edges WHERE signal = ?),
       (SELECT count(*) FROM (SELECT asset_a FROM edges WHERE signal = ?
                              UNION SELECT asset_b FROM edges WHERE signal = ?))
"""


def _insert_edges(con: Any, eng: Engine, name: str, expr: Any) -> None:
    """Append one signal's edges."""
    src = eng.stage(expr, eng.fresh_name("edges"))
    # src is a name we generated (Engine.fresh_name), never input. No `finally`: on failure the
    # transaction is rolled back, which drops what `stage` created inside it.
    con.execute(_INSERT.format(src=src), [name]).fetchall()
    eng.unstage(src)
