"""cibwatch vs the QUT coordination-network-toolkit (PyPI 1.5.2) on the same posts, 60 s window.

Both tools read the same toolkit-format CSV (generated here with a fixed seed). The toolkit runs
in its own virtualenv (default /tmp/qutvenv: `python3 -m venv /tmp/qutvenv &&
/tmp/qutvenv/bin/pip install coordination-network-toolkit==1.5.2`), as a subprocess, exactly as
its users run it: `preprocess` (load), then `compute co_retweet | co_link | co_tweet`.
cibwatch runs `ingest --format qut-cnt` then co-share, co-link and identical-text with the
toolkit's semantics (popularity none, no fast-reshare links, no minimum text length).
Pair sets are compared as unordered account pairs without self-loops.

    .venv/bin/python bench/bench_signals_qut.py --posts 1000000
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cibwatch.config import parse_config  # noqa: E402
from cibwatch.ingest import ingest_file  # noqa: E402
from cibwatch.signals import run_signals  # noqa: E402
from cibwatch.store import Workspace  # noqa: E402
from signal_worlds import qut_posts  # noqa: E402

# toolkit network -> (cibwatch signal, toolkit table)
NETWORKS = {
    "co_retweet": ("co-share", "co_retweet_network"),
    "co_link": ("co-link", "co_link_network"),
    "co_tweet": ("identical-text", "co_tweet_network"),
}


def run_toolkit(python: str, db: Path, csv: Path, window: int) -> dict[str, float]:
    times = {}
    cmd = [python, "-m", "coordination_network_toolkit", str(db)]
    t0 = time.perf_counter()
    subprocess.run([*cmd, "preprocess", "--format", "csv", str(csv)], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    times["load"] = time.perf_counter() - t0
    for net in NETWORKS:
        t0 = time.perf_counter()
        subprocess.run(
            [*cmd, "compute", net, "--time_window", str(window), "--min_edge_weight", "1",
             "--n_cpus", "2"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        times[net] = time.perf_counter() - t0
    return times


def toolkit_pairs(db: Path, table: str) -> set[tuple[str, str]]:
    con = sqlite3.connect(db)
    rows = con.execute(f"SELECT user_1, user_2 FROM {table} WHERE user_1 != user_2").fetchall()  # noqa: S608
    con.close()
    return {(min(a, b), max(a, b)) for a, b in rows}


def toolkit_link_pairs_without_empty_url(db: Path, window: int) -> set[tuple[str, str]]:
    """The toolkit's co-link query, minus its artefact: it splits an empty `urls` cell into
    one empty URL, so every post without a link "shares" the URL '' with every other."""
    con = sqlite3.connect(db)
    rows = con.execute(
        """
        SELECT DISTINCT e_1.user_id, e_2.user_id FROM message_url e_1
        JOIN message_url e_2 ON e_1.url = e_2.url
         AND e_2.timestamp BETWEEN e_1.timestamp - ?1 AND e_1.timestamp + ?1
        WHERE e_1.url != '' AND e_1.user_id < e_2.user_id
        """,
        [window],
    ).fetchall()
    con.close()
    return set(rows)


def run_cibwatch(ws_path: Path, csv: Path, window: int) -> tuple[dict[str, float], Workspace]:
    times = {}
    t0 = time.perf_counter()
    ws = Workspace(ws_path)
    ingest_file(ws, csv, format="qut-cnt")
    times["load"] = time.perf_counter() - t0
    same = {"window": window, "popularity": "none"}
    cfg = parse_config(
        {
            "signals": {
                "co-share": {**same, "fast_reshare_window": 0},
                "co-link": same,
                "identical-text": {**same, "min_length": 1},
            }
        }
    )
    report = run_signals(ws, config=cfg, signals=[s for s, _ in NETWORKS.values()])
    for run in report.runs:
        times[run.signal] = run.seconds
    return times, ws


def cibwatch_pairs(ws: Workspace, signal: str) -> set[tuple[str, str]]:
    rows = ws.con.execute(
        "SELECT x.native_id, y.native_id FROM edges e JOIN assets x ON x.asset_id = e.asset_a "
        "JOIN assets y ON y.asset_id = e.asset_b WHERE e.signal = ?",
        [signal],
    ).fetchall()
    return {(min(a, b), max(a, b)) for a, b in rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--posts", type=int, default=200_000)
    ap.add_argument("--window", type=int, default=60)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--toolkit-python", default="/tmp/qutvenv/bin/python")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="cib-qut-"))
    csv = tmp / "posts.csv"
    world = qut_posts(csv, args.posts, seed=args.seed)
    tk = run_toolkit(args.toolkit_python, tmp / "toolkit.db", csv, args.window)
    cw, ws = run_cibwatch(tmp / "ws", csv, args.window)
    comparison = {}
    for net, (signal, table) in NETWORKS.items():
        theirs, ours = toolkit_pairs(tmp / "toolkit.db", table), cibwatch_pairs(ws, signal)
        comparison[net] = {
            "toolkit_pairs": len(theirs),
            "cibwatch_pairs": len(ours),
            "only_toolkit": len(theirs - ours),
            "only_cibwatch": len(ours - theirs),
            "examples_only_toolkit": sorted(theirs - ours)[:3],
            "examples_only_cibwatch": sorted(ours - theirs)[:3],
        }
    fixed = toolkit_link_pairs_without_empty_url(tmp / "toolkit.db", args.window)
    ours = cibwatch_pairs(ws, "co-link")
    comparison["co_link_without_empty_url"] = {
        "toolkit_pairs": len(fixed),
        "cibwatch_pairs": len(ours),
        "only_toolkit": len(fixed - ours),
        "only_cibwatch": len(ours - fixed),
    }
    ws.close()
    tk_total = sum(tk.values())
    cw_total = sum(cw.values())
    print(
        json.dumps(
            {
                "world": world,
                "window_s": args.window,
                "toolkit_s": {k: round(v, 2) for k, v in tk.items()},
                "cibwatch_s": {k: round(v, 2) for k, v in cw.items()},
                "toolkit_total_s": round(tk_total, 2),
                "cibwatch_total_s": round(cw_total, 2),
                "speedup": round(tk_total / cw_total, 1),
                "pairs": comparison,
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
