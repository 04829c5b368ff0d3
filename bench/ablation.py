"""Ablation: what each signal earns, as F1 and FPR with that signal's edges removed.

Usage:
    .venv/bin/python bench/ablation.py --workspace WS --truth WORLD/truth.csv [--work DIR]
        [--alone]

WS must hold the edges of a full `cibwatch detect` run. The workspace is copied to DIR (a
temporary folder by default; WS is never written), then for "(none)" and for each signal
present in the edges the networks stage reruns on every other signal's edges
(`detect(run_signals=False)`, the same code as `cibwatch detect`) and `cibwatch evaluate`
scores the result. Signals are computed independently of each other, so this equals running
`cibwatch detect --signals` without that signal. Prints a Markdown table, one row per removal,
with F1, precision, recall, both FPRs and each planted operation's recall. `--alone` adds the
converse: one row per signal with only that signal's edges kept (what it finds on its own).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from cibwatch.detect import detect
from cibwatch.evaluate import evaluate
from cibwatch.store import Workspace


def ablate(workspace: Path, truth: Path, work: Path, alone: bool = False) -> list[dict]:
    """One evaluation per removed signal (and one with nothing removed), in a copy of WS;
    with `alone`, also one per signal kept alone."""
    copy = work / "ws"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(workspace, copy)
    with Workspace(copy) as ws:
        con = ws.con
        con.execute("CREATE OR REPLACE TABLE ablation_edges AS SELECT * FROM edges")
        signals = [
            s
            for (s,) in con.execute(
                "SELECT DISTINCT signal FROM ablation_edges ORDER BY 1"
            ).fetchall()
        ]
    # (label, which edges stay, the signal named in that filter)
    runs: list[tuple[str, str, str | None]] = [("(none)", "TRUE", None)]
    runs += [(s, "signal <> ?", s) for s in signals]
    if alone:
        runs += [(f"only {s}", "signal = ?", s) for s in signals]
    rows = []
    for label, keep, signal in runs:
        t0 = time.perf_counter()
        with Workspace(copy) as ws:
            ws.con.execute("DELETE FROM edges")
            params = [] if signal is None else [signal]
            ws.con.execute(f"INSERT INTO edges SELECT * FROM ablation_edges WHERE {keep}", params)
            detect(ws, run_signals=False)
        result = evaluate(truth, copy)
        rows.append({"removed": label, "seconds": time.perf_counter() - t0, **result})
        print(f"{label}: F1 {result['f1']:.3f}", file=sys.stderr)
    return rows


def table(rows: list[dict]) -> str:
    """The rows as a Markdown table with every operation's recall."""
    ops = sorted({op for r in rows for op in (r.get("operations") or {})})
    head = ["signal removed", "F1", "precision", "recall", "FPR auth.", "FPR org.", *ops]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [
            r["removed"],
            f"{r['f1']:.3f}",
            f"{r['precision']:.3f}",
            f"{r['recall']:.3f}",
            f"{r['fpr_authentic_coord']:.4f}",
            f"{r['fpr_organic']:.4f}",
        ]
        cells += [f"{(r['operations'].get(op) or {}).get('recall', 0.0):.2f}" for op in ops]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--alone", action="store_true", help="also keep each signal alone")
    args = parser.parse_args()
    if args.work is None:
        with tempfile.TemporaryDirectory(prefix="cib-ablation-") as tmp:
            rows = ablate(args.workspace, args.truth, Path(tmp), args.alone)
    else:
        args.work.mkdir(parents=True, exist_ok=True)
        rows = ablate(args.workspace, args.truth, args.work, args.alone)
    print(table(rows))


if __name__ == "__main__":
    main()
