"""Fixtures shared by the test modules."""

from __future__ import annotations

import pytest

from cibwatch.store import Workspace


@pytest.fixture
def ws(tmp_path):
    """A fresh workspace in a temporary folder, closed after the test."""
    w = Workspace(tmp_path / "ws")
    yield w
    w.close()
