"""Shared CLI pieces: consoles, the workspace option, and how errors are shown."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

console = Console(
    stderr=True, soft_wrap=True
)  # progress and messages; stdout stays for data (--json)
out = Console(soft_wrap=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one readable error line and exit."""
    console.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    raise SystemExit(code)


WorkspaceOption = typer.Option(
    ...,
    "--workspace",
    "-w",
    help="Workspace folder (created if needed) holding the DuckDB store and out/.",
    file_okay=False,
    resolve_path=False,
)


def workspace_path(path: Path) -> Path:
    return Path(path)
