"""The peer tools' input files: QUT coordination-network-toolkit CSV and CooRTweet's table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cibwatch.errors import FormatError
from cibwatch.ingest import detect_format, ingest_file
from cibwatch.ingest.base import StageContext
from cibwatch.ingest.peers import QutCnt
from cibwatch.ingest.staging import create_staging, drop_staging

FIX = Path(__file__).parent / "fixtures" / "ingest"
DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
COORD = DATA / "real" / "coortweet" / "russian_coord_tweets.csv.gz"


def q(ws, sql, *params):
    return ws.con.execute(sql, list(params)).fetchall()


def test_detected(ws):
    assert detect_format(ws, FIX / "qut_cnt.csv") == "qut-cnt"
    assert detect_format(ws, FIX / "coortweet.csv") == "coortweet"


def test_qut_cnt(ws):
    res = ingest_file(ws, FIX / "qut_cnt.csv")
    assert (res.rows_read, res.posts, res.assets, res.quarantined) == (3, 3, 3, 0)
    rows = {
        r[0]: r[1:]
        for r in q(
            ws,
            "SELECT p.native_id, a.platform, a.native_id, a.handle, p.created_at, "
            "p.shared_post_id, p.reply_to FROM posts p JOIN assets a USING (asset_id)",
        )
    }
    assert rows["1001"] == ("twitter", "u1", "ali_1400", dt.datetime(2021, 9, 1, 9, 25), None, None)
    assert rows["1002"][4] == "1001"  # repost_id -> shared_post_id
    assert rows["1003"][2] == "reza" and rows["1003"][5] == "1001"
    assert rows["1003"][3] == dt.datetime(2021, 9, 1, 9, 26, 40, 500000)
    urls = q(
        ws,
        "SELECT p.native_id, u.url_norm FROM post_urls u JOIN posts p USING (post_id) ORDER BY 1, 2",
    )
    # The urls column is authoritative: 1002's message has none and its urls cell is empty.
    assert urls == [
        ("1001", "https://tasnimnews.com/fa/news/1/"),
        ("1003", "https://presstv.ir/a"),
        ("1003", "https://t.co/xyz"),
    ]
    assert q(ws, "SELECT DISTINCT hashtag FROM post_hashtags") == [("منافقین",)]
    assert q(ws, "SELECT mention FROM post_mentions") == [("ali_1400",)]


def test_platform_option(ws, tmp_path):
    # Adapter options come through StageContext; an unknown platform is one readable error.
    con = ws.con
    create_staging(con)
    try:
        QutCnt().stage(
            StageContext(con=con, path=FIX / "qut_cnt.csv", options={"platform": "telegram"})
        )
        assert con.execute("SELECT DISTINCT platform FROM stg_posts").fetchall() == [("telegram",)]
        with pytest.raises(FormatError, match="unknown platform 'myspace'"):
            QutCnt().stage(
                StageContext(con=con, path=FIX / "qut_cnt.csv", options={"platform": "myspace"})
            )
    finally:
        drop_staging(con)


def test_platform_from_the_cli(tmp_path):
    from typer.testing import CliRunner

    from cibwatch.cli import app

    runner = CliRunner()
    w = tmp_path / "w"
    args = ["ingest", str(FIX / "coortweet.csv"), "-w", str(w), "--format", "coortweet"]
    assert runner.invoke(app, [*args, "--platform", "facebook"]).exit_code == 0
    # The same file as another platform is another source, not a re-ingest.
    assert runner.invoke(app, args).exit_code == 0
    bad = runner.invoke(
        app, ["ingest", str(FIX / "qut_cnt.csv"), "-w", str(w), "--platform", "myspace"]
    )
    assert bad.exit_code != 0
    assert "unknown platform 'myspace'" in str(bad.exception)
    wrong = runner.invoke(
        app, ["ingest", str(FIX / "articles.jsonl"), "-w", str(w), "--platform", "facebook"]
    )
    assert wrong.exit_code != 0
    assert "--platform does not apply to the articles format" in str(wrong.exception)
    from cibwatch.store import Workspace

    with Workspace(w) as ws2:
        got = ws2.con.execute(
            "SELECT a.platform, count(*) FROM posts p JOIN assets a USING (asset_id) "
            "GROUP BY 1 ORDER BY 1"
        ).fetchall()
    n = got[0][1]
    assert got == [("facebook", n), ("twitter", n)]


def test_coortweet_keeps_every_share(ws):
    res = ingest_file(ws, FIX / "coortweet.csv")
    assert (res.rows_read, res.posts, res.assets) == (5, 5, 3)
    rows = q(
        ws,
        "SELECT p.native_id, a.native_id, p.shared_post_id, p.created_at FROM posts p "
        "JOIN assets a USING (asset_id) ORDER BY p.post_id",
    )
    assert rows[0] == ("c1", "a1", "o1", dt.datetime(2021, 6, 16, 22, 4, 51))
    # content c3 shares two objects: the repeat keeps its row under "c3#2".
    assert [(r[0], r[2]) for r in rows[2:4]] == [("c3", "o2"), ("c3#2", "o3")]


def test_bad_rows(ws, tmp_path):
    path = tmp_path / "shares.csv"
    path.write_bytes(
        (FIX / "coortweet.csv").read_bytes()
        + b"o9,a9,c9,yesterday\n"
        + b"o9,a9\n"
        + b"o9,\xff\xfe,c10,1623882004\n"
        + b",a9,c11,1623882004\n"
    )
    res = ingest_file(ws, path, "coortweet")
    assert (res.rows_read, res.posts, res.quarantined) == (9, 5, 4)
    got = {
        line: reason.split(":")[0] for line, reason in q(ws, "SELECT line, reason FROM quarantine")
    }
    assert got == {
        7: "unparseable time",
        8: "wrong column count",
        9: "invalid utf-8",
        10: "missing id",
    }


def test_wrong_format_names_missing_columns(ws):
    with pytest.raises(
        FormatError, match=r"qut_cnt.csv.*missing column\(s\) object_id, account_id"
    ):
        ingest_file(ws, FIX / "qut_cnt.csv", "coortweet")


def test_reingest_adds_nothing(ws):
    ingest_file(ws, FIX / "qut_cnt.csv")
    res = ingest_file(ws, FIX / "qut_cnt.csv", force=True)
    assert (res.posts, res.assets, res.duplicates) == (0, 0, 3)
    assert q(ws, "SELECT count(*) FROM post_urls") == [(3,)]


@pytest.mark.skipif(not COORD.exists(), reason="shared real data not present")
def test_real_coortweet_file_ingests_completely(ws):
    res = ingest_file(ws, COORD)
    assert res.format == "coortweet"
    assert (res.rows_read, res.posts, res.quarantined) == (35125, 35125, 0)
    assert q(ws, "SELECT count(DISTINCT asset_id) FROM posts") == [(9509,)]
    assert q(ws, "SELECT count(*) FROM posts WHERE shared_post_id IS NULL") == [(0,)]
