"""Ordinary accounts, Pages, Groups and channels: the organic majority, with its own bursts.

Organic behaviour is deliberately full of coordination-looking traces: news-cycle bursts
(many people share a breaking story within minutes, often with the share button's identical
text), viral posts retweeted by hundreds within seconds, trending hashtags, and many ordinary
Iranians at UTC+3:30. A detector that flags these is wrong.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cibwatch.synth import text as tx
from cibwatch.synth.articles import OUTLETS
from cibwatch.synth.world import (
    DAY,
    DAYS,
    END,
    HOUR,
    REGIONS,
    START,
    World,
    asset_table,
    burst_dates,
    cat,
    clip,
    const,
    dates_between,
    heavy_counts,
    human_times,
    participants,
    pick,
    post_table,
    when,
)

YOUTUBE_IDS = 4000
OFFICIALS = (
    # handle, display name, followers, lang: public figures ops praise or attack
    ("IranGovSpokesman", "سخنگوی دولت", 850_000, "fa"),
    ("MFA_Spokesperson_IR", "Foreign Ministry Spokesperson", 1_200_000, "en"),
    ("ParliamentSpeakerIR", "رئیس مجلس", 400_000, "fa"),
    ("HealthMinistryIR", "وزارت بهداشت", 300_000, "fa"),
    ("FreeIranCouncil", "Free Iran Council", 260_000, "en"),  # the opposition group
    ("FreeIranCouncilFA", "شورای ایران آزاد", 150_000, "fa"),
)


def regions(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """(utc offset hours, is_persian, declared location) per ordinary account."""
    w = np.array([r.weight for r in REGIONS])
    reg = rng.choice(len(REGIONS), n, p=w / w.sum())
    tz = np.array([r.offset for r in REGIONS])[reg]
    persian = rng.random(n) < np.array([r.persian for r in REGIONS])[reg]
    locs = [loc for r in REGIONS for loc in r.locations]
    starts = np.cumsum([0] + [len(r.locations) for r in REGIONS])[:-1]
    lens = np.array([len(r.locations) for r in REGIONS])
    li = starts[reg] + (rng.random(n) * lens[reg]).astype(np.int64)
    return tz, persian, pick(locs, li)


def people(
    world: World, n: int, platform: str, label: str = "organic", *, created_from: str = "2009-03-01"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Add `n` ordinary personal accounts; returns (aids, tz offsets, is_persian)."""
    rng = world.rng
    tz, persian, loc = regions(rng, n)
    display, stem = tx.person_names(rng, persian)
    handle = tx.unique_handles(
        cat(stem, "_", const(platform[:2], n)) if platform != "twitter" else stem, rng, 0.3
    )
    bio = when(
        persian,
        pick(tx.BIOS_FA, rng.integers(0, len(tx.BIOS_FA), n)),
        pick(tx.BIOS_EN, rng.integers(0, len(tx.BIOS_EN), n)),
    )
    # Ordinary sign-ups come in waves too (protests, internet shutdowns, a new app's hype):
    # a creation burst alone proves nothing.
    created = dates_between(rng, n, created_from, "2021-08-15")
    wave = rng.random(n) < 0.12
    created[wave] = burst_dates(rng, int(wave.sum()), ["2019-11-24", "2021-02-08"], 24 * 9)
    table = asset_table(
        n,
        platform=platform,
        kind="account",
        handle=handle,
        display_name=display,
        created=created,
        followers=heavy_counts(rng, n, 180, 1.7, 0, 5_000_000),
        following=heavy_counts(rng, n, 300, 1.0, 0, 7500),
        label=label,
        bio=bio,
        location=loc,
        lang=when(persian, "fa", "en"),
        tz=tz,
    )
    return world.add_assets(table), tz, persian


