"""`cibwatch detect`: signals, then networks; writes W/out/networks.json and friends."""

from __future__ import annotations

from pathlib import Path

import typer

from cibwatch.cli.common import WorkspaceOption, console, out


def detect(
    workspace: Path = WorkspaceOption,
    engine: str = typer.Option(
        "duckdb", "--engine", "-e", help="Engine for the signals: duckdb or spark."
    ),
    config: Path | None = typer.Option(
        None, "--config", "-c", help="Detection config (TOML); defaults otherwise.", dir_okay=False
    ),
    signals: str | None = typer.Option(
        None, "--signals", "-s", help="Comma-separated signals to run (default: the config's)."
    ),
    top: int = typer.Option(10, "--top", "-k", help="How many networks to list."),
    json_out: bool = typer.Option(False, "--json", help="Print the summary as one JSON object."),
) -> None:
    """Find suspected CIB networks: compute the coordination signals, keep what a null model
    cannot explain, cluster with Leiden, score coordination times inauthenticity.

    Writes W/out/networks.json (suspected networks), clusters.json (every coordinated cluster,
    with why it was or was not suspected), members.csv, edges.parquet, detect-config.toml.

    \b
    Example:
        cibwatch detect --workspace ws
        cibwatch detect -w ws --signals co-link,co-share,near-duplicate-text
        cibwatch detect -w ws --config detect.toml --json
    """
    import json

    from rich.markup import escape
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from cibwatch.detect import detect as run
    from cibwatch.store import Workspace

    if engine not in ("duckdb", "spark"):
        raise typer.BadParameter("expected duckdb or spark", param_hint="--engine")
    ws = Workspace(workspace, create=False)
    try:
        with Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.fields[stage]}[/] {task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("starting", total=None, stage="detect")

            def note(stage: str, detail: str) -> None:
                progress.update(task, description=escape(detail or "done"), stage=stage)

            report = run(ws, engine=engine, config=config, signals=signals, progress=note)
    finally:
        ws.close()

    if json_out:
        summary = {
            "networks": len(report.networks),
            "clusters": len(report.clusters),
            "assets": report.assets,
            "edges": report.edges,
            "pairs_tested": report.tests,
            "pairs_kept": report.kept_pairs,
            "seconds": {k: round(v, 3) for k, v in report.seconds.items()},
            "outputs": report.outputs,
            "top": [
                {k: n[k] for k in ("id", "score", "tier", "size")} for n in report.networks[:top]
            ],
        }
        out.print_json(json.dumps(summary, ensure_ascii=False), indent=None)
        return
    secs = report.seconds
    console.print(
        f"{report.edges:,} edges; {report.kept_pairs:,} of {report.tests:,} pairs kept by the "
        f"null model; {len(report.clusters)} coordinated clusters; "
        f"[bold]{len(report.networks)} suspected networks[/] with {report.assets:,} assets "
        f"(signals {secs.get('signals', 0):.1f} s, networks {secs.get('networks', 0):.1f} s, "
        f"total {secs.get('total', 0):.1f} s)",
        highlight=False,
    )
    table = Table(title=f"top {min(top, len(report.networks))} networks")
    for col in ("network", "score", "tier", "assets", "platforms", "signals", "drivers"):
        table.add_column(col, justify="right" if col in ("score", "assets") else "left")
    for n in report.networks[:top]:
        platforms = sorted({f"{m['platform']}/{m['kind']}" for m in n["members"]})
        by_signal = n["signals"].get("by_signal", {})
        strongest = sorted(by_signal, key=lambda s: -by_signal[s]["contribution"])[:3]
        table.add_row(
            n["id"],
            f"{n['score']:.2f}",
            n["tier"],
            str(n["size"]),
            escape(", ".join(platforms)),
            ", ".join(strongest),
            ", ".join(n["indicators"].get("drivers", [])),
        )
    out.print(table)
    console.print(f"outputs in {escape(str(Path(workspace) / 'out'))}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("detect")(detect)
