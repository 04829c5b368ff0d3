"""cibwatch co-share with CooRTweet's semantics on CooRTweet-format inputs, timed end to end.

R and CRAN are not reachable on this machine, so CooRTweet itself is not re-run here: its
reference timings (stock CooRTweet 2.1.3, detect_groups, time_window 10, min_participation 2,
measured on this machine kind and recorded in ../shared/data/real/coortweet/expected/SOURCE.txt)
are 10-11 s on the 35,125 real rows and 8 / 33 / 136 / 710 s on 25k / 50k / 100k / 250k
synthetic rows. This script times cibwatch (ingest --format coortweet + co-share) on the real
file, when present, and on seeded synthetic files of the given sizes.

    .venv/bin/python bench/bench_coortweet.py --sizes 25000,100000,250000,1000000
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cibwatch.config import parse_config  # noqa: E402
from cibwatch.ingest import ingest_file  # noqa: E402
from cibwatch.signals import run_signals  # noqa: E402
from cibwatch.store import Workspace  # noqa: E402
from signal_worlds import coortweet_rows  # noqa: E402

REAL = (
    Path(__file__).resolve().parents[1]
    / ".."
    / "shared"
    / "data"
    / "real"
    / "coortweet"
    / "russian_coord_tweets.csv.gz"
)
COORTWEET_SECONDS = {35125: 10.5, 25000: 8, 50000: 33, 100000: 136, 250000: 710}
CONFIG = {
    "signals": {
        "co-share": {
            "window": 10,
            "min_participation": 2,
            "fast_reshare_window": 0,
            "popularity": "none",
        }
    }
}


def time_one(path: Path, label: str, rows: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        ws = Workspace(Path(tmp) / "w")
        ingest_file(ws, path, format="coortweet")
        loaded = time.perf_counter() - t0
        report = run_signals(ws, config=parse_config(CONFIG), signals=["co-share"])
        total = time.perf_counter() - t0
        events = ws.con.execute("SELECT coalesce(sum(events), 0) FROM edges").fetchall()[0][0]
        ws.close()
    ref = COORTWEET_SECONDS.get(rows)
    return {
        "input": label,
        "rows": rows,
        "ingest_s": round(loaded, 2),
        "co_share_s": round(report.runs[0].seconds, 2),
        "total_s": round(total, 2),
        "edges": report.runs[0].edges,
        "share_pairs": int(events),
        "coortweet_s": ref,
        "speedup_vs_coortweet": round(ref / total, 1) if ref else None,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="25000,100000,250000")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if REAL.exists():
        print(json.dumps(time_one(REAL, "russian_coord_tweets", 35125)), flush=True)
    for n in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"coortweet_{n}.csv"
            coortweet_rows(path, n, seed=args.seed)
            print(json.dumps(time_one(path, f"synthetic seed {args.seed}", n)), flush=True)


if __name__ == "__main__":
    main()
