"""`cibwatch evaluate`: score a workspace's networks against a synthetic world's truth."""

from __future__ import annotations

from pathlib import Path

import typer

from cibwatch.cli.common import WorkspaceOption, console, out


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def evaluate(
    truth: Path = typer.Option(..., "--truth", "-t", help="truth.csv written by `cibwatch synth`."),
    workspace: Path = WorkspaceOption,
    top: int = typer.Option(
        10, "--top", "-k", help="Also score only the K highest-scored networks."
    ),
    json_out: bool = typer.Option(
        False, "--json", help="Print one JSON object (with an `f1` field)."
    ),
) -> None:
    """Precision, recall and F1 for io assets, per-operation recall and purity, false-positive
    rates on authentic coordination and organic assets, ARI, top-K, and laundering chains.

    \b
    Example:
        cibwatch evaluate --truth world101/truth.csv --workspace ws
        cibwatch evaluate --truth world101/truth.csv -w ws --json | jq .f1
    """
    import json

    from rich.markup import escape

    from cibwatch.evaluate import evaluate as run

    result = run(truth, workspace, top=top)
    if json_out:
        out.print_json(json.dumps(result, ensure_ascii=False), indent=None)
        return
    if result["networks"] is None:
        console.print("no networks.json in the workspace: scoring laundering chains only")
    else:
        _network_tables(result)
    if "laundering" in result:
        la = result["laundering"]
        out.print(
            f"laundering chains: {la['chains_found']} found, {la['chains_planted']} planted; "
            f"precision {_pct(la['precision'])}, recall {_pct(la['recall'])}, F1 {_pct(la['f1'])}",
            highlight=False,
        )
        if "intermediaries_above_independents" in la:
            out.print(
                f"intermediary authors ranked: {la['intermediary_authors_ranked']} of "
                f"{la['intermediary_authors']}; all above every independent author: "
                f"{'yes' if la['intermediaries_above_independents'] else 'no'}",
                highlight=False,
            )
    if result.get("unknown_members"):
        console.print(
            f"{result['unknown_members']} network members are not in {escape(str(truth))} (ignored)",
            highlight=False,
        )


def _network_tables(result: dict) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="io assets", show_header=True)
    # Short headers keep the table readable in an 80-column terminal.
    for col in ("", "prec.", "recall", "F1", "FPR auth.", "FPR org.", "ARI", "nets"):
        table.add_column(col, justify="right")
    rows = [("all", result)]
    if "top_k" in result:
        rows.append((f"top {result['top_k']['k']}", result["top_k"]))
    for name, r in rows:
        table.add_row(
            name,
            _pct(r["precision"]),
            _pct(r["recall"]),
            _pct(r["f1"]),
            _pct(r["fpr_authentic_coord"]),
            _pct(r["fpr_organic"]),
            _pct(r["ari"]),
            str(r["networks"]),
        )
    out.print(table)
    ops = Table(title="planted operations")
    for col in ("operation", "assets", "recall", "purity", "networks"):
        ops.add_column(col, justify="right" if col != "operation" else "left")
    for op, r in result["operations"].items():
        ops.add_row(
            escape(op),
            str(r["size"]),
            _pct(r["recall"]),
            _pct(r["purity"]),
            str(len(r["networks"])),
        )
    out.print(ops)


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate)
