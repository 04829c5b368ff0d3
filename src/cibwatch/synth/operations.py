"""Planted influence operations (label io), from blatant to patient.

- amplifiers: Twitter accounts registered in bursts post copy-paste variants of templates in
  waves and fast-retweet a handful of seed accounts;
- pages_groups: Facebook Pages, Groups and their admins push state-media and intermediary
  links within short intervals;
- patient: aged Twitter personas declaring homes abroad post paraphrases, hours apart, among
  ordinary-looking filler, only in Tehran office hours (Saturday–Thursday 09–17 UTC+3:30);
- crossplatform: Facebook accounts, Instagram accounts, Pages and Groups carrying the same
  texts and links;
- telegram: a hub channel and satellites forwarding it within minutes;
- small: five accounts registered the same day posting a hashtag campaign.
Targets: the opposition group (attacks) and officials (praise).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cibwatch.synth import narratives as nv
from cibwatch.synth import text as tx
from cibwatch.synth.organic import OFFICIALS, article_pick, tracked
from cibwatch.synth.world import (
    DAY,
    DAYS,
    END,
    HOUR,
    START,
    TEHRAN,
    World,
    asset_table,
    burst_dates,
    cat,
    clip,
    const,
    dates_between,
    heavy_counts,
    human_times,
    office_times,
    participants,
    pick,
    post_table,
    when,
)

TARGETS = tuple(o[0] for o in OFFICIALS)
TEMPLATES_FA, HASHTAGS_FA = nv.OP_MESSAGES["op_amplifiers"]
# Each operation's favourite sources: separate teams push different outlets.
SOURCES = {
    "op_amplifiers": ("tasnimnews.com", "farsnews.ir"),
    "op_pages_groups": ("presstv.ir", "tasnimnews.com", "globalhorizonreview.com",
                        "freethinkerpost.net", "meobserverdaily.org"),
    "op_crossplatform": ("irna.ir", "mehrnews.com", "kayhan.ir", "sedayemostaghel.com"),
    "op_telegram": ("farsnews.ir", "kayhan.ir"),
}  # fmt: skip


def _accounts(
    world: World,
    n: int,
    platform: str,
    op: str,
    tactic: str,
    created: np.ndarray,
    *,
    kind: str = "account",
    names: tuple[str, ...] | None = None,
    handle_style: str = "default",
    followers: np.ndarray | None = None,
    location: pa.Array | str = "",
    bio: pa.Array | str = "",
    lang: str = "fa",
) -> np.ndarray:
    """Add `n` operation assets (Persian personas run from Tehran); returns their indices."""
    rng = world.rng
    persian = np.ones(n, dtype=bool)
    display, stem = tx.person_names(rng, persian)
    if names is not None:
        display = cat(
            pick(names, rng.integers(0, len(names), n)),
            when(
                rng.random(n) < 0.5,
                "",
                cat(" ", pa.array(rng.integers(2, 99, n)).cast(pa.string())),
            ),
        )
    if handle_style == "default":  # the sign-up form's suggestion: Name + eight digits
        first = pick(tx.LATIN_FIRST, rng.integers(0, len(tx.LATIN_FIRST), n))
        handle = cat(
            pc.utf8_capitalize(first),
            pa.array(rng.integers(10_000_000, 99_999_999, n)).cast(pa.string()),
        )
    else:
        handle = cat(stem, f"_{platform[:2]}" if platform != "twitter" else "")
    handle = tx.unique_handles(handle, rng, 0.25 if handle_style != "default" else 0.0)
    if isinstance(bio, str) and not bio:
        bio = pick(nv.AMPLIFIER_BIOS, rng.integers(0, len(nv.AMPLIFIER_BIOS), n))
    return world.add_assets(
        asset_table(
            n,
            platform=platform,
            kind=kind,
            handle=handle,
            display_name=display,
            created=created,
            followers=followers
            if followers is not None
            else heavy_counts(rng, n, 25, 1.0, 0, 4000),
            following=heavy_counts(rng, n, 280, 0.6, 5, 5000),
            label="io",
            operation=op,
            tactic=tactic,
            bio=bio,
            location=location,
            lang=lang,
            tz=TEHRAN,
        )
    )


def _earlier(
    rng: np.random.Generator, cand_t: np.ndarray, t: np.ndarray, lag: int, spread: float
) -> tuple[np.ndarray, np.ndarray]:
    """For each time in `t`, a candidate posted at least `lag` seconds before it, usually one
    of the most recent (geometric spread). Returns (candidate index, whether one existed)."""
    order = np.argsort(cand_t, kind="stable")
    hi = np.searchsorted(cand_t[order], t - lag)
    j = np.clip(hi - 1 - np.floor(rng.exponential(spread, len(t))).astype(np.int64), 0, None)
    return order[np.minimum(j, len(order) - 1)], hi > 0


def _tehran_daytime(rng: np.random.Generator, n: int) -> np.ndarray:
    """Times in Tehran waking hours on any day (less disciplined than office hours)."""
    return human_times(rng, np.full(n, TEHRAN), np.zeros(n))


def amplifiers(world: World) -> None:
    """Copy-paste amplifiers created in bursts, retweeting seed accounts within seconds."""
    op = "op_amplifiers"
    rng = world.rng
    s, n = world.n(8, 3), world.n(170, 12)
    seeds = _accounts(world, s, "twitter", op, "seed", dates_between(rng, s, "2019-06-01", "2020-12-01"),
                      followers=rng.integers(1500, 9000, s), handle_style="person")  # fmt: skip
    amps = _accounts(world, n, "twitter", op, "copy_paste_amplifier",
                     burst_dates(rng, n, ["2021-07-12", "2021-07-29", "2021-08-16"]))  # fmt: skip
    client = pick(
        ("Twitter Web App", "Twitter for Android"), (rng.random(n) < 0.35).astype(np.int64)
    )
    # Seeds post talking points; a share of the amplifiers retweets each within seconds.
    k = int(rng.poisson(1.2 * DAYS * s))
    by = seeds[rng.integers(0, s, k)]
    t = _tehran_daytime(rng, k)
    text, tags, ments = tx.varied(
        rng,
        pick(TEMPLATES_FA, rng.integers(0, len(TEMPLATES_FA), k)),
        HASHTAGS_FA,
        TARGETS,
        p_arabic=0.0,
    )
    sp = world.add_posts(
        post_table(by, t, text, "fa", tags=tags, mentions=ments, client="Twitter for iPhone")
    )
    # Each amplifier retweets a similar number of seed posts at every scale.
    frac = rng.uniform(0.1, 0.3, k) * min(1.0, 8 / s)
    pi, ai = participants(rng, frac, n)
    delay = rng.lognormal(np.log(45), 1.0, len(pi)).astype(np.int64) + 3
    tr = t[pi] + delay
    keep = tr < END
    world.add_posts(
        post_table(
            amps[ai[keep]],
            tr[keep],
            const("", int(keep.sum())),
            "",
            shared=sp[pi[keep]],
            client=client.take(pa.array(ai[keep])),
        )
    )
    # Waves of copy-paste variants, some carrying one state-media link per wave.
    waves = world.sq(40, 20)
    wt = _tehran_daytime(rng, waves)
    wtemp = rng.integers(0, len(TEMPLATES_FA), waves)
    wi, ai = participants(rng, rng.uniform(0.3, 0.7, waves) * world.dilute, n)
    t = wt[wi] + rng.lognormal(np.log(240), 0.8, len(wi)).astype(np.int64)
    text, tags, ments = tx.varied(rng, pick(TEMPLATES_FA, wtemp[wi]), HASHTAGS_FA, TARGETS)
    art, _ = article_pick(rng, world, wt, ("state",), SOURCES["op_amplifiers"])
    has_link = (rng.random(waves) < 0.35)[wi]
    url = when(has_link, tracked(rng, pick(world.articles["url"], art[wi]), "twitter"), "")
    world.add_posts(
        post_table(
            amps[ai],
            clip(t),
            text,
            "fa",
            url=url,
            tags=tags,
            mentions=ments,
            client=client.take(pa.array(ai)),
        )
    )
    # A little camouflage: retweets of popular ordinary posts at random times.
    m = n * 5
    tgt = rng.choice(len(world.tw_originals), m)
    tt = world.tw_original_t[tgt] + rng.lognormal(np.log(3 * HOUR), 1.0, m).astype(np.int64)
    keep = tt < END
    by = np.repeat(amps, 5)[keep]
    world.add_posts(
        post_table(
            by,
            tt[keep],
            const("", int(keep.sum())),
            "",
            shared=world.tw_originals[tgt][keep],
            client="Twitter Web App",
        )
    )
    world.plant(
        group=op,
        label="io",
        size=s + n,
        detail=f"{s} seeds + {n} amplifiers created in 3 bursts; {waves} copy-paste waves",
    )


def pages_groups(world: World, organic_groups: np.ndarray) -> None:
    """Pages, Groups and admins pushing state-media and intermediary links within 30 minutes."""
    op = "op_pages_groups"
    rng = world.rng
    templates, hashtags = nv.OP_MESSAGES["op_pages_groups"]
    p, g, m = world.n(18, 4), world.n(8, 2), world.n(10, 3)
    pages = _accounts(world, p, "facebook", op, "link_pushing_page", burst_dates(rng, p, ["2020-05-10", "2021-02-03"], 72),
                      kind="page", names=nv.OP_PAGE_NAMES, followers=heavy_counts(rng, p, 1500, 0.9, 50, 60000))  # fmt: skip
    groups = _accounts(world, g, "facebook", op, "op_group", dates_between(rng, g, "2020-03-01", "2021-04-01"),
                       kind="group", names=nv.OP_GROUP_NAMES, followers=heavy_counts(rng, g, 900, 0.8, 20, 20000))  # fmt: skip
    admins = _accounts(
        world,
        m,
        "facebook",
        op,
        "group_admin",
        burst_dates(rng, m, ["2020-04-20"], 96),
        handle_style="person",
    )
    items = world.sq(60, 12)
    t0 = START + rng.integers(HOUR, (DAYS - 1) * DAY, items)
    art, t0 = article_pick(rng, world, t0, ("state", "intermediary"), SOURCES["op_pages_groups"])
    t0 = t0 + rng.integers(10 * 60, 3 * HOUR, items)
    tmpl = rng.integers(0, len(templates), items)
    for who, frac, venue_pool in ((pages, (0.5, 0.9), None), (admins, (0.6, 1.0), groups)):
        ii, wi = participants(rng, rng.uniform(*frac, items) * world.dilute, len(who))
        t = t0[ii] + rng.integers(0, 30 * 60, len(ii))
        text, tags, _ = tx.varied(rng, pick(templates, tmpl[ii]), hashtags, tag_sizes=(1, 2))
        url = tracked(rng, pick(world.articles["url"], art[ii]), "facebook")
        venue = None
        if venue_pool is not None:
            into_organic = rng.random(len(ii)) < 0.2
            venue = np.where(
                into_organic, rng.choice(organic_groups, len(ii)), rng.choice(venue_pool, len(ii))
            )
        world.add_posts(post_table(who[wi], clip(t), text, "fa", url=url, tags=tags, venue=venue))
    world.plant(
        group=op,
        label="io",
        size=p + g + m,
        detail=f"{p} Pages, {g} Groups, {m} admins pushing {items} links",
    )


def patient(world: World) -> None:
    """Aged personas abroad posting paraphrases among filler, in Tehran office hours only."""
    op = "op_patient"
    rng = world.rng
    n = world.n(40, 6)
    english = rng.random(n) < 0.7
    aids = _accounts(world, n, "twitter", op, "patient_persona", dates_between(rng, n, "2016-03-01", "2020-10-01"),
                     handle_style="person", followers=heavy_counts(rng, n, 400, 0.8, 30, 8000),
                     location=pick(nv.ABROAD, rng.integers(0, len(nv.ABROAD), n)),
                     bio=pick(nv.FILLER_BIOS_ABROAD, rng.integers(0, len(nv.FILLER_BIOS_ABROAD), n)), lang="en")  # fmt: skip
    client = pick(tx.CLIENTS, rng.choice(len(tx.CLIENTS), n, p=tx.CLIENT_WEIGHTS))
    counts = rng.integers(60, 120, n) if world.scale >= 0.5 else rng.integers(40, 80, n)
    owner = np.repeat(np.arange(n), counts)
    k = len(owner)
    t = office_times(rng, k)
    role = rng.choice(4, k, p=[0.45, 0.15, 0.12, 0.28])  # filler, retweet, news, talking point
    eng = english[owner]
    # Filler and talking points share one text column; talking points are paraphrases.
    filler = tx.organic_text(rng, ~eng)
    # One talking point (and one intermediary link) per day, posted by each persona at its
    # own hour: the campaign is coordinated by the day, jittered by hours.
    day = np.clip((t - START) // DAY, 0, DAYS - 1)
    point = rng.integers(0, len(nv.PARAPHRASES_EN), DAYS)[day]
    para = np.array([p for ps in nv.PARAPHRASES_EN for p in ps], dtype=object)[
        point * 4 + rng.integers(0, 4, k)
    ]
    fa_point = rng.integers(0, len(nv.PARAPHRASES_FA), DAYS)[day]
    para_fa = np.array([p for ps in nv.PARAPHRASES_FA for p in ps], dtype=object)[
        fa_point * 4 + rng.integers(0, 4, k)
    ]
    # The same talking point is never pasted twice the same way: openers and closers vary.
    opener = pick(
        (
            "",
            "",
            "",
            "Thread: ",
            "Worth saying again: ",
            "This. ",
            "Sad but true: ",
            "Unpopular opinion: ",
            "Reminder: ",
        ),
        rng.integers(0, 9, k),
    )
    para = pa.array(para.tolist(), pa.string())
    para = cat(opener, para, pick(tx.CLOSERS, rng.integers(0, len(tx.CLOSERS), k)))
    talk = when(
        eng,
        para,
        tx.letter_variants(rng, pa.array(para_fa.tolist(), pa.string())),
    )
    mention = (rng.random(k) < 0.25) & (role == 3)
    who = pick(TARGETS, rng.integers(0, len(TARGETS), k))
    talk = when(mention, cat(talk, " @", who), talk)
    ments = pa.ListArray.from_arrays(
        pa.array(np.concatenate([[0], np.cumsum(mention)]).astype(np.int32)),
        who.filter(pa.array(mention)),
    )
    # News shares point at independent outlets; talking points at intermediaries.
    news, _ = article_pick(rng, world, t, ("independent",))
    day_link, _ = article_pick(
        rng, world, START + np.arange(DAYS) * DAY + 5 * HOUR, ("intermediary",)
    )
    inter = day_link[day]
    link_tp = rng.random(k) < 0.4
    url = when(
        role == 2,
        pick(world.articles["url"], news),
        when((role == 3) & link_tp, pick(world.articles["url"], inter), ""),
    )
    text = when(role == 3, talk, when(role == 2, pick(world.articles["title"], news), filler))
    orig = role != 1
    pid = world.add_posts(
        post_table(aids[owner[orig]], t[orig], text.filter(pa.array(orig)), when(eng[orig], "en", "fa"),
                   url=url.filter(pa.array(orig)), mentions=ments.filter(pa.array(orig)),
                   client=client.take(pa.array(owner[orig])))
    )  # fmt: skip
    # Retweets: popular ordinary posts, and now and then a colleague's post, hours later.
    rt = np.flatnonzero(role == 1)
    tp = pid[role[orig] == 3]
    tp_t = t[orig][role[orig] == 3]
    ours, has_ours = _earlier(rng, tp_t, t[rt], HOUR, 6.0)
    theirs, _ = _earlier(rng, world.tw_original_t, t[rt], 10 * 60, 200.0)
    colleague = (rng.random(len(rt)) < 0.3) & has_ours
    world.add_posts(
        post_table(
            aids[owner[rt]],
            t[rt],
            const("", len(rt)),
            "",
            shared=np.where(colleague, tp[ours], world.tw_originals[theirs]),
            client=client.take(pa.array(owner[rt])),
        )
    )
    world.plant(
        group=op,
        label="io",
        size=n,
        detail="aged personas abroad; paraphrases among filler; Sat-Thu 09-17 Tehran",
    )


def crossplatform(world: World, organic_groups: np.ndarray) -> None:
    """Facebook accounts, Instagram accounts, Pages and Groups carrying the same texts and links."""
    op = "op_crossplatform"
    rng = world.rng
    templates, hashtags = nv.OP_MESSAGES["op_crossplatform"]
    nf, ni, npg, ng = world.n(25, 3), world.n(60, 5), world.n(6, 2), world.n(6, 2)
    fb = _accounts(
        world,
        nf,
        "facebook",
        op,
        "fb_persona",
        burst_dates(rng, nf, ["2020-11-02", "2021-05-18"]),
        handle_style="person",
    )
    ig = _accounts(world, ni, "instagram", op, "ig_persona", burst_dates(rng, ni, ["2021-06-07"], 60), handle_style="person",
                   followers=heavy_counts(rng, ni, 60, 1.0, 0, 5000))  # fmt: skip
    pages = _accounts(
        world,
        npg,
        "facebook",
        op,
        "page",
        burst_dates(rng, npg, ["2019-10-21"], 48),
        kind="page",
        names=nv.OP_PAGE_NAMES,
    )
    groups = _accounts(
        world,
        ng,
        "facebook",
        op,
        "group",
        dates_between(rng, ng, "2019-11-01", "2020-06-01"),
        kind="group",
        names=nv.OP_GROUP_NAMES,
    )
    items = world.sq(30, 8)
    t0 = START + rng.integers(HOUR, (DAYS - 1) * DAY, items)
    art, t0 = article_pick(rng, world, t0, ("state", "intermediary"), SOURCES["op_crossplatform"])
    has_link = rng.random(items) < 0.6
    tmpl = rng.integers(0, len(templates), items)
    for who, p, plat in ((pages, 0.7, "fb"), (fb, 0.5, "fb"), (ig, 0.4, "ig")):
        ii, wi = participants(rng, np.full(items, p * world.dilute), len(who))
        t = clip(t0[ii] + rng.integers(0, 3 * HOUR, len(ii)))
        text, tags, _ = tx.varied(rng, pick(templates, tmpl[ii]), hashtags, tag_sizes=(2, 3))
        if plat == "ig":
            world.add_posts(post_table(who[wi], t, text, "fa", tags=tags))
            continue
        url = when(has_link[ii], pick(world.articles["url"], art[ii]), "")
        venue = None
        if who is fb:
            venue = np.where(
                rng.random(len(ii)) < 0.2,
                rng.choice(organic_groups, len(ii)),
                rng.choice(groups, len(ii)),
            )
        world.add_posts(post_table(who[wi], t, text, "fa", url=url, tags=tags, venue=venue))
    # Instagram filler: ordinary captions so the accounts do not look single-purpose.
    k = ni * 6
    owner = np.repeat(ig, 6)
    world.add_posts(
        post_table(owner, _tehran_daytime(rng, k), tx.organic_text(rng, np.ones(k, bool)), "fa")
    )
    world.plant(
        group=op,
        label="io",
        size=nf + ni + npg + ng,
        detail=f"{nf} FB accounts, {ni} IG accounts, {npg} Pages, {ng} Groups; {items} shared items",
    )


def telegram(world: World) -> None:
    """A hub channel and five satellites forwarding it within minutes."""
    op = "op_telegram"
    rng = world.rng
    templates, hashtags = nv.OP_MESSAGES["op_telegram"]
    n = 6
    ch = _accounts(world, n, "telegram", op, "channel", dates_between(rng, n, "2019-01-01", "2020-01-01"), kind="channel",
                   names=("کانال افشاگری", "رسانه انقلاب", "اخبار مقاومت", "Resistance News", "حقایق پنهان", "ایران نیوز"),
                   followers=heavy_counts(rng, n, 3000, 0.8, 100, 50000))  # fmt: skip
    hub, sats = ch[0], ch[1:]
    k = world.sq(150, 40)
    t = _tehran_daytime(rng, k)
    art, t = article_pick(rng, world, t, ("state",), SOURCES["op_telegram"])
    text, tags, _ = tx.varied(
        rng,
        pick(templates, rng.integers(0, len(templates), k)),
        hashtags,
        tag_sizes=(1,),
    )
    pids = world.add_posts(
        post_table(np.full(k, hub), t, text, "fa", url=pick(world.articles["url"], art), tags=tags)
    )
    pi, si = participants(rng, np.full(k, 0.7), len(sats))
    tf = t[pi] + rng.integers(60, 10 * 60, len(pi))
    keep = tf < END
    world.add_posts(
        post_table(sats[si[keep]], tf[keep], const("", int(keep.sum())), "", shared=pids[pi[keep]])
    )
    # Satellites also post the same links themselves, with their own wording.
    again = rng.random(len(pi)) < 0.3
    text2, tags2, _ = tx.varied(
        rng,
        pick(templates, rng.integers(0, len(templates), int(again.sum()))),
        hashtags,
        tag_sizes=(1,),
    )
    world.add_posts(post_table(sats[si[again]], clip(t[pi[again]] + rng.integers(600, 3 * HOUR, int(again.sum()))), text2, "fa",
                               url=pick(world.articles["url"], art[pi[again]]), tags=tags2))  # fmt: skip
    world.plant(
        group=op, label="io", size=n, detail="hub channel + 5 satellites forwarding within minutes"
    )


def small(world: World) -> None:
    """Five accounts registered the same day, posting a hashtag campaign together."""
    op = "op_small"
    rng = world.rng
    templates, hashtags = nv.OP_MESSAGES["op_small"]
    n = 5
    aids = _accounts(
        world, n, "twitter", op, "small_cluster", burst_dates(rng, n, ["2021-08-20"], 5)
    )
    bursts = 8
    bt = _tehran_daytime(rng, bursts)
    owner = np.tile(np.arange(n), bursts)
    t = np.repeat(bt, n) + rng.integers(0, 120, n * bursts)
    text, tags, ments = tx.varied(
        rng,
        pick(templates, np.repeat(rng.integers(0, len(templates), bursts), n)),
        hashtags,
        TARGETS[4:],
    )
    world.add_posts(
        post_table(
            aids[owner],
            clip(t),
            text,
            "fa",
            tags=tags,
            mentions=ments,
            client="Twitter for Android",
        )
    )
    world.plant(
        group=op, label="io", size=n, detail=f"5 accounts created the same day; {bursts} bursts"
    )
