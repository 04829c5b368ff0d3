"""Benchmark `cibwatch report`: N networks over a corpus of M posts, generated directly in DuckDB.

Usage: python -m bench.bench_report [--posts 1500000] [--networks 50] [--members 40] [--keep DIR]

The corpus is synthetic but shaped like the real thing where the report's cost lies: organic
accounts posting random Persian/English word sequences with links, hashtags and mentions, and
N networks whose members post the same texts minutes apart in office hours. The detection
tables (networks, network_members, edges) are written directly, so only the report is timed.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from cibwatch.report import build_report
from cibwatch.store import Workspace

WORDS = ["ایران", "مردم", "دولت", "دشمن", "تحریم", "اقتصاد", "آمریکا", "اسرائیل", "مقاومت", "رسانه", "حقیقت", "آزادی", "انتخابات", "مجلس", "وزیر", "جنگ", "صلح", "نفت", "بازار", "قیمت", "دلار", "فوتبال", "پرسپولیس", "استقلال", "موسیقی", "فیلم", "کتاب", "مدرسه", "دانشگاه", "market", "weather", "football", "music", "coffee", "school", "train", "city", "garden", "movie", "holiday", "family", "news", "election", "sanctions", "peace", "war", "oil", "price", "dollar", "freedom", "truth", "media", "government", "people"]  # fmt: skip


def generate(ws: Workspace, posts: int, networks: int, members: int) -> None:
    con = ws.con
    n_assets = max(1000, posts // 15)
    net_assets = networks * members
    con.execute("CREATE TEMP TABLE w AS SELECT unnest($w) AS word, generate_subscripts($w, 1) AS i",
                {"w": WORDS})  # fmt: skip
    nw = len(WORDS)
    con.execute(
        """
        INSERT INTO assets
        SELECT i, 'twitter', 'account', 'n' || i, 'user' || i, 'User ' || i,
               TIMESTAMP '2015-01-01' + to_days((hash(i) % 2500)::INTEGER),
               NULL, CASE WHEN i % 7 = 0 THEN 'Tehran' WHEN i % 11 = 0 THEN 'New York' END,
               (hash(i * 3) % 20000)::BIGINT, 10, NULL, NULL, NULL, 1
        FROM range(1, $n + 1) t(i)
        """,
        {"n": n_assets},
    )
    # Network members (ids 1..net) are young and created in bursts.
    con.execute(
        "UPDATE assets SET created_at = TIMESTAMP '2021-06-01' + to_days(((asset_id - 1) // $m)::INTEGER) "
        "+ to_hours((asset_id % 5)::INTEGER) WHERE asset_id <= $net",
        {"m": members, "net": net_assets},
    )
    net_posts = min(posts // 10, net_assets * 50)
    con.execute(
        """
        INSERT INTO posts
        WITH r AS (SELECT i, hash(i) AS h, hash(i * 7 + 1) AS h2 FROM range(1, $organic + 1) t(i))
        SELECT i, 'twitter', 'p' || i,
               $net + 1 + (h % ($n - $net))::BIGINT,
               TIMESTAMP '2021-09-01' + to_seconds((h2 % (30 * 86400))::BIGINT),
               txt, txt, CASE WHEN h % 2 = 0 THEN 'fa' ELSE 'en' END, NULL, NULL, NULL, NULL,
               NULL, NULL, 'Twitter for Android', (h % 50)::BIGINT, 0, 0, 1
        FROM (
            SELECT *, array_to_string(list_transform(range(12),
                   lambda k: $words[1 + ((h >> (k * 5)) % $nw)::INTEGER]), ' ') AS txt
            FROM r
        )
        """,
        {"organic": posts - net_posts, "n": n_assets, "net": net_assets, "words": WORDS, "nw": nw},
    )
    # Network posts: groups of 5 members posting one of 40 texts within minutes, office hours
    # (09-17 at UTC+3:30, Saturday-Thursday).
    con.execute(
        """
        INSERT INTO posts
        WITH r AS (SELECT i, hash(i * 13) AS h FROM range(1, $np + 1) t(i)),
        g AS (
            SELECT i, h, ((i // 5) % $nets) AS net, (i // 5) AS burst,
                   TIMESTAMP '2021-09-04' + to_days((((i // 5) * 7919) % 28)::INTEGER)
                     + to_minutes((330 + ((i // 5) * 104729) % 480)::INTEGER) AS t0
            FROM r
        )
        SELECT $base + i, 'twitter', 'q' || i,
               1 + net * $m + (h % $m)::BIGINT,
               CASE WHEN dayofweek(t0) = 5 THEN t0 + INTERVAL 1 DAY ELSE t0 END
                 + to_minutes((i % 5)::INTEGER) - INTERVAL 210 MINUTE,
               txt, txt, 'fa', NULL, NULL, NULL, NULL, NULL, NULL, 'Twitter Web App', 0, 0, 0, 1
        FROM (
            SELECT *, 'کمپین ' || net || ' ' || array_to_string(list_transform(range(10),
                   lambda k: $words[1 + ((hash(net * 100 + burst % 40) >> (k * 5)) % $nw)::INTEGER]), ' ') AS txt
            FROM g
        )
        """,
        {"np": net_posts, "nets": networks, "m": members, "base": posts, "words": WORDS, "nw": nw},
    )
    con.execute(
        """
        INSERT INTO post_urls
        SELECT post_id, url, url, dom FROM (
            SELECT post_id,
                   CASE WHEN asset_id <= $net THEN 'site' || ((asset_id - 1) // $m) || '.com'
                        ELSE 'news' || (hash(post_id) % 500) || '.org' END AS dom,
                   'https://' || dom || '/a/' || (hash(post_id) % 1000) AS url
            FROM posts WHERE hash(post_id * 3) % 10 < 3
        )
        """,
        {"net": net_assets, "m": members},
    )
    con.execute(
        "INSERT INTO post_hashtags SELECT post_id, 0, 'tag' || (hash(post_id) % 300) FROM posts "
        "WHERE hash(post_id * 5) % 10 < 4"
    )
    con.execute(
        "INSERT INTO post_mentions SELECT post_id, 0, 'user' || (1 + hash(post_id * 11) % 5000) "
        "FROM posts WHERE hash(post_id * 17) % 10 < 3"
    )
    con.execute(
        """
        INSERT INTO networks
        SELECT 'net-' || k, 0.5 + 0.5 * (hash(k) % 1000) / 1000.0, 'high', true, $m,
               '{"by_signal": {"co-link": {"edges": 100}, "identical-text": {"edges": 80}}}',
               '{"creation_burst": 0.8, "duplicate_content": 0.9, "drivers": ["creation_burst"]}'
        FROM range($nets) t(k)
        """,
        {"nets": networks, "m": members},
    )
    con.execute(
        "INSERT INTO network_members SELECT 'net-' || ((asset_id - 1) // $m), asset_id, 'member' "
        "FROM assets WHERE asset_id <= $net",
        {"m": members, "net": net_assets},
    )
    con.execute(
        """
        INSERT INTO edges
        SELECT a.asset_id, b.asset_id, 'co-link', 1.0 + (hash(a.asset_id * b.asset_id) % 100) / 50.0,
               5, 3, TIMESTAMP '2021-09-01', TIMESTAMP '2021-09-30', []
        FROM network_members a JOIN network_members b
          ON a.network_id = b.network_id AND a.asset_id < b.asset_id
        WHERE hash(a.asset_id * 31 + b.asset_id) % 3 = 0
        """
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=1_500_000)
    ap.add_argument("--networks", type=int, default=50)
    ap.add_argument("--members", type=int, default=40)
    ap.add_argument("--keep", type=Path, help="workspace folder to keep (default: a temp dir)")
    args = ap.parse_args(argv)
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        with Workspace(root / "ws") as ws:
            if not ws.con.execute("SELECT count(*) FROM posts").fetchall()[0][0]:
                t0 = time.perf_counter()
                generate(ws, args.posts, args.networks, args.members)
                print(f"generated in {time.perf_counter() - t0:.1f} s")
            n = ws.con.execute("SELECT count(*) FROM posts").fetchall()[0][0]
            timings: dict[str, float] = {}
            t0 = time.perf_counter()
            build_report(ws, timings=timings)
            total = time.perf_counter() - t0
        print(
            f"report: {args.networks} networks x {args.members} members over {n:,} posts: {total:.1f} s"
        )
        for k, v in timings.items():
            print(f"  {k:20s} {v:6.2f} s")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
