"""assets.csv (the takedown list) and indicators.csv (Meta's threat-indicator column layout).

assets.csv: platform, kind, native_id, handle, network, score, status — one row per member of
every reported network; status is taken-down (in a takedown's member snapshot, see
cibwatch.review.decisions), confirmed or detected (the latest review decision; networks
rejected on review are left out). indicators.csv: Tactic, Technique,
Procedure, Indicator, Comments as in github.com/facebook/threat-research, with domains and URLs
defanged the way Meta publishes them (example[.]com).

Handles and free text are written by the operations: a cell starting with = + - @ or a
control character is prefixed with ' so spreadsheets do not run it as a formula.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from cibwatch.characterize.tactics import ACCOUNTS_PROCEDURE, KC
from cibwatch.report import Report

ASSET_COLUMNS = ("platform", "kind", "native_id", "handle", "network", "score", "status")
INDICATOR_COLUMNS = ("Tactic", "Technique", "Procedure", "Indicator", "Comments")
PROFILE_URL = {
    "twitter": "https://x.com/{}",
    "instagram": "https://www.instagram.com/{}",
    "facebook": "https://www.facebook.com/{}",
    "telegram": "https://t.me/{}",
}


def cell(value: Any) -> str:
    text = "" if value is None else str(value)
    if text and (text[0] in "=+-@" or text[0] < " "):
        return "'" + text
    return text


def defang(text: str) -> str:
    """'https://x.com/a' -> 'https://x[.]com/a', as Meta publishes indicators."""
    return text.replace(".", "[.]")


def write_assets(report: Report, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(ASSET_COLUMNS)
        for doc in report.networks:
            net = doc["network"]
            for m in doc["members"]:
                w.writerow(
                    [
                        m["platform"],
                        m["kind"],
                        m["native_id"],
                        cell(m.get("handle")),
                        net["id"],
                        f"{net['score']:.4f}" if net.get("score") is not None else "",
                        m.get("status") or doc["status"],
                    ]
                )


def indicator_rows(doc: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    net = doc["network"]
    comment = f"cibwatch network {net['id']} ({doc['status']}, score {net.get('score') or 0:.2f})"
    rows: list[tuple[str, str, str, str, str]] = []
    tactic, technique, _ = KC["accounts"]
    for t in doc["assets"].get("by_type", []):
        proc = ACCOUNTS_PROCEDURE.get(t["platform"], "0.9.12 Acquiring other social media assets")
        rows.append((tactic, technique, proc, t["label"], comment))
    for m in doc["members"]:
        if m["platform"] in PROFILE_URL and m.get("handle") and not m.get("redacted"):
            proc = ACCOUNTS_PROCEDURE.get(m["platform"], "")
            url = PROFILE_URL[m["platform"]].format(m["handle"])
            rows.append((tactic, technique, proc, defang(url), comment))
    w_tactic, w_technique, w_proc = KC["website"]
    for s in doc["domains"].get("sites", []):
        note = comment + f"; {s['posts']} posts by {s['assets']} assets"
        if s.get("state_media"):
            note += f"; state-affiliated media: {s['state_media'].get('name')}"
        rows.append((w_tactic, w_technique, w_proc, defang(s["domain"]), note))
    for item in doc.get("tactics", {}).get("items", []):
        kc = item["killchain"]
        if kc["tactic"] in (tactic, w_tactic) and kc["technique"] in (technique, w_technique):
            continue  # already listed as concrete indicators above
        if not kc["tactic"]:
            continue
        disarm = "; ".join(f"DISARM {x['id']} {x['name']}" for x in item["disarm"])
        rows.append(
            (kc["tactic"], kc["technique"], kc["procedure"], item["evidence"],
             comment + (f"; {disarm}" if disarm else ""))
        )  # fmt: skip
    return rows


def write_indicators(report: Report, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(INDICATOR_COLUMNS)
        for doc in report.networks:
            for row in indicator_rows(doc):
                w.writerow([cell(v) for v in row])
