"""Build src/cibwatch/data/takedowns.json.gz from Meta's published threat indicators.

Usage: python scripts/build_takedowns.py [INDICATORS_FOLDER]
(default: ../shared/data/meta-threat-research/indicators next to the repository). The input is
facebook/threat-research (MIT licence); see cibwatch.characterize.takedowns for what is kept.
The output is deterministic (sorted, no timestamps) so rebuilding an unchanged input changes
nothing in git.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

from cibwatch.characterize.takedowns import build_catalogue

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / ".." / "shared" / "data" / "meta-threat-research" / "indicators"
OUT = ROOT / "src" / "cibwatch" / "data" / "takedowns.json.gz"


def main(argv: list[str]) -> None:
    folder = Path(argv[0]) if argv else DEFAULT
    if not folder.is_dir():
        raise SystemExit(f"no indicators folder at {folder}")
    doc = build_catalogue(folder)
    data = json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=0).encode("utf-8")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(data)
    n = doc["networks"]
    print(
        f"{OUT}: {len(n)} networks, {sum(len(x['domains']) for x in n)} domains, "
        f"{sum(len(x['accounts']) for x in n)} accounts"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
