"""`launder`: classify outlets, find reuse and chains, rank intermediaries, write laundering.json.

The JSON is self-sufficient for the report stage: every article is named by its input `id` and
`url` with outlet, author and time; every chain carries the aligned passages as text, the time
gaps, and whether the intermediary credited the state source; the state outlets involved come
with the public sources that make them state-affiliated. An article that posts in the
workspace link to carries `shared_by`: how many posts and accounts, and a few accounts named
by (platform, kind, native_id).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import duckdb

from cibwatch.laundering.chains import DOCS, build_chains, collect
from cibwatch.laundering.outlets import STATE_TABLE, classify, load_outlets
from cibwatch.laundering.rank import rank
from cibwatch.laundering.reuse import WORD_RE, ReuseParams
from cibwatch.store import Workspace

OUTPUT = "laundering.json"
FORMAT_VERSION = 1
MAX_SHARERS = 5  # accounts named per article in `shared_by`
MAX_PASSAGE_WORDS = 120  # longer aligned passages are cut in the JSON (spans stay exact)


def _iso(t: Any) -> str | None:
    return None if t is None else t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _articles(con: duckdb.DuckDBPyConnection, ids: set[int]) -> dict[int, dict[str, Any]]:
    """Article references and display words (original text when it splits like text_norm)."""
    if not ids:
        return {}
    rows = con.execute(
        f"""
        SELECT a.article_id, a.native_id, a.url, a.outlet, a.domain, a.author, a.published_at,
               a.title, se.entry,
               CASE WHEN len(regexp_extract_all(coalesce(a.text, ''), '{WORD_RE}')) = len(d.words)
                    THEN regexp_extract_all(coalesce(a.text, ''), '{WORD_RE}')
                    ELSE d.words END AS shown
        FROM articles a JOIN {DOCS} d USING (article_id)
        LEFT JOIN {STATE_TABLE} se USING (article_id)
        WHERE a.article_id IN (SELECT unnest($ids))
        """,
        {"ids": sorted(ids)},
    ).fetchall()
    shared = _shared_by(con, sorted(ids))
    return {
        r[0]: {
            "ref": {
                "id": r[1],
                "url": r[2],
                "outlet": r[3],
                "domain": r[4],
                "author": r[5],
                "published_at": _iso(r[6]),
                "title": r[7],
                **({"shared_by": shared[r[0]]} if r[0] in shared else {}),
            },
            "t": r[6],
            "entry": r[8],
            "words": r[9],
        }
        for r in rows
    }


def _shared_by(con: duckdb.DuckDBPyConnection, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Posts in the workspace linking each article: how many, and a few of the accounts."""
    rows = con.execute(
        f"""
        SELECT a.article_id, count(DISTINCT p.post_id) AS posts,
               count(DISTINCT p.asset_id) AS accounts,
               list(DISTINCT {{'platform': s.platform, 'kind': s.kind,
                               'native_id': s.native_id}})[:{MAX_SHARERS}] AS examples
        FROM articles a
        JOIN post_urls u ON u.url_norm = a.url_norm
        JOIN posts p ON p.post_id = u.post_id
        JOIN assets s ON s.asset_id = p.asset_id
        WHERE a.article_id IN (SELECT unnest($ids))
        GROUP BY a.article_id
        """,
        {"ids": ids},
    ).fetchall()
    return {
        r[0]: {
            "posts": r[1],
            "accounts": r[2],
            "examples": sorted(r[3], key=lambda x: (x["platform"], x["kind"], x["native_id"])),
        }
        for r in rows
    }


def _state_ref(a: dict[str, Any]) -> dict[str, Any]:
    return dict(a["ref"])


def _cut(words: list[str], lo: int, hi: int) -> str:
    if hi - lo > MAX_PASSAGE_WORDS:
        half = MAX_PASSAGE_WORDS // 2
        return " ".join(words[lo : lo + half]) + " … " + " ".join(words[hi - half : hi])
    return " ".join(words[lo:hi])


def _passages(ps: list[dict], src: dict, dst: dict, src_key: str, dst_key: str) -> list[dict]:
    return [
        {
            src_key: _cut(src["words"], p["a0"], p["a1"]),
            dst_key: _cut(dst["words"], p["b0"], p["b1"]),
            f"{src_key}_words": [p["a0"], p["a1"]],
            f"{dst_key}_words": [p["b0"], p["b1"]],
            "seeds": p["seeds"],
        }
        for p in ps
    ]


