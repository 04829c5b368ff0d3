"""Shared CLI pieces: consoles, the workspace option, and how errors are shown."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
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


@contextmanager
def stage_progress(label: str, steps: Sequence[str]) -> Iterator[Callable[[str], None]]:
    """A Rich bar over a command's named steps; yields `step(name)` to call as each starts.

    A step counts as reached when its name starts with one of `steps` (names may carry detail).
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn(f"[bold]{escape(label)}[/] {{task.description}}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("starting", total=len(steps))

        def step(name: str) -> None:
            done = next((i for i, s in enumerate(steps) if name.startswith(s)), None)
            progress.update(task, description=escape(name), completed=done)

        yield step
        progress.update(task, completed=len(steps))
