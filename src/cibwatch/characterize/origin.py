"""Origin indicators: operating timezone and working week from activity, languages, declared
locations against the inferred ones, and client apps; each with a confidence, never as fact.

Timezone and week: a network run from an office posts in working hours on working days. Its
posts' UTC quarter-hour-of-week histogram (7 x 96 bins) is fitted against a template "09:00–17:00
local on working days" for every UTC offset in quarter hours (UTC−12 to UTC+14) and every common
rest-day pattern (Saturday–Sunday, Friday, Friday–Saturday, Thursday–Friday, Sunday, Saturday,
none). The fit is the log-likelihood of a two-level piecewise-uniform model (one rate inside the
template, one outside), so larger templates are not favoured for free. The hours-alone part of
the answer rests on the 09:00 start assumption (a shift starting at 08:00 reads one hour east),
which the report says; the rest days come from the data. Confidence comes from the number of
posts, the share inside the template and the margin over offsets at least two hours away.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from cibwatch.characterize.context import Context
from cibwatch.characterize.places import PLACES, places_of

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
BINS_PER_DAY = 96  # quarter hours
WEEK_BINS = 7 * BINS_PER_DAY
WORK_START_H, WORK_END_H = 9, 17  # the office-hours template, local time
OFFSETS_Q = np.arange(-48, 57)  # UTC-12:00 .. UTC+14:00 in quarter hours
REST_PATTERNS: dict[str, tuple[int, ...]] = {
    "Saturday–Sunday": (5, 6),
    "Friday": (4,),
    "Friday–Saturday": (4, 5),
    "Thursday–Friday": (3, 4),
    "Sunday": (6,),
    "Saturday": (5,),
    "none": (),
}
LANG_NAMES = {
    "fa": "Persian", "ar": "Arabic", "en": "English", "ru": "Russian", "zh": "Chinese",
    "he": "Hebrew", "tr": "Turkish", "fr": "French", "de": "German", "es": "Spanish",
    "ur": "Urdu", "ps": "Pashto", "latin": "Latin-script (unidentified)", "und": "undetermined",
}  # fmt: skip
MIN_POSTS = 30  # below this, no timezone is inferred at all

# Posting applications that schedule or automate posts (lower-case substrings).
AUTOMATION_CLIENTS = (
    "ifttt", "dlvr.it", "buffer", "hootsuite", "zapier", "twittbot", "botize", "socialoomph",
    "crowdfire", "sprout", "later.com", "publer", "postcron", "twitterfeed", "roundteam",
    "python", "api", "bot",
)  # fmt: skip


def activity(ctx: Context) -> dict[str, Any]:
    """Daily post counts and the UTC hour-of-week histogram (7 x 24, Monday first) per network."""
    daily = ctx.by_network(
        """
        SELECT network_id, created_at::DATE AS day, count(*) AS posts
        FROM cw_nposts WHERE created_at IS NOT NULL GROUP BY ALL ORDER BY network_id, day
        """
    )
    how = ctx.by_network(
        """
        SELECT network_id, isodow(created_at) - 1 AS dow, hour(created_at) AS h, count(*) AS n
        FROM cw_nposts WHERE created_at IS NOT NULL GROUP BY ALL
        """
    )
    out = {}
    for nid in ctx.networks:
        grid = [[0] * 24 for _ in range(7)]
        for r in how.get(nid, []):
            grid[r["dow"]][r["h"]] = r["n"]
        out[nid] = {
            "daily": [[str(r["day"]), r["posts"]] for r in daily.get(nid, [])],
            "hour_of_week_utc": grid,
        }
    return out


def compute(ctx: Context) -> dict[str, Any]:
    bins = ctx.by_network(
        """
        SELECT network_id,
               (isodow(created_at) - 1) * 96 + hour(created_at) * 4 + minute(created_at) // 15 AS b,
               count(*) AS n
        FROM cw_nposts WHERE created_at IS NOT NULL GROUP BY ALL
        """
    )
    langs = languages(ctx)
    declared = ctx.by_network(
        """
        SELECT m.network_id, trim(a.declared_location) AS location, count(*) AS assets
        FROM cw_members m JOIN assets a USING (asset_id)
        WHERE nullif(trim(a.declared_location), '') IS NOT NULL
        GROUP BY ALL ORDER BY m.network_id, assets DESC, location
        """
    )
    clients = ctx.by_network(
        """
        SELECT network_id, client, count(*) AS posts, count(DISTINCT asset_id) AS assets
        FROM cw_nposts WHERE nullif(client, '') IS NOT NULL
        GROUP BY ALL ORDER BY network_id, posts DESC, client
        """
    )
    out = {}
    for nid in ctx.networks:
        hist = np.zeros(WEEK_BINS)
        for r in bins.get(nid, []):
            hist[r["b"]] = r["n"]
        tz = fit_timezone(hist)
        places = _declared(declared.get(nid, []), tz)
        out[nid] = {
            "timezone": tz,
            "languages": langs.get(nid, {}),
            "declared_locations": places,
            "clients": _clients(clients.get(nid, [])),
        }
    return out


def _masks() -> tuple[list[str], np.ndarray]:
    names = list(REST_PATTERNS)
    masks = np.zeros((len(names), WEEK_BINS), dtype=bool)
    for i, name in enumerate(names):
        for day in range(7):
            if day in REST_PATTERNS[name]:
                continue
            base = day * BINS_PER_DAY
            masks[i, base + WORK_START_H * 4 : base + WORK_END_H * 4] = True
    return names, masks


def _loglik(n_in: np.ndarray, total: float, size: np.ndarray) -> np.ndarray:
    """Log-likelihood per post of the two-rate model (inside the template vs outside)."""
    p_in = n_in / total
    p_out = 1.0 - p_in
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(n_in > 0, p_in * np.log(p_in / size), 0.0)
        b = np.where(p_out > 0, p_out * np.log(p_out / (WEEK_BINS - size)), 0.0)
    return a + b + math.log(WEEK_BINS)  # 0 for a uniform week


def fit_timezone(hist: np.ndarray) -> dict[str, Any]:
    """Fit offset and rest days to a UTC quarter-hour-of-week histogram (length 672)."""
    total = float(hist.sum())
    if total < MIN_POSTS:
        return {"posts": int(total), "offset_hours": None, "confidence": "none",
                "statement": f"too few posts ({int(total)}) to infer an operating timezone"}  # fmt: skip
    names, masks = _masks()
    # shifted[i, b] = posts in local bin b under offset OFFSETS_Q[i] (local = utc + offset).
    shifted = np.stack([np.roll(hist, int(o)) for o in OFFSETS_Q])
    n_in = shifted @ masks.T.astype(float)  # (offsets, patterns)
    size = masks.sum(axis=1).astype(float)
    ll = _loglik(n_in, total, size[None, :])
    i, j = np.unravel_index(int(np.argmax(ll)), ll.shape)
    offset_q = int(OFFSETS_Q[i])
    share_in = float(n_in[i, j] / total)
    far = np.abs(OFFSETS_Q - offset_q) >= 8
    margin = float(ll[i, j] - ll[far].max()) if far.any() else float(ll[i, j])
    same_offset = np.delete(ll[i], j)
    week_margin = float(ll[i, j] - same_offset.max()) if same_offset.size else 0.0
    # A two-level fit this good must also look like office hours: most posts inside it.
    if total >= 300 and share_in >= 0.7 and margin >= 0.15:
        confidence = "high"
    elif total >= 100 and share_in >= 0.5 and margin >= 0.05:
        confidence = "medium"
    elif share_in >= 0.4:
        confidence = "low"
    else:
        confidence = "none"
    local = np.roll(hist, offset_q)
    by_day = local.reshape(7, BINS_PER_DAY).sum(axis=1)
    by_hour = local.reshape(7, 24, 4).sum(axis=(0, 2))
    active: list[int] = (
        np.nonzero(by_hour >= 0.25 * by_hour.max())[0].tolist() if by_hour.max() > 0 else []
    )
    rest = REST_PATTERNS[names[j]]
    week = working_week(rest)
    week_conf = confidence if week_margin >= 0.02 else _lower(confidence)
    offset = offset_q / 4
    info = {
        "posts": int(total),
        "offset_hours": offset,
        "utc_offset": format_offset(offset),
        "rest_days": [DAYS[d] for d in rest],
        "working_week": week,
        "share_in_office_hours": round(share_in, 3),
        "margin_per_post": round(margin, 4),
        "week_margin_per_post": round(week_margin, 4),
        "confidence": confidence,
        "week_confidence": week_conf,
        "active_local_hours": [int(active[0]), int(active[-1]) + 1] if len(active) else None,
        "share_by_local_day": [round(float(x / total), 3) for x in by_day],
        # Posts by local weekday (Monday first) and hour at the inferred offset, for the chart.
        "hour_of_week_local": local.reshape(7, 24, 4).sum(axis=2).astype(int).tolist(),
        "assumption": f"a {WORK_START_H:02d}:00–{WORK_END_H:02d}:00 working day",
    }
    if confidence == "none":
        info["statement"] = (
            "no office-hours pattern: activity is spread around the clock "
            f"({share_in:.0%} of posts in the best-fitting working hours)"
        )
    else:
        regions = regions_at(offset)
        info["regions_at_offset"] = regions
        where = ""
        if regions:
            where = f" (standard offset of {', '.join(regions[:4])}{' and others' if len(regions) > 4 else ''})"
        info["statement"] = (
            f"activity is consistent with {WORK_START_H:02d}:00–{WORK_END_H:02d}:00 office hours "
            f"at {info['utc_offset']}{where} and a {week} working week "
            f"({share_in:.0%} of {int(total):,} posts inside; confidence {confidence})"
        )
    return info


def regions_at(offset: float) -> list[str]:
    """Gazetteer regions whose standard UTC offset is `offset` (daylight saving ignored)."""
    return sorted(region for region, (off, _) in PLACES.items() if off == offset)


def _lower(conf: str) -> str:
    return {"high": "medium", "medium": "low"}.get(conf, conf)


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def format_offset(hours: float) -> str:
    sign = "+" if hours >= 0 else "−"
    h = abs(hours)
    whole, minutes = int(h), int(round((h - int(h)) * 60))
    return f"UTC{sign}{whole}" + (f":{minutes:02d}" if minutes else "")


def working_week(rest: tuple[int, ...]) -> str:
    """'Saturday–Thursday' for a Friday rest day; 'Monday–Friday' for Saturday–Sunday."""
    work = [d for d in range(7) if d not in rest]
    if not rest:
        return "seven-day"
    # The working week starts the day after the (last) rest day.
    start = (max(rest) + 1) % 7 if max(rest) - min(rest) == len(rest) - 1 else work[0]
    order = [(start + k) % 7 for k in range(7) if (start + k) % 7 in work]
    return f"{DAYS[order[0]]}–{DAYS[order[-1]]}"


def languages(ctx: Context) -> dict[str, Any]:
    """Languages by post: the platform's tag where present, else a script-based guess."""
    rows = ctx.by_network(
        """
        WITH p AS (
            SELECT network_id,
                   nullif(lower(lang), '') AS tag,
                   CASE
                     WHEN regexp_matches(text, '[پچژگیک]') THEN 'fa'
                     WHEN regexp_matches(text, '[\\x{0600}-\\x{06FF}]') THEN 'ar'
                     WHEN regexp_matches(text, '[\\x{0400}-\\x{04FF}]') THEN 'ru'
                     WHEN regexp_matches(text, '[\\x{4E00}-\\x{9FFF}]') THEN 'zh'
                     WHEN regexp_matches(text, '[\\x{0590}-\\x{05FF}]') THEN 'he'
                     WHEN regexp_matches(text, '[A-Za-z]') THEN 'latin'
                   END AS script
            FROM cw_nposts
        )
        SELECT network_id, coalesce(tag, script, 'und') AS lang,
               count(*) AS posts, count(tag) AS tagged
        FROM p GROUP BY ALL ORDER BY network_id, posts DESC, lang
        """
    )
    out = {}
    for nid, langs in rows.items():
        total = sum(r["posts"] for r in langs)
        tagged = sum(r["tagged"] for r in langs)
        top = [{"lang": r["lang"], "posts": r["posts"], "share": round(r["posts"] / total, 3)}
               for r in langs[:6]]  # fmt: skip
        main = top[0] if top else None
        conf = "none"
        if main and total >= 20:
            conf = "high" if main["share"] >= 0.8 else "medium" if main["share"] >= 0.5 else "low"
        out[nid] = {
            "posts": total,
            "top": top,
            "method": "platform tag" if tagged >= total / 2 else "script of the text",
            "confidence": conf,
        }
    return out


