"""near-duplicate-text, sync-activity and profile-similarity on an ingested synthetic world.

Usage:
    .venv/bin/cibwatch synth --seed 1 --scale 1 --out /tmp/world1
    .venv/bin/cibwatch ingest /tmp/world1/twitter/*.csv /tmp/world1/crowdtangle/*.csv \\
        /tmp/world1/telegram/*/result.json -w /tmp/wsyn
    .venv/bin/python bench/bench_text_sync_profile.py /tmp/wsyn /tmp/world1/truth.csv

For each signal (run alone, with its default parameters): wall and CPU seconds, edges, how many
planted io assets got at least one edge, and how the edges fall on the truth labels (io-io
inside one operation, organic-organic, ...). Edges are not networks: the networks stage keeps
what is significant; this shows what each signal feeds it.
"""

from __future__ import annotations

import argparse
import resource
import time

from cibwatch.signals import run_signals
from cibwatch.store import Workspace

SIGNALS = ("near-duplicate-text", "sync-activity", "profile-similarity")


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workspace")
    ap.add_argument("truth")
    ap.add_argument("--signals", default=",".join(SIGNALS))
    args = ap.parse_args()
    ws = Workspace(args.workspace)
    con = ws.con
    con.execute(
        "CREATE OR REPLACE TEMP TABLE truth AS SELECT * FROM read_csv(?, all_varchar = true)",
        [args.truth],
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE lab AS SELECT a.asset_id, t.label, coalesce(t.operation, '')"
        " AS op FROM assets a JOIN truth t USING (platform, kind, native_id)"
    )
    posts, assets = con.execute(
        "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM assets)"
    ).fetchone()
    io_total = con.execute("SELECT count(*) FROM lab WHERE label = 'io'").fetchone()[0]
    print(f"world: {posts} posts, {assets} assets, {io_total} io assets")
    print(
        "| signal | wall s | CPU s | edges | io assets with an edge | io-io same operation "
        "| organic-organic | other |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in args.signals.split(","):
        t, c = time.perf_counter(), cpu()
        run_signals(ws, signals=name)
        wall, cpu_s = time.perf_counter() - t, cpu() - c
        edges, same_op, organic = con.execute(
            "SELECT count(*), count(*) FILTER (la.label = 'io' AND lb.label = 'io' AND la.op = lb.op),"
            " count(*) FILTER (la.label = 'organic' AND lb.label = 'organic')"
            " FROM edges e JOIN lab la ON la.asset_id = e.asset_a JOIN lab lb ON lb.asset_id = e.asset_b"
        ).fetchone()
        covered = con.execute(
            "SELECT count(DISTINCT x) FROM (SELECT asset_a AS x FROM edges UNION ALL"
            " SELECT asset_b FROM edges) JOIN lab ON lab.asset_id = x WHERE label = 'io'"
        ).fetchone()[0]
        print(
            f"| {name} | {wall:.1f} | {cpu_s:.1f} | {edges} | {covered}/{io_total} | {same_op} "
            f"| {organic} | {edges - same_op - organic} |"
        )
    ws.close()


if __name__ == "__main__":
    main()
