"""`cibwatch synth`: write a synthetic world with planted operations and ground truth."""

from __future__ import annotations

from pathlib import Path

import typer

from cibwatch.cli.common import console, out, stage_progress


def synth(
    seed: int = typer.Option(1, "--seed", help="Random seed; the same seed gives the same bytes."),
    scale: float = typer.Option(
        1.0, "--scale", help="Size: 1 is about 3k assets and 150k posts over 30 days (0.1 works)."
    ),
    out_dir: Path = typer.Option(
        ...,
        "--out",
        "-o",
        help="Folder to write the world into (created if needed).",
        file_okay=False,
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the summary as one JSON object."),
) -> None:
    """Write a synthetic world in real export formats, with truth.csv and laundering_truth.csv.

    Seed 1 is the tuning seed; 101, 102 and 103 are held out (docs/evaluation.md).

    \b
    Example:
        cibwatch synth --seed 101 --scale 1 --out world101
        cibwatch ingest world101/twitter/*.csv world101/crowdtangle/*.csv \\
            world101/telegram/*/result.json world101/articles/articles.jsonl -w ws
        cibwatch evaluate --truth world101/truth.csv --workspace ws
    """
    import json

    from rich.markup import escape

    from cibwatch.synth import STEPS, describe, generate

    with stage_progress("synth", STEPS) as step:
        summary = generate(out_dir, seed=seed, scale=scale, step=step)
    if json_out:
        out.print_json(json.dumps(summary, ensure_ascii=False), indent=None)
        return
    console.print(escape(describe(summary)), highlight=False)
    console.print(
        f"wrote {escape(str(out_dir))} in {summary['seconds']} s "
        f"(truth.csv, laundering_truth.csv, authors_truth.csv, manifest.json)",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.command("synth")(synth)
