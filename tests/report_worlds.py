"""Hand-made workspaces for the characterization and report tests (fixed seed, known answers).

`build(ws)` fills a Workspace with:
- network "net-tehran": 8 X accounts created within three days, declaring New York, posting in
  Persian Saturday–Thursday 09:00–17:00 Tehran time (UTC+3:30), the same texts minutes apart,
  mentioning @target_person most, pushing presstv.ir (state media) and amc239.com (a domain
  from Meta's Q1 2023 Iran takedown) and once t.me/AlToufanTeam (a channel it named),
  hashtag #نه_به_جنگ;
- network "net-meta": 3 Facebook Pages, 2 Groups and 4 Instagram accounts posting in English
  Monday–Friday 09:00–17:00 at UTC−5;
- 40 organic accounts posting at random times with varied text.
`hostile=True` puts script tags, event handlers, javascript: links, RTL overrides and very long
strings into names, handles, texts and URLs.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa

from cibwatch.text import normalize_arrow

TEHRAN = 3.5
WORDS_EN = [
    "market",
    "weather",
    "football",
    "music",
    "coffee",
    "school",
    "train",
    "city",
    "garden",
    "movie",
    "holiday",
    "family",
]
WORDS_FA = [
    "بازار",
    "هوا",
    "فوتبال",
    "موسیقی",
    "قهوه",
    "مدرسه",
    "قطار",
    "شهر",
    "باغ",
    "فیلم",
    "تعطیلات",
    "خانواده",
]
FA_TEXTS = [
    "مردم ایران از سیاست‌های تجاوزکارانه دشمن حمایت نمی‌کنند و ایستادگی ادامه دارد",
    "رسانه‌های غربی حقیقت را درباره تحریم‌ها و فشار اقتصادی پنهان می‌کنند",
    "منافقین دشمن ملت ایران هستند و باید افشا شوند",
]
EN_TEXTS = [
    "Our community stands together for peace and the truth about the sanctions",
    "Read the real story the mainstream media will not tell you about the election",
]
HOSTILE = [
    '<script>document.title="PWNED"</script>',
    "<img src=x onerror=\"document.title='PWNED'\">",
    '"><svg onload=document.title="PWNED">',
    "\u202eevil\u202c RTL override \u2067مخفی\u2069",
    "A" * 3000,
    "javascript:document.title='PWNED'",
]


def _insert(con, table: str, rows: list[tuple]) -> None:
    """Bulk insert through Arrow (executemany is slow in DuckDB)."""
    if not rows:
        return
    names = [d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description]
    cols = list(zip(*rows, strict=True))
    data = pa.table({n: pa.array(list(c)) for n, c in zip(names, cols, strict=True)})
    con.register("_rw_rows", data)
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM _rw_rows")
    finally:
        con.unregister("_rw_rows")


def build(ws, *, hostile: bool = False, seed: int = 3) -> dict:
    rng = np.random.default_rng(seed)
    con = ws.con
    assets, posts, urls, tags, mentions = [], [], [], [], []
    members: list[tuple[str, int, str]] = []
    next_post = [1]

    def asset(aid, platform, kind, native, handle, name, created, location, followers):
        assets.append((aid, platform, kind, native, handle, name, created, "bio", location,
                       followers, 10, None, None, None, 1))  # fmt: skip

    def post(aid, platform, when, text, *, url=None, hashtag=None, mention=None, client=None,
             venue=None, lang=None):  # fmt: skip
        pid = next_post[0]
        next_post[0] += 1
        posts.append((pid, platform, f"p{pid}", aid, when, text, None, lang, None,
                      None, None, None, None, venue, client, int(rng.integers(0, 50)), 0, 0, 1))  # fmt: skip
        if url:
            dom = url.split("/")[2].removeprefix("www.")
            urls.append((pid, url, url.lower().rstrip("/"), dom))
        if hashtag:
            tags.append((pid, 0, hashtag))
        if mention:
            mentions.append((pid, 0, mention))
        return pid

    # --- net-tehran: 8 X accounts, Tehran office hours, Saturday-Thursday.
    start = datetime(2022, 1, 1)  # a Saturday
    for i in range(8):
        aid = 100 + i
        handle = f"fa_user{i}" if not hostile else HOSTILE[i % len(HOSTILE)][:60] + str(i)
        name = f"کاربر {i}" if not hostile else HOSTILE[(i + 1) % len(HOSTILE)]
        asset(aid, "twitter", "account", f"90{i}", handle, name,
              datetime(2021, 12, 1) + timedelta(hours=7 * i), "New York, USA", 50 + 300 * i)  # fmt: skip
        members.append(("net-tehran", aid, "member"))
    for day in range(28):
        d = start + timedelta(days=day)
        if d.weekday() == 4:  # Friday: rest day in Iran
            continue
        for k in range(6):
            local_min = int(rng.integers(9 * 60, 17 * 60 - 20))
            base = d + timedelta(minutes=local_min) - timedelta(hours=TEHRAN)
            text = FA_TEXTS[(day + k) % len(FA_TEXTS)] + f" #{day % 4}"
            if hostile and k == 0:
                text = HOSTILE[day % len(HOSTILE)] + " " + text
            for j, aid in enumerate(rng.choice(np.arange(100, 108), size=3, replace=False)):
                when = base + timedelta(minutes=2 * j + int(rng.integers(0, 2)))
                url = ["https://www.presstv.ir/Detail/2022/01/0" + str(k), "https://amc239.com/news/"
                       + str(day)][k % 2] if j < 2 else None  # fmt: skip
                if hostile and k == 1 and j == 0:
                    url = "javascript:document.title='PWNED'//" + "x" * 500
                if day == 3 and k == 2 and j == 2:  # a channel from Meta's Q1 2023 Iran takedown
                    url = "https://t.me/AlToufanTeam"
                post(int(aid), "twitter", when, text, url=url, hashtag="نه_به_جنگ",
                     mention="target_person" if k % 3 else "other_person",
                     client="Twitter Web App", lang="fa")  # fmt: skip
    # --- net-meta: Facebook Pages and Groups and Instagram accounts, US East office hours.
    meta_assets = []
    for i in range(3):
        meta_assets.append((200 + i, "facebook", "page"))
    for i in range(2):
        meta_assets.append((210 + i, "facebook", "group"))
    for i in range(4):
        meta_assets.append((220 + i, "instagram", "account"))
    for aid, platform, kind in meta_assets:
        asset(aid, platform, kind, f"m{aid}", f"meta_{aid}", f"Meta asset {aid}",
              datetime(2020, 5, 1) + timedelta(days=int(rng.integers(0, 300))), "Texas", 5000)  # fmt: skip
        members.append(("net-meta", aid, "member"))
    for day in range(28):
        d = start + timedelta(days=day)
        if d.weekday() >= 5:
            continue
        for k in range(5):
            base = (
                d + timedelta(minutes=int(rng.integers(9 * 60, 17 * 60 - 20))) + timedelta(hours=5)
            )
            text = EN_TEXTS[(day + k) % 2]
            for aid, platform, _ in rng.permutation(np.array(meta_assets, dtype=object))[:3]:
                post(int(aid), str(platform), base + timedelta(minutes=int(rng.integers(0, 5))), text,
                     url="https://realnews-example.org/story/" + str(day), hashtag="truth",
                     mention="senator_x", venue=210 if platform == "facebook" else None, lang="en")  # fmt: skip
    # --- organic accounts.
    for i in range(40):
        aid = 1000 + i
        asset(aid, "twitter", "account", f"o{i}", f"person{i}", f"Person {i}",
              datetime(2012, 1, 1) + timedelta(days=int(rng.integers(0, 3000))), "Somewhere", 120)  # fmt: skip
        for _ in range(30):
            when = start + timedelta(minutes=int(rng.integers(0, 28 * 1440)))
            words = WORDS_FA if i % 2 else WORDS_EN
            text = " ".join(rng.choice(words, size=6))
            post(aid, "twitter", when, text, hashtag=str(rng.choice(["news", "truth", "weekend"])),
                 mention=f"person{int(rng.integers(0, 40))}", lang="fa" if i % 2 else "en")  # fmt: skip
    norms = normalize_arrow(pa.array([p[5] for p in posts], pa.string())).to_pylist()
    posts = [(*p[:6], n, *p[7:]) for p, n in zip(posts, norms, strict=True)]
    _insert(con, "assets", assets)
    _insert(con, "posts", posts)
    _insert(con, "post_urls", urls)
    _insert(con, "post_hashtags", tags)
    _insert(con, "post_mentions", mentions)
    nets = [
        ("net-tehran", 0.91, "high", True, 8, json.dumps({"co_link": 0.8, "identical_text": 0.9}),
         json.dumps({"creation_burst": 0.9, "timezone_mismatch": 0.7})),
        ("net-meta", 0.74, "medium", True, 9, json.dumps({"co_link": 0.6, "hashtag_sequence": 0.3}),
         json.dumps({"near_duplicate_share": 0.6})),
        ("net-authentic", 0.12, "low", False, 2, "{}", "{}"),
    ]  # fmt: skip
    _insert(con, "networks", nets)
    members += [("net-authentic", 1000, "member"), ("net-authentic", 1001, "member")]
    _insert(con, "network_members", members)
    edges = []
    for _net, ids in (("net-tehran", range(100, 108)), ("net-meta", [a[0] for a in meta_assets])):
        ids = list(ids)
        for a_i, a in enumerate(ids):
            for b in ids[a_i + 1 :]:
                if rng.random() < 0.6:
                    edges.append((a, b, "co_link", float(rng.random()), 5, 3, start, start, []))
    _insert(con, "edges", edges)
    return {"posts": len(posts), "assets": len(assets)}
