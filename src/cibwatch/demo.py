"""`make demo`: generate the bundled demo world, run the whole flow on it, say where results are.

The demo world is the synthetic generator's seed 7 at scale 1 (planted operations, authentic
coordination and organic noise; see docs/evaluation.md), written in real export formats so the
demo exercises every adapter. Each step runs the same `cibwatch` command a user would type.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

DEMO_SEED = 7
DEMO_SCALE = 1.0


def _run(args: list[str]) -> None:
    from cibwatch.cli import app
    from cibwatch.cli.common import console

    console.print(f"[bold cyan]$ cibwatch {shlex.join(args)}[/]", highlight=False)
    try:
        app(args=args, standalone_mode=False, prog_name="cibwatch")
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise


def _commands() -> set[str]:
    from cibwatch.cli import app

    return {c.name or c.callback.__name__ for c in app.registered_commands if c.callback}


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0] if args else "demo-workspace")
    world = root / "world"
    ws = root / "workspace"
    if not (world / "manifest.json").exists():
        _run(["synth", "--seed", str(DEMO_SEED), "--scale", str(DEMO_SCALE), "--out", str(world)])
    manifest = json.loads((world / "manifest.json").read_text(encoding="utf-8"))
    by_format: dict[str, list[str]] = {}
    for rel, fmt in sorted(manifest["formats"].items()):
        by_format.setdefault(fmt, []).append(str(world / rel))
    for fmt, files in by_format.items():
        _run(["ingest", *files, "--format", fmt, "--workspace", str(ws)])
    _run(["status", "--workspace", str(ws)])
    available = _commands()
    if "detect" in available:
        _run(["detect", "--workspace", str(ws)])
        _run(["evaluate", "--truth", str(world / "truth.csv"), "--workspace", str(ws)])
    if "launder" in available:
        _run(["launder", "--workspace", str(ws)])
    if "report" in available:
        _run(["report", "--workspace", str(ws)])

    from cibwatch.cli.common import console

    console.print("\n[bold]Results[/]", highlight=False)
    console.print(f"  demo world (inputs and truth.csv): {world}", highlight=False)
    console.print(f"  workspace: {ws} (DuckDB store: {ws / 'cibwatch.duckdb'})", highlight=False)
    out = ws / "out"
    for name in ("networks.json", "laundering.json", "assets.csv", "report.md", "report.html"):
        if (out / name).exists():
            console.print(f"  {name}: {out / name}", highlight=False)


if __name__ == "__main__":
    main()
