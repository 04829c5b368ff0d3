"""Errors nobody raised on purpose still reach the user as one line (--verbose: traceback)."""

from __future__ import annotations

import duckdb
import pytest

import cibwatch.status
from cibwatch.cli import main
from cibwatch.store import Workspace


@pytest.fixture
def workspace(tmp_path):
    Workspace(tmp_path / "w").close()
    return tmp_path / "w"


def run(args: list[str], capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    return exc.value.code, capsys.readouterr().err


def test_duckdb_out_of_memory_is_one_line_with_advice(workspace, capsys, monkeypatch):
    def boom(ws):
        raise duckdb.OutOfMemoryException(
            "Out of Memory Error: failed to allocate data of size 16.0 MiB (5.8 GiB/5.8 GiB used)"
            "\n\nPossible solutions:\n* Reducing the number of threads"
        )

    monkeypatch.setattr(cibwatch.status, "workspace_status", boom)
    code, err = run(["status", "-w", str(workspace)], capsys)
    assert code == 1
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    assert "out of memory" in err and "CIBWATCH_MEMORY_LIMIT" in err and "5.8 GiB" in err


def test_unexpected_error_names_itself_and_verbose_shows_the_traceback(
    workspace, capsys, monkeypatch
):
    def boom(ws):
        raise RuntimeError("کانال\nbroken")

    monkeypatch.setattr(cibwatch.status, "workspace_status", boom)
    code, err = run(["status", "-w", str(workspace)], capsys)
    assert code == 1
    assert len(err.strip().splitlines()) == 1, err
    assert "unexpected RuntimeError: کانال broken" in err and "--verbose" in err
    code, err = run(["--verbose", "status", "-w", str(workspace)], capsys)
    assert code == 1
    assert "Traceback" in err and "RuntimeError" in err
