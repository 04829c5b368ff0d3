"""Ground truth files: what was planted, by (platform, kind, native_id), and the laundering chains.

- truth.csv: platform, kind, native_id, label (io | organic | authentic_coord), operation
  (empty for organic), tactic — one row per asset present in the written files;
- laundering_truth.csv: one row per planted chain (state -> intermediary -> state citeback);
- authors_truth.csv: every article author with their outlet's role and their own role
  (state | intermediary | independent): intermediary authors carry state content, independent
  ones never do, even at an intermediary outlet.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

TRUTH_COLUMNS = ("platform", "kind", "native_id", "label", "operation", "tactic")
CHAIN_COLUMNS = (
    "chain_id", "state_id", "intermediary_id", "citeback_id", "credited", "citeback_links", "reuse", "lang",
    "intermediary_outlet", "intermediary_author", "gap1_hours", "gap2_hours",
)  # fmt: skip
AUTHOR_COLUMNS = ("outlet", "domain", "outlet_role", "author", "author_role")


def write_truth(out: Path, assets: dict, nid: np.ndarray, written: np.ndarray) -> dict[str, int]:
    """Write truth.csv for the assets in `written`; returns counts per label."""
    cols = {k: assets[k].to_pylist() for k in ("platform", "kind", "label", "operation", "tactic")}
    order = sorted(written.tolist(), key=lambda a: (cols["platform"][a], cols["kind"][a], nid[a]))
    counts: dict[str, int] = {}
    with (out / "truth.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(TRUTH_COLUMNS)
        for a in order:
            label = cols["label"][a]
            counts[label] = counts.get(label, 0) + 1
            w.writerow(
                [
                    cols["platform"][a],
                    cols["kind"][a],
                    nid[a],
                    label,
                    cols["operation"][a],
                    cols["tactic"][a],
                ]
            )
    return counts


def write_laundering(out: Path, chains: dict, authors: list[dict]) -> None:
    with (out / "laundering_truth.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(CHAIN_COLUMNS)
        n = len(chains.get("chain_id", []))
        for i in range(n):
            w.writerow(
                [
                    str(chains[c][i]).lower()
                    if c in ("credited", "citeback_links")
                    else chains[c][i]
                    for c in CHAIN_COLUMNS
                ]
            )
    with (out / "authors_truth.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(AUTHOR_COLUMNS)
        for row in authors:
            w.writerow([row[c] for c in AUTHOR_COLUMNS])
