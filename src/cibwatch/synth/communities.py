"""Organic Facebook Pages and Groups, Instagram accounts, Telegram channels and outlet accounts.

Outlets (state, independent and intermediary alike) run official accounts that post each of
their articles as it is published; these are overt, not inauthentic, and labelled organic.
Community Groups carry posts by ordinary Facebook accounts; Instagram captions carry trending
hashtags; news channels on Telegram forward each other now and then.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from cibwatch.synth import text as tx
from cibwatch.synth.articles import OUTLETS
from cibwatch.synth.organic import article_pick, people, regions, share_text, tracked
from cibwatch.synth.world import (
    END,
    HOUR,
    START,
    World,
    asset_table,
    cat,
    const,
    dates_between,
    heavy_counts,
    human_times,
    pick,
    post_table,
    when,
)

PAGE_TOPICS_FA = ("آشپزی ایرانی", "عکس‌های تهران قدیم", "هواداران پرسپولیس", "شعر و ادب", "سفر به ایران",
                  "موسیقی سنتی", "کتاب‌خوانی", "طنز روز", "فروشگاه لباس", "آموزش زبان")  # fmt: skip
PAGE_TOPICS_EN = ("Persian Cooking", "Toronto Persian Events", "Iranian Cinema Fans", "Travel Iran",
                  "Nowruz Market", "Persian Poetry Daily", "Tehran Street Photography", "Iranian Startups")  # fmt: skip
GROUP_NAMES_FA = ("ایرانیان مقیم", "دوستداران", "گروه کتاب", "بازار", "هواداران", "همسایه‌های")  # fmt: skip
GROUP_PLACES = ("تورنتو", "برلین", "لندن", "تهران", "شیراز", "استکهلم", "لس‌آنجلس", "ونکوور")
IG_TAGS = ("ایران", "تهران", "iran", "persian", "food", "travel", "photography", "nature",
           "عکاسی", "طبیعت", "instagood", "tehran", "love", "art", "هنر")  # fmt: skip


def _lists(flags_per_row: np.ndarray, values: pa.Array) -> pa.Array:
    return pa.ListArray.from_arrays(
        pa.array(np.concatenate([[0], np.cumsum(flags_per_row)]).astype(np.int32)), values
    )


def outlet_accounts(world: World, skip: tuple[str, ...] = ("azadinews.com",)) -> None:
    """Each outlet's official Twitter account, Facebook Page and (state) Telegram channel."""
    rng = world.rng
    a = world.articles
    outlets = [o for o in OUTLETS if o[1] not in skip]
    for platform, kind in (("twitter", "account"), ("facebook", "page"), ("telegram", "channel")):
        rows = [o for o in outlets if platform != "telegram" or o[3] == "state"]
        m = len(rows)
        handle = [o[1].split(".")[0] + ("" if platform == "twitter" else "_official") for o in rows]
        aids = world.add_assets(
            asset_table(
                m,
                platform=platform,
                kind=kind,
                handle=pa.array(handle),
                display_name=pa.array([o[0] for o in rows]),
                created=dates_between(rng, m, "2010-01-01", "2017-01-01"),
                followers=rng.integers(20_000, 900_000, m),
                label="organic",
                lang=pa.array([o[2] for o in rows]),
                bio=pa.array([f"Official account of {o[0]}" for o in rows]),
                tz=3.5,
            )
        )
        outlet_of = {o[0]: aids[i] for i, o in enumerate(rows)}
        idx = np.array([i for i, x in enumerate(a["outlet"]) if x in outlet_of], dtype=np.int64)
        if not len(idx):
            continue
        poster = np.array([outlet_of[a["outlet"][i]] for i in idx.tolist()])
        t = a["t"][idx] + rng.integers(30, 40 * 60, len(idx))
        ok = (t >= START) & (t < END)
        idx, poster, t = idx[ok], poster[ok], t[ok]
        text = pick(a["title"], idx)
        world.add_posts(
            post_table(
                poster, t, text, pick(a["lang"], idx), url=pick(a["url"], idx), client="SocialFlow"
            )
        )


def facebook_pages(world: World) -> None:
    """Community, fan and business Pages: ordinary text, photos and link shares."""
    rng = world.rng
    n = world.n(110, 5)
    persian = rng.random(n) < 0.6
    names = when(
        persian,
        pick(PAGE_TOPICS_FA, rng.integers(0, len(PAGE_TOPICS_FA), n)),
        pick(PAGE_TOPICS_EN, rng.integers(0, len(PAGE_TOPICS_EN), n)),
    )
    names = cat(
        names,
        when(rng.random(n) < 0.5, "", cat(" ", pa.array(rng.integers(1, 99, n)).cast(pa.string()))),
    )
    handle = tx.unique_handles(
        cat("page", pa.array(rng.integers(100, 99999, n)).cast(pa.string())), rng, 0.0
    )
    aids = world.add_assets(
        asset_table(
            n,
            platform="facebook",
            kind="page",
            handle=handle,
            display_name=names,
            created=dates_between(rng, n, "2011-01-01", "2021-06-01"),
            followers=heavy_counts(rng, n, 3000, 1.8, 10, 3_000_000),
            label="organic",
            lang=when(persian, "fa", "en"),
            tz=3.5,
        )
    )
    counts = heavy_counts(rng, n, 35, 1.0, 1, 800)
    owner = np.repeat(np.arange(n), counts)
    tz = np.where(persian, 3.5, -5.0)[owner]
    t = human_times(rng, tz, np.zeros(len(owner)))
    link = rng.random(len(owner)) < 0.3
    art, t_art = article_pick(rng, world, t, ("state", "independent"))
    t = np.where(link, t_art, t)
    text = when(
        link, share_text(rng, world, art, persian[owner]), tx.organic_text(rng, persian[owner])
    )
    url = when(link, tracked(rng, pick(world.articles["url"], art), "facebook"), "")
    world.add_posts(post_table(aids[owner], t, text, when(persian[owner], "fa", "en"), url=url))


