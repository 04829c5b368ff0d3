"""Exceptions raised by cibwatch; the CLI turns each into one readable line.

CibwatchError
 ├── WorkspaceError        the workspace folder or database cannot be used
 ├── FormatError (ValueError)  a file is not the announced format (missing columns, unreadable)
 ├── MappingError (ValueError) a generic column mapping is invalid
 ├── ConfigError (ValueError)  a detection config is invalid (lists every problem)
 └── EngineUnavailable     an optional engine (Spark) is not installed or cannot start
"""

from __future__ import annotations


class CibwatchError(Exception):
    """Base class of every error cibwatch raises on purpose."""


class WorkspaceError(CibwatchError):
    """The workspace folder or its database cannot be used."""


class FormatError(CibwatchError, ValueError):
    """A file is not the format it was announced or detected as."""


class MappingError(CibwatchError, ValueError):
    """A column mapping for the generic adapter is invalid."""


class ConfigError(CibwatchError, ValueError):
    """A configuration file is invalid; the message lists every problem."""


class EngineUnavailable(CibwatchError):
    """An optional engine is not installed or cannot start."""
