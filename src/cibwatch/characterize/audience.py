"""Audience: the languages a network writes in and the countries and cities its posts talk about.

Places come from the gazetteer in places.py, matched as whole tokens (and 2–3 token phrases)
of the normalized text through the n-gram table narratives.py builds, and as hashtags; a place
named often is a hint at the audience (or the adversary), never a statement of where the
readers are, so the confidence stays medium at best.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from cibwatch.characterize.context import Context
from cibwatch.characterize.origin import LANG_NAMES, plural
from cibwatch.characterize.places import normalized_places


def compute(ctx: Context) -> dict[str, Any]:
    places = normalized_places()
    table = pa.table(
        {
            "name": [p[0] for p in places],
            "region": [p[1] for p in places],
        }
    )
    ctx.con.register("_cw_places_arrow", table)
    ctx.con.execute(
        "CREATE OR REPLACE TEMP TABLE cw_places AS SELECT DISTINCT name, region FROM _cw_places_arrow"
    )
    ctx.con.unregister("_cw_places_arrow")
    rows = ctx.by_network(
        """
        WITH hits AS (
            SELECT g.network_id, g.post_id, g.asset_id, pl.region
            FROM cw_grams g JOIN cw_places pl ON pl.name = g.gram
            UNION ALL
            SELECT p.network_id, p.post_id, p.asset_id, pl.region
            FROM cw_nposts p JOIN post_hashtags h USING (post_id)
            JOIN cw_places pl ON pl.name = h.hashtag
        ),
        totals AS (SELECT network_id, count(*) AS posts FROM cw_nposts GROUP BY ALL)
        SELECT * FROM (
            SELECT h.network_id, h.region, count(DISTINCT h.post_id) AS posts,
                   count(DISTINCT h.asset_id) AS assets,
                   count(DISTINCT h.post_id) / any_value(t.posts) AS share
            FROM hits h JOIN totals t USING (network_id)
            GROUP BY h.network_id, h.region
        )
        QUALIFY row_number() OVER (PARTITION BY network_id ORDER BY posts DESC, region) <= 8
        ORDER BY network_id, posts DESC, region
        """
    )
    origin = ctx.results.get("origin", {})
    out = {}
    for nid in ctx.networks:
        regions = [{**r, "share": round(float(r["share"]), 3)} for r in rows.get(nid, [])]
        langs = origin.get(nid, {}).get("languages", {})
        main_lang = (langs.get("top") or [{}])[0].get("lang")
        if regions:
            top = regions[0]
            conf = "medium" if top["share"] >= 0.1 and top["assets"] >= 3 else "low"
            statement = (
                f"posts name {top['region']} most ({top['posts']:,} posts, {top['share']:.0%}, "
                f"by {plural(top['assets'], 'asset')})"
            )
        else:
            conf, statement = "none", "posts name no place the gazetteer knows"
        if main_lang:
            statement = f"written mainly in {LANG_NAMES.get(main_lang, main_lang)}; " + statement
        out[nid] = {
            "languages": langs.get("top", []),
            "regions": regions,
            "confidence": conf,
            "statement": statement,
        }
    return out
