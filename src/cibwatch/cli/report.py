"""`cibwatch report`: characterize the detected networks and write the takedown report."""

from __future__ import annotations

from pathlib import Path

import typer

from cibwatch.cli.common import WorkspaceOption, console, out


def report(
    workspace: Path = WorkspaceOption,
    redact: bool = typer.Option(
        False,
        "--redact",
        help="Write the public version to W/out/public/: mask names, handles and ids of assets "
        "below --redact-followers followers.",
    ),
    redact_followers: int = typer.Option(
        10_000, "--redact-followers", min=0, help="Follower threshold for --redact."
    ),
    watchlist: Path | None = typer.Option(
        None,
        "--watchlist",
        exists=True,
        dir_okay=False,
        help="TOML of names to count explicitly: targets tables with a name and aliases.",
    ),
) -> None:
    """Characterize every suspected network and write report.html, report.md, assets.csv,
    indicators.csv, networks.gexf, networks.graphml and networks.stix.json to W/out/.

    \b
    Example:
        cibwatch report --workspace ws
        cibwatch report --workspace ws --redact --redact-followers 5000
        cibwatch report --workspace ws --watchlist targets.toml
    """
    import time

    from cibwatch.report import build_report
    from cibwatch.store import Workspace

    t0 = time.perf_counter()
    with Workspace(workspace, create=False) as ws:
        n = ws.con.execute("SELECT count(*) FROM networks WHERE suspected").fetchall()[0][0]
        if n == 0:
            console.print(
                "no suspected networks in this workspace (run `cibwatch detect` first); "
                "writing an empty report",
                highlight=False,
            )
        paths = build_report(ws, redact=redact, threshold=redact_followers, watchlist=watchlist)
    console.print(
        f"report on {n} network{'s' if n != 1 else ''} written in {time.perf_counter() - t0:.1f} s",
        highlight=False,
    )
    for name, path in paths.items():
        if name != "report.html":
            console.print(f"  {name}: {path}", highlight=False)
    out.print(str(paths["report.html"]), highlight=False)


def register(app: typer.Typer) -> None:
    app.command("report")(report)
