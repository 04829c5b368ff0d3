"""Hand-made worlds for the signal tests: a few assets and posts written straight to a workspace."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from cibwatch.store import Workspace
from cibwatch.text import normalize
from cibwatch.urls import normalize_url, registered_domain

T0 = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC).replace(tzinfo=None)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def make_workspace(
    path: Path, posts: Iterable[Mapping[str, Any]], platform: str = "twitter"
) -> Workspace:
    """Write posts to a new workspace.

    Each post: asset (int), t (seconds after T0), optional id, text, shared (native id of the
    reshared post), reply_to, urls [...], hashtags [...], mentions [...].
    """
    posts = list(posts)
    ws = Workspace(path)
    asset_ids = sorted({p["asset"] for p in posts})
    ws.con.register(
        "_assets",
        pa.table(
            {
                "asset_id": pa.array(asset_ids, pa.int64()),
                "platform": [platform] * len(asset_ids),
                "kind": ["account"] * len(asset_ids),
                "native_id": [f"u{a}" for a in asset_ids],
                "handle": [f"user{a}" for a in asset_ids],
            }
        ),
    )
    ws.con.execute(
        "INSERT INTO assets (asset_id, platform, kind, native_id, handle) SELECT * FROM _assets"
    )
    rows: dict[str, list] = {
        k: []
        for k in (
            "post_id",
            "native_id",
            "asset_id",
            "created_at",
            "text",
            "text_norm",
            "reply_to",
            "shared_post_id",
        )
    }
    urls: dict[str, list] = {"post_id": [], "url": [], "url_norm": [], "domain": []}
    tags: dict[str, list] = {"post_id": [], "position": [], "hashtag": []}
    mentions: dict[str, list] = {"post_id": [], "position": [], "mention": []}
    for i, p in enumerate(posts, 1):
        rows["post_id"].append(i)
        rows["native_id"].append(str(p.get("id", f"p{i}")))
        rows["asset_id"].append(p["asset"])
        rows["created_at"].append(at(p["t"]))
        rows["text"].append(p.get("text"))
        rows["text_norm"].append(normalize(p.get("text")))
        rows["reply_to"].append(p.get("reply_to"))
        rows["shared_post_id"].append(p.get("shared"))
        for u in p.get("urls", ()):
            norm = normalize_url(u)
            urls["post_id"].append(i)
            urls["url"].append(u)
            urls["url_norm"].append(norm)
            urls["domain"].append(registered_domain(norm.split("/")[2]) if "//" in norm else None)
        for j, h in enumerate(p.get("hashtags", ())):
            tags["post_id"].append(i)
            tags["position"].append(j)
            tags["hashtag"].append(h)
        for j, m in enumerate(p.get("mentions", ())):
            mentions["post_id"].append(i)
            mentions["position"].append(j)
            mentions["mention"].append(m)
    ws.con.register("_posts", pa.table(rows))
    ws.con.execute(
        "INSERT INTO posts (post_id, platform, native_id, asset_id, created_at, text, text_norm,"
        " reply_to, shared_post_id) SELECT post_id, ?, native_id, asset_id, created_at, text,"
        " text_norm, reply_to, shared_post_id FROM _posts",
        [platform],
    )
    for name, data, schema in (
        (
            "post_urls",
            urls,
            pa.schema(
                [
                    ("post_id", pa.int64()),
                    ("url", pa.string()),
                    ("url_norm", pa.string()),
                    ("domain", pa.string()),
                ]
            ),
        ),
        (
            "post_hashtags",
            tags,
            pa.schema(
                [("post_id", pa.int64()), ("position", pa.int32()), ("hashtag", pa.string())]
            ),
        ),
        (
            "post_mentions",
            mentions,
            pa.schema(
                [("post_id", pa.int64()), ("position", pa.int32()), ("mention", pa.string())]
            ),
        ),
    ):
        ws.con.register("_t", pa.table(data, schema=schema))
        ws.con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _t")  # noqa: S608
        ws.con.unregister("_t")
    for name in ("_assets", "_posts"):
        ws.con.unregister(name)
    return ws


def edges(ws: Workspace, signal: str | None = None) -> list[dict[str, Any]]:
    """The edges table as dicts, sorted, optionally for one signal."""
    sql = "SELECT * FROM edges" + (" WHERE signal = ?" if signal else "")
    cur = ws.con.execute(sql + " ORDER BY signal, asset_a, asset_b", [signal] if signal else [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def pairs(ws: Workspace, signal: str) -> set[tuple[int, int]]:
    return {(e["asset_a"], e["asset_b"]) for e in edges(ws, signal)}


def seeded_posts(seed: int, n_assets: int = 40, n_posts: int = 400) -> list[dict[str, Any]]:
    """A small random world that exercises every co-action signal, with a planted group."""
    import numpy as np

    rng = np.random.default_rng(seed)
    urls = [f"https://site{i % 7}.example/{i}" for i in range(25)]
    tags = ["ایران", "آزادی", "news", "ورزش", "tehran"]
    texts = [f"متن شماره {i} درباره‌ی اخبار امروز کشور" for i in range(15)]
    posts: list[dict[str, Any]] = []
    for i in range(n_posts):
        # Assets 1-6 are a planted group acting in bursts; the rest act at random.
        planted = rng.random() < 0.3
        asset = int(rng.integers(1, 7)) if planted else int(rng.integers(7, n_assets + 1))
        t = int(rng.integers(0, 40)) * 600 + (
            int(rng.integers(0, 30)) if planted else int(rng.integers(0, 3600))
        )
        post: dict[str, Any] = {"asset": asset, "t": t, "id": f"p{i}"}
        kind = rng.random()
        if kind < 0.25 and i > 0:
            post["shared"] = f"p{int(rng.integers(0, min(i, 8)))}"
        else:
            post["text"] = texts[int(rng.integers(0, len(texts)))]
            post["urls"] = list(rng.choice(urls, size=int(rng.integers(0, 3)), replace=False))
            post["hashtags"] = [
                tags[j] for j in rng.permutation(len(tags))[: int(rng.integers(0, 4))]
            ]
            post["mentions"] = [
                f"user{int(m)}" for m in rng.integers(1, 10, size=int(rng.integers(0, 3)))
            ]
            if rng.random() < 0.2:
                post["reply_to"] = f"p{int(rng.integers(0, 8))}"
        posts.append(post)
    return posts
