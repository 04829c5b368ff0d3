"""cibwatch: find coordinated inauthentic behaviour and trace state-media laundering."""

from __future__ import annotations

from cibwatch.errors import (
    CibwatchError,
    ConfigError,
    EngineUnavailable,
    FormatError,
    MappingError,
    WorkspaceError,
)
from cibwatch.store import Workspace

__version__ = "0.1.0"

__all__ = [
    "CibwatchError",
    "ConfigError",
    "EngineUnavailable",
    "FormatError",
    "MappingError",
    "Workspace",
    "WorkspaceError",
    "__version__",
]
