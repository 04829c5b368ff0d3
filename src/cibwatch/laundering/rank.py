"""Rank intermediaries (authors and outlets) by how often they carry state content uncredited."""

from __future__ import annotations

from typing import Any

Key = tuple[str, str]
CREDITED = 0.5  # weight of state text carried with credit, against 1 without


def _entry(outlet: str, author: str | None, domain: str | None) -> dict[str, Any]:
    return {
        "author": author,
        "outlet": outlet,
        "domain": domain,
        "chains": 0,
        "uncredited": 0,
        "score": 0.0,
        "credited": 0,
        "articles": 0,
        "state_words": 0,
        "chain_ids": [],
        "reuse_ids": [],
    }


def rank(
    carried: list[dict[str, Any]],
    words_by_author: dict[Key, int],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(authors, outlets), each ranked most-suspect first.

    `carried` has one item per intermediary article carrying state content: {outlet, author,
    domain, credited (every source credited), words (its words from state sources), coverage
    (their share of the article), chain_ids, reuse_id}. Score: for each such article, the
    share of it that is state text (a republished state article 1, a stock sentence inside an
    original report a fifth), halved when the source is credited, plus 1 for each time state
    media cited the article back as independent confirmation (the laundering loop closed).
    Ties: more uncredited articles first, then the share of everything they wrote that is
    state text (a news desk quoting one state sentence ranks low; a byline that is mostly
    state copy ranks high).
    """
    authors: dict[Key, dict[str, Any]] = {}
    outlets: dict[str, dict[str, Any]] = {}
    for c in carried:
        outlet = c["outlet"] or c["domain"] or ""
        a = authors.setdefault(
            (outlet, c["author"] or ""), _entry(outlet, c["author"], c["domain"])
        )
        o = outlets.setdefault(outlet, _entry(outlet, None, c["domain"]))
        for e in (a, o):
            e["articles"] += 1
            e["uncredited" if not c["credited"] else "credited"] += 1
            e["score"] += c["coverage"] * (1.0 if not c["credited"] else CREDITED) + len(
                c["chain_ids"]
            )
            e["chains"] += len(c["chain_ids"])
            e["state_words"] += c["words"]
            e["chain_ids"] += c["chain_ids"]
            if c["reuse_id"] is not None:
                e["reuse_ids"].append(c["reuse_id"])
    outlet_words: dict[str, int] = {}
    for (outlet, _author), n in words_by_author.items():
        outlet_words[outlet] = outlet_words.get(outlet, 0) + n
    for e in (*authors.values(), *outlets.values()):
        e["score"] = round(e["score"], 3)
    for (outlet, author), e in authors.items():
        total = words_by_author.get((outlet, author), 0)
        e["state_share"] = round(e["state_words"] / total, 4) if total else None
    for outlet, e in outlets.items():
        total = outlet_words.get(outlet, 0)
        e["state_share"] = round(e["state_words"] / total, 4) if total else None
        e["authors"] = sorted({a for (o, a) in authors if o == outlet}, key=lambda x: (x == "", x))
        del e["author"]

    def key(e: dict[str, Any]) -> tuple:
        return (
            -round(e["score"], 6),
            -e["uncredited"],
            -e["chains"],
            -(e["state_share"] or 0.0),
            -e["articles"],
            e["outlet"],
            e.get("author") or "",
        )

    ranked_a = sorted(authors.values(), key=key)
    ranked_o = sorted(outlets.values(), key=key)
    for i, e in enumerate(ranked_a, 1):
        e["rank"] = i
    for i, e in enumerate(ranked_o, 1):
        e["rank"] = i
    return ranked_a, ranked_o
