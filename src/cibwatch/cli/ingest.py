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
    platform: str | None = typer.Option(
        None,
        "--platform",
        help="Platform of files that do not name it (qut-cnt, coortweet): twitter, facebook, "
        "instagram, telegram, web.",
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
        cibwatch ingest shares.csv --format coortweet --platform facebook -w ws
    """
    import json

    from rich.markup import escape
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from cibwatch.ingest import ingest_file
    from cibwatch.store import Workspace

    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} files"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    with Workspace(workspace) as ws, progress:
        task = progress.add_task("ingesting", total=len(files))
        for path in files:
            progress.update(task, description=f"ingesting {escape(path.name)}")
            result = ingest_file(
                ws, path, format, mapping=map_file, options={"platform": platform}, force=force
            )
            progress.advance(task)
            if json_out:
                out.print(json.dumps(result.as_dict(), ensure_ascii=False), highlight=False)
                continue
            name = escape(str(path))
            if result.skipped:
                progress.console.print(
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
            progress.console.print(line, highlight=False)
            if result.quarantined:
                progress.console.print(
                    f"  see the reasons with `cibwatch status --workspace {escape(str(workspace))}`",
                    highlight=False,
                )


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
