"""Text reuse between state and other articles: verbatim, reworded, partial, Persian, none."""

from __future__ import annotations

import pytest

from cibwatch.laundering.chains import DOCS, prepare_docs
from cibwatch.laundering.outlets import classify, load_outlets
from cibwatch.laundering.reuse import ReuseParams, find_reuse, words_sql
from laundering_world import (
    OWN_EN,
    OWN_FA,
    REPORT_EN,
    REWORDED_EN,
    STATE_EN,
    STATE_FA,
    article,
    copy_fa,
    workspace,
)


def reuse_pairs(ws) -> dict[tuple[str, str], dict]:
    """{(state id, other id): row} for every reuse pair found."""
    classify(ws.con, load_outlets())
    prepare_docs(ws.con)
    find_reuse(ws.con, DOCS, ReuseParams())
    rows = ws.con.execute("""
        SELECT sa.native_id, sb.native_id, r.a_shared, r.b_shared, r.a_words, r.b_words,
               r.passages
        FROM _cw_reuse r JOIN articles sa ON sa.article_id = r.a_id
        JOIN articles sb ON sb.article_id = r.b_id
    """).fetchall()
    return {
        (a, b): {"a_shared": x, "b_shared": y, "a_words": n, "b_words": m, "passages": p}
        for a, b, x, y, n, m, p in rows
    }


STATE = article("ptv-1", "presstv.ir", "Press TV", 0, STATE_EN)


def test_verbatim_copy_is_found_whole(tmp_path):
    copy = article("ghr-1", "globalhorizonreview.com", "Global Horizon Review", 20, STATE_EN)
    ws = workspace(tmp_path / "w", [STATE, copy])
    pairs = reuse_pairs(ws)
    row = pairs[("ptv-1", "ghr-1")]
    assert row["b_shared"] == row["b_words"]  # every word of the copy is aligned
    assert len(row["passages"]) == 1


def test_reworded_copy_is_found(tmp_path):
    copy = article("ghr-2", "globalhorizonreview.com", "Global Horizon Review", 20, REWORDED_EN)
    ws = workspace(tmp_path / "w", [STATE, copy])
    row = reuse_pairs(ws)[("ptv-1", "ghr-2")]
    # Synonyms break the seeds around them; the swap and the dropped sentence split passages.
    assert row["b_shared"] >= 0.8 * row["b_words"]
    assert len(row["passages"]) >= 2


def test_partial_passage_is_located(tmp_path):
    inside = OWN_EN[:2] + STATE_EN[2:5] + OWN_EN[2:]
    copy = article("fpt-1", "freethinkerpost.net", "The Free Thinker Post", 30, inside)
    ws = workspace(tmp_path / "w", [STATE, copy])
    row = reuse_pairs(ws)[("ptv-1", "fpt-1")]
    [p] = row["passages"]
    words = ws.con.execute(
        f"SELECT {words_sql('text_norm')} FROM articles WHERE native_id = 'fpt-1'"
    ).fetchall()[0][0]
    start = sum(len(s.split()) for s in OWN_EN[:2])
    length = sum(len(s.split()) for s in STATE_EN[2:5])
    # The aligned span is the three copied sentences (word counts include "120", "MEK"...).
    assert abs(p["b0"] - start) <= 1 and abs(p["b1"] - (start + length)) <= 1
    assert " ".join(words[p["b0"] : p["b1"]]).startswith("according to the spokesman")
    state_start = sum(len(s.split()) for s in STATE_EN[:2])
    assert abs(p["a0"] - state_start) <= 1


def test_persian_copy_typed_differently_is_found(tmp_path):
    state = article("tasnim-1", "tasnimnews.com", "Tasnim News Agency", 0, STATE_FA, lang="fa")
    inside = OWN_FA[:1] + copy_fa(STATE_FA[1:5]) + OWN_FA[1:]
    copy = article("sedaye-1", "sedayemostaghel.com", "Sedaye Mostaghel", 12, inside, lang="fa")
    ws = workspace(tmp_path / "w", [state, copy])
    row = reuse_pairs(ws)[("tasnim-1", "sedaye-1")]
    copied = sum(len(s.replace("\u200c", " ").split()) for s in STATE_FA[1:5])
    assert row["b_shared"] >= 0.9 * copied


def test_report_on_the_same_event_is_not_reuse(tmp_path):
    report = article("atlas-1", "atlaswire.com", "Atlas Wire", 6, REPORT_EN)
    ws = workspace(tmp_path / "w", [STATE, report])
    assert reuse_pairs(ws) == {}


@pytest.mark.parametrize("side", ["state", "other"])
def test_only_pairs_across_sides_are_compared(tmp_path, side):
    # Two state outlets copying each other (or two independent outlets) are not laundering.
    domain = "farsnews.ir" if side == "state" else "atlaswire.com"
    twin = article("twin-1", domain, "Twin", 5, STATE_EN)
    first = STATE if side == "state" else article("atlas-0", "atlaswire.com", "A", 0, STATE_EN)
    ws = workspace(tmp_path / "w", [first, twin])
    assert reuse_pairs(ws) == {}
