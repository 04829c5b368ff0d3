"""Detect on a synthetic world of ~10M posts: wall, CPU, peak memory and per-signal seconds.

Usage:
    .venv/bin/python bench/bench_10m.py [--seed 104] [--scale 65] [--dir /tmp/bench10m]
        [--signals-only [--signals co-link,...]] [--keep] [--workspace WS]

Steps, each in a child process under `/usr/bin/time -v` so its peak RSS is its own:
1. `cibwatch synth --seed S --scale X --out DIR/world` (skipped when DIR/world/manifest.json
   exists; scale 65 writes ~9.8M posts over 30 days, ~5 GB of export files);
2. `cibwatch ingest` of every file of the world into DIR/ws (skipped when DIR/ws exists);
3. `cibwatch detect -w DIR/ws --json` (signals + networks), or with `--signals-only` just
   `cibwatch.signals.run_signals` (the stage the 10-minute / 8 GB goal of issue 4 is about).

Prints one JSON document: posts, edges per signal, seconds per signal (from
W/out/detect-summary.json, or the signals report), and for each step wall, user + sys CPU, peak
RSS and the load average before and after; with --signals-only, a line per signal on stderr
(time, RSS, load) as it starts. The machine is shared: record the load average beside the
timings. `--keep` leaves DIR in place (the world is reused by the next run); `--workspace`
runs on an existing workspace (a copy: its edges are replaced) and never deletes it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

CIBWATCH = str(Path(sys.executable).with_name("cibwatch"))

SIGNALS_ONLY = """
import json, os, sys, time
from cibwatch.signals import run_signals
from cibwatch.store import Workspace

def progress(name, i, n):
    rss = int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e9
    print(f"{time.strftime('%H:%M:%S')} {name or 'done'} rss {rss:.2f} GB "
          f"load {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)

with Workspace(sys.argv[1]) as ws:
    ws.con.execute("SET enable_progress_bar = false")  # it draws on stdout, where the JSON goes
    report = run_signals(ws, signals=sys.argv[2] or None, progress=progress).to_dict()
report.pop("config")
print(json.dumps(report))
"""


def timed(cmd: list[str]) -> tuple[dict, str]:
    """Run `cmd` under /usr/bin/time -v; its wall, CPU and peak RSS, and its stdout."""
    load = os.getloadavg()
    t0 = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - t0
    sys.stderr.write(
        "".join(ln + "\n" for ln in proc.stderr.splitlines() if re.match(r"\d\d:\d\d:\d\d ", ln))
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"failed: {' '.join(cmd)}")

    def field(name: str) -> float:
        m = re.search(rf"{re.escape(name)}: ([0-9.]+)", proc.stderr)
        return float(m.group(1)) if m else float("nan")

    return (
        {
            "wall_s": round(wall, 1),
            "user_s": field("User time (seconds)"),
            "sys_s": field("System time (seconds)"),
            "peak_rss_gb": round(field("Maximum resident set size (kbytes)") / 1e6, 2),
            "load_before": [round(x, 2) for x in load],
            "load_after": [round(x, 2) for x in os.getloadavg()],
        },
        proc.stdout,
    )


def world_files(world: Path) -> list[str]:
    files = sorted(world.glob("twitter/*.csv")) + sorted(world.glob("crowdtangle/*.csv"))
    files += sorted(world.glob("telegram/*/result.json")) + [world / "articles/articles.jsonl"]
    return [str(f) for f in files]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=104)
    ap.add_argument("--scale", type=float, default=65)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/bench10m"))
    ap.add_argument("--signals-only", action="store_true")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--workspace", type=Path, help="an existing workspace (skips synth, ingest)")
    ap.add_argument("--signals", default="", help="with --signals-only: a subset (co-link,...)")
    args = ap.parse_args()
    world, ws = args.dir / "world", args.workspace or args.dir / "ws"
    out: dict = {"cpus": os.cpu_count()}
    if args.workspace is None:
        out.update(seed=args.seed, scale=args.scale)
    else:
        out["workspace"] = str(ws)
    if not ws.exists() and not (world / "manifest.json").exists():
        out["synth"], _ = timed(
            [CIBWATCH, "synth", "--seed", str(args.seed), "--scale", str(args.scale),
             "--out", str(world)]
        )  # fmt: skip
    if not ws.exists():
        out["ingest"], _ = timed([CIBWATCH, "ingest", *world_files(world), "--workspace", str(ws)])
    import duckdb

    con = duckdb.connect(str(ws / "cibwatch.duckdb"), read_only=True)
    out["posts"] = con.execute("SELECT count(*) FROM posts").fetchall()[0][0]
    out["assets"] = con.execute("SELECT count(*) FROM assets").fetchall()[0][0]
    con.close()
    if args.signals_only:
        out["signals_run"], stdout = timed(
            [sys.executable, "-c", SIGNALS_ONLY, str(ws), args.signals]
        )
        report = json.loads(stdout)
    else:
        out["detect"], _ = timed([CIBWATCH, "detect", "-w", str(ws), "--json"])
        summary = json.loads((ws / "out" / "detect-summary.json").read_text())
        out["detect_stage_seconds"] = summary.get("seconds")
        out["pairs_tested"] = summary.get("pairs_tested")
        out["pairs_kept"] = summary.get("pairs_kept")
        report = summary.get("signals", {})
    out["edges"] = report.get("edges")
    out["signals_seconds"] = report.get("seconds")
    out["per_signal"] = report.get("signals")
    print(json.dumps(out, indent=1))
    if not args.keep and args.workspace is None:
        shutil.rmtree(args.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
