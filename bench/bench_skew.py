"""The skewed case: one URL shared by N accounts spread over a day.

Cost must follow the pairs inside Δt, not N². For each N this writes a workspace holding N
posts of the same URL at uniform random times over 24 h (plus nothing else), runs co-link
through `run_signals`, and reports the time, the edges (= account pairs inside Δt) and the
time per pair. For comparison it times the naive plan (equi-join on the URL, then the time
filter, times truncated to the second like cibwatch's) on DuckDB for the smaller N only: at
N = 200,000 it would form 4·10^10 pairs.

    .venv/bin/python bench/bench_skew.py --sizes 50000,100000,200000 --window 10
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from cibwatch.config import parse_config
from cibwatch.signals import run_signals
from cibwatch.store import Workspace

NAIVE = """
SELECT count(*) FROM (
  SELECT least(a.asset_id, b.asset_id), greatest(a.asset_id, b.asset_id)
  FROM shares a JOIN shares b ON a.url_norm = b.url_norm
  WHERE a.asset_id != b.asset_id
    AND abs(epoch(date_trunc('second', a.created_at)) - epoch(date_trunc('second', b.created_at))) <= ?
  GROUP BY ALL
)
"""


def viral_workspace(path: Path, n: int, seed: int) -> Workspace:
    ws = Workspace(path)
    params = {"n": n, "seed": seed}
    ws.con.execute(
        "INSERT INTO assets (asset_id, platform, kind, native_id) "
        "SELECT i, 'twitter', 'account', 'u' || i FROM range(1, $n + 1) t(i)",
        {"n": n},
    )
    ws.con.execute(
        "INSERT INTO posts (post_id, platform, native_id, asset_id, created_at) "
        "SELECT i, 'twitter', 'p' || i, i, TIMESTAMP '2024-03-01' + "
        "to_microseconds(CAST(hash(i, $seed) % 86400000000 AS BIGINT)) FROM range(1, $n + 1) t(i)",
        params,
    )
    ws.con.execute(
        "INSERT INTO post_urls SELECT post_id, 'https://news.example/viral', "
        "'https://news.example/viral', 'news.example' FROM posts"
    )
    return ws


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="50000,100000,200000")
    ap.add_argument("--window", type=float, default=10)
    ap.add_argument("--naive-max", type=int, default=50000, help="largest N for the naive plan")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-neighbours", type=int, default=0, help="co-link max_neighbours")
    args = ap.parse_args()
    cfg = parse_config(
        {"signals": {"co-link": {"window": args.window, "max_neighbours": args.max_neighbours}}}
    )
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            ws = viral_workspace(Path(tmp) / "w", n, args.seed)
            report = run_signals(ws, config=cfg, signals=["co-link"])
            run = report.runs[0]
            max_w = ws.con.execute("SELECT max(weight) FROM edges").fetchall()[0][0]
            row = {
                "accounts": n,
                "window_s": args.window,
                "max_neighbours": args.max_neighbours,
                "edges": run.edges,
                "clique_pairs": n * (n - 1) // 2,
                "seconds": round(run.seconds, 2),
                "us_per_edge": round(run.seconds / max(run.edges, 1) * 1e6, 2),
                "max_weight": max_w,
            }
            if n <= args.naive_max:
                ws.con.execute(
                    "CREATE TEMP TABLE shares AS SELECT p.asset_id, p.created_at, u.url_norm "
                    "FROM posts p JOIN post_urls u USING (post_id)"
                )
                t0 = time.perf_counter()
                naive = ws.con.execute(NAIVE, [args.window]).fetchall()[0][0]
                row["naive_seconds"] = round(time.perf_counter() - t0, 2)
                row["naive_edges"] = naive
            ws.close()
        results.append(row)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
