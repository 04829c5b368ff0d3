"""Authentic coordination: real people and organisations acting together in the open.

Labelled `authentic_coord`: a media brand's family of official accounts posting the same
headline at the same moment, activist tweetstorms by long-lived ordinary accounts posting one
template at a scheduled hour, and community Groups cross-posting an event link. They look
coordinated because they are; they are not inauthentic, and a detector must rank them low.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from cibwatch.synth import narratives as nv
from cibwatch.synth import text as tx
from cibwatch.synth.world import (
    DAY,
    END,
    HOUR,
    START,
    World,
    asset_table,
    cat,
    clip,
    const,
    dates_between,
    pick,
    post_table,
    when,
)

BRAND = (
    # platform, kind, handle, display name, language
    ("twitter", "account", "AzadiNews", "آزادی نیوز", "fa"),
    ("twitter", "account", "AzadiNewsEN", "Azadi News English", "en"),
    ("twitter", "account", "AzadiNews_Breaking", "آزادی نیوز | فوری", "fa"),
    ("twitter", "account", "AzadiTV", "Azadi TV", "fa"),
    ("twitter", "account", "AzadiSport", "آزادی ورزشی", "fa"),
    ("facebook", "page", "AzadiNewsPage", "Azadi News", "fa"),
    ("facebook", "page", "AzadiNewsEnglish", "Azadi News English", "en"),
    ("facebook", "page", "AzadiTVPage", "Azadi TV", "fa"),
    ("instagram", "account", "azadinews", "Azadi News", "fa"),
    ("instagram", "account", "azaditv", "Azadi TV", "fa"),
    ("telegram", "channel", "azadinews_channel", "آزادی نیوز", "fa"),
)


def media_family(world: World) -> None:
    """Azadi News: every article posted by all its accounts within about a minute."""
    rng = world.rng
    a = world.articles
    for platform, kind, handle, name, lang in BRAND:
        aid = world.add_assets(
            asset_table(
                1,
                platform=platform,
                kind=kind,
                handle=pa.array([handle]),
                display_name=pa.array([name]),
                created=dates_between(rng, 1, "2012-01-01", "2016-01-01"),
                followers=rng.integers(80_000, 1_500_000, 1),
                following=rng.integers(50, 800, 1),
                label="authentic_coord",
                operation="media_family_azadi",
                tactic="official_brand_account",
                bio=pa.array(["رسانه مستقل فارسی‌زبان | Independent Persian news"]),
                location="London, England",
                lang=lang,
                tz=0.0,
            )
        )
        world.brand_aids = np.append(world.brand_aids, aid)
    idx = np.array([i for i, d in enumerate(a["domain"]) if d == "azadinews.com"], dtype=np.int64)
    idx = idx[(a["t"][idx] >= START) & (a["t"][idx] < END - HOUR)]
    # One social-desk delay per article, then each account within a minute of it.
    desk = a["t"][idx] + rng.integers(60, 10 * 60, len(idx))
    m = len(world.brand_aids)
    aid = np.tile(world.brand_aids, len(idx))
    art = np.repeat(idx, m)
    t = np.repeat(desk, m) + rng.integers(0, 60, len(art))
    shared = rng.random(len(art)) < 0.85  # not every account posts every story
    aid, art, t = aid[shared], art[shared], t[shared]
    title = pick(a["title"], art)
    plats = world.column("platform").take(pa.array(aid))
    # Instagram captions carry the headline but no clickable link.
    url = when(np.array(plats.to_pylist()) == "instagram", "", pick(a["url"], art))
    pids = world.add_posts(
        post_table(aid, clip(t), title, pick(a["lang"], art), url=url, client="TweetDeck")
    )
    # The flagship account's tweets, which fans retweet (see organic.fans).
    world.brand_tweets = pids[aid == world.brand_aids[0]]
    world.brand_tweet_t = clip(t)[aid == world.brand_aids[0]]
    world.plant(
        group="media_family_azadi",
        label="authentic_coord",
        size=m,
        detail=f"{len(idx)} headlines posted by {m} brand accounts within a minute",
    )


def tweetstorms(world: World) -> None:
    """Activists: hundreds of long-lived accounts post one template at a scheduled hour."""
    rng = world.rng
    people = world.tw_people
    created = world.column("created")[people]
    old = people[created < np.datetime64("2019-01-01", "s").astype(np.int64)]
    taken = np.zeros(world.n_assets, dtype=bool)
    storms = (
        ("tweetstorm_political_prisoners", nv.STORM_FA, nv.STORM_TAG_FA, "fa", 250, 15, 16.5),
        ("tweetstorm_stop_executions", nv.STORM_EN, nv.STORM_TAG_EN, "en", 120, 22, 19.0),
    )
    for op, template, tag, lang, base, day, hour_utc in storms:
        pool = old[~taken[old]]
        k = min(len(pool), world.n(base, 20))
        who = rng.choice(pool, k, replace=False)
        taken[who] = True
        world.relabel(who, "authentic_coord", op, "activist_participant")
        when_t = START + day * DAY + int(hour_utc * HOUR)
        delay = rng.lognormal(np.log(100), 1.2, k).astype(np.int64)
        own = rng.random(k) < 0.3
        persian = np.full(k, lang == "fa")
        text = when(own, cat(tx.organic_text(rng, persian), " ", template), template)
        text = cat(text, f" #{tag}")
        tags = pa.array([[tag]] * k, pa.list_(pa.string()))
        pids = world.add_posts(
            post_table(
                who, clip(when_t + delay), text, lang, tags=tags, client="Twitter for iPhone"
            )
        )
        # Half of them also retweet the organisers' posts within minutes.
        org = pids[np.argsort(delay, kind="stable")[:3]]
        rt = rng.random(k) < 0.5
        by = who[rt]
        tgt = org[rng.integers(0, 3, len(by))]
        t_rt = clip(
            when_t
            + delay.max(initial=0) // 4
            + rng.lognormal(np.log(300), 1.0, len(by)).astype(np.int64)
        )
        t_rt = np.maximum(t_rt, when_t + int(delay.min(initial=0)) + 5)
        world.add_posts(
            post_table(by, t_rt, const("", len(by)), "", shared=tgt, client="Twitter for Android")
        )
        world.plant(
            group=op,
            label="authentic_coord",
            size=k,
            detail=f"one template with #{tag} at {hour_utc} UTC on day {day + 1}",
        )


def community_groups(world: World, groups: np.ndarray) -> None:
    """Diaspora community Groups whose admins cross-post the same event links."""
    rng = world.rng
    k = min(len(groups), max(3, world.n(8)))
    chosen = rng.choice(groups, k, replace=False)
    admins = rng.choice(world.fb_people, k, replace=False)
    world.relabel(chosen, "authentic_coord", "community_groups", "community_group")
    world.relabel(admins, "authentic_coord", "community_groups", "group_admin")
    for e, day in enumerate((4, 12, 24)):
        start = START + day * DAY + 17 * HOUR
        t = start + rng.integers(0, HOUR, k)
        url = f"https://www.eventbrite.com/e/persian-community-event-{1400 + e * 37}"
        greeting = pick(("سلام دوستان! ", "", "Hi all, ", "دوستان عزیز، "), rng.integers(0, 4, k))
        text = cat(greeting, nv.EVENT_TEXTS[e])
        world.add_posts(post_table(admins, t, text, "fa", url=const(url, k), venue=chosen))
    world.plant(
        group="community_groups",
        label="authentic_coord",
        size=2 * k,
        detail=f"{k} Groups and their admins cross-posting 3 event links",
    )