def _declared(rows: list[dict[str, Any]], tz: dict[str, Any]) -> dict[str, Any]:
    top = rows[:10]
    regions: dict[str, dict[str, Any]] = {}
    for r, hit in zip(rows, places_of([r["location"] for r in rows]), strict=True):
        if hit:
            reg = regions.setdefault(hit[0], {"region": hit[0], "offset": hit[1], "assets": 0})
            reg["assets"] += r["assets"]
    ranked = sorted(regions.values(), key=lambda x: -x["assets"])
    info: dict[str, Any] = {
        "assets_declaring": sum(r["assets"] for r in rows),
        "top": top,
        "regions": ranked[:5],
        "disagrees": None,
        "statement": "no declared locations" if not rows else "",
    }
    inferred = tz.get("offset_hours")
    if ranked and inferred is not None and tz.get("confidence") not in ("none", None):
        main = ranked[0]
        gap = abs(main["offset"] - inferred)
        info["disagrees"] = gap >= 2
        info["gap_hours"] = gap
        verdict = "disagree with" if gap >= 2 else "agree with"
        info["statement"] = (
            f"declared locations point mostly to {main['region']} "
            f"({format_offset(main['offset'])}, {plural(main['assets'], 'asset')}), which {verdict} the "
            f"activity-inferred {tz['utc_offset']} (confidence {tz['confidence']})"
        )
    elif ranked:
        main = ranked[0]
        info["statement"] = (
            f"declared locations point mostly to {main['region']} ({plural(main['assets'], 'asset')})"
        )
    elif rows:
        info["statement"] = "declared locations name no place the gazetteer knows"
    return info


def _clients(rows: list[dict[str, Any]]) -> dict[str, Any]:
    total = sum(r["posts"] for r in rows)
    top = []
    automated = 0
    for r in rows[:8]:
        name = str(r["client"])
        auto = any(k in name.lower() for k in AUTOMATION_CLIENTS)
        top.append({**r, "share": round(r["posts"] / total, 3), "automation": auto})
    for r in rows:
        if any(k in str(r["client"]).lower() for k in AUTOMATION_CLIENTS):
            automated += r["posts"]
    return {
        "posts_with_client": total,
        "top": top,
        "automation_share": round(automated / total, 3) if total else 0.0,
    }
