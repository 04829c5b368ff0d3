"""Imports the built-in adapters so that they register themselves."""

from __future__ import annotations

import importlib

BUILTIN = ("twitter_io", "crowdtangle", "telegram", "articles", "peers", "generic")

for _name in BUILTIN:
    try:
        importlib.import_module(f"cibwatch.ingest.{_name}")
    except ModuleNotFoundError as exc:  # a stage not landed yet
        if exc.name != f"cibwatch.ingest.{_name}":
            raise
