"""The ingest core with the twitter-io adapter: normalization, quarantine, idempotence, crashes,
and the `cibwatch status --json` shape."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cibwatch.cli import app
from cibwatch.errors import FormatError
from cibwatch.ingest import detect_format, ingest_file
from cibwatch.store import Workspace

FIX = Path(__file__).parent / "fixtures" / "ingest"
TWEETS = FIX / "twitter_io_tweets.csv"
USERS = FIX / "twitter_io_users.csv"
TABLES = ("sources", "assets", "posts", "post_urls", "post_hashtags", "post_mentions", "quarantine")


def q(ws, sql, *params):
    return ws.con.execute(sql, list(params)).fetchall()


def counts(con) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in TABLES}


def test_detected(ws):
    assert detect_format(ws, TWEETS) == "twitter-io"
    assert detect_format(ws, USERS) == "twitter-io"


def test_tweets_and_users(ws):
    res = ingest_file(ws, TWEETS)
    assert (res.rows_read, res.posts, res.assets, res.quarantined) == (4, 3, 2, 1)
    acc = q(
        ws,
        "SELECT platform, kind, native_id, handle, display_name, followers, declared_location "
        "FROM assets ORDER BY native_id",
    )
    assert acc == [
        ("twitter", "account", "7b2e1d3f5c", "iranvoice_", "Iran Voice", None, "Iran"),
        ("twitter", "account", "9a1f0c2e4b", "sedaye_mellat", "صدای ملت", 1520, "تهران"),
    ]
    res = ingest_file(ws, USERS)
    assert (res.rows_read, res.assets, res.posts) == (2, 1, 0)
    # A known account keeps its values; a new one is added with its profile.
    assert q(ws, "SELECT followers FROM assets WHERE native_id = '9a1f0c2e4b'") == [(1520,)]
    assert q(
        ws, "SELECT handle, created_at::DATE::VARCHAR FROM assets WHERE native_id = '5c5c5c5c5c'"
    ) == [("third_acc", "2021-08-30")]


def test_links_between_posts(ws):
    ingest_file(ws, TWEETS)
    rows = {
        r[0]: r[1:]
        for r in q(
            ws, "SELECT native_id, shared_post_id, shared_user, reply_to, reply_to_user FROM posts"
        )
    }
    assert rows["1436000000000000002"][:2] == ("1436000000000000001", "9a1f0c2e4b")  # retweet
    assert rows["1436000000000000003"] == (None, None, "1436000000000000001", "9a1f0c2e4b")
    assert rows["1436000000000000001"] == (None, None, None, None)


def test_persian_text_and_hashtags(ws):
    ingest_file(ws, TWEETS)
    text, norm = q(ws, "SELECT text, text_norm FROM posts WHERE native_id = '1436000000000000001'")[
        0
    ]
    assert "#ايران" in text  # the original keeps the Arabic yeh ...
    assert "#ایران" in norm and "ي" not in norm  # ... the normalized form has the Persian one
    tags = q(
        ws,
        "SELECT h.hashtag FROM post_hashtags h JOIN posts p USING (post_id) "
        "WHERE p.native_id = '1436000000000000001' ORDER BY position",
    )
    assert tags == [("منافقین",), ("ایران",)]


def test_url_normalization(ws):
    ingest_file(ws, TWEETS)
    assert q(ws, "SELECT url, url_norm, domain FROM post_urls") == [
        (
            "https://www.tasnimnews.com/fa/news/1400/06/10/2570001?utm_source=twitter&id=7",
            "https://tasnimnews.com/fa/news/1400/06/10/2570001?id=7",
            "tasnimnews.com",
        )
    ]


def test_quarantine_reasons_and_lines(ws, tmp_path):
    ingest_file(ws, TWEETS)
    line, reason, raw = q(ws, "SELECT line, reason, raw FROM quarantine")[0]
    assert line == 5 and reason == "unparseable time: tweet_time '2021-13-45 99:99'"
    assert "a tweet with a broken time" in raw
    header, first = TWEETS.read_bytes().splitlines()[:2]
    bad = tmp_path / "bad_tweets.csv"
    bad.write_bytes(
        b"\n".join(
            [
                header,
                first,  # line 2: fine
                b"1436000000000000009,u9,only,three",  # line 3: wrong column count
                first.replace(b"1436000000000000001", b"1436000000000000010").replace(
                    "صدای ملت".encode(), b"\xd8\xff\xfe"
                ),  # line 4: invalid UTF-8
                first.replace(
                    b"1436000000000000001,9a1f0c2e4b", b"1436000000000000011,"
                ),  # 5: no user
            ]
        )
        + b"\n"
    )
    res = ingest_file(ws, bad)
    # Line 2 is a tweet already in the store: a duplicate, not a new post.
    assert (res.rows_read, res.posts, res.duplicates, res.quarantined) == (4, 0, 1, 3)
    got = {
        r[0]: r[1].split(":")[0]
        for r in q(ws, "SELECT line, reason FROM quarantine WHERE path = ?", str(bad))
    }
    assert got == {3: "wrong column count", 4: "invalid utf-8", 5: "missing id"}
    raws = dict(q(ws, "SELECT line, raw FROM quarantine WHERE path = ?", str(bad)))
    assert "only,three" in raws[3]


def test_quarantine_lines_count_line_breaks_inside_posts(ws, tmp_path):
    # Post text often spans lines; the quarantine must point at the file's own line numbers.
    header, first = TWEETS.read_bytes().splitlines()[:2]
    multi = first.replace(b"1436000000000000001", b"1436000000000000020").replace(
        "صدای ملت".encode(), '"صدای\nملت\r\nامروز"'.encode()
    )
    assert multi.count(b"\n") == 2
    bad = tmp_path / "multiline.csv"
    bad.write_bytes(
        b"\n".join(
            [
                header,  # line 1
                multi,  # lines 2-4
                b"1436000000000000021,u9,only,three",  # line 5: wrong column count
                multi.replace(b"1436000000000000020", b"1436000000000000022"),  # lines 6-8
                first.replace(b"1436000000000000001,9a1f0c2e4b", b"1436000000000000023,"),  # 9
            ]
        )
        + b"\n"
    )
    res = ingest_file(ws, bad)
    assert (res.rows_read, res.posts, res.quarantined) == (4, 2, 2)
    got = {
        r[0]: r[1].split(":")[0]
        for r in q(ws, "SELECT line, reason FROM quarantine WHERE path = ?", str(bad))
    }
    assert got == {5: "wrong column count", 9: "missing id"}
    text = bad.read_bytes().split(b"\n")
    assert text[4].startswith(b"1436000000000000021") and text[8].startswith(b"1436000000000000023")


def test_wrong_format_names_file_and_columns(ws, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("tweetid,text\n1,hello\n", encoding="utf-8")
    with pytest.raises(
        FormatError, match=r"notes.csv.*missing column\(s\) userid, tweet_text, tweet_time"
    ):
        ingest_file(ws, path, "twitter-io")
    with pytest.raises(FormatError, match="notes.csv: format not recognised"):
        ingest_file(ws, path)


def _content(con) -> dict[str, list]:
    """Everything a tweets file put in the store, keyed by native ids (not by the ids given)."""
    sql = {
        "assets": "SELECT * EXCLUDE (asset_id, source_id) FROM assets",
        "posts": "SELECT p.* EXCLUDE (post_id, asset_id, venue_id, source_id), a.native_id "
        "FROM posts p JOIN assets a USING (asset_id)",
        "post_urls": "SELECT p.native_id, u.* EXCLUDE (post_id) FROM post_urls u JOIN posts p USING (post_id)",
        "post_hashtags": "SELECT p.native_id, h.* EXCLUDE (post_id) "
        "FROM post_hashtags h JOIN posts p USING (post_id)",
        "post_mentions": "SELECT p.native_id, m.* EXCLUDE (post_id) "
        "FROM post_mentions m JOIN posts p USING (post_id)",
    }
    return {t: sorted(con.execute(q).fetchall(), key=repr) for t, q in sql.items()}


def test_clean_file_fast_path_stores_what_the_general_path_stores(tmp_path, monkeypatch):
    # A file with nothing to quarantine is staged in one pass over the reader; a file with a
    # bad row takes the general path. The rows they share must be stored the same way.
    from cibwatch.ingest import twitter_io

    lines = TWEETS.read_bytes().splitlines()
    clean = tmp_path / "clean.csv"
    # The clean file: every good row, one of them twice (a duplicate), stray header spaces.
    clean.write_bytes(b"\n".join([b" " + lines[0], *lines[1:4], lines[2]]) + b"\n")
    general = Workspace(tmp_path / "general")
    res = ingest_file(general, TWEETS)
    assert res.quarantined == 1
    fast = Workspace(tmp_path / "fast")

    def general_path(*args, **kwargs):
        raise AssertionError("the clean file took the general path")

    monkeypatch.setattr(twitter_io, "read_csv_lines", general_path)
    res = ingest_file(fast, clean)
    assert (res.rows_read, res.posts, res.duplicates, res.quarantined) == (4, 3, 1, 0)
    assert _content(fast.con) == _content(general.con)
    # Staged posts keep their file lines: the duplicate (line 5) is not the one kept.
    assert q(fast, "SELECT count(*) FROM posts WHERE post_id > 3") == [(0,)]
    general.close()
    fast.close()


def test_reingest_adds_nothing(ws):
    ingest_file(ws, TWEETS)
    ingest_file(ws, USERS)
    before = counts(ws.con)
    again = ingest_file(ws, TWEETS)
    assert again.skipped and again.posts == 0
    assert counts(ws.con) == before
    forced = ingest_file(ws, TWEETS, force=True)
    assert not forced.skipped
    assert (forced.posts, forced.assets, forced.duplicates) == (0, 0, 3)
    after = counts(ws.con)
    assert after["sources"] == before["sources"] + 1  # the forced run is recorded ...
    assert {k: v for k, v in after.items() if k != "sources"} == {
        k: v for k, v in before.items() if k != "sources"
    }  # ... and adds no row anywhere else


def test_same_bytes_under_another_path_add_nothing(ws, tmp_path):
    # A new path is staged while it is hashed; its staging is dropped when the bytes are known.
    ingest_file(ws, TWEETS)
    before = counts(ws.con)
    copy = tmp_path / "copy of tweets.csv"
    copy.write_bytes(TWEETS.read_bytes())
    res = ingest_file(ws, copy)
    assert res.skipped and (res.rows_read, res.posts, res.quarantined) == (4, 0, 1)
    assert counts(ws.con) == before
    # The same path again is recognised before any staging.
    assert ingest_file(ws, TWEETS).skipped
    assert counts(ws.con) == before
    assert not ws.con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name LIKE 'stg_%'"
    ).fetchall()[0][0]


def test_status_json_shape(tmp_path):
    w = tmp_path / "ws"
    runner = CliRunner()
    for f in (
        TWEETS,
        USERS,
        FIX / "crowdtangle_group_posters.csv",
        FIX / "telegram_group.json",
        FIX / "articles.jsonl",
    ):
        result = runner.invoke(app, ["ingest", str(f), "--workspace", str(w)])
        assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["status", "--workspace", str(w), "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["assets"] == {
        "facebook": {"account": 2, "group": 1},
        "telegram": {"account": 2, "channel": 1, "group": 1},
        "twitter": {"account": 3},
    }
    assert info["posts"] == {"facebook": 3, "telegram": 3, "twitter": 3}
    assert info["articles"] == 4
    assert info["quarantine"] == {"unparseable time": 1}
    for key in ("assets", "posts", "articles", "quarantine"):
        assert key in info


def _big_tweets(path: Path, n: int) -> None:
    header = TWEETS.read_text(encoding="utf-8").splitlines()[0]
    con = duckdb.connect()
    con.execute(
        f"""
        COPY (
            SELECT (1500000000000000000 + i)::VARCHAR AS tweetid, 'u' || (i % 5000) AS userid,
                   'نام ' || (i % 5000) AS user_display_name, 'user_' || (i % 5000) AS user_screen_name,
                   '' AS user_reported_location, '' AS user_profile_description, '' AS user_profile_url,
                   '10.0' AS follower_count, '5.0' AS following_count, '2020-01-01' AS account_creation_date,
                   'fa' AS account_language, 'fa' AS tweet_language,
                   'منافقین پشت اغتشاشات هستند #منافقین https://tasnimnews.com/n/' || (i % 997) AS tweet_text,
                   strftime(TIMESTAMP '2021-09-01' + to_seconds(i), '%Y-%m-%d %H:%M') AS tweet_time,
                   'Twitter for Android' AS tweet_client_name, '' AS in_reply_to_userid,
                   '' AS in_reply_to_tweetid, '' AS quoted_tweet_tweetid, 'False' AS is_retweet,
                   '' AS retweet_userid, '' AS retweet_tweetid, 'absent' AS latitude, 'absent' AS longitude,
                   '0' AS quote_count, '0' AS reply_count, '1' AS like_count, '0' AS retweet_count,
                   '[''منافقین'']' AS hashtags, '[]' AS urls, '[]' AS user_mentions, '' AS poll_choices
            FROM range({int(n)}) t(i)
        ) TO '{path}' (HEADER, DELIMITER ',')
        """
    )
    con.close()
    assert path.read_text(encoding="utf-8").split("\n", 1)[0] == header


@pytest.mark.slow
def test_interrupted_ingest_leaves_whole_files_and_rerun_completes(tmp_path):
    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    small.write_bytes(TWEETS.read_bytes())
    n = 250_000
    _big_tweets(big, n)
    w = tmp_path / "ws"
    cmd = [
        sys.executable,
        "-c",
        "from cibwatch.cli import main; main()",
        "ingest",
        str(small),
        str(big),
        "-w",
        str(w),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Wait until the small file is committed, then kill while the big one is being read.
    deadline = time.monotonic() + 120
    killed_midway = False
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        line = proc.stderr.readline() if proc.stderr else b""
        if b"small.csv" in line:
            time.sleep(1.0)
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                killed_midway = True
            break
    proc.wait(timeout=60)
    assert killed_midway, "ingest finished before it could be interrupted; make the file bigger"
    with Workspace(w) as ws:
        c = counts(ws.con)
        # Either nothing of the big file or all of it; the small file is whole.
        assert c["posts"] in (3, 3 + n)
        unfinished = q(ws, "SELECT count(*) FROM sources WHERE finished_at IS NULL")[0][0]
        assert unfinished == 0
        res = ingest_file(ws, big)
        assert not res.skipped or c["posts"] == 3 + n
        assert q(ws, "SELECT count(*) FROM posts")[0][0] == 3 + n
        assert ingest_file(ws, small).skipped


def test_clean_staging_query_keeps_the_readers_order(tmp_path, monkeypatch):
    # A clean file's staged lines are rowid + 2, which holds only while the staging query
    # keeps the reader's order: no join (DuckDB plans a long IN list or list_contains on a
    # constant list as one), no aggregate, no window.
    from cibwatch.ingest import csvread

    seen: list[str] = []
    create = csvread._create_from_reader

    def spy(con, path, delim, sql):
        seen.append(sql)
        return create(con, path, delim, sql)

    monkeypatch.setattr(csvread, "_create_from_reader", spy)
    clean = tmp_path / "clean.csv"
    lines = TWEETS.read_bytes().splitlines()
    clean.write_bytes(b"\n".join(lines[:4]) + b"\n")
    ws = Workspace(tmp_path / "ws")
    assert ingest_file(ws, clean).quarantined == 0
    (sql,) = seen
    select = sql.split(" AS ", 1)[1]  # the SELECT of CREATE ... AS SELECT
    plan = ws.con.execute("EXPLAIN " + select, {"path": str(clean), "delim": ","}).fetchall()
    operators = plan[0][1]
    for word in ("JOIN", "Join", "AGGREGATE", "Aggregate", "WINDOW", "Window", "ORDER", "Order"):
        assert word not in operators, operators
    ws.close()