def _hours(a: Any, b: Any) -> float:
    return round((b - a).total_seconds() / 3600, 2)


def launder(
    ws: Workspace,
    outlets_file: str | Path | None = None,
    params: ReuseParams | None = None,
    step: Callable[[str], None] | None = None,
    write: bool = True,
) -> dict[str, Any]:
    """Trace laundering chains in a workspace's articles; writes `W/out/laundering.json`."""
    started = time.perf_counter()
    say = step or (lambda s: None)
    con = ws.con
    say("state outlets")
    outlets = load_outlets(outlets_file)
    n_state = classify(con, outlets)
    counts, chosen = build_chains(con, params, step=say)
    say("writing")
    found = collect(con, chosen)
    ids = {c["state_id"] for c in found["carries"]} | {c["inter_id"] for c in found["carries"]}
    ids |= {c["cite_id"] for c in found["citebacks"]}
    art = _articles(con, ids)
    cites: dict[int, list[dict]] = {}
    for c in found["citebacks"]:
        cites.setdefault(c["inter_id"], []).append(c)

    chains: list[dict[str, Any]] = []
    reuses: list[dict[str, Any]] = []
    carried: dict[int, dict[str, Any]] = {}  # intermediary article -> what rank() needs
    for k in found["carries"]:
        s, i = art[k["state_id"]], art[k["inter_id"]]
        credited = k["credit_link"] or k["credit_name"]
        passages = _passages(k["passages"], s, i, "state", "intermediary")
        base = {
            "state": _state_ref(s),
            "intermediary": dict(i["ref"]),
            "credited": credited,
            "credit": {"link": k["credit_link"], "names_outlet": k["credit_name"]},
            "shared_words": k["shared_words"],
            "intermediary_words": k["inter_words"],
            "coverage": round(k["shared_words"] / k["inter_words"], 3) if k["inter_words"] else 0,
            "passages": passages,
        }
        entry = carried.setdefault(
            k["inter_id"],
            {
                "outlet": i["ref"]["outlet"],
                "author": i["ref"]["author"],
                "domain": i["ref"]["domain"],
                "credited": True,
                "words": 0,
                "coverage": 0.0,
                "chain_ids": [],
                "reuse_id": None,
            },
        )
        entry["credited"] = entry["credited"] and credited
        entry["words"] += k["new_words"]
        entry["coverage"] = min(1.0, entry["words"] / max(k["inter_words"], 1))
        if k["inter_id"] not in cites:
            rid = f"reuse-{len(reuses) + 1:04d}"
            reuses.append({"id": rid, **base, "passages": passages[:3]})
            if entry["reuse_id"] is None:
                entry["reuse_id"] = rid
            continue
        for c in cites[k["inter_id"]]:
            cb = art[c["cite_id"]]
            cid = f"chain-{len(chains) + 1:04d}"
            chains.append(
                {
                    "id": cid,
                    **base,
                    "citeback": _state_ref(cb),
                    "citeback_how": c["how"],
                    "citeback_passages": _passages(
                        c["passages"], cb, i, "citeback", "intermediary"
                    )[:3],
                    "gaps_hours": [_hours(s["t"], i["t"]), _hours(i["t"], cb["t"])],
                }
            )
            entry["chain_ids"].append(cid)

    words_by_author = {
        (o or d or "", a or ""): int(n)
        for o, d, a, n in con.execute(f"""
            SELECT a.outlet, a.domain, a.author, sum(len(d.words))
            FROM articles a JOIN {DOCS} d USING (article_id) WHERE NOT d.side GROUP BY ALL
        """).fetchall()
    }
    authors, outlets_ranked = rank(list(carried.values()), words_by_author)
    used = sorted({art[k]["entry"] for k in ids if art[k]["entry"] is not None})
    result = {
        "format": FORMAT_VERSION,
        "summary": {
            "articles": counts["articles"],
            "state_articles": n_state,
            "reuse_pairs": counts["reuse_pairs"],
            "intermediary_articles": len(carried),
            "chains": len(chains),
            "uncited_reuses": len(reuses),
            "intermediary_authors": len(authors),
            "seconds": round(time.perf_counter() - started, 2),
        },
        "params": asdict(params or ReuseParams()),
        "chains": chains,
        "intermediaries": authors,
        "intermediary_outlets": outlets_ranked,
        "reuses": reuses,
        "state_outlets": [outlets[e].as_json() for e in used],
    }
    if write:
        path = ws.out / OUTPUT
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)
    return result
