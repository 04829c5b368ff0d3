"""Inline SVG charts for report.html: activity timeline, hour-of-week heatmap, network drawing.

Every chart is a string of SVG built here from numbers; the only text from the data (asset
labels in the drawing's tooltips, dates) goes through `esc`. No style attributes (the report's
Content-Security-Policy allows only its own hashed stylesheet), no scripts, no external refs.
"""

from __future__ import annotations

import math
import random
from html import escape
from typing import Any

PLATFORM_COLORS = {
    "twitter": "#1d9bf0",
    "facebook": "#1877f2",
    "instagram": "#c13584",
    "telegram": "#229ed9",
    "web": "#6b7280",
}
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def esc(text: Any) -> str:
    return escape(str(text), quote=True)


def timeline(daily: list[list[Any]], width: int = 720, height: int = 140) -> str:
    """Bars of posts per day (UTC), first and last date labelled."""
    if not daily:
        return ""
    from datetime import date

    days = [date.fromisoformat(str(d)[:10]) for d, _ in daily]
    counts = [int(n) for _, n in daily]
    first, last = min(days), max(days)
    span = max(1, (last - first).days + 1)
    top = max(counts) or 1
    pad_l, pad_b, pad_t = 40, 22, 8
    w, h = width - pad_l - 8, height - pad_b - pad_t
    bar = max(1.0, w / span)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="posts per day">'
    ]
    for d, n in zip(days, counts, strict=True):
        x = pad_l + (d - first).days * w / span
        bh = h * n / top
        parts.append(
            f'<rect x="{x:.1f}" y="{pad_t + h - bh:.1f}" width="{bar:.1f}" height="{bh:.1f}" '
            f'fill="#2563eb"><title>{esc(d)}: {n:,} posts</title></rect>'
        )
    parts.append(
        f'<line x1="{pad_l}" y1="{pad_t + h}" x2="{pad_l + w}" y2="{pad_t + h}" stroke="#999"/>'
        f'<text x="{pad_l}" y="{height - 6}" font-size="11">{esc(first)}</text>'
        f'<text x="{pad_l + w}" y="{height - 6}" font-size="11" text-anchor="end">{esc(last)}</text>'
        f'<text x="{pad_l - 4}" y="{pad_t + 10}" font-size="11" text-anchor="end">{top:,}</text>'
        f'<text x="{pad_l - 4}" y="{pad_t + h}" font-size="11" text-anchor="end">0</text>'
        "</svg>"
    )
    return "".join(parts)


def heatmap(grid: list[list[int]], label: str = "UTC") -> str:
    """7 x 24 posts by weekday (Monday first) and hour; `label` says which clock."""
    if not grid or not any(any(r) for r in grid):
        return ""
    flat = [grid[d][h] for d in range(7) for h in range(24)]
    top = max(flat) or 1
    cell, pad_l, pad_t = 22, 38, 18
    width, height = pad_l + 24 * cell + 4, pad_t + 7 * cell + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="posts by hour of week, {label}">'
    ]
    for h in range(0, 24, 3):
        parts.append(
            f'<text x="{pad_l + h * cell + cell / 2}" y="12" font-size="10" '
            f'text-anchor="middle">{h:02d}</text>'
        )
    for d in range(7):
        parts.append(f'<text x="2" y="{pad_t + d * cell + 15}" font-size="11">{DAYS[d]}</text>')
        for h in range(24):
            n = flat[d * 24 + h]
            a = 0.06 + 0.94 * math.sqrt(n / top) if n else 0.0
            parts.append(
                f'<rect x="{pad_l + h * cell}" y="{pad_t + d * cell}" width="{cell - 2}" '
                f'height="{cell - 2}" fill="#b91c1c" fill-opacity="{a:.3f}" stroke="#eee">'
                f"<title>{DAYS[d]} {h:02d}:00 {esc(label)}: {n:,} posts</title></rect>"
            )
    parts.append("</svg>")
    return "".join(parts)


def network_drawing(
    nodes: list[dict[str, Any]], edges: list[tuple[int, int, float]], size: int = 420, seed: int = 1
) -> str:
    """A force-directed drawing (igraph Fruchterman-Reingold, seeded) of members and their edges.

    `nodes`: dicts with asset_id, platform, label, followers; `edges`: (asset_a, asset_b, weight).
    """
    if not nodes:
        return ""
    import igraph as ig

    index = {n["asset_id"]: i for i, n in enumerate(nodes)}
    pairs = [(index[a], index[b], w) for a, b, w in edges if a in index and b in index]
    g = ig.Graph(n=len(nodes), edges=[(a, b) for a, b, _ in pairs])
    rng = random.Random(seed)
    seed_coords = [[rng.random(), rng.random()] for _ in nodes]
    layout = g.layout_fruchterman_reingold(
        seed=seed_coords, weights=[w for *_, w in pairs] or None, niter=300
    )
    xs, ys = zip(*layout.coords, strict=True) if len(nodes) > 1 else ((0.5,), (0.5,))
    minx, maxx, miny, maxy = min(xs), max(xs), min(ys), max(ys)
    pad = 16

    def px(v: float, lo: float, hi: float) -> float:
        return pad + (size - 2 * pad) * ((v - lo) / (hi - lo) if hi > lo else 0.5)

    pts = [(px(x, minx, maxx), px(y, miny, maxy)) for x, y in zip(xs, ys, strict=True)]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {size} {size}" '
        f'width="{size}" height="{size}" role="img" aria-label="network drawing">'
    ]
    top_w = max((w for *_, w in pairs), default=1.0) or 1.0
    for a, b, w in pairs:
        (x1, y1), (x2, y2) = pts[a], pts[b]
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#94a3b8" '
            f'stroke-opacity="{0.25 + 0.6 * w / top_w:.2f}" stroke-width="1"/>'
        )
    for n, (x, y) in zip(nodes, pts, strict=True):
        r = 3 + min(7, math.log10(1 + (n.get("followers") or 0)))
        color = PLATFORM_COLORS.get(str(n.get("platform")), "#6b7280")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{color}" stroke="#fff">'
            f"<title>{esc(n.get('label', ''))}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)
