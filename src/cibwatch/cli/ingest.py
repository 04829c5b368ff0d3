"""`cibwatch ingest`: load exported files into a workspace."""

from __future__ import annotations

from pathlib import Path

import typer

from cibwatch.cli.common import WorkspaceOption, console, out


def ingest(
    files: list[Path] = typer.Argument(
        ..., help="Files to ingest (CSV, JSON, JSONL, Parquet; .gz ok)."
    ),
    workspace: Path = WorkspaceOption,
    format: str | None = typer.Option(
        None, "--format", "-f", help="Source format; detected from the header when omitted."
    ),
    map_file: Path | None = typer.Option(
        None, "--map", help="TOML column mapping for --format generic."
    ),
    force: bool = typer.Option(
        False, "--force", help="Re-read files already ingested (still adds no duplicates)."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON line per file."),
) -> None:
    """Ingest exported files into the workspace's normalized store.

    \b
    Example:
        cibwatch ingest tweets.csv users.csv --workspace ws
        cibwatch ingest export.csv --format generic --map examples/mappings/ira-fivethirtyeight.toml -w ws
    """
    import json

    from rich.markup import escape

    from cibwatch.ingest import ingest_file
    from cibwatch.store import Workspace

    with Workspace(workspace) as ws:
        for path in files:
            with console.status(f"ingesting {escape(str(path))} ..."):
                result = ingest_file(ws, path, format, mapping=map_file, force=force)
            if json_out:
                out.print_json(json.dumps(result.as_dict()), indent=None)
                continue
            name = escape(str(path))
            if result.skipped:
                console.print(
                    f"{name}: already ingested as {result.format} "
                    f"({result.rows_read:,} rows, {result.quarantined:,} quarantined); nothing added"
                )
                continue
            added = result.posts or result.articles
            what = "articles" if result.articles else "posts"
            line = (
                f"{name} \\[{result.format}]: {result.rows_read:,} rows read, {added:,} {what} and "
                f"{result.assets:,} assets added, {result.quarantined:,} quarantined"
            )
            if result.duplicates:
                line += f", {result.duplicates:,} already present"
            console.print(line, highlight=False)
            if result.quarantined:
                console.print(
                    f"  see the reasons with `cibwatch status --workspace {escape(str(workspace))}`",
                    highlight=False,
                )


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
