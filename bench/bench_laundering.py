"""Laundering throughput and quality on synthetic articles (`cibwatch launder`).

Usage: .venv/bin/python bench/bench_laundering.py [--seed 101] [--scale 53] [--keep DIR]

Builds only the articles of a synthetic world (cibwatch.synth: the same rng stream as the
first step of `cibwatch synth --seed S --scale K`, so the articles are identical to that
command's articles.jsonl), writes articles.jsonl, laundering_truth.csv and authors_truth.csv,
ingests the articles, runs the laundering stage and scores it with
cibwatch.evaluate.score_laundering. Scale 53 gives about 100k articles. Times are wall-clock.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from cibwatch.evaluate import score_laundering
from cibwatch.ingest import ingest_file
from cibwatch.laundering import launder
from cibwatch.store import Workspace
from cibwatch.synth import writers
from cibwatch.synth.articles import generate_articles
from cibwatch.synth.truth import write_laundering
from cibwatch.synth.world import World


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=101)
    ap.add_argument("--scale", type=float, default=53.0)
    ap.add_argument("--keep", type=Path, help="write the world and workspace here and keep them")
    args = ap.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench_launder_"))
    world_dir, ws_dir = root / "world", root / "ws"
    world_dir.mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    world = World(args.seed, args.scale)
    generate_articles(world)
    writers.articles(world.articles, world_dir)
    write_laundering(world_dir, world.chains, world.authors)
    t_gen = time.perf_counter() - t0
    n = len(world.articles["id"])
    print(f"generated {n} articles, {len(world.chains.get('chain_id', []))} chains "
          f"in {t_gen:.1f} s", flush=True)  # fmt: skip

    ws = Workspace(ws_dir)
    t0 = time.perf_counter()
    ingest_file(ws, world_dir / "articles" / "articles.jsonl", "articles", force=True)
    t_ingest = time.perf_counter() - t0
    print(f"ingested in {t_ingest:.1f} s", flush=True)

    t0 = time.perf_counter()
    last = [t0]

    def step(name: str) -> None:
        now = time.perf_counter()
        print(f"  +{now - last[0]:6.1f} s  {name}", flush=True)
        last[0] = now

    result = launder(ws, step=step)
    t_launder = time.perf_counter() - t0
    ws.close()
    score = score_laundering(
        world_dir / "laundering_truth.csv",
        ws_dir / "out" / "laundering.json",
        world_dir / "authors_truth.csv",
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {
        "seed": args.seed,
        "scale": args.scale,
        "articles": n,
        "ingest_seconds": round(t_ingest, 1),
        "launder_seconds": round(t_launder, 1),
        "peak_rss_mib": round(peak),
        "summary": result["summary"],
        "score": score,
    }
    print(json.dumps(report, indent=1))
    if not args.keep:
        print(f"(scratch files in {root}; pass --keep DIR to choose where)", file=sys.stderr)


if __name__ == "__main__":
    main()
