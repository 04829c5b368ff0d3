"""`cibwatch status`: what a workspace holds."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from cibwatch.cli.common import WorkspaceOption, out


def status(
    workspace: Path = WorkspaceOption,
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object for scripts."),
) -> None:
    """Show assets per platform and kind, posts, date range and quarantined rows by reason.

    \b
    Example:
        cibwatch status --workspace ws
        cibwatch status --workspace ws --json
    """
    from rich.markup import escape
    from rich.table import Table

    from cibwatch.status import workspace_status
    from cibwatch.store import Workspace

    with Workspace(workspace, create=False) as ws:
        info = workspace_status(ws)
    if json_out:
        out.print(json.dumps(info, ensure_ascii=False, default=str), highlight=False)
        return
    table = Table(title=f"workspace {escape(str(workspace))}")
    table.add_column("platform")
    table.add_column("kind")
    table.add_column("assets", justify="right")
    for platform, kinds in info["assets"].items():
        for kind, n in kinds.items():
            table.add_row(platform, kind, f"{n:,}")
    out.print(table)
    posts = ", ".join(f"{p} {n:,}" for p, n in info["posts"].items()) or "none"
    out.print(f"posts: {posts}", highlight=False)
    if info["first_post"]:
        out.print(f"posts from {info['first_post']} to {info['last_post']} UTC", highlight=False)
    out.print(f"articles: {info['articles']:,}", highlight=False)
    if info["quarantine"]:
        out.print("quarantined rows by reason:", highlight=False)
        for reason, n in info["quarantine"].items():
            out.print(f"  {escape(reason)}: {n:,}", highlight=False)
    else:
        out.print("quarantine: empty", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("status")(status)
