"""The generic adapter: TOML mappings (validated in full), CSV / JSON lines / Parquet, the IRA file."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import duckdb
import pytest

from cibwatch.errors import MappingError
from cibwatch.ingest import ingest_file
from cibwatch.ingest.mapping import load_mapping
from cibwatch.store import Workspace

ROOT = Path(__file__).resolve().parents[1]
FIX = Path(__file__).parent / "fixtures" / "ingest"
IRA = ROOT / ".." / "shared" / "data" / "real" / "ira-2016q4"
MAPS = ROOT / "examples" / "mappings"


def q(ws, sql, *params):
    return ws.con.execute(sql, list(params)).fetchall()


def test_jsonl_with_mapping(ws):
    res = ingest_file(ws, FIX / "generic_posts.jsonl", mapping=FIX / "generic_posts.toml")
    assert res.format == "generic"
    assert (res.rows_read, res.posts, res.assets, res.quarantined) == (4, 2, 2, 2)
    assert q(
        ws, "SELECT platform, kind, native_id, display_name, followers FROM assets ORDER BY 3"
    ) == [
        ("telegram", "account", "u_100", "کاربر یک", 1200),
        ("telegram", "account", "u_200", "User Two", 15),
    ]
    assert q(ws, "SELECT native_id, created_at FROM posts ORDER BY 1") == [
        ("p1", dt.datetime(2021, 9, 1, 13, 35)),  # time_format %d/%m/%Y
        ("p2", dt.datetime(2021, 9, 2, 8, 0)),
    ]
    # hashtags from the split column (not from the text), URLs from the text.
    assert q(ws, "SELECT hashtag FROM post_hashtags ORDER BY position") == [
        ("ایران",),
        ("منافقین",),
    ]
    assert q(ws, "SELECT url_norm FROM post_urls") == [("https://presstv.ir/x",)]
    assert q(ws, "SELECT line, reason FROM quarantine ORDER BY line") == [
        (3, "missing id: posts.native_id is empty"),
        (4, "unparseable time: posts.created_at"),
    ]


def test_csv_and_parquet_give_the_same_rows(ws, tmp_path):
    csv = tmp_path / "export.csv"
    csv.write_text(
        "id,who,at,body,kind\n"
        "1,a,2021-09-01T10:00:00+03:30,سلام #ایران,orig\n"
        "2,b,2021-09-01T10:00:05+03:30,سلام #ایران,rt\n"
        "3,c,2021-09-01 06:31:00,www.presstv.ir/x,orig\n",
        encoding="utf-8",
    )
    con = duckdb.connect()
    parquet = tmp_path / "export.parquet"
    con.execute(
        "COPY (SELECT * FROM read_csv(?, all_varchar = true)) TO '"
        + str(parquet)
        + "' (FORMAT parquet)",
        [str(csv)],
    )
    con.close()
    mapping = {
        "posts": {
            "platform": "twitter",
            "native_id": "id",
            "asset_native_id": "who",
            "created_at": "at",
            "text": "body",
            "shared_post_id": {
                "hash": ["body"],
                "prefix": "rt:",
                "when": {"column": "kind", "in": ["rt"]},
            },
        }
    }
    ingest_file(ws, csv, "generic", mapping=mapping)
    rows = q(ws, "SELECT native_id, created_at, shared_post_id FROM posts ORDER BY 1")
    assert rows[0] == ("1", dt.datetime(2021, 9, 1, 6, 30), None)
    assert rows[1][2].startswith("rt:") and len(rows[1][2]) == 35
    assert q(ws, "SELECT DISTINCT hashtag FROM post_hashtags") == [("ایران",)]
    w2 = Workspace(tmp_path / "ws2")
    try:
        ingest_file(w2, parquet, "generic", mapping=mapping)
        assert (
            w2.con.execute(
                "SELECT native_id, created_at, shared_post_id FROM posts ORDER BY 1"
            ).fetchall()
            == rows
        )
    finally:
        w2.close()


def test_venue_and_reingest(ws, tmp_path):
    csv = tmp_path / "group_posts.csv"
    csv.write_text(
        "post,member,group,at,text\n"
        "g1/1,m1,g1,2021-09-01 10:00,سلام\n"
        "g1/2,m2,g1,2021-09-01 10:01,درود\n",
        encoding="utf-8",
    )
    mapping = {
        "posts": {
            "platform": "facebook",
            "venue_kind": "group",
            "native_id": "post",
            "asset_native_id": "member",
            "venue_native_id": "group",
            "created_at": "at",
            "text": "text",
        }
    }
    res = ingest_file(ws, csv, mapping=mapping)
    assert (res.posts, res.assets) == (2, 3)
    assert q(
        ws,
        "SELECT a.kind, a.native_id, v.platform, v.kind, v.native_id FROM posts p "
        "JOIN assets a USING (asset_id) JOIN assets v ON v.asset_id = p.venue_id ORDER BY 2",
    ) == [
        ("account", "m1", "facebook", "group", "g1"),
        ("account", "m2", "facebook", "group", "g1"),
    ]
    before = q(ws, "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM assets)")
    assert ingest_file(ws, csv, mapping=mapping).skipped
    res = ingest_file(ws, csv, mapping=mapping, force=True)
    assert (res.posts, res.assets, res.duplicates) == (0, 0, 2)
    assert q(ws, "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM assets)") == before


def test_time_format_with_offset(ws, tmp_path):
    csv = tmp_path / "t.csv"
    csv.write_text("id,who,at\n1,a,01.09.2021 10:00 +0330\n", encoding="utf-8")
    mapping = {
        "posts": {
            "platform": "web",
            "native_id": "id",
            "asset_native_id": "who",
            "created_at": {"column": "at", "format": "%d.%m.%Y %H:%M %z"},
        }
    }
    ingest_file(ws, csv, mapping=mapping)
    assert q(ws, "SELECT created_at FROM posts") == [(dt.datetime(2021, 9, 1, 6, 30),)]


@pytest.mark.parametrize(
    ("name", "sep", "declared"),
    [("export.tsv", "\t", None), ("export.csv", ";", ";"), ("export.txt", "|", "|")],
)
def test_delimiters(ws, tmp_path, name, sep, declared):
    path = tmp_path / name
    path.write_text(
        sep.join(["id", "who", "at", "body"])
        + "\n"
        + sep.join(["1", "a", "2021-09-01 10:00", "سلام, دنیا #ایران"])
        + "\n"
        + sep.join(["2", "b", "yesterday", "x"])
        + "\n",
        encoding="utf-8",
    )
    mapping = {
        "input": {"delimiter": declared} if declared else {},
        "posts": {
            "platform": "twitter",
            "native_id": "id",
            "asset_native_id": "who",
            "created_at": "at",
            "text": "body",
        },
    }
    res = ingest_file(ws, path, "generic", mapping=mapping)
    assert (res.posts, res.quarantined) == (1, 1)
    assert q(ws, "SELECT text FROM posts") == [("سلام, دنیا #ایران",)]
    assert q(ws, "SELECT line FROM quarantine") == [(3,)]


def test_mapping_reports_every_problem_numbered(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        """
[input]
format = "xlsx"
colour = "blue"
delimiter = ";;"

