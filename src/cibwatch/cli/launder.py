"""`cibwatch launder`: trace state-media talking points through intermediaries and back."""

from __future__ import annotations

from pathlib import Path

import typer

from cibwatch.cli.common import WorkspaceOption, console, out, stage_progress

STEPS = (
    "state outlets",
    "windows",
    "minhash",
    "aligning",
    "sources and credit",
    "citebacks",
    "writing",
)


def launder(
    workspace: Path = WorkspaceOption,
    outlets: Path | None = typer.Option(
        None,
        "--outlets",
        help="TOML of state-affiliated outlets to add to the bundled list (one `outlet` "
        "table each: name, domains, sources; see cibwatch/data/state_media.toml).",
        dir_okay=False,
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the summary as one JSON object."),
) -> None:
    """Find laundering chains (state article -> intermediary reuse -> state citeback) in the
    workspace's articles, rank the intermediaries, and write W/out/laundering.json.

    \b
    Example:
        cibwatch ingest world101/articles/articles.jsonl -w ws
        cibwatch launder -w ws
        cibwatch launder -w ws --outlets my_outlets.toml --json
    """
    import json

    from rich.markup import escape
    from rich.table import Table

    from cibwatch.laundering import launder as run
    from cibwatch.store import Workspace

    ws = Workspace(workspace, create=False)
    try:
        with stage_progress("launder", STEPS) as step:
            result = run(ws, outlets_file=outlets, step=step)
    finally:
        ws.close()
    summary = result["summary"]
    if json_out:
        out.print_json(json.dumps(summary, ensure_ascii=False), indent=None)
        return
    console.print(
        f"{summary['articles']} articles ({summary['state_articles']} state-affiliated): "
        f"{summary['chains']} chains, {summary['intermediary_articles']} articles carrying "
        f"state text, {summary['intermediary_authors']} intermediary authors "
        f"in {summary['seconds']} s",
        highlight=False,
    )
    table = Table(title="intermediaries (most state text carried, uncredited, cited back first)")
    for col in (
        "rank",
        "author",
        "outlet",
        "score",
        "uncredited",
        "chains",
        "articles",
        "state share",
    ):
        table.add_column(col, justify="left" if col in ("author", "outlet") else "right")
    for e in result["intermediaries"][:15]:
        share = e["state_share"]
        table.add_row(
            str(e["rank"]),
            escape(e["author"] or "—"),
            escape(e["outlet"] or "—"),
            f"{e['score']:.2f}",
            str(e["uncredited"]),
            str(e["chains"]),
            str(e["articles"]),
            "—" if share is None else f"{share:.0%}",
        )
    if result["intermediaries"]:
        out.print(table)
    console.print(f"wrote {escape(str(Path(workspace) / 'out' / 'laundering.json'))}",
                  highlight=False)  # fmt: skip


def register(app: typer.Typer) -> None:
    app.command("launder")(launder)
