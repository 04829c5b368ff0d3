"""Ingest throughput: rows per second and peak memory ingesting a twitter-io tweets file.

Usage: .venv/bin/python bench/bench_ingest.py [--rows 1500000] [--keep DIR]

The file is generated with DuckDB from a fixed seed (Persian and English text, hashtags, URLs,
retweets, hashed ids), then `cibwatch ingest` runs in a child process so its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from cibwatch.ingest.twitter_io import TWEET_COLUMNS


def make_tweets(path: Path, rows: int, users: int) -> None:
    con = duckdb.connect()
    con.execute("SELECT setseed(0.42)")
    con.execute(
        f"""
        COPY (
          SELECT
            CAST(1000000000 + i AS VARCHAR) AS tweetid,
            sha256(CAST(u AS VARCHAR)) AS userid,
            'کاربر ' || u AS user_display_name,
            'user_' || u AS user_screen_name,
            CASE u % 4 WHEN 0 THEN 'Tehran, Iran' WHEN 1 THEN 'London' ELSE '' END
                AS user_reported_location,
            'خبرنگار آزاد و فعال اجتماعی ' || u AS user_profile_description,
            '' AS user_profile_url,
            CAST((u * 7) % 5000 AS VARCHAR) || '.0' AS follower_count,
            CAST((u * 3) % 900 AS VARCHAR) || '.0' AS following_count,
            strftime(DATE '2015-01-01' + CAST(u % 2000 AS INTEGER), '%Y-%m-%d')
                AS account_creation_date,
            CASE u % 3 WHEN 0 THEN 'en' ELSE 'fa' END AS account_language,
            CASE i % 3 WHEN 0 THEN 'en' ELSE 'fa' END AS tweet_language,
            CASE i % 3
              WHEN 0 THEN 'Breaking news about the talks ' || (i % 5000)
                          || ' #Iran https://www.example.com/story/' || (i % 20000) || '?utm_source=tw'
              ELSE 'مذاکرات هسته‌ای امروز ادامه دارد ' || (i % 5000) || ' #ایران #مذاکرات'
                   || ' https://www.tasnimnews.com/fa/news/' || (i % 20000)
            END AS tweet_text,
            strftime(TIMESTAMP '2021-09-01' + to_seconds(CAST(i * 2 % 2592000 AS BIGINT)),
                     '%Y-%m-%d %H:%M') AS tweet_time,
            'Twitter for Android' AS tweet_client_name,
            '' AS in_reply_to_userid, '' AS in_reply_to_tweetid, '' AS quoted_tweet_tweetid,
            CASE WHEN i % 5 = 0 THEN 'True' ELSE 'False' END AS is_retweet,
            CASE WHEN i % 5 = 0 THEN sha256(CAST((u + 1) % {users} AS VARCHAR)) ELSE '' END
                AS retweet_userid,
            CASE WHEN i % 5 = 0 THEN CAST(1000000000 + i % 1000 AS VARCHAR) ELSE '' END
                AS retweet_tweetid,
            'absent' AS latitude, 'absent' AS longitude,
            '0.0' AS quote_count, '1.0' AS reply_count, '3.0' AS like_count, '2.0' AS retweet_count,
            CASE i % 3 WHEN 0 THEN '[''iran'']' ELSE '[''ایران'', ''مذاکرات'']' END AS hashtags,
            CASE i % 3
              WHEN 0 THEN '[''https://www.example.com/story/' || (i % 20000) || '?utm_source=tw'']'
              ELSE '[''https://www.tasnimnews.com/fa/news/' || (i % 20000) || ''']'
            END AS urls,
            '[]' AS user_mentions, '' AS poll_choices
          FROM (SELECT i, CAST(floor(random() * {users}) AS BIGINT) AS u FROM range({rows}) t(i))
        ) TO '{path}' (HEADER, DELIMITER ',')
        """
    )
    cols = [d[0] for d in con.execute(f"SELECT * FROM read_csv('{path}') LIMIT 0").description]
    assert tuple(cols) == TWEET_COLUMNS, cols
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_500_000)
    parser.add_argument("--users", type=int, default=30_000)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    tmp = Path(args.keep or tempfile.mkdtemp(prefix="cw-bench-ingest-"))
    tmp.mkdir(parents=True, exist_ok=True)
    src = tmp / "tweets.csv"
    if not src.exists():
        t0 = time.perf_counter()
        make_tweets(src, args.rows, args.users)
        print(
            f"generated {args.rows:,} rows ({src.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s"
        )
    ws = tmp / "ws"
    subprocess.run(["rm", "-rf", str(ws)], check=True)
    cibwatch = Path(sys.executable).parent / "cibwatch"
    t0 = time.perf_counter()
    subprocess.run([str(cibwatch), "ingest", str(src), "--workspace", str(ws)], check=True)
    elapsed = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    con = duckdb.connect(str(ws / "cibwatch.duckdb"), read_only=True)
    posts = con.execute("SELECT count(*) FROM posts").fetchall()[0][0]
    con.close()
    print(
        f"ingest twitter-io: {args.rows:,} rows in {elapsed:.1f} s = {args.rows / elapsed:,.0f} rows/s; "
        f"peak RSS {peak_mb:,.0f} MB; {posts:,} posts stored"
    )


if __name__ == "__main__":
    main()
