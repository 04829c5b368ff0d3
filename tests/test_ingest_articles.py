"""News articles as JSON lines: fields, UTC times, links, broken lines, wrong files."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest

from cibwatch.errors import FormatError
from cibwatch.ingest import detect_format, ingest_file

FIX = Path(__file__).parent / "fixtures" / "ingest"


def q(ws, sql, *params):
    return ws.con.execute(sql, list(params)).fetchall()


def test_detected(ws, tmp_path):
    assert detect_format(ws, FIX / "articles.jsonl") == "articles"
    gz = tmp_path / "articles.jsonl.gz"
    gz.write_bytes(gzip.compress((FIX / "articles.jsonl").read_bytes()))
    assert detect_format(ws, gz) == "articles"


def test_articles_fields_and_links(ws):
    res = ingest_file(ws, FIX / "articles.jsonl")
    assert (res.rows_read, res.articles, res.quarantined) == (4, 4, 0)
    rows = {
        r[0]: r[1:]
        for r in q(
            ws, "SELECT native_id, outlet, domain, url_norm, author, published_at FROM articles"
        )
    }
    assert rows["presstv-2021-0912-01"] == (
        "Press TV",
        "presstv.ir",
        "https://presstv.ir/Detail/2021/09/12/666001/Iran-MKO-terrorists",
        "Press TV staff",
        dt.datetime(2021, 9, 12, 4, 0),  # +04:30 converted to UTC
    )
    assert rows["tasnim-2570001"][0] == "خبرگزاری تسنیم"
    # No `domain` field: the registered domain of the url.
    assert rows["blog-77"][1] == "example.org"
    assert rows["1004"][3] is None  # numeric id and null author
    text_norm = q(ws, "SELECT text_norm FROM articles WHERE native_id = 'tasnim-2570001'")[0][0]
    assert "به گزارش خبرگزاری تسنیم" in text_norm
    links = q(
        ws,
        "SELECT a.native_id, l.url_norm FROM article_links l JOIN articles a USING (article_id) "
        "ORDER BY 1, 2",
    )
    assert links == [
        ("1004", "https://independent-voice.example.org/2021/09/13/mko"),
        ("blog-77", "https://presstv.ir/Detail/2021/09/12/666001/Iran-MKO-terrorists"),
        ("presstv-2021-0912-01", "https://en.irna.ir/news/84467001/"),
        ("presstv-2021-0912-01", "https://tasnimnews.com/fa/news/1400/06/21/2570001/"),
    ]


def test_bad_lines_go_to_quarantine(ws, tmp_path):
    good = (FIX / "articles.jsonl").read_bytes().splitlines()
    lines = [
        good[0],
        b'{"id": "broken", "outlet": "x", "url": "https://x.ir/1", "published_at": ',  # line 2
        b"",  # a blank line counts for numbering but is not a record
        b'{"id": "bad-utf8", "url": "https://x.ir/2", "published_at": "2021-09-01", "text": "\xff"}',
        good[1],
        b'{"id": "no-time", "url": "https://x.ir/3", "published_at": "soon", "text": "t"}',
        b'["an", "array"]',
        b'{"url": "", "published_at": "2021-09-01", "text": "no id and no url"}',
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    res = ingest_file(ws, path, "articles")
    assert (res.rows_read, res.articles, res.quarantined) == (7, 2, 5)
    got = {
        r[0]: (r[1].split(":")[0], r[2]) for r in q(ws, "SELECT line, reason, raw FROM quarantine")
    }
    assert {k: v[0] for k, v in got.items()} == {
        2: "broken json",
        4: "invalid utf-8",
        6: "unparseable time",
        7: "not a JSON object",
        8: "missing id",
    }
    assert got[2][1] == lines[1].decode()
    assert {r[0] for r in q(ws, "SELECT native_id FROM articles")} == {
        "presstv-2021-0912-01",
        "tasnim-2570001",
    }


def test_not_articles_names_missing_fields(ws, tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text('{"event": "click", "when": "2021-09-01"}\n', encoding="utf-8")
    with pytest.raises(
        FormatError, match=r"events.jsonl.*missing field\(s\) url, published_at, text"
    ):
        ingest_file(ws, path, "articles")


def test_reingest_adds_nothing(ws):
    ingest_file(ws, FIX / "articles.jsonl")
    res = ingest_file(ws, FIX / "articles.jsonl", force=True)
    assert (res.articles, res.duplicates) == (0, 4)
    assert q(ws, "SELECT count(*) FROM articles") == [(4,)]
    assert q(ws, "SELECT count(*) FROM article_links") == [(4,)]
