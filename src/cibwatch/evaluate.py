"""Score detection against a synthetic world's ground truth (`cibwatch evaluate`).

Inputs: truth.csv (platform, kind, native_id, label, operation, tactic) and the detector's
`W/out/networks.json` (suspected networks, highest score first, members named by
(platform, kind, native_id)). Optionally `laundering_truth.csv` beside truth.csv and
`W/out/laundering.json`.

Definitions (assets are keyed by (platform, kind, native_id); only assets in truth.csv count):
- an asset is predicted io when it is a member of any network;
- precision, recall, F1 of predicted io against label io;
- per operation: recall = share of its assets predicted; purity = of all members of the
  networks that contain at least one of its assets, the share that belong to it;
- FPR on authentic_coord (and on organic) = share of those assets predicted io;
- ARI: adjusted Rand index between networks and operations over every truth asset, where an
  asset outside any network (or outside any operation) is its own singleton cluster; an asset
  in several networks counts in the highest-scored one;
- top-K: the same numbers using only the K highest-scored networks;
- laundering: chains match on the (state, intermediary, citeback) article ids.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from cibwatch.errors import FormatError

Key = tuple[str, str, str]
TRUTH_REQUIRED = ("platform", "kind", "native_id", "label", "operation")


def read_truth(path: str | Path) -> dict[Key, tuple[str, str]]:
    """truth.csv as {(platform, kind, native_id): (label, operation)}."""
    path = Path(path)
    if not path.is_file():
        raise FormatError(f"{path}: no truth file (write one with `cibwatch synth`)")
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in TRUTH_REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise FormatError(f"{path}: not a truth file; missing column(s) {', '.join(missing)}")
        return {
            (r["platform"], r["kind"], r["native_id"]): (r["label"], r["operation"] or "")
            for r in reader
        }


def read_networks(path: str | Path) -> list[dict[str, Any]]:
    """networks.json, sorted by score (highest first, ties by id)."""
    path = Path(path)
    if not path.is_file():
        raise FormatError(f"{path}: no networks file (run `cibwatch detect` first)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FormatError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    if isinstance(data, dict) and "networks" in data:
        data = data["networks"]
    if not isinstance(data, list):
        raise FormatError(f"{path}: expected a list of networks")
    return sorted(data, key=lambda n: (-float(n.get("score") or 0.0), str(n.get("id"))))


def _pairs(counts: np.ndarray) -> float:
    counts = counts.astype(np.float64)
    return float((counts * (counts - 1) / 2).sum())


def adjusted_rand(a: list[str | None], b: list[str | None]) -> float:
    """ARI between two labelings; None marks a singleton (its own cluster).

    >>> adjusted_rand(["x", "x", "y", "y"], ["p", "p", "q", "q"])
    1.0
    """
    n = len(a)
    if n < 2:
        return 1.0
    ai = _codes(a)
    bi = _codes(b)
    # Contingency table counts via one integer key per (a, b) pair.
    joint = np.unique(ai * (bi.max() + 1) + bi, return_counts=True)[1]
    sum_ij = _pairs(joint)
    sum_a = _pairs(np.unique(ai, return_counts=True)[1])
    sum_b = _pairs(np.unique(bi, return_counts=True)[1])
    total = n * (n - 1) / 2
    expected = sum_a * sum_b / total
    maximum = (sum_a + sum_b) / 2
    if maximum == expected:
        return 1.0 if sum_ij == expected else 0.0
    return float((sum_ij - expected) / (maximum - expected))


def _codes(labels: list[str | None]) -> np.ndarray:
    seen: dict[str, int] = {}
    out = np.empty(len(labels), dtype=np.int64)
    fresh = 0
    for i, x in enumerate(labels):
        if x is None:
            out[i] = -1 - fresh  # a singleton: a code no other item shares
            fresh += 1
        else:
            out[i] = seen.setdefault(x, len(seen))
    return out - out.min()


def _member_key(m: dict[str, Any]) -> Key:
    return (str(m.get("platform")), str(m.get("kind")), str(m.get("native_id")))


def score_networks(
    truth: dict[Key, tuple[str, str]], networks: list[dict[str, Any]]
) -> dict[str, Any]:
    """Account-level and network-level metrics of `networks` against `truth`."""
    assigned: dict[Key, str] = {}  # asset -> highest-scored network holding it
    members: dict[str, list[Key]] = {}
    unknown: set[Key] = set()
    for net in networks:
        nid = str(net.get("id"))
        keys = [_member_key(m) for m in net.get("members", [])]
        members[nid] = [k for k in keys if k in truth]
        unknown.update(k for k in keys if k not in truth)
        for k in keys:
            if k in truth:
                assigned.setdefault(k, nid)
    io = {k for k, (label, _) in truth.items() if label == "io"}
    predicted = set(assigned)
    tp = len(predicted & io)
    fp = len(predicted - io)
    fn = len(io - predicted)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def fpr(label: str) -> float | None:
        group = {k for k, (lab, _) in truth.items() if lab == label}
        return len(group & predicted) / len(group) if group else None

    ops: dict[str, list[Key]] = {}
    for k, (label, op) in truth.items():
        if label == "io" and op:
            ops.setdefault(op, []).append(k)
    per_op = {}
    for op, keys in sorted(ops.items()):
        nets = sorted({assigned[k] for k in keys if k in assigned})
        in_nets = [k for n in nets for k in members[n]]
        ours = sum(1 for k in in_nets if truth[k][1] == op and truth[k][0] == "io")
        per_op[op] = {
            "size": len(keys),
            "recall": sum(1 for k in keys if k in predicted) / len(keys),
            "purity": ours / len(in_nets) if in_nets else None,
            "networks": nets,
        }
    per_net = []
    for net in networks:
        nid = str(net.get("id"))
        keys = members[nid]
        ops_here = Counter(truth[k][1] if truth[k][0] == "io" else f"({truth[k][0]})" for k in keys)
        top, count = ops_here.most_common(1)[0] if keys else ("", 0)
        per_net.append(
            {
                "id": nid,
                "score": net.get("score"),
                "size": len(keys),
                "majority": top,
                "purity": count / len(keys) if keys else None,
                "labels": dict(Counter(truth[k][0] for k in keys)),
            }
        )
    order = sorted(truth)
    ari = adjusted_rand(
        [truth[k][1] if truth[k][0] == "io" and truth[k][1] else None for k in order],
        [assigned.get(k) for k in order],
    )
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "io_assets": len(io),
        "predicted_assets": len(predicted),
        "networks": len(networks),
        "fpr_authentic_coord": fpr("authentic_coord"),
        "fpr_organic": fpr("organic"),
        "ari": ari,
        "operations": per_op,
        "per_network": per_net,
        "unknown_members": len(unknown),
    }


def score_laundering(
    truth_path: Path, laundering_path: Path, authors_path: Path | None = None
) -> dict[str, Any]:
    """Chain precision/recall on (state, intermediary, citeback) ids, and author ranking."""
    with truth_path.open(newline="", encoding="utf-8") as fh:
        planted = {
            (r["state_id"], r["intermediary_id"], r["citeback_id"]) for r in csv.DictReader(fh)
        }
    try:
        data = json.loads(laundering_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FormatError(f"{laundering_path}: not valid JSON ({exc.msg})") from exc
    found = set()
    for c in data.get("chains", []):
        found.add((str(c["state"]["id"]), str(c["intermediary"]["id"]), str(c["citeback"]["id"])))
    tp = len(found & planted)
    precision = tp / len(found) if found else 0.0
    recall = tp / len(planted) if planted else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    result: dict[str, Any] = {
        "chains_planted": len(planted),
        "chains_found": len(found),
        "tp": tp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }
    if authors_path is not None and authors_path.is_file():
        with authors_path.open(newline="", encoding="utf-8") as fh:
            role = {(r["outlet"], r["author"]): r["author_role"] for r in csv.DictReader(fh)}
        ranked = [
            (str(x.get("outlet")), str(x.get("author"))) for x in data.get("intermediaries", [])
        ]
        ranks = {k: i for i, k in enumerate(ranked)}
        inter = [k for k, r in role.items() if r == "intermediary"]
        indep = [k for k, r in role.items() if r == "independent"]
        worst_inter = max((ranks.get(k, len(ranked)) for k in inter), default=-1)
        best_indep = min((ranks.get(k, len(ranked) + 1) for k in indep), default=len(ranked) + 1)
        result["intermediary_authors_ranked"] = sum(1 for k in inter if k in ranks)
        result["intermediary_authors"] = len(inter)
        result["intermediaries_above_independents"] = worst_inter < best_indep
    return result


def evaluate(
    truth_path: str | Path, workspace: str | Path, top: int | None = None
) -> dict[str, Any]:
    """Every metric for one workspace against one truth file (see the module docstring)."""
    truth_path = Path(truth_path)
    out = Path(workspace) / "out"
    truth = read_truth(truth_path)
    chains = truth_path.parent / "laundering_truth.csv"
    found = out / "laundering.json"
    laundering = chains.is_file() and found.is_file()
    if not (out / "networks.json").is_file() and laundering:
        # Only `cibwatch launder` has run: score the chains, leave the network metrics empty.
        result: dict[str, Any] = {k: None for k in ("precision", "recall", "f1", "ari")}
        result["networks"] = None
    else:
        result = score_networks(truth, read_networks(out / "networks.json"))
        if top:
            topk = score_networks(truth, read_networks(out / "networks.json")[:top])
            topk.pop("per_network")
            result["top_k"] = {"k": top, **topk}
    if laundering:
        result["laundering"] = score_laundering(
            chains, found, truth_path.parent / "authors_truth.csv"
        )
    return result