def article_pick(
    rng: np.random.Generator,
    world: World,
    t: np.ndarray,
    roles: tuple[str, ...],
    domains: tuple[str, ...] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Articles shared at times `t`: recent ones, popular ones more. Returns (idx, t).

    `roles` limits the outlets by role (state, intermediary, independent); `domains`, when
    given, to those outlets (each operation has its favourite sources).
    """
    a = world.articles
    mask = np.isin(np.array(a["role"]), roles)
    if domains is not None:
        mask &= np.isin(np.array(a["domain"]), domains)
    ok = np.flatnonzero(mask)
    pub = a["t"][ok]
    k = np.searchsorted(pub, t)
    per_day = max(1.0, len(ok) / (DAYS + 2))
    # Two candidates by recency, keep the more popular: heavy-tailed shares, news decays.
    pop = world.article_pop[ok]
    c1 = k - 1 - np.floor(rng.exponential(per_day * 1.5, len(t))).astype(np.int64)
    c2 = k - 1 - np.floor(rng.exponential(per_day * 1.5, len(t))).astype(np.int64)
    c1, c2 = np.clip(c1, 0, len(ok) - 1), np.clip(c2, 0, len(ok) - 1)
    best = np.where(pop[c1] >= pop[c2], c1, c2)
    t = np.maximum(t, pub[best] + rng.integers(60, 3 * HOUR, len(t)))
    return ok[best], clip(t)


def tracked(rng: np.random.Generator, urls: pa.Array, source: str) -> pa.Array:
    """Some shares carry tracking parameters (URL normalization must strip them)."""
    return when(
        rng.random(len(urls)) < 0.2, cat(urls, f"?utm_source={source}&utm_medium=social"), urls
    )


def share_text(
    rng: np.random.Generator, world: World, art: np.ndarray, persian: np.ndarray
) -> pa.Array:
    """What people write when sharing an article: the share button's text or a comment."""
    n = len(art)
    title = pick(world.articles["title"], art)
    handles = [o[1].split(".")[0] for o in OUTLETS]
    oi = {o[0]: i for i, o in enumerate(OUTLETS)}
    outlet = pick(handles, np.array([oi[x] for x in world.articles["outlet"]])[art])
    mode = rng.choice(3, n, p=[0.45, 0.25, 0.30])
    comment = tx.organic_text(rng, persian)
    return tx.choose(mode, title, cat(title, " via @", outlet), cat(comment, " ", title))


def trending(rng: np.random.Generator) -> np.ndarray:
    """Three trending hashtag indices per day."""
    return np.stack([rng.choice(len(tx.TRENDING), 3, replace=False) for _ in range(DAYS)])


def twitter_people(world: World) -> dict:
    """Ordinary Twitter accounts, their tweets, replies, retweets, virals and news bursts."""
    rng = world.rng
    n = world.n(1950, 50)
    aids, tz, persian = people(world, n, "twitter")
    client = pick(tx.CLIENTS, rng.choice(len(tx.CLIENTS), n, p=tx.CLIENT_WEIGHTS))
    # Officials and the opposition group: big accounts that operations praise or attack.
    m = len(OFFICIALS)
    off = world.add_assets(
        asset_table(
            m,
            platform="twitter",
            kind="account",
            handle=pa.array([o[0] for o in OFFICIALS]),
            display_name=pa.array([o[1] for o in OFFICIALS]),
            created=dates_between(rng, m, "2010-01-01", "2015-01-01"),
            followers=np.array([o[2] for o in OFFICIALS]),
            following=rng.integers(10, 300, m),
            label="organic",
            lang=pa.array([o[3] for o in OFFICIALS]),
            tz=3.5,
            location="Tehran",
        )
    )
    world.official_aids = off
    counts = heavy_counts(rng, n, 21, 1.2, 1, 3000)
    owner = np.repeat(np.arange(n), counts)
    mix = rng.dirichlet([6.0, 2.0, 1.2, 3.0], n)[owner]  # original, link, reply, retweet
    u = rng.random(len(owner))
    kind = (u[:, None] > np.cumsum(mix, axis=1)).sum(axis=1)
    shift = rng.normal(0, 1.2, n)
    t = human_times(rng, tz[owner], shift[owner])
    trend = trending(rng)
    world.trend = trend

    # Originals (text, sometimes a trending hashtag) and link shares.
    o = np.flatnonzero(kind <= 1)
    oo = owner[o]
    body = tx.organic_text(rng, persian[oo])
    day = np.clip((t[o] - START) // DAY, 0, DAYS - 1)
    has_tag = rng.random(len(o)) < 0.18
    tag_i = trend[day, rng.integers(0, 3, len(o))]
    tag = pick(tx.TRENDING, tag_i)
    # Computed for every original and kept where the post is a link share: vectorized.
    link = kind[o] == 1
    art, t_art = article_pick(rng, world, t[o], ("state", "independent"))
    to = np.where(link, t_art, t[o])
    yt = rng.random(len(o)) < 0.2
    yti = np.minimum(rng.zipf(1.6, len(o)), YOUTUBE_IDS) - 1
    news = link & ~yt
    body = when(news, share_text(rng, world, art, persian[oo]), body)
    urls = when(
        yt,
        cat(
            "https://www.youtube.com/watch?v=yt", pc.cast(pa.array(yti * 7919 % 99991), pa.string())
        ),
        tracked(rng, pick(world.articles["url"], art), "twitter"),
    )
    lang = when(
        news, pick(world.articles["lang"], art), world.column("lang").take(pa.array(aids[oo]))
    )
    url = when(link, urls, "")
    text = when(has_tag, cat(body, " #", tag), body)
    tags = pa.ListArray.from_arrays(
        pa.array(np.concatenate([[0], np.cumsum(has_tag)]).astype(np.int32)),
        pick(tx.TRENDING, tag_i[has_tag]),
    )
    pid_o = world.add_posts(
        post_table(
            aids[oo],
            to,
            text,
            lang,
            url=url,
            tags=tags,
            client=client.take(pa.array(oo)),
        )
    )
    world.tw_originals = pid_o
    world.tw_original_aid = aids[oo]
    world.tw_original_t = to
    world.tw_people = aids
    world.tw_persian = persian
    world.tw_client = client

    _replies_and_retweets(world, owner[kind >= 2], kind[kind >= 2], aids, persian, client)
    _virals(world, aids, client)
    _news_bursts(world, aids, persian, client)
    return {"aids": aids}


def _targets(world: World, n: int) -> np.ndarray:
    """Indices into the organic originals, weighted by the author's reach."""
    rng = world.rng
    followers = world.column("followers")[world.tw_original_aid]
    w = np.power(followers + 10.0, 0.7) * rng.lognormal(0, 1.0, len(followers))
    return rng.choice(len(w), n, p=w / w.sum())


def _replies_and_retweets(world, owner, kind, aids, persian, client) -> None:
    rng = world.rng
    handles = world.column("handle")
    for k, name in ((2, "reply"), (3, "retweet")):
        sel = owner[kind == k]
        if not len(sel):
            continue
        tgt = _targets(world, len(sel))
        by = aids[sel]
        orig_aid = world.tw_original_aid[tgt]
        clash = by == orig_aid
        by = np.where(clash, aids[(sel + 1) % len(aids)], by)
        delay = rng.lognormal(np.log(40 * 60), 1.8, len(sel)).astype(np.int64) + 5
        t = world.tw_original_t[tgt] + delay
        keep = t < END
        by, t, tgt, sel = by[keep], t[keep], tgt[keep], sel[keep]
        pid = world.tw_originals[tgt]
        cl = client.take(pa.array(sel))
        if name == "reply":
            # Most answer with a reply (mentioning the author), some quote the post instead.
            who = handles.take(pa.array(world.tw_original_aid[tgt]))
            quote = rng.random(len(sel)) < 0.15
            text = when(
                quote,
                tx.organic_text(rng, persian[sel]),
                cat("@", who, " ", tx.reply_text(rng, persian[sel])),
            )
            ments = pa.ListArray.from_arrays(
                pa.array(np.concatenate([[0], np.cumsum(~quote)]).astype(np.int32)),
                who.filter(pa.array(~quote)),
            )
            world.add_posts(
                post_table(
                    by,
                    t,
                    text,
                    when(persian[sel], "fa", "en"),
                    mentions=ments,
                    reply=np.where(quote, -1, pid),
                    quoted=np.where(quote, pid, -1),
                    client=cl,
                )
            )
        else:
            world.add_posts(post_table(by, t, const("", len(by)), "", shared=pid, client=cl))


def _virals(world: World, aids: np.ndarray, client: pa.Array) -> None:
    """A few posts retweeted by hundreds, many within seconds."""
    rng = world.rng
    n_viral = world.n(15, 3)
    followers = world.column("followers")[world.tw_original_aid]
    top = np.argsort(-followers, kind="stable")[: max(50, n_viral * 4)]
    picks = rng.choice(top, n_viral, replace=False)
    for p in picks.tolist():
        k = min(len(aids) - 1, int(rng.integers(100, 500) * min(1.0, max(world.scale, 0.3))))
        who = rng.choice(len(aids), k, replace=False)
        delay = rng.lognormal(np.log(90), 1.6, k).astype(np.int64) + 2
        t = world.tw_original_t[p] + delay
        keep = (t < END) & (aids[who] != world.tw_original_aid[p])
        who, t = who[keep], t[keep]
        world.add_posts(
            post_table(
                aids[who],
                t,
                const("", len(who)),
                "",
                shared=np.full(len(who), world.tw_originals[p]),
                client=client.take(pa.array(who)),
            )
        )
    world.plant(
        group="organic_virals",
        label="organic",
        size=n_viral,
        detail="posts retweeted by 100-500 accounts within minutes",
    )


def _news_bursts(world: World, aids: np.ndarray, persian: np.ndarray, client: pa.Array) -> None:
    """Breaking stories shared by many ordinary accounts within minutes."""
    rng = world.rng
    a = world.articles
    role = np.array(a["role"])
    cand = np.flatnonzero((role != "intermediary") & (a["t"] > START) & (a["t"] < END - DAY))
    n_b = world.n(20, 4)
    for art in rng.choice(cand, n_b, replace=False).tolist():
        k = min(len(aids) // 3, int(rng.integers(50, 300) * min(1.0, max(world.scale, 0.3))))
        who = rng.choice(len(aids), k, replace=False)
        t = a["t"][art] + 20 + rng.exponential(240, k).astype(np.int64) + rng.integers(0, 60, k)
        text = share_text(rng, world, np.full(k, art), persian[who])
        tag_i = world.trend[min(DAYS - 1, (a["t"][art] - START) // DAY), 0]
        has = rng.random(k) < 0.4
        text = when(has, cat(text, " #", tx.TRENDING[tag_i]), text)
        tags = pa.ListArray.from_arrays(
            pa.array(np.concatenate([[0], np.cumsum(has)]).astype(np.int32)),
            pa.array([tx.TRENDING[tag_i]] * int(has.sum()), pa.string()),
        )
        urls = tracked(rng, pick(a["url"], np.full(k, art)), "twitter")
        world.add_posts(
            post_table(
                aids[who],
                clip(t),
                text,
                when(persian[who], "fa", "en"),
                url=urls,
                tags=tags,
                client=client.take(pa.array(who)),
            )
        )
    world.plant(
        group="organic_news_bursts",
        label="organic",
        size=n_b,
        detail="breaking stories shared by 50-300 accounts within minutes",
    )


def fans(world: World) -> None:
    """Ordinary people who coordinate without anyone running them.

    News junkies with notifications on retweet an outlet's flagship account or share its
    links within minutes, story after story; circles of friends retweet each other's posts
    all month. Both repeat co-actions many times, in groups as small as five; both are
    organic.
    """
    rng = world.rng
    people = world.tw_people
    client = world.tw_client
    # Junkies of the Azadi News flagship account: retweets within minutes, again and again.
    # (Both junkies and stories grow with the scale; dilute**2 keeps each junky's count flat.)
    k = world.n(40, 10)
    who = rng.choice(len(people), k, replace=False)
    posts = world.brand_tweets
    ii, wi = participants(rng, np.full(len(posts), 0.35 * world.dilute**2), k)
    t = world.brand_tweet_t[ii] + rng.lognormal(np.log(180), 1.0, len(ii)).astype(np.int64) + 10
    keep = t < END
    world.add_posts(
        post_table(
            people[who[wi[keep]]],
            t[keep],
            const("", int(keep.sum())),
            "",
            shared=posts[ii[keep]],
            client=client.take(pa.array(who[wi[keep]])),
        )
    )
    # Junkies of two independent outlets: the share button, minutes after publication.
    a = world.articles
    for domain in ("atlaswire.com", "payamweekly.com"):
        k = world.n(25, 8)
        who = rng.choice(len(people), k, replace=False)
        arts = np.flatnonzero(
            (np.array(a["domain"]) == domain) & (a["t"] >= START) & (a["t"] < END)
        )
        ii, wi = participants(rng, np.full(len(arts), 0.3 * world.dilute**2), k)
        art = arts[ii]
        t = clip(a["t"][art] + rng.lognormal(np.log(360), 1.0, len(ii)).astype(np.int64) + 30)
        persian = world.tw_persian[who[wi]]
        world.add_posts(
            post_table(
                people[who[wi]],
                t,
                share_text(rng, world, art, persian),
                pick(a["lang"], art),
                url=tracked(rng, pick(a["url"], art), "twitter"),
                client=client.take(pa.array(who[wi])),
            )
        )
    # Circles of friends (5 to 12) retweeting each other's posts, minutes to hours later.
    n_circles = world.n(15, 4)
    orig_aid = world.tw_original_aid
    for _ in range(n_circles):
        size = int(rng.integers(5, 13))
        circle = people[rng.choice(len(people), size, replace=False)]
        theirs = np.flatnonzero(np.isin(orig_aid, circle))
        if not len(theirs):
            continue
        ii, wi = participants(rng, np.full(len(theirs), 0.3), size)
        by = circle[wi]
        keep = by != orig_aid[theirs[ii]]
        ii, by = ii[keep], by[keep]
        t = (
            world.tw_original_t[theirs[ii]]
            + rng.lognormal(np.log(1200), 1.5, len(ii)).astype(np.int64)
            + 20
        )
        keep = t < END
        world.add_posts(
            post_table(
                by[keep],
                t[keep],
                const("", int(keep.sum())),
                "",
                shared=world.tw_originals[theirs[ii[keep]]],
                client="Twitter for iPhone",
            )
        )
    world.plant(
        group="organic_fans",
        label="organic",
        size=n_circles,
        detail=f"news junkies of 3 outlets and {n_circles} circles of 5-12 friends retweeting each other",
    )


def copypasta(world: World) -> None:
    """Texts ordinary people paste to each other over hours: identical text, no organiser."""
    rng = world.rng
    people = world.tw_people
    n = world.sq(4, 2)
    for i in range(n):
        text = tx.COPYPASTA[i % len(tx.COPYPASTA)]
        k = min(len(people) // 4, int(rng.integers(30, 120) * min(1.0, max(world.scale, 0.3))))
        who = rng.choice(len(people), k, replace=False)
        t0 = START + int(rng.integers(0, (DAYS - 2) * DAY))
        t = clip(t0 + np.sort(rng.exponential(6 * HOUR, k)).astype(np.int64))
        body = cat(text, pick(("", "", " 🙏", " 😔", "!", "!!", " ✌️"), rng.integers(0, 7, k)))
        lang = "fa" if any("\u0600" <= ch <= "\u06ff" for ch in text) else "en"
        world.add_posts(
            post_table(people[who], t, body, lang, client=world.tw_client.take(pa.array(who)))
        )
    world.plant(
        group="organic_copypasta",
        label="organic",
        size=n,
        detail="texts pasted by 30-120 people over hours",
    )