[posts]
platform = "myspace"
asset_kind = "person"
native_id = { column = "id", value = "x" }
created_at = { column = "t", format = "no layout" }
likes = 3
hashtags = { column = "tags", split = "" }
feelings = "mood"
shared_post_id = { hash = ["a"], when = { column = "k" } }
""",
        encoding="utf-8",
    )
    with pytest.raises(MappingError) as err:
        load_mapping(bad)
    msg = str(err.value)
    expected = [
        "input.colour: unknown key",
        "input.delimiter: must be one character",
        "input.format: 'xlsx'",
        "posts.platform: 'myspace'",
        "posts.asset_kind: 'person'",
        "posts.asset_native_id: required",
        "posts.native_id: give exactly one of column, value or hash",
        "posts.created_at.format: must be a strptime layout",
        "posts.likes: must be a column name",
        "posts.hashtags.split: must be a non-empty string",
        "posts.feelings: unknown field",
        "posts.shared_post_id.when: give exactly one of equals, in, not_in",
    ]
    for part in expected:
        assert part in msg, part
    assert f"{len(expected)} problem(s)" in msg
    assert "Error n°1 at " in msg and f"Error n°{len(expected)} at " in msg


def test_mapping_must_fit_the_file(ws, tmp_path):
    csv = tmp_path / "x.csv"
    csv.write_text("a,b\n1,2\n", encoding="utf-8")
    mapping = {
        "posts": {
            "platform": "web",
            "native_id": "a",
            "asset_native_id": "who",
            "created_at": "when",
        }
    }
    with pytest.raises(MappingError) as err:
        ingest_file(ws, csv, "generic", mapping=mapping)
    assert "posts.asset_native_id: column 'who' is not in x.csv" in str(err.value)
    assert "posts.created_at: column 'when' is not in x.csv" in str(err.value)
    assert q(ws, "SELECT count(*) FROM sources") == [(0,)]


def test_generic_needs_a_mapping(ws):
    with pytest.raises(MappingError, match="needs a column mapping"):
        ingest_file(ws, FIX / "qut_cnt.csv", "generic")


def test_broken_mapping_file(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text("[posts\nplatform = ", encoding="utf-8")
    with pytest.raises(MappingError, match="m.toml: not valid TOML"):
        load_mapping(path)


def test_bad_rows(ws, tmp_path):
    csv = tmp_path / "x.csv"
    csv.write_bytes(b"id,who,at\n1,a,2021-09-01\n2,b\n3,\xff,2021-09-01\n4,d,never\n")
    mapping = {
        "posts": {
            "platform": "web",
            "native_id": "id",
            "asset_native_id": "who",
            "created_at": "at",
        }
    }
    res = ingest_file(ws, csv, "generic", mapping=mapping)
    assert (res.rows_read, res.posts, res.quarantined) == (4, 1, 3)
    got = {
        line: reason.split(":")[0] for line, reason in q(ws, "SELECT line, reason FROM quarantine")
    }
    assert got == {3: "wrong column count", 4: "invalid utf-8", 5: "unparseable time"}


def test_assets_mapping(ws, tmp_path):
    csv = tmp_path / "authors.csv"
    csv.write_text(
        "author_id,author,account_category\n1488reasons,1488reasons,NonEnglish\n", encoding="utf-8"
    )
    res = ingest_file(ws, csv, mapping=MAPS / "ira-fivethirtyeight-authors.toml")
    assert res.assets == 1
    assert q(ws, "SELECT platform, kind, native_id, handle FROM assets") == [
        ("twitter", "account", "1488reasons", "1488reasons")
    ]


def test_example_mappings_are_valid():
    for path in MAPS.glob("*.toml"):
        load_mapping(path)


@pytest.mark.slow
@pytest.mark.skipif(not (IRA / "tweets.csv.gz").exists(), reason="shared real data not present")
def test_ira_fivethirtyeight_real_file(ws):
    tweets = IRA / "tweets.csv.gz"
    start = time.perf_counter()
    res = ingest_file(ws, tweets, mapping=MAPS / "ira-fivethirtyeight.toml")
    elapsed = time.perf_counter() - start
    total = (
        duckdb.connect()
        .execute("SELECT count(*) FROM read_csv(?, all_varchar = true)", [str(tweets)])
        .fetchall()[0][0]
    )
    assert total == res.rows_read == 326980
    # Every row accounted for: loaded + quarantined + duplicates (the same tweet harvested twice).
    assert res.posts + res.quarantined + res.duplicates == total
    assert res.posts == q(ws, "SELECT count(*) FROM posts")[0][0] > 300000
    assert res.quarantined == 0
    assert q(ws, "SELECT count(*) FROM assets") == [(598,)]
    # Retweets of the same text share a shared_post_id; originals have none.
    assert q(ws, "SELECT count(*) FROM posts WHERE shared_post_id IS NOT NULL")[0][0] > 100000
    print(
        f"IRA: {res.posts} posts, {res.duplicates} duplicates, {res.quarantined} quarantined in {elapsed:.1f}s"
    )
    # authors.csv joins on the handle.
    res2 = ingest_file(ws, IRA / "authors.csv", mapping=MAPS / "ira-fivethirtyeight-authors.toml")
    assert res2.rows_read == 2856
    assert q(ws, "SELECT count(*) FROM assets") == [(598 + res2.assets,)]
