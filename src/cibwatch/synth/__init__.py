"""Synthetic social-media worlds with planted operations and ground truth (`cibwatch synth`).

`generate(out, seed, scale)` builds a world (ordinary people, authentic coordination, planted
operations, news articles with laundering chains) and writes it in the real source formats
that `cibwatch ingest` reads, plus truth.csv, laundering_truth.csv, authors_truth.csv and
manifest.json. The same seed and scale give byte-identical files.

>>> import tempfile
>>> summary = generate(tempfile.mkdtemp(), seed=1, scale=0.05)
>>> sorted(summary["labels"])
['authentic_coord', 'io', 'organic']
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from cibwatch.errors import CibwatchError
from cibwatch.synth import authentic, communities, operations, organic, writers
from cibwatch.synth.articles import generate_articles
from cibwatch.synth.ids import asset_native_ids
from cibwatch.synth.truth import write_laundering, write_truth
from cibwatch.synth.world import World

__all__ = ["FORMATS", "describe", "generate"]

# What each written file is, for `cibwatch ingest --format` (relative path -> format name).
FORMATS = {
    "twitter/synth_2021_09_tweets_csv_hashed.csv": "twitter-io",
    "twitter/synth_2021_09_users_csv_hashed.csv": "twitter-io",
    "crowdtangle/2021-10-01-12-00-00-EDT-Historical-Report-pages.csv": "crowdtangle",
    "crowdtangle/2021-10-01-legacy-export-pages.csv": "crowdtangle",
    "crowdtangle/2021-10-01-12-05-00-EDT-Historical-Report-groups.csv": "crowdtangle",
    "crowdtangle/2021-10-01-12-10-00-EDT-Historical-Report-instagram.csv": "crowdtangle",
    "telegram/ChatExport_2021-10-01/result.json": "telegram",
    "telegram/DataExport_2021-10-01/result.json": "telegram",
    "articles/articles.jsonl": "articles",
}

STEPS = ("articles", "organic", "communities", "authentic", "operations", "write")


def build(seed: int, scale: float, step: Callable[[str], None] | None = None) -> World:
    """The world in memory (no files): every asset, post, article and planted group."""
    if scale <= 0:
        raise CibwatchError(f"--scale must be positive (got {scale})")
    step = step or (lambda name: None)
    world = World(seed, scale)
    step("articles")
    generate_articles(world)
    world.article_pop = world.rng.lognormal(0, 1.2, len(world.articles["id"]))
    step("organic")
    organic.twitter_people(world)
    organic.copypasta(world)
    step("communities")
    communities.outlet_accounts(world)
    communities.facebook_pages(world)
    groups = communities.facebook_groups(world)
    communities.instagram(world)
    communities.telegram_channels(world)
    step("authentic")
    authentic.media_family(world)
    organic.fans(world)
    authentic.tweetstorms(world)
    authentic.community_groups(world, groups)
    step("operations")
    operations.amplifiers(world)
    operations.pages_groups(world, groups)
    operations.patient(world)
    operations.crossplatform(world, groups)
    operations.telegram(world)
    operations.small(world)
    return world


def generate(
    out: str | Path,
    seed: int = 1,
    scale: float = 1.0,
    step: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Build a world and write it under `out`; returns a summary (see `describe`)."""
    started = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    world = build(seed, scale, step)
    (step or (lambda name: None))("write")
    assets = world.assets()
    posts = world.posts()
    platform = np.array(assets["platform"].to_pylist(), dtype=object)
    nid = asset_native_ids(
        seed,
        platform,
        np.array(assets["kind"].to_pylist(), dtype=object),
        np.array(assets["handle"].to_pylist(), dtype=object),
        assets["created"],
        assets["followers"],
    )
    titles = dict(zip(world.articles["url"], world.articles["title"], strict=True))
    frame = writers.Frame(seed, assets, posts, nid, titles)
    written = np.unique(
        np.concatenate(
            [
                writers.twitter_io(frame, out),
                writers.crowdtangle(frame, out),
                writers.telegram(frame, out),
            ]
        )
    )
    writers.articles(world.articles, out)
    labels = write_truth(out, assets, nid, written)
    write_laundering(out, world.chains, world.authors)
    summary = _summary(world, assets, posts, written, labels, platform)
    summary["seconds"] = round(time.perf_counter() - started, 1)
    (out / "manifest.json").write_text(
        json.dumps({"seed": seed, "scale": scale, "formats": FORMATS, "planted": summary["planted"]},
                   ensure_ascii=False, indent=1, sort_keys=True),
        encoding="utf-8",
    )  # fmt: skip
    return summary


def _summary(
    world: World, assets: dict, posts: dict, written: np.ndarray, labels: dict, platform: np.ndarray
) -> dict[str, Any]:
    ops = np.array(assets["operation"].to_pylist(), dtype=object)[written]
    lab = np.array(assets["label"].to_pylist(), dtype=object)[written]
    per_op: dict[str, int] = {}
    for o, label in zip(ops.tolist(), lab.tolist(), strict=True):
        if o:
            per_op[f"{label}:{o}"] = per_op.get(f"{label}:{o}", 0) + 1
    pp = platform[posts["aid"]]
    return {
        "seed": world.seed,
        "scale": world.scale,
        "assets": int(len(written)),
        "posts": int(len(posts["aid"])),
        "posts_by_platform": {k: int((pp == k).sum()) for k in sorted(set(pp.tolist()))},
        "articles": len(world.articles["id"]),
        "chains": len(world.chains.get("chain_id", [])),
        "labels": labels,
        "operations": dict(sorted(per_op.items())),
        "planted": world.planted,
    }


def describe(summary: dict[str, Any]) -> str:
    """A plain-text account of what was planted."""
    lines = [
        f"seed {summary['seed']}, scale {summary['scale']}: {summary['assets']} assets, "
        f"{summary['posts']} posts, {summary['articles']} articles, {summary['chains']} laundering chains",
        "posts by platform: "
        + ", ".join(f"{k} {v}" for k, v in summary["posts_by_platform"].items()),
        "assets by label: " + ", ".join(f"{k} {v}" for k, v in sorted(summary["labels"].items())),
    ]
    lines += [f"  {k}: {v} assets" for k, v in summary["operations"].items()]
    lines += [f"  planted {p['group']} ({p['label']}): {p['detail']}" for p in summary["planted"]]
    return "\n".join(lines)
