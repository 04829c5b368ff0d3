"""`cibwatch token` and `cibwatch serve`: tokens printed once, reset invalidates, readable errors."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cibwatch.cli import app
from cibwatch.review.auth import Authenticator, token_path
from review_world import build_world

pytest.importorskip("fastapi")


def test_token_reset_prints_a_working_token_and_retires_the_old(tmp_path):
    path = tmp_path / "w"
    build_world(path, members=5)
    runner = CliRunner()
    first = runner.invoke(app, ["token", "--workspace", str(path), "--reset"])
    assert first.exit_code == 0, first.output
    token1 = first.stdout.strip().splitlines()[-1]
    second = runner.invoke(app, ["token", "--workspace", str(path), "--reset"])
    token2 = second.stdout.strip().splitlines()[-1]
    assert token1 != token2 and len(token2) >= 40
    auth = Authenticator(path)
    assert auth.check_token(token2)
    assert not auth.check_token(token1)
    assert token2 not in token_path(path).read_text()


def test_token_without_reset_never_shows_the_token_again(tmp_path):
    path = tmp_path / "w"
    build_world(path, members=5)
    result = CliRunner().invoke(app, ["token", "--workspace", str(path)])
    assert result.exit_code != 0
    assert "--reset" in result.output


def test_token_reset_works_while_the_server_holds_the_database(tmp_path):
    from cibwatch.review.db import Store

    path = tmp_path / "w"
    build_world(path, members=5)
    store = Store(path)
    code = "from cibwatch.cli import main; main()"
    try:
        with store.cursor():
            # Another process: DuckDB's file lock applies between processes only.
            done = subprocess.run(
                [sys.executable, "-c", code, "token", "--workspace", str(path), "--reset"],
                capture_output=True,
                text=True,
            )
        assert done.returncode == 0, done.stderr
        assert Authenticator(path).check_token(done.stdout.strip().splitlines()[-1])
    finally:
        store.close()


def test_commands_refuse_a_missing_workspace(tmp_path):
    for cmd in (["token", "--reset"], ["serve"]):
        result = CliRunner().invoke(app, [*cmd, "--workspace", str(tmp_path / "nope")])
        assert result.exit_code != 0
        assert "no workspace" in str(result.exception or "") + result.output


def test_serve_help_documents_the_defaults():
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "127.0.0.1" in result.output and "8765" in result.output
