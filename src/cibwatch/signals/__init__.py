"""Coordination signals: each turns the normalized tables into weighted asset-to-asset edges.

`run_signals(ws, engine="duckdb", config=None, signals=None)` computes the selected signals and
replaces the workspace's `edges` table. Write a new signal by subclassing
cibwatch.signals.base.Signal (see that module for the contract).
"""

from __future__ import annotations

from cibwatch.signals.base import (
    EDGE_COLUMNS,
    SIGNAL_NAMES,
    Context,
    Signal,
    available_signals,
    get_signal,
    param,
    register,
)
from cibwatch.signals.runner import SignalRun, SignalsReport, run_signals

__all__ = [
    "EDGE_COLUMNS",
    "SIGNAL_NAMES",
    "Context",
    "Signal",
    "SignalRun",
    "SignalsReport",
    "available_signals",
    "get_signal",
    "param",
    "register",
    "run_signals",
]
