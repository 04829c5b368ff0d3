"""The review app's handle on the workspace database: one shared instance, a cursor per request.

Opening the DuckDB file costs ~200 ms, so the app keeps one connection and hands each request
its own cursor (a cursor is a separate connection to the same instance, safe per thread). While
the app holds the file, other processes (`cibwatch report`, `cibwatch detect`) cannot open it
for writing; with `idle_seconds` set, the app lets go of the file after that long without a
request, so the terminal commands work between review sessions.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from cibwatch.store import Workspace


class Store:
    """Lazily opened workspace connection with per-request cursors and optional idle release."""

    def __init__(self, workspace: Path, *, idle_seconds: float | None = None):
        self.workspace = Path(workspace)
        self.idle_seconds = idle_seconds
        self._ws: Workspace | None = None
        self._lock = threading.Lock()
        self._users = 0
        self._last = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            if self._ws is None:
                self._ws = Workspace(self.workspace, create=False)
            cur = self._ws.con.cursor()
            self._users += 1
        try:
            yield cur
        finally:
            cur.close()
            with self._lock:
                self._users -= 1
                self._last = time.monotonic()

    def start(self) -> None:
        """Start the idle-release watcher (no-op without idle_seconds)."""
        if self.idle_seconds is None or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._watch, name="cibwatch-idle", daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        assert self.idle_seconds is not None
        while not self._stop.wait(min(1.0, self.idle_seconds / 2)):
            with self._lock:
                idle = time.monotonic() - self._last
                if self._ws is not None and self._users == 0 and idle >= self.idle_seconds:
                    self._ws.close()
                    self._ws = None

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        with self._lock:
            if self._ws is not None:
                self._ws.close()
                self._ws = None

    @property
    def is_open(self) -> bool:
        return self._ws is not None
