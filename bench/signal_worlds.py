"""Seeded synthetic posts for the signal benchmarks, written in the peers' own input formats.

`qut_posts` writes the QUT coordination-network-toolkit CSV (message_id, user_id, username,
repost_id, reply_id, message, timestamp, urls): Zipf-popular URLs, texts and retweet targets
spread over 30 days, plus planted groups that post the same URL / text / retweet in 30 s bursts.
`coortweet_rows` writes CooRTweet's table (object_id, account_id, content_id, timestamp_share).
Everything is vectorized numpy; the same seed gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

DAYS = 30
WORDS = np.array(
    [
        "ایران",
        "آزادی",
        "خبر",
        "امروز",
        "دولت",
        "مردم",
        "tehran",
        "news",
        "vote",
        "election",
        "انتخابات",
        "اقتصاد",
        "تورم",
        "دلار",
        "protest",
        "قیمت",
        "the",
        "of",
        "and",
        "report",
    ]
)


def _zipf(rng: np.random.Generator, n: int, size: int, a: float = 1.3) -> np.ndarray:
    """Zipf-distributed ranks folded into [0, size)."""
    return (rng.zipf(a, n) - 1) % size


def _texts(rng: np.random.Generator, count: int) -> np.ndarray:
    lengths = rng.integers(5, 14, count)
    idx = rng.integers(0, len(WORDS), (count, 14))
    return np.array([" ".join(WORDS[idx[i, : lengths[i]]]) + f" {i}" for i in range(count)])


def qut_posts(path: Path, n_posts: int, seed: int = 0, n_users: int | None = None) -> dict:
    """Write n_posts rows of QUT toolkit CSV to `path`; return a summary."""
    rng = np.random.default_rng(seed)
    n_users = n_users or max(n_posts // 10, 100)
    n_planted = n_posts // 20  # 5 % of posts come from planted bursts
    organic = n_posts - n_planted
    t = rng.integers(0, DAYS * 86400, n_posts).astype(np.int64) + 1_600_000_000
    users = rng.integers(0, n_users, n_posts)
    kind = rng.random(n_posts)  # < 0.35 retweet, else original
    texts = _texts(rng, max(n_posts // 5, 10))
    text_idx = _zipf(rng, n_posts, len(texts))
    n_urls = max(n_posts // 4, 10)
    url_idx = _zipf(rng, n_posts, n_urls)
    has_url = rng.random(n_posts) < 0.5
    target = _zipf(rng, n_posts, max(n_posts // 3, 10))

    # Planted bursts: groups of 10 accounts, each burst one shared action within 30 s.
    burst = np.arange(n_planted) // 10
    group = burst % max(n_planted // 200, 1)
    users[organic:] = n_users + group * 10 + (np.arange(n_planted) % 10)
    start = rng.integers(0, DAYS * 86400, burst.max() + 1) + 1_600_000_000
    t[organic:] = start[burst] + rng.integers(0, 30, n_planted)
    burst_kind = rng.integers(0, 3, burst.max() + 1)[burst]  # 0 URL, 1 text, 2 retweet
    kind[organic:] = np.where(burst_kind == 2, 0.0, 0.9)
    has_url[organic:] = burst_kind == 0
    url_idx[organic:] = n_urls + burst
    text_idx[organic:] = np.where(burst_kind == 1, len(texts) + burst, text_idx[organic:])
    target[organic:] = n_posts * 10 + burst

    retweet = kind < 0.35
    ids = np.arange(n_posts)
    message = np.where(
        text_idx < len(texts),
        texts[np.minimum(text_idx, len(texts) - 1)],
        np.char.add("planted message number ", text_idx.astype(str)),
    )
    urls = np.where(
        has_url & ~retweet,
        np.char.add(np.char.add("https://site", (url_idx % 997).astype(str)), ".example/a/"),
        "",
    )
    urls = np.where(urls != "", np.char.add(urls, url_idx.astype(str)), "")
    table = pa.table(
        {
            "message_id": ids.astype(str),
            "user_id": np.char.add("u", users.astype(str)),
            "username": np.char.add("name", users.astype(str)),
            "repost_id": np.where(retweet, np.char.add("r", target.astype(str)), ""),
            "reply_id": np.full(n_posts, "", dtype=object),
            "message": message,
            "timestamp": t.astype(str),
            "urls": urls,
        }
    )
    pacsv.write_csv(table, path)
    return {"posts": n_posts, "users": int(np.unique(users).size), "planted_posts": n_planted}


def coortweet_rows(path: Path, n_rows: int, seed: int = 0) -> dict:
    """Write n_rows of CooRTweet input (retweets of Zipf-popular objects over 30 days)."""
    rng = np.random.default_rng(seed)
    n_accounts = max(n_rows // 4, 10)
    table = pa.table(
        {
            "object_id": np.char.add(
                "o", _zipf(rng, n_rows, max(n_rows // 5, 10), 1.2).astype(str)
            ),
            "account_id": np.char.add("a", rng.integers(0, n_accounts, n_rows).astype(str)),
            "content_id": np.char.add("c", np.arange(n_rows).astype(str)),
            "timestamp_share": (rng.integers(0, DAYS * 86400, n_rows) + 1_600_000_000).astype(
                float
            ),
        }
    )
    pacsv.write_csv(table, path)
    return {"rows": n_rows, "accounts": n_accounts}
