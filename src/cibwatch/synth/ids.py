"""Platform ids the way each platform writes them: snowflakes, hashes, numeric Page ids.

Twitter-io releases hash the ids of accounts with fewer than 5,000 followers (64 hex
characters) and keep the numeric ids of bigger ones; tweet ids are snowflakes carrying their
millisecond. Facebook ids are long numbers, Instagram assets are named by user name,
Telegram channels by their numeric id.
"""

from __future__ import annotations

import hashlib

import numpy as np

TWITTER_EPOCH_MS = 1288834974657
HASH_BELOW = 5000  # followers: twitter-io hashes the ids of accounts smaller than this


def _hashed(seed: int, aids: np.ndarray) -> list[str]:
    return [
        hashlib.sha256(f"cibwatch-synth:{seed}:{a}".encode()).hexdigest() for a in aids.tolist()
    ]


def asset_native_ids(seed: int, platform: np.ndarray, kind: np.ndarray, handle: np.ndarray,
                     created: np.ndarray, followers: np.ndarray) -> np.ndarray:  # fmt: skip
    """One native id per asset (object array of str)."""
    n = len(platform)
    aid = np.arange(n)
    rng = np.random.default_rng([seed, 7])
    out = np.empty(n, dtype=object)
    tw = platform == "twitter"
    big = tw & (followers >= HASH_BELOW)
    # Numeric Twitter ids: snowflakes for accounts made after 2010-11, small ones before.
    ms = np.maximum(created * 1000 - TWITTER_EPOCH_MS, 0)
    snow = (ms.astype(np.int64) << 22) | (aid & 0x3FFFFF)
    legacy = 1_000_000 + aid * 1013  # unique; far below any snowflake
    nums = np.where(ms > 0, snow, legacy)
    out[big] = [str(x) for x in nums[big].tolist()]
    small = tw & ~big
    out[small] = _hashed(seed, aid[small])
    fb = platform == "facebook"
    base = np.where(
        kind == "account",
        100_000_000_000_000,
        np.where(kind == "page", 110_000_000_000_000, 120_000_000_000_000),
    )
    fbid = base + rng.integers(0, 9_000_000_000_000, n) // n * n + aid
    out[fb] = [str(x) for x in fbid[fb].tolist()]
    ig = platform == "instagram"
    out[ig] = [h.lower() for h in handle[ig].tolist()]
    tg = platform == "telegram"
    tgid = 1_100_000_000 + aid * 97 + 13
    out[tg] = [str(x) for x in tgid[tg].tolist()]
    return out


def tweet_ids(t: np.ndarray, pid: np.ndarray, seed: int) -> np.ndarray:
    """Snowflake ids: millisecond of posting in the high bits, unique low bits."""
    rng = np.random.default_rng([seed, 11])
    ms = t.astype(np.int64) * 1000 + rng.integers(0, 1000, len(t)) - TWITTER_EPOCH_MS
    return (ms << 22) | (pid.astype(np.int64) & 0x3FFFFF)


def shortcodes(pid: np.ndarray, seed: int) -> list[str]:
    """Instagram-style 11-character post shortcodes."""
    alphabet = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"))
    rng = np.random.default_rng([seed, 13])
    chars = alphabet[rng.integers(0, 64, (len(pid), 11))]
    codes = ["".join(row) for row in chars.tolist()]
    return [f"C{c[1:]}" for c in codes]