def facebook_groups(world: World) -> np.ndarray:
    """Community Groups and the ordinary accounts posting in them; returns the group aids."""
    rng = world.rng
    g = world.n(40, 4)
    gn = cat(
        pick(GROUP_NAMES_FA, rng.integers(0, len(GROUP_NAMES_FA), g)),
        " ",
        pick(GROUP_PLACES, rng.integers(0, len(GROUP_PLACES), g)),
        when(rng.random(g) < 0.5, "", cat(" ", pa.array(rng.integers(2, 30, g)).cast(pa.string()))),
    )
    groups = world.add_assets(
        asset_table(
            g,
            platform="facebook",
            kind="group",
            handle=const("", g),
            display_name=gn,
            created=dates_between(rng, g, "2012-01-01", "2021-03-01"),
            followers=heavy_counts(rng, g, 2500, 1.3, 20, 400_000),
            label="organic",
        )
    )
    n = world.n(250, 10)
    aids, tz, persian = people(world, n, "facebook")
    home = rng.integers(0, g, (n, 3))
    counts = heavy_counts(rng, n, 9, 1.1, 1, 600)
    owner = np.repeat(np.arange(n), counts)
    venue = groups[home[owner, rng.integers(0, 3, len(owner))]]
    t = human_times(rng, tz[owner], rng.normal(0, 1, n)[owner])
    link = rng.random(len(owner)) < 0.25
    art, t_art = article_pick(rng, world, t, ("state", "independent"))
    t = np.where(link, t_art, t)
    text = when(
        link, share_text(rng, world, art, persian[owner]), tx.organic_text(rng, persian[owner])
    )
    url = when(link, tracked(rng, pick(world.articles["url"], art), "facebook"), "")
    world.add_posts(
        post_table(aids[owner], t, text, when(persian[owner], "fa", "en"), url=url, venue=venue)
    )
    world.fb_people = aids
    return groups


def instagram(world: World) -> None:
    """Ordinary Instagram accounts: captions with a few hashtags."""
    rng = world.rng
    n = world.n(250, 10)
    aids, tz, persian = people(world, n, "instagram")
    counts = heavy_counts(rng, n, 12, 1.0, 1, 400)
    owner = np.repeat(np.arange(n), counts)
    k = len(owner)
    t = human_times(rng, tz[owner], rng.normal(0, 1, n)[owner])
    body = tx.organic_text(rng, persian[owner])
    ntag = rng.integers(0, 5, k)
    flat = rng.integers(0, len(IG_TAGS), int(ntag.sum()))
    tags = pa.ListArray.from_arrays(
        pa.array(np.concatenate([[0], np.cumsum(ntag)]).astype(np.int32)), pick(IG_TAGS, flat)
    )
    tag_text = pa.array([" ".join("#" + x for x in row) for row in tags.to_pylist()], pa.string())
    text = when(ntag > 0, cat(body, "\n.\n", tag_text), body)
    world.add_posts(post_table(aids[owner], t, text, when(persian[owner], "fa", "en"), tags=tags))


def telegram_channels(world: World) -> None:
    """News channels posting headlines and links, now and then forwarding each other."""
    rng = world.rng
    n = world.n(25, 3)
    _, persian, _ = regions(rng, n)
    names = cat(
        pick(
            (
                "اخبار فوری",
                "کانال خبری",
                "Iran News Now",
                "خبرهای داغ",
                "Persian Headlines",
                "رسانه آزاد",
            ),
            rng.integers(0, 6, n),
        ),
        " ",
        pa.array(rng.integers(1, 999, n)).cast(pa.string()),
    )
    aids = world.add_assets(
        asset_table(
            n,
            platform="telegram",
            kind="channel",
            handle=tx.unique_handles(
                cat("news_ch", pa.array(rng.integers(10, 9999, n)).cast(pa.string())), rng, 0.0
            ),
            display_name=names,
            created=dates_between(rng, n, "2016-01-01", "2021-05-01"),
            followers=heavy_counts(rng, n, 8000, 1.5, 50, 2_000_000),
            label="organic",
            lang=when(persian, "fa", "en"),
            tz=3.5,
        )
    )
    counts = heavy_counts(rng, n, 90, 0.9, 5, 1500)
    owner = np.repeat(np.arange(n), counts)
    t = human_times(rng, np.full(len(owner), 3.5), np.zeros(len(owner)))
    link = rng.random(len(owner)) < 0.6
    art, t_art = article_pick(rng, world, t, ("state", "independent"))
    t = np.where(link, t_art, t)
    text = when(link, pick(world.articles["title"], art), tx.organic_text(rng, persian[owner]))
    url = when(link, pick(world.articles["url"], art), "")
    pids = world.add_posts(
        post_table(aids[owner], t, text, when(persian[owner], "fa", "en"), url=url)
    )
    # Now and then a channel forwards another channel's post, hours later.
    f = world.n(300, 10)
    src = rng.choice(len(pids), f)
    by = aids[(owner[src] + rng.integers(1, n, f)) % n] if n > 1 else aids[owner[src]]
    tf = t[src] + rng.lognormal(np.log(3 * HOUR), 1.0, f).astype(np.int64)
    keep = tf < END
    world.add_posts(
        post_table(by[keep], tf[keep], const("", int(keep.sum())), "", shared=pids[src][keep])
    )
