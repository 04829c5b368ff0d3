"""report.html: one self-contained file (inline CSS and SVG, no script, no external resource).

Everything shown from the data was written by the operations, so: Jinja2 autoescape on; links
only for http(s) URLs, with rel="noopener noreferrer nofollow"; every untrusted string inside
<bdi> (or a dir="auto" block) so right-to-left overrides cannot reorder the page; long strings
wrap anywhere; and a Content-Security-Policy that allows no script at all and only the page's
own stylesheet (by hash), so even a missed escape could not run code or load anything.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from cibwatch.characterize.assets import label
from cibwatch.characterize.origin import LANG_NAMES
from cibwatch.report import Report, svg

_SAFE_URL = re.compile(r"^https?://[^\s\x00-\x1f\x7f<>\"'`]+$", re.I)
DRAWING_MAX_NODES = 300


def safe_href(url: Any) -> str | None:
    """The URL if it is plain http(s) (never javascript:, data:, ...), else None."""
    if not isinstance(url, str) or len(url) > 2048:
        return None
    return url if _SAFE_URL.match(url) else None


def lang_name(code: Any) -> str:
    code = str(code or "und")
    return f"{LANG_NAMES.get(code, code)}"


def pct(x: Any) -> str:
    try:
        return f"{float(x):.0%}"
    except (TypeError, ValueError):
        return "–"


def upfirst(x: Any) -> str:
    """Capitalize the first letter only (Jinja's capitalize lower-cases the rest)."""
    text = "" if x is None else str(x)
    return text[:1].upper() + text[1:]


def number(x: Any) -> str:
    if x is None:
        return "–"
    try:
        return f"{int(x):,}"
    except (TypeError, ValueError):
        return str(x)


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("cibwatch.report", "templates"),
        autoescape=select_autoescape(["html", "j2", "html.j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        safe_href=safe_href,
        lang_name=lang_name,
        pct=pct,
        number=number,
        upfirst=upfirst,
        type_label=label,
    )
    return env


def charts(doc: dict[str, Any]) -> dict[str, Markup]:
    """The network's SVG charts; generated here from numbers and escaped labels only."""
    act = doc.get("activity", {})
    tz = doc.get("origin", {}).get("timezone", {})
    local = tz.get("hour_of_week_local") if tz.get("confidence") in ("high", "medium") else None
    members = doc.get("members", [])
    degree: dict[int, int] = {}
    weights: dict[tuple[int, int], float] = {}
    for e in doc.get("edges", []):
        key = (e["a"], e["b"])
        weights[key] = weights.get(key, 0.0) + float(e["weight"] or 0)
        degree[e["a"]] = degree.get(e["a"], 0) + 1
        degree[e["b"]] = degree.get(e["b"], 0) + 1
    shown = sorted(members, key=lambda m: -degree.get(m["asset_id"], 0))[:DRAWING_MAX_NODES]
    nodes = [
        {
            "asset_id": m["asset_id"],
            "platform": m["platform"],
            "followers": m.get("followers"),
            "label": f"{m['platform']} {m['kind']} {m.get('handle') or m['native_id']}",
        }
        for m in shown
    ]
    return {
        "timeline": Markup(svg.timeline(act.get("daily", []))),
        "heatmap": Markup(
            svg.heatmap(local, f"local time at {tz.get('utc_offset')}")
            if local
            else svg.heatmap(act.get("hour_of_week_utc", []), "UTC")
        ),
        "drawing": Markup(svg.network_drawing(nodes, [(a, b, w) for (a, b), w in weights.items()])),
        "drawing_note": Markup.escape(
            f"{len(shown)} of {len(members)} members shown (most connected)"
            if len(members) > len(shown)
            else f"{len(members)} members, {len(weights)} linked pairs"
        ),
    }


def render(report: Report) -> str:
    env = environment()
    css = (Path(__file__).parent / "templates" / "report.css").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    csp = (
        "default-src 'none'; script-src 'none'; object-src 'none'; base-uri 'none'; "
        f"form-action 'none'; frame-ancestors 'none'; style-src 'sha256-{digest}'; img-src data:"
    )
    return env.get_template("report.html.j2").render(
        r=report,
        css=Markup(css),
        csp=csp,
        charts={d["network"]["id"]: charts(d) for d in report.networks},
    )


def write(report: Report, path: Path) -> None:
    path.write_text(render(report), encoding="utf-8")
